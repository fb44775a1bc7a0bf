// The coupled farm simulation: one strategy (our controller core, or a baseline) drives the
// valves and the pump of a farm; the hydraulic model turns them into zone flows and pump power;
// the flows become irrigation depths in each zone's FAO-56 root zone, which also gets the hour's
// rain and ET; the pump's power is billed on the time-of-use tariff; probes read the wetted bulb
// for the controller.
//
// Time: t is seconds since the start of the run, which is local midnight of the first day
// (wall clock = startUtcS + t, local = UTC + the profile's offset). The strategy is called every
// tickS = 60 s and its outputs hold until the next call. A zone's soil is stepped at every hour
// boundary and whenever its flow changes, so each soil step has constant rates (the hour's ET0
// and rain prorated); probes are read every probes.readEveryMin. Hydraulic solves happen only
// when the commanded state changes (and are cached by the model). Same inputs, same numbers.

import { CropParams, kcOn } from "./crops"
import { EnergyMeter } from "./energy"
import { Farm } from "./farm"
import { ProbeBank } from "./farm-probes"
import { RunWeather } from "./farm-weather"
import { FaultSchedule } from "./faults"
import { instrumentsFor, ProductTank, PulseMeter, wireInstruments } from "./meter"
import { Commands, Faults, HydraulicModel, noFaults, OperatingPoint } from "./hydraulics"
import { RootZone, StepInput, StepResult, yieldLossPct } from "./soil-water"

export const TICK_S = 60
const HOUR_S = 3600
const DAY_S = 86400

export interface StrategyOutput {
    valves: readonly boolean[]
    pump: boolean
    master: boolean
}

export interface SimAlarm {
    /** Seconds since the start of the run. */
    t: number
    kind: string
    zone: number
    reason: string
}

export interface Strategy {
    readonly name: string
    /** The rules this strategy follows, in words, for the report. */
    readonly rules: string
    /** Called once, before the first tick. */
    start(sim: FarmSim): void
    /** Called every TICK_S seconds at time t; the outputs hold until the next call. */
    tick(t: number): StrategyOutput
    alarms(): SimAlarm[]
    /** Short lines about what the strategy did lately, newest last (live view). */
    recent?(): string[]
    /** After tick(t): the next time the strategy needs a call if no input changes (its outputs
     *  hold until then); undefined = the next TICK_S. The sim still stops for probe readings
     *  and faults. */
    idleUntil?(t: number): number | undefined
}

export interface RunOptions {
    farm: Farm
    weather: RunWeather
    strategy: Strategy
    seed: number
    /** Faults injected at their times (sim/faults.ts); none by default. */
    faults?: FaultSchedule
    /** Step the strategy every fineTickS seconds (the box ticks every 1 s) for a while after
     *  the pump, a valve or a fault changes, so flow supervision acts at its own pace; TICK_S
     *  otherwise. Undefined or 0: TICK_S always. */
    fineTickS?: number
}

export interface ZoneTotals {
    irrigationL: number
    irrigationMm: number
    rainMm: number
    etcMm: number
    etaMm: number
    deepPercolationMm: number
    irrigationDeepPercolationMm: number
    runoffMm: number
    storageStartMm: number
    storageEndMm: number
    stressDays: number
    waterloggedDays: number
    minKs: number
    yieldLossPct: number
}

export class FarmSim {
    readonly farm: Farm
    readonly weather: RunWeather
    readonly strategy: Strategy
    readonly seed: number
    readonly zoneCount: number
    /** UTC seconds at t = 0 (local midnight of the first day). */
    readonly startUtcS: number
    readonly utcOffsetS: number
    readonly endS: number
    readonly model: HydraulicModel
    readonly faults: Faults
    readonly zones: RootZone[]
    readonly probes: ProbeBank
    /** Latest reading per sensor index (zone index of the probe), tenths of % v/v or null. */
    readonly soil: (number | null)[]
    readonly energy: EnergyMeter
    /** The main line's pulse meter and the product tank (sim/meter.ts), null without one. */
    readonly meter: PulseMeter | null
    readonly tank: ProductTank | null
    readonly faultSchedule: FaultSchedule | null
    /** The strategy's injector output (the core's StepOutput.injector). */
    injectorOn = false
    /** Seconds since the start of the run. */
    t = 0
    private readonly fineTickS: number
    private readonly fineHoldS: number
    private fineUntil = -1
    private senseT = 0

