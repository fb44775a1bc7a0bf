import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { EnergyMeter, EnergyReport } from "../../sim/energy"
import { ALL_DAYS, Band, bandAtLocal, Tariff, vietnamTariff2025 } from "../../firmware/core/tariff"
import { daysFromCivil, weekday } from "../../firmware/core/calendar"

const tariff = vietnamTariff2025()
const H = 3600
/** Local midnight of 2025-06-02, a Monday. */
const MONDAY = daysFromCivil(2025, 6, 2) * 86400
const day = (n: number) => MONDAY + n * 86400

function meter(...intervals: [number, number, number][]): EnergyReport {
    const m = new EnergyMeter(tariff)
    for (const [t, dt, w] of intervals) m.add(t, dt, w)
    return m.report()
}

describe("energy: bands and prices (Decision 1279/QĐ-BCT, below 6 kV)", () => {
    it("calendar: the reference day is a Monday", () => {
        expect(weekday(MONDAY / 86400)).toBe(0)
    })

    it("price arithmetic: 1 kWh costs 1300 off-peak, 1987 normal, 3640 peak", () => {
        const off = meter([MONDAY + 1 * H, H, 1000])
        expect([off.pumpKWhOffPeak, off.energyCostVnd, off.pumpSecondsOffPeak]).toEqual([1, 1300, H])
        const normal = meter([MONDAY + 12 * H, H, 1000])
        expect([normal.pumpKWhNormal, normal.energyCostVnd, normal.pumpSecondsNormal]).toEqual([1, 1987, H])
        const peak = meter([MONDAY + 18 * H, H, 1000])
        expect([peak.pumpKWhPeak, peak.energyCostVnd, peak.pumpSecondsPeak]).toEqual([1, 3640, H])
        // 0.75 kW for 40 min at peak: 0.5 kWh, 1820 VND.
        expect(meter([MONDAY + 18 * H, 2400, 750]).energyCostVnd).toBe(1820)
    })

    it("split at 09:30 Monday: 09:00-10:00 at 2 kW is 1 kWh normal + 1 kWh peak", () => {
        const r = meter([MONDAY + 9 * H, H, 2000])
        expect(r).toEqual({
            pumpKWh: 2,
            pumpKWhPeak: 1,
            pumpKWhNormal: 1,
            pumpKWhOffPeak: 0,
            energyCostVnd: 1987 + 3640,
            pumpSecondsPeak: 1800,
            pumpSecondsNormal: 1800,
            pumpSecondsOffPeak: 0,
        })
    })

    it("split at 17:00: 16:45-17:15 Tuesday is 15 min normal and 15 min peak", () => {
        const r = meter([day(1) + 16.75 * H, 1800, 1200])
        expect([r.pumpSecondsNormal, r.pumpSecondsPeak]).toEqual([900, 900])
        expect(r.pumpKWhNormal).toBeCloseTo(0.3, 12)
        expect(r.pumpKWhPeak).toBeCloseTo(0.3, 12)
    })

    it("Sunday has no peak: a whole Sunday is 6 h off-peak (00-04, 22-24) and 18 h normal", () => {
        const r = meter([day(6), 24 * H, 1000])
        expect([r.pumpKWhPeak, r.pumpKWhOffPeak, r.pumpKWhNormal]).toEqual([0, 6, 18])
        // Saturday has both peaks: 2 h + 3 h.
        expect(meter([day(5), 24 * H, 1000]).pumpKWhPeak).toBe(5)
    })

    it("off-peak wraps midnight: Tuesday 21:00 to Wednesday 05:00 is 6 h off-peak, 2 h normal", () => {
        const r = meter([day(1) + 21 * H, 8 * H, 1000])
        expect([r.pumpSecondsOffPeak, r.pumpSecondsNormal, r.pumpSecondsPeak]).toEqual([6 * H, 2 * H, 0])
        expect(r.energyCostVnd).toBe(6 * 1300 + 2 * 1987)
        // Sunday 22:00 into Monday: the window that starts on Sunday covers Monday 00:00-04:00.
        expect(meter([day(6) + 22 * H, 6 * H, 1000]).pumpKWhOffPeak).toBe(6)
    })

    it("tariff is configuration: the 2026 hours (peak 17:30-22:30, off-peak 00:00-06:00) apply when given", () => {
        const t2026: Tariff = {
            windows: [
                { band: Band.Peak, days: 63, fromMin: 1050, toMin: 1350 },
                { band: Band.OffPeak, days: ALL_DAYS, fromMin: 0, toMin: 360 },
            ],
            otherwise: Band.Normal,
            priceVndPerKWh: [1300, 1987, 3640],
        }
        const m = new EnergyMeter(t2026)
        m.add(MONDAY + 17 * H, H, 1000)
        expect([m.report().pumpSecondsNormal, m.report().pumpSecondsPeak]).toEqual([1800, 1800])
    })

    it("idle pump: zero power adds no energy and no pump seconds", () => {
        const r = meter([MONDAY, 7 * 86400, 0])
        expect([r.pumpKWh, r.energyCostVnd, r.pumpSecondsNormal, r.pumpSecondsPeak, r.pumpSecondsOffPeak]).toEqual([0, 0, 0, 0, 0])
    })

    it("inputs: negative or non-finite durations and powers are refused", () => {
        const m = new EnergyMeter(tariff)
        expect(() => m.add(MONDAY, -1, 100)).toThrow(RangeError)
        expect(() => m.add(MONDAY, 1, -100)).toThrow(RangeError)
        expect(() => m.add(MONDAY, 1, NaN)).toThrow(RangeError)
        expect(() => m.add(NaN, 1, 100)).toThrow(RangeError)
    })
})

