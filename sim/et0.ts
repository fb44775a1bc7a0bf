// FAO-56 Penman-Monteith reference evapotranspiration (Allen et al. 1998, FAO Irrigation and
// Drainage Paper 56), daily (eq. 6) and hourly (eq. 53), with the helper equations of
// chapter 3 exported for the rest of the simulator. Equation numbers refer to that paper.
//
// Accepted input combinations (anything else throws an Error naming what is missing):
//
//   always (daily)   latitudeDeg, elevationM, dayOfYear, tMaxC, tMinC
//   always (hourly)  latitudeDeg, elevationM, dayOfYear, longitudeDegEast,
//                    timeZoneMeridianDegEast, clockTimeMidHour, tHourC, solarRadiationMJm2
//   humidity, first complete one wins (FAO-56's order of preference):
//     daily   1. actualVapourPressureKPa
//             2. rhMaxPct + rhMinPct                  (eq. 17)
//             3. rhMaxPct alone                       (eq. 18, when RHmin is unreliable)
//             4. rhMeanPct                            (eq. 19, least desirable)
//     hourly  1. actualVapourPressureKPa
//             2. rhHourPct                            (eq. 54)
//   wind, first complete one wins:
//     1. windSpeed2mMs
//     2. windSpeedMs + windHeightM                    (eq. 47, log profile over short grass)
//   radiation (daily), first complete one wins:
//     1. solarRadiationMJm2 (MJ m-2 day-1)
//     2. sunshineHours, via Angstrom with a = 0.25, b = 0.50 (eq. 35)
//   optional
//     daily   tMeanC           T of eq. 6; default (tMaxC + tMinC) / 2 as eq. 9 recommends
//             soilHeatFluxMJm2 default 0 (eq. 42, day steps); for monthly steps pass eq. 43/44
//     hourly  soilHeatFluxMJm2 default 0.1 Rn in daylight, 0.5 Rn at night (eq. 45, 46)
//             nightRsOverRso   Rs/Rso used while the sun is down, where it cannot be measured;
//                              FAO-56 takes the ratio of 2-3 hours before sunset. Required
//                              for night hours.
//
// Longitudes here are degrees east (Vietnam: about +106.9, time zone meridian +105 for
// UTC+7). FAO-56 eq. 31 writes them as degrees west of Greenwich; the conversion is a sign.

const SOLAR_CONSTANT_MJ_M2_MIN = 0.082 // Gsc, eq. 21
const STEFAN_BOLTZMANN_MJ_K4_M2_DAY = 4.903e-9 // sigma, eq. 39
const GRASS_ALBEDO = 0.23 // eq. 38
const ANGSTROM_A = 0.25 // eq. 35, FAO default when no local calibration exists
const ANGSTROM_B = 0.5
const KELVIN = 273.16 // FAO-56 uses 273.16 in the longwave terms (eq. 39)

// ---------------------------------------------------------------------------------------------
// Atmosphere and humidity (chapter 3, eq. 7-19)

/** Atmospheric pressure from elevation, kPa (eq. 7). */
export function atmosphericPressureKPa(elevationM: number): number {
    return 101.3 * Math.pow((293 - 0.0065 * elevationM) / 293, 5.26)
}

/** Psychrometric constant, kPa/°C (eq. 8). */
export function psychrometricConstantKPaPerC(pressureKPa: number): number {
    return 0.665e-3 * pressureKPa
}

/** Saturation vapour pressure at air temperature T, kPa (eq. 11). */
export function saturationVapourPressureKPa(tC: number): number {
    return 0.6108 * Math.exp((17.27 * tC) / (tC + 237.3))
}

/** Mean saturation vapour pressure of a day from its extremes, kPa (eq. 12). Averaging the
 *  extremes' pressures, not the pressure of the mean temperature, because e°(T) is convex. */
export function meanSaturationVapourPressureKPa(tMaxC: number, tMinC: number): number {
    return (saturationVapourPressureKPa(tMaxC) + saturationVapourPressureKPa(tMinC)) / 2
}

