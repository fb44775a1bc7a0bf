// The planner: waters each zone as late as is safe, from its probe, the month's climate and
// the tariff, instead of at fixed start times. It gives the controller "run" commands (cause
// "sensor"); valves, pump, hydraulic limits, peak windows and every safety rule stay the
// controller's.
//
// Every 10 minutes, for each group of zones that read one probe (the probe's own zone plans
// for the group):
//   - the root-zone depletion is reckoned from the bulb's reading and an estimate of the soil
//     between the rows (rain shows in the bulb as a rise while the valve is shut: rows-from-
//     bulb, below), weighted by where the roots are (FAO-56 eq. 84 over bulb and rows);
//   - the group starts only if, waiting 10 more minutes, its depletion would pass RAW (less a
//     margin, and reckoned for a day hotter than the month's mean) within a day even if watered
//     at every later chance outside peak windows (in off-peak hours, only in the next off-peak
//     window, so the day's need goes in at night); ahead it counts the month's mean ET0 in its
//     daily course and no rain;
//   - the probe's own zone is given the fewest minutes after which it could wait 2 hours,
//     never past field capacity in the bulb, and the run stops at the first look where the
//     probe shows it could wait that long; when it ends, the other zones of the group get the
//     water it got (at their own flow).
// A probe between the rows, where a zone has one, replaces the rows' estimate.
// The simulator measured this law as "oracle-box" (sim/strategies/oracle.ts) before it came here.
//
// Plain arithmetic only (+ - * / and Math.floor, min, max): Node and DeviceScript compute it
// alike, and test/conformance checks that they do.

import { civilFromDays, dayNumber, toLocalSeconds } from "./calendar"
import { Controller, MIN_VALID_WALL } from "./controller"
import { Job } from "./jobs"
import { SensorHealth } from "./moisture"
import { MAX_ZONE_S } from "./program"
import { Band, bandAtLocal } from "./tariff"
import { Command, CoreConfig, PlanCrop, PlannerConfig, ZoneConfig, ZonePlan } from "./types"

/** A zone's water queued or running (not cancelled), or null. */
function jobOf(ctl: Controller, z: number): Job | null {
    const j = ctl.zoneJob[z]
    if (j !== null && !j.cancelled) return j
    for (const q of ctl.jobs) if (q.zone === z && !q.cancelled) return q
    return null
}

/** How often the planner looks, s. */
export const PLAN_EVERY_S = 600
const SLOT_S = 1800
/** Slots kept for the look-ahead: a day, and a peak window that begins at its end. */
const SLOTS = 56
/** A run is planned in steps of this long, s (the probe stops it: see lookAt). */
const STEP_S = 60
/** A run lasts until the group could wait this long, s. */
const HOLD_S = 7200
/** The look-ahead counts on this share of a zone's flow, % (others may want the pump). */
const SHARE_PCT = 70
/** The bulb is not watered past field capacity less this, tenths of % v/v: room for the
 *  probe's error, so that irrigation does not drain (measured while tuning, Loc Quang: at
 *  0.2 %, 1.1-4.8 % of its water drained on seeds 1-3; at 0.7 %, 0.2-2.3 % on seeds 1-7, and
 *  seed 1 saved 36 % of fixed instead of 34 %; at 1 %, too little is stored for the hot days:
 *  8 stress days on seed 1). */
const FC_GAP_TENTHS = 7
/** ET0's daily course, ‰ of the day's ET0 in each local hour: 06:00-18:00 as a half sine. */
const SHAPE = [0, 0, 0, 0, 0, 0, 17, 50, 79, 104, 121, 129, 129, 121, 104, 79, 50, 17, 0, 0, 0, 0, 0, 0]

