// The connected box's small keypad panel (firmware/core/menu/mini.ts): the farmer tasks it
// keeps, in both languages, with their key counts measured and bounded, and properties over
// random key sequences. Invariants: watering a zone takes at most 5 keys and starts only after
// a "#" on a screen showing that zone and those minutes; stop-all is one key from every
// screen and closes every valve; acknowledging the newest alarm takes at most 3 keys and shows
// its text first; a refused command shows the core's error; the display is always rows x
// cols of printable ASCII; the panel never throws and goes home when left alone.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as full from "../../firmware/core/menu/menu"
import { FLASH_S, KEYS, LINK_DOWN, LINK_NONE, LINK_UP, MINI_SCREENS, MiniMenu, STOP_KEY } from "../../firmware/core/menu/mini"
import { errorText, T, texts } from "../../firmware/core/menu/text"
import { CoreConfig } from "../../firmware/core/types"
import { config, program, Rig, vnTime } from "../core/fixtures"
import { EN, LANGS, VI } from "./bench"

// Monday 2026-11-23 06:00 local: normal tariff band, no peak for hours.
const MON_0600 = vnTime(2026, 11, 23, 6, 0)
const BUDGET = { water: 5, stop: 1, ack: 3 }

/** A Rig with the small panel on top, a key a second (like test/menu/bench.ts's Bench). */
class MiniBench {
    rig: Rig
    menu: MiniMenu
    keys = 0
    frames: string[][] = []
    sent: any[] = []

    constructor(cfg: CoreConfig, wall: number, lang: number, rows = 4, cols = 20) {
        this.rig = new Rig(cfg, wall)
        this.rig.step()
        if (lang !== 0) this.rig.ctl.command({ k: "setLang", lang }, "system")
        this.menu = new MiniMenu(this.rig.ctl, rows, cols)
        this.menu.send = cmd => {
            this.sent.push(cmd)
            return this.rig.ctl.command(cmd, "keypad")
        }
        this.menu.tick(this.rig.mono, this.rig.wall)
    }

    press(keys: string): this {
        for (const k of keys) {
            if (KEYS.indexOf(k) < 0) throw new Error("not a keypad key: " + k)
            this.menu.press(k, this.rig.mono, this.rig.wall)
            this.keys++
            this.frames.push(this.menu.render())
            expect(this.menu.takeActions()).toEqual([])
            this.rig.run(1)
            this.menu.tick(this.rig.mono, this.rig.wall)
        }
        return this
    }

    wait(seconds: number): this {
        for (let i = 0; i < seconds; i++) {
            this.rig.run(1)
            this.menu.tick(this.rig.mono, this.rig.wall)
        }
        return this
    }

    text(): string {
        return this.menu.render().join("\n")
    }

    last(): { valves: boolean[]; pump: boolean } {
        return this.rig.outputs[this.rig.outputs.length - 1].out
    }
}

function zones(n: number): CoreConfig {
    return config({ zones: Array.from({ length: n }, (_, z) => ({ name: "Lo " + (z + 1), maxRunS: 7200, flowLpm: 40, sensor: -1, targetTenths: 300 })) })
}

describe("MiniMenu surface", () => {
    it("uses the full menu's keys and link states (panel.ts and the terminal UI treat both alike)", () => {
        expect([KEYS, STOP_KEY, LINK_NONE, LINK_UP, LINK_DOWN]).toEqual([full.KEYS, full.STOP_KEY, full.LINK_NONE, full.LINK_UP, full.LINK_DOWN])
    })

    it("does not import menu.ts (the connected image must not carry the full menu)", async () => {
        const fs = await import("node:fs")
        const src = fs.readFileSync("firmware/core/menu/mini.ts", "utf8")
        expect(src).not.toMatch(/^import (?!type)[^\n]*from "\.\/menu"/m)
    })
})

