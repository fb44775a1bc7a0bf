// The estimate of the water between the rows from what the wetted bulb shows
// (sim/strategies/rows-from-bulb.ts). Every overestimate lets a planner stress the crop, so the
// checks are mostly about what must NOT be counted as rain.

import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Rng } from "../../sim/random"
import { RowsFromBulb, RowsFromBulbParams } from "../../sim/strategies/rows-from-bulb"

/** Pepper-like zone: 0.5 m roots, 60 mm available water, 80 % of the roots in 35 % of the area. */
const PARAMS: Omit<RowsFromBulbParams, "rng" | "noiseVwc"> = {
    tawMm: 60, rootDepthM: 0.5, bulbRootFraction: 0.8, wettedFraction: 0.35, readEveryS: 1800,
}

function estimator(noiseVwc = 0, seed = 1): RowsFromBulb {
    return new RowsFromBulb({ ...PARAMS, noiseVwc, rng: new Rng(seed) })
}

/** Feeds `hours` of updates every 10 minutes, from t, with the bulb at bulbMm; returns the end time. */
function feed(e: RowsFromBulb, t: number, hours: number, bulbMm: number, shut = true, etcMmPerH = 0): number {
    for (let s = 0; s < hours * 6; s++) {
        t += 600
        e.update(t, bulbMm, shut, etcMmPerH / 6)
    }
    return t
}

describe("rows from the bulb", () => {
    it("counts a storm that fills the bulb while its valve is shut: most of its rise, never more than the rise less the noise allowance (rain wets the rows as it wets the bulb)", () => {
        const e = estimator()
        let t = feed(e, 0, 6, 40)
        t = feed(e, t, 6, 60)
        // Rise 20 mm; noise allowance 0.01 x 500 mm = 5 mm; the level may follow the first
        // part of the rise up to the detection threshold (0.02 x 500 mm = 10 mm) first.
        expect(e.rowsMm).toBeLessThanOrEqual(20 - 5)
        expect(e.rowsMm).toBeGreaterThan(20 - 5 - 10)
        const counted = e.rowsMm
        feed(e, t, 6, 58)
        expect(e.rowsMm).toBe(counted) // drying after it is not another storm
    })

    it("does not count a rise while the valve is open: that water is the drippers', not rain", () => {
        const e = estimator()
        let t = feed(e, 0, 6, 40)
        t = feed(e, t, 2, 60, false)
        feed(e, t, 12, 60)
        expect(e.rowsMm).toBe(0)
    })

    it("does not count a rise that leaves the bulb short of field capacity (a shower, or noise, that the rows may not have held)", () => {
        const e = estimator()
        let t = feed(e, 0, 6, 30)
        t = feed(e, t, 12, 50) // 20 mm up, but 10 mm short of full (the gap allowed is 5 mm)
        expect(e.rowsMm).toBe(0)
    })

    it("never counts more than the rows hold", () => {
        const e = estimator()
        let t = 0
        for (let storm = 0; storm < 5; storm++) {
            t = feed(e, t, 6, 10)
            t = feed(e, t, 6, 60)
        }
        expect(e.rowsMm).toBe(PARAMS.tawMm)
    })

    it("dries the rows by their share of the crop's ET: none while the bulb holds all the water the roots find", () => {
        const e = estimator()
        let t = feed(e, 0, 6, 10)
        t = feed(e, t, 6, 60)
        const after = e.rowsMm
        // 24 h of 0.25 mm/h of crop ET with the bulb at 60 mm and the rows at `after`: the rows
        // give (1 - sb) of it over their 65 % of the area.
        const sb = (0.8 * 60) / (0.8 * 60 + 0.2 * after)
        feed(e, t, 1, 60, true, 0.25)
        // (sb is taken afresh at each of the hour's six updates: equal to 4 decimals here)
        expect(e.rowsMm).toBeCloseTo(after - (0.25 * (1 - sb)) / 0.65, 4)
        expect(e.rowsMm).toBeLessThan(after)
        const dry = estimator()
        feed(dry, 0, 24, 60, true, 0.25) // nothing between the rows to lose
        expect(dry.rowsMm).toBe(0)
    })

    it("property: a bulb drying steadily with reading noise is never taken for rain (no storm, no credit)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.5, max: 3, noNaN: true }), (seed, etcPerDay) => {
                const e = estimator(0.01, seed)
                let bulb = PARAMS.tawMm - 2 // just under full, where noise passes the field-capacity gate
                let t = 0
                for (let h = 0; h < 20 * 24; h++) {
                    bulb = Math.max(0, bulb - etcPerDay / 24 / PARAMS.wettedFraction)
                    t = feed(e, t, 1, bulb, true, etcPerDay / 24)
                }
                return e.rowsMm === 0
            }),
            { numRuns: 40 },
        )
    })
})
