import { describe, expect, it } from "vitest"
import fc from "fast-check"
import {
    BAR_PER_M,
    Commands,
    compensatingEmitter,
    defaultMainLossK,
    defaultPump,
    EmitterSpec,
    Faults,
    frictionLossM,
    hazenWilliamsK,
    HydraulicModel,
    NetworkSpec,
    noFaults,
    OperatingPoint,
    pepperZone,
    turbulentEmitter,
    ValveFault,
    ZoneFault,
    zonePlan,
    ZoneSpec,
} from "../../sim/hydraulics"

// A mixed farm: flat turbulent and compensating pepper blocks, a laminar (microtube) block,
// a compensating block uphill and a turbulent block downhill.
const laminar: EmitterSpec = { nominalLph: 3, nominalHeadM: 10, exponent: 1, activationHeadM: 0 }
const farmZones: ZoneSpec[] = [
    pepperZone(200, turbulentEmitter(4), 0),
    pepperZone(200, compensatingEmitter(4), 0),
    pepperZone(120, laminar, 0),
    pepperZone(150, compensatingEmitter(2.2), 3),
    pepperZone(150, turbulentEmitter(2.2), -2),
]
const farm: NetworkSpec = { pump: defaultPump(), mainLossK: defaultMainLossK(), masterValve: true, zones: farmZones }
const N = farmZones.length
const model = new HydraulicModel(farm)

function command(open: boolean[], pumpOn = true, masterOpen = true): Commands {
    return { pumpOn, masterOpen, zonesOpen: open }
}

function sum(xs: readonly number[]): number {
    return xs.reduce((a, b) => a + b, 0)
}

function alone(zone: number): boolean[] {
    return farmZones.map((_, i) => i === zone)
}

const fraction = fc.double({ min: 0, max: 1, noNaN: true })
const valveFault = fc.constantFrom<ValveFault>("none", "none", "stuckOpen", "stuckClosed")
const burstArea = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 60, noNaN: true }))
const zoneFault = fc.record<ZoneFault>({ clog: fraction, clogShare: fraction, valve: valveFault, burstMm2: burstArea })
const anyFaults = fc.record<Faults>({
    pump: fc.constantFrom("none", "none", "none", "failed", "dryWell"),
    master: valveFault,
    mainBurstMm2: burstArea,
    zones: fc.array(zoneFault, { minLength: N, maxLength: N }),
})
/** Clogging only: every valve and the pump work, nothing bursts. */
const cloggedOnly = fc.array(fc.record<ZoneFault>({ clog: fraction, clogShare: fraction, valve: fc.constant("none"), burstMm2: fc.constant(0) }), {
    minLength: N,
    maxLength: N,
})
const openSet = fc.array(fc.boolean(), { minLength: N, maxLength: N })
const anyCommand = fc.record<Commands>({ pumpOn: fc.boolean(), masterOpen: fc.boolean(), zonesOpen: openSet })

function healthy(zones: ZoneFault[]): Faults {
    return { pump: "none", master: "none", mainBurstMm2: 0, zones }
}

