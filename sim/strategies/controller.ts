// Strategy "controller": our control core with its planner and programs, and moisture settings
// chosen for each zone's crop and soil. Nothing here waters a zone: the core does, from the probe
// readings, the tariff, its planner (firmware/core/planner.ts, which waters zones whose probe
// reads healthy) and its programs (which keep the others), exactly as on the box.
//
// The moisture feedback of the core (firmware/core/moisture.ts) scales a scheduled run by
// 100 + gain x (target - reading) percent and skips it at or above target + skip band. With
//   gain = 100 / base (base in % v/v), target = S - base, skip band = 0.8 base
// that is "refill the wetted bulb to the set point S", in proportion to the measured deficit
// (a run shorter than a fifth of a base dose is skipped). S is set from the zone's soil and
// crop: above the bulb's stress level by a margin for the probe's error and the crop's use
// between starts, and below field capacity so that irrigation does not drain.

import { PLAN_EVERY_S, Planner } from "../../firmware/core/planner"
import { MAX_ZONE_S } from "../../firmware/core/program"
import { CoreConfig, DayMode, MAX_PROGRAMS, MAX_STARTS, MoistureConfig, PlannerConfig, Program, ZoneConfig } from "../../firmware/core/types"
import { daysInMonth } from "../climate-data"
import { CropId, CropParams, dayOfYear, kcOn } from "../crops"
import { climateNormals } from "../farm-weather"
import { Farm, FarmZone } from "../farm"
import { FarmSim, SimAlarm, Strategy, StrategyOutput } from "../farm-sim"
import { HydraulicModel } from "../hydraulics"
import { CoreDriver } from "./core-driver"
import { sizeFarm, ZoneSizing } from "./sizing"

/** One season's programs: when they start and how much of the measured deficit a run refills. */
export interface SeasonTuning {
    /** Active dates as month*100+day, inclusive (may wrap the new year). */
    from: number
    to: number
    /** Start times, minutes after local midnight (at most 4). */
    startsMin: number[]
    /** Program budget, percent: 100 refills to the set point, less leaves room for rain. */
    budgetPct: number
    /** Run every this many days (default 1: every day). */
    everyDays?: number
    /** Other days and starts for programs whose zones all grow one of these crops. */
    byCrop?: Partial<Record<CropId, { everyDays: number; startsMin: number[] }>>
}

export interface ControllerTuning {
    /** The set point sits above the zone's stress level by this many days of a hot day's
     *  drying of the bulb, and at least stressMarginMin m³/m³ (room for the probe's error, for
     *  the crop's use between two starts and for zones that share a probe)... */
    stressMarginDays: number
    /** The same, for one crop (deep-rooted trees can run closer to their stress level). */
    stressMarginDaysByCrop?: Partial<Record<CropId, number>>
    stressMarginMin: number
    /** ...but at least this far under field capacity, m³/m³ (no watering past it). */
    fcGapMin: number
    /** Base dose as a fraction of the band between set point and stress, and its bounds, m³/m³. */
    baseShare: number
    baseMin: number
    baseMax: number
    /** Longest run as a percentage of the base dose (the core's moisture.maxPct). */
    maxPct?: number
    /** With a probe between the rows: the bulb may dry to this far above the crop's stress
     *  level as that probe shows it (soil between the rows wetter than dry lowers the level),
     *  m³/m³, per crop; the target never rises above the dry-rows one. Room for two probes'
     *  error and the crop's use between two starts. */
    rowMargin: Partial<Record<CropId, number>> & { default: number }
    /** What a run does about a peak window (firmware/core: "defer" or "split"). */
    peakPolicy?: "defer" | "split"
    seasons: SeasonTuning[]
    /** Water by the core's planner (firmware/core/planner.ts), keeping this much depletion
     *  under RAW, mm; the programs then water only zones whose probe has failed. Absent: the
     *  programs water every zone. */
    plannerMarginMm?: number
}

const TREES_WET = { everyDays: 3, startsMin: [22 * 60] }

