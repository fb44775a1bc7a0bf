// Safety properties of the control core over random week-long scenarios: random
// installations, programs, keypad/remote commands, sensor faults, clock jumps and power cuts.
// Each property names the invariant it protects. One simulation per generated scenario is
// judged for every invariant and memoised, so the six properties share the cost.
import fc from "fast-check"
import { describe, expect, it, vi } from "vitest"
import { runScenario, Scenario, scenarioArb, Verdicts, WEEK_S } from "./scenario"

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000)
// The first property simulates all the weeks (the rest reuse them): about 100 s on an idle
// core, more when CI shares the machine. A generous limit, not a speed target.
vi.setConfig({ testTimeout: 900_000 })
const SEED = Number(process.env.PROPERTY_SEED ?? 20261123)
const cache = new Map<string, Verdicts>()

function verdicts(sc: Scenario): Verdicts {
    const key = JSON.stringify(sc)
    let v = cache.get(key)
    if (!v) {
        v = runScenario(sc)
        cache.set(key, v)
    }
    return v
}

function holds(invariant: keyof Verdicts) {
    fc.assert(
        fc.property(scenarioArb, sc => {
            const v = verdicts(sc)
            if (v.simulatedS < WEEK_S) throw new Error("scenario shorter than a week")
            if (v[invariant] !== "") throw new Error(String(v[invariant]))
        }),
        { numRuns: RUNS, seed: SEED },
    )
}

describe(`control core safety over ${RUNS} random weeks`, () => {
    it("the injector runs only with the pump on and a valve open, and stops within seconds of the water stopping", () => holds("injectionWithFlow"))
    it("every injection is followed by a clean-water flush of at least the minimum, unless a flow fault or power cut prevents it", () => holds("flushAfterInjection"))
    it("a zone locked out after a burst never opens until a person acknowledges the alarm", () => holds("lockedStaysShut"))
    it("the controller never meets an impossible state (its own checks never force the safe state)", () => holds("safeState"))
    it("no valve stays open longer than its zone's maximum run time", () => holds("maxRun"))
    it("the pump runs only while a valve is open (after opening + start delay), and stops the lead time before the last valve closes", () => holds("pumpWithValve"))
    it("never more zones (or more nominal flow) open at once than the hydraulic limit", () => holds("hydraulicLimit"))
    it("no pump time inside a configured peak window unless a person forced the run", () => holds("peak"))
    it("every opened valve is closed, and the pump off, after stop-all and the close sequence", () => holds("allClosed"))
    it("the persisted flash image reloads to equal programs, settings and fired starts", () => holds("reload"))

    it("the scenarios exercise the controller (valves open, the pump runs)", () => {
        const all = [...cache.values()]
        expect(all.length).toBeGreaterThanOrEqual(RUNS)
        const watered = all.filter(v => v.valveOpenings > 0).length
        const pumped = all.filter(v => v.pumpOnS > 0).length
        expect(watered / all.length).toBeGreaterThan(0.8)
        expect(pumped / all.length).toBeGreaterThan(0.6)
    })
})
