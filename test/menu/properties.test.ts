// Properties of the keypad menu over random key sequences with random pauses between keys,
// on random installations, display sizes and languages, with and without a PIN, with the
// clock known or not. The controller steps every second; the test acts as the shell (it
// applies the menu's "set clock" actions). Each property names its invariant; one run per
// generated sequence is judged for all of them and memoised, so the properties share it.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { KEYS, Menu } from "../../firmware/core/menu/menu"
import { decodeProgram } from "../../firmware/core/persist"
import { programError } from "../../firmware/core/program"
import { MAX_PROGRAMS } from "../../firmware/core/types"
import { config, program, vnTime } from "../core/fixtures"

const RUNS = Number(process.env.MENU_PROPERTY_RUNS ?? 300)
const SEED = Number(process.env.PROPERTY_SEED ?? 20261123)

interface Press {
    key: string
    /** Seconds until the next key. */
    gap: number
}

interface Case {
    zones: number
    rows: number
    cols: number
    lang: number
    pin: boolean
    /** Seconds after Monday 2026-11-23 00:00 local, or -1 = clock unknown. */
    start: number
    program: boolean
    presses: Press[]
}

interface Verdicts {
    throws: string
    invalidProgram: string
    valveOutsideRun: string
    display: string
    inactivity: string
    keysAccepted: number
    valveOpened: boolean
    programSaved: boolean
}

// Keys weighted like a person poking at the box: digits, OK and back often, stop rarely.
const keyArb = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(..."0123456789".split("")) },
    { weight: 4, arbitrary: fc.constant("#") },
    { weight: 2, arbitrary: fc.constant("*") },
    { weight: 3, arbitrary: fc.constantFrom("A", "B", "C") },
    { weight: 1, arbitrary: fc.constant("D") },
    { weight: 1, arbitrary: fc.constantFrom("x", "", "##", "E") }, // not keys: ignored
)
// Fragments of real tasks, so random sequences also get deep into the menu (and then wander
// off: a fragment may start on any screen).
const FRAGMENTS = ["A215##", "C31246#0530#20####", "C32135#1730#5#5#", "A1", "C3", "C31", "246#", "135#", "0530#", "20###", "####", "B#", "B", "##", "C5#", "6", "202611230530#", "84", "1234", "81", "C83#", "72", "71", "9"]
const pressKeyArb = fc.oneof({ weight: 6, arbitrary: keyArb }, { weight: 1, arbitrary: fc.constantFrom(...FRAGMENTS) })
const gapArb = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 30, max: 200 }) })

const caseArb: fc.Arbitrary<Case> = fc.record({
    zones: fc.integer({ min: 1, max: 12 }),
    rows: fc.constantFrom(2, 4),
    cols: fc.constantFrom(16, 20),
    lang: fc.constantFrom(0, 1),
    pin: fc.boolean(),
    start: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 7 * 86400 - 1 })),
    program: fc.boolean(),
    presses: fc.array(fc.record({ key: pressKeyArb, gap: gapArb }), { minLength: 1, maxLength: 160, size: "max" }),
})

function printable(line: string): boolean {
    for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i)
        if (c < 32 || c > 126) return false
    }
    return true
}

