// Conformance vectors: seeded scenarios for the control core, generated and run by the very
// same code in Node and in the DeviceScript VM. Each vector reduces to one text line; the two
// runtimes must print identical lines. Written in the DeviceScript subset (no Map, no string
// comparison, integers only, every loop short) because it runs inside the VM too.

import { Rng } from "../../sim/random"
import { civilFromDays, daysFromCivil, weekday } from "../../firmware/core/calendar"
import { Controller } from "../../firmware/core/controller"
import { checksum16 } from "../../firmware/core/checksum"
import { moistureFactorPct, SensorHealth, SensorTrack, zoneTargetTenths } from "../../firmware/core/moisture"
import { decodeProgram, encodeProgram, programKey } from "../../firmware/core/persist"
import { programError, runsOnDay } from "../../firmware/core/program"
import { bandAt, secondsUntilBandChange, vietnamTariff2025 } from "../../firmware/core/tariff"
import { CoreConfig, CoreEvent, Program, StepOutput, ZoneConfig } from "../../firmware/core/types"

/** Vectors 0..SCENARIO_VECTORS-1 drive the whole controller; the rest check pure functions. */
export const SCENARIO_VECTORS = 180
export const FUNCTION_VECTORS = 80
export const VECTOR_COUNT = SCENARIO_VECTORS + FUNCTION_VECTORS

/** 32-bit FNV-1a, extended one string at a time. */
export function fnv(h: number, s: string): number {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0
    return h
}

export const FNV_SEED = 2166136261

export function randomConfig(rng: Rng): CoreConfig {
    const n = rng.int(1, 6)
    const zones: ZoneConfig[] = []
    for (let z = 0; z < n; z++) {
        zones.push({
            name: "Z" + z,
            maxRunS: rng.int(20, 120) * 60,
            flowLpm: rng.int(10, 80),
            sensor: rng.bool(0.6) ? rng.int(0, n - 1) : -1,
            targetTenths: rng.int(200, 380),
            rowSensor: rng.bool(0.3) ? rng.int(0, n - 1) : -1,
            rowFromTenths: rng.int(200, 300),
            rowToTenths: rng.int(300, 400),
        })
    }
    const pol = rng.int(0, 2)
    const meter = rng.bool(0.5)
    const cfg: CoreConfig = {
        zones: zones,
        valveOpenS: rng.int(0, 10),
        valveCloseS: rng.int(0, 10),
        pump: { present: rng.bool(0.85), startDelayS: rng.int(0, 20), stopLeadS: rng.int(0, 20) },
        masterValve: rng.bool(0.5),
        maxZonesOpen: rng.int(1, 3),
        maxFlowLpm: rng.bool(0.5) ? rng.int(40, 200) : 0,
        tariff: vietnamTariff2025(),
        peakPolicy: pol === 0 ? "defer" : pol === 1 ? "split" : "allow",
        utcOffsetMin: 420,
        moisture: {
            skipAboveTenths: rng.int(0, 40),
            gainPctPerPct: rng.int(0, 20),
            minPct: rng.int(10, 60),
            maxPct: rng.int(100, 200),
            stuckAfterS: rng.int(1, 48) * 600,
            validMinTenths: 20,
            validMaxTenths: 600,
            rowCreditPct: rng.int(0, 50),
        },
        tickS: rng.int(1, 60),
        catchUpMin: rng.int(0, 60),
    }
    if (meter) {
        cfg.flow = {
            present: true,
            mlPerPulse: rng.pick([100, 1000]),
            settleS: rng.int(20, 90),
            windowS: rng.int(10, 40),
            highPct: rng.int(20, 40),
            lowPct: rng.int(15, 30),
            noFlowS: rng.int(10, 30),
            minFlowMlPerMin: 2000,
            leakMlPerMin: 1000,
            learnRuns: rng.int(1, 3),
            lowFlowStops: rng.bool(0.5),
        }
        cfg.injector = { present: true, mlPerMin: rng.int(200, 900), minFlushS: rng.int(30, 300), minPrewetS: rng.int(0, 120) }
    }
    return cfg
}

