// Seeded daily and hourly weather for Bình Phước (Vietnam), calibrated on the ERA5-Land monthly
// record (sim/climate-data.ts). Same seed and same start day => identical output.
//
// Method (a monthly-conditioned stochastic generator):
//  - Months follow an observed year. Each calendar year of a run replays the monthly rain,
//    temperature and humidity of one observed year (1998-2010); the observed years are dealt in
//    shuffled cycles, so every run of 13 years or more contains each observed year once per
//    cycle. This keeps the observed year-to-year spread (dry years, late monsoon onsets) while
//    a long run's monthly means converge on the record's (a purely parametric generator would
//    need centuries to do so in the dry-season months, whose coefficient of variation is ~80 %).
//  - Rain occurrence: first-order Markov chain (wet/dry) with monthly transition probabilities
//    p01 = p(1 - r), p11 = p + r(1 - p), whose stationary wet-day probability is p and whose
//    lag-1 correlation is r. Amounts: gamma with shape RAIN_GAMMA_SHAPE, then all wet days of
//    the month are scaled so the month's total equals the observed year's month exactly.
//  - Temperature: AR(1) daily anomalies, wet days cooler, shifted so the month's mean equals the
//    observed one; daily range from DIURNAL_RANGE_C, narrower on wet days.
//  - Humidity: the record's RH is taken as RH at the daily mean temperature; the vapour pressure
//    it implies is capped at e°(Tmin), because the dew point cannot stay above the night's
//    minimum (FAO-56 Annex 6 uses Tdew ≈ Tmin in humid climates). RHmax/RHmin follow from it.
//  - Sunshine, wind: assumed monthly means (below), sunshine lower on wet days.
//  - ET0: FAO-56 Penman-Monteith, daily (sim/et0.ts).
//  - Rain timing: each wet day's rain falls in 1-3 showers, mostly in the afternoon and evening
//    in the wet season (convective storms), so sub-daily soil models see rain at a time of day.
//
// Parameters marked "assumed" are not in the record; they are typical values for the inland
// south of Vietnam and can be replaced when station data is available.

import { civilFromDays, daysFromCivil } from "../firmware/core/calendar"
import { daysInMonth, loadMonthlyClimate, MonthlyClimateRecord, monthlyNormals, MonthlyNormal } from "./climate-data"
import {
    clearSkyRadiation, extraterrestrialRadiationDaily, extraterrestrialRadiationPeriod, referenceEt0Daily,
    hourlyEt0Checked, saturationVapourPressureKPa, solarRadiationFromSunshine, daylightHours,
} from "./et0"
import { Rng } from "./random"

/** Centre of Bình Phước: latitude and elevation from domain.md; longitude (Đồng Xoài) assumed. */
export const BINH_PHUOC_SITE = {
    latitudeDeg: 11.5,
    longitudeDegEast: 106.9,
    timeZoneMeridianDegEast: 105, // UTC+7, no daylight saving
    elevationM: 90,
} as const

// Monthly tables, index 0 = January.
/** Mean days with measurable rain per month (assumed; ~160 a year, typical of the region). */
const WET_DAYS = [1.5, 1.5, 4, 9, 18, 20, 22, 23, 23, 20, 12, 5]
/** Mean sunshine hours per day (assumed; sums to ~2,450 h a year, domain.md: 2,400-2,500). */
const SUNSHINE_H = [8.0, 8.8, 8.7, 8.2, 6.8, 5.6, 5.4, 5.0, 5.0, 5.6, 6.5, 7.2]
/** Mean wind speed at 2 m, m/s (assumed; domain.md: ~1.5-2, windier in the NE-monsoon dry season). */
const WIND_2M_MS = [1.9, 2.0, 2.0, 1.8, 1.6, 1.7, 1.8, 1.8, 1.5, 1.5, 1.6, 1.8]
/** Mean daily temperature range, °C (domain.md: 7-9; wider in the dry season, assumed). */
const DIURNAL_RANGE_C = [9, 9, 9, 8.5, 8, 7, 7, 7, 7, 7, 7.5, 8]

const RAIN_PERSISTENCE = 0.35 // r: lag-1 correlation of wet/dry occurrence (assumed, typical 0.2-0.4)
const RAIN_GAMMA_SHAPE = 0.75 // daily amounts (assumed; tropical daily rain fits 0.6-0.9)
const MAX_WET_PROBABILITY = 0.95
const T_ANOMALY_SD_C = 0.8 // day-to-day temperature noise (assumed)
const T_ANOMALY_AR1 = 0.6
const WET_DAY_COOLING_C = 1.0 // wet days are cooler than dry days of the same month (assumed)
const WET_DAY_RANGE_CUT_C = 2.0 // and have a narrower daily range (assumed)
const WET_DAY_RH_RISE_PCT = 6 // and are more humid (assumed)
const RH_SD_PCT = 3
const WET_DAY_SUNSHINE_FACTOR = 0.5 // sunshine on a wet day relative to a dry day (assumed)
const WET_SEASON_MONTHS = [5, 6, 7, 8, 9, 10, 11] // May-November (domain.md)

