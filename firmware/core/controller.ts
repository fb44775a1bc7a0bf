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
import { moistureFactorPct, zoneTargetTenths, newSensorTrack, sensorCount, SENSOR_HEALTH_CODES, SensorHealth, SensorTrack, updateSensor } from "./moisture"
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
/** Stop reasons that must not wait for a flush (faults and safety), space-delimited. */
const FLUSH_WAIVED = " max_run isolate low_flow no_flow leak zone_locked "

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

export class Controller {
    readonly cfg: CoreConfig
    settings: Settings = defaultSettings()
    /** Index id-1; null where no program is stored. */
    programs: (Program | null)[] = []
    /** Last fired start key per program (see startKey). */
    fired: number[] = []
    /** Fired keys unknown (lost record): first valid clock marks today's past starts fired. */
    firedUnknown = false
    restored = false
    /** Non-empty while latched in the safe state after an impossible state. */
    fault = ""
    paused = false
    /** Monotonic time to resume at, 0 = until told. */
    pauseUntil = 0

    vstate: ValveState[] = []
    vsince: number[] = []
    /** Monotonic time the valve output last turned on. */
    vOnSince: number[] = []
    zoneJob: (Job | null)[] = []
    /** Stop request per zone: "" none, else the reason; stopCause says who asked. */
    stopReq: string[] = []
    stopCause: Cause[] = []

    pumpOn = false
    pumpOffAt = -1000000
    jobs: Job[] = []
    nextJobId = 1
    sensors: SensorTrack[] = []
    alarms: AlarmList = new AlarmList()
    /** Flow supervision, null without a flow meter. */
    flowSup: FlowSupervisor | null = null
    /** Zones locked out after a burst (bit mask), until a person acknowledges the alarm. */
    lockedZones = 0
    /** Pump lock-out reason ("" none): "no_flow" or "leak", until acknowledged. */
    pumpLock = ""
    /** Zones of a high-flow set being re-tested one by one (bit mask). */
    suspect = 0
    /** Zones locked for high flow since the last run judged normal (bit mask). */
    highZones = 0
    injectorOn = false
    /** Last measured flow, mL/min (-1 unknown). */
    flowMlPerMin = -1
    /** Zones the planner (planner.ts) waters from their probe (bit mask): programs that follow
     *  the soil skip them. */
    plannedZones = 0
    /** Only sensors some zone refers to are tracked and reported. */
    sensorUsed: boolean[] = []

    events: CoreEvent[] = []
    writes: SettingWrite[] = []
    lastMono = -1
    lastWall = 0
    peak: PeakSpan = { from: NO_PEAK, to: NO_PEAK }
    /** Local time the peak cache was computed at; NO_PEAK forces a recompute. */
    peakAt = NO_PEAK

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
        if (cfg.flow !== undefined && cfg.flow.present) this.flowSup = new FlowSupervisor(cfg.flow)
        // Probes a zone reads: its bulb probe and any probe between its rows.
        const probes = sensorCount(cfg)
        for (let i = 0; i < probes; i++) {
            this.sensors.push(newSensorTrack(0))
            let used = false
            for (const z of cfg.zones) if (z.sensor === i || z.rowSensor === i) used = true
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
        emit(this, "boot", "system", -1, 0, 0, "")
        const s = records[SETTINGS_KEY]
        const settings = decodeSettings(s)
        if (settings === null) {
            this.settings = defaultSettings()
            if (s !== undefined) corrupt(this, SETTINGS_KEY, 0)
            write(this, SETTINGS_KEY, encodeSettings(this.settings))
        } else {
            this.settings = settings
        }
        for (let id = 1; id <= MAX_PROGRAMS; id++) {
            const r = records[programKey(id)]
            if (r === undefined || r === "") continue
            const p = decodeProgram(r, this.cfg.zones.length)
            if (p === null || p.id !== id) {
                corrupt(this, programKey(id), id)
                write(this, programKey(id), "")
            } else {
                this.programs[id - 1] = p
            }
        }
        restoreFlow(this, records)
        const f = decodeFired(records[FIRED_KEY])
        if (f === null) this.firedUnknown = true
        else this.fired = f
        this.restored = true
        emit(this, "restored", "system", -1, 0, this.programCount(), "")
    }

    programCount(): number {
        let n = 0
        for (const p of this.programs) if (p !== null) n++
        return n
    }

    // ---------------------------------------------------------------- the tick