describe("hydraulics: invariants", () => {
    it("mass balance: pump flow = sum of zone flows + burst flow, for any valves and faults", () => {
        fc.assert(
            fc.property(anyCommand, anyFaults, (cmd, faults) => {
                const op = model.solve(cmd, faults)
                expect(Math.abs(op.pumpFlowLph - sum(op.zoneFlowsLph) - op.burstFlowLph)).toBeLessThan(1e-4)
                expect(op.pumpFlowLph).toBeGreaterThanOrEqual(0)
                for (const q of op.zoneFlowsLph) expect(q).toBeGreaterThanOrEqual(0)
            }),
            { numRuns: 400 },
        )
    })

    it("monotonicity: opening one more zone never raises the manifold or any open zone's pressure", () => {
        fc.assert(
            fc.property(openSet, fc.nat(N - 1), anyFaults, (open, extra, faults) => {
                const before = model.solve(command(open), faults)
                const more = open.slice()
                more[extra] = true
                const after = model.solve(command(more), faults)
                expect(after.mainPressureBar).toBeLessThanOrEqual(before.mainPressureBar + 1e-9)
                expect(after.pumpFlowLph).toBeGreaterThanOrEqual(before.pumpFlowLph - 1e-6)
                for (let i = 0; i < N; i++) {
                    if (open[i]) expect(after.zonePressureBar[i]).toBeLessThanOrEqual(before.zonePressureBar[i] + 1e-9)
                }
            }),
            { numRuns: 300 },
        )
    })

    it("burst: a hole on the main or on an open zone raises pump flow and lowers pressure", () => {
        fc.assert(
            fc.property(openSet, cloggedOnly, fc.nat(N), fc.double({ min: 1, max: 60, noNaN: true }), (open, zones, where, area) => {
                const base = model.solve(command(open), healthy(zones))
                const burst = healthy(zones.map((z) => ({ ...z })))
                // where === N puts the hole on the main line; otherwise on zone `where`, opened.
                const cmdOpen = open.slice()
                if (where === N) burst.mainBurstMm2 = area
                else if (!open[where]) return
                else burst.zones[where].burstMm2 = area
                const op = model.solve(command(cmdOpen), burst)
                expect(op.burstFlowLph).toBeGreaterThan(0)
                expect(op.pumpFlowLph).toBeGreaterThan(base.pumpFlowLph)
                expect(op.mainPressureBar).toBeLessThan(base.mainPressureBar)
                for (let i = 0; i < N; i++) expect(op.zoneFlowsLph[i]).toBeLessThanOrEqual(base.zoneFlowsLph[i] + 1e-6)
            }),
            { numRuns: 300 },
        )
    })

    it("no path: no open zone and no burst means zero flow, whatever else is wrong", () => {
        const noStuckOpen = fc.constantFrom<ValveFault>("none", "stuckClosed")
        const closedFaults = fc.record<Faults>({
            pump: fc.constantFrom("none", "failed", "dryWell"),
            master: noStuckOpen,
            mainBurstMm2: fc.constant(0),
            zones: fc.array(fc.record<ZoneFault>({ clog: fraction, clogShare: fraction, valve: noStuckOpen, burstMm2: fc.constant(0) }), {
                minLength: N,
                maxLength: N,
            }),
        })
        fc.assert(
            fc.property(fc.boolean(), fc.boolean(), closedFaults, (pumpOn, masterOpen, faults) => {
                const op = model.solve(command(new Array(N).fill(false), pumpOn, masterOpen), faults)
                expect(op.pumpFlowLph).toBe(0)
                expect(op.burstFlowLph).toBe(0)
                expect(op.zoneFlowsLph.every((q) => q === 0)).toBe(true)
            }),
        )
    })
})

describe("hydraulics: emitters and clogging", () => {
    const clean = noFaults(N)
    function flowWith(zone: number, fault: Partial<ZoneFault>): number {
        const faults = noFaults(N)
        faults.zones[zone] = { ...faults.zones[zone], ...fault }
        return model.solve(command(alone(zone)), faults).zoneFlowsLph[zone]
    }

    it("turbulent clog: losing 25 % of emitter capacity lowers zone flow by 25 % at steady pressure", () => {
        // A stiff supply (huge, flat pump; no pipe losses) holds the emitters' pressure.
        const stiff = new HydraulicModel({
            pump: { ...defaultPump(), shutoffHeadM: 10, maxFlowLph: 1e7, bestFlowLph: 6e6, staticLiftM: 0 },
            mainLossK: 0,
            masterValve: false,
            zones: [{ emitters: 400, emitter: turbulentEmitter(4), elevationM: 0, lossK: 0, areaM2: 3600 }],
        })
        const q0 = stiff.solve(command([true]), noFaults(1)).zoneFlowsLph[0]
        // Every emitter 25 % clogged, or a quarter of them fully blocked: the same loss for x = 0.5.
        for (const fault of [{ clog: 0.25 }, { clog: 1, clogShare: 0.25 }]) {
            const faults = noFaults(1)
            faults.zones[0] = { ...faults.zones[0], ...fault }
            expect(stiff.solve(command([true]), faults).zoneFlowsLph[0] / q0).toBeCloseTo(0.75, 3)
        }
    })

    it("turbulent clog on the farm: the loss is partly offset as pressure rises on the pump curve", () => {
        const base = model.solve(command(alone(0)), clean)
        const faults = noFaults(N)
        faults.zones[0].clog = 0.25
        const op = model.solve(command(alone(0)), faults)
        const ratio = op.zoneFlowsLph[0] / base.zoneFlowsLph[0]
        expect(op.zonePressureBar[0]).toBeGreaterThan(base.zonePressureBar[0])
        expect(ratio).toBeGreaterThan(0.75)
        expect(ratio).toBeLessThan(0.82)
        // The pressure rise explains the rest: q ∝ (1 − clog)·√H.
        expect(ratio).toBeCloseTo(0.75 * Math.sqrt(op.zonePressureBar[0] / base.zonePressureBar[0]), 6)
    })

    it("compensating clog: hidden while partial, visible when heavy; blocked emitters are not made up", () => {
        const q0 = model.solve(command(alone(1)), clean).zoneFlowsLph[1]
        expect(flowWith(1, { clog: 0.25 }) / q0).toBeGreaterThan(0.99)
        expect(flowWith(1, { clog: 0.7 }) / q0).toBeLessThan(0.7)
        // A quarter of the emitters blocked: the others still compensate to nominal, no more.
        const ratio = flowWith(1, { clog: 1, clogShare: 0.25 }) / q0
        expect(ratio).toBeGreaterThan(0.74)
        expect(ratio).toBeLessThan(0.76)
    })

    it("compensation: PC flow stays within 3 % of nominal across 0.5-1.5 bar; turbulent does not", () => {
        // One flat zone without pipe losses; the static lift sets its pressure.
        const zone = (emitter: EmitterSpec): ZoneSpec => ({ emitters: 100, emitter, elevationM: 0, lossK: 0, areaM2: 500 })
        const sweep = (emitter: EmitterSpec) => {
            const points: { bar: number; ratio: number }[] = []
            for (let lift = 26; lift <= 41; lift += 0.5) {
                const net: NetworkSpec = { pump: { ...defaultPump(), staticLiftM: lift }, mainLossK: 0, masterValve: false, zones: [zone(emitter)] }
                const op = new HydraulicModel(net).solve(command([true]), noFaults(1))
                points.push({ bar: op.zonePressureBar[0], ratio: op.zoneFlowsLph[0] / (100 * emitter.nominalLph) })
            }
            return points.filter((p) => p.bar >= 0.5 && p.bar <= 1.5)
        }
        const pc = sweep(compensatingEmitter(4))
        expect(Math.min(...pc.map((p) => p.bar))).toBeLessThan(0.6)
        expect(Math.max(...pc.map((p) => p.bar))).toBeGreaterThan(1.4)
        for (const p of pc) expect(Math.abs(p.ratio - 1)).toBeLessThan(0.03)
        const tu = sweep(turbulentEmitter(4)).map((p) => p.ratio)
        expect(Math.max(...tu) / Math.min(...tu)).toBeGreaterThan(1.5)
    })

    it("PC below activation: flow falls off like an orifice", () => {
        const net: NetworkSpec = {
            pump: { ...defaultPump(), staticLiftM: 0 },
            mainLossK: 0,
            masterValve: false,
            // 43 m above the manifold leaves about 2 m for a PC emitter that activates at 5 m.
            zones: [{ emitters: 10, emitter: compensatingEmitter(4), elevationM: 43, lossK: 0, areaM2: 50 }],
        }
        const op = new HydraulicModel(net).solve(command([true]), noFaults(1))
        const headM = op.zonePressureBar[0] / BAR_PER_M
        expect(headM).toBeLessThan(5)
        const expected = 10 * 4 * Math.pow(5 / 10, 0.02) * Math.sqrt(headM / 5)
        expect(op.zoneFlowsLph[0]).toBeCloseTo(expected, 6)
    })
})

