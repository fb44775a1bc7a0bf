// The irrigation controller: one object the firmware, the simulator and the tests all drive.
// It never reads a clock, a sensor or the flash: step() takes the time and the readings and
// returns the outputs to drive, the events to record and the settings to write.
//
// Sequencing rules (the reasons are hydraulic):
// - a zone valve is Closed -> Opening -> Open -> Closing -> Closed; its output is on while
//   Opening or Open;
// - the pump starts only after a valve has been Open for pump.startDelayS, and stops
//   pump.stopLeadS before the last open valve starts closing: never a pump against closed
//   valves;
// - the master valve follows "any zone valve output on";
// - no more zones (or nominal flow) at once than the hydraulic limit; the rest wait in a queue.

import { AlarmList } from "./alarms"
import { advanceDose, Dose, DosePhase, doseError, injectedMl, newDoseState } from "./dosing"
import { bitCount, FlowSupervisor, FlowVerdict } from "./flow"
import { dayNumber, minuteOfDay, toLocalSeconds } from "./calendar"
import { Job, nextSegment } from "./jobs"
import { moistureFactorPct, newSensorTrack, SENSOR_HEALTH_CODES, SensorHealth, SensorTrack, updateSensor } from "./moisture"
import {
    decodeFired,
    decodeProgram,
    decodeSettings,
    defaultSettings,
    encodeFired,
    encodeProgram,
    encodeSettings,
    decodeFlow,
    decodeLocks,
    encodeFlow,
    encodeLocks,
    FIRED_KEY,
    FLOW_KEY,
    LOCK_KEY,
    programKey,
    SETTINGS_KEY,
} from "./persist"
import { cleanProgram, MAX_ZONE_S, programError, runsOnDay, startKey } from "./program"
import { NO_PEAK, nextPeak, PeakSpan } from "./tariff"
import {
    Cause,
    CommandResult,
    CoreConfig,
    CoreEvent,
    MAX_JOBS,
    MAX_PROGRAMS,
    Program,
    SettingWrite,
    Settings,
    StepInputs,
    StepOutput,
    ValveState,
} from "./types"
import { isBool, isInt, isIntIn } from "./validate"

/** Wall clock readings before 2020-01-01 mean the real-time clock was never set. */
export const MIN_VALID_WALL = 1577836800
/** A wall clock that moves this far from the monotonic clock has been set or has jumped. */
export const CLOCK_JUMP_S = 120

export interface ZoneStatus {
    state: ValveState
    remainingS: number
    program: number
    cause: string
    /** The run holding the valve was forced through a peak window by a person. */
    forced: boolean
}

export interface Status {
    zones: ZoneStatus[]
    pump: boolean
    master: boolean
    queued: number
    paused: boolean
    standby: boolean
    rainDelayUntil: number
    fault: string
    sensors: string[]
    /** Last reading per sensor, tenths of % v/v, null if none. */
    soil: (number | null)[]
    alarms: number
    /** Zones locked out after a burst (bit mask). */
    lockedZones: number
    /** Pump lock-out reason, "" if none. */
    pumpLock: string
    injector: boolean
    /** Measured flow, mL/min, -1 unknown. */
    flowMlPerMin: number
}

function ok(): CommandResult {
    return { ok: true, error: "" }
}

function fail(error: string): CommandResult {
    return { ok: false, error: error }
}

export class Controller {
    readonly cfg: CoreConfig
    settings: Settings = defaultSettings()
    /** Index id-1; null where no program is stored. */
    programs: (Program | null)[] = []
    /** Last fired start key per program (see startKey). */
    fired: number[] = []
    /** Fired keys unknown (lost record): first valid clock marks today's past starts fired. */
    private firedUnknown = false
    restored = false
    /** Non-empty while latched in the safe state after an impossible state. */
    fault = ""
    paused = false
    /** Monotonic time to resume at, 0 = until told. */
    private pauseUntil = 0

    vstate: ValveState[] = []
    private vsince: number[] = []
    /** Monotonic time the valve output last turned on. */
    private vOnSince: number[] = []
    private zoneJob: (Job | null)[] = []
    /** Stop request per zone: "" none, else the reason; stopCause says who asked. */
    private stopReq: string[] = []
    private stopCause: Cause[] = []

    pumpOn = false
    private pumpOffAt = -1000000
    jobs: Job[] = []
    private nextJobId = 1
    sensors: SensorTrack[] = []
    alarms: AlarmList = new AlarmList()
    /** Flow supervision, null without a flow meter. */
    flowSup: FlowSupervisor | null = null
    /** Zones locked out after a burst (bit mask), until a person acknowledges the alarm. */
    lockedZones = 0
    /** Pump lock-out reason ("" none): "no_flow" or "leak", until acknowledged. */
    pumpLock = ""
    /** Zones of a high-flow set being re-tested one by one (bit mask). */
    private suspect = 0
    injectorOn = false
    /** Last measured flow, mL/min (-1 unknown). */
    flowMlPerMin = -1
    /** Only sensors some zone refers to are tracked and reported. */
    private sensorUsed: boolean[] = []

    private events: CoreEvent[] = []
    private writes: SettingWrite[] = []
    private lastMono = -1
    private lastWall = 0
    private peak: PeakSpan = { from: NO_PEAK, to: NO_PEAK }
    /** Local time the peak cache was computed at; NO_PEAK forces a recompute. */
    private peakAt = NO_PEAK

    constructor(cfg: CoreConfig) {
        this.cfg = cfg
        for (let z = 0; z < cfg.zones.length; z++) {
            this.vstate.push(ValveState.Closed)
            this.vsince.push(0)
            this.vOnSince.push(0)
            this.zoneJob.push(null)
            this.stopReq.push("")
            this.stopCause.push("system")
        }
        for (let i = 0; i < MAX_PROGRAMS; i++) {
            this.programs.push(null)
            this.fired.push(0)
        }
        let sensorCount = 0
        for (const z of cfg.zones) if (z.sensor + 1 > sensorCount) sensorCount = z.sensor + 1
        if (cfg.flow !== undefined && cfg.flow.present) this.flowSup = new FlowSupervisor(cfg.flow)
        for (let i = 0; i < sensorCount; i++) {
            this.sensors.push(newSensorTrack(0))
            let used = false
            for (const z of cfg.zones) if (z.sensor === i) used = true
            this.sensorUsed.push(used)
        }
    }