    step(inp: StepInputs): StepOutput {
        const m = inp.monoS
        if (!isInt(m) || m < 0 || !isInt(inp.wallS)) {
            this.enterSafeState("bad_time_input", m)
            return output(this)
        }
        const wallOk = inp.wallS >= MIN_VALID_WALL
        if (this.lastMono >= 0 && m < this.lastMono) {
            this.enterSafeState("mono_backwards", m)
            this.lastMono = m
            return output(this)
        }
        const dt = this.lastMono < 0 ? 0 : m - this.lastMono
        if (wallOk && this.lastWall >= MIN_VALID_WALL) {
            const drift = inp.wallS - (this.lastWall + dt)
            if (drift > CLOCK_JUMP_S || drift < -CLOCK_JUMP_S) {
                this.lastWall = inp.wallS
                emit(this, "clockJump", "system", -1, 0, drift, "")
                this.peakAt = NO_PEAK
            }
        }
        this.lastMono = m
        this.lastWall = wallOk ? inp.wallS : 0
        if (!this.restored) return output(this)

        zonesTick(this, dt, m)
        superviseFlow(this, inp.flowPulses, m)
        readSensors(this, inp.soil, m)
        if (this.paused && this.pauseUntil > 0 && m >= this.pauseUntil) resume(this, "system")
        if (wallOk) fireSchedules(this, inp.wallS)
        // Seconds until the next peak window (0 inside one), from a cache refreshed at its edges.
        let ttp = NO_PEAK
        if (wallOk && this.cfg.peakPolicy !== "allow") {
            const local = toLocalSeconds(inp.wallS, this.cfg.utcOffsetMin)
            if (this.peakAt === NO_PEAK || local < this.peakAt || local >= this.peak.to) {
                this.peak = nextPeak(this.cfg.tariff, local)
                this.peakAt = local
            }
            ttp = local >= this.peak.from ? 0 : this.peak.from - local
        }
        for (let z = 0; z < this.zoneJob.length; z++) {
            const j = this.zoneJob[z]
            if (j === null || this.stopReq[z] !== "") continue
            if (ttp <= this.cfg.tickS && !j.force) {
                // Unforced runs stop before a peak window begins (one tick ahead): they keep
                // their remaining time and resume after it.
                emit(this, "runSplit", "tariff", z, j.program, j.remainingS, "peak")
                requestStop(this, z, "peak", "tariff", false)
            } else if (j.remainingS <= 0) requestStop(this, z, "done", j.cause, false)
            else if (j.segLeftS <= 0) requestStop(this, z, "cycle", j.cause, false) // the cycle is done
        }
        sequenceCloses(this, m)
        startJobs(this, m, ttp)
        startPump(this, m, ttp)
        decideInjector(this, inp.tankOk)
        const sup = this.flowSup
        if (sup !== null && sup.version !== this.learnedVersion) {
            // Learned flows changed: persist them.
            this.learnedVersion = sup.version
            write(this, FLOW_KEY, encodeFlow(sup.masks, sup.flows))
        }
        checkInvariants(this, m, ttp)
        return output(this)
    }

    /** The flow supervisor's version last persisted. */
    learnedVersion = 0

    /** Longest cycle a job may run so that the watchdog never has to step in. */
    segmentCapS(z: number): number {
        const c = this.cfg
        return c.zones[z].maxRunS - c.valveOpenS - c.pump.startDelayS - 2 * c.pump.stopLeadS - 6 * c.tickS
    }

