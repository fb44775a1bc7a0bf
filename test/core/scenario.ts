// Random week-long scenarios for the control core and a runner that records what the
// outputs did, for the property tests. Time here is the "real" time of the test; the core
// sees it through a monotonic clock (reset by power cuts) and a wall clock that can jump.

import fc from "fast-check"
import { Controller } from "../../firmware/core/controller"
import { encodeProgram } from "../../firmware/core/persist"
import { programError } from "../../firmware/core/program"
import { bandAtLocal, Band, vietnamTariff2025 } from "../../firmware/core/tariff"
import { CoreConfig, CoreEvent, DayMode, Program, ValveState } from "../../firmware/core/types"
import { daysFromCivil } from "../../firmware/core/calendar"

export const WEEK_S = 7 * 86400

export interface Action {
    /** Seconds after the scenario starts. */
    at: number
    kind: "command" | "clockJump" | "powerCut" | "sensorFault" | "hydraulicFault"
    command?: any
    jumpS?: number
    sensor?: number
    /** Hydraulic faults: zone flow factor (burst > 1, clog < 1), pump failure, leak, tank. */
    fault?: { what: "zone" | "pump" | "leak" | "tank"; zone: number; factor: number; on: boolean }
}

export interface Scenario {
    cfg: CoreConfig
    programs: Program[]
    startWall: number
    actions: Action[]
    /** Mean soil reading per sensor (tenths of % v/v). */
    soilBase: number[]
    seed: number
}

const configArb: fc.Arbitrary<CoreConfig> = fc
    .record({
        nZones: fc.integer({ min: 1, max: 6 }),
        maxRunMin: fc.array(fc.integer({ min: 20, max: 180 }), { minLength: 6, maxLength: 6 }),
        flows: fc.array(fc.integer({ min: 10, max: 90 }), { minLength: 6, maxLength: 6 }),
        sensors: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 6, maxLength: 6 }),
        valveOpenS: fc.integer({ min: 0, max: 15 }),
        valveCloseS: fc.integer({ min: 0, max: 15 }),
        pumpPresent: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        startDelayS: fc.integer({ min: 0, max: 30 }),
        stopLeadS: fc.integer({ min: 0, max: 30 }),
        master: fc.boolean(),
        maxZonesOpen: fc.integer({ min: 1, max: 3 }),
        maxFlowLpm: fc.oneof(fc.constant(0), fc.integer({ min: 30, max: 200 })),
        policy: fc.constantFrom("defer" as const, "split" as const, "allow" as const),
        tickS: fc.constantFrom(10, 30, 60),
        meter: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        minFlushS: fc.integer({ min: 60, max: 600 }),
    })
    .map(r => ({
        zones: Array.from({ length: r.nZones }, (_, z) => ({
            name: "Z" + z,
            maxRunS: r.maxRunMin[z] * 60,
            flowLpm: r.flows[z],
            sensor: r.sensors[z] < r.nZones ? r.sensors[z] : -1,
            targetTenths: 300,
        })),
        valveOpenS: r.valveOpenS,
        valveCloseS: r.valveCloseS,
        pump: { present: r.pumpPresent, startDelayS: r.startDelayS, stopLeadS: r.stopLeadS },
        masterValve: r.master,
        maxZonesOpen: r.maxZonesOpen,
        maxFlowLpm: r.maxFlowLpm,
        tariff: vietnamTariff2025(),
        peakPolicy: r.policy,
        utcOffsetMin: 420,
        moisture: { skipAboveTenths: 20, gainPctPerPct: 10, minPct: 30, maxPct: 150, stuckAfterS: 86400, validMinTenths: 20, validMaxTenths: 600, rowCreditPct: 25 },
        tickS: r.tickS,
        catchUpMin: 30,
        flow: r.meter
            ? { present: true, mlPerPulse: 1000, settleS: 60, windowS: 30, highPct: 30, lowPct: 20, noFlowS: 20, minFlowMlPerMin: 2000, leakMlPerMin: 1000, learnRuns: 3, lowFlowStops: false }
            : undefined,
        injector: r.meter ? { present: true, mlPerMin: 500, minFlushS: r.minFlushS, minPrewetS: 60 } : undefined,
    }))

