// The fault campaign: seeded dry-season stretches of a farm run by the real control core, one
// random fault each, plus as many fault-free stretches; per fault type it reports how often
// the core noticed, how fast, how much water the fault lost, and the false alarms.
//
// A "season" here is SEASON_DAYS days in the dry season (a random start from 5 January to
// 15 April, when the farm waters every day, several runs a day), on weather of the season's
// own seed. The box has been commissioned before: its flow supervision starts with the
// normal flows it learned over COMMISSION_DAYS fault-free days on the same farm and meter
// (the core's own learning, run once per farm), as a box that has run for a while has.
// The fault comes at a random time in the first FAULT_WINDOW_H hours, so runs follow it.
// Fault types go round in turn (season i gets FAULT_TYPES[i mod 8]); zone, time and severity
// are random within the ranges of drawFault(). The simulation steps the core every second
// for a while after any change of valves, pump or faults, and every minute otherwise.

import { Dose } from "../firmware/core/dosing"
import { Farm } from "./farm"
import { FarmSim } from "./farm-sim"
import { weatherFor } from "./farm-run"
import { FAULT_TYPES, FaultEvent, FaultSchedule, FaultType } from "./faults"
import { Rng } from "./random"
import { CLOG_TARGET, Episode, SeasonWatch } from "./campaign-watch"
import { DEFAULT_TUNING } from "./strategies/controller"

export const SEASON_DAYS = 3
export const COMMISSION_DAYS = 4
export const FAULT_WINDOW_H = 30
/** Commissioning: each zone runs alone this long, this often, learnRuns times. */
const TEACH_RUN_S = 240
const TEACH_EVERY_S = 300
/** The core's step while water conditions change (the box's own tick). */
export const FINE_TICK_S = 1
/** Done-means of issue 6. */
export const BURST_ISOLATE_S = 120
export const NO_FLOW_STOP_S = 30

export const SEASON_DEFINITION =
    `a season is ${SEASON_DAYS} dry-season days (start drawn from 5 Jan to 15 Apr) with daily irrigation by the real core, ` +
    `commissioned with the flows it learned from the installer running each zone alone and over ${COMMISSION_DAYS} fault-free days; one fault at a random time in the first ${FAULT_WINDOW_H} h ` +
    `(types in turn, zone and severity random); a dosed run (fertiliser) every season`

/** A fertiliser dose: 2 L of product at the injector's rate, 5 min pre-wet, 10 min flush. */
const DOSE: Dose = { product: 1, byVolume: true, amount: 2000, prewetS: 300, flushS: 600, phiDays: 0 }
const DOSE_RUN_S = 1800

export interface SeasonResult {
    index: number
    seed: number
    startDate: string
    fault: FaultEvent | null
    /** The fault showed in the water at least once (a burst with no run after it did not). */
    exercised: boolean
    /** First flow alarm after the fault, seconds after the fault began to show and settled
     *  (no-flow, tank: after it began); -1 none. */
    detectS: number
    /** Longest time a settled episode lasted past settling (bursts, stuck open: until the
     *  water stopped; no flow: pump on with nothing through the meter, from its start). */
    worstEpisodeS: number
    /** Clog: reported no later than the end of the first run losing >= CLOG_TARGET at the meter. */
    onFirstRun: boolean
    /** Clog: largest flow loss at the meter, and of the zone's emitters, 0..1. */
    meterLoss: number
    zoneLoss: number
    lostL: number
    /** Zones locked out as burst after the fault: the broken zone, and any other zone. */
    lockedRight: boolean
    lockedWrong: number
    /** Flow alarms before the fault (all of them in a fault-free season). */
    falseAlarms: number
    alarms: string[]
}

export interface TypeSummary {
    type: FaultType | "none"
    seasons: number
    exercised: number
    detected: number
    detectionRate: number
    detectMeanS: number
    detectMaxS: number
    /** Longest episode past settling (see SeasonResult.worstEpisodeS). */
    episodeMaxS: number
    waterLostMeanL: number
    /** Clogs of >= CLOG_TARGET at the meter, and how many were reported on their first such run. */
    qualifying: number
    onFirstRun: number
    /** Clogs that took >= CLOG_TARGET of the zone's own emitter flow, and how many of those
     *  were reported at all in the season (in a set of zones the meter sees less). */
    zoneQualifying: number
    zoneReported: number
    /** Seasons in which the broken zone was locked out; healthy zones locked out (all seasons). */
    lockedRight: number
    lockedWrong: number
    falseAlarms: number
}

export interface CampaignReport {
    farm: string
    seed: number
    seasons: number
    faultFreeSeasons: number
    season: string
    byType: TypeSummary[]
    faultFree: { seasons: number; falseAlarms: number; seasonsWithFalseAlarms: number }
    targets: { burstsIsolatedIn120s: boolean; cloggedReportedOnFirstRun: boolean; noFlowStoppedIn30s: boolean; noFalseAlarms: boolean }
    results: SeasonResult[]
}

