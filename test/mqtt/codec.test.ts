// The v1 payloads and topics. Invariants: every diary record, batch, acknowledgement, reply,
// meta and recent-id record decodes to what was encoded (any strings, any integers); flash
// records stay under the 200-character limit; the office refuses malformed batches; topic and
// broker URL parsing accept what docs/mqtt.md allows and nothing else; state, telemetry and
// info are compact JSON with the documented fields.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ackJson, batchJson, parseAck, parseBatch, recordJson, recordSeq, replyJson } from "../../firmware/core/mqtt/codec"
import { DiaryQueue } from "../../firmware/core/mqtt/diary"
import { infoOf, stateOf, telemetryOf } from "../../firmware/core/mqtt/report"
import { isDeviceId, ownSuffix, parseBrokerUrl, parseTopic, topic } from "../../firmware/core/mqtt/topics"
import { Cause, CoreEvent } from "../../firmware/core/types"
import { busyController, T0 } from "./fixture"

const causes: Cause[] = ["schedule", "keypad", "remote", "sensor", "safety", "system", "tariff"]
const eventArb: fc.Arbitrary<CoreEvent> = fc.record({
    t: fc.integer({ min: 0, max: 4102444800 }),
    kind: fc.oneof(fc.constantFrom("valveOpen", "runEnd", "maxRun", "dose", "alarm"), fc.string({ maxLength: 20 })),
    cause: fc.constantFrom(...causes),
    zone: fc.integer({ min: -1, max: 15 }),
    program: fc.integer({ min: 0, max: 8 }),
    value: fc.integer({ min: -2147483648, max: 2147483647 }),
    reason: fc.oneof(fc.constantFrom("", "done", "max_run", "p1"), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 })),
})

