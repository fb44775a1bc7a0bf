// The core driver skips ticks in which the core provably does nothing (sim/strategies/core-driver.ts):
// idle ticks, and busy ticks while valves run with no flow meter to watch. That is only a speed-up
// if it changes nothing: the same run with and without skipping must give byte-identical reports.

import { describe, expect, it } from "vitest"
import { loadFarm } from "../../sim/farm"
import { weatherFor } from "../../sim/farm-run"
import { Farm } from "../../sim/farm"
import { FarmSim } from "../../sim/farm-sim"
import { FaultEvent, FaultSchedule } from "../../sim/faults"
import { buildReport } from "../../sim/report"
import { ControllerStrategy, ControllerTuning, DEFAULT_TUNING } from "../../sim/strategies/controller"
import { CoreDriver } from "../../sim/strategies/core-driver"
import { WeeklyStrategy } from "../../sim/strategies/weekly"

/** Start minutes off the probes' 30-minute reading grid, so that a start is the only reason to step. */
const OFF_GRID = { ...DEFAULT_TUNING, seasons: DEFAULT_TUNING.seasons.map((s) => ({ ...s, startsMin: s.startsMin.map((m, i) => m + 7 + 4 * i) })) }

interface RunSetup {
    farm: Farm
    strategy: "controller" | "weekly"
    seed: number
    days: number
    tuning?: ControllerTuning
    faults?: FaultEvent[]
    /** Commands given between ticks (as the keypad or the campaign does), at run times. */
    commands?: { atS: number; cmd: (driver: CoreDriver, sim: FarmSim) => void }[]
}

function runWith(o: RunSetup, skipIdle: boolean) {
    const strat = o.strategy === "controller" ? new ControllerStrategy(o.tuning ?? OFF_GRID) : new WeeklyStrategy()
    const faults = o.faults !== undefined ? new FaultSchedule(o.faults) : undefined
    const sim = new FarmSim({ farm: o.farm, weather: weatherFor(o.seed, "2025-01-01", o.days), strategy: strat, seed: o.seed, faults })
    sim.advanceTo(0) // starts the strategy, so its driver exists
    const driver = (sim.strategy as unknown as { driver: CoreDriver | null }).driver
    if (driver === null) throw new Error("no core driver")
    driver.skipIdle = skipIdle
    // Every event the core writes, with its time: the diary must not differ either.
    const events: string[] = []
    const ctl = driver.ctl
    const step = ctl.step.bind(ctl)
    ctl.step = (inp) => {
        const out = step(inp)
        for (const e of out.events) events.push(`${e.t} ${e.kind} ${e.cause} ${e.zone} ${e.program} ${e.value} ${e.reason}`)
        return out
    }
    for (const c of o.commands ?? []) {
        sim.advanceTo(c.atS)
        c.cmd(driver, sim)
    }
    sim.run()
    return { report: JSON.stringify(buildReport(sim)), events, steps: driver.steps, ticks: sim.endS / 60 }
}

function run(farm: string, strategy: "controller" | "weekly", seed: number, days: number, skipIdle: boolean) {
    return runWith({ farm: loadFarm(farm), strategy, seed, days }, skipIdle)
}

/** The farm without its flow meter: the driver may then skip ticks while valves run. */
function withoutMeter(name: string): Farm {
    const f = loadFarm(name)
    return { ...f, profile: { ...f.profile, config: { ...f.profile.config, flow: undefined, injector: undefined } } }
}

describe("core driver: skipping idle ticks", () => {
    // Dry-season weeks and the first rains: many runs, peak deferrals, probe readings every 30 min.
    for (const [farm, strategy, seed] of [["loc-quang", "controller", 1], ["phuoc-thien", "controller", 3], ["loc-quang", "weekly", 2]] as const) {
        it(`${farm} ${strategy} seed ${seed}, 60 days: the same report as stepping every tick, with fewer steps`, () => {
            const every = run(farm, strategy, seed, 60, false)
            const skipping = run(farm, strategy, seed, 60, true)
            expect(skipping.report === every.report, "the report differs with skipping").toBe(true)
            expect(every.steps).toBe(every.ticks)
            expect(skipping.steps).toBeLessThan(every.steps)
            console.log(`${farm} ${strategy}: ${skipping.steps} of ${every.steps} ticks stepped`)
        })
    }
})

