// Planner conformance vectors: seeded farms watered by the control core and its planner
// (firmware/core/planner.ts), generated and run by the same code in Node and in the
// DeviceScript VM. The planner computes with fractions (depletion in mm), so these vectors are
// what shows that both runtimes take the same decisions from the same readings. Written in the
// DeviceScript subset, like vectors.ts.

import { Rng } from "../../sim/random"
import { daysFromCivil } from "../../firmware/core/calendar"
import { Controller } from "../../firmware/core/controller"
import { Planner } from "../../firmware/core/planner"
import { vietnamTariff2025 } from "../../firmware/core/tariff"
import { Command, CoreConfig, PlanCrop, ZoneConfig } from "../../firmware/core/types"
import { fnv, FNV_SEED, outputLine } from "./vectors"

export const PLANNER_VECTORS = 24

function randomPlannedConfig(rng: Rng): CoreConfig {
    const n = rng.int(1, 16)
    const crops: PlanCrop[] = []
    const nc = rng.int(1, 3)
    for (let c = 0; c < nc; c++) {
        const kc: number[] = []
        for (let m = 0; m < 12; m++) kc.push(rng.int(40, 120))
        crops.push({ kcPct: kc, pPct: rng.int(30, 70), rbPct: rng.int(50, 100), fwPct: rng.int(20, 100), rootMm: rng.int(300, 1500) })
    }
    const zones: ZoneConfig[] = []
    for (let z = 0; z < n; z++) {
        const wp = rng.int(150, 250)
        zones.push({
            name: "Z" + z,
            maxRunS: rng.int(30, 240) * 60,
            flowLpm: rng.int(10, 150),
            // Most zones read their own probe; some a neighbour's; a few none.
            sensor: rng.bool(0.6) ? z : rng.bool(0.8) ? rng.int(0, n - 1) : -1,
            targetTenths: rng.int(250, 350),
            rowSensor: rng.bool(0.2) ? rng.int(0, n - 1) : -1,
            plan: rng.bool(0.9) ? { crop: rng.int(0, nc - 1), wpTenths: wp, fcTenths: wp + rng.int(50, 200), areaM2: rng.int(500, 10000) } : undefined,
        })
    }
    const et0: number[] = []
    for (let m = 0; m < 12; m++) et0.push(rng.int(20, 70))
    const pol = rng.int(0, 2)
    return {
        zones: zones,
        valveOpenS: rng.int(0, 10),
        valveCloseS: rng.int(0, 10),
        pump: { present: rng.bool(0.85), startDelayS: rng.int(0, 20), stopLeadS: rng.int(0, 20) },
        masterValve: rng.bool(0.5),
        maxZonesOpen: rng.int(1, 4),
        maxFlowLpm: rng.bool(0.5) ? rng.int(100, 400) : 0,
        tariff: vietnamTariff2025(),
        peakPolicy: pol === 0 ? "defer" : pol === 1 ? "split" : "allow",
        utcOffsetMin: 420,
        moisture: { skipAboveTenths: 20, gainPctPerPct: 10, minPct: 30, maxPct: 150, stuckAfterS: 6 * 3600, validMinTenths: 20, validMaxTenths: 600, rowCreditPct: 0 },
        tickS: 60,
        catchUpMin: 30,
        planner: { et0Tenths: et0, marginTenthsMm: rng.int(0, 100), hotPct: rng.int(100, 150), crops: crops },
    }
}

/** One planned farm, advanced a minute at a time so the VM can yield between steps. */
export class PlannerRun {
    private rng: Rng
    private cfg: CoreConfig
    private ctl: Controller
    private planner: Planner
    private soil: (number | null)[] = []
    private steps: number
    private i = 0
    private mono: number
    private wall: number
    private open: boolean[] = []
    hash = FNV_SEED
    runs = 0
    stops = 0

    constructor(seed: number) {
        this.rng = new Rng(500000 + seed)
        const rng = this.rng
        this.cfg = randomPlannedConfig(rng)
        this.ctl = new Controller(this.cfg)
        this.ctl.restore({})
        this.planner = new Planner(this.cfg)
        const n = this.cfg.zones.length
        for (let s = 0; s < n; s++) this.soil.push(rng.int(180, 420))
        for (let z = 0; z < n; z++) this.open.push(false)
        const day = daysFromCivil(rng.int(2025, 2027), rng.int(1, 12), rng.int(1, 28))
        this.wall = (day * 1440 + rng.int(0, 1439)) * 60 - 420 * 60
        this.mono = rng.int(0, 1000)
        this.steps = rng.int(200, 500)
    }

    /** Advances one minute; false when the vector is over. */
    stepOnce(): boolean {
        if (this.i >= this.steps) return false
        this.i++
        const rng = this.rng
        const n = this.cfg.zones.length
        // Probes: a probe rises while a zone that reads it waters, and dries slowly otherwise;
        // now and then one is missing or reads a rain.
        for (let s = 0; s < n; s++) {
            let wet = false
            for (let z = 0; z < n; z++) if (this.open[z] && this.cfg.zones[z].sensor === s) wet = true
            const cur = this.soil[s]
            const base = cur === null ? rng.int(180, 420) : cur
            const x = rng.int(0, 999)
            if (x < 3) this.soil[s] = null
            else if (x < 6) this.soil[s] = base + rng.int(20, 80)
            else this.soil[s] = base + (wet ? rng.int(0, 4) : -rng.int(0, 1)) + rng.int(-2, 2)
        }
        if (rng.bool(0.01)) {
            const k = rng.int(0, 4)
            const cmd: any = k === 0 ? { k: "standby", on: rng.bool(0.5) } : k === 1 ? { k: "rainDelay", hours: rng.int(0, 3) } : k === 2 ? { k: "stopAll" } : k === 3 ? { k: "pause", seconds: rng.int(0, 1800) } : { k: "resume" }
            const r = this.ctl.command(cmd, "keypad")
            this.hash = fnv(this.hash, "K" + (r.ok ? "ok" : r.error))
        }
        this.mono += 60
        this.wall += 60
        const o = this.ctl.step({ monoS: this.mono, wallS: rng.bool(0.01) ? 0 : this.wall, soil: this.soil })
        for (let z = 0; z < n; z++) this.open[z] = o.valves[z]
        this.hash = fnv(this.hash, outputLine(o))
        const cmds: Command[] = this.planner.decide(this.ctl, this.mono, this.wall)
        for (const c of cmds) {
            let text = c.k
            if (c.k === "run") {
                text += c.zone + "/" + c.seconds
                this.runs++
            }
            if (c.k === "stopZone") {
                text += c.zone
                this.stops++
            }
            const r = this.ctl.command(c, "sensor")
            this.hash = fnv(this.hash, text + (r.ok ? "" : r.error))
        }
        return true
    }

    line(seed: number): string {
        let rows = ""
        for (const r of this.planner.rowsMm) rows += "," + Math.floor(r * 1000)
        return "P" + seed + " steps=" + this.steps + " runs=" + this.runs + " stops=" + this.stops + " planned=" + this.ctl.plannedZones + " rows=" + rows + " hash=" + this.hash
    }
}
