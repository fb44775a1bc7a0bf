// A probe between the rows (zone.rowSensor) lowers the bulb's target when rain has wetted the
// soil the drippers do not reach (firmware/core/moisture.ts zoneTargetTenths). What it protects:
// the target never rises above the one set for dry rows, a faulty or missing probe between the
// rows falls back to exactly that target (the safe case), and wetter rows never mean more water.

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { SensorHealth, SensorTrack, zoneTargetTenths } from "../../firmware/core/moisture"
import { encodeProgram } from "../../firmware/core/persist"
import { parseProfile } from "../../firmware/core/profile"
import { MoistureConfig, ZoneConfig } from "../../firmware/core/types"
import { config, program, Rig, vnTime } from "./fixtures"
import { readFileSync } from "node:fs"

const zoneArb = fc.record({
    targetTenths: fc.integer({ min: 150, max: 400 }),
    rowFromTenths: fc.integer({ min: 150, max: 350 }),
    span: fc.integer({ min: 1, max: 200 }),
    credit: fc.integer({ min: 0, max: 100 }),
})
const healthArb = fc.constantFrom(SensorHealth.Ok, SensorHealth.Missing, SensorHealth.OutOfRange, SensorHealth.Stuck)

function setup(z: { targetTenths: number; rowFromTenths: number; span: number; credit: number }): { zone: ZoneConfig; cfg: MoistureConfig } {
    const zone: ZoneConfig = { name: "z", maxRunS: 3600, flowLpm: 10, sensor: 0, targetTenths: z.targetTenths, rowSensor: 1, rowFromTenths: z.rowFromTenths, rowToTenths: z.rowFromTenths + z.span }
    const cfg = config().moisture
    return { zone, cfg: { ...cfg, rowCreditPct: z.credit } }
}

const track = (last: number | null, health: SensorHealth): SensorTrack => ({ last, changedAt: 0, health })

describe("target with a probe between the rows", () => {
    it("never rises above the dry-rows target, and drops at most rowCreditPct % of the rows' span", () => {
        fc.assert(fc.property(zoneArb, fc.integer({ min: 0, max: 1000 }), (z, reading) => {
            const { zone, cfg } = setup(z)
            const t = zoneTargetTenths(zone, track(reading, SensorHealth.Ok), cfg)
            expect(t).toBeLessThanOrEqual(zone.targetTenths)
            expect(zone.targetTenths - t).toBeLessThanOrEqual(Math.floor((z.span * z.credit) / 100))
        }))
    })

    it("a probe between the rows that is missing, faulty or absent leaves the dry-rows target (safe state)", () => {
        fc.assert(fc.property(zoneArb, fc.option(fc.integer({ min: 0, max: 1000 })), healthArb, (z, reading, health) => {
            const { zone, cfg } = setup(z)
            fc.pre(health !== SensorHealth.Ok || reading === null)
            expect(zoneTargetTenths(zone, track(reading, health), cfg)).toBe(zone.targetTenths)
            expect(zoneTargetTenths(zone, null, cfg)).toBe(zone.targetTenths)
        }))
    })

    it("wetter rows never raise the target (never more water for wetter soil)", () => {
        fc.assert(fc.property(zoneArb, fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }), (z, a, b) => {
            const { zone, cfg } = setup(z)
            const [dry, wet] = a <= b ? [a, b] : [b, a]
            expect(zoneTargetTenths(zone, track(wet, SensorHealth.Ok), cfg)).toBeLessThanOrEqual(zoneTargetTenths(zone, track(dry, SensorHealth.Ok), cfg))
        }))
    })

    it("counts the rows from rowFromTenths up to rowToTenths only", () => {
        const { zone, cfg } = setup({ targetTenths: 330, rowFromTenths: 280, span: 80, credit: 25 })
        expect(zoneTargetTenths(zone, track(250, SensorHealth.Ok), cfg)).toBe(330)
        expect(zoneTargetTenths(zone, track(320, SensorHealth.Ok), cfg)).toBe(320)
        expect(zoneTargetTenths(zone, track(360, SensorHealth.Ok), cfg)).toBe(310)
        expect(zoneTargetTenths(zone, track(480, SensorHealth.Ok), cfg)).toBe(310) // past field capacity: no more
    })
})

describe("controller with a probe between the rows", () => {
    // Zone 0 reads its bulb probe (sensor 0) and the probe between the rows (sensor 2, in zone 2).
    function scheduled(bulb: number, rows: number | null) {
        const zones = config().zones.map((z, i) => (i === 0 ? { ...z, targetTenths: 300, rowSensor: 2, rowFromTenths: 250, rowToTenths: 350 } : { ...z, sensor: -1 }))
        const r = new Rig(config({ zones }), vnTime(2026, 11, 23, 5, 29), { p1: encodeProgram(program({ useMoisture: true, zoneS: [600, 0, 0] })) })
        r.soil = [bulb, 250, rows]
        r.run(90)
        return r
    }
    const queued = (r: Rig) => r.events.find(e => e.kind === "runQueued")?.value ?? 0

    it("waters less when rain has wetted the rows, and not at all when the lowered target is met", () => {
        // Dry rows: target 30.0 %, bulb 28.0 % -> 120 %. Wet rows (35.0 %): target 27.5 % -> 95 %.
        expect(queued(scheduled(280, 240))).toBe(720)
        expect(queued(scheduled(280, 350))).toBe(570)
        expect(scheduled(295, 350).events.find(e => e.kind === "runSkipped")).toMatchObject({ zone: 0, reason: "soil_wet" })
    })

    it("a lost probe between the rows is an alarm, and the zone waters as for dry rows", () => {
        const r = scheduled(280, null)
        expect(queued(r)).toBe(720)
        expect(r.events.some(e => e.kind === "sensorFault" && e.value === 2 && e.reason === "missing")).toBe(true)
    })
})

describe("installation profile", () => {
    const base = () => JSON.parse(readFileSync("devicescript.json", "utf8"))

    it("reads rowSensor, its levels and the credit", () => {
        const p = base()
        p.zones[0].rowSensor = 2
        p.zones[0].rowFromPctTenths = 276
        p.zones[0].rowToPctTenths = 360
        p.moisture.rowCreditPct = 20
        p.zones[2].sensor = 1
        const r = parseProfile(p)
        expect(r.errors).toEqual([])
        expect(r.profile!.config.zones[0]).toMatchObject({ rowSensor: 2, rowFromTenths: 276, rowToTenths: 360 })
        expect(r.profile!.config.moisture.rowCreditPct).toBe(20)
    })

    it("refuses a probe between the rows that is the zone's own bulb probe, names no zone, or has no span", () => {
        for (const [rowSensor, from, to, field] of [[0, 250, 350, "rowSensor"], [9, 250, 350, "rowSensor"], [2, 350, 350, "rowToPctTenths"]] as const) {
            const p = base()
            Object.assign(p.zones[0], { rowSensor, rowFromPctTenths: from, rowToPctTenths: to })
            expect(parseProfile(p).errors.join("\n")).toContain("zones[0]." + field)
        }
    })
})