// The rows' estimate (conservative: an overestimate stresses the crop). Readings are tenths.
/** Probe readings looked at, one every this many seconds. */
const READ_EVERY_S = 1800
/** After a run, the probe is given this long to show it before the zone is looked at again, s. */
const HOLD_OFF_S = 1800
/** A probe between the rows is counted this much drier than it reads (calibration, drift and
 *  the soil between other rows than the zone's own), tenths of % v/v: measured while tuning
 *  on sim/farms/phuoc-thien-rows.json, 2.5 % left seed 1 with 2 stress days, 4 % with none. */
const ROW_ERROR_TENTHS = 40
/** Readings averaged to look for a rise. */
const WINDOW = 4
/** A rise of the mean this far over the bulb's slow level, valve shut, is rain. */
const RISE_TENTHS = 20
/** Taken off a rain's rise for the noise at its high. */
const NOISE_TENTHS = 10
/** The rain counts for the rows only if it brought the bulb this close to field capacity. */
const FULL_GAP_TENTHS = 10
/** An event ends after this many readings without a new high. */
const SETTLE = 2
/** The bulb's slow level follows the mean over about this many readings. */
const LEVEL = 8

export class Planner {
    readonly cfg: CoreConfig
    /** cfg.planner (decide() does nothing without it). */
    private readonly pc: PlannerConfig
    /** The zone that plans for each zone's group (-1: not planned). */
    readonly leader: number[] = []
    /** Estimated water between the rows above wilting point, mm. */
    rowsMm: number[] = []
    private recent: number[][] = []
    /** The bulb's slow level and the high of a rain under way, tenths (-1: none). */
    private base: number[] = []
    private peak: number[] = []
    private sincePeak: number[] = []
    private nextReadS: number[] = []
    /** Monotonic time a zone's group was last seen watering, s. */
    private busyAtS: number[] = []
    /** The leader's water at the last look (null: none), and what each follower still owes, s. */
    private run: (Job | null)[] = []
    private owedS: number[] = []
    /** Monotonic time of the last look, s (-1: none yet). */
    lastS = -1
    // The look-ahead's inputs at this look (set by beginLook() and lookAt()).
    private local = 0
    private first = 0
    private kc = 0
    private et0Day = 0
    /** Per half hour of the look-ahead: share of an hour, mean ET0 (mm), may water. */
    private frac: number[] = []
    private et0Slot: number[] = []
    private canWater: boolean[] = []
    /** Tariff bands of half hours ahead, slot s at s % SLOTS, and the slot each holds: a look
     *  works out only the half hours it has not seen (one per half hour, as the looks move on). */
    private bands: number[] = []
    private bandSlot: number[] = []
    /** How many of them this look uses. */
    private slots = 0
    /** Their sum: the month's mean ET0 over the whole look-ahead, mm. */
    private et0Ahead = 0
    private month = 0
    private hourEt0 = 0
    private dt = 0
    /** No run starts in this look (standby, fault, pause, rain delay, a peak window). */
    private held = false
    /** Next group of the look under way (-1: none). */
    cursor = -1

    /**
     * @param spread spread each look over calls (on the box): its shared work in one call, then
     *   one group per call. The DeviceScript VM allows ~128k instructions between two awaits;
     *   a group's look-ahead runs up to ~10 times, each over up to a day of half hours, so
     *   one group a call bounds a look whatever the soil (measured on 16 dry groups: the shared
     *   work and all 16 fit in one run since the look-ahead stops where the depletion first
     *   passes the limit; before that, only four did). A host without that limit whose ticks
     *   are far apart (the simulator's minute) takes a look in one call, as the box does
     *   within seconds.
     */
    constructor(cfg: CoreConfig, readonly spread = true) {
        this.cfg = cfg
        this.pc = cfg.planner as PlannerConfig
        const zs = cfg.zones
        for (let z = 0; z < zs.length; z++) {
            let k = -1
            const s = zs[z].sensor
            if (zs[z].plan !== undefined && s >= 0) {
                // The probe's own zone if it reads it and is planned, else the first that does.
                if (s < zs.length && zs[s].sensor === s && zs[s].plan !== undefined) k = s
                else for (let i = zs.length - 1; i >= 0; i--) if (zs[i].sensor === s && zs[i].plan !== undefined) k = i
            }
            this.leader.push(k)
            this.rowsMm.push(0)
            this.recent.push([])
            this.base.push(-1)
            this.peak.push(-1)
            this.sincePeak.push(0)
            this.nextReadS.push(0)
            this.busyAtS.push(-READ_EVERY_S)
            this.run.push(null)
            this.owedS.push(0)
        }
        for (let i = 0; i < SLOTS; i++) {
            this.frac.push(0)
            this.et0Slot.push(0)
            this.canWater.push(false)
            this.bands.push(0)
            this.bandSlot.push(-1)
        }
    }

