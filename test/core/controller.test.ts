// Example-based tests of the controller's rules, one behaviour each, with exact timings.
import { describe, expect, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { daysFromCivil } from "../../firmware/core/calendar"
import { defaultSettings, encodeProgram, encodeSettings } from "../../firmware/core/persist"
import { nextStart } from "../../firmware/core/program"
import { DayMode, ValveState } from "../../firmware/core/types"
import { config, program, Rig, vnTime } from "./fixtures"

// Monday 2026-11-23, 06:00 local: normal tariff band.
const MON_0600 = vnTime(2026, 11, 23, 6, 0)

describe("boot", () => {
    it("keeps every output off until persisted state is restored", () => {
        const c = new Controller(config())
        expect(c.command({ k: "run", zone: 0, seconds: 60 }, "keypad")).toEqual({ ok: false, error: "not_ready" })
        for (let t = 0; t < 30; t++) {
            const o = c.step({ monoS: t, wallS: MON_0600 + t, soil: [] })
            expect(o.valves.every(v => !v) && !o.pump && !o.master).toBe(true)
        }
    })
})

describe("valve and pump sequencing", () => {
    it("opens the valve, starts the pump after open + start delay, stops it the lead time before the valve closes", () => {
        const r = new Rig(config(), MON_0600)
        expect(r.ctl.command({ k: "run", zone: 1, seconds: 120 }, "keypad").ok).toBe(true)
        r.run(200)
        const valveOn = r.firstWhen(o => o.valves[1])
        const pumpOn = r.firstWhen(o => o.pump)
        expect(valveOn).toBe(0)
        expect(pumpOn).toBe(valveOn + 3 + 5)
        const pumpOff = r.outputs.find(x => x.mono > pumpOn && !x.out.pump)!.mono
        const valveOff = r.outputs.find(x => x.mono > valveOn && !x.out.valves[1])!.mono
        expect(pumpOff - pumpOn).toBe(120) // exactly the water asked for
        expect(valveOff - pumpOff).toBe(5)
        // The master valve follows the zone valve.
        expect(r.outputs.every(x => x.out.master === x.out.valves.some(v => v))).toBe(true)
        const end = r.events.find(e => e.kind === "runEnd")!
        expect(end).toMatchObject({ zone: 1, value: 120, cause: "keypad", reason: "done" })
        expect(r.kinds().filter(k => /valve|pump|run/.test(k))).toEqual(["runQueued", "valveOpen", "pumpOn", "pumpOff", "valveClose", "runEnd"])
    })

    it("queues zones beyond the hydraulic limit and runs them one after another", () => {
        const r = new Rig(config({ maxZonesOpen: 1 }), MON_0600)
        r.ctl.command({ k: "runProgram", id: 1 }, "remote") // no program: rejected
        r.ctl.command({ k: "saveProgram", program: program({ zoneS: [60, 60, 60] }) }, "remote")
        expect(r.ctl.command({ k: "runProgram", id: 1 }, "remote").ok).toBe(true)
        r.run(400)
        const opens = r.events.filter(e => e.kind === "valveOpen").map(e => e.zone)
        expect(opens).toEqual([0, 1, 2])
        expect(r.outputs.every(x => x.out.valves.filter(v => v).length <= 1)).toBe(true)
        expect(r.events.filter(e => e.kind === "runEnd").map(e => e.value)).toEqual([60, 60, 60])
    })

    it("lets two zones run together when the limit allows, and keeps the pump on across them", () => {
        const r = new Rig(config({ maxZonesOpen: 2, maxFlowLpm: 100 }), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 100 }, "keypad")
        r.ctl.command({ k: "run", zone: 1, seconds: 200 }, "keypad")
        r.ctl.command({ k: "run", zone: 2, seconds: 50 }, "keypad") // 120 L/min would exceed 100
        r.run(20)
        expect(r.outputs[r.outputs.length - 1].out.valves).toEqual([true, true, false])
        r.run(120)
        // Zone 0 closed while zone 1 kept a flow path: no pump stop needed.
        expect(r.kinds().filter(k => k === "pumpOff").length).toBe(0)
    })

    it("a manual run preempts a scheduled run at the hydraulic limit, which resumes with its time kept", () => {
        const r = new Rig(config(), vnTime(2026, 11, 23, 5, 29), { p1: encodeProgram(program({ zoneS: [600, 0, 0] })) })
        r.run(120) // 05:30 fires
        expect(r.ctl.status().zones[0].state).toBe(ValveState.Open)
        r.ctl.command({ k: "run", zone: 2, seconds: 60 }, "keypad")
        r.run(1200)
        expect(r.kinds()).toContain("runPreempted")
        const ends = r.events.filter(e => e.kind === "runEnd")
        expect(ends.map(e => [e.zone, e.value])).toEqual([[2, 60], [0, 600]])
    })
})

