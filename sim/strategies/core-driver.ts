// Runs the real control core (firmware/core) inside the simulator, the way the firmware shell
// does: restore from an empty flash, save the programs through commands, then step() every tick
// with the monotonic time, the wall clock and the probe readings. Alarms and a short event log
// are kept for the report and the live view.
//
// Ticks in which a step() provably changes nothing are skipped (skipIdle, on by default); the
// core is the same code and gets the same inputs at every step it takes, and
// test/sim/core-driver.test.ts checks that a run with skipping gives the same report as
// stepping every tick. Two cases:
//
// Idle: while the core has nothing to do (no job queued or running, every valve closed, pump
// and injector off, not paused, no event waiting) a step() can change nothing unless an input
// changes, a program start falls in the tick or a probe's reading grows old enough to count as
// stuck, so the driver steps only when a soil reading or the flow meter count changed, when the
// local minute is one of a program's start minutes, at a stuck-probe deadline, or when the flow
// supervisor has not yet seen a settled, unchanged count for its whole window.
//
// Busy (skipBusy): while valves run with no meter count to watch (no flow meter, or none wired),
// no stop request, dose, pause or fault, every change the core makes is due at a time known after
// a step: a valve finishing opening or closing, the pump's start delay, a run's or a cycle's
// remaining seconds reaching 0 (they fall by exactly the seconds elapsed, however many steps that
// takes), the max-run guard, a soak ending, a peak window's edges (runs split or deferred, the
// pump held, the window's cache renewed), a stuck-probe deadline, a program start. The driver
// steps at the first tick at or after the earliest of them (busyUntil), at any input change and
// after any command (a command leaves events, writes, a stop request or a new job list); in
// between, the core's outputs are those of its last step. The live view turns this off: it shows
// the core's status (remaining run times) between ticks.

import { toLocalSeconds } from "../../firmware/core/calendar"
import { Controller } from "../../firmware/core/controller"
import { nextSegment } from "../../firmware/core/jobs"
import { Cause, Command, CommandResult, CoreConfig, CoreEvent, Program, StepOutput, ValveState } from "../../firmware/core/types"
import { FarmSim, SimAlarm, TICK_S } from "../farm-sim"

/** Event kinds that a person should look at. */
const ALARM_KINDS = ["safeState", "maxRun", "sensorFault", "clockJump", "corrupt"]
/** Event kinds worth a line in the live view. */
const SHOWN_KINDS = ["valveOpen", "valveClose", "runSkipped", "runDeferred", "runSplit", "pumpOn", "pumpOff", "budget", ...ALARM_KINDS]
/** The same as sets: every event the core emits is looked up in both. */
const ALARM_SET = new Set(ALARM_KINDS)
const SHOWN_SET = new Set(SHOWN_KINDS)
const RECENT_MAX = 12

export class CoreDriver {
    readonly ctl: Controller
    readonly alarmList: SimAlarm[] = []
    /** The last RECENT_MAX shown events with their run times; formatted only when asked for. */
    private readonly recentEvents: { t: number; e: CoreEvent }[] = []
    private sim: FarmSim | null = null
    /** The inputs handed to step(); sim/meter.ts adds live flowPulses and tankOk to them. */
    private readonly inputs: { monoS: number; wallS: number; soil: (number | null)[]; flowPulses?: number; tankOk?: boolean } = { monoS: 0, wallS: 0, soil: [] }
    /** Skip ticks in which the core provably does nothing (see the file comment). */
    skipIdle = true
    /** Real steps taken (the rest were skipped). */
    steps = 0
    private readonly lastSoil: (number | null)[] = []
    private lastPulses: number | undefined = undefined
    private lastTankOk: boolean | undefined = undefined
    /** Monotonic time of the last step at which the core was busy or the inputs changed. */
    private lastActiveS = 0
    /** How long the core must have been idle with unchanged inputs before ticks are skipped, s:
     *  the flow supervisor's settling time and window, twice over. */
    private readonly quietS: number
    private readonly idleOut: StepOutput
    private readonly utcOffsetS: number
    /** Time of the last tick skipped as idle (-1 after a real step). */
    private idleAt = -1
    /** Also skip ticks while valves run (see the file comment); the live view turns it off. */
    skipBusy = true
    /** Time of the last tick (stepped or skipped as busy) after which busyWake holds. */
    private busyAt = -1
    /** After a step with the core busy: ticks before this time may be skipped (-1: none). */
    private busyWake = -1
    /** The outputs held while busy ticks are skipped: those of the last step, no events. */
    private held: StepOutput
    /** The job list the last step left (a command that queues or drops jobs replaces or grows it). */
    private heldJobs: unknown = null
    private heldJobCount = 0
    /** Earliest time a tracked probe reading, unchanged, would be judged stuck (after a step). */
    private stuckAt = Infinity
    /** Whether the inputs at the last tick were those of the tick before. */
    private inputsSame = false
    /** Time of the last step if the core was idle after it (and quiet long enough), else -1. */
    private idleAfter = -1
    /** Time of the last tick if it was skipped (idle or busy), else -1. */
    private skippedAt = -1