    // ---------------------------------------------------------------- persistence

    /**
     * Loads persisted records (key -> stored string; absent keys are undefined). Corrupt or
     * invalid records are replaced by safe defaults, reported, and rewritten. Until this has
     * run, step() keeps every output off.
     */
    restore(records: Record<string, string>): void {
        this.emit("boot", "system", -1, 0, 0, "")
        const s = records[SETTINGS_KEY]
        const settings = decodeSettings(s)
        if (settings === null) {
            this.settings = defaultSettings()
            if (s !== undefined) this.corrupt(SETTINGS_KEY, 0)
            this.write(SETTINGS_KEY, encodeSettings(this.settings))
        } else {
            this.settings = settings
        }
        for (let id = 1; id <= MAX_PROGRAMS; id++) {
            const r = records[programKey(id)]
            if (r === undefined || r === "") continue
            const p = decodeProgram(r, this.cfg.zones.length)
            if (p === null || p.id !== id) {
                this.corrupt(programKey(id), id)
                this.write(programKey(id), "")
            } else {
                this.programs[id - 1] = p
            }
        }
        this.restoreFlow(records)
        const f = decodeFired(records[FIRED_KEY])
        if (f === null) this.firedUnknown = true
        else this.fired = f
        this.restored = true
        this.emit("restored", "system", -1, 0, this.programCount(), "")
    }

    /** Learned flows and lock-outs; a lock-out survives power cuts and is alarmed again. */
    private restoreFlow(records: Record<string, string>): void {
        const fl = records[FLOW_KEY]
        if (this.flowSup !== null && fl !== undefined) {
            const d = decodeFlow(fl)
            if (d === null) {
                this.corrupt(FLOW_KEY, 0)
                this.write(FLOW_KEY, encodeFlow([], []))
            } else {
                this.flowSup.masks = d.masks
                this.flowSup.flows = d.flows
            }
        }
        const lk = records[LOCK_KEY]
        if (lk === undefined) return
        const l = decodeLocks(lk)
        if (l === null) {
            // Unknown locks: safer to assume none than to lock the farm dry; say so loudly.
            this.corrupt(LOCK_KEY, 0)
            this.write(LOCK_KEY, encodeLocks({ zones: 0, pump: "" }))
            return
        }
        this.lockedZones = l.zones & ((1 << this.cfg.zones.length) - 1)
        this.pumpLock = l.pump
        for (let z = 0; z < this.cfg.zones.length; z++) if ((this.lockedZones & (1 << z)) !== 0) this.alarm("burst", z, 0, "locked")
        if (this.pumpLock !== "") this.alarm(this.pumpLock, -1, 0, "locked")
    }

    private saveLocks(): void {
        this.write(LOCK_KEY, encodeLocks({ zones: this.lockedZones, pump: this.pumpLock }))
    }

    private corrupt(key: string, program: number): void {
        this.emit("corrupt", "system", -1, program, 0, key)
        this.alarm("flash", -1, program, key)
    }

    /** Raises an alarm and records it in the diary. */
    private alarm(kind: string, zone: number, value: number, reason: string): void {
        const id = this.alarms.raise(kind, zone, value, reason, this.lastWall)
        this.emit("alarm", kind === "sensor" ? "sensor" : "safety", zone, 0, id, kind)
    }

    programCount(): number {
        let n = 0
        for (const p of this.programs) if (p !== null) n++
        return n
    }

    private write(key: string, value: string): void {
        for (const w of this.writes) {
            if (w.key === key) {
                w.value = value
                return
            }
        }
        this.writes.push({ key: key, value: value })
    }

    private emit(kind: string, cause: Cause, zone: number, program: number, value: number, reason: string): void {
        this.events.push({
            t: this.lastWall,
            kind: kind,
            cause: cause,
            zone: zone,
            program: program,
            value: value,
            reason: reason,
        })
    }

    // ---------------------------------------------------------------- the tick

    step(inp: StepInputs): StepOutput {
        const m = inp.monoS
        if (!isInt(m) || m < 0 || !isInt(inp.wallS)) {
            this.enterSafeState("bad_time_input", m)
            return this.output()
        }
        const wallOk = inp.wallS >= MIN_VALID_WALL
        if (this.lastMono >= 0 && m < this.lastMono) {
            this.enterSafeState("mono_backwards", m)
            this.lastMono = m
            return this.output()
        }
        const dt = this.lastMono < 0 ? 0 : m - this.lastMono
        if (wallOk && this.lastWall >= MIN_VALID_WALL) {
            const drift = inp.wallS - (this.lastWall + dt)
            if (drift > CLOCK_JUMP_S || drift < -CLOCK_JUMP_S) {
                this.lastWall = inp.wallS
                this.emit("clockJump", "system", -1, 0, drift, "")
                this.peakAt = NO_PEAK
            }
        }
        this.lastMono = m
        this.lastWall = wallOk ? inp.wallS : 0
        if (!this.restored) return this.output()

        this.accrue(dt)
        this.advanceValves(m)
        this.watchdog(m)
        this.superviseFlow(inp.flowPulses, m)
        this.readSensors(inp.soil, m)
        if (this.paused && this.pauseUntil > 0 && m >= this.pauseUntil) this.resume("system")
        if (wallOk) this.fireSchedules(inp.wallS)
        const ttp = wallOk ? this.timeToPeak(toLocalSeconds(inp.wallS, this.cfg.utcOffsetMin)) : NO_PEAK
        this.stopForPeak(ttp)
        this.endSegments()
        this.sequenceCloses(m)
        this.startJobs(m, ttp)
        this.startPump(m, ttp)
        this.decideInjector(inp.tankOk)
        this.saveLearnedIfChanged()
        this.checkInvariants(m, ttp)
        return this.output()
    }

    private output(): StepOutput {
        const valves: boolean[] = []
        let any = false
        for (const v of this.vstate) {
            const on = v === ValveState.Opening || v === ValveState.Open
            valves.push(on)
            if (on) any = true
        }
        const out: StepOutput = {
            valves: valves,
            pump: this.pumpOn,
            master: this.cfg.masterValve && any,
            injector: this.injectorOn,
            events: this.events,
            writes: this.writes,
        }
        this.events = []
        this.writes = []
        return out
    }

