// The season report of one run: water, soil, crop and energy totals over the whole farm, per
// zone, and the rules the strategy followed. Numbers are rounded to what is meaningful, so the
// JSON is short and stable (same run, same bytes).

import { FarmSim } from "./farm-sim"

export interface ZoneReport {
    name: string
    crop: string
    soil: string
    areaHa: number
    irrigationM3: number
    irrigationMm: number
    etcMm: number
    etaMm: number
    deepPercolationMm: number
    irrigationDeepPercolationMm: number
    stressDays: number
    minKs: number
    waterloggedDays: number
    yieldLossPct: number
}

export interface AlarmReport {
    /** Local time, "YYYY-MM-DD HH:MM". */
    time: string
    kind: string
    zone: string
    reason: string
}

export interface FarmReport {
    farm: string
    strategy: string
    seed: number
    startDate: string
    days: number
    areaHa: number
    irrigationM3: number
    /** Gross irrigation over the farm's area. Depths below are area-weighted farm means. */
    irrigationMm: number
    rainMm: number
    etcMm: number
    etaMm: number
    deepPercolationMm: number
    /** The part of deep percolation caused by irrigation water (see soil-water.ts). */
    irrigationDeepPercolationMm: number
    /** irrigationDeepPercolationMm as a percentage of irrigationMm. */
    irrigationDeepPercolationPct: number
    runoffMm: number
    storageChangeMm: number
    /** irrigation + rain - ETa - deep percolation - runoff - storage change (should be ~0). */
    balanceErrorMm: number
    /** Days on which Ks < 1 in at least one zone. */
    stressDays: number
    /** Days on which at least one zone was waterlogged. */
    waterloggedDays: number
    /** Area-weighted FAO-33 yield loss from the season's ET deficit. */
    yieldLossPct: number
    pumpHours: number
    pumpHoursPeak: number
    pumpHoursNormal: number
    pumpHoursOffPeak: number
    pumpKWh: number
    pumpKWhPeak: number
    pumpKWhNormal: number
    pumpKWhOffPeak: number
    /** Before VAT, at the profile's tariff. */
    energyCostVnd: number
    alarms: AlarmReport[]
    rules: string
    zones: ZoneReport[]
}

export const round = (x: number, digits: number): number => {
    const f = 10 ** digits
    const r = Math.round(x * f) / f
    return r === 0 ? 0 : r // no "-0" in the JSON
}

/** "YYYY-MM-DD HH:MM" of a local time in seconds since 1970-01-01 local. */
export function localStamp(localS: number): string {
    return new Date(localS * 1000).toISOString().slice(0, 16).replace("T", " ")
}

export function buildReport(sim: FarmSim): FarmReport {
    const farm = sim.farm
    const area = farm.areaM2
    let irrigationL = 0
    const sums = { rain: 0, etc: 0, eta: 0, dp: 0, dpIrr: 0, runoff: 0, dS: 0, yieldLoss: 0 }
    const zones: ZoneReport[] = farm.zones.map((z, i) => {
        const t = sim.zoneTotals(i)
        const w = z.areaM2 / area
        irrigationL += t.irrigationL
        sums.rain += w * t.rainMm
        sums.etc += w * t.etcMm
        sums.eta += w * t.etaMm
        sums.dp += w * t.deepPercolationMm
        sums.dpIrr += w * t.irrigationDeepPercolationMm
        sums.runoff += w * t.runoffMm
        sums.dS += w * (t.storageEndMm - t.storageStartMm)
        sums.yieldLoss += w * t.yieldLossPct
        return {
            name: z.name,
            crop: z.crop.id,
            soil: z.soil.id,
            areaHa: round(z.areaM2 / 10000, 4),
            irrigationM3: round(t.irrigationL / 1000, 1),
            irrigationMm: round(t.irrigationMm, 1),
            etcMm: round(t.etcMm, 1),
            etaMm: round(t.etaMm, 1),
            deepPercolationMm: round(t.deepPercolationMm, 1),
            irrigationDeepPercolationMm: round(t.irrigationDeepPercolationMm, 1),
            stressDays: t.stressDays,
            minKs: round(t.minKs, 3),
            waterloggedDays: t.waterloggedDays,
            yieldLossPct: round(t.yieldLossPct, 2),
        }
    })
    const irrigationMm = irrigationL / area
    const e = sim.energy.report()
    const startLocal = sim.localS(0)
    return {
        farm: farm.name,
        strategy: sim.strategy.name,
        seed: sim.seed,
        startDate: localStamp(startLocal).slice(0, 10),
        days: sim.weather.days,
        areaHa: round(area / 10000, 3),
        irrigationM3: round(irrigationL / 1000, 1),
        irrigationMm: round(irrigationMm, 1),
        rainMm: round(sums.rain, 1),
        etcMm: round(sums.etc, 1),
        etaMm: round(sums.eta, 1),
        deepPercolationMm: round(sums.dp, 1),
        irrigationDeepPercolationMm: round(sums.dpIrr, 2),
        irrigationDeepPercolationPct: irrigationMm > 0 ? round((100 * sums.dpIrr) / irrigationMm, 2) : 0,
        runoffMm: round(sums.runoff, 1),
        storageChangeMm: round(sums.dS, 1),
        balanceErrorMm: round(irrigationMm + sums.rain - sums.eta - sums.dp - sums.runoff - sums.dS, 3),
        stressDays: sim.stressDays,
        waterloggedDays: sim.waterloggedDays,
        yieldLossPct: round(sums.yieldLoss, 2),
        pumpHours: round((e.pumpSecondsPeak + e.pumpSecondsNormal + e.pumpSecondsOffPeak) / 3600, 2),
        pumpHoursPeak: round(e.pumpSecondsPeak / 3600, 2),
        pumpHoursNormal: round(e.pumpSecondsNormal / 3600, 2),
        pumpHoursOffPeak: round(e.pumpSecondsOffPeak / 3600, 2),
        pumpKWh: round(e.pumpKWh, 2),
        pumpKWhPeak: round(e.pumpKWhPeak, 2),
        pumpKWhNormal: round(e.pumpKWhNormal, 2),
        pumpKWhOffPeak: round(e.pumpKWhOffPeak, 2),
        energyCostVnd: e.energyCostVnd,
        alarms: sim.strategy.alarms().map((a) => ({
            time: localStamp(sim.localS(a.t)),
            kind: a.kind,
            zone: a.zone >= 0 ? farm.zones[a.zone].name : "",
            reason: a.reason,
        })),
        rules: sim.strategy.rules,
        zones,
    }
}