describe("programs", () => {
    const at = (hh: number, mm: number, d = 23) => vnTime(2026, 11, d, hh, mm)

    function firesOn(p: Parameters<typeof program>[0], day: number): boolean {
        const r = new Rig(config(), at(5, 29, day), { p1: encodeProgram(program(p)) })
        r.run(90)
        return r.kinds().includes("runQueued")
    }

    it("after losing the record of fired starts, does not catch up a start it may already have run", () => {
        const r = new Rig(config(), at(5, 40), { p1: encodeProgram(program()) })
        r.run(5)
        expect(r.kinds()).not.toContain("runQueued")
    })

    it("fires on selected weekdays only (2026-11-23 is a Monday)", () => {
        expect(firesOn({ weekdays: 1 }, 23)).toBe(true)
        expect(firesOn({ weekdays: 1 }, 24)).toBe(false)
        expect(firesOn({ weekdays: 1 << 6 }, 29)).toBe(true) // Sunday
    })

    it("fires every N days from its reference day, and on odd or even days", () => {
        const ref = daysFromCivil(2026, 11, 23) // local day number of Monday 23rd
        expect(firesOn({ dayMode: DayMode.Interval, intervalDays: 3, refDay: ref }, 26)).toBe(true)
        expect(firesOn({ dayMode: DayMode.Interval, intervalDays: 3, refDay: ref }, 25)).toBe(false)
        expect(firesOn({ dayMode: DayMode.Odd }, 23)).toBe(true)
        expect(firesOn({ dayMode: DayMode.Even }, 23)).toBe(false)
        expect(firesOn({ dayMode: DayMode.Even }, 24)).toBe(true)
    })

    it("honours its season, also across the new year", () => {
        expect(firesOn({ seasonFrom: 1201, seasonTo: 430 }, 23)).toBe(false)
        expect(firesOn({ seasonFrom: 1101, seasonTo: 430 }, 23)).toBe(true)
    })

    it("applies the program and global budgets to every zone", () => {
        const r = new Rig(config(), at(5, 29), { p1: encodeProgram(program({ zoneS: [600, 300, 0], budgetPct: 120 })), set: encodeSettings({ ...defaultSettings(), budgetPct: 50 }) })
        r.run(90)
        expect(r.events.filter(e => e.kind === "runQueued").map(e => e.value)).toEqual([360, 180])
    })

    it("splits a run into cycles with at least the soak time between them", () => {
        const r = new Rig(config(), at(5, 29), { p1: encodeProgram(program({ zoneS: [900, 0, 0], cycleS: 300, soakS: 600 })) })
        r.run(4000)
        const closes = r.events.filter(e => e.kind === "valveClose" && e.zone === 0)
        expect(closes.length).toBe(3)
        const opens = r.outputs.filter((x, i) => i > 0 && x.out.valves[0] && !r.outputs[i - 1].out.valves[0]).map(x => x.mono)
        const shuts = r.outputs.filter((x, i) => i > 0 && !x.out.valves[0] && r.outputs[i - 1].out.valves[0]).map(x => x.mono)
        for (let i = 1; i < opens.length; i++) expect(opens[i] - shuts[i - 1]).toBeGreaterThanOrEqual(600)
        expect(r.events.find(e => e.kind === "runEnd")!.value).toBe(900)
    })

    it("fires a start late after a power cut over its time, but never twice, even after a reboot or a clock set back", () => {
        const before = new Rig(config(), at(5, 20), { p1: encodeProgram(program()) })
        before.run(5) // records which starts have fired, then the power goes
        const r = new Rig(config(), at(5, 40), before.store)
        r.run(5)
        expect(r.kinds().filter(k => k === "runQueued").length).toBe(1)
        const again = new Rig(config(), at(5, 41), r.store) // another power cut and reboot
        again.run(5)
        again.wall = at(5, 20) // clock set back before the start
        again.run(1800)
        expect(again.kinds()).not.toContain("runQueued")
    })

    it("skips scheduled starts during a rain delay and in standby, and says why", () => {
        const r = new Rig(config(), at(5, 0), { p1: encodeProgram(program()) })
        r.step()
        expect(r.ctl.command({ k: "rainDelay", hours: 2 }, "remote").ok).toBe(true)
        r.run(40 * 60)
        expect(r.events.find(e => e.kind === "runSkipped")!.reason).toBe("rain_delay")
        expect(r.ctl.command({ k: "standby", on: true }, "keypad").ok).toBe(true)
        expect(r.ctl.command({ k: "run", zone: 0, seconds: 60 }, "keypad")).toEqual({ ok: false, error: "standby" })
    })

    it("a newly saved program does not fire a start already passed today", () => {
        const r = new Rig(config(), at(5, 35))
        r.step()
        r.ctl.command({ k: "saveProgram", program: program() }, "keypad")
        r.run(600)
        expect(r.kinds()).not.toContain("runQueued")
    })
})