    private readonly kc: Float64Array[]
    private readonly lastStepS: Float64Array
    /** Irrigation rate of each zone, mm (over the zone) per second. */
    private readonly rate: Float64Array
    private readonly acc: Float64Array[]
    private readonly storageStart: number[]
    private readonly stressByZone: Uint8Array[]
    private readonly stressAny: Uint8Array
    private readonly wetByZone: Uint8Array[]
    private readonly wetAny: Uint8Array
    private readonly minKs: Float64Array
    private readonly cmd: Commands
    private readonly cmdValves: boolean[]
    private op: OperatingPoint
    private powerW = 0
    private powerSince = 0
    private pumpSeconds = 0
    private readonly probeEveryS: number
    /** Input of each soil step, reused; every field is set before each step. NaN rather than 0
     *  at first, so V8 stores the fields as floats from the start (no hidden-class change). */
    private readonly stepIn: StepInput = { dtS: NaN, et0Mm: NaN, rainMm: NaN, irrigationMm: NaN, kc: NaN }
    /** Result of the last soil step (RootZone.stepInto), reused. Fields start as fractions
     *  (NaN), not small integers, so V8 keeps one hidden class for it. */
    private readonly stepOut: StepResult = { etcMm: NaN, etaMm: NaN, ks: NaN, deepPercolationMm: NaN, irrigationDeepPercolationMm: NaN, runoffMm: NaN, waterlogged: false }
    private started = false

    constructor(opts: RunOptions) {
        const { farm, weather, strategy } = opts
        this.farm = farm
        this.weather = weather
        this.strategy = strategy
        this.seed = opts.seed
        this.zoneCount = farm.zones.length
        this.utcOffsetS = farm.profile.config.utcOffsetMin * 60
        this.startUtcS = weather.startDay * DAY_S - this.utcOffsetS
        this.endS = weather.days * DAY_S
        this.model = new HydraulicModel(farm.network)
        this.faults = noFaults(this.zoneCount)
        const flow = farm.profile.config.flow
        const inst = instrumentsFor(flow, farm.profile.config.injector, opts.seed)
        this.meter = inst.meter
        this.tank = inst.tank
        this.faultSchedule = opts.faults ?? null
        this.fineTickS = opts.fineTickS ?? 0
        // Long enough for the core to settle, fill its window and judge no-flow.
        this.fineHoldS = flow !== undefined ? flow.settleS + 2 * flow.windowS + flow.noFlowS : 2 * TICK_S
        this.probes = new ProbeBank(farm, opts.seed, weather.daily[0].tMeanC)
        this.energy = new EnergyMeter(farm.profile.config.tariff)
        this.probeEveryS = farm.probes.readEveryMin * 60
        const n = this.zoneCount
        this.zones = farm.zones.map((z) => new RootZone({
            soil: z.soil,
            rootDepthM: z.crop.rootDepthM,
            pNominal: z.crop.pNominal,
            wettedFraction: z.wettedFraction,
            bulbRootFraction: z.bulbRootFraction,
            initialDepletionMm: farm.initialDepletionFraction * 1000 * (z.soil.thetaFc - z.soil.thetaWp) * z.crop.rootDepthM,
        }))
        // Zones of one crop share its Kc series (a farm has a few crops over many zones).
        const kcOfCrop = new Map<CropParams, Float64Array>()
        this.kc = farm.zones.map((z) => {
            let kc = kcOfCrop.get(z.crop)
            if (kc === undefined) kcOfCrop.set(z.crop, (kc = dailyKc(z.crop, weather)))
            return kc
        })
        this.lastStepS = new Float64Array(n)
        this.rate = new Float64Array(n)
        // rain, etc, eta, dp, dpIrr, runoff, irrigation mm
        this.acc = farm.zones.map(() => new Float64Array(7))
        this.storageStart = this.zones.map((z) => z.storageMm)
        this.stressByZone = farm.zones.map(() => new Uint8Array(weather.days))
        this.wetByZone = farm.zones.map(() => new Uint8Array(weather.days))
        this.stressAny = new Uint8Array(weather.days)
        this.wetAny = new Uint8Array(weather.days)
        this.minKs = new Float64Array(n).fill(1)
        this.soil = farm.zones.map(() => null)
        this.cmdValves = farm.zones.map(() => false)
        this.cmd = { pumpOn: false, masterOpen: false, zonesOpen: this.cmdValves }
        this.op = this.model.solve(this.cmd, this.faults)
    }

    /** Local seconds since 1970-01-01 at run time t. */
    localS(t: number): number {
        return this.startUtcS + this.utcOffsetS + t
    }

    get pumpOn(): boolean {
        return this.cmd.pumpOn
    }

    get valves(): readonly boolean[] {
        return this.cmdValves
    }

    get operatingPoint(): OperatingPoint {
        return this.op
    }

    get done(): boolean {
        return this.t >= this.endS
    }

    /** Mean daily temperature of run day d (soil temperature at the probe, assumed). */
    tempOfDay(d: number): number {
        return this.weather.daily[Math.min(d, this.weather.days - 1)].tMeanC
    }

