// Hardware in the loop: the planner image (firmware/app-planner.ts, built from
// firmware/profiles/loc-quang-planner.json) in the DeviceScript VM against simulated relays and
// probes on a Jacdac bus (tools/hil/). What it protects: on the box, the planner reads the
// probes, asks for water where the soil is dry (cause "sensor"), and the core opens those
// valves before the pump, within the hydraulic limit; its looks, spread over ticks, never trip
// the VM's instruction budget (an InfiniteLoop panic would restart the box).

import { copyFileSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { spawnSync } from "node:child_process"
import { beforeAll, describe, expect, it } from "vitest"
import { REPO_ROOT, withVmLock } from "../../tools/devs-vm"
import { SLOT_PUMP, SLOT_ZONE0 } from "../../tools/hil/bus"
import { FIRMWARE_DEVS, Hil } from "../../tools/hil/harness"

const PROFILE = "firmware/profiles/loc-quang-planner.json"
/** Wednesday 2026-01-07 05:00 local (UTC+7): a normal-tariff hour, no peak window near. */
const WED_0500 = Date.UTC(2026, 0, 7, 5 - 7, 0, 0) / 1000
const ZONES = 4
const MAX_OPEN = 2

let bytecode = ""

function build(profile: string | null) {
    const args = [path.join(REPO_ROOT, "tools", "build-firmware.mjs"), "--quiet", ...(profile === null ? [] : ["--profile", profile])]
    return spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8" })
}

beforeAll(async () => {
    await withVmLock(async () => {
        const b = build(PROFILE)
        if (b.status !== 0) throw new Error("build failed:\n" + b.stdout + b.stderr)
        bytecode = path.join(mkdtempSync(path.join(tmpdir(), "hil-planner-")), "firmware.devs")
        copyFileSync(FIRMWARE_DEVS, bytecode)
        // Leave the default profile generated, as npm install left it.
        build(null)
    })
}, 180_000)

describe("the planner on the box (built bytecode against simulated hardware)", () => {
    it("waters dry blocks from their probes: runs asked by the soil, valves before the pump, never more than the limit", async () => {
        await withVmLock(async () => {
            const hil = await Hil.start({ bytecode, wallStartUtcS: WED_0500, depletion: 0.5 })
            try {
                await hil.waitForLine(/^C jacdac/, 10_000)
                const queued = await hil.waitForLine(/^E \d+ runQueued sensor z\d/, 30_000)
                const pump = await hil.waitFor(() => hil.box.changes.find((c) => c.slot === SLOT_PUMP && c.on), 20_000)
                expect(pump, "the pump started").toBeTruthy()
                // Run on: the other groups' looks come one tick after another.
                await hil.waitFor(() => false, 8_000)
                const ch = hil.box.changes
                const firstValve = ch.findIndex((c) => c.slot >= SLOT_ZONE0 && c.slot < SLOT_ZONE0 + ZONES && c.on)
                expect(firstValve, "a zone valve opened").toBeGreaterThanOrEqual(0)
                expect(firstValve).toBeLessThan(ch.indexOf(pump!))
                const on = new Set<number>()
                let most = 0
                for (const c of ch) {
                    if (c.slot < SLOT_ZONE0 || c.slot >= SLOT_ZONE0 + ZONES) continue
                    if (c.on) on.add(c.slot)
                    else on.delete(c.slot)
                    most = Math.max(most, on.size)
                }
                expect(most, "zones open at once").toBeLessThanOrEqual(MAX_OPEN)
                const asked = hil.log.filter((l) => /^E \d+ runQueued sensor z\d/.test(l.text)).length
                expect(asked, "every dry block asked for water").toBe(ZONES)
                expect(hil.log.some((l) => /InfiniteLoop|Exception|^X /.test(l.text)), hil.tail(20)).toBe(false)
                console.log(`[hil planner] first run asked ${queued.ms - hil.log[0].ms} ms after the first line; ${asked} runs asked`)
            } catch (e) {
                console.log(`[planner] last VM lines:\n${hil.tail(25)}`)
                throw e
            } finally {
                await hil.stop()
            }
        })
    }, 150_000)
})