describe("soil-moisture feedback", () => {
    function scheduled(soil: number | null, start = vnTime(2026, 11, 23, 5, 29)) {
        const r = new Rig(config(), start, { p1: encodeProgram(program({ useMoisture: true, zoneS: [600, 0, 0] })) })
        r.soil = [soil, 250, 250]
        r.run(90)
        return r
    }

    it("skips the zone when the soil is at or above target + skip band", () => {
        const r = scheduled(320)
        expect(r.events.find(e => e.kind === "runSkipped")).toMatchObject({ zone: 0, reason: "soil_wet", cause: "sensor" })
    })

    it("extends below target and shortens above it, within the limits", () => {
        expect(scheduled(250).events.find(e => e.kind === "runQueued")!.value).toBe(900) // 150 % cap
        expect(scheduled(280).events.find(e => e.kind === "runQueued")!.value).toBe(720) // +20 %
        expect(scheduled(310).events.find(e => e.kind === "runQueued")!.value).toBe(540) // -10 %
    })

    it("falls back to the plain schedule when the sensor is missing, out of range or stuck, and says so", () => {
        for (const [soil, code] of [[null, "missing"], [950, "out_of_range"]] as const) {
            const r = scheduled(soil)
            expect(r.events.find(e => e.kind === "moistureFallback")!.reason).toBe(code)
            expect(r.events.find(e => e.kind === "runQueued")!.value).toBe(600)
            expect(r.events.some(e => e.kind === "sensorFault" && e.reason === code)).toBe(true)
        }
        const r = new Rig(config(), vnTime(2026, 11, 22, 5, 0), { p1: encodeProgram(program({ useMoisture: true })) })
        r.soil = [250, 250, 250]
        r.run(86400 + 31 * 60) // the same reading for over 24 h
        expect(r.events.some(e => e.kind === "sensorFault" && e.reason === "stuck")).toBe(true)
        expect(r.events.filter(e => e.kind === "moistureFallback").pop()!.reason).toBe("stuck")
    })
})