    constructor(readonly config: CoreConfig, readonly programs: Program[]) {
        this.ctl = new Controller(config)
        const f = config.flow
        this.quietS = f !== undefined && f.present ? 2 * (f.settleS + f.windowS + f.noFlowS) : 0
        this.idleOut = { valves: config.zones.map(() => false), pump: false, master: false, injector: false, events: [], writes: [] }
        this.held = this.idleOut
        this.utcOffsetS = config.utcOffsetMin * 60
    }

    start(sim: FarmSim): void {
        this.sim = sim
        this.inputs.soil = sim.soil
        this.ctl.restore({})
        for (const p of this.programs) this.command({ k: "saveProgram", program: p })
    }

    /** Applies a command as the remote panel would; a refusal is a bug in the strategy. */
    command(cmd: Command): void {
        const r = this.tryCommand(cmd, "remote")
        if (!r.ok) throw new Error(`controller refused ${cmd.k}: ${r.error}`)
    }

    /** Applies a command from the keypad or the remote panel, after catching the core up to
     *  the sim's time (as on the box, the core reads its clock then); the core may refuse it. */
    tryCommand(cmd: Command, source: Cause): CommandResult {
        this.catchUp()
        // The step before the command judged the core idle or busy without it (or was skipped as
        // idle): step the next tick.
        this.idleAt = -1
        this.idleAfter = -1
        this.busyWake = -1
        return this.ctl.command(cmd, source)
    }

    /** Steps the core at t, or skips the tick if it provably changes nothing (see the file
     *  comment). With `force` a busy tick is stepped anyway: the planner reads the core's state
     *  after this step (what its runs have watered so far), which a busy skip leaves as it was
     *  at the last step. An idle skip leaves nothing behind: the core's state is the same. */
    step(t: number, force = false): StepOutput {
        const inp = this.inputs
        inp.monoS = t
        inp.wallS = this.sim!.startUtcS + t
        if (this.skipIdle && this.idle(t)) {
            this.idleAt = t
            this.skippedAt = t
            return this.idleOut
        }
        this.idleAt = -1
        if (!force && this.skipIdle && this.skipBusy && this.inputsSame && t < this.busyWake && this.stillHeld(t)) {
            this.busyAt = t
            this.skippedAt = t
            return this.held
        }
        return this.realStep(t)
    }

    /**
     * Steps the core at the last tick the sim would have taken stepping every tick, if that
     * tick was skipped or jumped over, so that a command given now reads the core's clock
     * (pause lengths, rain delays, diary times) as when every tick is stepped. That tick is the
     * last skipped one or the last one on the TICK_S grid before the sim's next tick (fine
     * ticks and faults stop the sim's jumps, so later ones were seen). Skipped ticks change
     * nothing but the time, so this step changes nothing else and its outputs are those held.
     */
    catchUp(): void {
        const sim = this.sim
        if (sim === null) return
        const t = Math.max(this.skippedAt, (Math.ceil(sim.t / TICK_S) - 1) * TICK_S)
        if (t <= 0 || this.ctl.lastMono >= t) return
        this.inputs.monoS = t
        this.inputs.wallS = this.sim!.startUtcS + t
        this.realStep(t)
    }

