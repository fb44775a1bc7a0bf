// The "Done means" of issue 3, measured: one full simulated year of each preset for three
// seeds, every strategy on the same weather. The six comparisons take about 10 s in all and
// are computed once, then shared by the checks.
//
// Targets not met are marked `it.fails` with the numbers measured when this was written
// (controller tuning in sim/strategies/controller.ts DEFAULT_TUNING); if a change meets one,
// its `it.fails` starts failing and should become a plain `it`.

import { describe, expect, it } from "vitest"
import path from "node:path"
import { Comparison, compareStrategies } from "../../sim/farm-run"
import { loadFarm } from "../../sim/farm"

const FARMS = ["loc-quang", "phuoc-thien"] as const
const SEEDS = [1, 2, 3] as const
const cache = new Map<string, Comparison>()

function comparison(farm: string, seed: number): Comparison {
    const key = `${farm}/${seed}`
    let c = cache.get(key)
    if (!c) {
        c = compareStrategies(farm, seed, 365)
        cache.set(key, c)
    }
    return c
}

/** Targets not met, with what was measured (seed 1 is a dry year with a hot March: mean ET0
 *  6.3 mm/day against a normal 5.5). Controller: sim/strategies/controller.ts DEFAULT_TUNING,
 *  which waters by the core's planner (firmware/core/planner.ts). */
const NOT_MET: Record<string, string> = {
    // What the box cannot know (npm run oracle-knowledge; README "How much of the gap is
    // knowledge"): the oracle's own planner with only the box's knowledge ("box") uses
    // 1.17-1.26 x on loc-quang and 1.09-1.30 x on phuoc-thien (seeds 1-3). The core's planner
    // is that law (with RAW for a hot day, and runs that the probe stops at its 10-minute
    // looks): 1.19-1.29 and 1.11-1.40 x. Under the trees of phuoc-thien seeds 2-3 nothing
    // short of knowing the soil between the rows reaches 1.15 (bulb known exactly: 1.11,
    // 1.21 x); pepper needs the next day's weather ("probe": 1.10-1.14 x).
    "loc-quang/1/oracle": "controller 943.5 mm = 1.19 x oracle (789.6 mm)",
    "loc-quang/2/oracle": "controller 763.5 mm = 1.25 x oracle (613.1 mm)",
    "loc-quang/3/oracle": "controller 796.2 mm = 1.29 x oracle (618.6 mm)",
    "phuoc-thien/2/oracle": "controller 322.2 mm = 1.29 x oracle (249.4 mm)",
    "phuoc-thien/3/oracle": "controller 321.0 mm = 1.40 x oracle (229.2 mm)",
}

function check(farm: string, seed: number, target: string, title: string, body: (c: Comparison) => void): void {
    const known = NOT_MET[`${farm}/${seed}/${target}`]
    const name = known ? `${title} [not met: ${known}]` : title
    ;(known ? it.fails : it)(name, () => body(comparison(farm, seed)))
}

for (const farm of FARMS) {
    for (const seed of SEEDS) {
        describe(`${farm}, seed ${seed}, one year`, () => {
            check(farm, seed, "water", "controller uses at least 35% less irrigation water than fixed", (c) => {
                expect(c.reports.controller.irrigationM3).toBeLessThanOrEqual(0.65 * c.reports.fixed.irrigationM3)
            })
            check(farm, seed, "stress", "controller: zero stress days", (c) => {
                expect(c.reports.controller.stressDays).toBe(0)
            })
            check(farm, seed, "dp", "controller: deep percolation caused by its irrigation < 5% of what it applied", (c) => {
                const r = c.reports.controller
                expect(r.irrigationDeepPercolationMm).toBeLessThan(0.05 * r.irrigationMm)
            })
            check(farm, seed, "peak", "controller: zero pump time in peak windows", (c) => {
                expect(c.reports.controller.pumpHoursPeak).toBe(0)
                expect(c.reports.controller.pumpKWhPeak).toBe(0)
            })
            check(farm, seed, "cost", "controller: energy cost at least 30% below fixed", (c) => {
                expect(c.reports.controller.energyCostVnd).toBeLessThanOrEqual(0.7 * c.reports.fixed.energyCostVnd)
            })
            check(farm, seed, "oracle", "controller: water within 15% of oracle", (c) => {
                expect(c.reports.controller.irrigationM3).toBeLessThanOrEqual(1.15 * c.reports.oracle.irrigationM3)
            })
            check(farm, seed, "baselines", "baselines: the oracle never stresses, never pumps in peak, never drains irrigation; no alarms anywhere", (c) => {
                expect(c.reports.oracle.stressDays).toBe(0)
                expect(c.reports.oracle.pumpHoursPeak).toBe(0)
                expect(c.reports.oracle.irrigationDeepPercolationMm).toBe(0)
                for (const r of Object.values(c.reports)) expect(r.alarms).toEqual([])
            })
        })
    }
}

// The same farm with one more probe, between the rows of Mit 3 (sim/farms/phuoc-thien-rows.json):
// what that probe is worth to the same controller. The planner reads it, 4 % v/v drier than it
// reads, in place of its estimate of the rows from the rain the bulb shows; it saved 1.4, 3.3
// and 8.0 % of the preset controller's water on seeds 1-3 (the old law, which had no estimate,
// gained 5-15 %). The oracle ignores probes, so the preset's oracle is this farm's too.
const ROWS_NOT_MET: Record<number, string> = {
    2: "controller 311.6 mm = 1.25 x oracle (249.4 mm)",
    3: "controller 295.4 mm = 1.29 x oracle (229.2 mm)",
}
const rowsCache = new Map<number, Comparison>()
function withRows(seed: number): Comparison {
    let c = rowsCache.get(seed)
    if (!c) {
        c = compareStrategies(loadFarm(path.join("sim", "farms", "phuoc-thien-rows.json")), seed, 365, undefined, ["controller"])
        rowsCache.set(seed, c)
    }
    return c
}
for (const seed of SEEDS) {
    describe(`phuoc-thien with a probe between the rows, seed ${seed}`, () => {
        it("the probe between the rows never costs water, with zero stress days and < 5% of it draining", () => {
            const r = withRows(seed).reports.controller
            expect(r.irrigationM3).toBeLessThanOrEqual(comparison("phuoc-thien", seed).reports.controller.irrigationM3)
            expect(r.stressDays).toBe(0)
            expect(r.irrigationDeepPercolationMm).toBeLessThan(0.05 * r.irrigationMm)
            expect(r.alarms).toEqual([])
        })
        const known = ROWS_NOT_MET[seed]
        ;(known ? it.fails : it)(`controller: water within 15% of oracle${known ? ` [not met: ${known}]` : ""}`, () => {
            expect(withRows(seed).reports.controller.irrigationM3).toBeLessThanOrEqual(1.15 * comparison("phuoc-thien", seed).reports.oracle.irrigationM3)
        })
    })
}