describe("codec", () => {
    it("diary records round-trip through flash and wire forms, under 200 characters", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), eventArb, (seq, e) => {
                const rec = recordJson(seq, e)
                expect(rec.length).toBeLessThanOrEqual(200)
                // The shell stores it with writeSetting (JSON-quoted): key + value stays under
                // the ~230-byte entry limit (storage.ts allows 220).
                expect(Buffer.from("d63").length + Buffer.from(JSON.stringify(rec)).length).toBeLessThanOrEqual(220)
                expect(recordSeq(rec)).toBe(seq)
                const b = parseBatch(batchJson(7, seq - 1, [rec]))
                expect(b).not.toBeNull()
                const r = b!.records[0]
                if (rec.endsWith(',"?"]')) return // pathological strings, cut to fit
                expect(r).toEqual({ seq, t: e.t, kind: e.kind.slice(0, 32), cause: e.cause, zone: e.zone, program: e.program, value: e.value, reason: e.reason.slice(0, 32) })
            }),
            { numRuns: 2000 }
        )
    })

    it("batches: order, prev and epoch survive; malformed batches are refused", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: 1000 }), fc.array(eventArb, { minLength: 1, maxLength: 12 }), (epoch, prev, evs) => {
                const recs = evs.map((e, i) => recordJson(prev + 1 + i * 2, e))
                const b = parseBatch(batchJson(epoch, prev, recs))
                expect(b?.e).toBe(epoch)
                expect(b?.p).toBe(prev)
                expect(b?.records.map(r => r.seq)).toEqual(evs.map((_, i) => prev + 1 + i * 2))
            })
        )
        const ok = recordJson(5, { t: 0, kind: "x", cause: "system", zone: -1, program: 0, value: 0, reason: "" })
        for (const bad of ["", "{}", "[]", '{"e":1,"p":0}', '{"e":"1","p":0,"r":[]}', batchJson(1, 5, [ok]), batchJson(1, 0, [ok, ok]), '{"e":1,"p":0,"r":[[1,2,3]]}', '{"e":1,"p":0,"r":[[1,0,"k","c",0,0,0.5,""]]}']) {
            expect(parseBatch(bad), bad).toBeNull()
        }
    })

    it("acknowledgements and replies", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 1e9 }), fc.nat(), fc.boolean(), (e, s, g) => {
                expect(parseAck(ackJson(e, s, g))).toEqual({ e, s, gap: g })
            })
        )
        for (const bad of [undefined, "", "x", "[]", '{"e":1}', '{"e":1,"s":-1}', '{"e":1.5,"s":1}', '{"e":1,"s":"2"}', '{"e":1,"s":2,"pad":"' + "x".repeat(100) + '"}']) {
            expect(parseAck(bad), String(bad)).toBeNull()
        }
        expect(JSON.parse(replyJson("c1", true, "", false, null))).toEqual({ id: "c1", ok: true })
        expect(JSON.parse(replyJson(null, false, "bad_json", false, null))).toEqual({ id: null, ok: false, error: "bad_json" })
        expect(JSON.parse(replyJson("c1", false, "", true, null))).toEqual({ id: "c1", ok: false, error: "failed", dup: 1 })
        expect(JSON.parse(replyJson("c1", true, "", false, [1, 2]))).toEqual({ id: "c1", ok: true, data: [1, 2] })
    })

    it("the diary meta record round-trips; garbage starts a new epoch", () => {
        const q = new DiaryQueue(4)
        q.restoreMeta(undefined, 123)
        q.finishRestore()
        q.push({ t: 0, kind: "boot", cause: "system", zone: -1, program: 0, value: 0, reason: "" })
        const meta = q.takeWrites().find(w => w.key === "dm")!.value
        const r = new DiaryQueue(4)
        r.restoreMeta(meta, 999)
        expect([r.epoch, r.reserved]).toEqual([123, q.reserved])
        for (const bad of [undefined, "", "[1,2]", "[0,0,0,0,0]", "[1,-1,0,0,0]", "[1,0.5,0,0,0]", '{"e":1}', "[1,0,0,0,0"]) {
            const x = new DiaryQueue(4)
            x.restoreMeta(bad, 77)
            expect(x.epoch, String(bad)).toBe(77)
        }
    })

    it("topics: a device's own topics only; ids are single topic levels", () => {
        expect(topic("box-1", "st")).toBe("tl/v1/box-1/st")
        expect(ownSuffix("tl/v1/box-1/cmd", "box-1")).toBe("cmd")
        expect(ownSuffix("tl/v1/box-1/ack", "box-1")).toBe("ack")
        for (const t of ["tl/v1/box-1/st", "tl/v1/box-12/cmd", "tl/v1/box-1/cmd/", "tl/v1/box-1", 5, null]) expect(ownSuffix(t, "box-1")).toBe("")
        expect(parseTopic("tl/v1/a_b-9/ev")).toEqual({ deviceId: "a_b-9", suffix: "ev" })
        for (const t of ["tl/v2/a/ev", "tl/v1/a/b/ev", "tl/v1/a+/ev", "tl/v1//ev", "x/v1/a/ev"]) expect(parseTopic(t), t).toBeNull()
        for (const id of ["a", "12abdd2289421234", "lq-tieu_1", "x".repeat(32)]) expect(isDeviceId(id)).toBe(true)
        for (const id of ["", "a/b", "+", "#", "a b", "ä", "x".repeat(33), 5]) expect(isDeviceId(id)).toBe(false)
    })

    it("broker URLs", () => {
        expect(parseBrokerUrl("mqtt://127.0.0.1:18830")).toEqual({ proto: "tcp", host: "127.0.0.1", port: 18830 })
        expect(parseBrokerUrl("mqtt://broker.hoptac.vn")).toEqual({ proto: "tcp", host: "broker.hoptac.vn", port: 1883 })
        expect(parseBrokerUrl("mqtts://broker.hoptac.vn")).toEqual({ proto: "tls", host: "broker.hoptac.vn", port: 8883 })
        expect(parseBrokerUrl("mqtts://b.example:443/")).toEqual({ proto: "tls", host: "b.example", port: 443 })
        for (const u of ["", "b.example", "http://b", "mqtt://", "mqtt://user:pw@b", "mqtt://b:0", "mqtt://b:65536", "mqtt://b:18x", "mqtt://b:1:2", "mqtt://b c", undefined]) {
            expect(parseBrokerUrl(u), String(u)).toBeNull()
        }
    })

    it("state, telemetry and info are compact JSON with the documented fields", () => {
        const { ctl, wall } = busyController()
        const st = JSON.parse(stateOf(ctl))
        expect(Object.keys(st)).toEqual(["v", "p", "m", "i", "q", "pa", "sb", "rd", "f", "al"])
        expect(st.v).toMatch(/^[01]{4}$/)
        expect(st.v[1]).toBe("1")
        const tm = JSON.parse(telemetryOf(ctl, wall, 120, 3, 0, { at: 312, ah: 815, ph: null }))
        expect(tm).toMatchObject({ t: T0 + 20, up: 120, at: 312, ah: 815, dq: 3 })
        expect(tm.ph).toBeUndefined()
        expect(tm.sm).toHaveLength(4)
        expect(tm.r[1]).toBeGreaterThan(0)
        const info = JSON.parse(infoOf(ctl, "Loc Quang tieu", "0.1.0", 42, 900))
        expect(info).toEqual({ n: "Loc Quang tieu", z: ["Tieu lo 1", "Tieu lo 2", "Tieu lo 3", "Tieu lo 4"], s: 4, fw: "0.1.0", e: 42, tm: 900 })
        expect(stateOf(ctl).length).toBeLessThan(100)
        expect(telemetryOf(ctl, wall, 120, 3, 0, null).length).toBeLessThan(120)
    })
})
