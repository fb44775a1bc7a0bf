// The shipped default installation (devicescript.json) as the core sees it, and a controller
// with some state (a program, a queued manual run, a set clock) for the link tests.
import { readFileSync } from "node:fs"
import path from "node:path"
import { Controller } from "../../firmware/core/controller"
import { parseProfile, Profile } from "../../firmware/core/profile"
import { Program } from "../../firmware/core/types"
import { program } from "../core/fixtures"
import { REPO_ROOT } from "../../tools/devs-vm"

export function defaultProfile(): Profile {
    const r = parseProfile(JSON.parse(readFileSync(path.join(REPO_ROOT, "devicescript.json"), "utf8")))
    if (r.profile === null) throw new Error(r.errors.join("\n"))
    return r.profile
}

/** 2026-06-01 06:00 local time (UTC+7), a Monday outside the peak windows. */
export const T0 = 1780268400

export function pepperProgram(zones: number): Program {
    return program({ startsMin: [330, 900], zoneS: Array.from({ length: zones }, () => 1200), useMoisture: true })
}

/** A restored controller at T0 with program 1 saved and zone 1 watering. */
export function busyController(): { ctl: Controller; mono: number; wall: number } {
    const p = defaultProfile()
    const ctl = new Controller(p.config)
    ctl.restore({})
    const soil = p.config.zones.map(() => 280)
    ctl.step({ monoS: 100, wallS: T0, soil })
    const nz = p.config.zones.length
    if (!ctl.command({ k: "saveProgram", program: pepperProgram(nz) }, "remote").ok) throw new Error("program refused")
    if (!ctl.command({ k: "run", zone: 1, seconds: 600 }, "remote").ok) throw new Error("run refused")
    for (let m = 101; m <= 120; m++) ctl.step({ monoS: m, wallS: T0 + m - 100, soil })
    return { ctl, mono: 120, wall: T0 + 20 }
}
