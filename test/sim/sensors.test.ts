import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Rng } from "../../sim/random"
import { SOILS } from "../../sim/soils"
import {
    AirSensor,
    CapacitiveMoistureProbe,
    FlowMeter,
    SoilPhProbe,
    calibratedVwc,
    measureCalibration,
    vwcToTenths,
} from "../../sim/sensors"

const DAY = 86400

/** A probe installed and calibrated the way a technician would: two soil samples, 16 reads each, at 27 °C. */
function installedProbe(seed: number, clayFraction: number) {
    const probe = new CapacitiveMoistureProbe(new Rng(seed), clayFraction)
    const cal = measureCalibration(probe, { vwcLow: 0.05, vwcHigh: 0.45, tempC: 27, tS: 0, samples: 16 })
    return { probe, cal }
}

describe("capacitive soil-moisture probe", () => {
    it("reads lower as the soil gets wetter", () => {
        const { probe } = installedProbe(1, SOILS.redFerralsol.clayFraction)
        const mean = (theta: number) => {
            let s = 0
            for (let i = 0; i < 200; i++) s += probe.read(theta, 27, DAY) as number
            return s / 200
        }
        const [dry, mid, wet] = [mean(0.1), mean(0.3), mean(0.45)]
        expect(dry).toBeGreaterThan(mid)
        expect(mid).toBeGreaterThan(wet)
    })

    it("every unit has its own dry and wet points, so each needs its own calibration", () => {
        const units = Array.from({ length: 20 }, (_, i) => new CapacitiveMoistureProbe(new Rng(100 + i), 0.3).unit)
        const dry = new Set(units.map((u) => u.rawAtDry))
        expect(dry.size).toBeGreaterThan(15)
        for (const u of units) {
            expect(u.rawAtDry).toBeGreaterThan(u.rawAtWet)
            expect(u.noiseVwc).toBeGreaterThanOrEqual(0.01)
            expect(u.noiseVwc).toBeLessThanOrEqual(0.02)
        }
    })

    it("healthy and calibrated, it reads the true θ within the stated 2-4% v/v", () => {
        // 40 units in each soil, θ from 0.10 to 0.45, soil 22-32 °C, first month after install.
        let sq = 0
        let n = 0
        let worstAveraged = 0
        for (const soil of [SOILS.redFerralsol, SOILS.greyAcrisol]) {
            for (let u = 0; u < 40; u++) {
                const { probe, cal } = installedProbe(1000 + u, soil.clayFraction)
                const env = new Rng(5000 + u)
                for (let k = 0; k < 20; k++) {
                    const theta = 0.1 + 0.35 * env.next()
                    const temp = 22 + 10 * env.next()
                    const tS = 30 * DAY * env.next()
                    let sum = 0
                    for (let r = 0; r < 8; r++) {
                        const vwc = calibratedVwc(probe.read(theta, temp, tS), cal) as number
                        sq += (vwc - theta) ** 2
                        n++
                        sum += vwc
                    }
                    worstAveraged = Math.max(worstAveraged, Math.abs(sum / 8 - theta))
                }
            }
        }
        const rmse = Math.sqrt(sq / n)
        expect(rmse).toBeGreaterThan(0.01) // it is a noisy sensor...
        expect(rmse).toBeLessThanOrEqual(0.03) // ...with single readings inside the 2-4% band
        expect(worstAveraged).toBeLessThanOrEqual(0.04) // averaged readings never beyond 4% v/v
    })

    it("noise is 1-2% VWC equivalent", () => {
        const { probe, cal } = installedProbe(7, 0.3)
        const xs = Array.from({ length: 4000 }, () => calibratedVwc(probe.read(0.25, 25, 0), cal) as number)
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length
        const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
        expect(sd).toBeGreaterThan(0.009)
        expect(sd).toBeLessThan(0.022)
        expect(Math.abs(sd - probe.unit.noiseVwc) / probe.unit.noiseVwc).toBeLessThan(0.1)
    })

    const meanReading = (probe: CapacitiveMoistureProbe, cal: ReturnType<typeof measureCalibration>, theta: number, temp: number, tS: number) => {
        let s = 0
        for (let i = 0; i < 2000; i++) s += calibratedVwc(probe.read(theta, temp, tS), cal) as number
        return s / 2000
    }

    it("drifts slowly: the unit's drift rate over a year, nothing noticeable in a day", () => {
        const { probe, cal } = installedProbe(11, 0.3)
        const t0 = meanReading(probe, cal, 0.3, 27, 0)
        const t1d = meanReading(probe, cal, 0.3, 27, DAY)
        const t1y = meanReading(probe, cal, 0.3, 27, 365 * DAY)
        expect(Math.abs(t1d - t0)).toBeLessThan(0.002)
        // Calibrated slope is about 1, so the drift shows almost one-to-one.
        expect(t1y - t0).toBeCloseTo(probe.unit.driftVwcPerYear, 2)
        expect(Math.abs(probe.unit.driftVwcPerYear)).toBeLessThanOrEqual(0.02)
    })

    it("temperature moves the reading, more in clay than in sandy loam", () => {
        const shift = (clay: number) => {
            let total = 0
            for (let u = 0; u < 10; u++) {
                const { probe, cal } = installedProbe(300 + u, clay)
                total += meanReading(probe, cal, 0.3, 35, 0) - meanReading(probe, cal, 0.3, 25, 0)
            }
            return total / 10
        }
        const clay = shift(SOILS.redFerralsol.clayFraction)
        const sandy = shift(SOILS.greyAcrisol.clayFraction)
        expect(clay).toBeGreaterThan(sandy)
        expect(sandy).toBeGreaterThan(0)
        expect(clay).toBeLessThan(0.03) // 10 °C: a few percent v/v at most
    })

    it("failure modes: dead reads a rail, stuck repeats, disconnected gives null", () => {
        const dead = new CapacitiveMoistureProbe(new Rng(21), 0.3)
        dead.fail("dead")
        const r1 = dead.read(0.2, 27, 0)
        expect([0, 4095]).toContain(r1)
        expect(dead.read(0.4, 30, DAY)).toBe(r1)

        const stuck = new CapacitiveMoistureProbe(new Rng(22), 0.3)
        const last = stuck.read(0.2, 27, 0)
        stuck.fail("stuck")
        for (const theta of [0.1, 0.3, 0.45]) expect(stuck.read(theta, 27, DAY)).toBe(last)

        const gone = new CapacitiveMoistureProbe(new Rng(23), 0.3)
        gone.fail("disconnected")
        expect(gone.read(0.2, 27, 0)).toBeNull()
        expect(calibratedVwc(null, { rawLow: 3000, vwcLow: 0.05, rawHigh: 1600, vwcHigh: 0.45 })).toBeNull()
        expect(vwcToTenths(null)).toBeNull()
    })

    it("a dead probe converts to a water content no soil can have", () => {
        const { probe, cal } = installedProbe(24, 0.3)
        probe.fail("dead")
        const vwc = calibratedVwc(probe.read(0.3, 27, 0), cal) as number
        expect(vwc < 0 || vwc > 0.7).toBe(true)
    })

    it("a scheduled failure starts at its time", () => {
        const p = new CapacitiveMoistureProbe(new Rng(25), 0.3)
        p.fail("disconnected", 10 * DAY)
        expect(p.read(0.3, 27, 10 * DAY - 1)).not.toBeNull()
        expect(p.failureAt(10 * DAY - 1)).toBeNull()
        expect(p.read(0.3, 27, 10 * DAY)).toBeNull()
    })

    it("random failures follow the configured rate", () => {
        const year = 365 * DAY
        let failed = 0
        for (let i = 0; i < 2000; i++) {
            const p = new CapacitiveMoistureProbe(new Rng(40000 + i), 0.3, { failurePerYear: 0.5 })
            if (p.failureAt(year) !== null) failed++
        }
        expect(failed / 2000).toBeCloseTo(1 - Math.exp(-0.5), 1) // 0.39
    })

    it("is deterministic from its seed", () => {
        const run = () => {
            const p = new CapacitiveMoistureProbe(new Rng(99), 0.6, { failurePerYear: 1 })
            return Array.from({ length: 50 }, (_, i) => p.read(0.2 + i * 0.004, 26, i * 3 * DAY))
        }
        expect(run()).toEqual(run())
    })

    it("vwcToTenths gives the firmware's unit", () => {
        expect(vwcToTenths(0.305)).toBe(305)
    })
})