export interface RainEvent {
    /** Minutes after local midnight. */
    startMin: number
    durationMin: number
    mm: number
}

export interface DailyWeather {
    /** Days since 1970-01-01, as firmware/core/calendar.ts counts them. */
    dayNumber: number
    year: number
    month: number
    dayOfMonth: number
    dayOfYear: number
    /** Observed year (1998-2010) whose monthly means this day's month replays. */
    analogYear: number
    rainMm: number
    /** Showers of the day in time order, non-overlapping, summing to rainMm. */
    rainEvents: RainEvent[]
    tMaxC: number
    tMinC: number
    tMeanC: number
    /** Vapour pressure, constant over the day; RH values follow from it. */
    actualVapourPressureKPa: number
    rhMaxPct: number
    rhMinPct: number
    /** (rhMax + rhMin) / 2, FAO-56's definition for eq. 19. */
    rhMeanPct: number
    windSpeed2mMs: number
    sunshineHours: number
    /** MJ m-2 day-1 */
    solarRadiationMJm2: number
    /** FAO-56 daily reference ET0, mm. */
    et0Mm: number
}

export interface WeatherRequest {
    seed: number
    startDayNumber: number
    days: number
    /** Defaults to the shared Bình Phước record (loadMonthlyClimate()). */
    climate?: MonthlyClimateRecord[]
}

/** Days startDayNumber .. startDayNumber + days - 1. Months are generated whole (their totals are
 *  matched to the observed year), so a run's first day sees the same weather as a longer run
 *  with the same seed and start. */
export function generateWeather(req: WeatherRequest): DailyWeather[] {
    const climate = req.climate ?? loadMonthlyClimate()
    const normals = monthlyNormals(climate)
    const years = [...new Set(climate.map((r) => r.year))].sort((a, b) => a - b)
    const byYearMonth = new Map(climate.map((r) => [r.year * 100 + r.month, r]))
    const rng = new Rng(req.seed)
    // The chain starts dry and without anomaly; it forgets that within days, and month totals are
    // matched anyway.
    const state: ChainState = { wet: false, tAnomaly: 0 }
    const analogs: number[] = []
    const out: DailyWeather[] = []
    const last = req.startDayNumber + req.days - 1
    let { y, m } = civilFromDays(req.startDayNumber)
    let analogYear = nextAnalog(analogs, years, rng)
    while (daysFromCivil(y, m, 1) <= last) {
        for (const d of generateMonth(rng, state, y, m, byYearMonth.get(analogYear * 100 + m)!, normals[m - 1])) {
            if (d.dayNumber >= req.startDayNumber && d.dayNumber <= last) out.push(d)
        }
        if (m < 12) m++
        else {
            y++
            m = 1
            analogYear = nextAnalog(analogs, years, rng)
        }
    }
    return out
}

/** Deals observed years from shuffled decks, dealing a fresh deck when one runs out. */
function nextAnalog(deck: number[], years: number[], rng: Rng): number {
    if (deck.length === 0) deck.push(...shuffled(years, rng))
    return deck.shift()!
}

interface ChainState {
    wet: boolean
    tAnomaly: number
}