/** Slope of the saturation vapour pressure curve at T, kPa/°C (eq. 13). */
export function saturationSlopeKPaPerC(tC: number): number {
    return (4098 * saturationVapourPressureKPa(tC)) / Math.pow(tC + 237.3, 2)
}

export interface DailyHumidity {
    actualVapourPressureKPa?: number
    rhMaxPct?: number
    rhMinPct?: number
    rhMeanPct?: number
}

/** Actual vapour pressure of a day, kPa, from the first complete humidity combination (see the
 *  top of this file), or undefined when none is complete. */
export function dailyActualVapourPressureKPa(h: DailyHumidity, tMaxC: number, tMinC: number): number | undefined {
    if (given(h.actualVapourPressureKPa)) return h.actualVapourPressureKPa
    const eMax = saturationVapourPressureKPa(tMaxC)
    const eMin = saturationVapourPressureKPa(tMinC)
    if (given(h.rhMaxPct) && given(h.rhMinPct)) return (eMin * h.rhMaxPct / 100 + eMax * h.rhMinPct / 100) / 2 // eq. 17
    if (given(h.rhMaxPct)) return eMin * h.rhMaxPct / 100 // eq. 18
    if (given(h.rhMeanPct)) return (h.rhMeanPct / 100) * (eMax + eMin) / 2 // eq. 19
    return undefined
}

/** Wind speed at 2 m from a measurement at another height over short grass, m/s (eq. 47). */
export function windSpeedAt2mMs(windSpeedMs: number, windHeightM: number): number {
    return (windSpeedMs * 4.87) / Math.log(67.8 * windHeightM - 5.42)
}

// ---------------------------------------------------------------------------------------------
// Radiation (chapter 3, eq. 21-39)

const deg2rad = (deg: number) => (deg * Math.PI) / 180

/** Inverse relative distance Earth-Sun, dr (eq. 23). */
export function inverseRelativeDistance(dayOfYear: number): number {
    return 1 + 0.033 * Math.cos((2 * Math.PI * dayOfYear) / 365)
}

/** Solar declination, rad (eq. 24). */
export function solarDeclinationRad(dayOfYear: number): number {
    return 0.409 * Math.sin((2 * Math.PI * dayOfYear) / 365 - 1.39)
}

/** Sunset hour angle, rad (eq. 25). Clamped so that polar day (pi) and polar night (0) come out
 *  instead of NaN. */
export function sunsetHourAngleRad(latitudeDeg: number, dayOfYear: number): number {
    const x = -Math.tan(deg2rad(latitudeDeg)) * Math.tan(solarDeclinationRad(dayOfYear))
    return Math.acos(Math.min(1, Math.max(-1, x)))
}

/** Extraterrestrial radiation of a day, MJ m-2 day-1 (eq. 21). Latitude north positive. */
export function extraterrestrialRadiationDaily(latitudeDeg: number, dayOfYear: number): number {
    const phi = deg2rad(latitudeDeg)
    const delta = solarDeclinationRad(dayOfYear)
    const ws = sunsetHourAngleRad(latitudeDeg, dayOfYear)
    return ((24 * 60) / Math.PI) * SOLAR_CONSTANT_MJ_M2_MIN * inverseRelativeDistance(dayOfYear) *
        (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws))
}

/** Seasonal correction for solar time (equation of time), hours (eq. 32, 33). */
export function seasonalCorrectionHours(dayOfYear: number): number {
    const b = (2 * Math.PI * (dayOfYear - 81)) / 364
    return 0.1645 * Math.sin(2 * b) - 0.1255 * Math.cos(b) - 0.025 * Math.sin(b)
}

export interface PeriodSun {
    latitudeDeg: number
    dayOfYear: number
    longitudeDegEast: number
    /** Longitude of the centre of the local time zone, degrees east (15 x UTC offset in hours). */
    timeZoneMeridianDegEast: number
    /** Standard clock time at the midpoint of the period, hours (14.5 for 14:00-15:00). */
    clockTimeMidHour: number
    periodHours: number
}