export const DEFAULT_TUNING: ControllerTuning = {
    stressMarginDays: 1.75,
    // Jackfruit and star apple hold 2-3 times pepper's readily available water in deeper roots
    // and dry their bulb more slowly: three quarters of a hot day above the stress level leaves
    // them room for the probe's error (set points 29.6% and 33.3% against stress levels of 27.6%
    // and 31.3% on red Ferralsol).
    stressMarginDaysByCrop: { jackfruit: 0.75, starApple: 0.75 },
    stressMarginMin: 0.02,
    fcGapMin: 0.004,
    baseShare: 0.33,
    baseMin: 0.01,
    baseMax: 0.02,
    // A run that meets a peak window stops one tick before it and resumes after it, so the
    // pump works every off-peak minute (pepper's hot-day need fills most of them).
    peakPolicy: "split",
    // Measured with a probe between the rows on both presets, seeds 1-3: 2% under the trees
    // stressed the blocks watered last in a dry week (phuoc-thien seed 1: 6 days); pepper's
    // narrow band (about 2% v/v) stressed at 2% (error-free probe between the rows, wet-season
    // budget 60%: 25, 21 and 22 days on seeds 1-3); at 3% (budget 100%) only seed 1's March
    // days were left (7, as without the probe).
    rowMargin: { default: 0.025, pepper: 0.03 },
    // No stress day on either preset, seeds 1-7, at 5 mm. Not a threshold: on Loc Quang seed 1
    // (a hot March) 5.5, 6, 6.5 and 7 mm each left one or two stress days; the runs a larger
    // margin starts earlier hold the pump when another block needs it.
    plannerMarginMm: 5,
    seasons: [
        // Dry season, December to May (domain.md: dry December-April; the soil between the
        // rows is still dry in May): refill to the set point, often, around the peak windows
        // (09:30-11:30 and 17:00-20:00): small frequent refills keep pepper's narrow band
        // (2% v/v between its hot-day stress level and field capacity) without overshooting.
        { from: 1201, to: 531, startsMin: [4 * 60, 7 * 60, 11 * 60 + 30, 14 * 60 + 30, 20 * 60], budgetPct: 80 },
        // Wet season: rain does most of the work; partial refills leave room for the next storm.
        // The trees' deep roots hold weeks of their wet-season use (jackfruit: RAW about 80 mm
        // against 3 mm/day), so their programs look every third night, after the afternoon
        // and evening showers; pepper, with a quarter of that, is looked at twice a day.
        {
            from: 601, to: 1130, startsMin: [11 * 60 + 30, 22 * 60], budgetPct: 40,
            byCrop: { jackfruit: TREES_WET, starApple: TREES_WET },
        },
    ],
}

export interface ZoneMoisturePlan {
    setPointTenths: number
    targetTenths: number
    /** Seconds of watering per tenth of a percent v/v in the wetted bulb. */
    secondsPerTenth: number
    /** Index of the probe the zone reads (its own, or a same-crop, same-soil neighbour's). */
    sensor: number
    /** Index of the probe between the rows it reads (-1: none) and the core's levels for it
     *  (firmware/core/moisture.ts zoneTargetTenths). */
    rowSensor: number
    rowFromTenths: number
    rowToTenths: number
}

/** The bulb probe each zone reads: its own, else one of the bulb probes in zones with the same
 *  crop and soil, shared out evenly (nearest first); -1 if there is none. */
export function assignSensors(farm: Farm): number[] {
    const n = farm.zones.length
    const bulb = (z: FarmZone) => z.probe && !z.probeBetweenRows
    const sensor = farm.zones.map((z, i) => (bulb(z) ? i : -1))
    const load = farm.zones.map((z) => (bulb(z) ? 1 : 0))
    for (let z = 0; z < n; z++) {
        if (sensor[z] >= 0) continue
        let best = -1
        for (let k = 0; k < n; k++) {
            const a = farm.zones[k]
            if (!bulb(a) || a.crop.id !== farm.zones[z].crop.id || a.soil.id !== farm.zones[z].soil.id) continue
            if (best < 0 || load[k] < load[best] || (load[k] === load[best] && Math.abs(k - z) < Math.abs(best - z))) best = k
        }
        sensor[z] = best
        if (best >= 0) load[best]++
    }
    return sensor
}

/** The probe between the rows each zone reads: the nearest one in soil of its kind, under its
 *  own crop if there is one (the crop's roots set how fast that soil dries); -1 if none. */
export function assignRowSensors(farm: Farm): number[] {
    return farm.zones.map((zone, z) => {
        let best = -1
        const rank = (k: number) => (farm.zones[k].crop.id === zone.crop.id ? 0 : 1000) + Math.abs(k - z)
        farm.zones.forEach((a, k) => {
            if (a.probeBetweenRows && a.soil.id === zone.soil.id && (best < 0 || rank(k) < rank(best))) best = k
        })
        return best
    })
}

