// What an installer or a farmer can work out about each zone before the season: its flow, how
// long a millimetre takes, the crop's monthly water need from the climate normals, and the soil
// moisture levels that matter (field capacity, and where the crop starts to stress).

import { dayOfYear, kcOn } from "../crops"
import { Farm, FarmZone } from "../farm"
import { climateNormals } from "../farm-weather"
import { HydraulicModel, zonePlan } from "../hydraulics"
import { adjustedDepletionFraction, totalAvailableWaterMm } from "../soil-water"

export interface ZoneSizing {
    /** Flow of the zone running alone, as an installer measures it, L/h. */
    flowLph: number
    /** Seconds of watering per millimetre (gross, over the zone). */
    secondsPerMm: number
    /** Normal net need of each month, ETc minus rain, mm/day (index 0 = January). */
    needMmPerDay: number[]
    /** The driest month (1..12): the one with the largest normal net need. */
    peakMonth: number
    /** Its net need (ETc - rain), mm/day. */
    peakNeedMmPerDay: number
    /** Its crop water need (Kc x ET0, no rain counted), mm/day: what a farmer sizes for. */
    peakEtcMmPerDay: number
    /** Water content of the wetted bulb, m³/m³: field capacity, and the level at which the
     *  root-weighted depletion reaches RAW on a hot day when the soil between the rows is dry
     *  (the worst case: below it the crop is stressed whatever the rest of the zone holds). */
    thetaFc: number
    thetaStress: number
    /** Millimetres (over the bulb's own area) per 0.01 m³/m³ in the bulb. */
    bulbMmPerPct: number
    /** How fast the wetted bulb dries on such a hot day when it gives all the water, m³/m³ per day. */
    hotBulbDryingPerDay: number
}

/** Kc on the 15th of each month. */
function monthlyKc(zone: FarmZone): number[] {
    return Array.from({ length: 12 }, (_, m) => kcOn(zone.crop, dayOfYear({ month: m + 1, day: 15 })))
}

export function sizeZone(farm: Farm, model: HydraulicModel, z: number): ZoneSizing {
    const zone = farm.zones[z]
    const normals = climateNormals()
    const kc = monthlyKc(zone)
    const need = kc.map((k, m) => Math.max(0, k * normals.et0MmPerDay[m] - normals.rainMmPerDay[m]))
    let peakMonth = 0
    for (let m = 1; m < 12; m++) if (need[m] > need[peakMonth]) peakMonth = m
    const flowLph = zonePlan(model, z, 1).nominalFlowLph
    const s = zone.soil
    const taw = totalAvailableWaterMm(s, zone.crop.rootDepthM)
    // RAW shrinks on hot days (FAO-56 Table 22 footnote); plan for a day 30% above the normal
    // of the driest month (assumed: about the hottest days of the record).
    const hotEtc = 1.3 * kc[peakMonth] * normals.et0MmPerDay[peakMonth]
    const raw = adjustedDepletionFraction(zone.crop.pNominal, hotEtc) * taw
    const rb = zone.bulbRootFraction
    const bulbDeficit = Math.max(0, (raw - (1 - rb) * taw) / rb)
    return {
        flowLph,
        secondsPerMm: (zone.areaM2 * 3600) / flowLph,
        needMmPerDay: need,
        peakNeedMmPerDay: need[peakMonth],
        peakEtcMmPerDay: kc[peakMonth] * normals.et0MmPerDay[peakMonth],
        peakMonth: peakMonth + 1,
        thetaFc: s.thetaFc,
        thetaStress: s.thetaFc - bulbDeficit / (1000 * zone.crop.rootDepthM),
        bulbMmPerPct: 10 * zone.crop.rootDepthM,
        hotBulbDryingPerDay: hotEtc / zone.wettedFraction / (1000 * zone.crop.rootDepthM),
    }
}

export function sizeFarm(farm: Farm, model: HydraulicModel): ZoneSizing[] {
    return farm.zones.map((_, z) => sizeZone(farm, model, z))
}