/** A program for `zones` zones; valid unless `junk` is set, then one field is off. */
export function randomProgram(rng: Rng, zones: number, id: number, nearMin: number, junk: boolean): Program {
    const nStarts = rng.int(1, 4)
    const starts: number[] = []
    let t = nearMin + rng.int(0, 120)
    for (let i = 0; i < nStarts && t < 1440; i++) {
        starts.push(t)
        t += rng.int(1, 360)
    }
    const zoneS: number[] = []
    for (let z = 0; z < zones; z++) zoneS.push(rng.bool(0.7) ? rng.int(1, 90) * 60 : 0)
    let watered = false
    for (const s of zoneS) if (s > 0) watered = true
    if (!watered) zoneS[0] = 600
    const cycle = rng.bool(0.3)
    const p: Program = {
        id: id,
        name: "P" + id,
        enabled: rng.bool(0.9),
        dayMode: rng.int(0, 3),
        weekdays: rng.int(1, 127),
        intervalDays: rng.int(1, 5),
        refDay: rng.int(19000, 21000),
        startsMin: starts,
        zoneS: zoneS,
        budgetPct: rng.int(20, 200),
        cycleS: cycle ? rng.int(2, 20) * 60 : 0,
        soakS: cycle ? rng.int(1, 60) * 60 : 0,
        seasonFrom: rng.bool(0.2) ? rng.int(1, 12) * 100 + rng.int(1, 28) : 0,
        seasonTo: 0,
        useMoisture: rng.bool(0.5),
    }
    if (p.seasonFrom !== 0) p.seasonTo = rng.int(1, 12) * 100 + rng.int(1, 28)
    if (junk) {
        const which = rng.int(0, 5)
        if (which === 0) p.zoneS.push(60)
        else if (which === 1) p.startsMin = [1500]
        else if (which === 2) p.budgetPct = -1
        else if (which === 3) p.name = "bad|name"
        else if (which === 4) p.intervalDays = 0
        else p.weekdays = 0.5
    }
    return p
}

export function outputLine(o: StepOutput): string {
    let s = ""
    for (const v of o.valves) s += v ? "1" : "0"
    s += o.pump ? "P" : "p"
    s += o.injector ? "I" : "i"
    s += o.master ? "M" : "m"
    for (const e of o.events) s += ";" + eventText(e)
    for (const w of o.writes) s += ";W" + w.key + "=" + w.value
    return s
}

export function eventText(e: CoreEvent): string {
    return e.kind + "," + e.cause + "," + e.zone + "," + e.program + "," + e.value + "," + e.reason + "," + e.t
}

/** One controller scenario, advanced a step at a time so the VM can yield between steps. */
export class ScenarioRun {
    private rng: Rng
    private ctl: Controller
    private cfg: CoreConfig
    private steps: number
    private i = 0
    private mono: number
    private wall: number
    private soil: (number | null)[] = []
    /** Flow physics: percent of nominal flow per zone (bursts > 100, clogs < 100). */
    private flowPct: number[] = []
    private pumpWorks = true
    private ml = 0
    private last: StepOutput | null = null
    hash = FNV_SEED
    events = 0
    onSteps = 0
    injSteps = 0