    /**
     * The commands to give the controller now (cause "sensor"). A look starts every
     * PLAN_EVERY_S; with `spread`, it takes several calls (see the constructor): the shell calls
     * this at every tick.
     */
    decide(ctl: Controller, monoS: number, wallS: number): Command[] {
        const out: Command[] = []
        if (this.cfg.planner === undefined) return out
        if (this.cursor < 0) {
            if (this.lastS >= 0 && monoS - this.lastS < PLAN_EVERY_S) return out
            if (!this.beginLook(ctl, monoS, wallS)) return out
            this.cursor = 0
            if (this.spread) return out
        }
        let done = 0
        while (this.cursor < this.leader.length && (done < 1 || !this.spread)) {
            const z = this.cursor++
            if (this.leader[z] !== z) continue
            done++
            this.lookAt(ctl, z, monoS, out)
        }
        if (this.cursor < this.leader.length) return out
        this.cursor = -1
        // Zones that read another zone's probe get the water that zone got, when they are free.
        for (let k = 0; k < this.leader.length; k++) {
            if (this.held || this.owedS[k] < 60 || jobOf(ctl, k) !== null) continue
            out.push({ k: "run", zone: k, seconds: Math.min(MAX_ZONE_S, Math.floor(this.owedS[k])) })
            this.owedS[k] = 0
        }
        return out
    }

    /** Starts a look: what every group shares (clock, month, tariff ahead). False without a
     *  valid clock (the planner then waters nothing; programs, which need the clock too, would
     *  water every zone). */
    private beginLook(ctl: Controller, monoS: number, wallS: number): boolean {
        // The zones the planner waters: those whose group's probe reads healthy. Programs that
        // follow the soil leave them to it; the others they water by the clock.
        let mask = 0
        for (let z = 0; z < this.leader.length; z++) {
            const k = this.leader[z]
            if (k >= 0 && wallS >= MIN_VALID_WALL && ctl.sensors[this.cfg.zones[k].sensor].health === SensorHealth.Ok) mask |= 1 << z
        }
        ctl.plannedZones = mask
        // Without a clock, try again at the next call (the clock is often set after boot).
        if (wallS < MIN_VALID_WALL) return false
        this.dt = this.lastS < 0 ? 0 : monoS - this.lastS
        this.lastS = monoS
        const local = toLocalSeconds(wallS, this.cfg.utcOffsetMin)
        this.local = local
        this.first = Math.floor(local / SLOT_S)
        this.month = civilFromDays(dayNumber(local)).m - 1
        this.et0Day = this.pc.et0Tenths[this.month] / 10
        this.hourEt0 = (this.et0Day * SHAPE[(this.first % 48) >> 1]) / 1000
        const now = bandAtLocal(this.cfg.tariff, local)
        const offPeakOnly = now === Band.OffPeak
        // The look-ahead's half hours, from now to a day ahead and through a peak window that
        // begins then: each one's share of an hour, the month's mean ET0 in it (mm), and whether
        // it may water (no peak; in off-peak hours only the off-peak ones, so that the day's
        // need goes in at night). Worked out once a look: the VM allows ~128k instructions
        // between two awaits, and each group's look runs the look-ahead about ten times.
        let end = local + 86400
        while (Math.floor(end / SLOT_S) - this.first < SLOTS - 1 && this.band(Math.floor(end / SLOT_S)) === Band.Peak) end += SLOT_S
        // Filled in place (no garbage at every look).
        let n = 0
        this.et0Ahead = 0
        const last = Math.floor(end / SLOT_S)
        for (let s = this.first; s <= last && s - this.first < SLOTS; s++) {
            // The half hour under way from now, the others whole; (s % 48) >> 1 is its local hour.
            const frac = s === this.first ? ((s + 1) * SLOT_S - local) / 3600 : 0.5
            const band = this.band(s)
            this.frac[n] = frac
            const et0 = ((this.et0Day * SHAPE[(s % 48) >> 1]) / 1000) * frac
            this.et0Slot[n] = et0
            this.et0Ahead += et0
            this.canWater[n] = band !== Band.Peak && (!offPeakOnly || band === Band.OffPeak)
            n++
        }
        this.slots = n
        const st = ctl.settings
        this.held = st.standby || ctl.fault !== "" || ctl.paused || st.rainDelayUntil > wallS || now === Band.Peak
        return true
    }

