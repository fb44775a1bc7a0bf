// Example tests of the keypad menu: one behaviour each (PIN, typed numbers, timeouts, the
// clock, language, pause, programs, fertigation, peak warning, what the home screen shows).
import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { Menu } from "../../firmware/core/menu/menu"
import { parseProfile } from "../../firmware/core/profile"
import { CoreConfig } from "../../firmware/core/types"
import { config, program, vnTime } from "../core/fixtures"
import { Bench, EN, VI } from "./bench"

const MON_0600 = vnTime(2026, 11, 23, 6, 0)

function zones(n: number): CoreConfig {
    return config({ zones: Array.from({ length: n }, (_, z) => ({ name: "Tieu lo " + (z + 1), maxRunS: 7200, flowLpm: 40, sensor: z, targetTenths: 310 })) })
}

function spy(b: Bench): any[] {
    const sent: any[] = []
    b.menu.send = cmd => {
        sent.push(JSON.parse(JSON.stringify(cmd)))
        return b.rig.ctl.command(cmd, "keypad")
    }
    return sent
}

describe("PIN", () => {
    it("guards programs, clock and settings; a wrong PIN opens nothing; stop-all never asks for it", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.rig.ctl.command({ k: "setPin", pin: 4321, on: true }, "remote")
        for (const item of ["3", "6", "8"]) {
            b.press(item)
            expect(b.screen()).toBe("pin")
            b.press("*")
        }
        b.press("3").press("1111")
        expect(b.screen()).toBe("pin")
        expect(b.text()).toContain("Sai ma PIN")
        b.press("4321")
        expect(b.screen()).toBe("progs")
        // Water now, pause, sensors, alarms and language need no PIN.
        for (const item of ["1", "2", "4", "5", "7"]) {
            b.press("*").wait(61).press(item)
            expect(b.screen()).not.toBe("pin")
        }
    })

    it("five wrong PINs in a row lock the PIN screen for 5 minutes", () => {
        const b = new Bench(config(), MON_0600, EN)
        b.rig.ctl.command({ k: "setPin", pin: 4321, on: true }, "remote")
        b.press("8").press("0000".repeat(5))
        expect(b.text()).toContain("Locked")
        b.press("4321")
        expect(b.screen()).toBe("pin")
        b.wait(301).press("8").press("4321")
        expect(b.screen()).toBe("settings")
    })

    it("stays open while the farmer works and locks again after the idle timeout", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.rig.ctl.command({ k: "setPin", pin: 7, on: true }, "remote")
        b.press("8").press("0007")
        expect(b.screen()).toBe("settings")
        b.press("**").press("8")
        expect(b.screen()).toBe("settings")
        b.wait(61)
        expect(b.screen()).toBe("home")
        b.press("8")
        expect(b.screen()).toBe("pin")
    })

    it("is set, and switched off, from the settings with the keypad as source", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("84").press("2468#")
        expect(b.rig.ctl.settings).toMatchObject({ pin: 2468, pinOn: true })
        b.wait(70).press("8")
        expect(b.screen()).toBe("pin")
        b.press("2468").press("4").press("C")
        expect(b.rig.ctl.settings.pinOn).toBe(false)
        expect(b.rig.events.filter(e => e.kind === "pin").map(e => [e.cause, e.value])).toEqual([["keypad", 1], ["keypad", 0]])
    })
})

describe("numbers typed directly", () => {
    it("takes a zone number without # when no longer number starts with it (16 zones)", () => {
        const b = new Bench(zones(16), MON_0600, VI)
        b.press("A2")
        expect(b.screen()).toBe("wmin")
        expect(b.text()).toContain("K2 Tieu lo 2")
        b.press("*").press("1")
        expect(b.screen()).toBe("wzone") // 1, or 10..16?
        b.press("6")
        expect(b.text()).toContain("K16 Tieu lo 16")
        b.press("*").press("1#")
        expect(b.text()).toContain("K1 Tieu lo 1")
        b.press("*").press("9")
        expect(b.screen()).toBe("wmin") // 9 < 16 and 90 > 16
    })

    it("refuses a zone the box does not have and minutes outside 1-240 before the controller sees them", () => {
        const b = new Bench(zones(4), MON_0600, VI)
        const sent = spy(b)
        b.press("A9")
        expect(b.screen()).toBe("wzone")
        expect(b.text()).toContain("Khong co khu 9")
        b.press("3").press("300#")
        expect(b.screen()).toBe("wmin")
        expect(b.text()).toContain("1-240")
        b.press("0#")
        expect(b.screen()).toBe("wmin")
        expect(sent).toEqual([])
        b.press("45##")
        expect(sent).toEqual([{ k: "run", zone: 2, seconds: 2700 }])
    })

    it("keeps the last minutes as the default, so a repeat run is A, zone, #, #", () => {
        const b = new Bench(zones(4), MON_0600, EN)
        b.press("A215##").wait(5).press("D").wait(20)
        const sent = spy(b)
        b.press("A3##")
        expect(sent).toEqual([{ k: "run", zone: 2, seconds: 900 }])
    })
})