/** Extraterrestrial radiation of a period shorter than a day, MJ m-2 per period
 *  (eq. 28-33). The period's hour angles are clipped to sunrise and sunset, so a period that
 *  straddles either gets only its sunlit part, and a night period gets 0. */
export function extraterrestrialRadiationPeriod(p: PeriodSun): number {
    const phi = deg2rad(p.latitudeDeg)
    const delta = solarDeclinationRad(p.dayOfYear)
    const ws = sunsetHourAngleRad(p.latitudeDeg, p.dayOfYear)
    // eq. 31 with FAO's degrees-west longitudes: (Lz - Lm) = (Lm_east - Lz_east).
    const solarHour = p.clockTimeMidHour + (p.longitudeDegEast - p.timeZoneMeridianDegEast) / 15 +
        seasonalCorrectionHours(p.dayOfYear)
    // Wrap to the solar day around noon so that a clock hour just after midnight is a night hour.
    const w = (Math.PI / 12) * (solarHour - 12)
    const wMid = Math.atan2(Math.sin(w), Math.cos(w))
    const half = (Math.PI * p.periodHours) / 24 // eq. 29, 30
    const w1 = Math.max(-ws, wMid - half)
    const w2 = Math.min(ws, wMid + half)
    if (w2 <= w1) return 0
    return ((12 * 60) / Math.PI) * SOLAR_CONSTANT_MJ_M2_MIN * inverseRelativeDistance(p.dayOfYear) *
        ((w2 - w1) * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * (Math.sin(w2) - Math.sin(w1)))
}

/** Maximum possible duration of sunshine, hours (eq. 34). */
export function daylightHours(latitudeDeg: number, dayOfYear: number): number {
    return (24 / Math.PI) * sunsetHourAngleRad(latitudeDeg, dayOfYear)
}

/** Solar radiation from sunshine duration, Angstrom formula, MJ m-2 day-1 (eq. 35). */
export function solarRadiationFromSunshine(sunshineHours: number, latitudeDeg: number, dayOfYear: number): number {
    const ratio = sunshineHours / daylightHours(latitudeDeg, dayOfYear)
    return (ANGSTROM_A + ANGSTROM_B * ratio) * extraterrestrialRadiationDaily(latitudeDeg, dayOfYear)
}

/** Clear-sky solar radiation, same unit as ra (eq. 37). */
export function clearSkyRadiation(extraterrestrialRadiation: number, elevationM: number): number {
    return (0.75 + 2e-5 * elevationM) * extraterrestrialRadiation
}

/** Net shortwave radiation over grass, same unit as rs (eq. 38). */
export function netShortwaveRadiation(solarRadiation: number): number {
    return (1 - GRASS_ALBEDO) * solarRadiation
}

/** Net outgoing longwave radiation of a day, MJ m-2 day-1 (eq. 39). rsOverRso is capped at 1
 *  because cloudless skies cannot beat the clear-sky model's value. */
export function netLongwaveRadiationDaily(tMaxC: number, tMinC: number, actualVapourPressureKPa: number, rsOverRso: number): number {
    const sigmaT4 = (STEFAN_BOLTZMANN_MJ_K4_M2_DAY * (Math.pow(tMaxC + KELVIN, 4) + Math.pow(tMinC + KELVIN, 4))) / 2
    return sigmaT4 * longwaveFactors(actualVapourPressureKPa, rsOverRso)
}

/** Net outgoing longwave radiation of an hour, MJ m-2 hour-1 (eq. 39 with sigma per hour and the
 *  hour's temperature, as eq. 53's notes prescribe). */
export function netLongwaveRadiationHourly(tHourC: number, actualVapourPressureKPa: number, rsOverRso: number): number {
    const sigmaT4 = (STEFAN_BOLTZMANN_MJ_K4_M2_DAY / 24) * Math.pow(tHourC + KELVIN, 4)
    return sigmaT4 * longwaveFactors(actualVapourPressureKPa, rsOverRso)
}

function longwaveFactors(ea: number, rsOverRso: number): number {
    return (0.34 - 0.14 * Math.sqrt(ea)) * (1.35 * Math.min(1, rsOverRso) - 0.35)
}