describe("hydraulics: valve and pump faults", () => {
    it("a zone valve stuck closed gives no water; stuck open waters without a command", () => {
        const faults = noFaults(N)
        faults.zones[0].valve = "stuckClosed"
        faults.zones[2].valve = "stuckOpen"
        const op = model.solve(command(alone(0)), faults)
        expect(op.zoneFlowsLph[0]).toBe(0)
        expect(op.zoneFlowsLph[2]).toBeGreaterThan(0)
    })

    it("a closed master valve isolates a main-line burst; a stuck-open one does not", () => {
        const faults = noFaults(N)
        faults.mainBurstMm2 = 20
        const closed = model.solve(command(new Array(N).fill(false), true, false), faults)
        expect(closed.pumpFlowLph).toBe(0)
        faults.master = "stuckOpen"
        const stuck = model.solve(command(new Array(N).fill(false), true, false), faults)
        expect(stuck.burstFlowLph).toBeGreaterThan(0)
        expect(stuck.pumpFlowLph).toBeCloseTo(stuck.burstFlowLph, 4)
    })

    it("pump failed: no head, no flow, no power; dry well: no flow but some power", () => {
        const all = new Array(N).fill(true)
        const failed = { ...noFaults(N), pump: "failed" as const }
        const dry = { ...noFaults(N), pump: "dryWell" as const }
        const deadhead = model.solve(command(all, true, false), noFaults(N))
        const f = model.solve(command(all), failed)
        expect([f.pumpFlowLph, f.pumpHeadM, f.pumpPowerW, f.mainPressureBar]).toEqual([0, 0, 0, 0])
        const d = model.solve(command(all), dry)
        expect(d.pumpFlowLph).toBe(0)
        expect(d.pumpPowerW).toBeGreaterThan(0)
        expect(d.pumpPowerW).toBeLessThan(deadhead.pumpPowerW)
    })

    it("pump off: nothing flows and nothing is drawn", () => {
        const op = model.solve(command(new Array(N).fill(true), false), noFaults(N))
        expect(op.pumpFlowLph).toBe(0)
        expect(op.pumpPowerW).toBe(0)
    })
})