/** Target drop per unit of water between the rows, % (the core's moisture.rowCreditPct): the
 *  roots' share there over their share in the bulb, (1 - rb) / rb; the smallest of the zones
 *  that read such a probe (one setting for the box, so the safe one); 0 when none does. */
export function rowCreditPct(farm: Farm, rowSensors: number[]): number {
    const ks = farm.zones.filter((_, i) => rowSensors[i] >= 0).map((z) => Math.floor((100 * (1 - z.bulbRootFraction)) / z.bulbRootFraction))
    return ks.length > 0 ? Math.min(...ks) : 0
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))

export function planZone(farm: Farm, s: ZoneSizing, z: number, sensor: number, tuning: ControllerTuning, rowSensor = -1, creditPct = 0): ZoneMoisturePlan {
    const days = tuning.stressMarginDaysByCrop?.[farm.zones[z].crop.id] ?? tuning.stressMarginDays
    const margin = Math.max(tuning.stressMarginMin, days * s.hotBulbDryingPerDay)
    const setPoint = Math.min(s.thetaFc - tuning.fcGapMin, s.thetaStress + margin)
    const zone = farm.zones[z]
    // A tenth of a percent in the bulb: mm over the bulb, times the bulb's share of the area.
    const grossMmPerTenth = (s.bulbMmPerPct / 10) * zone.wettedFraction
    // The bulb's stress level falls by k (θ rows - θWP) as the rows get wetter (sizing.ts derives
    // it for dry rows, θ rows = θWP): the set point follows it, rowMargin above it, from the
    // rows' level at which that is below the dry-rows set point up to their field capacity.
    const k = creditPct / 100
    const rowMargin = tuning.rowMargin[zone.crop.id] ?? tuning.rowMargin.default
    const rowFrom = k > 0 ? zone.soil.thetaWp + (s.thetaStress + rowMargin - setPoint) / k : 0
    const useRows = rowSensor >= 0 && k > 0 && rowFrom < zone.soil.thetaFc
    return {
        setPointTenths: Math.round(setPoint * 1000),
        targetTenths: 0, // set once the farm's common base dose is known
        secondsPerTenth: grossMmPerTenth * s.secondsPerMm,
        sensor,
        rowSensor: useRows ? rowSensor : -1,
        rowFromTenths: useRows ? Math.round(Math.max(0, rowFrom) * 1000) : 0,
        rowToTenths: useRows ? Math.round(zone.soil.thetaFc * 1000) : 0,
    }
}

export interface ControllerSetup {
    config: CoreConfig
    programs: Program[]
    plans: ZoneMoisturePlan[]
    /** The base dose common to all zones, tenths of % v/v in the bulb. */
    baseTenths: number
}

/** Installation settings and programs for a farm. */
export function controllerSetup(farm: Farm, model: HydraulicModel, tuning: ControllerTuning = DEFAULT_TUNING): ControllerSetup {
    const sizing = sizeFarm(farm, model)
    const sensors = assignSensors(farm)
    const rowSensors = assignRowSensors(farm)
    const creditPct = rowCreditPct(farm, rowSensors)
    const plans = farm.zones.map((_, z) => planZone(farm, sizing[z], z, sensors[z], tuning, rowSensors[z], creditPct))
    // The core's skip band and gain are one setting for the whole box, so the base dose (in
    // tenths of % v/v) is common: the smallest any zone wants, and short enough that no zone's
    // base run exceeds the core's longest program time.
    let baseTenths = Infinity
    plans.forEach((p, z) => {
        const band = p.setPointTenths / 1000 - sizing[z].thetaStress
        const wanted = 1000 * clamp(tuning.baseShare * band, tuning.baseMin, tuning.baseMax)
        baseTenths = Math.min(baseTenths, wanted, Math.floor(MAX_ZONE_S / p.secondsPerTenth))
    })
    baseTenths = Math.max(2, Math.round(baseTenths))
    for (const p of plans) p.targetTenths = p.setPointTenths - baseTenths
    const base = farm.profile.config
    const zones: ZoneConfig[] = base.zones.map((zc, z) => ({
        name: zc.name,
        maxRunS: zc.maxRunS,
        // The installer enters each zone's measured flow.
        flowLpm: Math.max(1, Math.round(sizing[z].flowLph / 60)),
        sensor: plans[z].sensor,
        targetTenths: plans[z].targetTenths,
        rowSensor: plans[z].rowSensor,
        rowFromTenths: plans[z].rowFromTenths,
        rowToTenths: plans[z].rowToTenths,
        ...(tuning.plannerMarginMm === undefined ? {} : { plan: zonePlan(farm, z) }),
    }))
    const moisture: MoistureConfig = {
        ...base.moisture,
        skipAboveTenths: Math.max(1, Math.round(0.8 * baseTenths)),
        gainPctPerPct: Math.min(100, Math.round(1000 / baseTenths)),
        minPct: 20,
        maxPct: tuning.maxPct ?? 300,
        rowCreditPct: creditPct,
    }
    const config: CoreConfig = { ...base, zones, moisture, tickS: 60, peakPolicy: tuning.peakPolicy ?? "defer" }
    // The programs stay with the planner: they water a zone by the clock when its probe fails.
    if (tuning.plannerMarginMm !== undefined) config.planner = plannerConfig(farm, tuning.plannerMarginMm)
    const programs = rotationPrograms(farm, plans, baseTenths, tuning)
    return { config, programs, plans, baseTenths }
}