describe("time-of-use windows", () => {
    it("defers a run that would cross the 17:00 peak until the peak ends", () => {
        const r = new Rig(config({ peakPolicy: "defer" }), vnTime(2026, 11, 23, 16, 50))
        r.ctl.command({ k: "run", zone: 0, seconds: 1200 }, "keypad")
        r.run(4 * 3600)
        const pumpOn = r.firstWhen(o => o.pump)
        expect(r.events.find(e => e.kind === "runDeferred")!.reason).toBe("peak")
        expect(MON_0600 - 6 * 3600 + 16 * 3600 + 50 * 60 + pumpOn).toBeGreaterThanOrEqual(vnTime(2026, 11, 23, 20, 0))
    })

    it("splits a run at the peak and finishes it after, with the total water kept", () => {
        const r = new Rig(config({ peakPolicy: "split" }), vnTime(2026, 11, 23, 16, 50))
        r.ctl.command({ k: "run", zone: 0, seconds: 1200 }, "keypad")
        r.run(4 * 3600)
        expect(r.kinds()).toContain("runSplit")
        expect(r.events.find(e => e.kind === "runEnd")!.value).toBe(1200)
        const peakStart = 10 * 60 // 17:00 is 600 s after 16:50
        const peakEnd = peakStart + 3 * 3600
        expect(r.outputs.filter(x => x.out.pump && x.mono >= peakStart && x.mono < peakEnd)).toEqual([])
    })

    it("runs through a peak when a person forces it, and on Sunday (no peak)", () => {
        const forced = new Rig(config(), vnTime(2026, 11, 23, 17, 30))
        forced.ctl.command({ k: "run", zone: 0, seconds: 300, force: true }, "keypad")
        forced.run(400)
        expect(forced.events.find(e => e.kind === "runEnd")!.value).toBe(300)
        const sunday = new Rig(config(), vnTime(2026, 11, 29, 17, 30))
        sunday.ctl.command({ k: "run", zone: 0, seconds: 300 }, "keypad")
        sunday.run(400)
        expect(sunday.events.find(e => e.kind === "runEnd")!.value).toBe(300)
    })
})

describe("pause, stop and safety", () => {
    it("pause closes everything and resume finishes the remaining time", () => {
        const r = new Rig(config(), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 300 }, "keypad")
        r.run(108) // 100 s of water
        r.ctl.command({ k: "pause", seconds: 0 }, "keypad")
        const paused = r.run(600)
        expect(paused.valves[0] || paused.pump).toBe(false)
        r.ctl.command({ k: "resume" }, "keypad")
        r.run(400)
        expect(r.events.find(e => e.kind === "runEnd")!.value).toBe(300)
    })

    it("stop-all stops the pump first, then closes the valves, and forgets the queue", () => {
        const r = new Rig(config(), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 300 }, "keypad")
        r.ctl.command({ k: "run", zone: 1, seconds: 300 }, "keypad")
        r.run(60)
        expect(r.ctl.command({ k: "stopAll" }, "keypad").ok).toBe(true)
        const t0 = r.mono
        r.run(30)
        const pumpOff = r.outputs.find(x => x.mono >= t0 && !x.out.pump)!.mono
        const valveOff = r.outputs.find(x => x.mono >= t0 && !x.out.valves[0])!.mono
        expect(valveOff - pumpOff).toBe(5)
        expect(r.ctl.status().queued).toBe(0)
        expect(r.outputs.slice(-20).every(x => x.out.valves.every(v => !v))).toBe(true)
    })

    it("splits water beyond the valve's maximum run time into cycles; no opening exceeds it", () => {
        const cfg = config({ zones: [{ name: "Z", maxRunS: 600, flowLpm: 40, sensor: -1, targetTenths: 300 }] })
        const r = new Rig(cfg, MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 1500 }, "keypad")
        r.run(3000)
        expect(r.events.find(e => e.kind === "runEnd")!.value).toBe(1500)
        for (const e of r.events.filter(e => e.kind === "valveClose")) expect(e.value).toBeLessThan(600)
        expect(r.kinds()).not.toContain("maxRun")
    })

    it("enters the safe state on an impossible input: all off at once, latched until cleared", () => {
        const r = new Rig(config(), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 300 }, "keypad")
        r.run(60)
        r.mono -= 30 // the monotonic clock cannot go back
        const o = r.step()
        expect(o.valves.every(v => !v) && !o.pump).toBe(true)
        expect(r.events.find(e => e.kind === "safeState")).toMatchObject({ cause: "safety", reason: "mono_backwards" })
        expect(r.ctl.command({ k: "run", zone: 0, seconds: 60 }, "keypad")).toEqual({ ok: false, error: "fault" })
        expect(r.ctl.command({ k: "clearFault" }, "keypad").ok).toBe(true)
        expect(r.ctl.command({ k: "run", zone: 0, seconds: 60 }, "keypad").ok).toBe(true)
    })
})

