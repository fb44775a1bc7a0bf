// Runs the real control core (firmware/core) inside the simulator, the way the firmware shell
// does: restore from an empty flash, save the programs through commands, then step() every tick
// with the monotonic time, the wall clock and the probe readings. Alarms and a short event log
// are kept for the report and the live view.
//
// Idle ticks are skipped (skipIdle, on by default): while the core has nothing to do (no job
// queued or running, every valve closed, pump and injector off, not paused, no event waiting)
// a step() can change nothing unless an input changes or a program start falls in the tick, so
// the driver steps only when a soil reading or the flow meter count changed, when the local
// minute is one of a program's start minutes, or when the flow supervisor has not yet seen a
// settled, unchanged count for its whole window. The core is the same code and gets the same
// inputs at every step it takes; test/sim/farm-sim.test.ts checks that a year with skipping
// gives the same report as stepping every tick.

import { Controller } from "../../firmware/core/controller"
import { Command, CoreConfig, CoreEvent, Program, StepOutput, ValveState } from "../../firmware/core/types"
import { FarmSim, SimAlarm } from "../farm-sim"

/** Event kinds that a person should look at. */
const ALARM_KINDS = ["safeState", "maxRun", "sensorFault", "clockJump", "corrupt"]
/** Event kinds worth a line in the live view. */
const SHOWN_KINDS = ["valveOpen", "valveClose", "runSkipped", "runDeferred", "runSplit", "pumpOn", "pumpOff", "budget", ...ALARM_KINDS]
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

    constructor(readonly config: CoreConfig, readonly programs: Program[]) {
        this.ctl = new Controller(config)
        const f = config.flow
        this.quietS = f !== undefined && f.present ? 2 * (f.settleS + f.windowS + f.noFlowS) : 0
        this.idleOut = { valves: config.zones.map(() => false), pump: false, master: false, injector: false, events: [], writes: [] }
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
        const r = this.ctl.command(cmd, "remote")
        if (!r.ok) throw new Error(`controller refused ${cmd.k}: ${r.error}`)
    }

    step(t: number): StepOutput {
        const inp = this.inputs
        inp.monoS = t
        inp.wallS = this.sim!.startUtcS + t
        if (this.skipIdle && this.idle(t)) {
            this.idleAt = t
            return this.idleOut
        }
        this.idleAt = -1
        this.steps++
        const out = this.ctl.step(inp)
        if (out.events.length > 0) this.note(out.events, t)
        return out
    }

    /** After step(t): when the core next needs a step if no input changes (the next program
     *  start minute), or undefined if it must be stepped at the next tick. */
    idleUntil(t: number): number | undefined {
        if (this.idleAt !== t) return undefined
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
        return t - (local % 60) + wait * 60
    }

    /** True when a step at time t could change nothing (and the inputs it saw are kept). */
    private idle(t: number): boolean {
        const ctl = this.ctl
        const inp = this.inputs
        let quiet = ctl.jobs.length === 0 && !ctl.pumpOn && !ctl.injectorOn && !ctl.paused && ctl.restored
        for (let z = 0; quiet && z < ctl.vstate.length; z++) if (ctl.vstate[z] !== ValveState.Closed) quiet = false
        // Events or flash writes left by a command between ticks go out with the next step.
        if (quiet && (ctl as unknown as { events: unknown[] }).events.length > 0) quiet = false
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
        this.lastPulses = pulses
        this.lastTankOk = tankOk
        if (!quiet) this.lastActiveS = t
        if (!quiet || !same || t - this.lastActiveS < this.quietS || t === 0) return false
        // A program start in this minute (the core checks the day rule, season and blockers).
        const minute = Math.floor((inp.wallS + this.utcOffsetS) / 60) % 1440
        for (const p of ctl.programs) {
            if (p === null) continue
            for (let s = 0; s < p.startsMin.length; s++) if (p.startsMin[s] === minute) return false
        }
        return true
    }

    private note(events: CoreEvent[], t: number): void {
        for (const e of events) {
            if (ALARM_KINDS.includes(e.kind)) this.alarmList.push({ t, kind: e.kind, zone: e.zone, reason: e.reason })
            if (!SHOWN_KINDS.includes(e.kind)) continue
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