/** The crops of a farm in the order the planner's config lists them. */
function cropsOf(farm: Farm): CropParams[] {
    const crops: CropParams[] = []
    for (const z of farm.zones) if (!crops.includes(z.crop)) crops.push(z.crop)
    return crops
}

/** What the planner needs to know of zone z: its crop, its soil as the probe reads it, its area. */
function zonePlan(farm: Farm, z: number): ZoneConfig["plan"] {
    const zone = farm.zones[z]
    return {
        crop: cropsOf(farm).indexOf(zone.crop),
        wpTenths: Math.round(zone.soil.thetaWp * 1000),
        fcTenths: Math.round(zone.soil.thetaFc * 1000),
        areaM2: Math.round(zone.areaM2),
    }
}

/** The planner reckons RAW for a day 30 % hotter than the month's mean: with the mean alone,
 *  Loc Quang's hot March days took the blocks watered last past RAW (measured while tuning, on
 *  an earlier version of the planner: 4 stress days on seed 1 at a 5 mm margin; at 130 %, none
 *  on seeds 1-7 of either preset). */
export const PLANNER_HOT_PCT = 130

/** When the planner next wants decide() called, s: at once while a look is under way or
 *  before the first, else PLAN_EVERY_S after the last look (kept out of the core: the box
 *  calls it every tick and has no room for more code). */
function nextLookS(p: Planner): number {
    if (p.lastS < 0) return 0
    return p.cursor >= 0 ? p.lastS : p.lastS + PLAN_EVERY_S
}

/** The planner's climate (the province's monthly ET0 normals) and crops (Kc as each month's
 *  mean of the crop's curve, p, roots and wetted fraction). */
export function plannerConfig(farm: Farm, marginMm: number): PlannerConfig {
    const normals = climateNormals()
    return {
        et0Tenths: normals.et0MmPerDay.map((x) => Math.round(x * 10)),
        marginTenthsMm: Math.round(marginMm * 10),
        hotPct: PLANNER_HOT_PCT,
        crops: cropsOf(farm).map((crop) => {
            const z = farm.zones.find((x) => x.crop === crop)!
            // dayOfYear counts a non-leap year, so the month lengths are a non-leap year's (2025).
            const kcPct = Array.from({ length: 12 }, (_, m) => {
                const n = daysInMonth(2025, m + 1)
                let sum = 0
                for (let d = 1; d <= n; d++) sum += kcOn(crop, dayOfYear({ month: m + 1, day: d }))
                return Math.round((100 * sum) / n)
            })
            return {
                kcPct,
                pPct: Math.round(crop.pNominal * 100),
                rbPct: Math.round(z.bulbRootFraction * 100),
                fwPct: Math.round(z.wettedFraction * 100),
                rootMm: Math.round(crop.rootDepthM * 1000),
            }
        }),
    }
}

/**
 * Programs: zones that read the same probe share a program (so they are watered alike and the
 * probe speaks for all of them); such groups are then packed, in zone order, into programs of
 * at most the hydraulic limit of zones, as long as the core has programs to spare; each group
 * gets one program per season.
 */