describe("core driver: skipping busy ticks (no flow meter)", () => {
    const DEFER: ControllerTuning = { ...OFF_GRID, peakPolicy: "defer" }
    // Runs that cross peak windows (split and deferred), pump start delays, cycle ends, runs
    // queued behind the hydraulic limit; a week of wet-season days in June too.
    const cases: { name: string; setup: () => RunSetup; kinds?: string[] }[] = [
        { name: "10ha controller (split), 45 dry-season days", setup: () => ({ farm: loadFarm("10ha"), strategy: "controller", seed: 1, days: 45 }) },
        { name: "10ha controller (defer), 45 dry-season days", setup: () => ({ farm: loadFarm("10ha"), strategy: "controller", seed: 2, days: 45, tuning: DEFER }) },
        { name: "10ha weekly, 30 days", setup: () => ({ farm: loadFarm("10ha"), strategy: "weekly", seed: 3, days: 30 }) },
        { name: "loc-quang without meter, controller (defer), 60 days", setup: () => ({ farm: withoutMeter("loc-quang"), strategy: "controller", seed: 4, days: 60, tuning: DEFER }) },
        { name: "phuoc-thien without meter, controller (split), 60 days", setup: () => ({ farm: withoutMeter("phuoc-thien"), strategy: "controller", seed: 5, days: 60 }) },
        {
            // Faults change the hydraulics at odd times (the sim then ticks off the minute grid)
            // and a stuck valve keeps water moving while the core is idle.
            name: "loc-quang without meter, faults at odd times, 40 days",
            setup: () => ({
                farm: withoutMeter("loc-quang"), strategy: "controller", seed: 6, days: 40,
                faults: [
                    { type: "clog", atS: 3 * 86400 + 17, zone: 0, severity: 0.5, rampS: 10 * 86400 },
                    { type: "stuckOpen", atS: 9 * 86400 + 4 * 3600 + 33, zone: 1, severity: 1 },
                    { type: "zoneBurst", atS: 20 * 86400 + 5 * 3600 + 7, zone: 2, severity: 40 },
                ],
            }),
        },
        {
            // Commands between ticks that leave no event (a stop request on a running zone), that
            // queue a manual run, or that pause: each must be stepped at the next tick.
            name: "10ha controller, keypad commands while valves run, 20 days",
            kinds: ["valveClose remote", "runQueued remote", "pause remote", "resume system", "runQueued keypad"],
            setup: () => ({
                farm: loadFarm("10ha"), strategy: "controller", seed: 7, days: 20,
                commands: [
                    ...[2, 5, 9, 13].map((d) => ({ atS: d * 86400 + 4 * 3600 + 1200, cmd: (dr: CoreDriver) => stopOpenZone(dr) })),
                    { atS: 6 * 86400 + 4 * 3600 + 600, cmd: (dr: CoreDriver) => dr.command({ k: "run", zone: 3, seconds: 1500 }) },
                    { atS: 8 * 86400 + 4 * 3600 + 900, cmd: (dr: CoreDriver) => dr.command({ k: "pause", seconds: 1800 }) },
                    // The fault campaign's way in (a keypad run, refusal allowed), in the night while idle.
                    { atS: 11 * 86400 + 1 * 3600 + 780, cmd: (dr: CoreDriver) => void dr.tryCommand({ k: "run", zone: 1, seconds: 900 }, "keypad") },
                ],
            }),
        },
        {
            // Probes that stick (each keeps its count for good) are judged stuck a day after
            // their last change with no input change to wake the core; a dead one reads out of
            // range (or stuck) at once.
            name: "10ha controller, the probes stick and one dies, 12 days",
            kinds: ["sensorFault sensor -1 0 0 stuck", "runSplit", "runDeferred"],
            setup: () => ({
                farm: loadFarm("10ha"), strategy: "controller", seed: 8, days: 12,
                commands: [
                    { atS: 2 * 86400 + 3 * 3600 + 420, cmd: (_dr: CoreDriver, sim: FarmSim) => sim.probes.probes.forEach((p) => p?.fail("stuck", sim.t)) },
                    { atS: 5 * 86400 + 4 * 3600 + 1260, cmd: (_dr: CoreDriver, sim: FarmSim) => sim.probes.probes.filter((p) => p !== null)[1]!.fail("dead", sim.t) },
                ],
            }),
        },
    ]
    for (const c of cases) {
        it(`${c.name}: the same report as stepping every tick, with far fewer steps`, () => {
            const every = runWith(c.setup(), false)
            const skipping = runWith(c.setup(), true)
            expect(skipping.report === every.report, "the report differs with skipping").toBe(true)
            expect(skipping.events).toEqual(every.events)
            for (const k of c.kinds ?? []) expect(every.events.some((e) => e.includes(k)), `no "${k}" event`).toBe(true)
            // Faults add ticks off the minute grid.
            if (c.setup().faults === undefined) expect(every.steps).toBe(every.ticks)
            expect(skipping.steps).toBeLessThan(every.steps / 2)
            console.log(`${c.name}: ${skipping.steps} of ${every.steps} ticks stepped`)
        })
    }

    it("the test can fail: a run whose busy wake-up is ignored gives another report", () => {
        // Skipping busy ticks past the wake-up (here: holding the outputs for good) must show.
        const setup = (): RunSetup => ({ farm: loadFarm("10ha"), strategy: "controller", seed: 1, days: 10 })
        const every = runWith(setup(), false)
        const broken = runWith({
            ...setup(), commands: [{ atS: 60, cmd: (dr: CoreDriver) => {
                const d = dr as unknown as { busyUntil: (t: number) => number }
                d.busyUntil = () => Infinity
            } }],
        }, true)
        expect(broken.report === every.report).toBe(false)
    })
})

/** Stops the first zone whose valve is open, as the keypad's stop key does (no event). */
function stopOpenZone(driver: CoreDriver): void {
    const z = driver.ctl.zoneJob.findIndex((j) => j !== null)
    if (z >= 0) driver.command({ k: "stopZone", zone: z })
}