function isoDate(localDay: number): string {
    return new Date(localDay * 86400000).toISOString().slice(0, 10)
}

/** Learned flows of a commissioned box: the core learns them on fault-free days. */
interface Commissioning {
    masks: number[]
    flows: number[]
    gainError: number
}

const commissioned = new Map<string, Commissioning>()

function commission(farm: Farm, seed: number): Commissioning {
    const key = `${farm.name}|${seed}`
    const hit = commissioned.get(key)
    if (hit !== undefined) return hit
    // The installer commissions the box before turning its planner on: with it on, the planner
    // would water other zones beside the ones being taught, and no zone would run alone.
    const watch = new SeasonWatch(null, 60, { ...DEFAULT_TUNING, plannerMarginMm: undefined })
    const sim = new FarmSim({ farm, weather: weatherFor(seed, "2025-01-20", COMMISSION_DAYS), strategy: watch, seed, fineTickS: FINE_TICK_S })
    // The installer runs each zone alone a few times from midnight, before the first program
    // start, so the box knows every zone's own flow; the combinations it learns at work.
    const learnRuns = farm.profile.config.flow?.learnRuns ?? 3
    for (let r = 0; r < learnRuns; r++) {
        for (let z = 0; z < farm.zones.length; z++) {
            sim.advanceTo((r * farm.zones.length + z) * TEACH_EVERY_S)
            watch.core!.tryCommand({ k: "run", zone: z, seconds: TEACH_RUN_S }, "keypad")
        }
    }
    sim.run()
    const sup = watch.core!.ctl.flowSup
    if (sup === null) throw new Error(`farm ${farm.name}: its profile has no flow meter (flow)`)
    const c = { masks: sup.masks.slice(), flows: sup.flows.slice(), gainError: sim.meter!.gainError }
    commissioned.set(key, c)
    return c
}

function seasonSeed(seed: number, index: number, faultFree: boolean): number {
    return (Math.imul(seed, 1000003) + Math.imul(index + 1, 7919) + (faultFree ? 0x51ed : 0)) | 0
}

/** A fault of the given type: zone, time and severity in realistic ranges. */
export function drawFault(type: FaultType, rng: Rng, zones: number): FaultEvent {
    const atS = Math.floor(3600 * (2 + rng.next() * (FAULT_WINDOW_H - 2)))
    const zone = rng.int(0, zones - 1)
    switch (type) {
        case "zoneBurst":
            // A 16 mm lateral torn off its fitting (its 13.6 mm bore: 145 mm²) up to a split
            // submain; smaller holes are leaks, not bursts.
            return { type, atS, zone, severity: Math.round(145 + rng.next() * 455) }
        case "mainBurst":
            return { type, atS, zone: -1, severity: Math.round(145 + rng.next() * 855) }
        case "clog":
            // Compensating drippers hide clogging until half their passage is gone, so the
            // range starts there; it builds up over up to a day.
            return { type, atS, zone, severity: 0.6 + rng.next() * 0.38, clogShare: 0.6 + rng.next() * 0.4, rampS: Math.floor(rng.next() * 86400) }
        case "stuckOpen":
        case "stuckClosed":
            return { type, atS, zone, severity: 1 }
        case "pumpFailure":
            return { type, atS, zone: -1, severity: rng.bool(0.5) ? 1 : 0 }
        case "emptyTank":
            // Litres left above the float switch: the next dose runs it dry.
            return { type, atS, zone: -1, severity: 0.1 + rng.next() * 0.9 }
        case "meterFailure":
            return { type, atS, zone: -1, severity: 1 }
    }
}

export function runSeason(farm: Farm, seed: number, index: number, faultFree: boolean): SeasonResult {
    const s = seasonSeed(seed, index, faultFree)
    const rng = new Rng(s)
    const startDay = 20093 /* 2025-01-05 */ + rng.int(0, 100)
    const fault = faultFree ? null : drawFault(FAULT_TYPES[index % FAULT_TYPES.length], rng, farm.zones.length)
    const flow = farm.profile.config.flow!
    const watch = new SeasonWatch(fault, flow.settleS)
    const sim = new FarmSim({
        farm, weather: weatherFor(s, isoDate(startDay), SEASON_DAYS), strategy: watch, seed: s,
        faults: new FaultSchedule(fault === null ? [] : [fault]), fineTickS: FINE_TICK_S,
    })
    const c = commission(farm, seed)
    sim.advanceTo(0)
    const ctl = watch.core!.ctl
    ctl.flowSup!.masks = c.masks.slice()
    ctl.flowSup!.flows = c.flows.slice()
    sim.meter!.gainError = c.gainError
    // One dosed run a season; an empty-tank season doses after its fault.
    const doseAt = fault !== null && fault.type === "emptyTank" ? fault.atS + 1800 : Math.floor(3600 * (1 + rng.next() * 40))
    const doseZone = rng.int(0, farm.zones.length - 1)
    sim.advanceTo(Math.ceil(doseAt / 60) * 60)
    watch.core!.tryCommand({ k: "run", zone: doseZone, seconds: DOSE_RUN_S, dose: DOSE }, "remote")
    sim.run()
    watch.finish(sim.endS)
    return judge(index, s, isoDate(startDay), fault, watch)
}