    /** The tariff band of half hour s (local time / SLOT_S). */
    private band(s: number): number {
        const i = s % SLOTS
        if (this.bandSlot[i] !== s) {
            this.bandSlot[i] = s
            this.bands[i] = bandAtLocal(this.cfg.tariff, s * SLOT_S)
        }
        return this.bands[i]
    }

    /** One group's look: its rows' estimate, whether its run should stop or one start. */
    private lookAt(ctl: Controller, z: number, monoS: number, out: Command[]): void {
        const zone = this.cfg.zones[z]
        this.kc = this.pc.crops[(zone.plan as ZonePlan).crop].kcPct[this.month] / 100
        const tr = ctl.sensors[zone.sensor]
        const job = jobOf(ctl, z)
        const ran = this.run[z]
        // Shut since the last look: no water then, none now.
        const shut = job === null && ran === null
        if (job !== null) this.busyAtS[z] = monoS
        // Only the planner's own runs: a person watering one zone by hand means that zone alone.
        if (ran !== null && ran !== job && ran.cause === "sensor") this.owe(z, ran.wateredS)
        this.run[z] = job
        if (tr.health !== SensorHealth.Ok || tr.last === null) return
        this.estimateRows(z, tr.last, monoS, shut, (this.kc * this.hourEt0 * this.dt) / 3600)
        // A probe between the rows, read healthy, replaces the estimate (less its error).
        const rs = zone.rowSensor
        const rows = rs !== undefined && rs >= 0 ? ctl.sensors[rs] : null
        if (rows !== null && rows.health === SensorHealth.Ok && rows.last !== null) {
            const plan = (zone.plan as ZonePlan)
            const r = (rows.last < plan.fcTenths ? rows.last : plan.fcTenths) - ROW_ERROR_TENTHS
            this.rowsMm[z] = r > plan.wpTenths ? ((r - plan.wpTenths) * this.pc.crops[plan.crop].rootMm) / 1000 : 0
        }
        // The planner's run stops as soon as the probe shows the zone could wait HOLD_S (a run a
        // person or a program asked for is theirs).
        if (job !== null && job.running && job.cause === "sensor" && this.runFor(z, tr.last, HOLD_S, false) === 0) out.push({ k: "stopZone", zone: z })
        // After a run, wait for the probe to show it (a reading may be READ_EVERY_S old).
        if (job !== null || this.held || monoS - this.busyAtS[z] < HOLD_OFF_S) return
        const secs = this.runFor(z, tr.last, PLAN_EVERY_S + 60, true)
        if (secs > 0) out.push({ k: "run", zone: z, seconds: secs })
    }

