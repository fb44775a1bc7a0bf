// Remote commands (docs/mqtt.md, "Commands"): one JSON object per message on
// tl/v1/<id>/cmd, {"id":"c42","k":"run","zone":0,"seconds":600}, answered by exactly one
// reply on tl/v1/<id>/re. This module checks what arrives from the network for size, nesting,
// JSON syntax, shape and id; what the fields mean is checked by the control core
// (Controller.command validates every field it reads and changes nothing when it refuses).
//
// Idempotency: the ids of recent commands and their results are kept (in memory and in one
// flash record); a command whose id was seen is answered with the first result and "dup":1
// and is not carried out again. The office re-sends a command with the same id until it gets
// a reply, so a lost reply or a lost command never makes a zone water twice.
//
// Pure code (DeviceScript and Node). Every loop is bounded by MAX_CMD_BYTES.

import { isInt } from "../validate"
import { replyJson } from "./codec"
import { isIdChar } from "./topics"

/** Largest command payload accepted (a program with 16 zones needs ~400 bytes). */
export const MAX_CMD_BYTES = 1024
export const MAX_CMD_ID = 16
/** Deepest nesting of objects and arrays (command -> program -> array). */
export const MAX_DEPTH = 3
export const RECENT_KEY = "dc"
export const MAX_RECENT = 16
/** Wall clock readings before 2020 mean "unknown" (core: MIN_VALID_WALL). */
const VALID_WALL = 1577836800

export interface ExecResult {
    ok: boolean
    error: string
    data?: any
}

/** Ids: 1..16 letters, digits, "-", "_", "." or ":". */
export function isCommandId(x: any): boolean {
    if (typeof x !== "string" || x.length < 1 || x.length > MAX_CMD_ID) return false
    const s: string = x
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (!isIdChar(c) && c !== 46 && c !== 58) return false
    }
    return true
}

/** Deepest bracket nesting outside strings; -1 for an unterminated string. Checked before
 *  JSON.parse so that no payload can make the parser recurse deeply. */
export function jsonDepth(s: string): number {
    let depth = 0
    let max = 0
    let inStr = false
    let esc = false
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (inStr) {
            if (esc) esc = false
            else if (c === 92) esc = true
            else if (c === 34) inStr = false
        } else if (c === 34) inStr = true
        else if (c === 123 || c === 91) {
            depth++
            if (depth > max) max = depth
        } else if (c === 125 || c === 93) depth--
    }
    return inStr ? -1 : max
}

export interface ParsedCommand {
    /** "" when the payload is acceptable. */
    error: string
    /** The command id, or null when none could be read. */
    id: string | null
    /** The command object (the core reads only the fields it knows). */
    cmd: any
}

/** Checks a command payload; never throws. */
export function parseCommand(payload: any): ParsedCommand {
    let error = ""
    let o: any = null
    if (typeof payload !== "string") error = "bad_payload"
    else if (payload.length > MAX_CMD_BYTES) error = "too_large"
    else {
        const d = jsonDepth(payload)
        if (d > MAX_DEPTH) error = "too_deep"
        else {
            try {
                o = JSON.parse(payload)
            } catch (e) {
                error = "bad_json"
            }
        }
    }
    if (error === "" && (o === null || typeof o !== "object" || Array.isArray(o))) error = "not_object"
    if (error === "" && !isCommandId(o.id)) error = "bad_id"
    if (error !== "") return { error: error, id: null, cmd: null }
    if (typeof o.k !== "string" || o.k.length < 1 || o.k.length > 24) error = "bad_command"
    else if (o.exp !== undefined && (!isInt(o.exp) || o.exp < 0)) error = "bad_exp"
    return { error: error, id: o.id, cmd: o }
}

// ---------------------------------------------------------------- idempotency

/** Recent command ids and their results ("" = ok, else the error code). */
export class RecentCommands {
    ids: string[] = []
    codes: string[] = []

    find(id: string): number {
        return this.ids.indexOf(id)
    }

    add(id: string, code: string): void {
        if (this.find(id) >= 0) return
        this.ids.push(id)
        this.codes.push(code)
        if (this.ids.length > MAX_RECENT) {
            this.ids = this.ids.slice(1)
            this.codes = this.codes.slice(1)
        }
    }

    /** Flash record: JSON [[id, code], ...], the newest entries that fit in 190 characters. */
    encode(): string {
        let n = this.ids.length
        let s = "[]"
        for (;;) {
            const pairs: string[][] = []
            for (let i = this.ids.length - n; i < this.ids.length; i++) pairs.push([this.ids[i], this.codes[i].slice(0, 24)])
            s = JSON.stringify(pairs)
            if (s.length <= 190 || n === 0) return s
            n--
        }
    }

    restore(v: any): void {
        let a: any = null
        try {
            a = typeof v === "string" ? JSON.parse(v) : null
        } catch (e) {
            return
        }
        if (!Array.isArray(a)) return
        for (const p of a) if (Array.isArray(p) && isCommandId(p[0]) && typeof p[1] === "string") this.add(p[0], p[1])
    }
}

export interface CommandOutcome {
    /** The reply payload (always one). */
    reply: string
    /** Whether the executor was called. */
    executed: boolean
    /** Whether the recent-id record changed (persist RecentCommands.encode()). */
    remember: boolean
    id: string | null
}

/**
 * Handles one command payload: parse, duplicate check, expiry ("exp": UTC seconds), then
 * `exec` (a throw is answered as "exception"). nowS is UTC seconds (0 = clock unknown: expiry
 * is then not checked). "get" commands change nothing and are never remembered.
 */
export function handleCommand(payload: any, recent: RecentCommands, nowS: number, exec: (cmd: any) => ExecResult): CommandOutcome {
    const p = parseCommand(payload)
    const id = p.id
    if (id === null) return { reply: replyJson(null, false, p.error, false, null), executed: false, remember: false, id: null }
    const seen = recent.find(id)
    if (seen >= 0) {
        const c = recent.codes[seen]
        return { reply: replyJson(id, c === "", c, true, null), executed: false, remember: false, id: id }
    }
    let r: ExecResult = { ok: false, error: p.error }
    let executed = false
    if (p.error === "" && p.cmd.exp !== undefined && nowS >= VALID_WALL && nowS > p.cmd.exp) r = { ok: false, error: "expired" }
    else if (p.error === "") {
        executed = true
        try {
            r = exec(p.cmd)
        } catch (e) {
            r = { ok: false, error: "exception" }
        }
    }
    const code = r.ok ? "" : r.error === "" ? "failed" : r.error
    const remember = p.cmd.k !== "get"
    if (remember) recent.add(id, code)
    return { reply: replyJson(id, r.ok, code, false, r.data), executed: executed, remember: remember, id: id }
}