describe("hydraulics: reference numbers checked by hand", () => {
    // Pump H = 40 − 1.6e-6·Q² (Q in L/h), 10 m lift, no friction; 400 turbulent 4 L/h emitters
    // rated at 10 m, so Q = 1600·√(H/10) at manifold head H. Substituting: Q² = 256 000·H and
    // H = 30 − 0.4096·H, so H = 30 / 1.4096 = 21.2826 m and Q = 1600·√2.12826 = 2334.17 L/h.
    const pump = { shutoffHeadM: 40, maxFlowLph: 5000, bestEfficiency: 0.5, bestFlowLph: 3000, staticLiftM: 10, dryRunPowerFraction: 0.5 }
    const refZone: ZoneSpec = { emitters: 400, emitter: turbulentEmitter(4), elevationM: 0, lossK: 0, areaM2: 3600 }
    const ref = new HydraulicModel({ pump, mainLossK: 0, masterValve: false, zones: [refZone] })

    it("operating point of the reference zone", () => {
        const op = ref.solve(command([true]), noFaults(1))
        expect(op.pumpFlowLph).toBeCloseTo(2334.171, 2)
        expect(op.zoneFlowsLph[0]).toBeCloseTo(2334.171, 2)
        expect(op.pumpHeadM).toBeCloseTo(31.2826, 3)
        // 21.2826 m × 0.0981 bar/m
        expect(op.zonePressureBar[0]).toBeCloseTo(2.08783, 4)
        // η = 0.5·r·(2 − r), r = 2334.17/3000; P = 9810·31.2826·(3000/3.6e6) / (0.5·(2 − r)) = 418.57 W
        expect(op.pumpPowerW).toBeCloseTo(418.57, 1)
    })

    it("shut-off: head H0, manifold at H0 − lift, power ρ·g·H0·Qbest/(2ηb) = 327 W", () => {
        const op = ref.solve(command([false]), noFaults(1))
        expect(op.pumpHeadM).toBe(40)
        expect(op.mainPressureBar).toBeCloseTo(30 * 0.0981, 6)
        expect(op.pumpPowerW).toBeCloseTo(327, 6)
    })

    it("main-line burst alone: 10 mm² hole, Q = 0.6·10e-6·√(2g·H)·3.6e6 → H = 29.567 m, Q = 520.24 L/h", () => {
        const faults = noFaults(1)
        faults.mainBurstMm2 = 10
        const op = ref.solve(command([false]), faults)
        expect(op.burstFlowLph).toBeCloseTo(520.243, 2)
        expect(op.mainPressureBar).toBeCloseTo(29.567 * 0.0981, 3)
    })

    it("Hazen-Williams: 100 m of 50 mm pipe, C = 150, at 2 L/s loses 2.168 m", () => {
        // 10.67·100·0.002^1.852 / (150^1.852·0.05^4.8704)
        expect(frictionLossM(hazenWilliamsK(100, 50, 150), 7200)).toBeCloseTo(2.1681, 3)
    })

    it("zone plan: 5 mm on 3600 m² is 18 000 L; at 2334 L/h that takes ⌈27 763.5⌉ s", () => {
        expect(zonePlan(ref, 0, 5)).toEqual({ nominalFlowLph: 2334, volumeL: 18000, runS: 27764 })
    })

    it("zone plan refuses a zone the pump cannot reach", () => {
        const high = new HydraulicModel({ pump, mainLossK: 0, masterValve: false, zones: [{ ...refZone, elevationM: 35 }] })
        expect(() => zonePlan(high, 0, 5)).toThrow(RangeError)
    })
})

describe("hydraulics: cache and inputs", () => {
    it("cache: the same state returns the same frozen result; later spec edits have no effect", () => {
        const net = structuredClone(farm)
        const m = new HydraulicModel(net)
        const a: OperatingPoint = m.solve(command(alone(0)), noFaults(N))
        net.zones[0].emitters = 1
        const b = m.solve(command(alone(0)), noFaults(N))
        expect(b).toBe(a)
        expect(Object.isFrozen(b) && Object.isFrozen(b.zoneFlowsLph)).toBe(true)
        expect(m.solve(command(alone(1)), noFaults(N))).not.toBe(a)
    })

    it("validation: bad specs and states are refused", () => {
        expect(() => new HydraulicModel({ ...farm, pump: { ...defaultPump(), bestFlowLph: 1000 } })).toThrow(RangeError)
        expect(() => model.solve(command([true]), noFaults(N))).toThrow(RangeError)
        const bad = noFaults(N)
        bad.zones[0].clog = 1.5
        expect(() => model.solve(command(alone(0)), bad)).toThrow(RangeError)
    })
})