describe("RS485 soil pH probe", () => {
    it("reads within ±0.3 pH at 0.01 resolution inside 3-9", () => {
        for (let u = 0; u < 30; u++) {
            const p = new SoilPhProbe(new Rng(700 + u))
            for (const ph of [4.2, 5.0, 6.5]) {
                const r = p.read(ph, 0) as number
                expect(Math.abs(r - ph)).toBeLessThanOrEqual(0.3 + 0.2) // offset ≤ 0.2, noise 4σ ≤ 0.2
                expect(Math.round(r * 100) / 100).toBe(r)
            }
        }
        const p = new SoilPhProbe(new Rng(1))
        let inBand = 0
        for (let i = 0; i < 1000; i++) if (Math.abs((p.read(5.2, 0) as number) - 5.2) <= 0.3) inBand++
        expect(inBand).toBeGreaterThan(950)
    })

    it("clamps to its 3-9 range and gives null when it fails", () => {
        const p = new SoilPhProbe(new Rng(2))
        expect(p.read(1.5, 0)).toBe(3)
        expect(p.read(11, 0)).toBe(9)
        p.fail(DAY)
        expect(p.read(5, DAY - 1)).not.toBeNull()
        expect(p.read(5, DAY)).toBeNull()
    })
})

describe("air temperature and humidity sensor", () => {
    it("reads close to the truth, RH within 0-100, null when failed", () => {
        const s = new AirSensor(new Rng(3))
        let dt = 0
        let drh = 0
        for (let i = 0; i < 500; i++) {
            const r = s.read(30, 65, 0)!
            dt += r.tempC - 30
            drh += r.rhPct - 65
        }
        expect(Math.abs(dt / 500 - s.tempBiasC)).toBeLessThan(0.05)
        expect(Math.abs(drh / 500 - s.rhBiasPct)).toBeLessThan(0.2)
        expect(Math.abs(s.tempBiasC)).toBeLessThanOrEqual(0.3)
        expect(Math.abs(s.rhBiasPct)).toBeLessThanOrEqual(2)
        for (let i = 0; i < 200; i++) expect(s.read(27, 100, 0)!.rhPct).toBeLessThanOrEqual(100)
        s.fail()
        expect(s.read(30, 65, 0)).toBeNull()
    })
})