for (const { lang, name } of LANGS) {
    const t = texts(lang)
    describe(`MiniMenu farmer tasks, in ${name}`, () => {
        it(`waters zone 2 for 15 minutes in ${BUDGET.water} keys or fewer (2 1 5 #), after a screen showing zone and minutes`, () => {
            for (const keys of ["215#", "A215#"]) {
                const b = new MiniBench(config(), MON_0600, lang)
                b.press(keys)
                expect(b.keys).toBeLessThanOrEqual(BUDGET.water)
                console.log(`[mini] water zone 2 for 15 min (${name}): ${keys} = ${b.keys} keys`)
                expect(b.frames[b.frames.length - 2][1]).toContain(lang === EN ? "Z2 Minutes: 15_" : "K2 So phut: 15_")
                expect(b.menu.screen).toBe("home")
                expect(b.text()).toContain(t[T.Started])
                expect(b.sent).toEqual([{ k: "run", zone: 1, seconds: 900 }])
                b.wait(20)
                expect(b.last().valves).toEqual([false, true, false])
                expect(b.text()).toContain((lang === EN ? "Water Z2 " : "Tuoi K2 ") + "15 " + t[T.Min])
                expect(b.rig.events.filter(e => e.kind === "runQueued")).toEqual([expect.objectContaining({ zone: 1, value: 900, cause: "keypad" })])
            }
        })

        it("takes a two-digit zone on a 12-zone box as soon as it is unambiguous, and '#' for zone 1", () => {
            const b = new MiniBench(zones(12), MON_0600, lang)
            b.press("12")
            expect(b.menu.screen).toBe("wmin")
            expect(b.menu.zone).toBe(11)
            b.press("*")
            expect(b.menu.screen).toBe("wzone")
            b.press("1#5#")
            expect(b.sent).toEqual([{ k: "run", zone: 0, seconds: 300 }])
            const c = new MiniBench(zones(12), MON_0600, lang)
            c.press("13")
            expect(c.menu.screen).toBe("wzone")
            expect(c.text()).toContain(t[T.NoSuchZone] + " 13")
        })

        it("'*' clears typed digits, then goes back a screen; a wrong zone or minutes is refused on the spot", () => {
            const b = new MiniBench(config(), MON_0600, lang)
            b.press("21")
            expect(b.text()).toContain("1_")
            b.press("*")
            expect(b.menu.screen).toBe("wmin")
            expect(b.text()).not.toContain("1_")
            b.press("*")
            expect(b.menu.screen).toBe("wzone")
            b.press("*")
            expect(b.menu.screen).toBe("home")
            b.press("4") // 3 zones
            expect(b.text()).toContain(t[T.NoSuchZone] + " 4")
            b.press("2999#")
            expect(b.text()).toContain(t[T.MinutesRange])
            b.press("0#")
            expect(b.text()).toContain(t[T.MinutesRange])
            expect(b.sent).toEqual([])
            expect(b.rig.outputs.every(o => !o.out.valves.some(v => v))).toBe(true)
        })

        it("shows the core's error when it refuses the run, and opens nothing", () => {
            const b = new MiniBench(config(), MON_0600, lang)
            b.rig.ctl.command({ k: "standby", on: true }, "remote")
            b.press("215#")
            expect(b.text()).toContain(errorText(lang, "standby"))
            b.wait(20)
            expect(b.rig.outputs.every(o => !o.out.valves.some(v => v))).toBe(true)
        })

        it(`stops everything in ${BUDGET.stop} key from every screen, without a PIN, even with a PIN set`, () => {
            const paths: Record<string, string> = { home: "", wzone: "A", wmin: "2", alarms: "#" }
            expect(Object.keys(paths).sort()).toEqual(MINI_SCREENS.split(" ").sort())
            for (const [screen, keys] of Object.entries(paths)) {
                const b = new MiniBench(config(), MON_0600, lang)
                b.rig.ctl.command({ k: "setPin", pin: 4321, on: true }, "remote")
                b.rig.ctl.command({ k: "run", zone: 0, seconds: 1800 }, "remote")
                b.wait(20)
                expect(b.last().pump).toBe(true)
                b.press(keys)
                expect(b.menu.screen).toBe(screen)
                const before = b.keys
                b.press(STOP_KEY)
                expect(b.keys - before).toBe(BUDGET.stop)
                expect(b.text()).toContain(t[T.Stopped1])
                b.wait(15)
                expect(b.last().valves.some(v => v) || b.last().pump, `after stop from ${screen}`).toBe(false)
                expect(b.rig.ctl.jobs.length).toBe(0)
                expect(b.rig.events.filter(e => e.kind === "stopAll").map(e => e.cause)).toEqual(["keypad"])
            }
        })

        it(`acknowledges the newest alarm in ${BUDGET.ack} keys or fewer (# #), showing its text first`, () => {
            for (const keys of ["##", "C#"]) {
                const b = new MiniBench(config(), MON_0600, lang)
                b.rig.soil[0] = null // probe of zone 1 disconnected
                b.wait(3)
                expect(b.text()).toContain("!1")
                b.press(keys)
                expect(b.keys).toBeLessThanOrEqual(BUDGET.ack)
                console.log(`[mini] acknowledge the newest alarm (${name}): ${keys} = ${b.keys} keys`)
                expect(b.frames[0].join("\n")).toContain(t[T.AlarmNames0] + " #1")
                expect(b.rig.ctl.alarms.items.length).toBe(0)
                expect(b.text()).toContain(t[T.NoAlarms])
                expect(b.text()).toContain(t[T.Acked])
                expect(b.rig.events.filter(e => e.kind === "alarmAck")).toEqual([expect.objectContaining({ cause: "keypad" })])
            }
        })

        it("home shows clock, link, alarm count, next start, paused, rain delay and standby; it returns home when left alone", () => {
            const b = new MiniBench(config(), MON_0600, lang)
            b.rig.ctl.command({ k: "saveProgram", program: program({ startsMin: [17 * 60 + 30] }) }, "remote")
            b.menu.link = LINK_UP
            b.wait(1)
            let s = b.text()
            expect(s).toContain(t[T.Days0] + " 06:0")
            expect(s).toContain(t[T.LinkUp])
            expect(s).toContain(t[T.Idle])
            expect(s).toContain(t[T.Next] + " " + t[T.Days0] + " 17:30 " + t[T.ProgShort] + "1")
            b.rig.ctl.command({ k: "pause", seconds: 0 }, "remote")
            b.wait(1)
            expect(b.text()).toContain(t[T.Paused])
            b.rig.ctl.command({ k: "resume" }, "remote")
            b.rig.ctl.command({ k: "rainDelay", hours: 24 }, "remote")
            b.menu.link = LINK_DOWN
            b.wait(1)
            s = b.text()
            expect(s).toContain(t[T.RainUntil] + " " + t[T.Days1] + " 06:0")
            expect(s).toContain(t[T.LinkDown])
            b.rig.ctl.command({ k: "standby", on: true }, "remote")
            b.wait(1)
            expect(b.text()).toContain(t[T.Standby])
            b.press("2")
            expect(b.menu.screen).toBe("wmin")
            b.wait(b.menu.timeoutS - 2)
            expect(b.menu.screen).toBe("wmin")
            b.wait(2)
            expect(b.menu.screen).toBe("home")
        })

        it("fits a 16x2 display: the start key and the zone stay visible, home keeps clock and state", () => {
            const b = new MiniBench(config(), MON_0600, lang, 2, 16)
            b.menu.link = LINK_UP
            b.rig.soil[0] = null
            b.wait(3)
            expect(b.menu.render()[0]).toMatch(/!1$/)
            b.press("215")
            expect(b.menu.render()[0]).toContain(lang === EN ? "Z2 Minutes: 15_" : "K2 So phut: 15_")
            expect(b.menu.render()[1]).toContain(t[T.StartHint].slice(0, 8))
            // The result covers the state line for FLASH_S seconds, then the run shows.
            b.press("#")
            expect(b.menu.render()[1].trim()).toBe(t[T.Started])
            b.wait(FLASH_S)
            expect(b.menu.render()[1]).toContain(t[T.ZoneShort] + "2 15 " + t[T.Min])
            // Short of room, the top line drops the weekday, never the time or the alarm count.
            expect(b.menu.render()[0]).toMatch(/^06:0[0-9] +4G:\w+ !1$/)
        })
    })
}