describe("energy: properties", () => {
    // Runs of whole seconds up to ~1.5 days, starting anywhere in 2024-2026.
    const start = fc.integer({ min: daysFromCivil(2024, 1, 1) * 86400, max: daysFromCivil(2026, 12, 31) * 86400 })
    const run = fc.record({ gapS: fc.integer({ min: 0, max: 40000 }), dtS: fc.integer({ min: 0, max: 130000 }), powerW: fc.double({ min: 0, max: 5000, noNaN: true }) })
    const runs = fc.array(run, { minLength: 1, maxLength: 4 })

    /** Per-band seconds by walking minute by minute: the band cannot change inside a minute. */
    function referenceSeconds(t0: number, dtS: number): number[] {
        const s = [0, 0, 0]
        for (let t = t0; t < t0 + dtS; ) {
            const stop = Math.min(t0 + dtS, (Math.floor(t / 60) + 1) * 60)
            s[bandAtLocal(tariff, t)] += stop - t
            t = stop
        }
        return s
    }

    it("conservation: total kWh = sum of band kWh = sum of power·dt, however the runs are chopped", () => {
        fc.assert(
            fc.property(start, runs, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }), (t0, rs, cuts) => {
                const whole = new EnergyMeter(tariff)
                const chopped = new EnergyMeter(tariff)
                let t = t0
                let joules = 0
                let k = 0
                for (const r of rs) {
                    t += r.gapS
                    whole.add(t, r.dtS, r.powerW)
                    joules += r.powerW * r.dtS
                    // The same run fed in pieces of the (cycled) cut lengths.
                    for (let done = 0; done < r.dtS; ) {
                        const piece = Math.min(cuts[k++ % cuts.length], r.dtS - done)
                        chopped.add(t + done, piece, r.powerW)
                        done += piece
                    }
                    t += r.dtS
                }
                const a = whole.report()
                const b = chopped.report()
                const tol = 1e-9 * Math.max(1, joules / 3.6e6)
                expect(Math.abs(a.pumpKWh - (a.pumpKWhPeak + a.pumpKWhNormal + a.pumpKWhOffPeak))).toBeLessThan(tol)
                expect(Math.abs(a.pumpKWh - joules / 3.6e6)).toBeLessThan(tol)
                for (const key of ["pumpKWh", "pumpKWhPeak", "pumpKWhNormal", "pumpKWhOffPeak"] as const) {
                    expect(Math.abs(a[key] - b[key])).toBeLessThan(tol)
                }
                expect([b.pumpSecondsPeak, b.pumpSecondsNormal, b.pumpSecondsOffPeak]).toEqual([a.pumpSecondsPeak, a.pumpSecondsNormal, a.pumpSecondsOffPeak])
                expect(Math.abs(a.energyCostVnd - b.energyCostVnd)).toBeLessThanOrEqual(1)
            }),
            { numRuns: 300 },
        )
    })

    it("exact split: per-band seconds match a minute-by-minute walk of the tariff", () => {
        fc.assert(
            fc.property(start, fc.integer({ min: 0, max: 130000 }), (t0, dtS) => {
                const r = meter([t0, dtS, 100])
                const ref = referenceSeconds(t0, dtS)
                expect([r.pumpSecondsOffPeak, r.pumpSecondsNormal, r.pumpSecondsPeak]).toEqual(ref)
            }),
            { numRuns: 200 },
        )
    })
})