    constructor(seed: number) {
        this.rng = new Rng(seed)
        const rng = this.rng
        this.cfg = randomConfig(rng)
        this.ctl = new Controller(this.cfg)
        const zones = this.cfg.zones.length
        // A date between 2025 and 2027, starting shortly before a random time of day.
        const day = daysFromCivil(rng.int(2025, 2027), rng.int(1, 12), rng.int(1, 28))
        const startMin = rng.int(0, 1380)
        this.wall = (day * 1440 + startMin) * 60 - 420 * 60
        this.mono = rng.int(0, 1000)
        const records: Record<string, string> = {}
        const nProg = rng.int(0, 3)
        for (let id = 1; id <= nProg; id++) {
            const enc = encodeProgram(randomProgram(rng, zones, id, startMin, false))
            // Some records are torn or corrupted, as after a power cut during a write.
            records[programKey(id)] = rng.bool(0.15) ? enc.slice(0, rng.int(0, enc.length - 1)) : enc
        }
        if (rng.bool(0.2)) records["set"] = "1|" + rng.int(0, 300) + "|0|0|" + rng.int(0, 65535)
        this.ctl.restore(records)
        for (let s = 0; s < zones; s++) {
            this.soil.push(rng.int(150, 400))
            this.flowPct.push(100)
        }
        this.steps = rng.int(150, 400)
    }

    /** Advances one step; false when the scenario is over. */
    stepOnce(): boolean {
        if (this.i >= this.steps) return false
        this.i++
        const rng = this.rng
        const zones = this.cfg.zones.length
        if (rng.bool(0.06)) {
            const r = this.ctl.command(this.randomCommand(), rng.bool(0.5) ? "keypad" : "remote")
            this.hash = fnv(this.hash, "C" + (r.ok ? "ok" : r.error))
        }
        for (let s = 0; s < zones; s++) {
            const x = rng.int(0, 99)
            const cur = this.soil[s]
            if (x < 2) this.soil[s] = null
            else if (x < 3) this.soil[s] = 900
            else if (x < 40 || cur === null) this.soil[s] = rng.int(150, 400)
        }
        const dt = rng.int(1, this.cfg.tickS)
        if (rng.bool(0.01)) this.flowPct[rng.int(0, zones - 1)] = rng.pick([0, 60, 100, 100, 180])
        if (rng.bool(0.005)) this.pumpWorks = !this.pumpWorks
        const o0 = this.last
        if (o0 !== null && (o0.pump || !this.cfg.pump.present) && this.pumpWorks) {
            for (let z = 0; z < zones; z++) if (o0.valves[z]) this.ml += Math.floor((this.cfg.zones[z].flowLpm * this.flowPct[z] * 10 * dt) / 60)
        }
        this.mono += dt
        this.wall += dt
        if (rng.bool(0.01)) this.wall += rng.int(-7200, 7200)
        const mlPerPulse = this.cfg.flow === undefined ? 1000 : this.cfg.flow.mlPerPulse
        const o = this.ctl.step({
            monoS: this.mono,
            wallS: rng.bool(0.02) ? 0 : this.wall,
            soil: this.soil,
            flowPulses: Math.floor(this.ml / mlPerPulse),
            tankOk: rng.bool(0.005) ? false : true,
        })
        this.last = o
        this.events += o.events.length
        if (o.pump) this.onSteps++
        if (o.injector) this.injSteps++
        this.hash = fnv(this.hash, outputLine(o))
        return true
    }

    private randomCommand(): any {
        const rng = this.rng
        const zones = this.cfg.zones.length
        const k = rng.int(0, 15)
        if (k === 0 || k === 1) return { k: "run", zone: rng.int(-1, zones), seconds: rng.int(0, 3600), force: rng.bool(0.2) }
        if (k === 14) {
            const dose = { product: rng.int(0, 5), byVolume: rng.bool(0.5), amount: rng.int(1, 2000), prewetS: rng.int(0, 300), flushS: rng.int(0, 600), phiDays: rng.int(0, 20) }
            return { k: "run", zone: rng.int(0, zones - 1), seconds: rng.int(300, 3000), dose: dose }
        }
        if (k === 15) return { k: rng.bool(0.7) ? "ackAlarm" : "relearnFlow", id: rng.int(0, 5), zone: rng.int(-1, zones - 1) }
        if (k === 2) return { k: "stopAll" }
        if (k === 3) return { k: "stopZone", zone: rng.int(0, zones) }
        if (k === 4) return { k: "pause", seconds: rng.int(0, 1800) }
        if (k === 5) return { k: "resume" }
        if (k === 6) return { k: "runProgram", id: rng.int(0, 4) }
        if (k === 7) return { k: "rainDelay", hours: rng.int(0, 48) }
        if (k === 8) return { k: "standby", on: rng.bool(0.3) }
        if (k === 9 || k === 10) return { k: "saveProgram", program: randomProgram(rng, zones, rng.int(1, 8), 0, rng.bool(0.3)) }
        if (k === 11) return { k: "deleteProgram", id: rng.int(0, 8) }
        if (k === 12) return { k: "setBudget", pct: rng.int(-10, 260) }
        return { k: rng.bool(0.5) ? "clearFault" : "bogus" }
    }

