// Time-of-use electricity bands. Windows come from the installation profile
// (devicescript.json "tariff"), never from code: Vietnam's peak hours changed in 2025-2026.

import { dayNumber, minuteOfDay, mod, weekday } from "./calendar"

export enum Band {
    OffPeak = 0,
    Normal = 1,
    Peak = 2,
}

/** Days as a bit mask: bit 0 = Monday ... bit 6 = Sunday. */
export const ALL_DAYS = 127
export const MON_TO_SAT = 63

export interface TariffWindow {
    band: Band
    days: number
    /** Minute of day the window starts (0..1439). */
    fromMin: number
    /** Minute of day it ends, exclusive (1..1440). If not after fromMin the window runs past
     *  midnight into the next day, and `days` names the day it starts on. */
    toMin: number
}

export interface Tariff {
    windows: TariffWindow[]
    /** Band of any minute no window covers. */
    otherwise: Band
    /** VND per kWh before VAT, indexed by Band. */
    priceVndPerKWh: number[]
}

function dayBit(wd: number): number {
    return 1 << wd
}

/** Band in force at a weekday (Monday = 0) and minute of day; the first matching window wins. */
export function bandAt(tariff: Tariff, wd: number, minute: number): Band {
    for (const w of tariff.windows) {
        if (w.toMin > w.fromMin) {
            if ((w.days & dayBit(wd)) !== 0 && minute >= w.fromMin && minute < w.toMin) return w.band
        } else {
            const prev = wd === 0 ? 6 : wd - 1
            if ((w.days & dayBit(wd)) !== 0 && minute >= w.fromMin) return w.band
            if ((w.days & dayBit(prev)) !== 0 && minute < w.toMin) return w.band
        }
    }
    return tariff.otherwise
}

export function bandAtLocal(tariff: Tariff, localS: number): Band {
    return bandAt(tariff, weekday(dayNumber(localS)), minuteOfDay(localS))
}

/** Window edges as sorted unique minutes of day: the only minutes the band can change at. */
function edgeMinutes(tariff: Tariff): number[] {
    const mins: number[] = []
    for (const w of tariff.windows) {
        const a = w.fromMin % 1440
        const b = w.toMin % 1440
        if (mins.indexOf(a) < 0) mins.push(a)
        if (mins.indexOf(b) < 0) mins.push(b)
    }
    mins.sort((x, y) => x - y)
    return mins
}

/** Calls visit(t) for each window edge after localS, in time order, for 8 days, until it
 *  returns true. Walks edges rather than minutes: DeviceScript panics on long loops. */
function walkEdges(tariff: Tariff, localS: number, visit: (t: number) => boolean): void {
    const mins = edgeMinutes(tariff)
    const dayStart = localS - mod(localS, 86400)
    for (let d = 0; d <= 8; d++) {
        for (const mm of mins) {
            const t = dayStart + d * 86400 + mm * 60
            if (t > localS && visit(t)) return
        }
    }
}

/** Seconds from localS until the band at localS changes (capped at one week). */
export function secondsUntilBandChange(tariff: Tariff, localS: number): number {
    const start = bandAtLocal(tariff, localS)
    let found = 7 * 86400
    walkEdges(tariff, localS, t => {
        if (t - localS >= 7 * 86400) return true
        if (bandAtLocal(tariff, t) === start) return false
        found = t - localS
        return true
    })
    return found
}

/** Decision 1279/QĐ-BCT (2025) hours and prices below 6 kV, the default profile's tariff. */
export function vietnamTariff2025(): Tariff {
    return {
        windows: [
            { band: Band.Peak, days: MON_TO_SAT, fromMin: 570, toMin: 690 },
            { band: Band.Peak, days: MON_TO_SAT, fromMin: 1020, toMin: 1200 },
            { band: Band.OffPeak, days: ALL_DAYS, fromMin: 1320, toMin: 240 },
        ],
        otherwise: Band.Normal,
        priceVndPerKWh: [1300, 1987, 3640],
    }
}

/** "No peak ahead" marker for PeakSpan (far beyond any real local time). */
export const NO_PEAK = 1e15

/** The current or next peak window [from, to) in local seconds, searched one week ahead;
 *  `to` is NO_PEAK if the peak never ends in that week. */
export interface PeakSpan {
    from: number
    to: number
}

export function nextPeak(tariff: Tariff, localS: number): PeakSpan {
    let from = bandAtLocal(tariff, localS) === Band.Peak ? localS : NO_PEAK
    let to = NO_PEAK
    walkEdges(tariff, localS, t => {
        if (t - localS > 7 * 86400) return true
        const peak = bandAtLocal(tariff, t) === Band.Peak
        if (from === NO_PEAK) {
            if (peak) from = t
            return false
        }
        if (peak) return false
        to = t
        return true
    })
    return { from: from, to: to }
}