    private realStep(t: number): StepOutput {
        const inp = this.inputs
        this.skippedAt = -1
        this.steps++
        const out = this.ctl.step(inp)
        if (out.events.length > 0) this.note(out.events, t)
        this.stuckAt = this.stuckDeadline(t)
        // Idle after this step, and idle long enough for the flow supervisor: the next ticks
        // would be skipped as idle while the inputs hold (see idle()), so the sim may jump now.
        this.idleAfter = this.skipIdle && t > 0 && t - this.lastActiveS >= this.quietS && this.coreQuiet() ? t : -1
        this.busyWake = this.skipIdle && this.skipBusy ? this.busyUntil(t) : -1
        if (this.busyWake > t) {
            this.busyAt = t
            this.held = { valves: out.valves, pump: out.pump, master: out.master, injector: out.injector, events: [], writes: [] }
            this.heldJobs = this.ctl.jobs
            this.heldJobCount = this.ctl.jobs.length
        }
        return out
    }

    /** After step(t): when the core next needs a step if no input changes (a program start,
     *  a stuck-probe deadline or, while busy, busyUntil), or undefined if it must be stepped at
     *  the next tick. */
    idleUntil(t: number): number | undefined {
        let until: number
        if (this.idleAt === t || this.idleAfter === t) until = this.stuckAt
        else if (this.busyAt === t && this.busyWake > t) until = this.busyWake
        else return undefined
        const local = this.inputs.wallS + this.utcOffsetS
        const minute = Math.floor(local / 60) % 1440
        let wait = 1440
        for (const p of this.ctl.programs) {
            if (p === null) continue
            for (let s = 0; s < p.startsMin.length; s++) {
                let d = p.startsMin[s] - minute
                if (d <= 0) d += 1440
                if (d < wait) wait = d
            }
        }
        return Math.min(until, t - (local % 60) + wait * 60)
    }

    /** Probes readings unchanged since the last step: the earliest time one would count as
     *  stuck (moisture.ts updateSensor: unchanged by a tenth for stuckAfterS). */
    private stuckDeadline(t: number): number {
        const ctl = this.ctl
        let at = Infinity
        for (let i = 0; i < ctl.sensors.length; i++) {
            const tr = ctl.sensors[i]
            if (!ctl.sensorUsed[i] || tr.last === null) continue
            const due = tr.changedAt + this.config.moisture.stuckAfterS
            if (due > t && due < at) at = due
        }
        return at
    }

    /** No command since the last step, and the tick is not a program start minute. */
    private stillHeld(t: number): boolean {
        const ctl = this.ctl
        if (ctl.events.length > 0 || ctl.writes.length > 0 || ctl.jobs !== this.heldJobs || ctl.jobs.length !== this.heldJobCount) return false
        if (ctl.paused || ctl.fault !== "") return false
        for (let z = 0; z < ctl.stopReq.length; z++) if (ctl.stopReq[z] !== "") return false
        return !this.startMinute(t)
    }

    /** True when the local minute of time t is one of a program's start minutes. */
    private startMinute(t: number): boolean {
        const minute = Math.floor((this.sim!.startUtcS + t + this.utcOffsetS) / 60) % 1440
        for (const p of this.ctl.programs) {
            if (p === null) continue
            for (let s = 0; s < p.startsMin.length; s++) if (p.startsMin[s] === minute) return true
        }
        return false
    }

