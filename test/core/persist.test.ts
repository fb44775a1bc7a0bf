// Flash records: versioned, checksummed, validated; corrupt data is replaced and reported.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { decodeProgram, decodeSettings, defaultSettings, encodeFired, encodeProgram, encodeSettings, MAX_RECORD_LEN } from "../../firmware/core/persist"
import { programError } from "../../firmware/core/program"
import { MAX_ZONES } from "../../firmware/core/types"
import { config, program } from "./fixtures"

describe("flash records", () => {
    it("a program round-trips through its record exactly", () => {
        const p = program({ name: "Tuoi chieu", startsMin: [330, 1020], zoneS: [1200, 0, 900], cycleS: 300, soakS: 900, seasonFrom: 1201, seasonTo: 430, useMoisture: true })
        expect(decodeProgram(encodeProgram(p), 3)).toEqual(p)
    })

    it("the longest possible program record stays under the settings size limit", () => {
        const p = program({ name: "X".repeat(16), startsMin: [1436, 1437, 1438, 1439], zoneS: new Array(MAX_ZONES).fill(14400), refDay: 99999, cycleS: 14400, soakS: 86400, seasonFrom: 1231, seasonTo: 1231, weekdays: 127, budgetPct: 250 })
        expect(programError(p, MAX_ZONES)).toBe("")
        const rec = encodeProgram(p)
        expect(rec.length).toBeLessThanOrEqual(MAX_RECORD_LEN)
        expect(decodeProgram(rec, MAX_ZONES)).toEqual(p)
    })

    it("any single-character change or truncation of a record is rejected (checksum, version, validation)", () => {
        const rec = encodeProgram(program())
        fc.assert(
            fc.property(fc.integer({ min: 0, max: rec.length - 1 }), fc.integer({ min: 32, max: 126 }), fc.boolean(), (i, c, truncate) => {
                const bad = truncate ? rec.slice(0, i) : rec.slice(0, i) + String.fromCharCode(c) + rec.slice(i + 1)
                fc.pre(bad !== rec)
                expect(decodeProgram(bad, 3)).toBeNull()
            }),
            { numRuns: 2000 },
        )
    })

    it("records of another version, or of another zone count, are rejected", () => {
        const rec = encodeProgram(program())
        expect(decodeProgram("2" + rec.slice(1), 3)).toBeNull()
        expect(decodeProgram(rec, 4)).toBeNull()
        const s = { budgetPct: 80, rainDelayUntil: 1795000000, standby: true, lang: 1, pin: 42, pinOn: true }
        expect(decodeSettings(encodeSettings(s))).toEqual(s)
    })

    it("restore replaces corrupt records by safe defaults, reports each, and rewrites them", () => {
        const c = new Controller(config())
        c.restore({ set: "1|abc|0|0|123", p1: encodeProgram(program()), p2: encodeProgram(program({ id: 2 })).slice(0, 20), fired: "junk" })
        const o = c.step({ monoS: 0, wallS: 0, soil: [] })
        expect(o.events.filter(e => e.kind === "corrupt").map(e => e.reason)).toEqual(["set", "p2"])
        expect(c.settings).toEqual(defaultSettings())
        expect(c.programs[0]).toEqual(program())
        expect(c.programs[1]).toBeNull()
        expect(o.writes).toEqual([
            { key: "set", value: encodeSettings(defaultSettings()) },
            { key: "p2", value: "" },
        ])
        expect(encodeFired([0, 0, 0, 0, 0, 0, 0, 0]).length).toBeLessThan(MAX_RECORD_LEN)
    })
})
