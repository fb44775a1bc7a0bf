// Crop parameters of the pilot cooperatives and their FAO-56 crop-coefficient curves.
// All three crops are perennials, so the FAO stages (initial, development, mid-season, late
// season) are tied to calendar dates and repeat every year. Values come from the crop table in
// domain.md; each value not printed there is marked "assumed" and is a default a user can change
// by passing their own CropParams.

export type CropId = "pepper" | "jackfruit" | "starApple"

/** A date within a (non-leap) year. */
export interface MonthDay {
    month: number
    day: number
}

/**
 * Start dates of the four FAO stages. The late season runs until the initial stage of the next
 * year starts, so the four dates must be in this cyclic order.
 */
export interface CropStages {
    ini: MonthDay
    dev: MonthDay
    mid: MonthDay
    late: MonthDay
}

export interface CropParams {
    id: CropId
    name: string
    /** Single crop coefficients as used by the simulator (already adjusted for climate). */
    kcIni: number
    kcMid: number
    kcEnd: number
    stages: CropStages
    /** Effective root depth Zr, m. */
    rootDepthM: number
    /** Depletion fraction p for ETc = 5 mm/day (FAO-56 Table 22 convention). */
    pNominal: number
    /** Seasonal yield response factor Ky (FAO paper 33). */
    ky: number
    /** Canopy height, m (enters the FAO-56 eq. 62 climate adjustment). */
    heightM: number
    /** Fraction of the soil surface a typical drip layout wets (FAO-56 Table 20: 0.3-0.4). */
    wettedFraction: number
    /** Hours of waterlogged root zone the crop survives without lasting damage. */
    waterlogToleranceH: number
}

export interface KcClimate {
    /** Mean wind speed at 2 m, m/s. */
    u2: number
    /** Mean daily minimum relative humidity, %. */
    rhMinPct: number
}

/**
 * FAO-56 eq. 62: a Kc mid or Kc end taken from Table 12 (written for RHmin = 45% and u2 = 2 m/s)
 * adjusted to the local climate. Humid, calm air lowers the Kc of tall crops because their
 * aerodynamic advantage over the grass reference shrinks. FAO applies it only to Kc >= 0.45.
 */
export function kcClimateAdjusted(kcTable: number, climate: KcClimate, heightM: number): number {
    if (kcTable < 0.45) return kcTable
    return kcTable + (0.04 * (climate.u2 - 2) - 0.004 * (climate.rhMinPct - 45)) * Math.pow(heightM / 3, 0.3)
}

// Assumed Bình Phước climate for eq. 62. domain.md gives no wind, so 1.5 m/s (light inland wind)
// is assumed. RHmin is taken about 15 points below the ERA5-Land monthly mean RH of the months of
// each stage (jackfruit mid season Jan-May: mean RH 56-82%; late season Jun-Aug: 88-89%).
const JACKFRUIT_MID_CLIMATE: KcClimate = { u2: 1.5, rhMinPct: 55 }
const JACKFRUIT_END_CLIMATE: KcClimate = { u2: 1.5, rhMinPct: 72 }
const JACKFRUIT_HEIGHT_M = 5 // assumed: orchard trees kept low by pruning

// FAO-56 Table 12 footnote for citrus: in humid and sub-humid climates citrus has less stomatal
// control, and Kc ini, mid and end may be raised by 0.1-0.2. Assumed: the midpoint.
const CITRUS_HUMID_INCREASE = 0.15