    /** Adds a leader's watering, s, to what each zone of its group owes, at that zone's flow. */
    private owe(z: number, secs: number): void {
        const rate = this.rate(this.cfg.zones[z])
        for (let k = 0; k < this.leader.length; k++) {
            if (k !== z && this.leader[k] === z) this.owedS[k] += (secs * rate) / this.rate(this.cfg.zones[k])
        }
    }

    /** Seconds zone z's group must water now (0: it can wait), given the bulb's reading; with
     *  size false, only whether (1), without the search for how long. */
    private runFor(z: number, bulb: number, waitS: number, size: boolean): number {
        const zone = this.cfg.zones[z]
        const plan = (zone.plan as ZonePlan)
        const crop = this.pc.crops[plan.crop]
        if (bulb >= plan.fcTenths - FC_GAP_TENTHS) return 0
        const perTenth = crop.rootMm / 1000
        const taw = (plan.fcTenths - plan.wpTenths) * perTenth
        const bulbMm = Math.max(0, (bulb - plan.wpTenths) * perTenth)
        const rb = crop.rbPct / 100
        const fw = crop.fwPct / 100
        const whole = crop.fwPct >= 100
        const rowsMm = whole ? bulbMm : this.rowsMm[z]
        const floorMm = whole ? 0 : (1 - rb) * Math.max(0, taw - rowsMm)
        const d = whole ? taw - bulbMm : rb * (taw - bulbMm) + floorMm
        // Depletion added per mm of the crop's ET: the uptake splits by roots times water.
        let perEt = 1
        if (!whole) {
            const wet = rb * bulbMm + (1 - rb) * rowsMm
            const sb = wet > 0 ? (rb * bulbMm) / wet : fw
            perEt = (rb * sb) / fw + ((1 - rb) * (1 - sb)) / (1 - fw)
        }
        // RAW with p adjusted for the ETc of a day hotter than the month's mean by hotPct
        // (FAO-56 Table 22 note: p falls as ETc rises), less the margin.
        const p = crop.pPct / 100
        let pAdj = p + 0.04 * (5 - (this.kc * this.et0Day * this.pc.hotPct) / 100)
        pAdj = Math.min(0.8, Math.max(0.1, pAdj))
        const limit = Math.min(p, pAdj) * taw - this.pc.marginTenthsMm / 10
        const mmPerH = (zone.flowLpm * 60) / plan.areaM2
        const planned = (((SHARE_PCT / 100) * mmPerH * rb) / fw) * Math.min(1, this.cfg.maxZonesOpen / this.cfg.zones.length)
        if (this.worst(d, perEt, floorMm, limit, planned, waitS) <= 0) return 0
        if (!size) return 1
        // The shortest run, to STEP_S, after which the group could wait HOLD_S (less
        // depletion never makes the worst case worse, so halving finds it), at full flow, and
        // no longer than fills the bulb to field capacity.
        const full = (rb * mmPerH) / fw
        const fillS = ((plan.fcTenths - FC_GAP_TENTHS - bulb) * perTenth * fw * 3600) / mmPerH
        let lo = 0
        let hi = Math.floor(Math.min(fillS, MAX_ZONE_S) / STEP_S)
        while (lo < hi) {
            const mid = Math.floor((lo + hi) / 2)
            const after = Math.max(floorMm, d - (full * mid * STEP_S) / 3600)
            if (this.worst(after, perEt, floorMm, limit, planned, HOLD_S) <= 0) hi = mid
            else lo = mid + 1
        }
        const secs = lo * STEP_S
        return Math.max(60, secs)
    }