function judge(index: number, seed: number, startDate: string, fault: FaultEvent | null, w: SeasonWatch): SeasonResult {
    const onset = fault === null ? Infinity : fault.atS
    const before = w.alarmsSeen.filter((a) => a.t < onset)
    const after = w.alarmsSeen.filter((a) => a.t >= onset)
    const eps = w.episodes
    const noSettle = fault !== null && ["pumpFailure", "meterFailure", "emptyTank"].includes(fault.type)
    const refOf = (e: Episode) => (noSettle ? e.startS : e.settledS)
    const judged = eps.filter((e) => refOf(e) >= 0)
    const first = judged[0]
    const detectT = after.length > 0 ? after[0].t : -1
    let detectS = -1
    if (detectT >= 0) detectS = first !== undefined ? Math.max(0, detectT - refOf(first)) : 0
    let worst = 0
    for (const e of judged) worst = Math.max(worst, e.endS - refOf(e))
    let onFirstRun = false
    let meterLoss = 0
    for (const e of eps) meterLoss = Math.max(meterLoss, e.loss)
    if (fault !== null && fault.type === "clog") {
        const q = eps.find((e) => e.settledS >= 0 && e.loss >= CLOG_TARGET)
        onFirstRun = q !== undefined && w.alarmsSeen.some((a) => a.t >= onset && a.t <= q.endS && a.what.includes("flowLow"))
    }
    return {
        index, seed, startDate, fault,
        exercised: fault !== null && judged.length > 0,
        detectS, worstEpisodeS: worst, onFirstRun, meterLoss: round3(meterLoss), zoneLoss: round3(w.zoneLoss),
        lostL: Math.round(w.lostL),
        lockedRight: fault !== null && fault.zone >= 0 && after.some((a) => a.what === "alarm burst" && a.zone === fault.zone),
        lockedWrong: after.filter((a) => a.what === "alarm burst" && (fault === null || a.zone !== fault.zone)).length,
        falseAlarms: before.length,
        alarms: w.alarmsSeen.slice(0, 12).map((a) => `${a.t}s ${a.what}${a.zone >= 0 ? " z" + a.zone : ""}`),
    }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
const round1 = (x: number) => Math.round(x * 10) / 10

function summarize(type: FaultType | "none", rs: SeasonResult[]): TypeSummary {
    const ex = rs.filter((r) => r.exercised)
    const det = ex.filter((r) => r.detectS >= 0)
    const q = ex.filter((r) => r.fault?.type === "clog" && r.meterLoss >= CLOG_TARGET)
    return {
        type,
        seasons: rs.length,
        exercised: ex.length,
        detected: det.length,
        detectionRate: ex.length > 0 ? round3(det.length / ex.length) : 0,
        detectMeanS: det.length > 0 ? round1(det.reduce((s, r) => s + r.detectS, 0) / det.length) : 0,
        detectMaxS: det.reduce((m, r) => Math.max(m, r.detectS), 0),
        episodeMaxS: ex.reduce((m, r) => Math.max(m, r.worstEpisodeS), 0),
        waterLostMeanL: rs.length > 0 ? Math.round(rs.reduce((s, r) => s + r.lostL, 0) / rs.length) : 0,
        qualifying: q.length,
        onFirstRun: q.filter((r) => r.onFirstRun).length,
        zoneQualifying: rs.filter((r) => r.fault?.type === "clog" && r.zoneLoss >= CLOG_TARGET).length,
        zoneReported: rs.filter((r) => r.fault?.type === "clog" && r.zoneLoss >= CLOG_TARGET && r.detectS >= 0).length,
        lockedRight: rs.filter((r) => r.lockedRight).length,
        lockedWrong: rs.reduce((s, r) => s + r.lockedWrong, 0),
        falseAlarms: rs.reduce((s, r) => s + r.falseAlarms, 0),
    }
}

export interface CampaignOptions {
    farm: Farm
    seasons: number
    /** Fault-free seasons (default: as many as fault seasons). */
    faultFreeSeasons?: number
    seed: number
    progress?: (done: number, total: number) => void
}

export function runCampaign(o: CampaignOptions): CampaignReport {
    const free = o.faultFreeSeasons ?? o.seasons
    const total = o.seasons + free
    const results: SeasonResult[] = []
    const freeResults: SeasonResult[] = []
    for (let i = 0; i < o.seasons; i++) {
        results.push(runSeason(o.farm, o.seed, i, false))
        o.progress?.(i + 1, total)
    }
    for (let i = 0; i < free; i++) {
        freeResults.push(runSeason(o.farm, o.seed, i, true))
        o.progress?.(o.seasons + i + 1, total)
    }
    const byType = FAULT_TYPES.map((t) => summarize(t, results.filter((r) => r.fault?.type === t)))
    const of = (t: FaultType) => byType.find((b) => b.type === t)!
    const bursts = [of("zoneBurst"), of("mainBurst")]
    const noFlow = results.filter((r) => r.exercised && (r.fault?.type === "pumpFailure" || r.fault?.type === "meterFailure"))
    const falseFree = freeResults.reduce((s, r) => s + r.falseAlarms, 0)
    return {
        farm: o.farm.name,
        seed: o.seed,
        seasons: o.seasons,
        faultFreeSeasons: free,
        season: SEASON_DEFINITION,
        byType,
        faultFree: { seasons: free, falseAlarms: falseFree, seasonsWithFalseAlarms: freeResults.filter((r) => r.falseAlarms > 0).length },
        targets: {
            burstsIsolatedIn120s: bursts.every((b) => b.detected === b.exercised && b.episodeMaxS <= BURST_ISOLATE_S),
            cloggedReportedOnFirstRun: of("clog").onFirstRun === of("clog").qualifying,
            noFlowStoppedIn30s: noFlow.every((r) => r.detectS >= 0 && r.worstEpisodeS <= NO_FLOW_STOP_S),
            noFalseAlarms: falseFree === 0,
        },
        results: [...results, ...freeResults],
    }
}

export function formatCampaign(r: CampaignReport): string {
    const head = [
        `Fault campaign: ${r.farm}, seed ${r.seed}, ${r.seasons} fault seasons + ${r.faultFreeSeasons} fault-free`,
        `(${r.season})`,
        "",
    ]
    const cols = ["fault", "seasons", "shown", "detected", "rate", "mean s", "max s", "worst s", "lost L", "locked", "wrongly", "clog>=25%", "1st run"]
    const rows = r.byType.map((b) => [
        b.type, String(b.seasons), String(b.exercised), String(b.detected), (100 * b.detectionRate).toFixed(0) + "%",
        b.detectMeanS.toFixed(1), String(b.detectMaxS), String(b.episodeMaxS), String(b.waterLostMeanL),
        b.type === "zoneBurst" ? String(b.lockedRight) : "", String(b.lockedWrong),
        b.type === "clog" ? String(b.qualifying) : "", b.type === "clog" ? String(b.onFirstRun) : "",
    ])
    const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)))
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
    const t = r.targets
    const clog = r.byType.find((b) => b.type === "clog")!
    const yes = (b: boolean) => (b ? "met" : "NOT met")
    return [
        ...head,
        line(cols),
        widths.map((w) => "-".repeat(w)).join("  "),
        ...rows.map(line),
        "",
        "shown: seasons in which the fault reached the water after settling; mean/max s: first alarm after settling (no flow,",
        "tank: after it began); worst s: longest a fault episode went on past settling before the water was back to normal",
        "(bursts, stuck valves) or the pump stopped (no flow); lost L: water through burst holes and shut valves, mean per season.",
        "locked: seasons in which the broken zone was locked out; wrongly: healthy zones locked out as bursts (a main-line break or",
        "a valve stuck open shows as high flow on whichever zone runs; the core locks the first such zone, and when a second one",
        "runs high with no normal run between, it releases it, blames the main line and keeps the pump off until acknowledged).",
        `clog>=25%: clogs that took ${CLOG_TARGET * 100}% or more of the flow the meter should see on some run, 1st run: reported on the`,
        `first such run. Clogs that took ${CLOG_TARGET * 100}% of the zone's own flow: ${clog.zoneQualifying}, reported in the season: ${clog.zoneReported}`,
        "(with two or three zones open, the meter sees a half or a third of one zone's loss).",
        "",
        `fault-free seasons: ${r.faultFree.seasons}, false alarms ${r.faultFree.falseAlarms} (in ${r.faultFree.seasonsWithFalseAlarms} seasons)`,
        `targets: bursts isolated within ${BURST_ISOLATE_S} s of settling ${yes(t.burstsIsolatedIn120s)}; clogs of ${CLOG_TARGET * 100}% reported on the first run ${yes(t.cloggedReportedOnFirstRun)}; ` +
            `no flow stopped within ${NO_FLOW_STOP_S} s ${yes(t.noFlowStoppedIn30s)}; no false alarms ${yes(t.noFalseAlarms)}`,
        "",
    ].join("\n")
}