    /** Water flowed through each Open zone during the last dt if the pump ran (or none exists). */
    private accrue(dt: number): void {
        if (dt <= 0) return
        const flowing = this.pumpOn || !this.cfg.pump.present
        for (let z = 0; z < this.vstate.length; z++) {
            const job = this.zoneJob[z]
            if (job === null || this.vstate[z] !== ValveState.Open) continue
            const watered = flowing
            if (job.dose !== null && this.cfg.injector !== undefined) {
                advanceDose(job.dose, this.cfg.injector, job.wateredS + (watered ? dt : 0), job.remainingS - (watered ? dt : 0) - this.cfg.tickS, dt, this.injectorOn, watered)
            }
            if (!watered) continue
            job.remainingS -= dt
            job.segLeftS -= dt
            job.wateredS += dt
            if (job.remainingS < 0) {
                job.wateredS += job.remainingS
                job.segLeftS -= job.remainingS
                job.remainingS = 0
            }
        }
    }

    /** Time-driven valve transitions: Opening -> Open, Closing -> Closed (job hand-back). */
    private advanceValves(m: number): void {
        for (let z = 0; z < this.vstate.length; z++) {
            const st = this.vstate[z]
            if (st === ValveState.Opening && m - this.vsince[z] >= this.cfg.valveOpenS) {
                this.vstate[z] = ValveState.Open
                this.vsince[z] = m
            } else if (st === ValveState.Closing && m - this.vsince[z] >= this.cfg.valveCloseS) {
                this.vstate[z] = ValveState.Closed
                this.vsince[z] = m
            }
        }
    }

    /** Maximum run time per valve, with room for the pump-stop lead and two late ticks. */
    private watchdog(m: number): void {
        const c = this.cfg
        for (let z = 0; z < this.vstate.length; z++) {
            const st = this.vstate[z]
            if (st !== ValveState.Opening && st !== ValveState.Open) continue
            const onFor = m - this.vOnSince[z]
            if (onFor + c.pump.stopLeadS + 2 * c.tickS >= c.zones[z].maxRunS && this.stopReq[z] !== "max_run") {
                this.emit("maxRun", "safety", z, this.jobProgram(z), onFor, "max_run")
                this.alarm("max_run", z, onFor, "max_run")
                this.requestStop(z, "max_run", "safety", true)
            }
        }
    }

    private jobProgram(z: number): number {
        const j = this.zoneJob[z]
        return j === null ? 0 : j.program
    }

    private readSensors(soil: (number | null)[], m: number): void {
        for (let i = 0; i < this.sensors.length; i++) {
            if (!this.sensorUsed[i]) continue
            const v = soil !== undefined && soil !== null && i < soil.length ? soil[i] : null
            const tr = this.sensors[i]
            if (updateSensor(tr, v, m, this.cfg.moisture)) {
                const kind = tr.health === SensorHealth.Ok ? "sensorOk" : "sensorFault"
                this.emit(kind, "sensor", -1, 0, i, SENSOR_HEALTH_CODES[tr.health])
                if (tr.health !== SensorHealth.Ok) this.alarm("sensor", i, 0, SENSOR_HEALTH_CODES[tr.health])
            }
        }
    }

    // ---------------------------------------------------------------- schedules

    private fireSchedules(wallS: number): void {
        const local = toLocalSeconds(wallS, this.cfg.utcOffsetMin)
        const day = dayNumber(local)
        const minute = minuteOfDay(local)
        if (this.firedUnknown) {
            // Lost the record of fired starts: treat today's passed starts as done rather
            // than risk watering twice.
            this.firedUnknown = false
            for (const p of this.programs) if (p !== null) this.fired[p.id - 1] = this.passedKey(p, day, minute)
            this.write(FIRED_KEY, encodeFired(this.fired))
        }
        for (const p of this.programs) {
            if (p === null) continue
            for (let s = 0; s < p.startsMin.length; s++) {
                const key = startKey(day, s)
                const st = p.startsMin[s]
                if (key <= this.fired[p.id - 1] || minute < st || minute >= st + this.cfg.catchUpMin) continue
                if (!runsOnDay(p, day)) continue
                this.fired[p.id - 1] = key
                this.write(FIRED_KEY, encodeFired(this.fired))
                const skip = this.scheduleBlocker(wallS)
                if (skip !== "") this.emit("runSkipped", "schedule", -1, p.id, 0, skip)
                else this.enqueueProgram(p, "schedule")
            }
        }
    }

    /** Why a start due now must not run ("" if it may); the start still counts as fired so
     *  that it never fires late once the blocker goes away. */
    private scheduleBlocker(wallS: number): string {
        if (this.fault !== "") return "fault"
        if (this.settings.standby) return "standby"
        if (this.pumpLock !== "" && this.cfg.pump.present) return "pump_locked"
        if (wallS < this.settings.rainDelayUntil) return "rain_delay"
        if (this.paused) return "paused"
        return ""
    }

    /** Start key of the last start of p at or before `minute` today (or end of yesterday). */
    private passedKey(p: Program, day: number, minute: number): number {
        let key = startKey(day - 1, 3)
        for (let s = 0; s < p.startsMin.length; s++) if (p.startsMin[s] <= minute) key = startKey(day, s)
        return key
    }

    /** Queues a program's zones with budgets and soil-moisture feedback applied. */
    private enqueueProgram(p: Program, cause: Cause): void {
        for (let z = 0; z < p.zoneS.length && z < this.cfg.zones.length; z++) {
            if (p.zoneS[z] <= 0) continue
            if (this.zoneLocked(z)) {
                this.emit("runSkipped", cause, z, p.id, 0, "zone_locked")
                continue
            }
            let secs = Math.floor((p.zoneS[z] * p.budgetPct * this.settings.budgetPct + 5000) / 10000)
            const zc = this.cfg.zones[z]
            if (p.useMoisture && zc.sensor >= 0) {
                const tr = this.sensors[zc.sensor]
                if (tr.health === SensorHealth.Ok && tr.last !== null) {
                    const f = moistureFactorPct(tr.last, zc, this.cfg.moisture)
                    if (f === 0) {
                        this.emit("runSkipped", "sensor", z, p.id, tr.last, "soil_wet")
                        continue
                    }
                    if (f !== 100) this.emit("moistureAdjust", "sensor", z, p.id, f, "")
                    secs = Math.floor((secs * f) / 100)
                } else {
                    this.emit("moistureFallback", "sensor", z, p.id, zc.sensor, SENSOR_HEALTH_CODES[tr.health])
                }
            }
            if (secs <= 0) {
                this.emit("runSkipped", cause, z, p.id, 0, "zero_budget")
                continue
            }
            if (this.hasJob(z, p.id)) {
                this.emit("runSkipped", cause, z, p.id, secs, "already_queued")
                continue
            }
            this.addJob(z, secs, cause, p, false, false, null)
        }
    }