// ---------------------------------------------------------------------------------------------
// Reference ET0

export interface DailyEt0Input extends DailyHumidity {
    latitudeDeg: number
    elevationM: number
    dayOfYear: number
    tMaxC: number
    tMinC: number
    tMeanC?: number
    windSpeed2mMs?: number
    windSpeedMs?: number
    windHeightM?: number
    /** MJ m-2 day-1 */
    solarRadiationMJm2?: number
    sunshineHours?: number
    /** MJ m-2 day-1 */
    soilHeatFluxMJm2?: number
}

/** FAO Penman-Monteith reference evapotranspiration, mm/day (eq. 6). */
export function referenceEt0Daily(input: DailyEt0Input): number {
    const missing = missingFields(input, ["latitudeDeg", "elevationM", "dayOfYear", "tMaxC", "tMinC"])
    const ea = given(input.tMaxC) && given(input.tMinC) ? dailyActualVapourPressureKPa(input, input.tMaxC, input.tMinC) : undefined
    if (ea === undefined) missing.push("humidity (actualVapourPressureKPa, or rhMaxPct [+ rhMinPct], or rhMeanPct)")
    const u2 = resolveWind2m(input)
    if (u2 === undefined) missing.push("wind (windSpeed2mMs, or windSpeedMs + windHeightM)")
    if (!given(input.solarRadiationMJm2) && !given(input.sunshineHours)) missing.push("radiation (solarRadiationMJm2, or sunshineHours)")
    if (missing.length > 0 || ea === undefined || u2 === undefined) throw missingError("referenceEt0Daily", missing)

    const { latitudeDeg, elevationM, dayOfYear, tMaxC, tMinC } = input
    const t = given(input.tMeanC) ? input.tMeanC : (tMaxC + tMinC) / 2
    const ra = extraterrestrialRadiationDaily(latitudeDeg, dayOfYear)
    const rs = given(input.solarRadiationMJm2) ? input.solarRadiationMJm2 : solarRadiationFromSunshine(input.sunshineHours!, latitudeDeg, dayOfYear)
    const rso = clearSkyRadiation(ra, elevationM)
    const rn = netShortwaveRadiation(rs) - netLongwaveRadiationDaily(tMaxC, tMinC, ea, rs / rso)
    const g = input.soilHeatFluxMJm2 ?? 0
    const es = meanSaturationVapourPressureKPa(tMaxC, tMinC)
    return penmanMonteith(saturationSlopeKPaPerC(t), psychrometricConstantKPaPerC(atmosphericPressureKPa(elevationM)),
        rn - g, 900 / (t + 273), u2, es - ea)
}

export interface HourlyEt0Input extends PeriodSunInput {
    elevationM: number
    tHourC: number
    actualVapourPressureKPa?: number
    rhHourPct?: number
    windSpeed2mMs?: number
    windSpeedMs?: number
    windHeightM?: number
    /** MJ m-2 hour-1 */
    solarRadiationMJm2: number
    nightRsOverRso?: number
    /** MJ m-2 hour-1 */
    soilHeatFluxMJm2?: number
}

type PeriodSunInput = Omit<PeriodSun, "periodHours">