    // ---------------------------------------------------------------- safety

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
        emit(this, "safeState", "safety", -1, 0, 0, why)
        alarm(this, "safe_state", -1, 0, why)
    }

    // ---------------------------------------------------------------- commands

    /** Applies a command from the keypad or the network. Every field is validated; a rejected
     *  command changes nothing. Effects show in the outputs of the next step(). */
    command(cmd: any, source: Cause): CommandResult {
        const e = commandError(this, cmd, source)
        return { ok: e === "", error: e }
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
            master: this.cfg.masterValve && openCount(this) > 0,
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

/** Learned flows and lock-outs; a lock-out survives power cuts and is alarmed again. */
// The controller's steps and helpers are module functions taking the controller (`me`)
// rather than private methods: every method also costs the firmware an entry in its class's
// prototype, and the firmware's function code must stay under DeviceScript's 64 KB limit.

function restoreFlow(me: Controller, records: Record<string, string>): void {
    const fl = records[FLOW_KEY]
    if (me.flowSup !== null && fl !== undefined) {
        const d = decodeFlow(fl)
        if (d === null) {
            corrupt(me, FLOW_KEY, 0)
            write(me, FLOW_KEY, encodeFlow([], []))
        } else {
            me.flowSup.masks = d.masks
            me.flowSup.flows = d.flows
        }
    }
    const lk = records[LOCK_KEY]
    if (lk === undefined) return
    const l = decodeLocks(lk)
    if (l === null) {
        // Unknown locks: safer to assume none than to lock the farm dry; say so loudly.
        corrupt(me, LOCK_KEY, 0)
        write(me, LOCK_KEY, encodeLocks({ zones: 0, pump: "" }))
        return
    }
    me.lockedZones = l.zones & ((1 << me.cfg.zones.length) - 1)
    me.pumpLock = l.pump
    for (let z = 0; z < me.cfg.zones.length; z++) if ((me.lockedZones & (1 << z)) !== 0) alarm(me, "burst", z, 0, "locked")
    if (me.pumpLock !== "") alarm(me, me.pumpLock, -1, 0, "locked")
}

function saveLocks(me: Controller): void {
    write(me, LOCK_KEY, encodeLocks({ zones: me.lockedZones, pump: me.pumpLock }))
}

function corrupt(me: Controller, key: string, program: number): void {
    emit(me, "corrupt", "system", -1, program, 0, key)
    alarm(me, "flash", -1, program, key)
}

/** Raises an alarm and records it in the diary. */
function alarm(me: Controller, kind: string, zone: number, value: number, reason: string): void {
    const id = me.alarms.raise(kind, zone, value, reason, me.lastWall)
    emit(me, "alarm", kind === "sensor" ? "sensor" : "safety", zone, 0, id, kind)
}

function write(me: Controller, key: string, value: string): void {
    for (const w of me.writes) {
        if (w.key === key) {
            w.value = value
            return
        }
    }
    me.writes.push({ key: key, value: value })
}

function emit(me: Controller, kind: string, cause: Cause, zone: number, program: number, value: number, reason: string): void {
    me.events.push({
        t: me.lastWall,
        kind: kind,
        cause: cause,
        zone: zone,
        program: program,
        value: value,
        reason: reason,
    })
}

function output(me: Controller): StepOutput {
    const valves: boolean[] = []
    let any = false
    for (const v of me.vstate) {
        const on = v === ValveState.Opening || v === ValveState.Open
        valves.push(on)
        if (on) any = true
    }
    const out: StepOutput = {
        valves: valves,
        pump: me.pumpOn,
        master: me.cfg.masterValve && any,
        injector: me.injectorOn,
        events: me.events,
        writes: me.writes,
    }
    me.events = []
    me.writes = []
    return out
}

/**
 * Each zone in turn (zones do not affect each other here): water flowed through an Open
 * zone during the last dt if the pump ran (or none exists); time-driven valve transitions
 * Opening -> Open and Closing -> Closed; the maximum run time per valve, with room for the
 * pump-stop lead and two late ticks.
 */
function zonesTick(me: Controller, dt: number, m: number): void {
    const c = me.cfg
    const flowing = me.pumpOn || !c.pump.present
    for (let z = 0; z < me.vstate.length; z++) {
        const job = me.zoneJob[z]
        if (dt > 0 && job !== null && me.vstate[z] === ValveState.Open) {
            if (job.dose !== null && c.injector !== undefined) {
                advanceDose(job.dose, c.injector, job.wateredS + (flowing ? dt : 0), job.remainingS - (flowing ? dt : 0) - c.tickS, dt, me.injectorOn, flowing)
            }
            if (flowing) {
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
        let st = me.vstate[z]
        if (st === ValveState.Opening && m - me.vsince[z] >= c.valveOpenS) {
            me.vstate[z] = ValveState.Open
            me.vsince[z] = m
        } else if (st === ValveState.Closing && m - me.vsince[z] >= c.valveCloseS) {
            me.vstate[z] = ValveState.Closed
            me.vsince[z] = m
        }
        st = me.vstate[z]
        if (st !== ValveState.Opening && st !== ValveState.Open) continue
        const onFor = m - me.vOnSince[z]
        if (onFor + c.pump.stopLeadS + 2 * c.tickS >= c.zones[z].maxRunS && me.stopReq[z] !== "max_run") {
            emit(me, "maxRun", "safety", z, job === null ? 0 : job.program, onFor, "max_run")
            alarm(me, "max_run", z, onFor, "max_run")
            requestStop(me, z, "max_run", "safety", true)
        }
    }
}

function readSensors(me: Controller, soil: (number | null)[], m: number): void {
    for (let i = 0; i < me.sensors.length; i++) {
        if (!me.sensorUsed[i]) continue
        const v = soil !== undefined && soil !== null && i < soil.length ? soil[i] : null
        const tr = me.sensors[i]
        if (updateSensor(tr, v, m, me.cfg.moisture)) {
            const kind = tr.health === SensorHealth.Ok ? "sensorOk" : "sensorFault"
            emit(me, kind, "sensor", -1, 0, i, SENSOR_HEALTH_CODES[tr.health])
            if (tr.health !== SensorHealth.Ok) alarm(me, "sensor", i, 0, SENSOR_HEALTH_CODES[tr.health])
        }
    }
}

function fireSchedules(me: Controller, wallS: number): void {
    const local = toLocalSeconds(wallS, me.cfg.utcOffsetMin)
    const day = dayNumber(local)
    const minute = minuteOfDay(local)
    if (me.firedUnknown) {
        // Lost the record of fired starts: treat today's passed starts as done rather
        // than risk watering twice.
        me.firedUnknown = false
        for (const p of me.programs) if (p !== null) me.fired[p.id - 1] = passedKey(me, p, day, minute)
        write(me, FIRED_KEY, encodeFired(me.fired))
    }
    for (const p of me.programs) {
        if (p === null) continue
        for (let s = 0; s < p.startsMin.length; s++) {
            const key = startKey(day, s)
            const st = p.startsMin[s]
            if (key <= me.fired[p.id - 1] || minute < st || minute >= st + me.cfg.catchUpMin) continue
            if (!runsOnDay(p, day)) continue
            me.fired[p.id - 1] = key
            write(me, FIRED_KEY, encodeFired(me.fired))
            // Why a start due now must not run; it still counts as fired so that it never
            // fires late once the blocker goes away.
            let skip = ""
            if (me.fault !== "") skip = "fault"
            else if (me.settings.standby) skip = "standby"
            else if (me.pumpLock !== "" && me.cfg.pump.present) skip = "pump_locked"
            else if (wallS < me.settings.rainDelayUntil) skip = "rain_delay"
            else if (me.paused) skip = "paused"
            if (skip !== "") emit(me, "runSkipped", "schedule", -1, p.id, 0, skip)
            else enqueueProgram(me, p, "schedule")
        }
    }
}

/** Start key of the last start of p at or before `minute` today (or end of yesterday). */
function passedKey(me: Controller, p: Program, day: number, minute: number): number {
    let key = startKey(day - 1, 3)
    for (let s = 0; s < p.startsMin.length; s++) if (p.startsMin[s] <= minute) key = startKey(day, s)
    return key
}

/** Queues a program's zones with budgets and soil-moisture feedback applied. */
function enqueueProgram(me: Controller, p: Program, cause: Cause): void {
    for (let z = 0; z < p.zoneS.length && z < me.cfg.zones.length; z++) {
        if (p.zoneS[z] <= 0) continue
        if (zoneLocked(me, z)) {
            emit(me, "runSkipped", cause, z, p.id, 0, "zone_locked")
            continue
        }
        let secs = Math.floor((p.zoneS[z] * p.budgetPct * me.settings.budgetPct + 5000) / 10000)
        const zc = me.cfg.zones[z]
        if (p.useMoisture && zc.sensor >= 0) {
            const tr = me.sensors[zc.sensor]
            if (me.plannedZones & (1 << z)) {
                emit(me, "runSkipped", "sensor", z, p.id, 0, "planned")
                continue
            }
            if (tr.health === SensorHealth.Ok && tr.last !== null) {
                const rs = zc.rowSensor
                const rows = rs !== undefined && rs >= 0 ? me.sensors[rs] : null
                const f = moistureFactorPct(tr.last, zoneTargetTenths(zc, rows, me.cfg.moisture), me.cfg.moisture)
                if (f === 0) {
                    emit(me, "runSkipped", "sensor", z, p.id, tr.last, "soil_wet")
                    continue
                }
                if (f !== 100) emit(me, "moistureAdjust", "sensor", z, p.id, f, "")
                secs = Math.floor((secs * f) / 100)
            } else {
                emit(me, "moistureFallback", "sensor", z, p.id, zc.sensor, SENSOR_HEALTH_CODES[tr.health])
            }
        }
        if (secs <= 0) {
            emit(me, "runSkipped", cause, z, p.id, 0, "zero_budget")
            continue
        }
        let queued = false
        for (const j of me.jobs) if (j.zone === z && j.program === p.id && !j.cancelled) queued = true
        if (queued) {
            emit(me, "runSkipped", cause, z, p.id, secs, "already_queued")
            continue
        }
        addJob(me, z, secs, cause, p, false, false, null)
    }
}

/** Queues water for zone z: from program p (its cycle-and-soak applies) or, with p null,
 *  a manual run. At most 8 parameters: DeviceScript's compiler asserts on a 9th. */
function addJob(me: Controller, z: number, secs: number, cause: Cause, p: Program | null, force: boolean, priority: boolean, dose: Dose | null): boolean {
    const program = p === null ? 0 : p.id
    if (me.jobs.length >= MAX_JOBS) {
        emit(me, "runSkipped", cause, z, program, secs, "queue_full")
        alarm(me, "queue_full", z, secs, "queue_full")
        return false
    }
    const job: Job = {
        id: me.nextJobId++,
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
        while (at < me.jobs.length && me.jobs[at].priority) at++
        const next = me.jobs.slice(0, at)
        next.push(job)
        for (let i = at; i < me.jobs.length; i++) next.push(me.jobs[i])
        me.jobs = next
    } else {
        me.jobs.push(job)
    }
    emit(me, "runQueued", cause, z, program, secs, force ? "forced" : "")
    return true
}

/** Zones whose valve passes water: open, or opening (a solenoid valve lets water through as
 *  it opens, so the flow supervisor settles again from the moment one starts to open). */
function openMask(me: Controller): number {
    let mask = 0
    for (let z = 0; z < me.vstate.length; z++) if (me.vstate[z] === ValveState.Open || me.vstate[z] === ValveState.Opening) mask |= 1 << z
    return mask
}

/** Judges the flow meter and acts: the injector stops first on any fault. */
function superviseFlow(me: Controller, pulses: number | undefined, m: number): void {
    const sup = me.flowSup
    if (sup === null || !isInt(pulses)) return
    const mask = openMask(me)
    const flowing = me.cfg.pump.present ? me.pumpOn : mask !== 0
    sup.observe(m, pulses as number, mask, flowing)
    const j = sup.judge(m)
    me.flowMlPerMin = j.measured
    if (j.judgedOk && bitCount(mask) === 1) me.suspect &= ~mask
    // A normal run since: the zones locked before broke on their own.
    if (j.judgedOk) me.highZones = 0
    if (j.verdict === FlowVerdict.None) return
    // The injector stops first on any fault.
    if (me.injectorOn) {
        me.injectorOn = false
        emit(me, "injectorOff", "safety", -1, 0, m, "flow_fault")
        for (const fj of me.zoneJob) if (fj !== null && fj.dose !== null && fj.dose.phase === DosePhase.Inject) fj.dose.phase = DosePhase.Flush
    }
    const lossPct = j.expected > 0 ? Math.floor(((j.expected - j.measured) * 100) / j.expected) : 0
    if (j.verdict === FlowVerdict.High) {
        emit(me, "flowHigh", "safety", -1, 0, j.measured, "" + j.expected)
        if (bitCount(mask) === 1 && (me.highZones & ~mask) !== 0) {
            // A second zone alone runs high with no normal run between: the water leaves before
            // the zones (main line broken, or a valve stuck open). The zones locked on the way
            // were healthy: released; the pump stays off until a person acknowledges.
            for (let z = 0; z < me.vstate.length; z++) {
                if ((me.highZones & (1 << z)) === 0) continue
                me.lockedZones &= ~(1 << z)
                emit(me, "zoneUnlocked", "safety", z, 0, 0, "main_line")
            }
            me.highZones = 0
            me.suspect = 0
            stopPumpFor(me, m, "flowLeak", "leak", j.measured, "main_line")
        } else if (bitCount(mask) === 1) {
            me.highZones |= mask
            for (let z = 0; z < me.vstate.length; z++) if ((mask & (1 << z)) !== 0) lockZone(me, z, -lossPct)
        } else {
            // Which zone broke? Close them all and re-test each alone.
            me.suspect |= mask
            for (let z = 0; z < me.vstate.length; z++) if ((mask & (1 << z)) !== 0 && me.zoneJob[z] !== null) requestStop(me, z, "isolate", "safety", false)
        }
    } else if (j.verdict === FlowVerdict.Low) {
        // The one open zone (its lowest bit), or -1 with several.
        let z = -1
        if (bitCount(mask) === 1) {
            z = 0
            while ((mask & (1 << z)) === 0) z++
        }
        emit(me, "flowLow", "safety", z, 0, j.measured, "" + j.expected)
        alarm(me, "clog", z, lossPct, "low_flow")
        if (me.cfg.flow !== undefined && me.cfg.flow.lowFlowStops) {
            for (let y = 0; y < me.vstate.length; y++) if ((mask & (1 << y)) !== 0 && me.zoneJob[y] !== null) requestStop(me, y, "low_flow", "safety", true)
        }
    } else {
        // No flow (pump failure, dry well, valve not opening, dead meter) or flow while
        // nothing runs (leak, stuck valve, main break): pump off now and locked.
        const why = j.verdict === FlowVerdict.NoFlow ? "no_flow" : "leak"
        stopPumpFor(me, m, j.verdict === FlowVerdict.NoFlow ? "flowNone" : "flowLeak", why, j.measured, why)
    }
}

/** Pump off now and locked for `why` ("no_flow" or "leak") until acknowledged; every run
 *  cancelled. */
function stopPumpFor(me: Controller, m: number, event: string, why: string, measured: number, reason: string): void {
    emit(me, event, "safety", -1, 0, measured, reason)
    me.pumpLock = why
    saveLocks(me)
    alarm(me, why, -1, measured, reason)
    setPump(me, false, m, "safety")
    for (const job of me.jobs) if (!job.cancelled) cancelJob(me, job, "safety", why)
    dropCancelledIdle(me)
}

function lockZone(me: Controller, z: number, value: number): void {
    me.lockedZones |= 1 << z
    me.suspect &= ~(1 << z)
    saveLocks(me)
    alarm(me, "burst", z, value, "high_flow")
    for (const job of me.jobs) if (job.zone === z && !job.cancelled) cancelJob(me, job, "safety", "zone_locked")
    dropCancelledIdle(me)
}

function zoneLocked(me: Controller, z: number): boolean {
    return (me.lockedZones & (1 << z)) !== 0
}

/** The injector runs only for a dosed zone in its injection phase, with the pump on,
 *  flow confirmed by the meter and product in the tank. */
function decideInjector(me: Controller, tankOk: boolean | undefined): void {
    const inj = me.cfg.injector
    let on = false
    if (inj !== undefined && inj.present && me.fault === "" && me.flowSup !== null) {
        const flowOk = me.flowSup.confirmed(me.lastMono) && (me.pumpOn || !me.cfg.pump.present)
        for (let z = 0; z < me.vstate.length; z++) {
            const j = me.zoneJob[z]
            if (j === null || j.dose === null || j.dose.phase !== DosePhase.Inject) continue
            if (tankOk === false) {
                j.dose.phase = DosePhase.Flush
                alarm(me, "tank_empty", z, injectedMl(j.dose, inj), "tank_empty")
                continue
            }
            if (me.vstate[z] === ValveState.Open && me.stopReq[z] === "" && flowOk) on = true
        }
    }
    if (on === me.injectorOn) return
    me.injectorOn = on
    emit(me, on ? "injectorOn" : "injectorOff", on ? "schedule" : "system", -1, 0, me.flowMlPerMin, "")
}

function requestStop(me: Controller, z: number, reason: string, cause: Cause, cancel: boolean): void {
    const j = me.zoneJob[z]
    if (j !== null && cancel) j.cancelled = true
    if (me.stopReq[z] === "" || cancel) {
        me.stopReq[z] = reason
        me.stopCause[z] = cause
    }
}

/** Closes valves that asked to, stopping the pump first when they are the last way out. */
function sequenceCloses(me: Controller, m: number): void {
    for (let z = 0; z < me.vstate.length; z++) {
        const st = me.vstate[z]
        if (me.stopReq[z] === "" || (st !== ValveState.Opening && st !== ValveState.Open)) continue
        const dj = me.zoneJob[z]
        if (dj !== null && dj.dose !== null && dj.dose.injectedS > 0 && dj.dose.flushedS < dj.dose.dose.flushS && FLUSH_WAIVED.indexOf(" " + me.stopReq[z] + " ") < 0 && me.fault === "") {
            // Product is in the lines: flush with clean water before closing.
            dj.dose.phase = DosePhase.Flush
            continue
        }
        // Another open valve still lets the pump's water out?
        let path = false
        for (let y = 0; y < me.vstate.length; y++) if (y !== z && me.vstate[y] === ValveState.Open && me.stopReq[y] === "") path = true
        if (!me.cfg.pump.present || path) {
            closeValve(me, z, m)
        } else if (me.pumpOn) {
            setPump(me, false, m, me.stopCause[z])
        } else if (m - me.pumpOffAt >= me.cfg.pump.stopLeadS) {
            closeValve(me, z, m)
        }
    }
}

function closeValve(me: Controller, z: number, m: number): void {
    const cause = me.stopCause[z]
    const reason = me.stopReq[z]
    me.vstate[z] = ValveState.Closing
    me.vsince[z] = m
    me.stopReq[z] = ""
    const j = me.zoneJob[z]
    me.zoneJob[z] = null
    emit(me, "valveClose", cause, z, j === null ? 0 : j.program, m - me.vOnSince[z], reason)
    if (j === null) return
    j.running = false
    if (j.cancelled || j.remainingS <= 0) {
        const inj = me.cfg.injector
        if (j.dose !== null && inj !== undefined) {
            // Diary records of a dosed run: product, amount, zone, pre-harvest interval.
            const d = j.dose.dose
            const product = "p" + d.product
            emit(me, "dose", j.cause, j.zone, j.program, injectedMl(j.dose, inj), product)
            if (j.dose.flushedS < d.flushS) emit(me, "flushShort", "safety", j.zone, j.program, j.dose.flushedS, product)
            if (d.phiDays > 0 && j.dose.injectedS > 0) emit(me, "phi", j.cause, j.zone, j.program, d.phiDays, product)
        }
        emit(me, "runEnd", j.cause, z, j.program, j.wateredS, j.remainingS <= 0 ? "done" : reason)
        const i = me.jobs.indexOf(j)
        if (i >= 0) {
            for (let k = i; k < me.jobs.length - 1; k++) me.jobs[k] = me.jobs[k + 1]
            me.jobs.pop()
        }
    } else {
        j.notBefore = reason === "cycle" ? m + me.cfg.valveCloseS + j.soakS : m + me.cfg.valveCloseS
        j.deferNoted = false
    }
}

function setPump(me: Controller, on: boolean, m: number, cause: Cause): void {
    if (me.pumpOn === on) return
    me.pumpOn = on
    if (!on) me.pumpOffAt = m
    emit(me, on ? "pumpOn" : "pumpOff", cause, -1, 0, 0, "")
}

function openCount(me: Controller): number {
    let n = 0
    for (const v of me.vstate) if (v === ValveState.Opening || v === ValveState.Open) n++
    return n
}

function fitsHydraulics(me: Controller, z: number, j: Job): boolean {
    // A dosed run waters alone (the injector feeds the main line), and so does any zone
    // being re-tested after a high flow.
    let dosing = false
    for (const r of me.zoneJob) if (r !== null && r.dose !== null) dosing = true
    if (dosing) return false
    const alone = j.dose !== null || me.suspect !== 0
    if (alone && openCount(me) > 0) return false
    if (openCount(me) >= me.cfg.maxZonesOpen) return false
    let flow = me.cfg.zones[z].flowLpm
    for (let y = 0; y < me.vstate.length; y++) {
        const v = me.vstate[y]
        if (v === ValveState.Opening || v === ValveState.Open) flow += me.cfg.zones[y].flowLpm
    }
    if (me.cfg.maxFlowLpm > 0 && flow > me.cfg.maxFlowLpm) {
        // A single zone above the flow limit may still run alone.
        return openCount(me) === 0
    }
    return true
}

function startJobs(me: Controller, m: number, ttp: number): void {
    if (me.paused || me.fault !== "" || me.settings.standby) return
    if (me.pumpLock !== "" && me.cfg.pump.present) return
    // A manual run waiting for room: no scheduled run takes the room it makes (else one
    // starts and is paused again every tick, its valve flickering).
    let waiting = false
    for (const j of me.jobs) {
        if (j.running || j.cancelled || m < j.notBefore) continue
        const z = j.zone
        if (me.vstate[z] !== ValveState.Closed || me.zoneJob[z] !== null) continue
        const seg = nextSegment(j, me.segmentCapS(z))
        if (!j.force && ttp < NO_PEAK) {
            // An unforced job starts only well before the next peak window. A dosed run is
            // never split: product must not sit in the lines through a peak.
            const c = me.cfg
            const lead = c.valveOpenS + c.pump.startDelayS + 2 * c.tickS
            if (ttp <= (c.peakPolicy === "defer" || j.dose !== null ? lead + seg : lead + 60)) {
                if (!j.deferNoted) {
                    j.deferNoted = true
                    emit(me, "runDeferred", "tariff", z, j.program, j.remainingS, "peak")
                }
                continue
            }
        }
        if (zoneLocked(me, z) || (waiting && !j.priority)) continue
        if (!fitsHydraulics(me, z, j)) {
            // A manual run waiting on the hydraulic limit pauses one scheduled run (time kept).
            if (j.priority) {
                waiting = true
                for (let y = 0; y < me.zoneJob.length; y++) {
                    const r = me.zoneJob[y]
                    if (r !== null && !r.priority && me.stopReq[y] === "") {
                        emit(me, "runPreempted", j.cause, y, r.program, r.remainingS, "manual")
                        requestStop(me, y, "preempted", j.cause, false)
                        break
                    }
                }
            }
            continue
        }
        me.vstate[z] = ValveState.Opening
        me.vsince[z] = m
        me.vOnSince[z] = m
        me.zoneJob[z] = j
        me.stopReq[z] = ""
        j.running = true
        j.segLeftS = seg
        emit(me, "valveOpen", j.cause, z, j.program, seg, "")
    }
}

function startPump(me: Controller, m: number, ttp: number): void {
    if (!me.cfg.pump.present || me.pumpOn || me.fault !== "" || me.pumpLock !== "") return
    for (let z = 0; z < me.vstate.length; z++) {
        const j = me.zoneJob[z]
        if (j === null || me.vstate[z] !== ValveState.Open || me.stopReq[z] !== "") continue
        if (m - me.vsince[z] < me.cfg.pump.startDelayS) continue
        if (!j.force && ttp <= me.cfg.tickS) continue
        setPump(me, true, m, j.cause)
        return
    }
}

/** States that must never happen; meeting one means a bug or a corrupted memory. */
function checkInvariants(me: Controller, m: number, ttp: number): void {
    let why = ""
    if (me.pumpOn) {
        let open = false
        for (const v of me.vstate) if (v === ValveState.Open) open = true
        if (!open) why = "pump_without_valve"
    }
    if (openCount(me) > me.cfg.maxZonesOpen) why = "hydraulic_limit"
    for (let z = 0; z < me.vstate.length; z++) {
        const v = me.vstate[z]
        if ((v === ValveState.Opening || v === ValveState.Open) && m - me.vOnSince[z] >= me.cfg.zones[z].maxRunS) why = "max_run_exceeded"
        const j = me.zoneJob[z]
        if (j !== null && (j.zone !== z || v === ValveState.Closed)) why = "job_mismatch"
    }
    if (me.injectorOn && (!(me.pumpOn || !me.cfg.pump.present) || openMask(me) === 0)) why = "injector_without_flow"
    // A locked zone may still be finishing its close sequence; it must not be newly opened.
    if ((openMask(me) & me.lockedZones) !== 0) {
        for (let z = 0; z < me.vstate.length; z++) {
            const j = me.zoneJob[z]
            if (zoneLocked(me, z) && j !== null && !j.cancelled) why = "locked_zone_open"
        }
    }
    if (ttp === 0 && me.pumpOn) {
        let forced = false
        for (const j of me.zoneJob) if (j !== null && j.force) forced = true
        if (!forced) why = "pump_in_peak"
    }
    if (why !== "") me.enterSafeState(why, m)
}

/** command()'s work: "" when carried out, else the error code (nothing changed). */
function commandError(me: Controller, cmd: any, source: Cause): string {
    if (!me.restored) return "not_ready"
    if (cmd === null || typeof cmd !== "object" || typeof cmd.k !== "string") return "bad_command"
    const k: string = cmd.k
    const nz = me.cfg.zones.length
    if (k === "run") {
        if (!isIntIn(cmd.zone, 0, nz - 1)) return "bad_zone"
        if (!isIntIn(cmd.seconds, 1, MAX_ZONE_S)) return "bad_seconds"
        if (cmd.force !== undefined && !isBool(cmd.force)) return "bad_force"
        if (me.settings.standby) return "standby"
        if (me.fault !== "") return "fault"
        if (zoneLocked(me, cmd.zone)) return "zone_locked"
        if (me.pumpLock !== "" && me.cfg.pump.present) return "pump_locked"
        let dose: Dose | null = null
        if (cmd.dose !== undefined) {
            const err = doseError(cmd.dose, me.cfg.injector, cmd.seconds, me.flowSup !== null)
            if (err !== "") return err
            if (cmd.seconds > me.segmentCapS(cmd.zone)) return "dose_run_too_long"
            dose = cmd.dose
        }
        cancelZone(me, cmd.zone, source, "replaced")
        addJob(me, cmd.zone, cmd.seconds, source, null, cmd.force === true, true, dose)
        return ""
    }
    if (k === "stopAll") {
        stopAll(me, source)
        return ""
    }
    if (k === "stopZone") {
        if (!isIntIn(cmd.zone, 0, nz - 1)) return "bad_zone"
        cancelZone(me, cmd.zone, source, "stopped")
        return ""
    }
    if (k === "pause") {
        if (!isIntIn(cmd.seconds, 0, 7 * 86400)) return "bad_seconds"
        me.paused = true
        me.pauseUntil = cmd.seconds > 0 ? me.lastMono + cmd.seconds : 0
        for (let z = 0; z < me.zoneJob.length; z++) if (me.zoneJob[z] !== null) requestStop(me, z, "paused", source, false)
        emit(me, "pause", source, -1, 0, cmd.seconds, "")
        return ""
    }
    if (k === "resume") {
        if (!me.paused) return "not_paused"
        resume(me, source)
        return ""
    }
    if (k === "runProgram") {
        if (!isIntIn(cmd.id, 1, MAX_PROGRAMS)) return "bad_id"
        const p = me.programs[cmd.id - 1]
        if (p === null) return "no_program"
        if (me.settings.standby) return "standby"
        if (me.fault !== "") return "fault"
        enqueueProgram(me, p, source)
        return ""
    }
    if (k === "rainDelay") {
        if (!isIntIn(cmd.hours, 0, 30 * 24)) return "bad_hours"
        if (cmd.hours > 0 && me.lastWall < MIN_VALID_WALL) return "no_clock"
        me.settings.rainDelayUntil = cmd.hours > 0 ? me.lastWall + cmd.hours * 3600 : 0
        settingChanged(me, "rainDelay", source, cmd.hours)
        return ""
    }
    if (k === "standby") {
        if (!isBool(cmd.on)) return "bad_on"
        if (cmd.on) stopAll(me, source)
        me.settings.standby = cmd.on
        settingChanged(me, "standby", source, cmd.on ? 1 : 0)
        return ""
    }
    if (k === "saveProgram") {
        const err = programError(cmd.program, nz)
        if (err !== "") return err
        const p = cleanProgram(cmd.program)
        me.programs[p.id - 1] = p
        write(me, programKey(p.id), encodeProgram(p))
        if (me.lastWall >= MIN_VALID_WALL) {
            // Starts already passed today do not fire late just because they were added now.
            const local = toLocalSeconds(me.lastWall, me.cfg.utcOffsetMin)
            me.fired[p.id - 1] = passedKey(me, p, dayNumber(local), minuteOfDay(local))
            write(me, FIRED_KEY, encodeFired(me.fired))
        }
        emit(me, "programSaved", source, -1, p.id, 0, "")
        return ""
    }
    if (k === "deleteProgram") {
        if (!isIntIn(cmd.id, 1, MAX_PROGRAMS)) return "bad_id"
        if (me.programs[cmd.id - 1] === null) return "no_program"
        me.programs[cmd.id - 1] = null
        for (const j of me.jobs) if (j.program === cmd.id && !j.cancelled) cancelJob(me, j, source, "program_deleted")
        dropCancelledIdle(me)
        write(me, programKey(cmd.id), "")
        emit(me, "programDeleted", source, -1, cmd.id, 0, "")
        return ""
    }
    if (k === "setBudget") {
        if (!isIntIn(cmd.pct, 0, 250)) return "bad_pct"
        me.settings.budgetPct = cmd.pct
        settingChanged(me, "budget", source, cmd.pct)
        return ""
    }
    if (k === "clearFault") {
        if (me.fault === "") return "no_fault"
        emit(me, "faultCleared", source, -1, 0, 0, me.fault)
        me.fault = ""
        return ""
    }
    if (k === "ackAlarm") {
        if (!isIntIn(cmd.id, 0, 2147483647)) return "bad_id"
        const gone = me.alarms.ack(cmd.id)
        if (gone.length === 0) return "no_alarm"
        for (const a of gone) {
            // Acknowledging a lock-out alarm is how a person releases the lock.
            if (a.kind === "burst" && a.zone >= 0 && zoneLocked(me, a.zone)) {
                me.lockedZones &= ~(1 << a.zone)
                saveLocks(me)
                emit(me, "zoneUnlocked", source, a.zone, 0, 0, "")
            }
            if ((a.kind === "no_flow" || a.kind === "leak") && me.pumpLock !== "") {
                me.pumpLock = ""
                saveLocks(me)
                emit(me, "pumpUnlocked", source, -1, 0, 0, a.kind)
            }
            emit(me, "alarmAck", source, a.zone, 0, a.id, a.kind)
        }
        return ""
    }
    if (k === "relearnFlow") {
        if (!isIntIn(cmd.zone, -1, nz - 1)) return "bad_zone"
        if (me.flowSup === null) return "no_flow_meter"
        me.flowSup.relearn(cmd.zone)
        write(me, FLOW_KEY, encodeFlow(me.flowSup.masks, me.flowSup.flows))
        emit(me, "flowRelearn", source, cmd.zone, 0, 0, "")
        return ""
    }
    if (k === "setLang") {
        if (!isIntIn(cmd.lang, 0, 1)) return "bad_lang"
        me.settings.lang = cmd.lang
        settingChanged(me, "lang", source, cmd.lang)
        return ""
    }
    if (k === "setPin") {
        if (!isIntIn(cmd.pin, 0, 9999)) return "bad_pin"
        if (!isBool(cmd.on)) return "bad_on"
        me.settings.pin = cmd.pin
        me.settings.pinOn = cmd.on
        settingChanged(me, "pin", source, cmd.on ? 1 : 0)
        return ""
    }
    return "unknown_command"
}

/** Persists the settings and records the change. */
function settingChanged(me: Controller, kind: string, source: Cause, value: number): void {
    write(me, SETTINGS_KEY, encodeSettings(me.settings))
    emit(me, kind, source, -1, 0, value, "")
}

function resume(me: Controller, source: Cause): void {
    me.paused = false
    me.pauseUntil = 0
    emit(me, "resume", source, -1, 0, 0, "")
}

function cancelJob(me: Controller, j: Job, source: Cause, reason: string): void {
    if (j.running) {
        requestStop(me, j.zone, reason, source, true)
    } else {
        emit(me, "runEnd", source, j.zone, j.program, j.wateredS, reason)
        j.cancelled = true
    }
}

function cancelZone(me: Controller, z: number, source: Cause, reason: string): void {
    for (const j of me.jobs) if (j.zone === z && !j.cancelled) cancelJob(me, j, source, reason)
    dropCancelledIdle(me)
}

function stopAll(me: Controller, source: Cause): void {
    for (const j of me.jobs) if (!j.cancelled) cancelJob(me, j, source, "stop_all")
    dropCancelledIdle(me)
    emit(me, "stopAll", source, -1, 0, 0, "")
}

/** Cancelled jobs that hold no valve leave the queue at once. */
function dropCancelledIdle(me: Controller): void {
    const keep: Job[] = []
    for (const j of me.jobs) if (!j.cancelled || j.running) keep.push(j)
    me.jobs = keep
}