export function runCase(c: Case): Verdicts {
    const v: Verdicts = { throws: "", invalidProgram: "", valveOutsideRun: "", display: "", inactivity: "", keysAccepted: 0, valveOpened: false, programSaved: false }
    const cfg = config({ zones: Array.from({ length: c.zones }, (_, z) => ({ name: "Lo " + (z + 1), maxRunS: 7200, flowLpm: 40, sensor: z % 3 === 2 ? -1 : z, targetTenths: 300 })) })
    const ctl = new Controller(cfg)
    ctl.restore({})
    let mono = 0
    let wall = c.start < 0 ? 0 : vnTime(2026, 11, 23, 0, 0) + c.start
    const soil = cfg.zones.map(() => 250 as number | null)
    try {
        if (c.lang !== 0) ctl.command({ k: "setLang", lang: c.lang }, "system")
        if (c.pin) ctl.command({ k: "setPin", pin: 1234, on: true }, "system")
        if (c.program) ctl.command({ k: "saveProgram", program: program({ zoneS: cfg.zones.map((_, z) => (z === 0 ? 600 : 0)), weekdays: 127, startsMin: [60, 600, 1200] }) }, "system")
        const menu = new Menu(ctl, c.rows, c.cols)
        menu.send = cmd => {
            const r = ctl.command(cmd, "keypad")
            if (r.ok) v.keysAccepted++
            if (r.ok && cmd.k === "saveProgram") v.programSaved = true
            return r
        }
        let lastKey = 0
        const look = (when: string) => {
            if (v.display !== "") return
            const lines = menu.render()
            if (lines.length !== c.rows) v.display = `${when}: ${lines.length} rows on a ${c.rows}-row display`
            for (const l of lines) {
                if (l.length !== c.cols) v.display = `${when}: line "${l}" is ${l.length} characters on a ${c.cols}-column display`
                else if (!printable(l)) v.display = `${when}: line "${l}" has a character outside printable ASCII`
            }
        }
        const step = () => {
            const out = ctl.step({ monoS: mono, wallS: wall, soil })
            menu.tick(mono, wall)
            look(`tick ${mono} on ${menu.screen}`)
            const st = ctl.status()
            if (out.valves.some(x => x)) v.valveOpened = true
            for (let z = 0; z < out.valves.length; z++) {
                // A valve output is on only while the controller holds a run for that zone,
                // and that run came from the keypad or a program's schedule.
                const cause = st.zones[z].cause
                if (out.valves[z] && v.valveOutsideRun === "" && cause !== "keypad" && cause !== "schedule")
                    v.valveOutsideRun = `t=${mono}: zone ${z} valve on with run cause "${cause}" (state ${st.zones[z].state})`
            }
            for (let i = 0; i < MAX_PROGRAMS; i++) {
                const p = ctl.programs[i]
                if (p !== null && v.invalidProgram === "") {
                    const err = programError(p, c.zones)
                    if (err !== "" || p.id !== i + 1) v.invalidProgram = `program slot ${i + 1}: ${err || "id " + p.id}`
                }
            }
            for (const w of out.writes) {
                if (/^p[0-9]$/.test(w.key) && w.value !== "" && v.invalidProgram === "") {
                    const p = decodeProgram(w.value, c.zones)
                    if (p === null || programError(p, c.zones) !== "") v.invalidProgram = `flash record ${w.key}=${w.value} does not decode to a valid program`
                }
            }
            if (menu.screen !== "home" && mono - lastKey > menu.timeoutS + menu.msgS + 1 && v.inactivity === "")
                v.inactivity = `still on "${menu.screen}" ${mono - lastKey} s after the last key`
        }
        step()
        for (const p of c.presses) {
            // A fragment is typed a key a second; a single "key" may be no key at all.
            const keys = p.key.length > 1 && FRAGMENTS.indexOf(p.key) >= 0 ? p.key.split("") : [p.key]
            for (let i = 0; i < keys.length; i++) {
                if (i > 0) {
                    mono++
                    if (wall > 0) wall++
                    step()
                }
                menu.press(keys[i], mono, wall)
                if (KEYS.indexOf(keys[i]) >= 0 && keys[i].length === 1) lastKey = mono
                look(`after key ${keys[i]} on ${menu.screen}`)
                for (const a of menu.takeActions()) if (a.a === "setClock") wall = a.utcS
            }
            for (let s = 0; s < p.gap + 1; s++) {
                mono++
                if (wall > 0) wall++
                step()
            }
        }
        // Leave the box alone: it must come home.
        for (let s = 0; s < menu.timeoutS + menu.msgS + 2; s++) {
            mono++
            if (wall > 0) wall++
            step()
        }
        if (menu.screen !== "home" && v.inactivity === "") v.inactivity = `still on "${menu.screen}" after ${menu.timeoutS + menu.msgS + 2} idle seconds`
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

function holds(invariant: keyof Verdicts) {
    fc.assert(
        fc.property(caseArb, c => {
            const v = verdicts(c)
            if (invariant !== "throws" && v.throws !== "") throw new Error("threw: " + v.throws)
            if (v[invariant] !== "") throw new Error(String(v[invariant]))
        }),
        { numRuns: RUNS, seed: SEED },
    )
}

describe(`keypad menu over ${RUNS} random key sequences`, () => {
    it("no key sequence, at any pace, makes the menu (or the controller behind it) throw", () => holds("throws"))
    it("no invalid program is ever stored or written to flash: every program passes programError", () => holds("invalidProgram"))
    it("no valve output is on outside a run: each open valve belongs to a keypad or scheduled run of that zone", () => holds("valveOutsideRun"))
    it("the display never shows more rows or characters than it has, and only printable ASCII", () => holds("display"))
    it("the display returns home after the idle timeout", () => holds("inactivity"))
    it("the random sequences reach the controller: commands accepted, valves opened, programs saved from the keypad", () => {
        const all = [...cache.values()]
        expect(all.length).toBeGreaterThanOrEqual(RUNS)
        const share = (f: (v: Verdicts) => boolean) => all.filter(f).length / all.length
        expect(share(v => v.keysAccepted > 0)).toBeGreaterThan(0.8)
        expect(share(v => v.valveOpened)).toBeGreaterThan(0.3)
        expect(share(v => v.programSaved)).toBeGreaterThan(0.05)
    })
})