function programArb(nZones: number, id: number): fc.Arbitrary<Program> {
    return fc
        .record({
            enabled: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
            dayMode: fc.constantFrom(DayMode.Weekdays, DayMode.Interval, DayMode.Odd, DayMode.Even),
            weekdays: fc.integer({ min: 1, max: 127 }),
            intervalDays: fc.integer({ min: 1, max: 4 }),
            starts: fc.uniqueArray(fc.integer({ min: 0, max: 1439 }), { minLength: 1, maxLength: 4 }),
            zoneMin: fc.array(fc.integer({ min: 0, max: 240 }), { minLength: nZones, maxLength: nZones }),
            budgetPct: fc.integer({ min: 10, max: 250 }),
            cycle: fc.option(fc.record({ cycleMin: fc.integer({ min: 1, max: 30 }), soakMin: fc.integer({ min: 1, max: 60 }) })),
            useMoisture: fc.boolean(),
        })
        .map(r => {
            const zoneS: number[] = r.zoneMin.map(m => m * 60)
            if (!zoneS.some(s => s > 0)) zoneS[0] = 600
            return {
                id,
                name: "P" + id,
                enabled: r.enabled,
                dayMode: r.dayMode,
                weekdays: r.weekdays,
                intervalDays: r.intervalDays,
                refDay: 20000,
                startsMin: [...r.starts].sort((a, b) => a - b),
                zoneS,
                budgetPct: r.budgetPct,
                cycleS: r.cycle ? r.cycle.cycleMin * 60 : 0,
                soakS: r.cycle ? r.cycle.soakMin * 60 : 0,
                seasonFrom: 0,
                seasonTo: 0,
                useMoisture: r.useMoisture,
            }
        })
}

const doseArb = fc.record({
    product: fc.integer({ min: 1, max: 20 }),
    byVolume: fc.boolean(),
    amount: fc.integer({ min: 60, max: 1200 }),
    prewetS: fc.integer({ min: 60, max: 300 }),
    flushS: fc.integer({ min: 60, max: 900 }),
    phiDays: fc.integer({ min: 0, max: 30 }),
})

function commandArb(nZones: number): fc.Arbitrary<any> {
    return fc.oneof(
        fc.record({ k: fc.constant("run"), zone: fc.integer({ min: 0, max: nZones - 1 }), seconds: fc.integer({ min: 600, max: 3000 }), dose: doseArb }),
        fc.record({ k: fc.constant("ackAlarm"), id: fc.integer({ min: 0, max: 6 }) }),
        fc.record({ k: fc.constant("run"), zone: fc.integer({ min: 0, max: nZones - 1 }), seconds: fc.integer({ min: 60, max: 7200 }), force: fc.constant(false) }),
        fc.record({ k: fc.constant("run"), zone: fc.integer({ min: 0, max: nZones - 1 }), seconds: fc.integer({ min: 1, max: 14400 }), force: fc.boolean() }),
        fc.record({ k: fc.constant("stopAll") }),
        fc.record({ k: fc.constant("stopZone"), zone: fc.integer({ min: 0, max: nZones - 1 }) }),
        fc.record({ k: fc.constant("pause"), seconds: fc.integer({ min: 0, max: 7200 }) }),
        fc.record({ k: fc.constant("resume") }),
        fc.record({ k: fc.constant("runProgram"), id: fc.integer({ min: 1, max: 4 }) }),
        fc.record({ k: fc.constant("rainDelay"), hours: fc.integer({ min: 0, max: 48 }) }),
        fc.record({ k: fc.constant("standby"), on: fc.boolean() }),
        fc.record({ k: fc.constant("setBudget"), pct: fc.integer({ min: 0, max: 250 }) }),
        fc.record({ k: fc.constant("deleteProgram"), id: fc.integer({ min: 1, max: 4 }) }),
        fc.integer({ min: 1, max: 4 }).chain(id => programArb(nZones, id).map(program => ({ k: "saveProgram", program }))),
    )
}