    private hasJob(z: number, program: number): boolean {
        for (const j of this.jobs) if (j.zone === z && j.program === program && !j.cancelled) return true
        return false
    }

    /** Queues water for zone z: from program p (its cycle-and-soak applies) or, with p null,
     *  a manual run. At most 8 parameters: DeviceScript's compiler asserts on a 9th. */
    private addJob(z: number, secs: number, cause: Cause, p: Program | null, force: boolean, priority: boolean, dose: Dose | null): boolean {
        const program = p === null ? 0 : p.id
        if (this.jobs.length >= MAX_JOBS) {
            this.emit("runSkipped", cause, z, program, secs, "queue_full")
            this.alarm("queue_full", z, secs, "queue_full")
            return false
        }
        const job: Job = {
            id: this.nextJobId++,
            zone: z,
            totalS: secs,
            remainingS: secs,
            segLeftS: 0,
            wateredS: 0,
            cause: cause,
            program: program,
            cycleS: p === null ? 0 : p.cycleS,
            soakS: p === null ? 0 : p.soakS,
            force: force,
            priority: priority,
            running: false,
            cancelled: false,
            notBefore: 0,
            deferNoted: false,
            dose: dose === null ? null : newDoseState(dose),
        }
        if (priority) {
            // Manual runs queue behind other manual runs but ahead of scheduled ones.
            let at = 0
            while (at < this.jobs.length && this.jobs[at].priority) at++
            const next = this.jobs.slice(0, at)
            next.push(job)
            for (let i = at; i < this.jobs.length; i++) next.push(this.jobs[i])
            this.jobs = next
        } else {
            this.jobs.push(job)
        }
        this.emit("runQueued", cause, z, program, secs, force ? "forced" : "")
        return true
    }

    // ---------------------------------------------------------------- flow and dosing

    private learnedCount = 0

    private saveLearnedIfChanged(): void {
        const sup = this.flowSup
        if (sup === null) return
        let sig = sup.masks.length * 7919
        for (let i = 0; i < sup.flows.length; i++) sig = (sig * 31 + sup.flows[i] + sup.masks[i]) % 1000003
        if (sig === this.learnedCount) return
        this.learnedCount = sig
        this.write(FLOW_KEY, encodeFlow(sup.masks, sup.flows))
    }

    private openMask(): number {
        let mask = 0
        for (let z = 0; z < this.vstate.length; z++) if (this.vstate[z] === ValveState.Open) mask |= 1 << z
        return mask
    }

    /** Judges the flow meter and acts: the injector stops first on any fault. */
    private superviseFlow(pulses: number | undefined, m: number): void {
        const sup = this.flowSup
        if (sup === null || !isInt(pulses)) return
        const mask = this.openMask()
        const flowing = this.cfg.pump.present ? this.pumpOn : mask !== 0
        sup.observe(m, pulses as number, mask, flowing)
        const j = sup.judge(m)
        this.flowMlPerMin = j.measured
        if (j.judgedOk && bitCount(mask) === 1) this.suspect &= ~mask
        if (j.verdict === FlowVerdict.None) return
        this.stopInjection(m)
        const lossPct = j.expected > 0 ? Math.floor(((j.expected - j.measured) * 100) / j.expected) : 0
        if (j.verdict === FlowVerdict.High) {
            this.emit("flowHigh", "safety", -1, 0, j.measured, "" + j.expected)
            if (bitCount(mask) === 1) {
                for (let z = 0; z < this.vstate.length; z++) if ((mask & (1 << z)) !== 0) this.lockZone(z, -lossPct)
            } else {
                // Which zone broke? Close them all and re-test each alone.
                this.suspect |= mask
                for (let z = 0; z < this.vstate.length; z++) if ((mask & (1 << z)) !== 0 && this.zoneJob[z] !== null) this.requestStop(z, "isolate", "safety", false)
            }
        } else if (j.verdict === FlowVerdict.Low) {
            const z = bitCount(mask) === 1 ? this.lowestZone(mask) : -1
            this.emit("flowLow", "safety", z, 0, j.measured, "" + j.expected)
            this.alarm("clog", z, lossPct, "low_flow")
            if (this.cfg.flow !== undefined && this.cfg.flow.lowFlowStops) {
                for (let y = 0; y < this.vstate.length; y++) if ((mask & (1 << y)) !== 0 && this.zoneJob[y] !== null) this.requestStop(y, "low_flow", "safety", true)
            }
        } else {
            // No flow (pump failure, dry well, valve not opening, dead meter) or flow while
            // nothing runs (leak, stuck valve, main break): pump off now and locked.
            const why = j.verdict === FlowVerdict.NoFlow ? "no_flow" : "leak"
            this.emit(j.verdict === FlowVerdict.NoFlow ? "flowNone" : "flowLeak", "safety", -1, 0, j.measured, why)
            this.pumpLock = why
            this.saveLocks()
            this.alarm(why, -1, j.measured, why)
            this.setPump(false, m, "safety")
            for (const job of this.jobs) if (!job.cancelled) this.cancelJob(job, "safety", why)
            this.dropCancelledIdle()
        }
    }

    private lowestZone(mask: number): number {
        for (let z = 0; z < 16; z++) if ((mask & (1 << z)) !== 0) return z
        return -1
    }