    /** Kc of zone z on run day d. */
    kcOf(z: number, d: number): number {
        return this.kc[z][Math.min(d, this.weather.days - 1)]
    }

    /** Brings zone z's soil up to time tTo (no-op if already there). */
    advanceZone(z: number, tTo: number): void {
        let t0 = this.lastStepS[z]
        if (t0 >= tTo) return
        const zone = this.zones[z]
        const acc = this.acc[z]
        const w = this.weather
        const si = this.stepIn
        const so = this.stepOut
        const rate = this.rate[z]
        while (t0 < tTo) {
            const h = Math.floor(t0 / HOUR_S)
            const t1 = Math.min(tTo, (h + 1) * HOUR_S)
            const dt = t1 - t0
            const frac = dt / HOUR_S
            const day = Math.floor(t0 / DAY_S)
            si.dtS = dt
            si.et0Mm = w.et0H[h] * frac
            si.rainMm = w.rainH[h] * frac
            si.irrigationMm = rate * dt
            si.kc = this.kc[z][day]
            const r = zone.stepInto(si, so)
            acc[0] += si.rainMm
            acc[1] += r.etcMm
            acc[2] += r.etaMm
            acc[3] += r.deepPercolationMm
            acc[4] += r.irrigationDeepPercolationMm
            acc[5] += r.runoffMm
            acc[6] += si.irrigationMm
            // Written on every step rather than under `if (stressed)`: the first stress or
            // waterlogging comes months into a run, and a branch V8 has never seen taken throws
            // away its optimized code when it is (deopt and recompile in the first year).
            // ks <= 1, so the minimum only moves under stress.
            const stressed = r.ks < 1 ? 1 : 0
            this.stressByZone[z][day] |= stressed
            this.stressAny[day] |= stressed
            this.minKs[z] = Math.min(this.minKs[z], r.ks)
            const wet = r.waterlogged ? 1 : 0
            this.wetByZone[z][day] |= wet
            this.wetAny[day] |= wet
            t0 = t1
        }
        this.lastStepS[z] = tTo
    }

    private readProbes(t: number): void {
        const day = Math.floor(t / DAY_S)
        const temp = this.tempOfDay(day)
        const every = this.farm.probes.recalibrateEveryDays
        if (every > 0 && day > 0 && day % every === 0 && t % DAY_S === 0) this.probes.recalibrate(this.farm, temp, t)
        for (let z = 0; z < this.zoneCount; z++) {
            if (this.probes.probes[z] === null) continue
            // An idle zone's soil is at most an hour old; a watered one changes fast, so catch up.
            if (this.rate[z] > 0) this.advanceZone(z, t)
            const rz = this.zones[z]
            this.soil[z] = this.probes.read(z, this.farm.zones[z].probeBetweenRows ? rz.thetaUnwetted : rz.thetaWetted, temp, t)
        }
    }

    /** Sets the commanded state; true when it changed (or `force`: faults changed). */
    private apply(out: StrategyOutput, t: number, force = false): boolean {
        let changed = force || out.pump !== this.cmd.pumpOn || out.master !== this.cmd.masterOpen
        for (let z = 0; z < this.zoneCount && !changed; z++) if (out.valves[z] !== this.cmdValves[z]) changed = true
        if (!changed) return false
        this.cmd.pumpOn = out.pump
        this.cmd.masterOpen = out.master
        for (let z = 0; z < this.zoneCount; z++) this.cmdValves[z] = out.valves[z] === true
        const op = this.model.solve(this.cmd, this.faults)
        for (let z = 0; z < this.zoneCount; z++) {
            const q = op.zoneFlowsLph[z]
            if (q === this.op.zoneFlowsLph[z]) continue
            this.advanceZone(z, t)
            this.rate[z] = q / 3600 / this.farm.zones[z].areaM2
        }
        if (op.pumpPowerW !== this.powerW) this.flushEnergy(t, op.pumpPowerW)
        this.op = op
        return true
    }

    /** Re-solves the hydraulics at the current time after `faults` changed (hotkeys, tests). */
    refreshHydraulics(): void {
        this.apply({ valves: this.cmdValves, pump: this.cmd.pumpOn, master: this.cmd.masterOpen }, this.t, true)
        this.fineUntil = this.t + this.fineHoldS
    }

    /** Instruments up to time t (meter pulses, tank level), then the faults due at t. */
    private sense(t: number): void {
        this.meter?.advance(t, this.op.pumpFlowLph)
        this.tank?.draw(this.injectorOn, t - this.senseT)
        this.senseT = t
        if (this.faultSchedule !== null && this.faultSchedule.apply(t, this)) {
            this.apply({ valves: this.cmdValves, pump: this.cmd.pumpOn, master: this.cmd.masterOpen }, t, true)
            this.fineUntil = t + this.fineHoldS
        }
    }

