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
 *  6.3 mm/day against a normal 5.5). Controller tuning: sim/strategies/controller.ts DEFAULT_TUNING. */
const NOT_MET: Record<string, string> = {
    // Pepper's wetted bulb has only ~2% v/v between field capacity and the hot-day stress level.
    // In March the probes read ~0.7% v/v high (calibrated on 1 January: temperature effect and
    // drift) besides ~0.8% of noise. Same run with noise-free probes: 8 stress days; with probes
    // free of noise, drift and temperature error: 0, with about 1,000 mm (0.68 of fixed).
    // Raising the pepper target by 1% v/v in March-April only (where the bias is) removes the
    // stress days but drains 5.5-6.7% of the irrigation (limit 5%) and saves 28% (seed 1).
    "loc-quang/1/stress": "controller 7 stress days (fixed 25, oracle 0)",
    // Out of reach of this law (with error-free probes it saves 32%, 1.27 x oracle), not of a
    // probe-based controller: the oracle's planner with only the box's knowledge ("box", npm run
    // oracle-knowledge) uses 926.5 mm (0.63 of fixed) with no stress day.
    "loc-quang/1/water": "controller 1027.7 mm = 0.70 of fixed (1467.7 mm)",
    // Where the gap comes from (npm run oracle-knowledge; README "How much of the gap is
    // knowledge"): the oracle's own planner, knowing the bulb only through the farm's probes
    // and nothing of the weather ahead ("box"), uses 1.17-1.26 x on loc-quang and 1.09-1.30 x
    // on phuoc-thien (seeds 1-3), with no stress. So about half of the gap below is
    // the control law (a set point kept safe for dry rows and a hot day, refilled at fixed
    // starts), the rest what the box cannot know. With a perfect forecast of the next day
    // ("probe") pepper reaches 1.10-1.14 x; under the trees of phuoc-thien seeds 2-3 nothing
    // short of knowing the soil between the rows does (bulb known exactly: 1.11, 1.21 x).
    // Earlier measurements with this law: error-free probes give 1.27, 1.36, 1.38 x on
    // loc-quang and 1.18, 1.42, 1.50 x on phuoc-thien. Lowering the set point buys 0.05-0.1
    // of the ratio at the cost of stress (trees 1.5% above stress instead of 2%: seed 7 stress
    // days 2 -> 4; pepper 2% lower June-November: 13 and 8 stress days on seeds 1, 2). The
    // wet season's two starts cannot become one (19-24 stress days). Lowering the target for
    // some days after the probe shows the bulb above field capacity saves 1-6% on phuoc-thien
    // and adds stress on held-out seeds.
    "loc-quang/1/oracle": "controller 1027.7 mm = 1.30 x oracle (789.6 mm)",
    "loc-quang/2/oracle": "controller 865.3 mm = 1.41 x oracle (613.1 mm)",
    "loc-quang/3/oracle": "controller 877.9 mm = 1.42 x oracle (618.6 mm)",
    "phuoc-thien/1/oracle": "controller 501.6 mm = 1.20 x oracle (419.1 mm)",
    "phuoc-thien/2/oracle": "controller 365.1 mm = 1.46 x oracle (249.4 mm)",
    "phuoc-thien/3/oracle": "controller 350.5 mm = 1.53 x oracle (229.2 mm)",
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
// what that probe is worth to the same controller (firmware/core/moisture.ts zoneTargetTenths).
// The oracle ignores probes, so the preset's oracle is this farm's too.
const ROWS_NOT_MET: Record<number, string> = {
    2: "controller 320.7 mm = 1.29 x oracle (249.4 mm)",
    3: "controller 297.3 mm = 1.30 x oracle (229.2 mm)",
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
        it("the probe between the rows saves at least 5% of the preset controller's water, with zero stress days and < 5% of it draining", () => {
            const r = withRows(seed).reports.controller
            expect(r.irrigationM3).toBeLessThanOrEqual(0.95 * comparison("phuoc-thien", seed).reports.controller.irrigationM3)
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