function actionArb(nZones: number): fc.Arbitrary<Action> {
    const at = fc.integer({ min: 0, max: WEEK_S - 1 })
    return fc.oneof(
        { weight: 6, arbitrary: fc.record({ at, kind: fc.constant("command" as const), command: commandArb(nZones) }) },
        { weight: 1, arbitrary: fc.record({ at, kind: fc.constant("clockJump" as const), jumpS: fc.integer({ min: -86400, max: 86400 }) }) },
        { weight: 1, arbitrary: fc.record({ at, kind: fc.constant("powerCut" as const) }) },
        { weight: 1, arbitrary: fc.record({ at, kind: fc.constant("sensorFault" as const), sensor: fc.integer({ min: 0, max: nZones - 1 }) }) },
        {
            weight: 2,
            arbitrary: fc.record({
                at,
                kind: fc.constant("hydraulicFault" as const),
                fault: fc.record({
                    what: fc.constantFrom("zone" as const, "zone" as const, "pump" as const, "leak" as const, "tank" as const),
                    zone: fc.integer({ min: 0, max: nZones - 1 }),
                    factor: fc.constantFrom(0, 0.5, 0.7, 1, 1.6, 2.5),
                    on: fc.boolean(),
                }),
            }),
        },
    )
}

/** A dosed run and, some seconds later, something that interrupts it (a person, a pause,
 *  a power cut), so the flush rule is tested where it matters. */
function interruptedDoseArb(nZones: number): fc.Arbitrary<Action[]> {
    return fc
        .record({
            at: fc.integer({ min: 0, max: WEEK_S - 4000 }),
            zone: fc.integer({ min: 0, max: nZones - 1 }),
            dose: doseArb,
            after: fc.integer({ min: 30, max: 1500 }),
            stop: fc.constantFrom<any>({ k: "stopAll" }, { k: "pause", seconds: 600 }, { k: "stopZone", zone: 0 }, { k: "standby", on: true }, null),
        })
        .map(r => [
            { at: r.at, kind: "command" as const, command: { k: "run", zone: r.zone, seconds: 2400, force: true, dose: r.dose } },
            r.stop === null
                ? { at: r.at + r.after, kind: "powerCut" as const }
                : { at: r.at + r.after, kind: "command" as const, command: r.stop.k === "stopZone" ? { k: "stopZone", zone: r.zone } : r.stop },
        ])
}

export const scenarioArb: fc.Arbitrary<Scenario> = configArb.chain(cfg => {
    const n = cfg.zones.length
    return fc.record({
        cfg: fc.constant(cfg),
        programs: fc.tuple(programArb(n, 1), programArb(n, 2), programArb(n, 3)).chain(ps => fc.subarray(ps, { minLength: 1 })),
        startWall: fc.record({ y: fc.integer({ min: 2025, max: 2028 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), s: fc.integer({ min: 0, max: 86399 }) })
            .map(r => daysFromCivil(r.y, r.m, r.d) * 86400 + r.s - 420 * 60),
        actions: fc
            .tuple(fc.array(actionArb(n), { minLength: 5, maxLength: 40 }), fc.array(interruptedDoseArb(n), { maxLength: 3 }))
            .map(([a, pairs]) => [...a, ...pairs.flat()].sort((x, y) => x.at - y.at)),
        soilBase: fc.array(fc.integer({ min: 150, max: 400 }), { minLength: n, maxLength: n }),
        seed: fc.integer({ min: 0, max: 1 << 30 }),
    })
})

/** What the outputs did, reduced to verdicts per invariant ("" = held, else what broke). */
export interface Verdicts {
    injectionWithFlow: string
    flushAfterInjection: string
    lockedStaysShut: string
    safeState: string
    maxRun: string
    pumpWithValve: string
    hydraulicLimit: string
    peak: string
    allClosed: string
    reload: string
    steps: number
    simulatedS: number
    pumpOnS: number
    valveOpenings: number
}

function lcg(seed: number): () => number {
    let s = seed >>> 0
    return () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0
        return s / 4294967296
    }
}

