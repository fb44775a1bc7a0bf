// A job is water owed to one zone: a scheduled program's share, a manual run, or a run-once.
// Jobs wait in a queue until the hydraulic limit, the tariff and cycle-and-soak let them run.

import { DoseState } from "./dosing"
import { Cause } from "./types"

export interface Job {
    id: number
    zone: number
    /** Seconds of water planned when queued. */
    totalS: number
    /** Seconds of water still owed. */
    remainingS: number
    /** Seconds left in the current cycle while running. */
    segLeftS: number
    wateredS: number
    cause: Cause
    /** Program id, 0 for a manual run. */
    program: number
    cycleS: number
    soakS: number
    /** A person forced this run through a peak window. */
    force: boolean
    /** Manual runs go first and may preempt scheduled ones. */
    priority: boolean
    running: boolean
    /** Stopped for good: removed once its valve has closed. */
    cancelled: boolean
    /** Monotonic time before which it may not (re)start: soak. */
    notBefore: number
    /** A deferral event was already written for this wait. */
    deferNoted: boolean
    /** Fertigation of this run, or null. */
    dose: DoseState | null
}

/** Length of the next cycle: the rest, a cycle-and-soak cycle, or the safety segment cap. */
export function nextSegment(job: Job, segCapS: number): number {
    let s = job.remainingS
    if (job.cycleS > 0 && job.cycleS < s) s = job.cycleS
    if (segCapS < s) s = segCapS
    return s
}
