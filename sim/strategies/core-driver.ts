// Runs the real control core (firmware/core) inside the simulator, the way the firmware shell
// does: restore from an empty flash, save the programs through commands, then step() every tick
// with the monotonic time, the wall clock and the probe readings. Alarms and a short event log
// are kept for the report and the live view.

import { Controller } from "../../firmware/core/controller"
import { Command, CoreConfig, CoreEvent, Program, StepOutput } from "../../firmware/core/types"
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
    private readonly inputs: { monoS: number; wallS: number; soil: (number | null)[] } = { monoS: 0, wallS: 0, soil: [] }

    constructor(readonly config: CoreConfig, readonly programs: Program[]) {
        this.ctl = new Controller(config)
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
        const out = this.ctl.step(inp)
        if (out.events.length > 0) this.note(out.events, t)
        return out
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
