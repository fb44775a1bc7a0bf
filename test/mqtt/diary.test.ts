// Store-and-forward diary properties (fast-check), on the real DiaryQueue and LinkSession
// with a modelled flash (the shell's write queue, lost at a power cut), a lossy link and the
// real office receiver. Invariants:
// - nothing lost: every event whose record reached flash (or the office) before any power
//   cut arrives at the office, unless the queue was full and it was displaced (counted);
// - order kept, no duplicates at the office after its (device, epoch, seq) de-duplication;
// - bounded: never more than `capacity` records held, never more flash keys than slots + meta;
// - when full, safety and fertigation records stay: with few of them, none is ever lost,
//   and every loss is counted, alarmed once per episode and reported by a diaryLost record.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DiaryQueue, eventTier } from "../../firmware/core/mqtt/diary"
import { CoreEvent } from "../../firmware/core/types"
import { DiaryReceiver } from "../../tools/diary-receiver"
import { exchange, SimDevice, SimFlash } from "./sim-link"

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300)
/** Fixed so CI is deterministic; set PROPERTY_SEED to explore others. */
const SEED = Number(process.env.PROPERTY_SEED ?? 20261123)

type Op =
    | { op: "events"; n: number; tier: number }
    | { op: "poll"; dt: number }
    | { op: "up" }
    | { op: "down" }
    | { op: "flush"; n: number }
    | { op: "cut"; clean: boolean }

const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant("events" as const), n: fc.integer({ min: 1, max: 6 }), tier: fc.integer({ min: 0, max: 9 }) }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant("poll" as const), dt: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("up" as const) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("down" as const) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("flush" as const), n: fc.integer({ min: 0, max: 20 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("cut" as const), clean: fc.boolean() }) }
)

/** An event of a given tier whose value identifies it. */
function eventOf(value: number, tierPick: number): CoreEvent {
    // tierPick 0..9: mostly routine, some outcomes, rarely safety or fertigation.
    if (tierPick === 9) return { t: 1780000000 + value, kind: value % 2 ? "maxRun" : "dose", cause: value % 2 ? "safety" : "schedule", zone: 0, program: 1, value, reason: "" }
    if (tierPick >= 6) return { t: 1780000000 + value, kind: "runEnd", cause: "schedule", zone: 1, program: 1, value, reason: "done" }
    return { t: 1780000000 + value, kind: tierPick % 2 ? "valveOpen" : "pumpOn", cause: "schedule", zone: 2, program: 1, value, reason: "" }
}

interface Outcome {
    pushed: { value: number; seq: number; tier: number; durable: boolean }[]
    office: DiaryReceiver
    dev: SimDevice
    maxHeld: number
    maxKeys: number
    alarms: number
    lostTotal: number
}

function simulate(ops: Op[], capacity: number, loss: number, seed: number): Outcome {
    let s = seed >>> 0 || 1
    const rand = () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0
        return s / 4294967296
    }
    const flash = new SimFlash()
    const dev = new SimDevice("dev1", capacity, flash, rand)
    const office = new DiaryReceiver("")
    const pushed: Outcome["pushed"] = []
    const bySeq = new Map<number, Outcome["pushed"][number]>()
    flash.onWrite = w => {
        if (!w.key.startsWith("d") || w.key === "dm" || w.key === "dc") return
        const seq = JSON.parse(w.value)[0] as number
        const p = bySeq.get(seq)
        if (p) p.durable = true
    }
    let up = false
    let value = 0
    let maxHeld = 0
    let maxKeys = 0
    let alarms = 0
    let lost = 0
    const connect = () => dev.session.connect(dev.mono, "{}", "{}")
    const track = () => {
        maxHeld = Math.max(maxHeld, dev.session.diary.pending())
        maxKeys = Math.max(maxKeys, [...flash.data.keys()].filter(k => /^d\d+$/.test(k)).length)
        if (dev.session.diary.alarm) {
            alarms++
            dev.session.diary.alarm = false
        }
    }
    for (const o of ops) {
        if (o.op === "events") {
            for (let i = 0; i < o.n; i++) {
                const e = eventOf(++value, o.tier)
                const before = dev.session.diary.lostTotal
                const seq = dev.event(e)
                lost += dev.session.diary.lostTotal - before
                const rec = { value: e.value, seq, tier: eventTier(e.kind, e.cause), durable: false }
                pushed.push(rec)
                if (seq > 0) bySeq.set(seq, rec)
                track()
            }
        } else if (o.op === "poll") {
            const out = dev.poll(o.dt)
            if (up) exchange(dev, office, out, loss, rand)
            // what reached the office is safe whatever happens to the flash later
            for (const l of office.readAll()) {
                const p = bySeq.get(l.seq)
                if (p && p.value === l.value) p.durable = true
            }
        } else if (o.op === "up") {
            if (!up) connect()
            up = true
        } else if (o.op === "down") {
            if (up) dev.session.disconnect()
            up = false
        } else if (o.op === "flush") {
            flash.flush(o.n)
        } else {
            if (o.clean) flash.flush()
            flash.cut()
            dev.boot()
            bySeq.clear()
            if (up) connect()
        }
        track()
    }
    // Final: everything written, a clean link, until the device holds nothing.
    flash.flush()
    if (!up) connect()
    for (let i = 0; i < 400 && (dev.session.diary.pending() > 0 || dev.session.diary.lostUnreported > 0); i++) {
        exchange(dev, office, dev.poll(25), 0, rand)
        flash.flush()
        track()
    }
    for (const l of office.readAll()) {
        // (a diaryLost record's value is a count, not an event's identity)
        const p = l.kind === "diaryLost" ? undefined : pushed.find(q => q.value === l.value)
        if (p) p.durable = true
    }
    return { pushed, office, dev, maxHeld, maxKeys, alarms, lostTotal: lost }
}

