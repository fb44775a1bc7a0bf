// Civil calendar arithmetic on integers, because DeviceScript has no Date.
// Local time is "seconds since 1970-01-01 00:00 local"; the controller's zone offset
// (Vietnam: +420 min, no daylight saving) converts UTC epoch seconds to it.

export const SECONDS_PER_DAY = 86400

/** Floor division that rounds toward minus infinity in both runtimes. */
export function floorDiv(a: number, b: number): number {
    return Math.floor(a / b)
}

/** Modulo that is never negative for positive b (JS `%` keeps the dividend's sign). */
export function mod(a: number, b: number): number {
    const r = a % b
    return r < 0 ? r + b : r
}

export function toLocalSeconds(utcS: number, utcOffsetMin: number): number {
    return utcS + utcOffsetMin * 60
}

/** Day number since 1970-01-01 (day 0) of a local time. */
export function dayNumber(localS: number): number {
    return floorDiv(localS, SECONDS_PER_DAY)
}

export function minuteOfDay(localS: number): number {
    return floorDiv(mod(localS, SECONDS_PER_DAY), 60)
}

/** Weekday with Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday). */
export function weekday(dayNo: number): number {
    return mod(dayNo + 3, 7)
}

export interface CivilDate {
    y: number
    m: number // 1..12
    d: number // 1..31
}

/** Howard Hinnant's days_from_civil: proleptic Gregorian date to day number. */
export function daysFromCivil(y: number, m: number, d: number): number {
    const yy = m <= 2 ? y - 1 : y
    const era = floorDiv(yy, 400)
    const yoe = yy - era * 400
    const mp = m > 2 ? m - 3 : m + 9
    const doy = floorDiv(153 * mp + 2, 5) + d - 1
    const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy
    return era * 146097 + doe - 719468
}

/** Inverse of daysFromCivil. */
export function civilFromDays(dayNo: number): CivilDate {
    const z = dayNo + 719468
    const era = floorDiv(z, 146097)
    const doe = z - era * 146097
    const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365)
    const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100))
    const mp = floorDiv(5 * doy + 2, 153)
    const d = doy - floorDiv(153 * mp + 2, 5) + 1
    const m = mp < 10 ? mp + 3 : mp - 9
    return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m: m, d: d }
}

export function isValidCivil(y: number, m: number, d: number): boolean {
    if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31) return false
    const back = civilFromDays(daysFromCivil(y, m, d))
    return back.y === y && back.m === m && back.d === d
}