describe("messages", () => {
    it("end with any key; # and * only dismiss them, other keys act on the next screen", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("A110##")
        expect(b.screen()).toBe("msg")
        b.press("#")
        expect(b.screen()).toBe("home")
        b.press("D")
        expect(b.screen()).toBe("msg")
        b.press("A215##") // typed at once after the message: still waters zone 2
        expect(b.rig.events.filter(e => e.kind === "runQueued").map(e => e.zone)).toEqual([0, 1])
    })
})

describe("idle timeout", () => {
    it("returns home after 60 s without a key and drops an unsaved program", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("C31246#0530#")
        expect(b.screen()).toBe("ezone")
        b.wait(58) // the last key was a second ago
        expect(b.screen()).toBe("ezone")
        b.wait(2)
        expect(b.screen()).toBe("home")
        expect(b.rig.ctl.programs[0]).toBeNull()
        expect(Object.keys(b.rig.store).filter(k => k === "p1")).toEqual([])
    })
})

describe("clock", () => {
    it("is set by hand in local time and handed to the shell as UTC seconds", () => {
        const b = new Bench(config(), 0, VI)
        expect(b.text()).toContain("CHUA DAT GIO")
        b.press("6")
        expect(b.text()).toContain("2026-01-01 00:00")
        b.press("202611230530#")
        expect(b.frames.slice(-1)[0].join("|")).toContain("DA DAT GIO")
        const got = b.rig.wall
        expect(got).toBeGreaterThanOrEqual(vnTime(2026, 11, 23, 5, 30))
        expect(got).toBeLessThan(vnTime(2026, 11, 23, 5, 31))
        b.wait(5)
        expect(b.text()).toContain("T2 05:3")
    })

    it("refuses a date that does not exist", () => {
        const b = new Bench(config(), MON_0600, EN)
        const m: Menu = b.menu
        b.press("6").press("202602300700#")
        expect(b.screen()).toBe("clock")
        expect(b.text()).toContain("Bad date/time")
        expect(m.takeActions()).toEqual([])
    })

    it("moves the cursor with A and B to change only the minutes", () => {
        const b = new Bench(config(), MON_0600, EN)
        b.press("6").press("BBBBBBBBBB").press("45#")
        expect(b.rig.wall - vnTime(2026, 11, 23, 6, 45)).toBeLessThan(3)
    })
})

describe("language", () => {
    it("switches with 7 then 2 (English) or 1 (Vietnamese), persisted and recorded as a keypad event", () => {
        const b = new Bench(config(), MON_0600, VI)
        expect(b.text()).toContain("A:Tuoi C:Menu D:Dung")
        b.press("72").wait(4)
        expect(b.rig.ctl.settings.lang).toBe(1)
        expect(b.rig.store.set).toBeTruthy()
        expect(b.text()).toContain("A:Run C:Menu D:Stop")
        b.press("71")
        expect(b.rig.ctl.settings.lang).toBe(0)
        expect(b.rig.events.filter(e => e.kind === "lang").map(e => e.cause)).toEqual(["keypad", "keypad"])
    })
})

describe("pause and resume", () => {
    it("B pauses (0 hours = until resumed) and B # resumes", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("A110##").wait(20)
        b.press("B#")
        expect(b.rig.ctl.paused).toBe(true)
        b.wait(15)
        expect(b.text()).toContain("TAM DUNG")
        const o = b.rig.outputs[b.rig.outputs.length - 1].out
        expect(o.pump || o.valves.some(v => v)).toBe(false)
        b.press("B")
        expect(b.text()).toContain("Tiep tuc tuoi?")
        b.press("#").wait(15)
        expect(b.rig.ctl.paused).toBe(false)
        expect(b.rig.outputs[b.rig.outputs.length - 1].out.valves[0]).toBe(true)
        expect(b.rig.events.filter(e => e.kind === "pause" || e.kind === "resume").map(e => e.cause)).toEqual(["keypad", "keypad"])
    })

    it("pauses for a number of hours", () => {
        const b = new Bench(config(), MON_0600, EN)
        b.press("B3#")
        expect(b.rig.events.find(e => e.kind === "pause")).toMatchObject({ value: 3 * 3600, cause: "keypad" })
    })
})