function rotationPrograms(farm: Farm, plans: ZoneMoisturePlan[], baseTenths: number, tuning: ControllerTuning): Program[] {
    const n = farm.zones.length
    const limit = Math.max(1, farm.profile.config.maxZonesOpen)
    const perGroup = tuning.seasons.reduce((a, s) => a + Math.ceil(s.startsMin.length / MAX_STARTS), 0)
    const maxGroups = Math.floor(MAX_PROGRAMS / perGroup)
    const keyOf = (z: number) => (plans[z].sensor >= 0 ? plans[z].sensor : n + z)
    const bySensor: number[][] = []
    for (let z = 0; z < n; z++) {
        const g = bySensor.find((zs) => keyOf(zs[0]) === keyOf(z))
        if (g) g.push(z)
        else bySensor.push([z])
    }
    // Zones whose crops follow the same season rules are packed together where possible.
    const rulesOf = (z: number) => JSON.stringify(tuning.seasons.map((x) => x.byCrop?.[farm.zones[z].crop.id] ?? null))
    const order = bySensor.map((g, i) => ({ g, i, key: rulesOf(g[0]) }))
    order.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    bySensor.splice(0, bySensor.length, ...order.map((o) => o.g))
    const groups: number[][] = []
    bySensor.forEach((g, i) => {
        const last = groups[groups.length - 1]
        const mustMerge = groups.length + (bySensor.length - i) > maxGroups
        if (last && (last.length + g.length <= limit || mustMerge)) last.push(...g)
        else groups.push([...g])
    })
    if (groups.length > maxGroups) throw new Error("more zone groups than the core has programs")
    const programs: Program[] = []
    tuning.seasons.forEach((season, si) => {
        const sorted = [...season.startsMin].sort((a, b) => a - b)
        // More starts than one program holds: the season gets several programs, starts dealt out in turn.
        const parts = Math.ceil(sorted.length / MAX_STARTS)
        for (let part = 0; part < parts; part++) groups.forEach((zs, gi) => {
            // The crops' own rule when every zone of the group has the same one.
            const own = season.byCrop?.[farm.zones[zs[0]].crop.id]
            const rule = own !== undefined && zs.every((z) => season.byCrop?.[farm.zones[z].crop.id] === own) ? own : null
            const everyDays = rule ? rule.everyDays : season.everyDays ?? 1
            const starts = rule ? [...rule.startsMin].sort((a, b) => a - b) : sorted
            const mine = starts.filter((_, i) => i % parts === part)
            if (mine.length === 0) return
            const id = programs.length + 1
            programs.push({
                id,
                name: `${si === 0 ? "Kho" : "Mua"} ${gi + 1}${parts > 1 ? String.fromCharCode(97 + part) : ""}`,
                enabled: true,
                dayMode: everyDays > 1 ? DayMode.Interval : DayMode.Weekdays,
                weekdays: 127,
                intervalDays: everyDays,
                refDay: 0,
                startsMin: mine,
                zoneS: plans.map((p, z) => (zs.includes(z) ? Math.max(60, Math.round(p.secondsPerTenth * baseTenths)) : 0)),
                budgetPct: season.budgetPct,
                cycleS: 0,
                soakS: 0,
                seasonFrom: season.from,
                seasonTo: season.to,
                useMoisture: true,
            })
        })
    })
    return programs
}

export class ControllerStrategy implements Strategy {
    readonly name = "controller"
    rules = ""
    private driver: CoreDriver | null = null
    private planner: Planner | null = null
    private sim: FarmSim | null = null

    constructor(private readonly tuning: ControllerTuning = DEFAULT_TUNING) {}

    /** The running core (null before start()); the terminal UI drives its keypad menu. */
    get core(): CoreDriver | null {
        return this.driver
    }

    start(sim: FarmSim): void {
        const setup = controllerSetup(sim.farm, sim.model, this.tuning)
        this.driver = new CoreDriver(setup.config, setup.programs)
        this.driver.start(sim)
        this.sim = sim
        this.planner = setup.config.planner === undefined ? null : new Planner(setup.config, false)
        this.rules = describe(sim.farm, setup, this.tuning)
    }

    tick(t: number): StrategyOutput {
        const planner = this.planner
        const due = planner !== null && t >= nextLookS(planner)
        const out = this.driver!.step(t, due)
        if (due) {
            // As the firmware shell does: the planner looks after the core's step, and its runs
            // start at the next one.
            for (const cmd of planner!.decide(this.driver!.ctl, t, this.sim!.startUtcS + t)) this.driver!.tryCommand(cmd, "sensor")
        }
        return out
    }