export const CROPS: Record<CropId, CropParams> = {
    // Hồ tiêu, bearing. Kc from a Central Highlands field study (domain.md): ini 0.80-1.02,
    // mid 1.10-1.20, late 0.93-0.83; the central values are used. The study was done in a
    // climate like Bình Phước's, so eq. 62 is not applied.
    pepper: {
        id: "pepper",
        name: "black pepper, bearing (hồ tiêu)",
        kcIni: 0.91,
        kcMid: 1.15,
        kcEnd: 0.88,
        // Assumed calendar for South-East Vietnam: after the Jan-Mar harvest the vines rest and
        // are pruned (initial, from 15 March); the first rains bring new shoots and flowering
        // (development, from 1 May); fruit set and berry growth fill the wet season (mid, from
        // 15 June); berries ripen and are picked through the dry season (late, from 1 November
        // to the harvest's end in mid-March).
        stages: {
            ini: { month: 3, day: 15 },
            dev: { month: 5, day: 1 },
            mid: { month: 6, day: 15 },
            late: { month: 11, day: 1 },
        },
        rootDepthM: 0.5, // domain.md 0.4-0.6 (assumed there), central value
        pNominal: 0.375, // domain.md 0.35-0.40 (assumed there), central value
        // Field study in domain.md: Ky 1.7-3.0. The midpoint 2.35 is taken: pepper loses yield
        // more than in proportion to its ET deficit.
        ky: 2.35,
        heightM: 3.5, // assumed: height of the support posts
        wettedFraction: 0.35, // assumed: two drippers per post
        // Assumed: a day of waterlogged soil is enough for Phytophthora root rot (quick wilt),
        // the disease domain.md names.
        waterlogToleranceH: 24,
    },
    // Mít ruột đỏ. Proxy: FAO-56 Table 12 avocado without ground cover, Kc 0.60 / 0.85 / 0.75,
    // with mid and end adjusted by eq. 62 to the humid, calm climate (0.85 -> 0.78, 0.75 -> 0.60).
    jackfruit: {
        id: "jackfruit",
        name: "jackfruit, red flesh (mít ruột đỏ); proxy FAO avocado without cover",
        kcIni: 0.6,
        kcMid: kcClimateAdjusted(0.85, JACKFRUIT_MID_CLIMATE, JACKFRUIT_HEIGHT_M),
        kcEnd: kcClimateAdjusted(0.75, JACKFRUIT_END_CLIMATE, JACKFRUIT_HEIGHT_M),
        // Assumed calendar: after the Jun-Aug harvest the trees flush (initial, from 1 Sep),
        // build canopy (development, from 1 Nov), flower in Dec-Feb and fill fruit through the
        // dry season (mid, from 1 Jan), then ripen and are harvested (late, from 1 Jun).
        stages: {
            ini: { month: 9, day: 1 },
            dev: { month: 11, day: 1 },
            mid: { month: 1, day: 1 },
            late: { month: 6, day: 1 },
        },
        rootDepthM: 0.75, // domain.md 0.5-1.0, central value
        pNominal: 0.7, // domain.md
        ky: 1.0, // assumed: fruit tree, yield roughly proportional to ET deficit
        heightM: JACKFRUIT_HEIGHT_M,
        wettedFraction: 0.3, // assumed: drippers in a ring under a wide canopy
        // domain.md: jackfruit dies after 2-3 days of flooding; the lower bound is used.
        waterlogToleranceH: 48,
    },
    // Vú sữa Hoàng Kim. Proxy: FAO-56 Table 12 citrus, 70% canopy, no ground cover, Kc 0.70 /
    // 0.65 / 0.70, raised for the humid climate per the citrus footnote (see above). Eq. 62 is
    // not applied on top: the footnote is FAO's own humid-climate correction for citrus.
    starApple: {
        id: "starApple",
        name: "star apple 'Hoàng Kim' (vú sữa); proxy FAO citrus, 70% canopy",
        kcIni: 0.7 + CITRUS_HUMID_INCREASE,
        kcMid: 0.65 + CITRUS_HUMID_INCREASE,
        kcEnd: 0.7 + CITRUS_HUMID_INCREASE,
        // Assumed calendar: post-harvest flush (initial, from 15 Apr), canopy growth in the early
        // wet season (development, from 15 Jun), flowering Aug-Sep and fruit growth (mid, from
        // 15 Aug), ripening and the harvest around Tết, Jan-Apr (late, from 1 Jan).
        stages: {
            ini: { month: 4, day: 15 },
            dev: { month: 6, day: 15 },
            mid: { month: 8, day: 15 },
            late: { month: 1, day: 1 },
        },
        rootDepthM: 1.35, // domain.md 1.2-1.5, central value
        pNominal: 0.5, // domain.md
        ky: 0.9, // assumed: in the range FAO paper 33 gives for citrus (0.8-1.1, quoted from memory)
        heightM: 6, // assumed
        wettedFraction: 0.3, // assumed
        waterlogToleranceH: 72, // assumed: grown on raised beds in the Mekong delta, moderately tolerant
    },
}

const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]

/** Day of year, 1 = 1 January, of a date in a non-leap year. */
export function dayOfYear(md: MonthDay): number {
    return MONTH_START[md.month - 1] + md.day
}

/**
 * Kc on a day of the year (1 = 1 January; fractions allowed for sub-daily steps), following the
 * FAO-56 piecewise-linear curve (Fig. 25): flat Kc ini over the initial stage, linear up to Kc
 * mid over development, flat over mid season, linear down to Kc end over the late season. The
 * curve then restarts at Kc ini, so it may step at the start of the initial stage. The cycle is
 * 365 days; in a leap year day 366 reads as day 1 of the next cycle.
 */
export function kcOn(crop: CropParams, dayOfYearN: number): number {
    const year = 365
    const ini = dayOfYear(crop.stages.ini)
    const since = (from: number, to: number) => (((to - from) % year) + year) % year
    const dev = since(ini, dayOfYear(crop.stages.dev))
    const mid = since(ini, dayOfYear(crop.stages.mid))
    const late = since(ini, dayOfYear(crop.stages.late))
    if (!(0 < dev && dev < mid && mid < late)) throw new Error(`crop ${crop.id}: stage dates out of order`)
    const t = since(ini, dayOfYearN)
    if (t < dev) return crop.kcIni
    if (t < mid) return crop.kcIni + ((crop.kcMid - crop.kcIni) * (t - dev)) / (mid - dev)
    if (t < late) return crop.kcMid
    return crop.kcMid + ((crop.kcEnd - crop.kcMid) * (t - late)) / (year - late)
}
