// Versioned flash records for programs and settings. Each record is one short ASCII string
// "<version>|field|...|<crc>" stored under its own key, because DeviceScript aborts the whole
// VM on a key plus value above ~230 bytes and its JSON prints non-integers with 7 digits.
// A record that fails its CRC, its version or validation is rejected as a whole.

import { checksum16 } from "./checksum"
// DeviceScript's String.split is a bytecode helper the firmware would carry only for this.
import { splitAt } from "./menu/text"
import { cleanProgram, programError } from "./program"
import { MAX_PROGRAMS, Program, Settings } from "./types"
import { isIntIn } from "./validate"

export const RECORD_VERSION = 1
export const SETTINGS_KEY = "set"
export const FIRED_KEY = "fired"
export const FLOW_KEY = "flow"
export const LOCK_KEY = "lock"
/** Longest record we write; keeps key + JSON quoting well under DeviceScript's limit. */
export const MAX_RECORD_LEN = 200

export function programKey(id: number): string {
    return "p" + id
}

function seal(body: string): string {
    return body + "|" + checksum16(body)
}

/** Returns the fields of a sealed record of the current version, or null. */
function unseal(rec: any): string[] | null {
    if (typeof rec !== "string") return null
    const s: string = rec
    if (s.length > MAX_RECORD_LEN) return null
    // The checksum is the last field; the fields before it are the body it covers.
    const f = splitAt(s, "|")
    if (f.length < 2) return null
    const crcText = f.pop() as string
    const body = s.slice(0, s.length - crcText.length - 1)
    if (!isDigits(crcText) || parseInt(crcText) !== checksum16(body)) return null
    if (f[0] !== "" + RECORD_VERSION) return null
    return f
}

function isDigits(s: string): boolean {
    if (s.length === 0 || s.length > 10) return false
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 48 || c > 57) return false
    }
    return true
}

/** Parses a non-negative decimal integer field; -1 marks garbage so validation rejects it. */
function num(s: string): number {
    return isDigits(s) ? parseInt(s) : -1
}

function nums(s: string): number[] {
    if (s.length === 0) return []
    const out: number[] = []
    for (const p of splitAt(s, ",")) out.push(num(p))
    return out
}

function b(x: boolean): string {
    return x ? "1" : "0"
}

export function encodeProgram(p: Program): string {
    const parts = [
        "" + RECORD_VERSION,
        "" + p.id,
        b(p.enabled),
        p.name,
        "" + p.dayMode,
        "" + p.weekdays,
        "" + p.intervalDays,
        "" + p.refDay,
        p.startsMin.join(","),
        p.zoneS.join(","),
        "" + p.budgetPct,
        "" + p.cycleS,
        "" + p.soakS,
        "" + p.seasonFrom,
        "" + p.seasonTo,
        b(p.useMoisture),
    ]
    return seal(parts.join("|"))
}

/** Decodes and validates; null when corrupt, of another version, or invalid for zoneCount. */
export function decodeProgram(rec: any, zoneCount: number): Program | null {
    const f = unseal(rec)
    if (f === null || f.length !== 16) return null
    const p: Program = {
        id: num(f[1]),
        enabled: f[2] === "1",
        name: f[3],
        dayMode: num(f[4]),
        weekdays: num(f[5]),
        intervalDays: num(f[6]),
        refDay: num(f[7]),
        startsMin: nums(f[8]),
        zoneS: nums(f[9]),
        budgetPct: num(f[10]),
        cycleS: num(f[11]),
        soakS: num(f[12]),
        seasonFrom: num(f[13]),
        seasonTo: num(f[14]),
        useMoisture: f[15] === "1",
    }
    if ((f[2] !== "0" && f[2] !== "1") || (f[15] !== "0" && f[15] !== "1")) return null
    if (programError(p, zoneCount) !== "") return null
    return cleanProgram(p)
}

export function defaultSettings(): Settings {
    return { budgetPct: 100, rainDelayUntil: 0, standby: false, lang: 0, pin: 0, pinOn: false }
}

export function settingsError(s: Settings): string {
    if (!isIntIn(s.budgetPct, 0, 250)) return "bad_budget"
    if (!isIntIn(s.rainDelayUntil, 0, 4294967295)) return "bad_rain_delay"
    if (!isIntIn(s.lang, 0, 1)) return "bad_lang"
    if (!isIntIn(s.pin, 0, 9999)) return "bad_pin"
    return ""
}

export function encodeSettings(s: Settings): string {
    return seal(["" + RECORD_VERSION, "" + s.budgetPct, "" + s.rainDelayUntil, b(s.standby), "" + s.lang, "" + s.pin, b(s.pinOn)].join("|"))
}

export function decodeSettings(rec: any): Settings | null {
    const f = unseal(rec)
    if (f === null || f.length !== 7) return null
    if ((f[3] !== "0" && f[3] !== "1") || (f[6] !== "0" && f[6] !== "1")) return null
    const s: Settings = { budgetPct: num(f[1]), rainDelayUntil: num(f[2]), standby: f[3] === "1", lang: num(f[4]), pin: num(f[5]), pinOn: f[6] === "1" }
    return settingsError(s) === "" ? s : null
}

/** The last fired start key per program (index id-1), so a reboot never repeats a start. */
export function encodeFired(keys: number[]): string {
    return seal("" + RECORD_VERSION + "|" + keys.join(","))
}

export function decodeFired(rec: any): number[] | null {
    const f = unseal(rec)
    if (f === null || f.length !== 2) return null
    const keys = nums(f[1])
    if (keys.length !== MAX_PROGRAMS) return null
    for (const k of keys) if (k < 0) return null
    return keys
}

/** Learned flows: "mask:mL/min" pairs. */
export function encodeFlow(masks: number[], flows: number[]): string {
    const pairs: string[] = []
    for (let i = 0; i < masks.length; i++) pairs.push(masks[i] + ":" + flows[i])
    return seal("" + RECORD_VERSION + "|" + pairs.join(","))
}

export function decodeFlow(rec: any): { masks: number[]; flows: number[] } | null {
    const f = unseal(rec)
    if (f === null || f.length !== 2) return null
    const masks: number[] = []
    const flows: number[] = []
    if (f[1] !== "") {
        for (const pair of splitAt(f[1], ",")) {
            const mf = splitAt(pair, ":")
            if (mf.length !== 2) return null
            const m = num(mf[0])
            const fl = num(mf[1])
            if (m <= 0 || m > 65535 || fl <= 0) return null
            masks.push(m)
            flows.push(fl)
        }
    }
    return { masks: masks, flows: flows }
}

/** Lock-outs that must survive a power cut: zones (bit mask) and the pump, with reasons. */
export interface Locks {
    zones: number
    pump: string
}

export function encodeLocks(l: Locks): string {
    return seal("" + RECORD_VERSION + "|" + l.zones + "|" + l.pump)
}

export function decodeLocks(rec: any): Locks | null {
    const f = unseal(rec)
    if (f === null || f.length !== 3) return null
    const zones = num(f[1])
    if (zones < 0 || zones > 65535) return null
    if (f[2] !== "" && f[2] !== "no_flow" && f[2] !== "leak") return null
    return { zones: zones, pump: f[2] }
}
