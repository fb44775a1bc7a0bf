// The simulator's instruments and fault schedule on their own (sim/meter.ts, sim/faults.ts).
import { describe, expect, it } from "vitest"
import { CLOG_STEP_S, FaultSchedule } from "../../sim/faults"
import { noFaults } from "../../sim/hydraulics"
import { ProductTank, PulseMeter, TANK_CAPACITY_L, TANK_SWITCH_L } from "../../sim/meter"

const FLOW = { present: true, mlPerPulse: 1000, settleS: 60, windowS: 30, highPct: 30, lowPct: 20, noFlowS: 20, minFlowMlPerMin: 2000, leakMlPerMin: 1000, learnRuns: 3, lowFlowStops: false }

describe("pulse meter", () => {
    it("counts whole pulses of the true volume within its 2 % error, and nothing once dead", () => {
        for (let seed = 1; seed <= 20; seed++) {
            const m = new PulseMeter(FLOW, seed)
            let last = 0
            for (let t = 1; t <= 3600; t++) {
                m.advance(t, 4500)
                expect(Number.isInteger(m.pulses)).toBe(true)
                expect(m.pulses).toBeGreaterThanOrEqual(last)
                last = m.pulses
            }
            expect(Math.abs(m.pulses - m.volumeL)).toBeLessThanOrEqual(0.02 * m.volumeL + 1)
            expect(m.volumeL).toBeGreaterThan(4500 * 0.99)
            expect(m.volumeL).toBeLessThan(4500 * 1.01)
            m.dead = true
            m.advance(7200, 4500)
            expect(m.pulses).toBe(last)
        }
    })

    it("a 10 L/pulse meter gives one pulse per 10 L", () => {
        const m = new PulseMeter({ ...FLOW, mlPerPulse: 10000 }, 3)
        m.advance(3600, 1000)
        expect(Math.abs(m.pulses - 100)).toBeLessThanOrEqual(3)
    })
})

describe("product tank", () => {
    it("the injector draws its rate; the float switch opens at its level", () => {
        const tank = new ProductTank({ present: true, mlPerMin: 600, minFlushS: 300, minPrewetS: 120 })
        tank.draw(true, 600)
        expect(tank.levelL).toBeCloseTo(TANK_CAPACITY_L - 6, 6)
        tank.draw(false, 600)
        expect(tank.levelL).toBeCloseTo(TANK_CAPACITY_L - 6, 6)
        tank.levelL = TANK_SWITCH_L + 0.1
        expect(tank.ok).toBe(true)
        tank.draw(true, 10)
        expect(tank.ok).toBe(false)
    })
})

describe("fault schedule", () => {
    const target = () => ({ faults: noFaults(3), meter: new PulseMeter(FLOW, 1), tank: new ProductTank({ present: true, mlPerMin: 400, minFlushS: 300, minPrewetS: 120 }) })

    it("a progressive clog grows in steps to its severity and then stays", () => {
        const x = target()
        const s = new FaultSchedule([{ type: "clog", atS: 1000, zone: 1, severity: 0.8, clogShare: 0.5, rampS: 4 * CLOG_STEP_S }])
        expect(s.apply(999, x)).toBe(false)
        expect(s.apply(1000, x)).toBe(true)
        expect(x.faults.zones[1].clog).toBeCloseTo(0.2, 9)
        expect(x.faults.zones[1].clogShare).toBe(0.5)
        expect(s.nextAtS).toBe(1000 + CLOG_STEP_S)
        s.apply(1000 + 3 * CLOG_STEP_S, x)
        expect(x.faults.zones[1].clog).toBeCloseTo(0.8, 9)
        expect(s.nextAtS).toBe(Infinity)
        expect(s.apply(1e7, x)).toBe(false)
        expect(x.faults.zones[0].clog).toBe(0)
    })

    it("one-off faults act once, at their time, on the right part", () => {
        const x = target()
        const s = new FaultSchedule([
            { type: "meterFailure", atS: 50, zone: -1, severity: 1 },
            { type: "zoneBurst", atS: 10, zone: 2, severity: 150 },
            { type: "stuckOpen", atS: 20, zone: 0, severity: 1 },
            { type: "pumpFailure", atS: 30, zone: -1, severity: 1 },
            { type: "emptyTank", atS: 40, zone: -1, severity: 0.5 },
            { type: "mainBurst", atS: 60, zone: -1, severity: 300 },
        ])
        expect(s.apply(35, x)).toBe(true)
        expect(x.faults.zones[2].burstMm2).toBe(150)
        expect(x.faults.zones[0].valve).toBe("stuckOpen")
        expect(x.faults.pump).toBe("dryWell")
        expect(x.meter.dead).toBe(false)
        expect(s.nextAtS).toBe(40)
        x.faults.pump = "none" // repaired: the schedule does not break it again
        expect(s.apply(60, x)).toBe(true)
        expect(x.faults.pump).toBe("none")
        expect(x.tank.levelL).toBeCloseTo(TANK_SWITCH_L + 0.5, 9)
        expect(x.meter.dead).toBe(true)
        expect(x.faults.mainBurstMm2).toBe(300)
    })
})