/** FAO Penman-Monteith reference evapotranspiration of one hour, mm/hour (eq. 53). */
export function referenceEt0Hourly(input: HourlyEt0Input): number {
    const missing = missingFields(input, ["latitudeDeg", "elevationM", "dayOfYear", "longitudeDegEast",
        "timeZoneMeridianDegEast", "clockTimeMidHour", "tHourC", "solarRadiationMJm2"])
    const sunKnown = missing.length === 0
    let ea: number | undefined
    if (given(input.actualVapourPressureKPa)) ea = input.actualVapourPressureKPa
    else if (given(input.rhHourPct) && given(input.tHourC)) ea = saturationVapourPressureKPa(input.tHourC) * input.rhHourPct / 100 // eq. 54
    if (ea === undefined) missing.push("humidity (actualVapourPressureKPa, or rhHourPct)")
    const u2 = resolveWind2m(input)
    if (u2 === undefined) missing.push("wind (windSpeed2mMs, or windSpeedMs + windHeightM)")
    // Fields spelled out: V8 makes `{ ...input, periodHours: 1 }` a slow dictionary object (~µs).
    const rso = sunKnown ? clearSkyRadiation(extraterrestrialRadiationPeriod({
        latitudeDeg: input.latitudeDeg, dayOfYear: input.dayOfYear, longitudeDegEast: input.longitudeDegEast,
        timeZoneMeridianDegEast: input.timeZoneMeridianDegEast, clockTimeMidHour: input.clockTimeMidHour, periodHours: 1,
    }), input.elevationM) : 0
    const daylight = rso > 0
    if (sunKnown && !daylight && !given(input.nightRsOverRso)) missing.push("nightRsOverRso (the sun is down; FAO-56: use Rs/Rso of 2-3 h before sunset)")
    if (missing.length > 0 || ea === undefined || u2 === undefined) throw missingError("referenceEt0Hourly", missing)

    return hourlyEt0Checked(input.elevationM, rso, input.tHourC, ea, u2, input.solarRadiationMJm2, input.nightRsOverRso, input.soilHeatFluxMJm2)
}

/**
 * The arithmetic of referenceEt0Hourly once its inputs are checked: `rso` is the hour's
 * clear-sky radiation (eq. 37 on extraterrestrialRadiationPeriod over the hour), and at night
 * nightRsOverRso must be given. For callers whose inputs are complete by construction
 * (sim/weather.ts, 8760 hours a simulated year); the same numbers as referenceEt0Hourly.
 */
export function hourlyEt0Checked(elevationM: number, rso: number, t: number, ea: number, u2: number, rs: number,
    nightRsOverRso: number | undefined, soilHeatFluxMJm2: number | undefined): number {
    const daylight = rso > 0
    const rsOverRso = daylight ? rs / rso : nightRsOverRso!
    const rn = netShortwaveRadiation(rs) - netLongwaveRadiationHourly(t, ea, rsOverRso)
    const g = soilHeatFluxMJm2 ?? (daylight ? 0.1 : 0.5) * rn
    // saturationSlopeKPaPerC(t) and saturationVapourPressureKPa(t) share one e°(t).
    const es = saturationVapourPressureKPa(t)
    const slope = (4098 * es) / Math.pow(t + 237.3, 2)
    return penmanMonteith(slope, psychrometricConstantKPaPerC(pressureAt(elevationM)), rn - g, 37 / (t + 273), u2, es - ea)
}

let pressureElevationM = NaN
let pressureKPa = NaN

/** atmosphericPressureKPa of the last elevation asked for, remembered (one site per run). */
function pressureAt(elevationM: number): number {
    if (elevationM !== pressureElevationM) {
        pressureKPa = atmosphericPressureKPa(elevationM)
        pressureElevationM = elevationM
    }
    return pressureKPa
}

/** The shared form of eq. 6 and eq. 53; cnOverT is 900/(T+273) per day or 37/(T+273) per hour. */
function penmanMonteith(slope: number, gamma: number, availableEnergy: number, cnOverT: number, u2: number, vpd: number): number {
    return (0.408 * slope * availableEnergy + gamma * cnOverT * u2 * vpd) / (slope + gamma * (1 + 0.34 * u2))
}

function resolveWind2m(w: { windSpeed2mMs?: number, windSpeedMs?: number, windHeightM?: number }): number | undefined {
    if (given(w.windSpeed2mMs)) return w.windSpeed2mMs
    if (given(w.windSpeedMs) && given(w.windHeightM)) return windSpeedAt2mMs(w.windSpeedMs, w.windHeightM)
    return undefined
}

function given(x: number | undefined): x is number {
    return typeof x === "number" && Number.isFinite(x)
}

function missingFields<T extends object>(input: T, names: (keyof T & string)[]): string[] {
    return names.filter((n) => !given(input[n] as number | undefined))
}

function missingError(fn: string, missing: string[]): Error {
    return new Error(`${fn}: missing or non-finite input: ${missing.join("; ")}`)
}
