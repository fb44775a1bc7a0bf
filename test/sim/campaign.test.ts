// The "Done means" of issue 6, measured by the fault campaign (sim/campaign.ts): per preset
// farm, 100 seeded seasons with one random fault each and 100 fault-free seasons, the real
// control core fed by the simulated pulse meter. Each target is one test; a target not met is
// marked `it.fails` with what was measured, so that fixing it turns the test red until the
// mark is removed. The tables are printed for the record (no timing assertions).

import { beforeAll, describe, expect, it } from "vitest"
import { BURST_ISOLATE_S, CampaignReport, formatCampaign, NO_FLOW_STOP_S, runCampaign, runSeason } from "../../sim/campaign"
import { CLOG_TARGET } from "../../sim/campaign-watch"
import { loadFarm } from "../../sim/farm"
import { FAULT_TYPES, FaultSchedule } from "../../sim/faults"
import { FarmSim } from "../../sim/farm-sim"
import { weatherFor } from "../../sim/farm-run"
import { TuiEngine } from "../../sim/tui/engine"
import { ControllerStrategy } from "../../sim/strategies/controller"

const SEASONS = 100
const SEED = 1

/** Targets not met, with what was measured (seed 1); none at present. */
const KNOWN: Record<string, string[]> = {
    "loc-quang": [],
    "phuoc-thien": [],
}

describe.each(["loc-quang", "phuoc-thien"])("fault campaign on %s", (name) => {
    let r: CampaignReport
    beforeAll(() => {
        const t0 = performance.now()
        r = runCampaign({ farm: loadFarm(name), seasons: SEASONS, faultFreeSeasons: SEASONS, seed: SEED })
        console.log(formatCampaign(r) + `(${((performance.now() - t0) / 1000).toFixed(1)} s)\n`)
    }, 300_000)
    const target = (title: string, body: () => void) => (KNOWN[name].includes(title) ? it.fails : it)(title, body)
    const faulty = () => r.results.filter((s) => s.fault !== null && s.exercised)

    // The campaign must exercise every fault (a burst on a zone that does not run again in
    // the season never reaches the water); not a target of issue 6.
    it("every fault type reached the water in at least 5 of its 12-13 seasons (clogs: 2 beyond the target)", () => {
        for (const t of FAULT_TYPES) {
            const b = r.byType.find((x) => x.type === t)!
            if (t === "clog") expect(b.qualifying).toBeGreaterThanOrEqual(2)
            else expect(b.exercised, t).toBeGreaterThanOrEqual(5)
        }
    })

    target(`every burst detected and isolated within ${BURST_ISOLATE_S} s after settling`, () => {
        const bursts = faulty().filter((s) => s.fault!.type === "zoneBurst" || s.fault!.type === "mainBurst")
        expect(bursts.length).toBeGreaterThanOrEqual(20)
        for (const s of bursts) {
            expect(s.detectS, `season ${s.index}`).toBeGreaterThanOrEqual(0)
            expect(s.worstEpisodeS, `season ${s.index}`).toBeLessThanOrEqual(BURST_ISOLATE_S)
        }
    })

    it("a burst on a zone locks that zone out, and no healthy zone", () => {
        const b = r.byType.find((x) => x.type === "zoneBurst")!
        expect(b.lockedRight).toBe(b.exercised)
        expect(b.lockedWrong).toBe(0)
    })

    target(`every clog losing ${CLOG_TARGET * 100}% of the flow or more is reported on the first run that loses it`, () => {
        const clogs = faulty().filter((s) => s.fault!.type === "clog" && s.meterLoss >= CLOG_TARGET)
        expect(clogs.length).toBeGreaterThanOrEqual(2)
        for (const s of clogs) expect(s.onFirstRun, `season ${s.index}`).toBe(true)
    })

    target(`every no-flow (pump failure, dead meter) stops the pump within ${NO_FLOW_STOP_S} s`, () => {
        const nf = faulty().filter((s) => s.fault!.type === "pumpFailure" || s.fault!.type === "meterFailure")
        expect(nf.length).toBeGreaterThanOrEqual(20)
        for (const s of nf) {
            expect(s.detectS, `season ${s.index}`).toBeGreaterThanOrEqual(0)
            expect(s.worstEpisodeS, `season ${s.index}`).toBeLessThanOrEqual(NO_FLOW_STOP_S)
        }
    })

    it("every tank that runs dry during a dose stops the injector within a second, with a tank_empty alarm", () => {
        const tanks = faulty().filter((s) => s.fault!.type === "emptyTank")
        expect(tanks.length).toBeGreaterThanOrEqual(5)
        for (const s of tanks) {
            expect(s.alarms.some((a) => a.includes("tank_empty")), `season ${s.index}`).toBe(true)
            expect(s.worstEpisodeS, `season ${s.index}`).toBeLessThanOrEqual(1)
        }
    })

    target("no false alarms", () => {
        expect(r.faultFree.seasons).toBe(SEASONS)
        expect(r.faultFree.falseAlarms).toBe(0)
    })
})

