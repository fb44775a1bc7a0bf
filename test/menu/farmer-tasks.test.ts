// The four farmer tasks of issue 4, done on the keypad in both languages, each with the key
// budget the issue sets and a check that the controller then does what the farmer wanted.
// Invariants: every task fits its key budget; stop-all takes at most 2 keys from every
// screen the menu has and needs no PIN; every change is recorded with the keypad as source.
import { describe, expect, it } from "vitest"
import { SCREEN_LIST } from "../../firmware/core/menu/menu"
import { CoreConfig } from "../../firmware/core/types"
import { config, program, vnTime } from "../core/fixtures"
import { Bench, EN, LANGS } from "./bench"

// Monday 2026-11-23 06:00 local: normal tariff band, no peak for hours.
const MON_0600 = vnTime(2026, 11, 23, 6, 0)
// Sunday evening before it.
const SUN_2000 = vnTime(2026, 11, 22, 20, 0)

const BUDGET = { water: 6, stop: 2, program: 25, ack: 3 }

/** A configuration with an injector and a flow meter, so the fertigation screens exist. */
function fertConfig(): CoreConfig {
    const c: any = config()
    c.injector = { present: true, mlPerMin: 500, minFlushS: 120, minPrewetS: 120 }
    c.flow = {
        present: true, mlPerPulse: 1000, settleS: 60, windowS: 60, highPct: 30, lowPct: 30, noFlowS: 120,
        minFlowMlPerMin: 500, leakMlPerMin: 2000, learnRuns: 3, lowFlowStops: false,
    }
    return c
}

/** The key paths that lead from home to every screen (Vietnamese day keys, 3 zones). */
const PATHS: { screen: string; keys: string; pin?: boolean; fert?: boolean; program?: boolean }[] = [
    { screen: "home", keys: "" },
    { screen: "msg", keys: "A215##" },
    { screen: "menu", keys: "C" },
    { screen: "pin", keys: "3", pin: true },
    { screen: "wzone", keys: "A" },
    { screen: "wmin", keys: "A2" },
    { screen: "wok", keys: "A215#" },
    { screen: "wprod", keys: "A215#B", fert: true },
    { screen: "wml", keys: "A215#B#", fert: true },
    { screen: "pause", keys: "B" },
    { screen: "ask", keys: "C83" },
    { screen: "progs", keys: "C3" },
    { screen: "pact", keys: "C31", program: true },
    { screen: "edays", keys: "C32" },
    { screen: "estart", keys: "C322#" },
    { screen: "ezone", keys: "C322#0530#" },
    { screen: "ebudget", keys: "C322#0530#20###" },
    { screen: "esave", keys: "C322#0530#20####" },
    { screen: "sensors", keys: "4" },
    { screen: "alarms", keys: "5" },
    { screen: "clock", keys: "6" },
    { screen: "lang", keys: "7" },
    { screen: "settings", keys: "8" },
    { screen: "sbudget", keys: "81" },
    { screen: "srain", keys: "82" },
    { screen: "spin", keys: "84" },
]