    private lockZone(z: number, value: number): void {
        this.lockedZones |= 1 << z
        this.suspect &= ~(1 << z)
        this.saveLocks()
        this.alarm("burst", z, value, "high_flow")
        for (const job of this.jobs) if (job.zone === z && !job.cancelled) this.cancelJob(job, "safety", "zone_locked")
        this.dropCancelledIdle()
    }

    private zoneLocked(z: number): boolean {
        return (this.lockedZones & (1 << z)) !== 0
    }

    private stopInjection(m: number): void {
        if (!this.injectorOn) return
        this.injectorOn = false
        this.emit("injectorOff", "safety", -1, 0, m, "flow_fault")
        for (const j of this.zoneJob) if (j !== null && j.dose !== null && j.dose.phase === DosePhase.Inject) j.dose.phase = DosePhase.Flush
    }

    /** The injector runs only for a dosed zone in its injection phase, with the pump on,
     *  flow confirmed by the meter and product in the tank. */
    private decideInjector(tankOk: boolean | undefined): void {
        const inj = this.cfg.injector
        let on = false
        if (inj !== undefined && inj.present && this.fault === "" && this.flowSup !== null) {
            const flowOk = this.flowSup.confirmed(this.lastMono) && (this.pumpOn || !this.cfg.pump.present)
            for (let z = 0; z < this.vstate.length; z++) {
                const j = this.zoneJob[z]
                if (j === null || j.dose === null || j.dose.phase !== DosePhase.Inject) continue
                if (tankOk === false) {
                    j.dose.phase = DosePhase.Flush
                    this.alarm("tank_empty", z, injectedMl(j.dose, inj), "tank_empty")
                    continue
                }
                if (this.vstate[z] === ValveState.Open && this.stopReq[z] === "" && flowOk) on = true
            }
        }
        if (on === this.injectorOn) return
        this.injectorOn = on
        this.emit(on ? "injectorOn" : "injectorOff", on ? "schedule" : "system", -1, 0, this.flowMlPerMin, "")
    }

    /** Stops that must not wait for a flush: faults and safety. */
    private flushWaivedFor(reason: string): boolean {
        return reason === "max_run" || reason === "isolate" || reason === "low_flow" || reason === "no_flow" || reason === "leak" || reason === "zone_locked"
    }

    /** Diary records of a dosed run: product, amount, zone, and the pre-harvest interval. */
    private recordDose(j: Job): void {
        const inj = this.cfg.injector
        if (j.dose === null || inj === undefined) return
        const d = j.dose.dose
        const product = "p" + d.product
        this.emit("dose", j.cause, j.zone, j.program, injectedMl(j.dose, inj), product)
        if (j.dose.flushedS < d.flushS) this.emit("flushShort", "safety", j.zone, j.program, j.dose.flushedS, product)
        if (d.phiDays > 0 && j.dose.injectedS > 0) this.emit("phi", j.cause, j.zone, j.program, d.phiDays, product)
    }

    // ---------------------------------------------------------------- tariff

    /** Seconds until the next peak window (0 inside one), from a cache refreshed at its edges. */
    private timeToPeak(local: number): number {
        if (this.cfg.peakPolicy === "allow") return NO_PEAK
        if (this.peakAt === NO_PEAK || local < this.peakAt || local >= this.peak.to) {
            this.peak = nextPeak(this.cfg.tariff, local)
            this.peakAt = local
        }
        return local >= this.peak.from ? 0 : this.peak.from - local
    }

    /** Unforced runs stop before a peak window begins (one tick ahead): they keep their
     *  remaining time and resume after it. */
    private stopForPeak(ttp: number): void {
        if (ttp > this.cfg.tickS) return
        for (let z = 0; z < this.zoneJob.length; z++) {
            const j = this.zoneJob[z]
            if (j === null || j.force || this.stopReq[z] !== "") continue
            this.emit("runSplit", "tariff", z, j.program, j.remainingS, "peak")
            this.requestStop(z, "peak", "tariff", false)
        }
    }

    // ---------------------------------------------------------------- closing

    private requestStop(z: number, reason: string, cause: Cause, cancel: boolean): void {
        const j = this.zoneJob[z]
        if (j !== null && cancel) j.cancelled = true
        if (this.stopReq[z] === "" || cancel) {
            this.stopReq[z] = reason
            this.stopCause[z] = cause
        }
    }

    /** A running zone whose cycle or water is done asks to close. */
    private endSegments(): void {
        for (let z = 0; z < this.zoneJob.length; z++) {
            const j = this.zoneJob[z]
            if (j === null || this.stopReq[z] !== "") continue
            if (j.remainingS <= 0) this.requestStop(z, "done", j.cause, false)
            else if (j.segLeftS <= 0) this.requestStop(z, "cycle", j.cause, false)
        }
    }

    private hasFlowPathBesides(z: number): boolean {
        for (let y = 0; y < this.vstate.length; y++) {
            if (y !== z && this.vstate[y] === ValveState.Open && this.stopReq[y] === "") return true
        }
        return false
    }

    /** Closes valves that asked to, stopping the pump first when they are the last way out. */
    private sequenceCloses(m: number): void {
        for (let z = 0; z < this.vstate.length; z++) {
            const st = this.vstate[z]
            if (this.stopReq[z] === "" || (st !== ValveState.Opening && st !== ValveState.Open)) continue
            const dj = this.zoneJob[z]
            if (dj !== null && dj.dose !== null && dj.dose.injectedS > 0 && dj.dose.flushedS < dj.dose.dose.flushS && !this.flushWaivedFor(this.stopReq[z]) && this.fault === "") {
                // Product is in the lines: flush with clean water before closing.
                dj.dose.phase = DosePhase.Flush
                continue
            }
            if (!this.cfg.pump.present || this.hasFlowPathBesides(z)) {
                this.closeValve(z, m)
            } else if (this.pumpOn) {
                this.setPump(false, m, this.stopCause[z])
            } else if (m - this.pumpOffAt >= this.cfg.pump.stopLeadS) {
                this.closeValve(z, m)
            }
        }
    }