// ---------------------------------------------------------------- properties

const RUNS = Number(process.env.MENU_PROPERTY_RUNS ?? 300)
const SEED = Number(process.env.PROPERTY_SEED ?? 20261123)

interface Case {
    zones: number
    rows: number
    cols: number
    lang: number
    start: number
    program: boolean
    alarm: boolean
    presses: { key: string; gap: number }[]
}

const FRAGMENTS = ["215#", "A310#", "##", "C#", "12#", "1#", "#", "*", "**", "999#", "0#"]
const keyArb = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(..."0123456789".split("")) },
    { weight: 4, arbitrary: fc.constant("#") },
    { weight: 2, arbitrary: fc.constant("*") },
    { weight: 3, arbitrary: fc.constantFrom("A", "B", "C") },
    { weight: 1, arbitrary: fc.constant("D") },
    { weight: 1, arbitrary: fc.constantFrom("x", "", "##", "E") }, // not keys: ignored
    { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
)
const caseArb: fc.Arbitrary<Case> = fc.record({
    zones: fc.integer({ min: 1, max: 16 }),
    rows: fc.constantFrom(1, 2, 3, 4),
    cols: fc.constantFrom(16, 20),
    lang: fc.constantFrom(VI, EN),
    start: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 7 * 86400 - 1 })),
    program: fc.boolean(),
    alarm: fc.boolean(),
    presses: fc.array(fc.record({ key: keyArb, gap: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 30, max: 90 }) }) }), { minLength: 1, maxLength: 80 }),
})

