// The core driver skips ticks in which the core provably does nothing (sim/strategies/core-driver.ts).
// That is only a speed-up if it changes nothing: the same run with and without skipping must give
// byte-identical reports.

import { describe, expect, it } from "vitest"
import { loadFarm } from "../../sim/farm"
import { weatherFor } from "../../sim/farm-run"
import { FarmSim } from "../../sim/farm-sim"
import { buildReport } from "../../sim/report"
import { ControllerStrategy, DEFAULT_TUNING } from "../../sim/strategies/controller"
import { CoreDriver } from "../../sim/strategies/core-driver"
import { WeeklyStrategy } from "../../sim/strategies/weekly"

/** Start minutes off the probes' 30-minute reading grid, so that a start is the only reason to step. */
const OFF_GRID = { ...DEFAULT_TUNING, seasons: DEFAULT_TUNING.seasons.map((s) => ({ ...s, startsMin: s.startsMin.map((m, i) => m + 7 + 4 * i) })) }

function run(farm: string, strategy: "controller" | "weekly", seed: number, days: number, skipIdle: boolean) {
    const strat = strategy === "controller" ? new ControllerStrategy(OFF_GRID) : new WeeklyStrategy()
    const sim = new FarmSim({ farm: loadFarm(farm), weather: weatherFor(seed, "2025-01-01", days), strategy: strat, seed })
    sim.advanceTo(0) // starts the strategy, so its driver exists
    const driver = (sim.strategy as unknown as { driver: CoreDriver | null }).driver
    if (driver === null) throw new Error("no core driver")
    driver.skipIdle = skipIdle
    sim.run()
    return { report: JSON.stringify(buildReport(sim)), steps: driver.steps, ticks: sim.endS / 60 }
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