    idleUntil(t: number): number | undefined {
        const until = this.driver?.idleUntil(t)
        if (this.planner === null || until === undefined) return until
        return Math.min(until, nextLookS(this.planner))
    }

    alarms(): SimAlarm[] {
        return this.driver?.alarmList ?? []
    }

    recent(): string[] {
        return this.driver?.recentLines() ?? []
    }
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`

const md = (x: number) => `${x % 100}/${Math.floor(x / 100)}`

function describe(farm: Farm, s: ControllerSetup, tuning: ControllerTuning): string {
    const rows = (p: ZoneMoisturePlan) => (p.rowSensor >= 0 ? `, probe between the rows of ${farm.zones[p.rowSensor].name} (target lower by ${s.config.moisture.rowCreditPct}% of its reading above ${p.rowFromTenths / 10}%, up to ${p.rowToTenths / 10}%)` : "")
    const zones = s.plans.map((p, z) => `${farm.zones[z].name}: set point ${p.setPointTenths / 10}%, target ${p.targetTenths / 10}%, probe of ${farm.zones[p.sensor]?.name ?? "none"}${rows(p)}`)
    const days = (n: number) => (n > 1 ? `every ${n} days` : "every day")
    const seasons = tuning.seasons.map((x) => {
        const crops = Object.entries(x.byCrop ?? {}).map(([c, r]) => `${c}: ${days(r!.everyDays)} at ${r!.startsMin.map(hhmm).join(", ")}`).join("; ")
        return `${md(x.from)}-${md(x.to)}: ${days(x.everyDays ?? 1)} at ${x.startsMin.map(hhmm).join(", ")}${crops ? ` (${crops})` : ""}, budget ${x.budgetPct}%`
    })
    const pc = s.config.planner
    const planner = pc === undefined ? [] : [
        `The core's planner (firmware/core/planner.ts) waters every zone whose probe reads healthy, every 10 minutes deciding from the probe, the month's mean ET0 and the tariff: a zone starts only when, waiting longer, its root-zone depletion (the bulb as its probe reads it, the soil between the rows estimated from the rain the bulb shows) would pass RAW - ${pc.marginTenthsMm / 10} mm within a day even if watered at every later chance outside peak windows (RAW reckoned for a day ${pc.hotPct - 100}% hotter than the month's mean); it runs until the probe shows it could wait 2 hours, never past field capacity. Zones that read another zone's probe get the water that zone got. The programs below water only the zones whose probe has failed (they skip planned zones).`,
    ]
    return [
        ...planner,
        `Our control core (firmware/core) runs the farm as on the box: tick 60 s, tariff peak policy "${s.config.peakPolicy}" (${s.config.peakPolicy === "split" ? "a run stops one tick before a peak window and resumes after it with its time kept" : "no run starts unless it ends before a peak window; runs stop one tick before one"}).`,
        `${s.programs.length} programs with soil-moisture feedback: zones reading the same probe share one (zones without a probe read one in a zone of the same crop and soil), one program per zone group and season (one per four starts). ${seasons.join("; ")}.`,
        `Each run refills the wetted bulb toward the zone's set point in proportion to the probe's deficit (base ${s.baseTenths / 10}% v/v, gain ${s.config.moisture.gainPctPerPct} %/%, skip at target + ${s.config.moisture.skipAboveTenths / 10}%), times the season's budget. The set point is the bulb's stress level (where the root-weighted depletion reaches RAW on a hot day with the soil between the rows dry) plus ${tuning.stressMarginDays} days${Object.entries(tuning.stressMarginDaysByCrop ?? {}).map(([c, d]) => `, ${d} for ${c}`).join("")} of a hot day's use (at least ${tuning.stressMarginMin * 100}%), but at least ${tuning.fcGapMin * 100}% under field capacity; a budget under 100% refills part of the deficit at each start (in the dry season, with five starts a day, a reading that is low by noise overshoots less; in the wet season the bulb settles lower, leaving room for rain).`,
        ...(s.plans.some((p) => p.rowSensor >= 0) ? [`A probe between the rows shows how wet the soil the drippers do not reach is; the roots draw on it too, so the core lowers the bulb's target by the roots' share there over their share in the bulb for what it reads above dry, keeping the set point ${Object.entries(tuning.rowMargin).map(([c, m]) => `${m * 100}%${c === "default" ? "" : ` for ${c}`}`).join(", ")} above the crop's stress level as that probe shows it, never above the dry-rows set point.`] : []),
        ...zones,
    ].join("\n")
}