    private closeValve(z: number, m: number): void {
        const cause = this.stopCause[z]
        const reason = this.stopReq[z]
        this.vstate[z] = ValveState.Closing
        this.vsince[z] = m
        this.stopReq[z] = ""
        const j = this.zoneJob[z]
        this.zoneJob[z] = null
        this.emit("valveClose", cause, z, j === null ? 0 : j.program, m - this.vOnSince[z], reason)
        if (j === null) return
        j.running = false
        if (j.cancelled || j.remainingS <= 0) {
            this.recordDose(j)
            this.emit("runEnd", j.cause, z, j.program, j.wateredS, j.remainingS <= 0 ? "done" : reason)
            this.removeJob(j)
        } else {
            j.notBefore = reason === "cycle" ? m + this.cfg.valveCloseS + j.soakS : m + this.cfg.valveCloseS
            j.deferNoted = false
        }
    }

    private removeJob(j: Job): void {
        const i = this.jobs.indexOf(j)
        if (i < 0) return
        for (let k = i; k < this.jobs.length - 1; k++) this.jobs[k] = this.jobs[k + 1]
        this.jobs.pop()
    }

    private setPump(on: boolean, m: number, cause: Cause): void {
        if (this.pumpOn === on) return
        this.pumpOn = on
        if (!on) this.pumpOffAt = m
        this.emit(on ? "pumpOn" : "pumpOff", cause, -1, 0, 0, "")
    }

    // ---------------------------------------------------------------- opening

    /** Longest cycle a job may run so that the watchdog never has to step in. */
    segmentCapS(z: number): number {
        const c = this.cfg
        return c.zones[z].maxRunS - c.valveOpenS - c.pump.startDelayS - 2 * c.pump.stopLeadS - 6 * c.tickS
    }

    private openCount(): number {
        let n = 0
        for (const v of this.vstate) if (v === ValveState.Opening || v === ValveState.Open) n++
        return n
    }

    private openFlow(): number {
        let f = 0
        for (let z = 0; z < this.vstate.length; z++) {
            const v = this.vstate[z]
            if (v === ValveState.Opening || v === ValveState.Open) f += this.cfg.zones[z].flowLpm
        }
        return f
    }

    private fitsHydraulics(z: number, j: Job): boolean {
        // A dosed run waters alone (the injector feeds the main line), and so does any zone
        // being re-tested after a high flow.
        let dosing = false
        for (const r of this.zoneJob) if (r !== null && r.dose !== null) dosing = true
        if (dosing) return false
        const alone = j.dose !== null || this.suspect !== 0
        if (alone && this.openCount() > 0) return false
        if (this.openCount() >= this.cfg.maxZonesOpen) return false
        if (this.cfg.maxFlowLpm > 0 && this.openFlow() + this.cfg.zones[z].flowLpm > this.cfg.maxFlowLpm) {
            // A single zone above the flow limit may still run alone.
            return this.openCount() === 0
        }
        return true
    }

    /** Whether an unforced job may start now given the next peak window and the policy. */
    private peakAllows(j: Job, ttp: number, segS: number): boolean {
        if (j.force || ttp >= NO_PEAK) return true
        const c = this.cfg
        const lead = c.valveOpenS + c.pump.startDelayS + 2 * c.tickS
        // A dosed run is never split: product must not sit in the lines through a peak.
        const need = c.peakPolicy === "defer" || j.dose !== null ? lead + segS : lead + 60
        return ttp > need
    }

    private startJobs(m: number, ttp: number): void {
        if (this.paused || this.fault !== "" || this.settings.standby) return
        if (this.pumpLock !== "" && this.cfg.pump.present) return
        // A manual run waiting for room: no scheduled run takes the room it makes (else one
        // starts and is paused again every tick, its valve flickering).
        let waiting = false
        for (const j of this.jobs) {
            if (j.running || j.cancelled || m < j.notBefore) continue
            const z = j.zone
            if (this.vstate[z] !== ValveState.Closed || this.zoneJob[z] !== null) continue
            const seg = nextSegment(j, this.segmentCapS(z))
            if (!this.peakAllows(j, ttp, seg)) {
                if (!j.deferNoted) {
                    j.deferNoted = true
                    this.emit("runDeferred", "tariff", z, j.program, j.remainingS, "peak")
                }
                continue
            }
            if (this.zoneLocked(z) || (waiting && !j.priority)) continue
            if (!this.fitsHydraulics(z, j)) {
                if (j.priority) {
                    waiting = true
                    this.preemptFor(j)
                }
                continue
            }
            this.openValve(z, j, seg, m)
        }
    }

    /** A manual run waiting on the hydraulic limit pauses one scheduled run (time kept). */
    private preemptFor(j: Job): void {
        for (let z = 0; z < this.zoneJob.length; z++) {
            const r = this.zoneJob[z]
            if (r !== null && !r.priority && this.stopReq[z] === "") {
                this.emit("runPreempted", j.cause, z, r.program, r.remainingS, "manual")
                this.requestStop(z, "preempted", j.cause, false)
                return
            }
        }
    }

    private openValve(z: number, j: Job, seg: number, m: number): void {
        this.vstate[z] = ValveState.Opening
        this.vsince[z] = m
        this.vOnSince[z] = m
        this.zoneJob[z] = j
        this.stopReq[z] = ""
        j.running = true
        j.segLeftS = seg
        this.emit("valveOpen", j.cause, z, j.program, seg, "")
    }

    private startPump(m: number, ttp: number): void {
        if (!this.cfg.pump.present || this.pumpOn || this.fault !== "" || this.pumpLock !== "") return
        for (let z = 0; z < this.vstate.length; z++) {
            const j = this.zoneJob[z]
            if (j === null || this.vstate[z] !== ValveState.Open || this.stopReq[z] !== "") continue
            if (m - this.vsince[z] < this.cfg.pump.startDelayS) continue
            if (!j.force && ttp <= this.cfg.tickS) continue
            this.setPump(true, m, j.cause)
            return
        }
    }

    // ---------------------------------------------------------------- safety

