// The box's two water instruments as the simulator sees them: a pulse flow meter on the main
// line (after the pump) and the float switch of the injector's product tank. The control core
// gets both through StepInputs, flowPulses and tankOk, exactly as the firmware shell reads them.
//
// Meter: a reed-switch irrigation meter gives one pulse per `mlPerPulse` (the installation
// profile's flow.mlPerPulse, 1 L on the shipped profiles). What it counts is the pump's flow
// integrated over time, times a fixed registration error of the unit (class-2 meters read
// within about ±2 %), plus a slow wander of the flow itself (pressure at the pond, filter
// loading: about ±1 % over minutes). Pulses are whole: the core sees the count go up in steps,
// with a random starting phase. A failed meter stops counting.
//
// Tank: litres of product; the injector draws the profile's injector.mlPerMin while it is on.
// The float switch opens (tankOk false) once the level is at or below its switch level.

import { InjectorConfig } from "../firmware/core/dosing"
import { FlowConfig } from "../firmware/core/flow"
import { StepInputs } from "../firmware/core/types"
import { Rng } from "./random"

/** Registration error of the meter unit, as a fraction (assumed: class 2). */
export const METER_ERROR_MAX = 0.02
/** Largest slow wander of the flow, as a fraction. */
export const FLOW_WANDER_MAX = 0.01

export class PulseMeter {
    readonly litresPerPulse: number
    /** Fixed registration error of this unit: reads (1 + gainError) × the true volume. */
    gainError: number
    /** Counted pulses since boot (what StepInputs.flowPulses carries). */
    pulses = 0
    /** True volume through the meter, litres. */
    volumeL = 0
    /** A dead meter (cable cut, impeller jammed, reed switch broken) counts nothing. */
    dead = false
    private registeredL: number
    private lastT = 0
    private wander = 0
    private readonly rng: Rng

    constructor(cfg: FlowConfig, seed: number) {
        this.litresPerPulse = cfg.mlPerPulse / 1000
        this.rng = new Rng(seed ^ 0x5eed)
        this.gainError = (2 * this.rng.next() - 1) * METER_ERROR_MAX
        // Where the impeller stands at boot: part of a pulse already turned.
        this.registeredL = this.rng.next() * this.litresPerPulse
    }

    /** Water flowed at flowLph from the last call up to t (seconds); counts its pulses. */
    advance(t: number, flowLph: number): void {
        const dt = t - this.lastT
        if (dt <= 0) return
        this.lastT = t
        if (flowLph <= 0) return
        // Bounded first-order wander, one step per call (calls are 1 to 60 s apart).
        this.wander = Math.max(-FLOW_WANDER_MAX, Math.min(FLOW_WANDER_MAX, 0.9 * this.wander + 0.004 * (2 * this.rng.next() - 1)))
        const litres = (flowLph * (1 + this.wander) * dt) / 3600
        this.volumeL += litres
        if (this.dead) return
        this.registeredL += litres * (1 + this.gainError)
        this.pulses = Math.floor(this.registeredL / this.litresPerPulse)
    }
}

/** Assumed: a 200 L product tank with its float switch 2 L above the outlet. */
export const TANK_CAPACITY_L = 200
export const TANK_SWITCH_L = 2

export class ProductTank {
    levelL = TANK_CAPACITY_L
    private readonly mlPerMin: number

    constructor(inj: InjectorConfig) {
        this.mlPerMin = inj.mlPerMin
    }

    /** The injector ran (or not) for dt seconds. */
    draw(injectorOn: boolean, dt: number): void {
        if (injectorOn && dt > 0) this.levelL = Math.max(0, this.levelL - (this.mlPerMin * dt) / 60000)
    }

    get ok(): boolean {
        return this.levelL > TANK_SWITCH_L
    }
}

/** The meter and tank of a farm's installation profile (null where the profile has none). */
export function instrumentsFor(flow: FlowConfig | undefined, injector: InjectorConfig | undefined, seed: number): { meter: PulseMeter | null; tank: ProductTank | null } {
    const meter = flow !== undefined && flow.present ? new PulseMeter(flow, seed) : null
    const tank = meter !== null && injector !== undefined && injector.present ? new ProductTank(injector) : null
    return { meter, tank }
}

/**
 * Wires the instruments into the inputs a strategy running the real core hands to step():
 * the core driver keeps one StepInputs object (sim/strategies/core-driver.ts, field `inputs`)
 * and the readings become live properties of it, so every step() sees the current count and
 * float switch. Returns false when the strategy has no core (the baselines have no meter).
 */
export function wireInstruments(strategy: unknown, meter: PulseMeter | null, tank: ProductTank | null): boolean {
    const core = (strategy as { core?: { inputs?: StepInputs } | null }).core
    const inputs = core?.inputs
    if (inputs === undefined || inputs === null) return false
    if (meter !== null) Object.defineProperty(inputs, "flowPulses", { get: () => meter.pulses, enumerable: true, configurable: true })
    if (tank !== null) Object.defineProperty(inputs, "tankOk", { get: () => tank.ok, enumerable: true, configurable: true })
    return true
}