    /**
     * After a step at t with the core busy: the earliest time at which a step could change
     * anything if no input changes and no command comes (the file comment lists the causes;
     * each mirrors a time test in firmware/core/controller.ts), or -1 when the next tick must be
     * stepped. Program starts are checked tick by tick (stillHeld) and added by idleUntil.
     */
    private busyUntil(t: number): number {
        const ctl = this.ctl
        const c = this.config
        if (!ctl.restored || ctl.fault !== "" || ctl.paused || ctl.firedUnknown || ctl.injectorOn) return -1
        if (ctl.jobs.length === 0) return -1 // idle: the idle rules apply
        // The flow supervisor judges every count it is given.
        if (ctl.flowSup !== null && this.inputs.flowPulses !== undefined) return -1
        // The peak window the core cached at this step, in run time.
        const toRun = t - toLocalSeconds(this.inputs.wallS, c.utcOffsetMin)
        const peakFrom = ctl.peak.from + toRun
        const flowing = ctl.pumpOn || !c.pump.present
        // The cache is renewed when the window ends.
        let wake = ctl.peak.to + toRun
        if (ctl.pumpOn) wake = Math.min(wake, peakFrom) // pump_in_peak check
        for (let z = 0; z < ctl.vstate.length; z++) {
            if (ctl.stopReq[z] !== "") return -1
            const st = ctl.vstate[z]
            if (st === ValveState.Closed) continue
            if (st === ValveState.Opening) wake = Math.min(wake, ctl.vsince[z] + c.valveOpenS)
            if (st === ValveState.Closing) {
                wake = Math.min(wake, ctl.vsince[z] + c.valveCloseS)
                continue
            }
            // Opening or Open: the max-run guard.
            wake = Math.min(wake, ctl.vOnSince[z] + c.zones[z].maxRunS - c.pump.stopLeadS - 2 * c.tickS)
            const j = ctl.zoneJob[z]
            if (j === null) continue
            if (j.dose !== null) return -1
            if (st === ValveState.Open && flowing) wake = Math.min(wake, t + Math.min(j.remainingS, j.segLeftS))
            if (!j.force) wake = Math.min(wake, peakFrom - c.tickS) // runSplit, one tick ahead
            if (st === ValveState.Open && !ctl.pumpOn && c.pump.present) wake = Math.min(wake, ctl.vsince[z] + c.pump.startDelayS)
        }
        for (const j of ctl.jobs) {
            if (j.dose !== null) return -1
            if (j.running || j.cancelled) continue
            if (j.notBefore > t) wake = Math.min(wake, j.notBefore)
            if (!j.force && !j.deferNoted) {
                // startJobs defers an unforced start this close to a peak window.
                const lead = c.valveOpenS + c.pump.startDelayS + 2 * c.tickS
                const seg = nextSegment(j, ctl.segmentCapS(j.zone))
                wake = Math.min(wake, peakFrom - (c.peakPolicy === "defer" ? lead + seg : lead + 60))
            }
        }
        wake = Math.min(wake, this.stuckAt)
        return wake > t ? wake : -1
    }

    /** Nothing to do: no job, every valve closed, pump and injector off, not paused, no event
     *  waiting (a command between ticks leaves its events for the next step). */
    private coreQuiet(): boolean {
        const ctl = this.ctl
        let quiet = ctl.jobs.length === 0 && !ctl.pumpOn && !ctl.injectorOn && !ctl.paused && ctl.restored
        for (let z = 0; quiet && z < ctl.vstate.length; z++) if (ctl.vstate[z] !== ValveState.Closed) quiet = false
        return quiet && ctl.events.length === 0
    }

    /** True when a step at time t could change nothing (and the inputs it saw are kept). */
    private idle(t: number): boolean {
        const inp = this.inputs
        let quiet = this.coreQuiet()
        const pulses = inp.flowPulses
        const tankOk = inp.tankOk
        if (pulses !== this.lastPulses || tankOk !== this.lastTankOk) quiet = false
        const soil = inp.soil
        let same = true
        for (let i = 0; i < soil.length; i++) {
            if (soil[i] !== this.lastSoil[i]) {
                same = false
                this.lastSoil[i] = soil[i]
            }
        }
        this.inputsSame = same && pulses === this.lastPulses && tankOk === this.lastTankOk && t !== 0
        this.lastPulses = pulses
        this.lastTankOk = tankOk
        if (!quiet) this.lastActiveS = t
        if (!quiet || !same || t - this.lastActiveS < this.quietS || t === 0) return false
        // A reading that would now count as stuck, or a program start in this minute (the core
        // checks the day rule, season and blockers).
        return t < this.stuckAt && !this.startMinute(t)
    }

    private note(events: CoreEvent[], t: number): void {
        for (const e of events) {
            if (ALARM_SET.has(e.kind)) this.alarmList.push({ t, kind: e.kind, zone: e.zone, reason: e.reason })
            if (!SHOWN_SET.has(e.kind)) continue
            this.recentEvents.push({ t, e })
            if (this.recentEvents.length > RECENT_MAX) this.recentEvents.shift()
        }
    }

    /** The latest events worth showing, oldest first, as "MM-DD HH:MM kind zone (reason)". */
    recentLines(): string[] {
        const sim = this.sim
        if (sim === null) return []
        return this.recentEvents.map(({ t, e }) => {
            const where = e.zone >= 0 ? ` ${sim.farm.zones[e.zone].name}` : ""
            const why = e.reason !== "" ? ` (${e.reason})` : ""
            return `${clock(sim.localS(t))} ${e.kind}${where}${why}`
        })
    }
}

/** "MM-DD HH:MM" of a local time. */
export function clock(localS: number): string {
    const d = new Date(localS * 1000)
    const p = (n: number) => String(n).padStart(2, "0")
    return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}