function checkCommon(r: Outcome, capacity: number): void {
    const got = r.office.readAll()
    // Order and uniqueness at the office (per epoch, seq strictly grows in file order).
    const byEpoch = new Map<number, number>()
    for (const l of got) {
        expect(l.seq).toBeGreaterThan(byEpoch.get(l.epoch) ?? 0)
        byEpoch.set(l.epoch, l.seq)
    }
    const values = got.filter(l => l.kind !== "diaryLost").map(l => l.value)
    expect(new Set(values).size).toBe(values.length)
    expect(values).toEqual([...values].sort((a, b) => a - b))
    // Bounded.
    expect(r.maxHeld).toBeLessThanOrEqual(capacity)
    expect(r.maxKeys).toBeLessThanOrEqual(capacity)
    expect(r.dev.session.diary.pending()).toBe(0)
}

describe("store-and-forward diary", () => {
    it("without overflow: every durable event reaches the office once, in order, across link loss and power cuts", () => {
        fc.assert(
            fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom(0, 0.2, 0.5), (ops, seed, loss) => {
                const r = simulate(ops, 512, loss, seed)
                checkCommon(r, 512)
                expect(r.lostTotal).toBe(0)
                const at = new Set(r.office.readAll().map(l => l.value))
                for (const p of r.pushed) if (p.durable) expect(at.has(p.value), `event ${p.value} (seq ${p.seq})`).toBe(true)
                // Without power cuts every event is durable.
                if (!ops.some(o => o.op === "cut")) expect(at.size).toBe(r.pushed.length)
            }),
            { numRuns: RUNS, seed: SEED }
        )
    })

    it("with a small flash queue: bounded, losses counted and alarmed, safety and fertigation kept", () => {
        fc.assert(
            fc.property(fc.array(opArb, { maxLength: 80 }), fc.integer({ min: 1, max: 2 ** 31 }), (ops, seed) => {
                const capacity = 12
                const r = simulate(ops, capacity, 0.1, seed)
                checkCommon(r, capacity)
                const got = r.office.readAll()
                const at = new Set(got.filter(l => l.kind !== "diaryLost").map(l => l.value))
                const missing = r.pushed.filter(p => p.durable && !at.has(p.value))
                // Every durable event missing at the office was displaced by a full queue.
                expect(missing.length).toBeLessThanOrEqual(r.lostTotal)
                if (r.lostTotal > 0 && !ops.some(o => o.op === "cut")) {
                    expect(r.alarms).toBeGreaterThan(0)
                    const reported = got.filter(l => l.kind === "diaryLost").reduce((a, l) => a + l.value, 0)
                    expect(reported).toBe(r.lostTotal)
                }
                // With few safety/fertigation records they are never the ones displaced.
                const safety = r.pushed.filter(p => p.tier === 2)
                if (safety.length <= capacity / 3) for (const p of safety) if (p.durable) expect(at.has(p.value), `safety event ${p.value}`).toBe(true)
            }),
            { numRuns: RUNS, seed: SEED }
        )
    })

    // Regression case from a failing fast-check run (CI rehearsal, 2026-11-23): after an
    // unclean power cut two durable events seemed missing while one loss was counted. The
    // queue was right; the test model was not: it matched office records to events by value,
    // and the diaryLost record's value (the count, 1) marked event 1 (never written, lost in
    // the cut) as delivered, hence "durable". Office records other than events are now left
    // out of that matching.
    it("regression: an unclean power cut loses no durable event beyond the counted losses", () => {
        const ops: Op[] = [
            { op: "events", n: 1, tier: 0 },
            { op: "cut", clean: false },
            { op: "events", n: 6, tier: 0 },
            { op: "flush", n: 2 },
            { op: "events", n: 2, tier: 0 },
            { op: "events", n: 5, tier: 0 },
        ] as Op[]
        const r = simulate(ops, 12, 0.1, 1)
        const got = r.office.readAll()
        const at = new Set(got.filter(l => l.kind !== "diaryLost").map(l => l.value))
        const missing = r.pushed.filter(p => p.durable && !at.has(p.value))
        expect(missing.map(p => p.value)).toEqual([2]) // displaced by the 13th record: the counted loss
        expect(r.lostTotal).toBe(1)
        expect(r.pushed[0].durable).toBe(false) // event 1 never reached flash: the power-cut window
    })

    it("full queue: the oldest record of the lowest tier goes first; a lower-tier newcomer is dropped", () => {
        const q = new DiaryQueue(3)
        q.restoreMeta(undefined, 7)
        q.finishRestore()
        const ev = (kind: string, cause: string, value: number): CoreEvent => ({ t: 0, kind, cause: cause as CoreEvent["cause"], zone: 0, program: 0, value, reason: "" })
        q.push(ev("maxRun", "safety", 1))
        q.push(ev("valveOpen", "schedule", 2))
        q.push(ev("runEnd", "schedule", 3))
        expect(q.push(ev("dose", "schedule", 4))).toBe(4) // displaces valveOpen (tier 0)
        expect(q.alarm).toBe(true)
        expect(q.push(ev("flowHigh", "safety", 5))).toBe(5) // displaces runEnd (tier 1)
        expect(q.push(ev("pumpOn", "schedule", 6))).toBe(0) // everything outranks it
        expect(q.held().map(h => JSON.parse(h)[6])).toEqual([1, 4, 5])
        expect(q.lostTotal).toBe(3)
        // An acknowledgement frees room and the loss is reported in the diary itself.
        expect(q.ack(7, 4)).toBe(true)
        const held = q.held().map(h => JSON.parse(h))
        expect(held.map(h => h[2])).toEqual(["flowHigh", "diaryLost"])
        expect(held[1][6]).toBe(3)
    })

    it("a record is sent only once it and the reservation of its number are in flash", () => {
        // Found by the first property: the meta record reserving numbers 1..16 was still in
        // the write queue when batch 1..12 went out; a power cut then handed out 1 again and
        // the office dropped the new record as a duplicate.
        let s = 1
        const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 4294967296)
        const flash = new SimFlash()
        const dev = new SimDevice("dev1", 64, flash, rand)
        const office = new DiaryReceiver("")
        flash.flush(1)
        const ev = (v: number): CoreEvent => ({ t: 0, kind: "valveOpen", cause: "schedule", zone: 0, program: 0, value: v, reason: "" })
        for (let v = 1; v <= 12; v++) dev.event(ev(v))
        dev.session.connect(0, "{}", "{}")
        exchange(dev, office, dev.poll(10), 0, rand)
        expect(office.readAll().length).toBe(0) // nothing in flash yet: nothing sent
        flash.flush(3) // the meta record and two records: still nothing (the queue is not empty)
        exchange(dev, office, dev.poll(10), 0, rand)
        expect(office.readAll().length).toBe(0)
        flash.flush()
        exchange(dev, office, dev.poll(10), 0, rand)
        expect(office.readAll().map(l => l.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        dev.event(ev(13))
        flash.cut()
        dev.boot()
        dev.event(ev(14))
        flash.flush()
        dev.session.connect(100, "{}", "{}")
        for (let i = 0; i < 5; i++) exchange(dev, office, dev.poll(10), 0, rand)
        expect(office.readAll().map(l => l.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14])
    })

    it("restores from flash: sequence numbers never reused, epoch kept, acknowledged records free", () => {
        const flash = new Map<string, string>()
        const q = new DiaryQueue(4)
        q.restoreMeta(undefined, 42)
        q.finishRestore()
        const ev = (v: number): CoreEvent => ({ t: 0, kind: "valveOpen", cause: "schedule", zone: 0, program: 0, value: v, reason: "" })
        q.push(ev(1))
        q.push(ev(2))
        for (const w of q.takeWrites()) flash.set(w.key, w.value)
        q.push(ev(3)) // never written: power cut
        const r = new DiaryQueue(4)
        r.restoreMeta(flash.get("dm"), 99)
        for (let i = 0; i < 4; i++) r.restoreSlot(i, flash.get("d" + i))
        r.finishRestore()
        expect(r.epoch).toBe(42)
        expect(r.pending()).toBe(2)
        expect(r.nextSeq).toBeGreaterThan(3) // 3 may have reached the office: not reused
        r.restoreSlot(0, "garbage")
        r.restoreSlot(1, '[1,0,"x"')
        expect(r.pending()).toBe(2)
    })
})