for (const { lang, name } of LANGS) {
    describe(`farmer tasks on the keypad, in ${name}`, () => {
        it(`waters zone 2 for 15 minutes now in ${BUDGET.water} keys or fewer; zone 2's valve opens, then the pump after its delays`, () => {
            const b = new Bench(config(), MON_0600, lang)
            b.press("A215##")
            expect(b.keys).toBeLessThanOrEqual(BUDGET.water)
            // The confirmation showed what would run before the last "#".
            expect(b.frames[b.frames.length - 2].join("|")).toContain(lang === EN ? "Z2: 15 min" : "K2: 15 phut")
            b.wait(30)
            const r = b.rig
            const valveOn = r.firstWhen(o => o.valves[1])
            const pumpOn = r.firstWhen(o => o.pump)
            expect(valveOn).toBeGreaterThanOrEqual(0)
            expect(pumpOn - valveOn).toBe(3 + 5) // valve opening time + pump start delay
            expect(r.outputs.every(x => !x.out.valves[0] && !x.out.valves[2])).toBe(true)
            const queued = r.events.filter(e => e.kind === "runQueued")
            expect(queued).toEqual([expect.objectContaining({ zone: 1, value: 900, cause: "keypad" })])
            b.wait(900)
            const end = r.events.find(e => e.kind === "runEnd")
            expect(end).toMatchObject({ zone: 1, value: 900, cause: "keypad", reason: "done" })
        })

        it(`stops everything in ${BUDGET.stop} keys or fewer from every screen of the menu, without a PIN`, () => {
            const seen: string[] = []
            for (const p of PATHS) {
                const b = new Bench(p.fert ? fertConfig() : config(), MON_0600, lang)
                const ctl = b.rig.ctl
                if (p.program) ctl.command({ k: "saveProgram", program: program() }, "remote")
                if (p.pin) ctl.command({ k: "setPin", pin: 4321, on: true }, "remote")
                ctl.command({ k: "run", zone: 0, seconds: 1800 }, "remote")
                b.wait(20)
                expect(b.rig.outputs[b.rig.outputs.length - 1].out.pump).toBe(true)
                b.press(p.keys)
                expect(b.screen(), `path ${p.keys}`).toBe(p.screen)
                seen.push(b.screen())
                const before = b.keys
                b.press("D")
                expect(b.keys - before).toBeLessThanOrEqual(BUDGET.stop)
                b.wait(15)
                const last = b.rig.outputs[b.rig.outputs.length - 1].out
                expect(last.valves.some(v => v) || last.pump, `after stop from ${p.screen}`).toBe(false)
                expect(ctl.jobs.length).toBe(0)
                expect(b.rig.events.filter(e => e.kind === "stopAll").map(e => e.cause)).toEqual(["keypad"])
            }
            expect([...seen].sort()).toEqual(SCREEN_LIST.split(" ").sort())
        })

        it(`adds a 05:30 start on Monday, Wednesday and Friday with zone 1 for 20 minutes in ${BUDGET.program} keys or fewer; it fires Monday 05:30, not Tuesday`, () => {
            const b = new Bench(config(), SUN_2000, lang)
            const days = lang === EN ? "135" : "246" // Mon Wed Fri: 1 3 5 in English, thu 2 4 6 in Vietnamese
            b.press("C31" + days + "#" + "0530#" + "20###" + "#" + "#")
            expect(b.keys).toBeLessThanOrEqual(BUDGET.program)
            const ctl = b.rig.ctl
            expect(ctl.programs[0]).toMatchObject({ id: 1, enabled: true, dayMode: 0, weekdays: 1 | 4 | 16, startsMin: [330], zoneS: [1200, 0, 0], budgetPct: 100 })
            expect(b.rig.store.p1).toBeTruthy() // persisted
            expect(b.rig.events.find(e => e.kind === "programSaved")).toMatchObject({ cause: "keypad", program: 1 })
            // Sunday 20:00 -> Monday 05:29, then minute by minute past 05:30.
            const monStart = vnTime(2026, 11, 23, 5, 30)
            b.rig.run(monStart - 60 - b.rig.wall)
            b.wait(180)
            const opened = b.rig.events.filter(e => e.kind === "valveOpen")
            expect(opened.length).toBe(1)
            expect(opened[0]).toMatchObject({ zone: 0, program: 1, cause: "schedule", t: monStart })
            // Through all of Tuesday: nothing more is queued.
            const tueEnd = vnTime(2026, 11, 25, 0, 0)
            b.rig.run(tueEnd - b.rig.wall)
            const queued = b.rig.events.filter(e => e.kind === "runQueued")
            expect(queued.every(e => e.t < vnTime(2026, 11, 24, 0, 0))).toBe(true)
            expect(b.rig.events.filter(e => e.kind === "valveOpen").length).toBe(1)
        })

        it(`acknowledges an alarm in ${BUDGET.ack} keys or fewer (C 5 #), or 2 from home (# #)`, () => {
            for (const keys of ["C5#", "##"]) {
                const b = new Bench(config(), MON_0600, lang)
                b.rig.soil[0] = null // probe of zone 1 disconnected
                b.wait(3)
                expect(b.rig.ctl.alarms.items.length).toBe(1)
                expect(b.text()).toContain("!1")
                b.press(keys)
                expect(b.keys).toBeLessThanOrEqual(BUDGET.ack)
                expect(b.rig.ctl.alarms.items.length).toBe(0)
                expect(b.rig.events.filter(e => e.kind === "alarmAck")).toEqual([expect.objectContaining({ cause: "keypad" })])
            }
        })
    })
}
