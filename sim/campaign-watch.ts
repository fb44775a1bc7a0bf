// Watches one campaign season from outside the controller: what the fault does to the water
// (from the hydraulic model and the instruments, never from the core's own view) and when the
// core reacts (its events). Wraps the controller strategy, so it sees every step.
//
// An "episode" is a stretch of steps during which the fault shows in the water: burst water
// flows, a stuck valve passes water it should not, the pump runs with nothing through the meter,
// the injector runs on an empty tank, or clogging takes at least CLOG_TARGET of the flow the
// meter should see. A flow meter can only judge a steady state, so an episode's reference
// time is the first moment in it at which the commanded valves and pump have been unchanged
// for the profile's settleS; episodes that end before that are not judged (the core may not
// act on them), though their water still counts.

import { CoreEvent, StepOutput } from "../firmware/core/types"
import { FarmSim, SimAlarm, Strategy, StrategyOutput } from "./farm-sim"
import { FaultEvent } from "./faults"
import { Commands, noFaults } from "./hydraulics"
import { ControllerStrategy, ControllerTuning, DEFAULT_TUNING } from "./strategies/controller"

/** Flow loss (as the meter sees it) from which a clog must be reported on that run. */
export const CLOG_TARGET = 0.25

/** Core events that are alarms about water: any of these in a fault-free season is false. */
export const FLOW_ALARM_KINDS = ["flowHigh", "flowLow", "flowNone", "flowLeak"]
export const FLOW_ALARM_REASONS = ["burst", "clog", "no_flow", "leak", "tank_empty"]

export function isFlowAlarm(e: CoreEvent): boolean {
    return FLOW_ALARM_KINDS.includes(e.kind) || (e.kind === "alarm" && FLOW_ALARM_REASONS.includes(e.reason))
}

export interface Episode {
    startS: number
    /** First step at which the state had been steady for settleS (-1: never). */
    settledS: number
    endS: number
    /** Clog: largest meter-visible flow loss in the episode, 0..1. */
    loss: number
}

export class SeasonWatch implements Strategy {
    readonly name = "controller"
    readonly inner: ControllerStrategy
    sim: FarmSim | null = null
    /** Flow alarms of the core: [time, "kind reason zone"]. */
    readonly alarmsSeen: { t: number; what: string; zone: number }[] = []
    readonly episodes: Episode[] = []
    /** Water that left where it should not (burst holes, valves that should be shut), litres. */
    lostL = 0
    /** Most zone-level flow loss a clog reached, 0..1 (the zone's own emitters). */
    zoneLoss = 0
    private open: Episode | null = null
    private prevT = 0
    private wasInjecting = false
    private stateKey = ""
    private stableSinceS = 0
    private readonly settleS: number

    /** @param tuning the controller's (commissioning runs without the planner: see campaign.ts) */
    constructor(readonly fault: FaultEvent | null, settleS: number, tuning: ControllerTuning = DEFAULT_TUNING) {
        this.settleS = settleS
        this.inner = new ControllerStrategy(tuning)
    }

    get rules(): string {
        return this.inner.rules
    }

    get core() {
        return this.inner.core
    }

    start(sim: FarmSim): void {
        this.sim = sim
        this.inner.start(sim)
    }

    alarms(): SimAlarm[] {
        return this.inner.alarms()
    }

    /** Idle time the simulation may skip (the core's own wake-up, see core-driver.ts). */
    idleUntil(t: number): number | undefined {
        return this.inner.idleUntil(t)
    }

    tick(t: number): StrategyOutput {
        const sim = this.sim!
        const dt = t - this.prevT
        this.prevT = t
        // Water of the interval just ended, in the state that held during it.
        if (dt > 0) this.lostL += (this.wastedLph(sim.operatingPoint.burstFlowLph, sim.valves) * dt) / 3600
        this.wasInjecting = sim.injectorOn
        const out = this.inner.tick(t) as StepOutput
        for (const e of out.events) if (isFlowAlarm(e)) this.alarmsSeen.push({ t, what: `${e.kind} ${e.reason}`, zone: e.zone })
        const key = `${out.pump ? 1 : 0}${out.master ? 1 : 0}${out.valves.map((v) => (v ? 1 : 0)).join("")}`
        if (key !== this.stateKey) {
            this.stateKey = key
            this.stableSinceS = t
        }
        this.track(t, out)
        return out
    }

    /** Burst water plus any flow through a zone whose valve is commanded shut. */
    private wastedLph(burstLph: number, valves: readonly boolean[]): number {
        const op = this.sim!.operatingPoint
        let w = burstLph
        for (let z = 0; z < valves.length; z++) if (!valves[z]) w += op.zoneFlowsLph[z]
        return w
    }

    /** Does the fault show in the water in the state `out` commands from t on? */
    private abnormal(out: StepOutput): number {
        const f = this.fault
        const sim = this.sim!
        if (f === null) return 0
        const cmd: Commands = { pumpOn: out.pump, masterOpen: out.master, zonesOpen: out.valves }
        const op = sim.model.solve(cmd, sim.faults)
        switch (f.type) {
            case "zoneBurst":
            case "mainBurst":
                return op.burstFlowLph > 0 ? 1 : 0
            case "stuckOpen":
                return !out.valves[f.zone] && op.zoneFlowsLph[f.zone] > 0 ? 1 : 0
            case "stuckClosed":
                return out.valves[f.zone] && out.pump && op.zoneFlowsLph[f.zone] === 0 ? 1 : 0
            case "pumpFailure":
                return out.pump && op.pumpFlowLph === 0 ? 1 : 0
            case "meterFailure":
                return out.pump && sim.meter !== null && sim.meter.dead && op.pumpFlowLph > 0 ? 1 : 0
            case "emptyTank":
                // The injector runs on a dry tank (see track() for the tank running dry).
                return out.injector && sim.tank !== null && !sim.tank.ok ? 1 : 0
            case "clog": {
                if (!out.pump || !out.valves[f.zone]) return 0
                const healthy = sim.model.solve(cmd, noFaults(sim.zoneCount))
                const zl = 1 - op.zoneFlowsLph[f.zone] / healthy.zoneFlowsLph[f.zone]
                if (zl > this.zoneLoss) this.zoneLoss = zl
                const loss = 1 - op.pumpFlowLph / healthy.pumpFlowLph
                return loss >= CLOG_TARGET ? loss : 0
            }
        }
    }

    private track(t: number, out: StepOutput): void {
        const a = this.abnormal(out)
        const tank = this.sim!.tank
        if (this.fault?.type === "emptyTank" && a === 0 && this.open === null && this.wasInjecting && tank !== null && !tank.ok) {
            // The tank ran dry while injecting and the injector stopped at this very step.
            this.episodes.push({ startS: t, settledS: t, endS: t, loss: 1 })
            return
        }
        // A new valve or pump state is a new run for the meter: episodes do not span states.
        if (this.open !== null && this.stableSinceS === t) {
            this.open.endS = t
            this.open = null
        }
        let ep = this.open
        if (a > 0 && ep === null) {
            ep = { startS: t, settledS: -1, endS: -1, loss: 0 }
            this.open = ep
            this.episodes.push(ep)
        } else if (a === 0 && ep !== null) {
            ep.endS = t
            this.open = null
            return
        }
        if (ep === null) return
        if (a > ep.loss) ep.loss = a
        if (ep.settledS < 0 && t - this.stableSinceS >= this.settleS) ep.settledS = t
    }

    /** Closes an episode still running when the season ends. */
    finish(t: number): void {
        if (this.open !== null) this.open.endS = t
        this.open = null
    }
}