    /** The vector's line: everything either runtime saw, reduced to a hash, plus counters. */
    line(seed: number): string {
        const st = this.ctl.status()
        return "S" + seed + " steps=" + this.steps + " events=" + this.events + " pumpSteps=" + this.onSteps + " injSteps=" + this.injSteps + " fault=" + st.fault + " hash=" + this.hash
    }
}

/** Pure-function vectors: calendar, tariff, program rules, codecs, moisture factor. Kept
 *  small: each must finish inside the VM's loop budget between two awaits. */
export function functionVector(seed: number, trace?: string[]): string {
    const rng = new Rng(100000 + seed)
    let h = FNV_SEED
    const mix = (x: string) => {
        if (trace) trace.push(x)
        h = fnv(h, x)
    }
    const tariff = vietnamTariff2025()
    for (let i = 0; i < 5; i++) {
        const day = rng.int(-800000, 800000)
        const c = civilFromDays(day)
        mix(c.y + "-" + c.m + "-" + c.d + "/" + weekday(day) + "/" + daysFromCivil(c.y, c.m, c.d))
        const wd = rng.int(0, 6)
        const minute = rng.int(0, 1439)
        const local = rng.int(1500000000, 1900000000)
        mix("b" + bandAt(tariff, wd, minute) + "u" + secondsUntilBandChange(tariff, local))
    }
    const zones = rng.int(1, 8)
    for (let i = 0; i < 1; i++) {
        const p = randomProgram(rng, zones, rng.int(1, 8), rng.int(0, 1300), rng.bool(0.4))
        const err = programError(p, zones)
        const enc = err === "" ? encodeProgram(p) : ""
        const dec = enc === "" ? null : decodeProgram(enc, zones)
        mix(err + "|" + enc + "|" + (dec === null ? "null" : encodeProgram(dec)) + "|" + checksum16(enc))
        let days = ""
        for (let d = 0; d < 14; d++) days += runsOnDay(p, 20000 + seed * 7 + d) ? "1" : "0"
        mix(days)
    }
    const zone: ZoneConfig = { name: "z", maxRunS: 3600, flowLpm: 10, sensor: 0, targetTenths: rng.int(200, 380), rowSensor: 1, rowFromTenths: rng.int(200, 300), rowToTenths: rng.int(300, 420) }
    const mc = { skipAboveTenths: rng.int(0, 40), gainPctPerPct: rng.int(0, 20), minPct: 30, maxPct: 150, stuckAfterS: 3600, validMinTenths: 20, validMaxTenths: 600, rowCreditPct: rng.int(0, 60) }
    for (let i = 0; i < 5; i++) {
        const rows: SensorTrack = { last: rng.bool(0.2) ? null : rng.int(150, 500), changedAt: 0, health: rng.bool(0.2) ? SensorHealth.Stuck : SensorHealth.Ok }
        const target = zoneTargetTenths(zone, rng.bool(0.1) ? null : rows, mc)
        mix("m" + target + "/" + moistureFactorPct(rng.int(0, 600), target, mc))
    }
    return "F" + seed + " hash=" + h
}