describe("commands from outside", () => {
    const bad: any[] = [
        null,
        "stopAll",
        { k: "run", zone: 3, seconds: 60 },
        { k: "run", zone: 0, seconds: 0 },
        { k: "run", zone: 0, seconds: 60.5 },
        { k: "run", zone: "0", seconds: 60 },
        { k: "run", zone: 0, seconds: 60, force: "yes" },
        { k: "pause", seconds: -1 },
        { k: "rainDelay", hours: 1e9 },
        { k: "saveProgram", program: { ...program(), zoneS: [60] } },
        { k: "saveProgram", program: { ...program(), name: "x|y" } },
        { k: "saveProgram", program: { ...program(), startsMin: [600, 300] } },
        { k: "deleteProgram", id: 1 },
        { k: "setBudget", pct: 251 },
        { k: "standby", on: 1 },
        { k: "__proto__" },
    ]
    it("rejects malformed commands with an error code and changes nothing", () => {
        const r = new Rig(config(), MON_0600)
        r.step()
        const before = JSON.stringify([r.ctl.status(), r.ctl.programs, r.ctl.settings])
        for (const cmd of bad) {
            const res = r.ctl.command(cmd, "remote")
            expect(res.ok, JSON.stringify(cmd)).toBe(false)
            expect(res.error).toMatch(/^[a-z_]+$/)
        }
        const o = r.step()
        expect(JSON.stringify([r.ctl.status(), r.ctl.programs, r.ctl.settings])).toBe(before)
        expect(o.writes).toEqual([])
    })
})

describe("alarms and the box's settings", () => {
    it("raises an alarm for a failed sensor once, counts repeats, and removes it when acknowledged", () => {
        const r = new Rig(config(), MON_0600)
        r.soil = [null, 250, 250]
        r.run(3)
        r.soil = [250, 250, 250]
        r.run(3)
        r.soil = [null, 250, 250]
        r.run(3)
        const list = r.ctl.alarms.items
        expect(list.map(a => [a.kind, a.zone, a.reason, a.repeats])).toEqual([["sensor", 0, "missing", 1]])
        expect(r.ctl.status().alarms).toBe(1)
        expect(r.ctl.command({ k: "ackAlarm", id: list[0].id + 1 }, "keypad")).toEqual({ ok: false, error: "no_alarm" })
        expect(r.ctl.command({ k: "ackAlarm", id: list[0].id }, "keypad").ok).toBe(true)
        expect(r.ctl.status().alarms).toBe(0)
    })

    it("a safe state and a corrupt flash record each raise an alarm", () => {
        const r = new Rig(config(), MON_0600, { p1: "1|garbage|0" })
        r.run(2)
        r.mono -= 5
        r.step()
        expect(r.ctl.alarms.items.map(a => a.kind)).toEqual(["flash", "safe_state"])
    })

    it("keeps language and PIN in the settings record", () => {
        const r = new Rig(config(), MON_0600)
        expect(r.ctl.command({ k: "setLang", lang: 1 }, "keypad").ok).toBe(true)
        expect(r.ctl.command({ k: "setPin", pin: 1234, on: true }, "keypad").ok).toBe(true)
        expect(r.ctl.command({ k: "setPin", pin: 12345, on: true }, "keypad").ok).toBe(false)
        r.step()
        const again = new Rig(config(), MON_0600, r.store)
        expect(again.ctl.settings).toMatchObject({ lang: 1, pin: 1234, pinOn: true })
    })

    it("finds the next program start for the home screen", () => {
        const local = daysFromCivil(2026, 11, 23) * 86400 + 6 * 3600 // Monday 06:00 local
        const p1 = program({ startsMin: [330, 1020], weekdays: 1 }) // Mondays 05:30 and 17:00
        const p2 = program({ id: 2, startsMin: [600], weekdays: 2 }) // Tuesdays 10:00
        const fired = [0, 0, 0, 0, 0, 0, 0, 0]
        expect(nextStart([p1, p2], fired, local, 7)).toEqual({ program: 1, localS: local + 11 * 3600 })
        expect(nextStart([p2], fired, local, 7)).toEqual({ program: 2, localS: local + 28 * 3600 })
        expect(nextStart([program({ enabled: false })], fired, local, 7)).toBeNull()
    })
})
