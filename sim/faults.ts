// Faults the simulator can inject at given times: what breaks on a drip farm and what the
// box's flow meter and tank switch must reveal. Each fault acts on the hydraulic model's fault
// state (sim/hydraulics.ts) or on the instruments (sim/meter.ts):
//
//   clog          emitters of a zone lose passage capacity progressively, from 0 at `atS` to
//                 `severity` after `rampS` (sediment, algae, precipitated fertiliser), on a
//                 share `clogShare` of the zone's emitters; the capacity steps up every CLOG_STEP_S
//   zoneBurst     a lateral or submain of a zone splits: a hole of `severity` mm²
//   mainBurst     the main line splits: a hole of `severity` mm²
//   stuckOpen     a zone's solenoid no longer closes (debris under the diaphragm)
//   stuckClosed   a zone's solenoid no longer opens (burnt coil, cut wire)
//   pumpFailure   the pump stops pumping: severity 0 = the motor fails (tripped, seized),
//                 1 = the intake runs dry (pond or well drawn down)
//   emptyTank     the product tank runs low: `severity` litres left above the float switch
//                 (a few minutes of injection at most), so the next dose empties it
//   meterFailure  the flow meter stops counting (cable cut, impeller jammed)

import { Faults } from "./hydraulics"
import { ProductTank, PulseMeter, TANK_SWITCH_L } from "./meter"

export const FAULT_TYPES = ["zoneBurst", "mainBurst", "clog", "stuckOpen", "stuckClosed", "pumpFailure", "emptyTank", "meterFailure"] as const
export type FaultType = (typeof FAULT_TYPES)[number]

export interface FaultEvent {
    type: FaultType
    /** Seconds since the start of the run. */
    atS: number
    /** Zone index for zone faults, else -1. */
    zone: number
    /** Meaning per type (see above). */
    severity: number
    /** clog: seconds to reach full severity (0 = at once). */
    rampS?: number
    /** clog: share of the zone's emitters affected, 0..1 (default 1). */
    clogShare?: number
}

/** How often a progressive clog gets worse, seconds (a step a day keeps solves few). */
export const CLOG_STEP_S = 6 * 3600

/** What the faults act on. */
export interface FaultTarget {
    faults: Faults
    meter: PulseMeter | null
    tank: ProductTank | null
}

export class FaultSchedule {
    readonly events: FaultEvent[]
    /** Earliest time at which the fault state changes next (Infinity = never). */
    nextAtS: number
    private readonly applied = new Set<FaultEvent>()

    constructor(events: FaultEvent[]) {
        this.events = [...events].sort((a, b) => a.atS - b.atS)
        this.nextAtS = this.events.length > 0 ? this.events[0].atS : Infinity
    }

    /** Brings the fault state to time t; true when something changed (re-solve the hydraulics,
     *  watch closely). */
    apply(t: number, target: FaultTarget): boolean {
        if (t < this.nextAtS) return false
        let changed = false
        let next = Infinity
        for (const e of this.events) {
            if (e.atS > t) {
                next = Math.min(next, e.atS)
                continue
            }
            if (e.type === "clog") {
                const ramp = e.rampS ?? 0
                const steps = ramp > 0 ? Math.ceil(ramp / CLOG_STEP_S) : 0
                const done = ramp > 0 ? Math.min(steps, Math.floor((t - e.atS) / CLOG_STEP_S) + 1) : 1
                const level = ramp > 0 ? (e.severity * done) / steps : e.severity
                const z = target.faults.zones[e.zone]
                if (z.clog !== level || z.clogShare !== (e.clogShare ?? 1)) {
                    z.clog = level
                    z.clogShare = e.clogShare ?? 1
                    changed = true
                }
                if (ramp > 0 && done < steps) next = Math.min(next, e.atS + done * CLOG_STEP_S)
                continue
            }
            // One-off faults act once, when their time comes.
            if (this.applied.has(e)) continue
            this.applied.add(e)
            changed = applyOnce(e, target) || changed
        }
        this.nextAtS = next
        return changed
    }
}

function applyOnce(e: FaultEvent, target: FaultTarget): boolean {
    const f = target.faults
    switch (e.type) {
        case "zoneBurst":
            f.zones[e.zone].burstMm2 = e.severity
            return true
        case "mainBurst":
            f.mainBurstMm2 = e.severity
            return true
        case "stuckOpen":
            f.zones[e.zone].valve = "stuckOpen"
            return true
        case "stuckClosed":
            f.zones[e.zone].valve = "stuckClosed"
            return true
        case "pumpFailure":
            f.pump = e.severity >= 1 ? "dryWell" : "failed"
            return true
        case "meterFailure":
            if (target.meter !== null) target.meter.dead = true
            return true
        case "emptyTank":
            if (target.tank !== null) target.tank.levelL = Math.min(target.tank.levelL, TANK_SWITCH_L + e.severity)
            return true
        case "clog":
            return false
    }
}