describe("programs", () => {
    it("run now and delete ask first; on/off switches at once", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.rig.ctl.command({ k: "saveProgram", program: program({ zoneS: [60, 0, 0] }) }, "remote")
        b.press("C31")
        expect(b.screen()).toBe("pact")
        b.press("2")
        expect(b.text()).toContain("Tuoi ngay CT1?")
        expect(b.rig.ctl.jobs.length).toBe(0)
        b.press("#")
        expect(b.rig.ctl.jobs.length).toBe(1)
        expect(b.screen()).toBe("msg") // then home, where the run shows
        b.press("#").press("C31").press("3") // on/off
        expect(b.rig.ctl.programs[0]!.enabled).toBe(false)
        b.press("#").press("4")
        expect(b.rig.ctl.programs[0]).not.toBeNull()
        b.press("#")
        expect(b.rig.ctl.programs[0]).toBeNull()
        const kinds = ["runQueued", "programSaved", "programDeleted"]
        expect(b.rig.events.filter(e => kinds.includes(e.kind)).map(e => e.kind + ":" + e.cause)).toEqual([
            "programSaved:remote",
            "runQueued:keypad",
            "programSaved:keypad",
            "programDeleted:keypad",
        ])
    })

    it("editing keeps what the keypad does not show (cycle-and-soak, season, name)", () => {
        const b = new Bench(config(), MON_0600, VI)
        const p = program({ name: "Sang som", cycleS: 600, soakS: 900, seasonFrom: 1201, seasonTo: 430, zoneS: [600, 0, 0], startsMin: [330, 1080] })
        b.rig.ctl.command({ k: "saveProgram", program: p }, "remote")
        b.press("C311") // programs, slot 1, edit
        expect(b.screen()).toBe("edays")
        b.press("#").press("#") // days kept, starts kept
        b.press("#30#").press("##") // zone 1 kept, zone 2 30 min, zone 3 kept; budget kept
        expect(b.text()).toContain("K1:10 K2:30")
        b.press("#")
        expect(b.rig.ctl.programs[0]).toMatchObject({ name: "Sang som", cycleS: 600, soakS: 900, seasonFrom: 1201, seasonTo: 430, zoneS: [600, 1800, 0], startsMin: [330, 1080] })
    })

    it("takes up to four start times, sorted, and C clears one", () => {
        const b = new Bench(config(), MON_0600, EN)
        b.press("C32" + "9#" + "1730" + "0530" + "B" + "0600" + "C" + "#" + "5#####")
        expect(b.rig.ctl.programs[1]).toMatchObject({ weekdays: 127, startsMin: [330, 1050], zoneS: [300, 0, 0] })
    })

    it("every N days, odd or even days through C on the days page", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("C31" + "CCC" + "3#" + "0600#" + "10#####")
        expect(b.rig.ctl.programs[0]).toMatchObject({ dayMode: 1, intervalDays: 3, refDay: Math.floor((MON_0600 + 7 * 3600) / 86400) })
        b.wait(4) // the "saved" message gives way to the program list
        expect(b.screen()).toBe("progs")
        b.press("2" + "C#" + "0600#" + "10#####")
        expect(b.rig.ctl.programs[1]).toMatchObject({ dayMode: 2 }) // odd days
    })

    it("refuses to go on without a day or a start time, and the core refuses a program that waters no zone", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("C31#")
        expect(b.screen()).toBe("edays")
        expect(b.text()).toContain("Chua chon ngay")
        b.press("2#")
        b.press("#")
        expect(b.screen()).toBe("estart")
        expect(b.text()).toContain("Chua co gio")
        b.press("0530#").press("###").press("#").press("#") // all zones 0 min
        expect(b.text()).toContain("Chua co khu tuoi")
        expect(b.rig.ctl.programs[0]).toBeNull()
        expect(b.rig.store.p1).toBeUndefined()
        b.wait(4)
        expect(b.screen()).toBe("ezone")
    })
})

