// Payloads of the MQTT scheme v1 (docs/mqtt.md): compact JSON with integers only
// (DeviceScript prints non-integers with ~7 digits).
//
// Pure code, compiled by DeviceScript (firmware) and Node (tools, tests). The firmware's
// bytecode has a hard limit (DeviceScript refuses an image whose function code ends past
// 64 KB), so the device-side functions here are kept small: a diary record is stored in flash
// in the very JSON form it is sent in, and decoded with the VM's native JSON.parse. The
// office-side parsers (parseBatch) are never called on the device, so DeviceScript leaves
// them out of the image.

import { CoreEvent } from "../types"
import { isInt } from "../validate"

/** One diary record: a core event and its sequence number. */
export interface DiaryRecord {
    seq: number
    t: number
    kind: string
    cause: string
    zone: number
    program: number
    value: number
    reason: string
}

function int(x: any): number {
    return isInt(x) ? x : 0
}

function str(x: any): string {
    return typeof x === "string" ? x.slice(0, 32) : ""
}

/** Wire and flash form of a record: [seq,t,"kind","cause",zone,program,value,"reason"]
 *  (about 50 characters; well under the 200-character flash record limit). */
export function recordJson(seq: number, e: CoreEvent): string {
    const s = JSON.stringify([seq, int(e.t), str(e.kind), str(e.cause), int(e.zone), int(e.program), int(e.value), str(e.reason)])
    // Core kinds and reasons are short ASCII codes; anything that escapes into a long string
    // is cut so the record still fits its flash entry.
    if (s.length <= 180) return s
    return JSON.stringify([seq, int(e.t), str(e.kind).slice(0, 8), str(e.cause).slice(0, 8), int(e.zone), int(e.program), int(e.value), "?"])
}

/** Sequence number of a stored record, 0 when it is not one (torn, garbage, absent). */
export function recordSeq(s: any): number {
    if (typeof s !== "string" || s.length > 200) return 0
    let a: any = null
    try {
        a = JSON.parse(s)
    } catch (e) {
        return 0
    }
    if (!Array.isArray(a) || a.length !== 8 || !isInt(a[0]) || a[0] < 1 || typeof a[2] !== "string" || typeof a[3] !== "string") return 0
    return a[0]
}

/** A diary batch: {"e":epoch,"p":prev,"r":[records...]}; `prev` is the sequence number of
 *  the record the device holds just before the first one here (or its acknowledged seq), so
 *  the office knows that nothing between prev and the first record is still to come. */
export function batchJson(epoch: number, prev: number, records: string[]): string {
    return '{"e":' + epoch + ',"p":' + prev + ',"r":[' + records.join(",") + "]}"
}

export interface Batch {
    e: number
    p: number
    records: DiaryRecord[]
}

/** Office side: parses and checks a diary batch; null when malformed. */
export function parseBatch(payload: string): Batch | null {
    let o: any = null
    try {
        o = JSON.parse(payload)
    } catch (e) {
        return null
    }
    if (o === null || typeof o !== "object" || !isInt(o.e) || !isInt(o.p) || !Array.isArray(o.r)) return null
    const out: DiaryRecord[] = []
    let last = o.p
    for (const a of o.r) {
        if (!Array.isArray(a) || a.length !== 8) return null
        if (!isInt(a[0]) || !isInt(a[1]) || typeof a[2] !== "string" || typeof a[3] !== "string") return null
        if (!isInt(a[4]) || !isInt(a[5]) || !isInt(a[6]) || typeof a[7] !== "string") return null
        if (a[0] <= last) return null
        last = a[0]
        out.push({ seq: a[0], t: a[1], kind: a[2], cause: a[3], zone: a[4], program: a[5], value: a[6], reason: a[7] })
    }
    return { e: o.e, p: o.p, records: out }
}

// ---------------------------------------------------------------- acknowledgements

export interface DiaryAck {
    e: number
    s: number
    /** The office saw a gap: resend from s+1 now. */
    gap: boolean
}

/** {"e":epoch,"s":seq} or {"e":epoch,"s":seq,"g":1}; null when malformed. */
export function parseAck(payload: any): DiaryAck | null {
    if (typeof payload !== "string" || payload.length > 96) return null
    let o: any = null
    try {
        o = JSON.parse(payload)
    } catch (e) {
        return null
    }
    if (o === null || typeof o !== "object" || !isInt(o.e) || !isInt(o.s) || o.s < 0) return null
    return { e: o.e, s: o.s, gap: o.g === 1 }
}

export function ackJson(epoch: number, seq: number, gap: boolean): string {
    return '{"e":' + epoch + ',"s":' + seq + (gap ? ',"g":1}' : "}")
}

// ---------------------------------------------------------------- replies

/** {"id":...,"ok":true} / {"id":...,"ok":false,"error":"code"}; dup marks a repeated id whose
 *  first result is returned without acting again; data carries what "get" asked for. */
export function replyJson(id: string | null, ok: boolean, error: string, dup: boolean, data: any): string {
    const o: any = { id: id, ok: ok }
    if (!ok) o.error = error === "" ? "failed" : error
    if (dup) o.dup = 1
    if (data !== undefined && data !== null) o.data = data
    return JSON.stringify(o)
}
