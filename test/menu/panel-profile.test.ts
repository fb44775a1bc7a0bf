// The installation profile's "panel" key (keypad and LCD wiring) and the text tables.
// Invariants: the shipped profiles' panels parse, do not collide with any other pin of the
// box, and equal what the firmware assumes until the build generates them; every mistake is
// named by its path; both languages have every text, in the same order.
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseProfile } from "../../firmware/core/profile"
import { defaultPanel, isBackpackAddress, panelPinConflicts, parsePanel } from "../../firmware/core/menu/panel-profile"
import { EN_TEXT, errorText, T, text, texts, VI_TEXT, wordIndex, splitAt } from "../../firmware/core/menu/text"

const PROFILES = ["devicescript.json", "firmware/profiles/esp32s3-8zone.json"]

describe("panel profile", () => {
    for (const file of PROFILES) {
        it(`${file}: the panel parses, uses free pins, and matches defaultPanel(board)`, () => {
            const json = JSON.parse(readFileSync(file, "utf8"))
            const r = parsePanel(json)
            expect(r.errors).toEqual([])
            expect(r.panel).toEqual(defaultPanel(json.board))
            const prof = parseProfile(json)
            expect(prof.errors).toEqual([])
            expect(panelPinConflicts(r.panel!, prof.profile!.hardware)).toEqual([])
        })
    }

    it("a profile without a panel is a box without keypad and display", () => {
        expect(parsePanel({ name: "x" })).toEqual({ panel: null, errors: [] })
    })

    it("names every mistake by its path", () => {
        const r = parsePanel({ panel: { rows: [1, 2, 3], cols: [4, 5, 6, 4], lcdAddress: 0x50, lcdCols: 40, lcdRows: 4, timeoutS: 5 } })
        expect(r.panel).toBeNull()
        expect(r.errors.join("\n")).toContain("panel.rows: must be a list of 4 GPIO numbers")
        expect(r.errors.join("\n")).toContain("panel: GPIO4 is used twice")
        expect(r.errors.join("\n")).toContain("panel.lcdAddress")
        expect(r.errors.join("\n")).toContain("panel.lcdCols: an HD44780 shows at most 80 characters")
        expect(r.errors.join("\n")).toContain("panel.timeoutS")
        expect(parsePanel({ panel: [] }).errors).toEqual(["panel: must be an object"])
    })

    it("finds pins another output already uses", () => {
        const json = JSON.parse(readFileSync("devicescript.json", "utf8"))
        const hw = parseProfile(json).profile!.hardware
        const bad = { ...defaultPanel("esp32_devkit_c"), rows: [23, 5, 16, 17] }
        expect(panelPinConflicts(bad, hw)).toEqual(["panel.rows[0]: GPIO23 is already used by pins.pump"])
    })

    it("knows the PCF8574 (0x20-0x27) and PCF8574A (0x38-0x3F) addresses", () => {
        expect([0x27, 0x3f, 0x20, 0x38].every(isBackpackAddress)).toBe(true)
        expect([0x1f, 0x28, 0x37, 0x40, 0x68].some(isBackpackAddress)).toBe(false)
    })
})

describe("text tables", () => {
    const names = (block: string) => splitAt(block, "\n").map(l => l.slice(0, l.indexOf("=")))
    it("have every text in both languages, in the order of T", () => {
        expect(names(VI_TEXT)).toEqual(names(EN_TEXT))
        expect(names(VI_TEXT).length).toBe(T.Count)
        expect(texts(0)[T.Watering]).toBe("Tuoi")
        expect(texts(1)[T.Watering]).toBe("Water")
        expect(texts(0)[T.Err0]).toBe(errorText(0, "standby"))
    })

    it("are plain printable ASCII (the LCD has no Vietnamese letters)", () => {
        for (const t of [...texts(0), ...texts(1)]) expect(t).toMatch(/^[\x20-\x7e]*$/)
    })

    it("keep the lines a 16x2 display must show whole within 16 characters", () => {
        const must = [T.StartHint, T.YesNo, T.Stopped1, T.Stopped2, T.PinWrong, T.NoSuchZone, T.MinutesRange, T.PauseZero, T.DayLegend, T.NoDay, T.NoStart, T.BudgetNote, T.RainNote]
        for (const lang of [0, 1]) for (const i of must) expect(texts(lang)[i].length, texts(lang)[i]).toBeLessThanOrEqual(16)
    })

    it("give the same text one at a time (text(), what the firmware uses to save heap) as split whole", () => {
        for (const lang of [0, 1]) {
            const all = texts(lang)
            // Out of order, twice each: the lookup caches what it found.
            for (const i of [...all.keys()].reverse().concat([...all.keys()])) expect(text(lang, i), `${lang}/${i}`).toBe(all[i])
            expect(text(lang, all.length)).toBe("")
            expect(text(lang, -1)).toBe("")
        }
    })

    it("turn error codes into words, and leave unknown codes as they are", () => {
        expect(errorText(0, "no_clock")).toBe("Chua dat gio")
        expect(errorText(1, "no_clock")).toBe("Clock not set")
        expect(errorText(1, "weird_code")).toBe("weird_code")
        expect(wordIndex("a bb c", "c")).toBe(2)
    })
})