describe("water now", () => {
    it("shows fertigation as not available on a box without an injector", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("A215#")
        expect(b.text()).toContain("Phan bon: khong co")
        b.press("B")
        expect(b.screen()).toBe("wok")
    })

    it("with an injector and a flow meter, B adds a dose to the run", () => {
        const c: any = config()
        c.injector = { present: true, mlPerMin: 500, minFlushS: 120, minPrewetS: 90 }
        c.flow = { present: true }
        const b = new Bench(c, MON_0600, EN)
        const sent = spy(b)
        b.press("A215#")
        expect(b.text()).toContain("B:Fertilize: off")
        b.press("B3#250#")
        expect(b.text()).toContain("Fertilizer 3: 250ml")
        b.press("#")
        expect(sent[0]).toEqual({ k: "run", zone: 1, seconds: 900, dose: { product: 3, byVolume: true, amount: 250, prewetS: 90, flushS: 120, phiDays: 0 } })
    })

    it("on the default profile (injector and flow meter) the core accepts a dosed run from the keypad", () => {
        const cfg = parseProfile(JSON.parse(readFileSync("devicescript.json", "utf8"))).profile!.config
        const b = new Bench(cfg, MON_0600, VI)
        b.press("A215#")
        expect(b.text()).toContain("B:Phan bon: tat")
        b.press("B" + "2#" + "500#")
        expect(b.text()).toContain("Phan bon 2: 500ml")
        b.press("#")
        expect(b.rig.events.find(e => e.kind === "runQueued")).toMatchObject({ zone: 1, value: 900, cause: "keypad" })
        expect(b.rig.ctl.jobs[0].dose).toMatchObject({ dose: { product: 2, byVolume: true, amount: 500, prewetS: 120, flushS: 300 } })
    })

    it("warns when a run would meet a peak window, and C forces it through", () => {
        const b = new Bench(config(), vnTime(2026, 11, 23, 9, 20), VI) // peak from 09:30
        const sent = spy(b)
        b.press("A130#")
        expect(b.text()).toContain("Cao diem! C:van tuoi")
        b.press("C")
        expect(b.text()).toContain("Tuoi ca cao diem")
        b.press("#")
        expect(sent).toEqual([{ k: "run", zone: 0, seconds: 1800, force: true }])
    })

    it("is refused with a reason in standby", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("83#")
        expect(b.rig.ctl.settings.standby).toBe(true)
        b.wait(4).press("A")
        expect(b.text()).toContain("He thong dang nghi")
    })
})

describe("settings", () => {
    it("global budget, rain delay and fault clearing go through the core as keypad commands", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.press("81").press("80#").wait(4)
        expect(b.rig.ctl.settings.budgetPct).toBe(80)
        b.press("82").press("24#").wait(4)
        expect(b.rig.ctl.settings.rainDelayUntil).toBeGreaterThan(b.rig.wall + 23 * 3600)
        b.rig.ctl.enterSafeState("test", b.rig.mono)
        b.press("85#")
        expect(b.rig.ctl.fault).toBe("")
        const kinds = ["budget", "rainDelay", "faultCleared"]
        expect(b.rig.events.filter(e => kinds.includes(e.kind)).map(e => e.cause)).toEqual(["keypad", "keypad", "keypad"])
        expect(b.rig.store.set).toContain("80")
    })
})

describe("home screen", () => {
    it("shows the clock, the link, what runs with its time left, the next run and the alarm count", () => {
        const b = new Bench(config(), MON_0600, VI)
        b.rig.ctl.command({ k: "saveProgram", program: program({ weekdays: 4, startsMin: [1050] }) }, "remote")
        b.menu.link = "up"
        b.press("A210##").wait(60)
        b.rig.soil[2] = null
        b.wait(2)
        const lines = b.menu.render()
        expect(lines[0]).toBe("T2 06:01    4G:co !1")
        expect(lines[1]).toMatch(/^Tuoi K2 9:\d\d/)
        expect(lines[2]).toBe("Sau: T4 17:30 CT1   ")
        b.menu.link = "down"
        expect(b.menu.render()[0]).toContain("4G:mat !1")
    })

    it("a box with no program start ahead says its planner waters by the soil, not that there is no schedule", () => {
        const b = new Bench(config(), MON_0600, VI)
        expect(b.menu.render()[2].trim()).toBe("Khong co lich")
        // What the planner sets at its look: the zones whose probe reads healthy are its own.
        b.rig.ctl.plannedZones = 0b1
        expect(b.menu.render()[2].trim()).toBe("Tuoi theo do am")
        b.rig.ctl.command({ k: "setLang", lang: 1 }, "keypad")
        expect(b.menu.render()[2].trim()).toBe("Water by soil")
    })

    it("on a 16x2 display keeps the clock, alarms and what runs", () => {
        const b = new Bench(config(), MON_0600, EN, 2, 16)
        b.press("A215##").wait(20)
        const lines = b.menu.render()
        expect(lines).toHaveLength(2)
        expect(lines[0]).toMatch(/^Mon 06:00/)
        expect(lines[1]).toMatch(/^Water Z2 14:/)
    })
})

describe("the farmer tasks on other boxes", () => {
    for (const [rows, cols] of [[2, 16], [4, 20]]) {
        it(`take the same keys on a ${cols}x${rows} display with 4 zones`, () => {
            const b = new Bench(zones(4), vnTime(2026, 11, 22, 20, 0), VI, rows, cols)
            b.press("A215##")
            expect(b.keys).toBe(6)
            b.press("D").wait(20)
            b.keys = 0
            b.press("C31246#0530#20####" + "#" + "#")
            expect(b.keys).toBe(20)
            expect(b.rig.ctl.programs[0]).toMatchObject({ weekdays: 21, startsMin: [330], zoneS: [1200, 0, 0, 0] })
        })
    }
})