interface Verdicts {
    throws: string
    display: string
    stop: string
    unconfirmedRun: string
    inactivity: string
    runs: number
    screens: string[]
}

function printable(line: string): boolean {
    for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i)
        if (c < 32 || c > 126) return false
    }
    return true
}

function runCase(c: Case): Verdicts {
    const v: Verdicts = { throws: "", display: "", stop: "", unconfirmedRun: "", inactivity: "", runs: 0, screens: [] }
    try {
        const rig = new Rig(zones(c.zones), c.start < 0 ? 0 : vnTime(2026, 11, 23, 0, 0) + c.start)
        const ctl = rig.ctl
        if (c.lang !== 0) ctl.command({ k: "setLang", lang: c.lang }, "system")
        if (c.program) ctl.command({ k: "saveProgram", program: program({ zoneS: Array.from({ length: c.zones }, (_, z) => (z === 0 ? 600 : 0)), startsMin: [60, 600, 1200] }) }, "system")
        if (c.alarm) rig.soil[0] = null
        const menu = new MiniMenu(ctl, c.rows, c.cols)
        let shown: string[] = menu.render()
        // Zones for which a run was sent, each after a frame that showed the zone and minutes.
        const confirmed = new Set<number>()
        let lastKey = 0
        menu.send = cmd => {
            if (cmd.k === "run") {
                v.runs++
                const zs = (c.lang === EN ? "Z" : "K") + (cmd.zone + 1) + " "
                const mins = String(cmd.seconds / 60)
                const seen = shown.join("|")
                if (menu.screen !== "wmin" || !seen.includes(zs) || !seen.includes(mins)) v.unconfirmedRun ||= `run ${JSON.stringify(cmd)} sent from "${menu.screen}" after the frame ${JSON.stringify(shown)}`
                confirmed.add(cmd.zone)
            }
            return ctl.command(cmd, "keypad")
        }
        const look = (when: string) => {
            const lines = menu.render()
            shown = lines
            if (v.display !== "") return
            if (lines.length !== c.rows) v.display = `${when}: ${lines.length} rows on a ${c.rows}-row display`
            for (const l of lines) if (l.length !== c.cols || !printable(l)) v.display = `${when}: line ${JSON.stringify(l)} on a ${c.cols}-column display`
        }
        const second = () => {
            rig.mono++
            if (rig.wall > 0) rig.wall++
            const out = rig.step()
            menu.tick(rig.mono, rig.wall)
            look(`tick ${rig.mono} on ${menu.screen}`)
            const st = ctl.status()
            out.valves.forEach((on, z) => {
                if (on && st.zones[z].cause !== "schedule" && !confirmed.has(z)) v.unconfirmedRun ||= `t=${rig.mono}: zone ${z} valve on (cause "${st.zones[z].cause}") without a confirmed run`
            })
            if (menu.screen !== "home" && rig.mono - lastKey > menu.timeoutS + 1) v.inactivity ||= `still on "${menu.screen}" ${rig.mono - lastKey} s after the last key`
        }
        rig.step()
        menu.tick(rig.mono, rig.wall)
        for (const p of c.presses) {
            const keys = p.key.length > 1 && FRAGMENTS.indexOf(p.key) >= 0 ? p.key.split("") : [p.key]
            keys.forEach((k, i) => {
                if (i > 0) second()
                menu.press(k, rig.mono, rig.wall)
                if (k.length === 1 && KEYS.indexOf(k) >= 0) lastKey = rig.mono
                if (v.screens.indexOf(menu.screen) < 0) v.screens.push(menu.screen)
                look(`after key ${k} on ${menu.screen}`)
            })
            for (let s = 0; s <= p.gap; s++) second()
        }
        // Stop from wherever the sequence left the panel: one key, every valve closes.
        const from = menu.screen
        const before = rig.events.filter(e => e.kind === "stopAll").length
        menu.press(STOP_KEY, rig.mono, rig.wall)
        lastKey = rig.mono
        look("after stop")
        for (let s = 0; s < 20; s++) second()
        const out = rig.outputs[rig.outputs.length - 1].out
        if (rig.events.filter(e => e.kind === "stopAll" && e.cause === "keypad").length !== before + 1) v.stop = `no keypad stopAll after D on "${from}"`
        else if (out.valves.some(x => x) || out.pump || ctl.jobs.length > 0) v.stop = `after D on "${from}": valves ${out.valves}, pump ${out.pump}, ${ctl.jobs.length} jobs`
        for (let s = 0; s < menu.timeoutS + 2; s++) second()
        if (menu.screen !== "home") v.inactivity ||= `still on "${menu.screen}" after ${menu.timeoutS + 2} idle seconds`
    } catch (e) {
        v.throws = String(e instanceof Error ? e.stack : e)
    }
    return v
}

