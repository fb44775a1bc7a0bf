// Irrigation programs: validation and "does it run today / now".

import { civilFromDays, mod, weekday } from "./calendar"
import { DayMode, MAX_PROGRAMS, MAX_STARTS, Program } from "./types"
import { isBool, isInt, isIntIn, isSafeName } from "./validate"

export const MAX_NAME = 16
export const MAX_ZONE_S = 4 * 3600
export const MAX_BUDGET_PCT = 250

function isMonthDay(md: any): boolean {
    if (!isInt(md)) return false
    if (md === 0) return true
    const m = Math.floor(md / 100)
    const d = md % 100
    return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

/** Returns "" when the program is valid for `zoneCount` zones, else an ASCII error code. */
export function programError(p: any, zoneCount: number): string {
    if (p === null || typeof p !== "object") return "not_object"
    if (!isIntIn(p.id, 1, MAX_PROGRAMS)) return "bad_id"
    if (!isSafeName(p.name, MAX_NAME)) return "bad_name"
    if (!isBool(p.enabled)) return "bad_enabled"
    if (!isIntIn(p.dayMode, 0, 3)) return "bad_day_mode"
    if (!isIntIn(p.weekdays, 0, 127)) return "bad_weekdays"
    if (p.dayMode === DayMode.Weekdays && p.weekdays === 0) return "no_weekday"
    if (!isIntIn(p.intervalDays, 1, 30)) return "bad_interval"
    if (!isIntIn(p.refDay, 0, 100000)) return "bad_ref_day"
    if (!Array.isArray(p.startsMin) || p.startsMin.length < 1 || p.startsMin.length > MAX_STARTS) return "bad_starts"
    for (let i = 0; i < p.startsMin.length; i++) {
        if (!isIntIn(p.startsMin[i], 0, 1439)) return "bad_start"
        if (i > 0 && p.startsMin[i] <= p.startsMin[i - 1]) return "starts_order"
    }
    if (!Array.isArray(p.zoneS) || p.zoneS.length !== zoneCount) return "bad_zone_count"
    let any = false
    for (const s of p.zoneS) {
        if (!isIntIn(s, 0, MAX_ZONE_S)) return "bad_zone_time"
        if (s > 0) any = true
    }
    if (!any) return "no_zone"
    if (!isIntIn(p.budgetPct, 0, MAX_BUDGET_PCT)) return "bad_budget"
    if (!isIntIn(p.cycleS, 0, MAX_ZONE_S)) return "bad_cycle"
    if (p.cycleS > 0 && p.cycleS < 60) return "cycle_short"
    if (!isIntIn(p.soakS, 0, 24 * 3600)) return "bad_soak"
    if (p.cycleS > 0 && p.soakS < 60) return "soak_short"
    if (!isMonthDay(p.seasonFrom) || !isMonthDay(p.seasonTo)) return "bad_season"
    if ((p.seasonFrom === 0) !== (p.seasonTo === 0)) return "bad_season"
    if (!isBool(p.useMoisture)) return "bad_moisture"
    return ""
}

/** Copies only the known fields, so stray JSON keys never reach the state or the flash. */
export function cleanProgram(p: Program): Program {
    return {
        id: p.id,
        name: p.name,
        enabled: p.enabled,
        dayMode: p.dayMode,
        weekdays: p.weekdays,
        intervalDays: p.intervalDays,
        refDay: p.refDay,
        startsMin: p.startsMin.slice(0),
        zoneS: p.zoneS.slice(0),
        budgetPct: p.budgetPct,
        cycleS: p.cycleS,
        soakS: p.soakS,
        seasonFrom: p.seasonFrom,
        seasonTo: p.seasonTo,
        useMoisture: p.useMoisture,
    }
}

export function inSeason(p: Program, dayNo: number): boolean {
    if (p.seasonFrom === 0) return true
    const c = civilFromDays(dayNo)
    const md = c.m * 100 + c.d
    if (p.seasonFrom <= p.seasonTo) return md >= p.seasonFrom && md <= p.seasonTo
    return md >= p.seasonFrom || md <= p.seasonTo
}

/** Whether the program's day rule selects local day `dayNo`. Odd days skip the 31st so that
 *  no zone is watered two days running across a month end (as common controllers do). */
export function runsOnDay(p: Program, dayNo: number): boolean {
    if (!p.enabled || !inSeason(p, dayNo)) return false
    if (p.dayMode === DayMode.Weekdays) return (p.weekdays & (1 << weekday(dayNo))) !== 0
    // `x % 0` is NaN in Node but not in the DeviceScript VM: never let an interval of 0 reach it.
    if (p.dayMode === DayMode.Interval) return p.intervalDays >= 1 && mod(dayNo - p.refDay, p.intervalDays) === 0
    const d = civilFromDays(dayNo).d
    if (p.dayMode === DayMode.Odd) return d % 2 === 1 && d !== 31
    return d % 2 === 0
}

/** Key that orders every (day, start slot) pair; a start fires once, when its key first
 *  exceeds the last fired key, so clock jumps back never repeat a start. */
export function startKey(dayNo: number, slot: number): number {
    return dayNo * 4 + slot
}

/**
 * The next start of any program strictly after local time `localS`, within `days` days:
 * `{ program, localS }` or null. Starts already fired are skipped. For the box's home screen.
 */
export function nextStart(programs: (Program | null)[], fired: number[], localS: number, days: number): { program: number; localS: number } | null {
    const today = Math.floor(localS / 86400)
    const nowMin = Math.floor((localS - today * 86400) / 60)
    for (let d = 0; d <= days; d++) {
        let best = -1
        let bestMin = 1440
        for (const p of programs) {
            if (p === null || !runsOnDay(p, today + d)) continue
            for (let s = 0; s < p.startsMin.length; s++) {
                const m = p.startsMin[s]
                if (d === 0 && m <= nowMin) continue
                if (startKey(today + d, s) <= fired[p.id - 1]) continue
                if (m < bestMin) {
                    bestMin = m
                    best = p.id
                }
            }
        }
        if (best > 0) return { program: best, localS: (today + d) * 86400 + bestMin * 60 }
    }
    return null
}