describe("pulse flow meter", () => {
    it("1 L/pulse irrigation meter: small volumes carry their fractions", () => {
        const m = new FlowMeter(1, new Rng(4), 0)
        let pulses = 0
        for (let i = 0; i < 1000; i++) pulses += m.addLitres(0.1)
        expect(pulses).toBe(100)
        expect(m.pulses).toBe(100)
    })

    it("property: pulses from any split of a volume = floor(volume (1 + error) / litres per pulse)", () => {
        fc.assert(
            fc.property(
                fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { maxLength: 200 }),
                fc.constantFrom(1, 0.1, 1 / 450),
                fc.integer({ min: 0, max: 1000 }),
                (parts, lpp, seed) => {
                    const m = new FlowMeter(lpp, new Rng(seed))
                    let got = 0
                    for (const l of parts) got += m.addLitres(l)
                    const total = parts.reduce((a, b) => a + b, 0)
                    const expected = (total * (1 + m.error)) / lpp
                    expect(got).toBe(m.pulses)
                    expect(Math.abs(got - expected)).toBeLessThan(1) // whole pulses only, fraction carried
                    expect(got).toBeLessThanOrEqual(expected + 1e-6)
                    expect(Math.abs(m.error)).toBeLessThanOrEqual(0.02)
                },
            ),
        )
    })
})