describe("the simulator's meter, faults and hotkeys reach the real core", () => {
    it("the core learns the zones' flows from the simulated meter's pulses", () => {
        const farm = loadFarm("loc-quang")
        const strategy = new ControllerStrategy()
        const sim = new FarmSim({ farm, weather: weatherFor(3, "2025-02-10", 2), strategy, seed: 3 })
        sim.run()
        expect(sim.meter!.pulses).toBeGreaterThan(0)
        // 1 L per pulse, within the meter's 2 % and a pulse.
        expect(Math.abs(sim.meter!.pulses - sim.meter!.volumeL)).toBeLessThanOrEqual(0.02 * sim.meter!.volumeL + 1)
        expect(strategy.core!.ctl.flowSup!.masks.length).toBeGreaterThan(0)
    })

    it("a fault schedule breaks the water at its time: a dead pump is stopped and locked", () => {
        const farm = loadFarm("loc-quang")
        const strategy = new ControllerStrategy()
        const faults = new FaultSchedule([{ type: "pumpFailure", atS: 3600, zone: -1, severity: 0 }])
        const sim = new FarmSim({ farm, weather: weatherFor(3, "2025-02-10", 2), strategy, seed: 3, faults, fineTickS: 1 })
        sim.run()
        expect(sim.faults.pump).toBe("failed")
        expect(strategy.core!.ctl.pumpLock).toBe("no_flow")
    })

    it("the terminal UI's burst and clog hotkeys raise the core's alarms", () => {
        for (const kind of ["burst", "clog"] as const) {
            const e = new TuiEngine({ farm: "loc-quang", seed: 1, days: 5, start: "2025-02-10", speed: 3600 })
            // Let the core learn three days of runs, then break something while it waters.
            e.sim.advanceTo(3 * 86400)
            while (!e.sim.pumpOn && !e.sim.done) e.sim.advanceTo(e.sim.t + 60)
            e.inject(kind)
            e.sim.advanceTo(e.sim.t + 12 * 3600)
            const kinds = e.ctl!.alarms.items.map((a) => a.kind)
            expect(kinds, kind).toContain(kind === "burst" ? "burst" : "clog")
        }
    })

    // Regression case: a dosed manual run waited for room while the core started a queued
    // scheduled run and paused it again every tick; the flickering valves passed water the flow
    // supervision did not expect (it judges fully open valves), and it locked Mit 6 out as a
    // burst (224 L/min against 77). Fixed in startJobs: nothing takes the room a waiting manual
    // run makes.
    it("regression: the fault-free phuoc-thien season 85 (seed 1) raises no alarm", () => {
        const s = runSeason(loadFarm("phuoc-thien"), SEED, 85, true)
        expect(s.alarms).toEqual([])
    })
})
