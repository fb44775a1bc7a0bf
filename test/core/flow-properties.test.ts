// A focused property of dosing against the flow meter itself: random meters (litres per
// pulse), zone flows, and everything that takes the water away in the middle of a dose (a
// dead pump, a dead meter, a clog, an empty tank, a person stopping it). The week-long
// scenarios of properties.test.ts check the injector against the pump and valves; this one
// checks it against the pulses the core actually received.
import fc from "fast-check"
import { describe, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { CoreConfig, StepOutput } from "../../firmware/core/types"
import { config, vnTime } from "./fixtures"

const MON_0600 = vnTime(2026, 11, 23, 6, 0)

interface Trouble {
    at: number
    kind: "pumpDies" | "meterDies" | "meterBack" | "clog" | "tankEmpty" | "stopAll" | "dose"
    zone: number
}

const troubleArb = fc.record({
    at: fc.integer({ min: 0, max: 2400 }),
    kind: fc.constantFrom("pumpDies", "meterDies", "meterBack", "clog", "tankEmpty", "stopAll", "dose") as fc.Arbitrary<Trouble["kind"]>,
    zone: fc.integer({ min: 0, max: 2 }),
})

const caseArb = fc.record({
    mlPerPulse: fc.constantFrom(100, 500, 1000, 2500, 10000),
    lpm: fc.array(fc.integer({ min: 1, max: 150 }), { minLength: 3, maxLength: 3 }),
    troubles: fc.array(troubleArb, { maxLength: 6 }),
    prewetS: fc.integer({ min: 0, max: 200 }),
})

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never

function cfgOf(c: Case): CoreConfig {
    return config({
        flow: { present: true, mlPerPulse: c.mlPerPulse, settleS: 60, windowS: 30, highPct: 30, lowPct: 20, noFlowS: 20, minFlowMlPerMin: 2000, leakMlPerMin: 1000, learnRuns: 3, lowFlowStops: false },
        injector: { present: true, mlPerMin: 600, minFlushS: 300, minPrewetS: 0 },
    })
}

/** "" if the injector only ran on flow the meter confirmed, else what went wrong. */
function run(c: Case): string {
    const cfg = cfgOf(c)
    const ctl = new Controller(cfg)
    ctl.restore({})
    const dose = { product: 1, byVolume: false, amount: 300, prewetS: c.prewetS, flushS: 300, phiDays: 0 }
    ctl.command({ k: "run", zone: 0, seconds: 1200, dose }, "keypad")
    const lpm = c.lpm.slice()
    let pumpOk = true
    let meterOk = true
    let tankOk = true
    let litres = 0
    let pulses = 0
    const pulseAt: number[] = []
    let last: StepOutput | null = null
    let pumpSince = -1
    for (let t = 0; t < 3000; t++) {
        for (const tr of c.troubles) {
            if (tr.at !== t) continue
            if (tr.kind === "pumpDies") pumpOk = false
            else if (tr.kind === "meterDies") meterOk = false
            else if (tr.kind === "meterBack") meterOk = true
            else if (tr.kind === "clog") lpm[tr.zone] = Math.floor(lpm[tr.zone] / 4)
            else if (tr.kind === "tankEmpty") tankOk = false
            else if (tr.kind === "stopAll") ctl.command({ k: "stopAll" }, "keypad")
            else ctl.command({ k: "run", zone: tr.zone, seconds: 1200, dose }, "remote")
        }
        if (last !== null && last.pump && pumpOk) {
            let q = 0
            last.valves.forEach((on, z) => (q += on ? lpm[z] : 0))
            litres += q / 60
        }
        const counted = Math.floor((litres * 1000) / c.mlPerPulse)
        if (meterOk && counted > pulses) {
            pulses = counted
            pulseAt.push(t)
        } else if (!meterOk) litres = (pulses * c.mlPerPulse) / 1000
        const out = ctl.step({ monoS: t, wallS: MON_0600 + t, soil: [250, 250, 250], flowPulses: pulses, tankOk })
        if (out.pump && (last === null || !last.pump)) pumpSince = t
        if (out.injector) {
            // Confirmed flow: the pulses of the last window (or since the pump started, if
            // later; the meter needs 10 s) give at least the no-flow threshold, and the latest
            // came within three pulse intervals (at least 3 s).
            const span = Math.min(cfg.flow!.windowS, t - pumpSince)
            if (pumpSince < 0 || span < 10) return `t=${t}: injector on ${span} s after the pump started`
            const inWindow = pulseAt.filter((p) => p > t - span).length
            const rate = (inWindow * c.mlPerPulse * 60) / span
            const lastPulse = pulseAt.length > 0 ? pulseAt[pulseAt.length - 1] : -Infinity
            const gap = Math.max(3, rate > 0 ? (3 * c.mlPerPulse * 60) / rate : Infinity)
            // Two pulses of slack at the window's edges (the core's window is sample-aligned).
            const slack = (2 * c.mlPerPulse * 60) / span
            if (rate + slack < cfg.flow!.minFlowMlPerMin) return `t=${t}: injector on at ${rate} mL/min over the last ${cfg.flow!.windowS} s`
            if (t - lastPulse > gap + 1) return `t=${t}: injector on ${t - lastPulse} s after the last pulse (gap ${gap})`
            if (!tankOk) return `t=${t}: injector on with the tank empty`
        }
        last = out
    }
    return ""
}

describe("dosing against the flow meter", () => {
    it("never injects without flow confirmed by the meter's pulses (never on an empty tank either)", () => {
        fc.assert(fc.property(caseArb, (c) => {
            const why = run(c)
            if (why !== "") throw new Error(why)
        }), { numRuns: 300 })
    })
})