    /** States that must never happen; meeting one means a bug or a corrupted memory. */
    private checkInvariants(m: number, ttp: number): void {
        let why = ""
        if (this.pumpOn) {
            let open = false
            for (const v of this.vstate) if (v === ValveState.Open) open = true
            if (!open) why = "pump_without_valve"
        }
        if (this.openCount() > this.cfg.maxZonesOpen) why = "hydraulic_limit"
        for (let z = 0; z < this.vstate.length; z++) {
            const v = this.vstate[z]
            if ((v === ValveState.Opening || v === ValveState.Open) && m - this.vOnSince[z] >= this.cfg.zones[z].maxRunS) why = "max_run_exceeded"
            const j = this.zoneJob[z]
            if (j !== null && (j.zone !== z || v === ValveState.Closed)) why = "job_mismatch"
        }
        if (this.injectorOn && (!(this.pumpOn || !this.cfg.pump.present) || this.openMask() === 0)) why = "injector_without_flow"
        if ((this.openMask() & this.lockedZones) !== 0 && this.vstateOpenedWhileLocked()) why = "locked_zone_open"
        if (ttp === 0 && this.pumpOn) {
            let forced = false
            for (const j of this.zoneJob) if (j !== null && j.force) forced = true
            if (!forced) why = "pump_in_peak"
        }
        if (why !== "") this.enterSafeState(why, m)
    }

    /** A locked zone may still be finishing its close sequence; it must not be newly opened. */
    private vstateOpenedWhileLocked(): boolean {
        for (let z = 0; z < this.vstate.length; z++) {
            if (!this.zoneLocked(z)) continue
            const j = this.zoneJob[z]
            if (j !== null && !j.cancelled) return true
        }
        return false
    }

    /** All valves closed and the pump off at once, every job dropped, latched until cleared. */
    enterSafeState(why: string, m: number): void {
        const now = isInt(m) ? m : this.lastMono
        this.injectorOn = false
        if (this.pumpOn) {
            this.pumpOn = false
            this.pumpOffAt = now
        }
        for (let z = 0; z < this.vstate.length; z++) {
            if (this.vstate[z] === ValveState.Opening || this.vstate[z] === ValveState.Open) {
                this.vstate[z] = ValveState.Closing
                this.vsince[z] = now
            }
            this.zoneJob[z] = null
            this.stopReq[z] = ""
        }
        this.jobs = []
        this.fault = why
        this.emit("safeState", "safety", -1, 0, 0, why)
        this.alarm("safe_state", -1, 0, why)
    }

    // ---------------------------------------------------------------- commands

    /** Applies a command from the keypad or the network. Every field is validated; a rejected
     *  command changes nothing. Effects show in the outputs of the next step(). */
    command(cmd: any, source: Cause): CommandResult {
        if (!this.restored) return fail("not_ready")
        if (cmd === null || typeof cmd !== "object" || typeof cmd.k !== "string") return fail("bad_command")
        const k: string = cmd.k
        const nz = this.cfg.zones.length
        if (k === "run") {
            if (!isIntIn(cmd.zone, 0, nz - 1)) return fail("bad_zone")
            if (!isIntIn(cmd.seconds, 1, MAX_ZONE_S)) return fail("bad_seconds")
            if (cmd.force !== undefined && !isBool(cmd.force)) return fail("bad_force")
            if (this.settings.standby) return fail("standby")
            if (this.fault !== "") return fail("fault")
            if (this.zoneLocked(cmd.zone)) return fail("zone_locked")
            if (this.pumpLock !== "" && this.cfg.pump.present) return fail("pump_locked")
            let dose: Dose | null = null
            if (cmd.dose !== undefined) {
                const err = doseError(cmd.dose, this.cfg.injector, cmd.seconds, this.flowSup !== null)
                if (err !== "") return fail(err)
                if (cmd.seconds > this.segmentCapS(cmd.zone)) return fail("dose_run_too_long")
                dose = cmd.dose
            }
            this.cancelZone(cmd.zone, source, "replaced")
            this.addJob(cmd.zone, cmd.seconds, source, null, cmd.force === true, true, dose)
            return ok()
        }
        if (k === "stopAll") {
            this.stopAll(source)
            return ok()
        }
        if (k === "stopZone") {
            if (!isIntIn(cmd.zone, 0, nz - 1)) return fail("bad_zone")
            this.cancelZone(cmd.zone, source, "stopped")
            return ok()
        }
        if (k === "pause") {
            if (!isIntIn(cmd.seconds, 0, 7 * 86400)) return fail("bad_seconds")
            this.paused = true
            this.pauseUntil = cmd.seconds > 0 ? this.lastMono + cmd.seconds : 0
            for (let z = 0; z < this.zoneJob.length; z++) if (this.zoneJob[z] !== null) this.requestStop(z, "paused", source, false)
            this.emit("pause", source, -1, 0, cmd.seconds, "")
            return ok()
        }
        if (k === "resume") {
            if (!this.paused) return fail("not_paused")
            this.resume(source)
            return ok()
        }
        if (k === "runProgram") {
            if (!isIntIn(cmd.id, 1, MAX_PROGRAMS)) return fail("bad_id")
            const p = this.programs[cmd.id - 1]
            if (p === null) return fail("no_program")
            if (this.settings.standby) return fail("standby")
            if (this.fault !== "") return fail("fault")
            this.enqueueProgram(p, source)
            return ok()
        }
        if (k === "rainDelay") {
            if (!isIntIn(cmd.hours, 0, 30 * 24)) return fail("bad_hours")
            if (cmd.hours > 0 && this.lastWall < MIN_VALID_WALL) return fail("no_clock")
            this.settings.rainDelayUntil = cmd.hours > 0 ? this.lastWall + cmd.hours * 3600 : 0
            this.write(SETTINGS_KEY, encodeSettings(this.settings))
            this.emit("rainDelay", source, -1, 0, cmd.hours, "")
            return ok()
        }
        if (k === "standby") {
            if (!isBool(cmd.on)) return fail("bad_on")
            if (cmd.on) this.stopAll(source)
            this.settings.standby = cmd.on
            this.write(SETTINGS_KEY, encodeSettings(this.settings))
            this.emit("standby", source, -1, 0, cmd.on ? 1 : 0, "")
            return ok()
        }
        if (k === "saveProgram") {
            const err = programError(cmd.program, nz)
            if (err !== "") return fail(err)
            const p = cleanProgram(cmd.program)
            this.programs[p.id - 1] = p
            this.write(programKey(p.id), encodeProgram(p))
            if (this.lastWall >= MIN_VALID_WALL) {
                // Starts already passed today do not fire late just because they were added now.
                const local = toLocalSeconds(this.lastWall, this.cfg.utcOffsetMin)
                this.fired[p.id - 1] = this.passedKey(p, dayNumber(local), minuteOfDay(local))
                this.write(FIRED_KEY, encodeFired(this.fired))
            }
            this.emit("programSaved", source, -1, p.id, 0, "")
            return ok()
        }
        if (k === "deleteProgram") {
            if (!isIntIn(cmd.id, 1, MAX_PROGRAMS)) return fail("bad_id")
            if (this.programs[cmd.id - 1] === null) return fail("no_program")
            this.programs[cmd.id - 1] = null
            for (const j of this.jobs) if (j.program === cmd.id && !j.cancelled) this.cancelJob(j, source, "program_deleted")
            this.dropCancelledIdle()
            this.write(programKey(cmd.id), "")
            this.emit("programDeleted", source, -1, cmd.id, 0, "")
            return ok()
        }
        if (k === "setBudget") {
            if (!isIntIn(cmd.pct, 0, 250)) return fail("bad_pct")
            this.settings.budgetPct = cmd.pct
            this.write(SETTINGS_KEY, encodeSettings(this.settings))
            this.emit("budget", source, -1, 0, cmd.pct, "")
            return ok()
        }
        if (k === "clearFault") {
            if (this.fault === "") return fail("no_fault")
            this.emit("faultCleared", source, -1, 0, 0, this.fault)
            this.fault = ""
            return ok()
        }
        if (k === "ackAlarm") {
            if (!isIntIn(cmd.id, 0, 2147483647)) return fail("bad_id")
            const gone = this.alarms.ack(cmd.id)
            if (gone.length === 0) return fail("no_alarm")
            for (const a of gone) {
                // Acknowledging a lock-out alarm is how a person releases the lock.
                if (a.kind === "burst" && a.zone >= 0 && this.zoneLocked(a.zone)) {
                    this.lockedZones &= ~(1 << a.zone)
                    this.saveLocks()
                    this.emit("zoneUnlocked", source, a.zone, 0, 0, "")
                }
                if ((a.kind === "no_flow" || a.kind === "leak") && this.pumpLock !== "") {
                    this.pumpLock = ""
                    this.saveLocks()
                    this.emit("pumpUnlocked", source, -1, 0, 0, a.kind)
                }
                this.emit("alarmAck", source, a.zone, 0, a.id, a.kind)
            }
            return ok()
        }
        if (k === "relearnFlow") {
            if (!isIntIn(cmd.zone, -1, nz - 1)) return fail("bad_zone")
            if (this.flowSup === null) return fail("no_flow_meter")
            this.flowSup.relearn(cmd.zone)
            this.write(FLOW_KEY, encodeFlow(this.flowSup.masks, this.flowSup.flows))
            this.emit("flowRelearn", source, cmd.zone, 0, 0, "")
            return ok()
        }
        if (k === "setLang") {
            if (!isIntIn(cmd.lang, 0, 1)) return fail("bad_lang")
            this.settings.lang = cmd.lang
            this.write(SETTINGS_KEY, encodeSettings(this.settings))
            this.emit("lang", source, -1, 0, cmd.lang, "")
            return ok()
        }
        if (k === "setPin") {
            if (!isIntIn(cmd.pin, 0, 9999)) return fail("bad_pin")
            if (!isBool(cmd.on)) return fail("bad_on")
            this.settings.pin = cmd.pin
            this.settings.pinOn = cmd.on
            this.write(SETTINGS_KEY, encodeSettings(this.settings))
            this.emit("pin", source, -1, 0, cmd.on ? 1 : 0, "")
            return ok()
        }
        return fail("unknown_command")
    }

