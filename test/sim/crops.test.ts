import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { CROPS, CropParams, dayOfYear, kcClimateAdjusted, kcOn } from "../../sim/crops"

const between = (v: number, lo: number, hi: number) => {
    expect(v).toBeGreaterThanOrEqual(lo)
    expect(v).toBeLessThanOrEqual(hi)
}

describe("crop records follow domain.md", () => {
    it("black pepper: Central Highlands Kc, Zr, p and Ky within the published ranges", () => {
        const c = CROPS.pepper
        between(c.kcIni, 0.8, 1.02)
        between(c.kcMid, 1.1, 1.2)
        between(c.kcEnd, 0.83, 0.93)
        between(c.rootDepthM, 0.4, 0.6)
        between(c.pNominal, 0.35, 0.4)
        between(c.ky, 1.7, 3.0)
        expect(c.waterlogToleranceH).toBeLessThan(CROPS.jackfruit.waterlogToleranceH) // hates waterlogging
    })

    it("jackfruit: FAO avocado Kc, mid and end adjusted for the humid climate by eq. 62", () => {
        const c = CROPS.jackfruit
        expect(c.kcIni).toBe(0.6)
        // 0.85 + (0.04 (1.5 - 2) - 0.004 (55 - 45)) (5/3)^0.3 = 0.85 - 0.06 x 1.166 = 0.780
        expect(c.kcMid).toBeCloseTo(0.78, 2)
        // 0.75 + (0.04 (1.5 - 2) - 0.004 (72 - 45)) (5/3)^0.3 = 0.75 - 0.128 x 1.166 = 0.601
        expect(c.kcEnd).toBeCloseTo(0.6, 2)
        between(c.rootDepthM, 0.5, 1.0)
        expect(c.pNominal).toBe(0.7)
        between(c.waterlogToleranceH, 48, 72) // dies after 2-3 days of flooding
    })

    it("star apple: FAO citrus 70% canopy Kc raised 0.1-0.2 for the humid climate", () => {
        const c = CROPS.starApple
        between(c.kcIni - 0.7, 0.1, 0.2)
        between(c.kcMid - 0.65, 0.1, 0.2)
        between(c.kcEnd - 0.7, 0.1, 0.2)
        between(c.rootDepthM, 1.2, 1.5)
        expect(c.pNominal).toBe(0.5)
    })

    it("every crop has a drip wetted fraction and a positive Ky", () => {
        for (const c of Object.values(CROPS)) {
            between(c.wettedFraction, 0.2, 0.6)
            expect(c.ky).toBeGreaterThan(0)
        }
    })
})

describe("FAO-56 eq. 62 climate adjustment", () => {
    it("leaves Kc unchanged in the reference climate (RHmin 45%, u2 2 m/s)", () => {
        expect(kcClimateAdjusted(1.15, { u2: 2, rhMinPct: 45 }, 4)).toBeCloseTo(1.15, 12)
    })
    it("does not touch Kc below 0.45", () => {
        expect(kcClimateAdjusted(0.4, { u2: 1, rhMinPct: 80 }, 4)).toBe(0.4)
    })
    it("lowers Kc of a tall crop in humid, calm air", () => {
        // 1.2 + (0.04 (1 - 2) - 0.004 (80 - 45)) (3/3)^0.3 = 1.2 - 0.18
        expect(kcClimateAdjusted(1.2, { u2: 1, rhMinPct: 80 }, 3)).toBeCloseTo(1.02, 12)
    })
})

describe("kcOn: annual piecewise-linear Kc curve", () => {
    it("dayOfYear counts from 1 January = 1 in a non-leap year", () => {
        expect(dayOfYear({ month: 1, day: 1 })).toBe(1)
        expect(dayOfYear({ month: 3, day: 1 })).toBe(60)
        expect(dayOfYear({ month: 12, day: 31 })).toBe(365)
    })

    it("pepper: Kc ini after harvest, rising with the first rains, Kc mid in the wet season, falling through the harvest", () => {
        const c = CROPS.pepper
        const doy = (month: number, day: number) => dayOfYear({ month, day })
        expect(kcOn(c, doy(4, 1))).toBe(c.kcIni) // post-harvest rest
        const flowering = kcOn(c, doy(5, 23)) // halfway through development
        expect(flowering).toBeCloseTo((c.kcIni + c.kcMid) / 2, 2)
        for (const m of [7, 8, 9, 10]) expect(kcOn(c, doy(m, 15))).toBe(c.kcMid)
        // Harvest months Jan-Mar lie in the late season: between Kc end and Kc mid, falling.
        const jan = kcOn(c, doy(1, 15))
        const mar = kcOn(c, doy(3, 10))
        expect(jan).toBeLessThan(c.kcMid)
        expect(mar).toBeLessThan(jan)
        expect(mar).toBeGreaterThan(c.kcEnd)
        expect(kcOn(c, doy(3, 14) + 0.999)).toBeCloseTo(c.kcEnd, 2)
    })

    it("star apple: its late season wraps the new year", () => {
        const c = CROPS.starApple
        expect(kcOn(c, 1)).toBe(c.kcMid) // late season starts 1 January at Kc mid
        expect(kcOn(c, dayOfYear({ month: 10, day: 1 }))).toBe(c.kcMid)
        expect(kcOn(c, dayOfYear({ month: 5, day: 1 }))).toBe(c.kcIni)
    })

    it("rejects stage dates out of cyclic order", () => {
        const bad: CropParams = { ...CROPS.pepper, stages: { ...CROPS.pepper.stages, mid: { month: 4, day: 1 } } }
        expect(() => kcOn(bad, 100)).toThrow(/out of order/)
    })

    const cropArb = fc.constantFrom(...Object.values(CROPS))
    const doyArb = fc.double({ min: 1, max: 366, noNaN: true, maxExcluded: true })

    it("property: Kc stays between the smallest and the largest of Kc ini, mid and end", () => {
        fc.assert(
            fc.property(cropArb, doyArb, (c, d) => {
                const kc = kcOn(c, d)
                expect(kc).toBeGreaterThanOrEqual(Math.min(c.kcIni, c.kcMid, c.kcEnd) - 1e-12)
                expect(kc).toBeLessThanOrEqual(Math.max(c.kcIni, c.kcMid, c.kcEnd) + 1e-12)
            }),
        )
    })

    it("property: the curve repeats every 365 days", () => {
        fc.assert(
            fc.property(cropArb, doyArb, fc.integer({ min: -3, max: 3 }), (c, d, years) => {
                expect(kcOn(c, d + 365 * years)).toBeCloseTo(kcOn(c, d), 9)
            }),
        )
    })

    it("property: continuous (changes < 0.01 over an hour) except where the initial stage restarts", () => {
        fc.assert(
            fc.property(cropArb, doyArb, (c, d) => {
                const ini = dayOfYear(c.stages.ini)
                const crossesRestart = (((ini - d) % 365) + 365) % 365 < 1 / 24
                if (!crossesRestart) expect(Math.abs(kcOn(c, d + 1 / 24) - kcOn(c, d))).toBeLessThan(0.01)
            }),
        )
    })
})