function generateMonth(rng: Rng, state: ChainState, year: number, month: number, obs: MonthlyClimateRecord, normal: MonthlyNormal): DailyWeather[] {
    const i = month - 1
    const n = daysInMonth(year, month)
    const site = BINH_PHUOC_SITE

    // Rain: wetter-than-normal months get more wet days as well as heavier ones (sqrt split, assumed).
    const targetMm = obs.rainMmPerDay * n
    const p = Math.min(MAX_WET_PROBABILITY, (WET_DAYS[i] / n) * Math.sqrt(obs.rainMmPerDay / normal.rainMmPerDay))
    const p01 = p * (1 - RAIN_PERSISTENCE)
    const p11 = p + RAIN_PERSISTENCE * (1 - p)
    const wet: boolean[] = []
    for (let d = 0; d < n; d++) {
        state.wet = rng.bool(state.wet ? p11 : p01)
        wet.push(state.wet && targetMm > 0)
    }
    if (targetMm > 0 && !wet.includes(true)) wet[rng.int(0, n - 1)] = true
    const raw = wet.map((w) => (w ? gamma(rng, RAIN_GAMMA_SHAPE) : 0))
    const rawSum = raw.reduce((s, x) => s + x, 0)
    const rain = raw.map((x) => (rawSum > 0 ? (x * targetMm) / rawSum : 0))
    const wetFraction = wet.filter(Boolean).length / n

    // Temperature: AR(1) anomaly plus wet-day cooling, shifted onto the observed monthly mean.
    const tRaw = wet.map((w) => {
        state.tAnomaly = T_ANOMALY_AR1 * state.tAnomaly + Math.sqrt(1 - T_ANOMALY_AR1 ** 2) * T_ANOMALY_SD_C * normal01(rng)
        return state.tAnomaly - (w ? WET_DAY_COOLING_C : 0)
    })
    const tShift = obs.tMeanC - mean(tRaw)
    const rhRaw = wet.map((w) => WET_DAY_RH_RISE_PCT * (w ? 1 : 0) + RH_SD_PCT * normal01(rng))
    const rhShift = obs.rhMeanPct - mean(rhRaw)
    // Sunshine on dry days chosen so a month with the normal number of wet days gets SUNSHINE_H.
    const pNormal = Math.min(MAX_WET_PROBABILITY, WET_DAYS[i] / n)
    const sunDry = SUNSHINE_H[i] / (1 - (1 - WET_DAY_SUNSHINE_FACTOR) * pNormal)

    const firstDay = daysFromCivil(year, month, 1)
    const jan1 = daysFromCivil(year, 1, 1)
    return wet.map((w, d) => {
        const dayNumber = firstDay + d
        const dayOfYear = dayNumber - jan1 + 1
        const tMeanC = tRaw[d] + tShift
        const range = Math.max(3, DIURNAL_RANGE_C[i] + WET_DAY_RANGE_CUT_C * (wetFraction - (w ? 1 : 0)) + (rng.next() - 0.5))
        const tMaxC = tMeanC + range / 2
        const tMinC = tMeanC - range / 2
        const rh = Math.min(99, Math.max(20, rhRaw[d] + rhShift))
        const ea = Math.min((rh / 100) * saturationVapourPressureKPa(tMeanC), saturationVapourPressureKPa(tMinC))
        const rhMaxPct = (100 * ea) / saturationVapourPressureKPa(tMinC)
        const rhMinPct = (100 * ea) / saturationVapourPressureKPa(tMaxC)
        const sunshineHours = Math.min(0.95 * daylightHours(site.latitudeDeg, dayOfYear),
            sunDry * (w ? WET_DAY_SUNSHINE_FACTOR : 1) * (0.7 + 0.6 * rng.next()))
        const solarRadiationMJm2 = solarRadiationFromSunshine(sunshineHours, site.latitudeDeg, dayOfYear)
        const windSpeed2mMs = WIND_2M_MS[i] * (0.7 + 0.6 * rng.next())
        const et0Mm = referenceEt0Daily({
            latitudeDeg: site.latitudeDeg, elevationM: site.elevationM, dayOfYear, tMaxC, tMinC,
            actualVapourPressureKPa: ea, windSpeed2mMs, solarRadiationMJm2,
        })
        return {
            dayNumber, year, month, dayOfMonth: d + 1, dayOfYear, analogYear: obs.year,
            rainMm: rain[d], rainEvents: w ? rainEvents(rng, rain[d], month) : [],
            tMaxC, tMinC, tMeanC, actualVapourPressureKPa: ea, rhMaxPct, rhMinPct, rhMeanPct: (rhMaxPct + rhMinPct) / 2,
            windSpeed2mMs, sunshineHours, solarRadiationMJm2, et0Mm,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Rain timing

const AFTERNOON_SHARE_WET_SEASON = 0.8 // convective storms (assumed)
const AFTERNOON_SHARE_DRY_SEASON = 0.5
const MIN_GAP_MIN = 10

/** Splits a day's rain into 1-3 showers. Afternoon showers start 12:30-19:30 with a peak near
 *  16:00 (sum of two uniforms); the others between midnight and 10:00. Intensity 8-40 mm/h
 *  (assumed, convective) sets the duration. */
function rainEvents(rng: Rng, mm: number, month: number): RainEvent[] {
    const count = mm < 5 ? 1 : rng.int(1, mm < 20 ? 2 : 3)
    const afternoon = WET_SEASON_MONTHS.includes(month) ? AFTERNOON_SHARE_WET_SEASON : AFTERNOON_SHARE_DRY_SEASON
    // Plain loops, not Array.from, map and sort with closures: V8 compiles those into one large
    // function, on the compiler thread of a run's first year, for a few hundred calls.
    const weights: number[] = []
    for (let i = 0; i < count; i++) weights.push(0.2 + rng.next())
    let wSum = 0
    for (let i = 0; i < count; i++) wSum += weights[i]
    const showers: RainEvent[] = []
    for (let i = 0; i < count; i++) {
        const start = rng.bool(afternoon) ? 750 + (rng.next() + rng.next()) * 210 : rng.next() * 600
        const intensityMmH = 8 + 32 * rng.next()
        const share = (mm * weights[i]) / wSum
        const shower = { startMin: Math.floor(start), durationMin: Math.min(240, Math.max(10, Math.round((60 * share) / intensityMmH))), mm: share }
        // In order of start, after showers starting at the same minute (a stable sort).
        let j = showers.length
        showers.push(shower)
        while (j > 0 && showers[j - 1].startMin > shower.startMin) {
            showers[j] = showers[j - 1]
            j--
        }
        showers[j] = shower
    }
    // Push later showers past the end of earlier ones; one that no longer fits joins the previous.
    const events: RainEvent[] = []
    for (const s of showers) {
        const prev = events[events.length - 1]
        const start = prev ? Math.max(s.startMin, prev.startMin + prev.durationMin + MIN_GAP_MIN) : s.startMin
        if (prev && start > 1440 - MIN_GAP_MIN) {
            prev.mm += s.mm
            continue
        }
        events.push({ startMin: start, durationMin: Math.min(s.durationMin, 1440 - start), mm: s.mm })
    }
    // Make the parts add up to the day exactly despite floating-point rounding.
    let before = 0
    for (let i = 0; i < events.length - 1; i++) before += events[i].mm
    events[events.length - 1].mm = mm - before
    return events
}

// ---------------------------------------------------------------------------------------------
// Hours of a day

export interface HourlyWeather {
    /** Clock hour 0..23; values describe hour..hour+1 (temperature and RH at its midpoint). */
    hour: number
    tempC: number
    rhPct: number
    windSpeed2mMs: number
    /** MJ m-2 in this hour; the day's total shared in proportion to extraterrestrial radiation. */
    solarRadiationMJm2: number
    /** mm in this hour; the day's et0Mm shared in proportion to FAO-56 eq. 53. */
    et0Mm: number
    /** mm falling in this hour from the day's rain events (uniform within a shower). */
    rainMm: number
}

const T_MIN_HOUR = 6 // near sunrise (assumed)
const T_MAX_HOUR = 14 // early afternoon (assumed)
const WIND_DIURNAL_AMPLITUDE = 0.4 // calmer nights, breezier afternoons (assumed)

/** The 24 hours of a day. Radiation, ET0 and rain add up to the day's values, so an hourly
 *  model and a daily model stay in balance; eq. 53 decides only the ET0 shape over the day. */
export function hoursOfDay(day: DailyWeather): HourlyWeather[] {
    const h = fillHours(day)
    const hours: HourlyWeather[] = []
    for (let hour = 0; hour < 24; hour++) {
        const tempC = h.tempC[hour]
        hours.push({
            hour, tempC, rhPct: Math.min(100, (100 * day.actualVapourPressureKPa) / saturationVapourPressureKPa(tempC)),
            windSpeed2mMs: h.windSpeed2mMs[hour], solarRadiationMJm2: h.solarRadiationMJm2[hour], et0Mm: h.et0Mm[hour], rainMm: h.rainMm[hour],
        })
    }
    return hours
}

/** ET0 and rain of each hour of a day into et0Out and rainOut from index `at` (the same numbers
 *  as hoursOfDay, without building its records: sim/farm-weather.ts lays out a year of hours). */
export function dayEt0AndRain(day: DailyWeather, et0Out: Float64Array, rainOut: Float64Array, at: number): void {
    const h = fillHours(day)
    et0Out.set(h.et0Mm, at)
    rainOut.set(h.rainMm, at)
}

/** fillHours' result: the hours of the last day it was given (overwritten by the next call). */
const dayHours = {
    tempC: new Float64Array(24),
    windSpeed2mMs: new Float64Array(24),
    solarRadiationMJm2: new Float64Array(24),
    et0Mm: new Float64Array(24),
    rainMm: new Float64Array(24),
}

/** The numbers of hoursOfDay, hour by hour, into dayHours. */
function fillHours(day: DailyWeather): typeof dayHours {
    const site = BINH_PHUOC_SITE
    const out = dayHours
    const raDay = extraterrestrialRadiationDaily(site.latitudeDeg, day.dayOfYear)
    const rsOverRso = day.solarRadiationMJm2 / clearSkyRadiation(raDay, site.elevationM)
    let shapeSum = 0
    for (let hour = 0; hour < 24; hour++) {
        const mid = hour + 0.5
        const tempC = diurnalTemperature(day.tMinC, day.tMaxC, mid)
        const windSpeed2mMs = day.windSpeed2mMs * (1 + WIND_DIURNAL_AMPLITUDE * Math.cos((2 * Math.PI * (mid - T_MAX_HOUR)) / 24))
        // Fields spelled out rather than spread from `site`: V8 turns `{ ...site, more }` into a
        // slow dictionary object, and this runs 24 times a simulated day.
        const raHour = extraterrestrialRadiationPeriod({
            latitudeDeg: site.latitudeDeg, longitudeDegEast: site.longitudeDegEast,
            timeZoneMeridianDegEast: site.timeZoneMeridianDegEast, dayOfYear: day.dayOfYear, clockTimeMidHour: mid, periodHours: 1,
        })
        const solarRadiationMJm2 = (day.solarRadiationMJm2 * raHour) / raDay
        // referenceEt0Hourly's arithmetic without its input checks (every input here is a finite
        // number by construction, and at night nightRsOverRso is given); its clear-sky radiation
        // is that of this very hour, raHour.
        const et0Shape = Math.max(0, hourlyEt0Checked(site.elevationM, clearSkyRadiation(raHour, site.elevationM), tempC,
            day.actualVapourPressureKPa, windSpeed2mMs, solarRadiationMJm2, rsOverRso, undefined))
        out.tempC[hour] = tempC
        out.windSpeed2mMs[hour] = windSpeed2mMs
        out.solarRadiationMJm2[hour] = solarRadiationMJm2
        out.et0Mm[hour] = et0Shape
        out.rainMm[hour] = rainInWindow(day.rainEvents, hour * 60, hour * 60 + 60)
        shapeSum += et0Shape
    }
    for (let hour = 0; hour < 24; hour++) out.et0Mm[hour] = shapeSum > 0 ? (out.et0Mm[hour] * day.et0Mm) / shapeSum : 0
    return out
}

/** One hour of hoursOfDay (computes the whole day; call hoursOfDay when you need them all). */
export function hourlyWeather(day: DailyWeather, hour: number): HourlyWeather {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new Error(`hourlyWeather: hour must be an integer 0..23, got ${hour}`)
    return hoursOfDay(day)[hour]
}

/** Minimum at T_MIN_HOUR, maximum at T_MAX_HOUR, half-cosines between (rising over 8 h, falling
 *  over 16 h), so the day's mean stays (tMax + tMin) / 2. */
function diurnalTemperature(tMinC: number, tMaxC: number, hour: number): number {
    const rising = T_MAX_HOUR - T_MIN_HOUR
    const since = (((hour - T_MIN_HOUR) % 24) + 24) % 24
    const phase = since < rising ? since / rising : 1 + (since - rising) / (24 - rising)
    return tMinC + ((tMaxC - tMinC) * (1 - Math.cos(Math.PI * phase))) / 2
}

function rainInWindow(events: RainEvent[], fromMin: number, toMin: number): number {
    let s = 0
    for (let i = 0; i < events.length; i++) {
        const e = events[i]
        const overlap = Math.min(toMin, e.startMin + e.durationMin) - Math.max(fromMin, e.startMin)
        if (overlap > 0) s += (e.mm * overlap) / e.durationMin
    }
    return s
}

// ---------------------------------------------------------------------------------------------
// Random draws on top of sim/random.ts

function shuffled<T>(items: T[], rng: Rng): T[] {
    const a = items.slice()
    for (let i = a.length - 1; i > 0; i--) {
        const j = rng.int(0, i)
        ;[a[i], a[j]] = [a[j], a[i]]
    }
    return a
}

/** Standard normal (Box-Muller; 1 - next() keeps the logarithm finite). */
function normal01(rng: Rng): number {
    return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())
}

/** Gamma(shape, scale 1): Marsaglia-Tsang, boosted for shape < 1 by U^(1/shape). */
function gamma(rng: Rng, shape: number): number {
    if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape)
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
        const x = normal01(rng)
        const v = Math.pow(1 + c * x, 3)
        if (v <= 0) continue
        const u = 1 - rng.next()
        if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
    }
}

function mean(xs: number[]): number {
    return xs.reduce((s, x) => s + x, 0) / xs.length
}