const cache = new Map<string, Verdicts>()
function verdicts(c: Case): Verdicts {
    const key = JSON.stringify(c)
    let v = cache.get(key)
    if (!v) {
        v = runCase(c)
        cache.set(key, v)
    }
    return v
}

function holds(invariant: "throws" | "display" | "stop" | "unconfirmedRun" | "inactivity") {
    fc.assert(
        fc.property(caseArb, c => {
            const v = verdicts(c)
            if (invariant !== "throws" && v.throws !== "") throw new Error("threw: " + v.throws)
            if (v[invariant] !== "") throw new Error(v[invariant])
        }),
        { numRuns: RUNS, seed: SEED },
    )
}

describe(`MiniMenu over ${RUNS} random key sequences`, () => {
    it("never throws, on any key sequence at any pace, on 1-4 row displays", () => holds("throws"))
    it("always renders exactly rows x cols characters of printable ASCII", () => holds("display"))
    it("STOP (D) from any reachable screen sends stopAll and every valve and the pump end up off", () => holds("stop"))
    it("no valve opens except through a run the user confirmed with '#' on a screen showing its zone and minutes", () => holds("unconfirmedRun"))
    it("returns home after the idle timeout", () => holds("inactivity"))
    it("the random sequences reach every screen and start runs", () => {
        const all = [...cache.values()]
        expect(all.length).toBeGreaterThanOrEqual(RUNS)
        const screens = new Set(all.flatMap(v => v.screens))
        expect([...screens].sort()).toEqual(MINI_SCREENS.split(" ").sort())
        expect(all.filter(v => v.runs > 0).length / all.length).toBeGreaterThan(0.3)
    })
})
