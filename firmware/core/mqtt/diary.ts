// Store-and-forward diary: every core event gets a per-device sequence number and is kept in
// flash until the office acknowledges it (docs/mqtt.md, "Diary").
//
// Flash layout (one settings key each, far below the 200-character record limit):
//   "dm"            meta, JSON [epoch, acked, reserved, lostTotal, lostUnreported]
//   "d0".."d<N-1>"  one record each, in its wire form (codec.recordJson), any slot order
// A slot whose record is at or below the acknowledged seq is free; it is overwritten, never
// deleted, so the flash holds a fixed number of entries. A torn or garbled record does not
// parse and its slot counts as free.
//
// Sequence numbers: the meta record reserves RESERVE_STEP numbers ahead, so a power cut
// between handing out a number and writing its record never reuses it (seq only grows; a
// reboot may skip a few, which the office sees as a harmless gap). The epoch is a random
// number drawn when the meta record is missing (first boot, wiped flash): the office keys
// its high-water marks by (device, epoch).
//
// When every slot holds an unacknowledged record, the new record displaces the oldest
// record of the lowest tier (2 = safety and fertigation, 1 = watering outcome and people's
// actions, 0 = routine) unless every held record outranks it, in which case the new one is
// dropped. Each loss is counted; the first loss of an episode sets `alarm`, and a
// "diaryLost" record (tier 2) reporting the count is queued as soon as an acknowledgement
// frees room.
//
// Pure code (DeviceScript and Node). Loops are bounded by the slot count.

import { CoreEvent } from "../types"
import { isInt } from "../validate"
import { recordJson, recordSeq } from "./codec"

export const DIARY_META_KEY = "dm"
export const DEFAULT_DIARY_SLOTS = 64
export const RESERVE_STEP = 16

export function diaryKey(slot: number): string {
    return "d" + slot
}

const SAFETY_KINDS = ["safeState", "alarm", "corrupt", "faultCleared", "diaryLost", "dose", "phi", "injectorOn", "injectorOff", "flushShort"]
const OUTCOME_KINDS = ["runEnd", "runSkipped", "clockJump", "boot", "programSaved", "programDeleted"]

/** Which records survive a full queue longest: 2 safety and fertigation, 1 watering outcome
 *  and what people did, 0 routine (valve and pump transitions, queueing, adjustments). */
export function eventTier(kind: string, cause: string): number {
    if (cause === "safety" || SAFETY_KINDS.indexOf(kind) >= 0 || kind.indexOf("dose") === 0 || kind.indexOf("inject") === 0) return 2
    if (cause === "keypad" || cause === "remote" || OUTCOME_KINDS.indexOf(kind) >= 0) return 1
    return 0
}

export interface DiaryWrite {
    key: string
    value: string
}

export interface DiaryBatch {
    /** Seq of the held record before the first one here, or the acknowledged seq. */
    prev: number
    /** Wire forms, ascending seq. */
    records: string[]
    /** Seq of the last record in the batch. */
    last: number
}

export class DiaryQueue {
    readonly capacity: number
    epoch = 0
    /** Highest sequence number the office has acknowledged. */
    acked = 0
    nextSeq = 1
    reserved = 0
    lostTotal = 0
    lostUnreported = 0
    /** Set when the queue starts dropping records; the owner raises an alarm and clears it. */
    alarm = false
    /** Wall time of the newest event seen (stamps the diaryLost record). */
    lastT = 0
    /** Records up to this seq are known to be in flash (with the meta record reserving their
     *  numbers). Only these are sent: a record the office holds must never have its number
     *  handed out again after a power cut. */
    durable = 0
    /** Record per slot ("" = free), its seq and tier. */
    recs: string[] = []
    seqs: number[] = []
    tiers: number[] = []
    /** Slots of held records, ascending seq. */
    order: number[] = []
    writes: DiaryWrite[] = []

    constructor(capacity: number) {
        this.capacity = capacity
        for (let i = 0; i < capacity; i++) {
            this.recs.push("")
            this.seqs.push(0)
            this.tiers.push(0)
        }
    }

    // ------------------------------------------------------------ boot

    /** First restore step: the meta record (garbage or absent starts a new epoch). */
    restoreMeta(v: any, newEpoch: number): void {
        let m: any = null
        try {
            m = typeof v === "string" ? JSON.parse(v) : null
        } catch (e) {
            m = null
        }
        let ok = Array.isArray(m) && m.length === 5 && m[0] >= 1
        if (ok) for (const x of m) if (!isInt(x) || x < 0) ok = false
        if (!ok) {
            this.epoch = newEpoch
            writeMeta(this)
            return
        }
        this.epoch = m[0]
        this.acked = m[1]
        this.reserved = m[2]
        this.lostTotal = m[3]
        this.lostUnreported = m[4]
    }

    /** Second step, once per slot (the caller awaits between slots: VM loop budget). */
    restoreSlot(slot: number, v: any): void {
        const seq = recordSeq(v)
        if (seq === 0 || slot < 0 || slot >= this.capacity) return
        if (seq > this.reserved) this.reserved = seq
        if (seq <= this.acked) return
        for (const k of this.order) if (this.seqs[k] === seq) return
        const a = JSON.parse(v)
        place(this, slot, seq, v, eventTier(a[2], a[3]))
    }