/** Runs a scenario for a week of real time and judges every invariant on the way. */
export function runScenario(sc: Scenario): Verdicts {
    const cfg = sc.cfg
    const n = cfg.zones.length
    const rnd = lcg(sc.seed)
    const store: Record<string, string> = {}
    for (const p of sc.programs) if (programError(p, n) === "") store["p" + p.id] = encodeProgram(p)
    const v: Verdicts = { injectionWithFlow: "", flushAfterInjection: "", lockedStaysShut: "", safeState: "", maxRun: "", pumpWithValve: "", hydraulicLimit: "", peak: "", allClosed: "", reload: "", steps: 0, simulatedS: 0, pumpOnS: 0, valveOpenings: 0 }

    let ctl = new Controller(cfg)
    ctl.restore({ ...store })
    let t = 0 // real seconds since start
    let bootAt = 0 // real time of the last boot; mono = t - bootAt
    let wallOffset = 0
    const onSince: number[] = new Array(n).fill(-1) // real time the valve output turned on
    let pumpOffSince = -1e9
    let prev = { valves: new Array(n).fill(false) as boolean[], pump: false }
    const soil: (number | null)[] = sc.soilBase.slice()
    const faulty: boolean[] = new Array(n).fill(false)
    // Hydraulics as the meter sees them.
    const factor: number[] = new Array(n).fill(1)
    let pumpFailed = false
    let leak = false
    let tankOk: boolean | undefined = cfg.injector ? true : undefined
    let litres = 0
    const trueLpm = (o: { valves: boolean[]; pump: boolean }) => {
        let lpm = leak ? 6 : 0
        if ((o.pump || !cfg.pump.present) && !pumpFailed) o.valves.forEach((on, z) => (lpm += on ? cfg.zones[z].flowLpm * factor[z] : 0))
        return lpm
    }
    // Injection and flush bookkeeping, from the outputs and the physics only.
    const zeroFlowBound = Math.floor((3 * 1000 * 60) / 2000) + 2 * cfg.tickS
    let zeroFlowInjS = 0
    const pending: { flush: { zone: number; need: number; got: number } | null } = { flush: null }
    let excusedAt = -1 // last time a flow fault, safety stop or power cut excused a missing flush
    const locked: boolean[] = new Array(n).fill(false)
    let prevInjector = false
    let ai = 0
    const fail = (key: keyof Verdicts, why: string) => {
        if ((v as any)[key] === "") (v as any)[key] = `t=${t}: ${why}`
    }
    const apply = (o: { valves: boolean[]; pump: boolean; events: CoreEvent[]; writes: { key: string; value: string }[] }, powerCut = false) => {
        for (const w of o.writes) store[w.key] = w.value
        for (const e of o.events) {
            if (e.kind === "safeState") fail("safeState", "safe state entered: " + e.reason)
            if (e.kind === "alarm" && ["burst", "no_flow", "leak", "clog", "max_run", "safe_state"].includes(e.reason)) excusedAt = t
            if (e.kind === "maxRun" || e.kind === "flowHigh") excusedAt = t
            if (e.kind === "alarm" && e.reason === "burst" && e.zone >= 0) locked[e.zone] = true
            if (e.kind === "zoneUnlocked") locked[e.zone] = false
        }
        if (powerCut) excusedAt = t
        // A locked-out zone never opens until a person acknowledges it.
        for (let z = 0; z < n; z++) if (o.valves[z] && !prev.valves[z] && locked[z]) fail("lockedStaysShut", `locked zone ${z} opened`)
        // Injection only with water flowing: pump and an open valve, always.
        const inj = (o as any).injector === true
        if (inj && (!(o.pump || !cfg.pump.present) || !o.valves.some(x => x))) fail("injectionWithFlow", "injector on without pump and open valve")
        // Every injection is followed by a flush of at least the minimum, unless a fault or a
        // power cut made flushing impossible or wrong.
        if (prevInjector && !inj && cfg.injector) {
            const zone = o.valves.findIndex(x => x)
            if (zone >= 0) pending.flush = { zone, need: cfg.injector.minFlushS, got: 0 }
            else if (excusedAt < t) fail("flushAfterInjection", "injection ended with every valve already shut")
        }
        const fl = pending.flush
        if (fl && !o.valves[fl.zone]) {
            if (fl.got < fl.need && excusedAt < t - fl.got - 2 * cfg.tickS) fail("flushAfterInjection", `zone ${fl.zone} closed after ${fl.got}s of flush (min ${fl.need}s)`)
            pending.flush = null
        }
        prevInjector = inj
        // The pump's off time counts from this step if it stops now (a zero lead may stop the
        // pump and close the valve in the same step).
        if (!o.pump && prev.pump) pumpOffSince = t
        for (let z = 0; z < n; z++) {
            if (o.valves[z] && !prev.valves[z]) {
                onSince[z] = t
                v.valveOpenings++
            }
            if (!o.valves[z] && prev.valves[z]) {
                // A valve closing with no other open valve (on >= valveOpenS): the pump must
                // have been off for the stop lead already.
                const otherOpen = o.valves.some((on, y) => y !== z && on && t - onSince[y] >= cfg.valveOpenS)
                if (cfg.pump.present && !powerCut && !otherOpen && (o.pump || t - pumpOffSince < cfg.pump.stopLeadS)) {
                    fail("pumpWithValve", `zone ${z} closed ${t - pumpOffSince}s after the pump stopped (lead ${cfg.pump.stopLeadS}s)`)
                }
                onSince[z] = -1
            }
        }
        if (o.pump && !prev.pump) {
            const ready = o.valves.some((on, z) => on && t - onSince[z] >= cfg.valveOpenS + cfg.pump.startDelayS)
            if (!ready) fail("pumpWithValve", "pump started before any valve had been open for the start delay")
        }
        if (o.pump && !o.valves.some((on, z) => on && t - onSince[z] >= cfg.valveOpenS)) fail("pumpWithValve", "pump on with no open valve")
        const open = o.valves.filter(x => x).length
        if (open > cfg.maxZonesOpen) fail("hydraulicLimit", `${open} zones open, limit ${cfg.maxZonesOpen}`)
        const flow = o.valves.reduce((f, on, z) => f + (on ? cfg.zones[z].flowLpm : 0), 0)
        if (cfg.maxFlowLpm > 0 && open > 1 && flow > cfg.maxFlowLpm) fail("hydraulicLimit", `${flow} L/min open, limit ${cfg.maxFlowLpm}`)
        prev = { valves: o.valves.slice(), pump: o.pump }
    }

    while (t < WEEK_S) {
        while (ai < sc.actions.length && sc.actions[ai].at <= t) {
            const a = sc.actions[ai++]
            if (a.kind === "command") ctl.command(a.command, rnd() < 0.5 ? "keypad" : "remote")
            else if (a.kind === "clockJump") wallOffset += a.jumpS ?? 0
            else if (a.kind === "sensorFault") faulty[a.sensor ?? 0] = !faulty[a.sensor ?? 0]
            else if (a.kind === "hydraulicFault" && a.fault) {
                const f = a.fault
                if (f.what === "zone") factor[f.zone] = f.on ? f.factor : 1
                else if (f.what === "pump") pumpFailed = f.on
                else if (f.what === "leak") leak = f.on
                else if (cfg.injector) tankOk = !f.on
            } else {
                // Power cut: relays drop at once; the new boot restores from the flash image.
                apply({ valves: new Array(n).fill(false), pump: false, events: [], writes: [] }, true)
                ctl = new Controller(cfg)
                ctl.restore({ ...store })
                bootAt = t
            }
        }
        for (let s = 0; s < n; s++) {
            if (faulty[s]) soil[s] = rnd() < 0.5 ? null : 950
            else soil[s] = sc.soilBase[s] + Math.floor(rnd() * 40) - 20
        }
        const wall = t + sc.startWall + wallOffset
        const o = ctl.step({ monoS: t - bootAt, wallS: wall, soil, flowPulses: cfg.flow ? Math.floor(litres) : undefined, tankOk })
        apply(o)
        v.steps++
        // Real time until the next step; the core was promised at most tickS.
        const dt = Math.max(1, Math.floor(cfg.tickS * (0.5 + rnd() * 0.5)))
        const lpm = trueLpm(o)
        litres += (lpm * dt) / 60
        if (o.injector && lpm === 0) {
            zeroFlowInjS += dt
            if (zeroFlowInjS > zeroFlowBound) fail("injectionWithFlow", `injector on ${zeroFlowInjS}s with no water through the meter`)
        } else zeroFlowInjS = 0
        const pf = pending.flush
        if (pf && o.valves[pf.zone] && lpm > 0) pf.got += dt
        for (let z = 0; z < n; z++) {
            if (o.valves[z] && t + dt - onSince[z] > cfg.zones[z].maxRunS) fail("maxRun", `zone ${z} open ${t + dt - onSince[z]}s, max ${cfg.zones[z].maxRunS}s`)
        }
        if (o.pump) {
            v.pumpOnS += dt
            const forced = ctl.status().zones.some(zs => zs.forced && zs.state !== ValveState.Closed)
            if (cfg.peakPolicy !== "allow" && !forced && intervalTouchesPeak(cfg, wall, dt)) fail("peak", `pump on in a peak window at wall ${wall}`)
        }
        t += dt
    }
    v.simulatedS = t

    // Every opened valve is eventually closed: after stop-all, within the close sequence.
    ctl.command({ k: "stopAll" }, "keypad")
    // A dosed run flushes its lines before closing (dose flushS is at most 900 s here).
    const deadline = t + cfg.pump.stopLeadS + cfg.valveCloseS + 3 * cfg.tickS + (cfg.injector ? 900 + cfg.tickS : 0)
    let closed = false
    while (t <= deadline) {
        const o = ctl.step({ monoS: t - bootAt, wallS: t + sc.startWall + wallOffset, soil, flowPulses: cfg.flow ? Math.floor(litres) : undefined, tankOk })
        apply(o)
        litres += (trueLpm(o) * cfg.tickS) / 60
        if (!o.pump && o.valves.every(x => !x)) {
            closed = true
            break
        }
        t += cfg.tickS
    }
    if (!closed) fail("allClosed", "valves or pump still on after stop-all and the close sequence")

    // Persisted state reloads to an equal state.
    const again = new Controller(cfg)
    again.restore({ ...store })
    const reloadEvents = again.step({ monoS: 0, wallS: 0, soil }).events
    if (reloadEvents.some(e => e.kind === "corrupt")) fail("reload", "reload reported a corrupt record")
    if (JSON.stringify(again.programs) !== JSON.stringify(ctl.programs)) fail("reload", "programs differ after reload")
    if (JSON.stringify(again.settings) !== JSON.stringify(ctl.settings)) fail("reload", "settings differ after reload")
    if (JSON.stringify(again.fired) !== JSON.stringify(ctl.fired)) fail("reload", "fired starts differ after reload")
    return v
}

/** Whether the pump interval [wall, wall + dt) overlaps a peak window. */
function intervalTouchesPeak(cfg: CoreConfig, wall: number, dt: number): boolean {
    const local = wall + cfg.utcOffsetMin * 60
    // Band edges fall on whole minutes: checking each minute boundary inside the interval and
    // its start is exact.
    if (bandAtLocal(cfg.tariff, local) === Band.Peak) return true
    for (let m = local - (local % 60) + 60; m < local + dt; m += 60) if (bandAtLocal(cfg.tariff, m) === Band.Peak) return true
    return false
}