    private resume(source: Cause): void {
        this.paused = false
        this.pauseUntil = 0
        this.emit("resume", source, -1, 0, 0, "")
    }

    private cancelJob(j: Job, source: Cause, reason: string): void {
        if (j.running) {
            this.requestStop(j.zone, reason, source, true)
        } else {
            this.emit("runEnd", source, j.zone, j.program, j.wateredS, reason)
            j.cancelled = true
        }
    }

    private cancelZone(z: number, source: Cause, reason: string): void {
        for (const j of this.jobs) if (j.zone === z && !j.cancelled) this.cancelJob(j, source, reason)
        this.dropCancelledIdle()
    }

    private stopAll(source: Cause): void {
        for (const j of this.jobs) if (!j.cancelled) this.cancelJob(j, source, "stop_all")
        this.dropCancelledIdle()
        this.emit("stopAll", source, -1, 0, 0, "")
    }

    /** Cancelled jobs that hold no valve leave the queue at once. */
    private dropCancelledIdle(): void {
        const keep: Job[] = []
        for (const j of this.jobs) if (!j.cancelled || j.running) keep.push(j)
        this.jobs = keep
    }

    // ---------------------------------------------------------------- status

    status(): Status {
        const zones: ZoneStatus[] = []
        for (let z = 0; z < this.vstate.length; z++) {
            const j = this.zoneJob[z]
            let remaining = 0
            for (const q of this.jobs) if (q.zone === z && !q.cancelled) remaining += q.remainingS
            zones.push({
                state: this.vstate[z],
                remainingS: remaining,
                program: j === null ? 0 : j.program,
                cause: j === null ? "" : j.cause,
                forced: j !== null && j.force,
            })
        }
        const sensors: string[] = []
        const soil: (number | null)[] = []
        for (let i = 0; i < this.sensors.length; i++) {
            sensors.push(this.sensorUsed[i] ? SENSOR_HEALTH_CODES[this.sensors[i].health] : "unused")
            soil.push(this.sensors[i].last)
        }
        let queued = 0
        for (const j of this.jobs) if (!j.running && !j.cancelled) queued++
        return {
            zones: zones,
            pump: this.pumpOn,
            master: this.cfg.masterValve && this.openCount() > 0,
            queued: queued,
            paused: this.paused,
            standby: this.settings.standby,
            rainDelayUntil: this.settings.rainDelayUntil,
            fault: this.fault,
            sensors: sensors,
            soil: soil,
            alarms: this.alarms.items.length,
            lockedZones: this.lockedZones,
            pumpLock: this.pumpLock,
            injector: this.injectorOn,
            flowMlPerMin: this.flowMlPerMin,
        }
    }
}