    /**
     * Whether the depletion passes the limit in the next day (and any peak window that begins
     * at its end) if the zone starts with depletion d, waits waitS, then waters at every chance
     * at `planned` mm of depletion an hour in the slots that may water (see beginLook): above 0
     * if it does (by how much, where it first does), else 0 or below.
     */
    private worst(d: number, perEt: number, floorMm: number, limit: number, planned: number, waitS: number): number {
        const et = this.et0Slot
        const fr = this.frac
        const can = this.canWater
        const k = this.kc * perEt
        // Depletion only grows by the crop's ET: if all of it ahead keeps under the limit, so
        // does every course (callers only ask whether the result is above 0). Most looks end
        // here, which keeps the planner cheap on the box and in the simulator.
        const bound = d + k * this.et0Ahead - limit
        if (bound <= 0) return bound
        // The first slot that starts after the wait (slot 0 starts now).
        const iWait = Math.floor((this.local + waitS + SLOT_S - 1) / SLOT_S) - this.first
        let most = d
        for (let i = 0; i < this.slots; i++) {
            d += k * et[i]
            if (i >= iWait && can[i] && d > floorMm) {
                d -= planned * fr[i]
                if (d < floorMm) d = floorMm
            }
            if (d > most) most = d
            // Over the limit: the sign is all the callers ask for.
            if (d > limit) return d - limit
        }
        return most - limit
    }

    /** Depletion a zone's watering removes per hour, mm (root-weighted). */
    private rate(zone: ZoneConfig): number {
        const crop: PlanCrop = this.pc.crops[(zone.plan as ZonePlan).crop]
        return (((zone.flowLpm * 60) / (zone.plan as ZonePlan).areaM2) * crop.rbPct) / crop.fwPct
    }

    /**
     * Brings zone z's estimate of its rows up to now: they lose their share of the crop's ET
     * (etcMm since the last look), and a rain the bulb shows while the valve stays shut, if it
     * brought the bulb near field capacity, wets them by its rise less the noise allowance.
     */
    private estimateRows(z: number, bulb: number, monoS: number, shut: boolean, etcMm: number): void {
        const plan = this.cfg.zones[z].plan as ZonePlan
        const crop = this.pc.crops[plan.crop]
        if (crop.fwPct >= 100) return
        const perTenth = crop.rootMm / 1000
        const rb = crop.rbPct / 100
        const wb = Math.max(0, (bulb - plan.wpTenths) * perTenth)
        const wet = rb * wb + (1 - rb) * this.rowsMm[z]
        const sb = wet > 0 ? (rb * wb) / wet : 1
        this.rowsMm[z] = Math.max(0, this.rowsMm[z] - (etcMm * (1 - sb)) / (1 - crop.fwPct / 100))
        if (!shut) {
            // Watering: rises are the drippers'; start afresh.
            this.recent[z] = []
            this.base[z] = -1
            this.peak[z] = -1
        }
        if (monoS < this.nextReadS[z]) return
        this.nextReadS[z] = monoS + READ_EVERY_S
        const r = this.recent[z]
        r.push(bulb)
        if (r.length > WINDOW) r.shift()
        if (r.length < WINDOW) return
        let mean = 0
        for (const x of r) mean += x
        mean = mean / WINDOW
        if (this.peak[z] >= 0) {
            // A rain under way: follow it to its high, then count it.
            if (mean > this.peak[z]) {
                this.peak[z] = mean
                this.sincePeak[z] = 0
            } else if (++this.sincePeak[z] >= SETTLE) {
                if (this.peak[z] >= plan.fcTenths - FULL_GAP_TENTHS) {
                    const rain = (this.peak[z] - this.base[z] - NOISE_TENTHS) * perTenth
                    const taw = (plan.fcTenths - plan.wpTenths) * perTenth
                    this.rowsMm[z] = Math.min(taw, this.rowsMm[z] + rain)
                }
                this.peak[z] = -1
                this.base[z] = mean
            }
        } else if (this.base[z] < 0) this.base[z] = mean
        else if (mean - this.base[z] > RISE_TENTHS) {
            this.peak[z] = mean
            this.sincePeak[z] = 0
        } else this.base[z] += (mean - this.base[z]) / LEVEL
    }
}