    /** The next strategy call: fine steps for a while after a change, else the TICK_S grid;
     *  never past the next fault. */
    private nextTick(t: number, end: number): number {
        let next = (Math.floor(t / TICK_S) + 1) * TICK_S
        if (this.fineTickS > 0 && (t < this.fineUntil || this.injectorOn)) next = Math.min(next, t + this.fineTickS)
        else {
            // A strategy whose outputs hold, with no water moving or no instrument counting it
            // (between probe readings a tick only feeds the meter and the tank): jump to its
            // wake-up, the next probe reading or `end`, on the grid (nothing it reads changes in
            // between). readProbes reads idle zones' soil as of the last hour boundary the loop
            // stopped at; with readings every 30 or 60 min every hour boundary is a reading, and
            // otherwise the jump also stops at each hour, so the readings match stepping every tick.
            const still = (this.meter === null && this.tank === null) || (this.op.pumpFlowLph === 0 && this.op.pumpPowerW === 0)
            const wake = still ? this.strategy.idleUntil?.(t) : undefined
            if (wake !== undefined && wake > next) {
                const probe = (Math.floor(t / this.probeEveryS) + 1) * this.probeEveryS
                const hour = HOUR_S % this.probeEveryS === 0 ? Infinity : (Math.floor(t / HOUR_S) + 1) * HOUR_S
                next = Math.max(next, Math.ceil(Math.min(wake, probe, hour, end) / TICK_S) * TICK_S)
            }
        }
        const f = this.faultSchedule?.nextAtS ?? Infinity
        if (f > t && f < next) next = Math.ceil(f)
        return next
    }

    private flushEnergy(t: number, nextPowerW: number): void {
        if (this.powerW > 0 && t > this.powerSince) {
            this.energy.add(this.localS(this.powerSince), t - this.powerSince, this.powerW)
            this.pumpSeconds += t - this.powerSince
        }
        this.powerW = nextPowerW
        this.powerSince = t
    }

    /** Runs the simulation up to time tEnd (clipped to the end of the run). */
    advanceTo(tEnd: number): void {
        if (!this.started) {
            this.started = true
            this.readProbes(0)
            this.strategy.start(this)
            wireInstruments(this.strategy, this.meter, this.tank)
        }
        const end = Math.min(tEnd, this.endS)
        const probeEvery = this.probeEveryS
        while (this.t < end) {
            const t = this.t
            if (t % HOUR_S === 0 && t > 0) for (let z = 0; z < this.zoneCount; z++) this.advanceZone(z, t)
            if (t % probeEvery === 0 && t > 0) this.readProbes(t)
            this.sense(t)
            const out = this.strategy.tick(t)
            if (this.apply(out, t)) this.fineUntil = t + this.fineHoldS
            this.injectorOn = (out as { injector?: boolean }).injector === true
            this.t = this.nextTick(t, end)
        }
        if (this.t >= this.endS) this.finish()
    }

    private finished = false

    private finish(): void {
        if (this.finished) return
        this.finished = true
        for (let z = 0; z < this.zoneCount; z++) this.advanceZone(z, this.endS)
        this.flushEnergy(this.endS, 0)
    }

    run(): this {
        this.advanceTo(this.endS)
        return this
    }

    /** Totals of zone z so far (call after run() for the whole period). */
    zoneTotals(z: number): ZoneTotals {
        const a = this.acc[z]
        const crop = this.farm.zones[z].crop
        return {
            irrigationL: a[6] * this.farm.zones[z].areaM2,
            irrigationMm: a[6],
            rainMm: a[0],
            etcMm: a[1],
            etaMm: a[2],
            deepPercolationMm: a[3],
            irrigationDeepPercolationMm: a[4],
            runoffMm: a[5],
            storageStartMm: this.storageStart[z],
            storageEndMm: this.zones[z].storageMm,
            stressDays: count(this.stressByZone[z]),
            waterloggedDays: count(this.wetByZone[z]),
            minKs: this.minKs[z],
            yieldLossPct: yieldLossPct(crop.ky, a[2], a[1]),
        }
    }

    get stressDays(): number {
        return count(this.stressAny)
    }

    get waterloggedDays(): number {
        return count(this.wetAny)
    }

    /** Seconds the pump drew power. */
    get pumpRunSeconds(): number {
        return this.pumpSeconds
    }
}

function count(days: Uint8Array): number {
    let n = 0
    for (let i = 0; i < days.length; i++) n += days[i]
    return n
}

/** Kc of each run day (calendar day of year; day 366 reads as day 1, see kcOn). */
function dailyKc(crop: CropParams, w: RunWeather): Float64Array {
    const out = new Float64Array(w.days)
    for (let d = 0; d < w.days; d++) out[d] = kcOn(crop, w.daily[d].dayOfYear)
    return out
}