    /** Last step: the next sequence number is past everything seen or reserved. */
    finishRestore(): void {
        this.nextSeq = (this.reserved > this.acked ? this.reserved : this.acked) + 1
        this.durable = this.nextSeq - 1
    }

    /** The owner saw every write it took from takeWrites() reach the flash. */
    markDurable(): void {
        if (this.writes.length === 0) this.durable = this.nextSeq - 1
    }

    // ------------------------------------------------------------ runtime

    /** Flash writes to make, in order (meta reservations come before the records using them). */
    takeWrites(): DiaryWrite[] {
        const w = this.writes
        this.writes = []
        return w
    }

    /** Unacknowledged records held. */
    pending(): number {
        return this.order.length
    }

    /** Appends an event; returns its sequence number, or 0 when it was dropped. */
    push(e: CoreEvent): number {
        if (isInt(e.t) && e.t > this.lastT) this.lastT = e.t
        const tier = eventTier(e.kind, e.cause)
        let slot = -1
        for (let i = 0; i < this.capacity && slot < 0; i++) if (this.recs[i] === "") slot = i
        if (slot < 0) {
            // Full: the oldest record of the lowest tier goes, unless everything outranks us.
            let victim = 0
            for (let k = 1; k < this.order.length; k++) if (this.tiers[this.order[k]] < this.tiers[this.order[victim]]) victim = k
            if (this.lostUnreported === 0) this.alarm = true
            this.lostUnreported++
            this.lostTotal++
            writeMeta(this)
            if (this.tiers[this.order[victim]] > tier) return 0
            slot = this.order[victim]
            for (let j = victim; j < this.order.length - 1; j++) this.order[j] = this.order[j + 1]
            this.order.pop()
        }
        const seq = this.nextSeq++
        if (seq > this.reserved) {
            this.reserved = seq + RESERVE_STEP - 1
            writeMeta(this)
        }
        const rec = recordJson(seq, e)
        place(this, slot, seq, rec, tier)
        write(this, diaryKey(slot), rec)
        return seq
    }

    /** An acknowledgement from the office: everything up to seq (of this epoch) is stored
     *  there. Returns whether it freed anything. */
    ack(epoch: number, seq: number): boolean {
        let s = seq
        if (s > this.nextSeq - 1) s = this.nextSeq - 1
        if (epoch !== this.epoch || !isInt(s) || s <= this.acked) return false
        this.acked = s
        let n = 0
        while (n < this.order.length && this.seqs[this.order[n]] <= s) {
            this.recs[this.order[n]] = ""
            n++
        }
        this.order = this.order.slice(n)
        writeMeta(this)
        if (this.lostUnreported > 0 && this.order.length < this.capacity) {
            const lost = this.lostUnreported
            this.lostUnreported = 0
            this.push({ t: this.lastT, kind: "diaryLost", cause: "system", zone: -1, program: 0, value: lost, reason: "full" })
            writeMeta(this)
        }
        return true
    }

    /** The next records after `after` (ascending), at most maxRecords and about maxChars of
     *  JSON; null when there is nothing after it. */
    batch(after: number, maxRecords: number, maxChars: number): DiaryBatch | null {
        let k = 0
        while (k < this.order.length && this.seqs[this.order[k]] <= after) k++
        if (k >= this.order.length || this.seqs[this.order[k]] > this.durable) return null
        const prev = k > 0 ? this.seqs[this.order[k - 1]] : this.acked
        const out: string[] = []
        let chars = 0
        let last = 0
        while (k < this.order.length && out.length < maxRecords) {
            const slot = this.order[k]
            if (this.seqs[slot] > this.durable || (out.length > 0 && chars + this.recs[slot].length > maxChars)) break
            out.push(this.recs[slot])
            chars += this.recs[slot].length + 1
            last = this.seqs[slot]
            k++
        }
        return { prev: prev, records: out, last: last }
    }

    /** Held records (wire form), ascending seq: tests and diagnostics. */
    held(): string[] {
        const out: string[] = []
        for (const slot of this.order) out.push(this.recs[slot])
        return out
    }

    /** Held records with seq <= `seq`. */
    countUpTo(seq: number): number {
        let n = 0
        for (const slot of this.order) if (this.seqs[slot] <= seq) n++
        return n
    }

    /** Seq of the newest held record (0 if none). */
    lastHeld(): number {
        return this.order.length === 0 ? 0 : this.seqs[this.order[this.order.length - 1]]
    }
}

/** Puts a record into a slot and into the seq order. */
function place(me: DiaryQueue, slot: number, seq: number, rec: string, tier: number): void {
    me.recs[slot] = rec
    me.seqs[slot] = seq
    me.tiers[slot] = tier
    let at = me.order.length
    while (at > 0 && me.seqs[me.order[at - 1]] > seq) at--
    me.order.push(slot)
    for (let k = me.order.length - 1; k > at; k--) me.order[k] = me.order[k - 1]
    me.order[at] = slot
}

function writeMeta(me: DiaryQueue): void {
    write(me, DIARY_META_KEY, JSON.stringify([me.epoch, me.acked, me.reserved, me.lostTotal, me.lostUnreported]))
}

function write(me: DiaryQueue, key: string, value: string): void {
    for (const w of me.writes) {
        if (w.key === key) {
            w.value = value
            return
        }
    }
    me.writes.push({ key: key, value: value })
}
