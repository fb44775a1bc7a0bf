// The box's own control panel: a 4x4 membrane keypad and a character LCD (20x4 or 16x2).
// Pure: it reads no clock and touches no hardware. The shell (or a test, or the terminal UI)
// hands it each key with the current monotonic and UTC seconds, calls tick() once a second,
// and draws render() on the display. Every change goes through Controller.command() with
// the keypad as its source, so it is validated, persisted and recorded by the core.
//
// Keys, the same on every screen:
//   D  STOP ALL, at once, from any screen, never behind the PIN
//   #  OK / next / confirm          *  back / cancel (first clears typed digits)
//   0-9 numbers, typed directly; on lists the item number
//   A, B  previous / next on lists (on the home screen: A water now, B pause/resume)
//   C  menu (home screen); an extra action where the bottom line says so
// Water is started only by a "#" on a screen that shows what will run; stopping, pausing
// and acknowledging never waste water, so they ask least.
//
// Written compactly on purpose: the firmware's function code must stay under the DeviceScript
// VM's 64 KB limit, so shared handlers (lists, number entry, command + message) replace
// per-screen copies, and the words live in text.ts as string data.

import { civilFromDays, dayNumber, daysFromCivil, isValidCivil, minuteOfDay, toLocalSeconds, weekday } from "../calendar"
import { Controller, MIN_VALID_WALL } from "../controller"
import { cleanProgram, MAX_BUDGET_PCT, nextStart } from "../program"
import { Band, bandAtLocal, secondsUntilBandChange } from "../tariff"
import { CommandResult, DayMode, MAX_PROGRAMS, MAX_STARTS, Program, ValveState } from "../types"
import { ascii, digitsValue, duration, fit, hhmm, isDigitKey, leftRight, tenths, two } from "./fmt"
import { ALARM_KINDS, errorText, T, texts, wordIndex } from "./text"

/** The 16 keys of the keypad, as press() takes them. */
export const KEYS = "123A456B789C*0#D"
export const STOP_KEY = "D"

/** Every screen id the menu can show (Menu.screen), space-separated. */
export const SCREEN_LIST = "home msg menu pin wzone wmin wok wprod wml pause ask progs pact edays estart ezone ebudget esave sensors alarms clock lang settings sbudget srain spin"

/** Link states the home screen shows. */
export const LINK_NONE = "none"
export const LINK_UP = "up"
export const LINK_DOWN = "down"

/** Longest manual run or zone time typed on the keypad, minutes. */
export const MAX_MINUTES = 240
/** Longest pause typed on the keypad, hours (the core accepts up to 7 days). */
export const MAX_PAUSE_H = 168
/** Longest rain delay, hours (the core accepts 30 days). */
export const MAX_RAIN_H = 720
/** Wrong PINs in a row before the PIN screen locks for PIN_LOCK_S. */
export const PIN_TRIES = 5
export const PIN_LOCK_S = 300

/** Something the menu asks the shell to do that the core does not own. */
export interface MenuAction {
    /** "setClock": set the wall clock (and the RTC) to utcS. */
    a: string
    utcS: number
}

/** Main menu items, by the digit that opens them. */
const ITEM_WATER = 1
const ITEM_PAUSE = 2
const ITEM_PROGRAMS = 3
const ITEM_ALARMS = 5
const ITEM_CLOCK = 6
const ITEM_LANG = 7
const ITEM_SETTINGS = 8
const ITEM_COUNT = 8

/** Index of a sensor health code in the Health texts (4 = unused or unknown). */
function healthIndex(code: string): number {
    const i = ["ok", "missing", "out_of_range", "stuck"].indexOf(code)
    return i < 0 ? 4 : i
}

export class Menu {
    readonly ctl: Controller
    readonly rows: number
    readonly cols: number
    /** Seconds without a key before the display returns home (and the PIN locks again). */
    timeoutS = 60
    /** Seconds a message ("ALL STOPPED") stays before its next screen. */
    msgS = 3
    /** LINK_NONE, LINK_UP or LINK_DOWN; set by the shell. */
    link = LINK_NONE
    /** Where commands go; null = straight to ctl.command(cmd, "keypad"). The firmware routes
     *  them through Shell.command() so that they are logged too. */
    send: ((cmd: any) => CommandResult) | null = null
    /** Current screen id (one of SCREEN_LIST). */
    screen = "home"
    private actions: MenuAction[] = []
    private mono = 0
    private wall = 0
    private lastKey = 0
    private unlocked = false
    private pinFails = 0
    private pinLockUntil = 0
    /** Item to open once the PIN is right. */
    private after = 0
    /** Screen that "*" returns to from the first screen of a task. */
    private from = "home"
    private sel = 0
    private num = ""
    private flash = ""
    // water now
    private zone = 0
    private minutes = 10
    private fert = false
    private product = 1
    private doseMl = 500
    private force = false
    // message and confirmation screens
    private msg1 = ""
    private msg2 = ""
    private msgUntil = 0
    private msgNext = "home"
    private ask = ""
    /** Error code of the last refused command. */
    private lastError = ""
    private askBack = "home"
    // program editor
    private pid = 1
    private draft: Program | null = null
    private starts: number[] = []
    private slot = 0
    private edZone = 0
    // clock: 12 digits YYYYMMDDhhmm and the cursor
    private clk = ""
    private cur = 0

    constructor(ctl: Controller, rows: number, cols: number) {
        this.ctl = ctl
        this.rows = rows >= 1 ? Math.floor(rows) : 4
        this.cols = cols >= 8 ? Math.floor(cols) : 20
    }

    // ------------------------------------------------------------ inputs

    /** Actions for the shell since the last call (e.g. set the clock). */
    takeActions(): MenuAction[] {
        const a = this.actions
        this.actions = []
        return a
    }

    /** Time passes (call about once a second): messages end, idle screens return home. */
    tick(monoS: number, wallS: number): void {
        this.mono = monoS
        this.wall = wallS
        if (this.screen === "msg" && monoS >= this.msgUntil) this.go(this.msgNext)
        if (monoS - this.lastKey >= this.timeoutS) {
            if (this.screen !== "home") this.go("home")
            this.unlocked = false
        }
    }

    /** One key of KEYS; anything else is ignored. */
    press(key: string, monoS: number, wallS: number): void {
        this.tick(monoS, wallS)
        if (key.length !== 1 || KEYS.indexOf(key) < 0) return
        this.lastKey = monoS
        this.flash = ""
        if (key === STOP_KEY) {
            this.draft = null
            this.run({ k: "stopAll" }, T.Stopped1, this.tx()[T.Stopped2], "home", "home")
            return
        }
        // Any key ends a message. "#" and "*" (what people press to say "seen") do nothing
        // more; other keys act on the next screen, so "A215##" typed fast after a message
        // still waters zone 2 instead of losing the "A" and opening item 2.
        if (this.screen === "msg") {
            this.go(this.msgNext)
            if (key === "#" || key === "*") return
        }
        const s = this.screen
        if (s === "home") this.keyHome(key)
        else if (s === "menu" || s === "progs" || s === "pact" || s === "lang" || s === "settings" || s === "sensors") this.keyList(key)
        else if (s === "pin") this.keyPin(key)
        else if (s === "wzone") this.keyWaterZone(key)
        else if (s === "wok") this.keyWaterOk(key)
        else if (s === "ask") this.keyAsk(key)
        else if (s === "edays") this.keyDays(key)
        else if (s === "estart") this.keyStarts(key)
        else if (s === "ezone") this.keyZones(key)
        else if (s === "esave") this.keySave(key)
        else if (s === "alarms") this.keyAlarms(key)
        else if (s === "clock") this.keyClock(key)
        else this.keyNumber(key)
    }

    // ------------------------------------------------------------ helpers

    private tx(): string[] {
        return texts(this.ctl.settings.lang)
    }

    /** Goes to a screen; home forgets everything half done. */
    private go(screen: string): void {
        this.screen = screen
        this.num = ""
        if (screen === "home") {
            this.sel = 0
            this.draft = null
            this.from = "home"
        }
    }

    private message(l1: string, l2: string, next: string): void {
        this.go("msg")
        this.msg1 = l1
        this.msg2 = l2
        this.msgUntil = this.mono + this.msgS
        this.msgNext = next
    }

    /** Sends a command; on success shows text `ok` (and l2) then `next`, else the error. */
    private run(c: any, ok: number, l2: string, next: string, failNext: string): boolean {
        const f = this.send
        const r = f !== null ? f(c) : this.ctl.command(c, "keypad")
        const t = this.tx()
        this.lastError = r.error
        if (r.ok) this.message(t[ok], l2, next)
        else this.message(t[T.Error], errorText(this.ctl.settings.lang, r.error), failNext)
        return r.ok
    }

    private confirm(ask: string, back: string): void {
        this.ask = ask
        this.askBack = back
        this.go("ask")
    }

    /** Appends a digit to the typed number, up to maxLen digits. */
    private typeDigit(key: string, maxLen: number): void {
        if (this.num.length >= maxLen) this.num = ""
        this.num += key
    }

    /**
     * Number entry shared by every screen that asks for one number. Digits type; "*" clears
     * the digits, or goes to `back`; "#" returns the typed number (or `dflt` when nothing is
     * typed). Returns -1 when there is nothing to act on, -2 for keys it does not handle.
     */
    private number(key: string, maxLen: number, dflt: number, back: string): number {
        if (isDigitKey(key)) this.typeDigit(key, maxLen)
        else if (key === "*") {
            if (this.num.length > 0) this.num = ""
            else this.go(back)
        } else if (key === "#") {
            const v = this.num.length > 0 ? digitsValue(this.num) : dflt
            this.num = ""
            return v
        } else return -2
        return -1
    }

    /**
     * List keys: A/B move the selection, a digit or "#" picks an item (returned, 1-based),
     * "*" returns -1; 0 otherwise.
     */
    private pick(key: string, count: number): number {
        if (key === "A") this.sel = this.sel > 0 ? this.sel - 1 : count - 1
        else if (key === "B") this.sel = this.sel < count - 1 ? this.sel + 1 : 0
        else if (key === "*") return -1
        else {
            const n = key === "#" ? this.sel + 1 : isDigitKey(key) ? digitsValue(key) : 0
            if (n >= 1 && n <= count) {
                this.sel = n - 1
                return n
            }
        }
        return 0
    }

    private zoneCount(): number {
        return this.ctl.cfg.zones.length
    }

    private clockKnown(): boolean {
        return this.wall >= MIN_VALID_WALL
    }

    private localS(): number {
        return toLocalSeconds(this.wall, this.ctl.cfg.utcOffsetMin)
    }

    private today(): number {
        return dayNumber(this.localS())
    }

    /** Opens a main-menu item, behind the PIN where it changes settings. */
    private open(item: number): void {
        const s = this.ctl.settings
        if (this.screen !== "pin") this.from = this.screen
        if ((item === ITEM_PROGRAMS || item === ITEM_CLOCK || item === ITEM_SETTINGS) && s.pinOn && !this.unlocked) {
            this.after = item
            this.go("pin")
            return
        }
        this.sel = 0
        const t = this.tx()
        if (item === ITEM_WATER) {
            let err = ""
            if (s.standby) err = "standby"
            else if (this.ctl.fault !== "") err = "fault"
            if (err !== "") this.message(t[T.Error], errorText(s.lang, err), this.from)
            else this.go("wzone")
        } else if (item === ITEM_PAUSE) {
            if (this.ctl.paused) this.confirm("resume", this.from)
            else this.go("pause")
        } else if (item === ITEM_CLOCK) {
            let y = 2026
            let md = 101
            let mi = 0
            if (this.clockKnown()) {
                const c = civilFromDays(this.today())
                y = c.y
                md = c.m * 100 + c.d
                mi = minuteOfDay(this.localS())
            }
            this.clk = "" + y + two(Math.floor(md / 100)) + two(md % 100) + two(Math.floor(mi / 60)) + two(mi % 60)
            this.cur = 0
            this.go("clock")
        } else {
            if (item === ITEM_LANG) this.sel = s.lang === 1 ? 1 : 0
            this.go(["menu", "", "", "progs", "sensors", "alarms", "", "lang", "settings"][item])
        }
    }

    // ------------------------------------------------------------ screens

    private keyHome(key: string): void {
        if (key === "A") this.open(ITEM_WATER)
        else if (key === "B") this.open(ITEM_PAUSE)
        else if (key === "C") this.open(0)
        else if (key === "#") this.open(this.ctl.alarms.items.length > 0 ? ITEM_ALARMS : 0)
        else if (isDigitKey(key) && key !== "0" && key !== "9") this.open(digitsValue(key))
    }

    private keyList(key: string): void {
        const s = this.screen
        const p = this.ctl.programs[this.pid - 1]
        const n = this.pick(key, s === "menu" || s === "progs" ? 8 : s === "pact" ? 4 : s === "lang" ? 2 : s === "settings" ? 5 : this.zoneCount())
        if (n === 0 || s === "sensors") {
            if (n < 0) this.go(this.from)
            return
        }
        if (s === "menu") {
            if (n < 0) this.go("home")
            else this.open(n)
        } else if (s === "pact") {
            if (n < 0 || p === null) {
                this.go("progs")
                this.sel = this.pid - 1
            } else if (n === 1) this.edit(p)
            else if (n === 2) this.confirm("prun", "pact")
            else if (n === 4) this.confirm("pdel", "pact")
            else {
                const q = cleanProgram(p)
                q.enabled = !q.enabled
                this.run({ k: "saveProgram", program: q }, q.enabled ? T.EnabledMsg : T.DisabledMsg, this.tx()[T.ProgShort] + this.pid, "pact", "pact")
            }
        } else if (n < 0) this.go(this.from)
        else if (s === "progs") {
            this.pid = n
            if (this.ctl.programs[n - 1] === null) this.edit(null)
            else {
                this.go("pact")
                this.sel = 0
            }
        } else if (s === "lang") {
            // The message already shows in the new language.
            this.run({ k: "setLang", lang: n - 1 }, T.LangSet, "", "home", "lang")
        } else if (n === 3) this.confirm("standby", "settings")
        else if (n === 5) this.confirm("clear", "settings")
        else this.go(["", "sbudget", "srain", "", "spin"][n])
    }

    private keyPin(key: string): void {
        const t = this.tx()
        if (key === "*") {
            if (this.num.length > 0) this.num = ""
            else this.go(this.from)
            return
        }
        if (this.mono < this.pinLockUntil) {
            this.num = ""
            this.flash = t[T.PinLocked]
            return
        }
        if (isDigitKey(key)) this.typeDigit(key, 4)
        if (!(this.num.length === 4 || (key === "#" && this.num.length > 0))) return
        if (digitsValue(this.num) === this.ctl.settings.pin) {
            this.unlocked = true
            this.pinFails = 0
            this.open(this.after)
            return
        }
        this.num = ""
        this.pinFails++
        this.flash = t[T.PinWrong]
        if (this.pinFails >= PIN_TRIES) {
            this.pinFails = 0
            this.pinLockUntil = this.mono + PIN_LOCK_S
            this.flash = t[T.PinLocked]
        }
    }

    private keyWaterZone(key: string): void {
        const nz = this.zoneCount()
        if (key === "A" || key === "B") {
            this.num = ""
            this.zone = (this.zone + (key === "A" ? nz - 1 : 1)) % nz
            return
        }
        const typed = this.num.length > 0
        const v = this.number(key, 2, this.zone + 1, this.from)
        const now = key === "#" ? v : digitsValue(this.num)
        if (!(key === "#" || isDigitKey(key))) return
        if (now < 1 || now > nz) {
            this.flash = this.tx()[T.NoSuchZone] + (key === "#" && !typed ? "" : " " + now)
            this.num = ""
        } else if (key === "#" || now * 10 > nz || this.num.length >= 2) {
            // No longer zone number starts with these digits: take it without "#".
            this.zone = now - 1
            this.go("wmin")
        }
    }

    /** The injector is usable: configured in the core with a flow meter (dosing needs it). */
    fertigationAvailable(): boolean {
        const cfg: any = this.ctl.cfg
        const inj: any = cfg.injector
        const flow: any = cfg.flow
        return inj !== undefined && inj !== null && inj.present === true && flow !== undefined && flow !== null && flow.present === true
    }

    /** A run of `seconds` started now would meet a peak window the core keeps the pump out of. */
    private peakAhead(seconds: number): boolean {
        if (!this.clockKnown() || this.ctl.cfg.peakPolicy === "allow") return false
        const tariff = this.ctl.cfg.tariff
        const end = this.localS() + seconds + 60
        let at = this.localS()
        // Walk band changes up to the end of the run (a handful of steps).
        for (let i = 0; i < 8 && at <= end; i++) {
            if (bandAtLocal(tariff, at) === Band.Peak) return true
            const d = secondsUntilBandChange(tariff, at)
            if (d <= 0) return false
            at += d
        }
        return false
    }

    private keyWaterOk(key: string): void {
        if (key === "*") this.go("wmin")
        else if (key === "B") {
            if (!this.fertigationAvailable()) this.flash = this.tx()[T.FertNone]
            else if (this.fert) this.fert = false
            else this.go("wprod")
        } else if (key === "C") {
            if (this.peakAhead(this.minutes * 60)) this.force = !this.force
        } else if (key === "#") {
            const c: any = { k: "run", zone: this.zone, seconds: this.minutes * 60 }
            if (this.force) c.force = true
            if (this.fert) {
                const inj: any = (this.ctl.cfg as any).injector
                c.dose = { product: this.product, byVolume: true, amount: this.doseMl, prewetS: inj.minPrewetS, flushS: inj.minFlushS, phiDays: 0 }
            }
            const t = this.tx()
            if (this.run(c, T.Started, this.minutes + " " + t[T.Min], "home", "wok")) this.msg1 += " " + t[T.ZoneShort] + (this.zone + 1)
        }
    }

    /** Screens that ask for one number: minutes, dose, pause, budgets, rain delay, PIN. */
    private keyNumber(key: string): void {
        const s = this.screen
        const t = this.tx()
        const d = this.draft
        if (s === "wmin") {
            const v = this.number(key, 3, this.minutes, "wzone")
            if (v === -1 || v === -2) return
            if (v < 1 || v > MAX_MINUTES) this.flash = t[T.MinutesRange]
            else {
                this.minutes = v
                this.fert = false
                this.force = false
                this.go("wok")
            }
        } else if (s === "wprod") {
            const v = this.number(key, 2, this.product, "wok")
            if (v >= 1 && v <= 99) {
                this.product = v
                this.go("wml")
            }
        } else if (s === "wml") {
            const v = this.number(key, 5, this.doseMl, "wprod")
            if (v >= 1) {
                this.doseMl = v
                this.fert = true
                this.go("wok")
            }
        } else if (s === "pause") {
            const v = this.number(key, 3, 0, this.from)
            if (v >= 0 && v <= MAX_PAUSE_H) this.run({ k: "pause", seconds: v * 3600 }, T.PausedMsg, v > 0 ? v + " " + t[T.Hours] : "", "home", "home")
        } else if (s === "ebudget") {
            if (d === null) return this.go("home")
            const v = this.number(key, 3, d.budgetPct, "ezone")
            if (this.screen === "ezone") this.edZone = this.zoneCount() - 1
            if (v === -1 || v === -2) return
            if (v > MAX_BUDGET_PCT) this.flash = "0-" + MAX_BUDGET_PCT + " %"
            else {
                d.budgetPct = v
                this.go("esave")
            }
        } else if (s === "spin" && key === "C") {
            this.run({ k: "setPin", pin: this.ctl.settings.pin, on: false }, T.PinOff, "", "settings", "settings")
        } else {
            const v = this.number(key, s === "spin" ? 4 : 3, -1, "settings")
            if (v < 0) return
            if (s === "sbudget") this.run({ k: "setBudget", pct: v }, T.Done, v + " %", "settings", s)
            else if (s === "srain") {
                if (v <= MAX_RAIN_H) this.run({ k: "rainDelay", hours: v }, v > 0 ? T.RainSet : T.RainOff, v > 0 ? v + " " + t[T.Hours] : "", "settings", s)
            } else if (this.run({ k: "setPin", pin: v, on: true }, T.PinSaved, "", "settings", s)) this.unlocked = true // who set it knows it
        }
    }

    private keyAsk(key: string): void {
        if (key === "*") this.go(this.askBack)
        if (key !== "#") return
        const a = this.ask
        const t = this.tx()
        const p = t[T.ProgShort] + this.pid
        if (a === "resume") this.run({ k: "resume" }, T.ResumedMsg, "", "home", this.askBack)
        else if (a === "prun") this.run({ k: "runProgram", id: this.pid }, T.Started, p, "home", this.askBack)
        else if (a === "pdel") this.run({ k: "deleteProgram", id: this.pid }, T.Deleted, p, "progs", this.askBack)
        else if (a === "standby") this.run({ k: "standby", on: !this.ctl.settings.standby }, T.Done, "", "home", this.askBack)
        else if (a === "clear") this.run({ k: "clearFault" }, T.Cleared, "", "home", this.askBack)
        else if (this.run({ k: "ackAlarm", id: 0 }, T.Acked, "", "alarms", this.askBack)) this.sel = 0
    }

    // ------------------------------------------------------------ program editor

    /** Starts the editor on a copy of p, or on a new program in slot this.pid. */
    private edit(p: Program | null): void {
        const nz = this.zoneCount()
        const cfg = this.ctl.cfg
        let sensor = false
        for (const z of cfg.zones) if (z.sensor >= 0) sensor = true
        const d: Program =
            p !== null
                ? cleanProgram(p)
                : {
                      id: this.pid,
                      name: this.tx()[T.ProgShort] + this.pid,
                      enabled: true,
                      dayMode: DayMode.Weekdays,
                      weekdays: 0,
                      intervalDays: 1,
                      refDay: this.clockKnown() ? this.today() : 0,
                      startsMin: [],
                      zoneS: [],
                      budgetPct: 100,
                      cycleS: 0,
                      soakS: 0,
                      seasonFrom: 0,
                      seasonTo: 0,
                      useMoisture: sensor,
                  }
        // One time per zone (a stored program always has them; keep the editor safe anyway).
        while (d.zoneS.length < nz) d.zoneS.push(0)
        if (d.zoneS.length > nz) d.zoneS = d.zoneS.slice(0, nz)
        this.draft = d
        this.starts = []
        for (let i = 0; i < MAX_STARTS; i++) this.starts.push(i < d.startsMin.length ? d.startsMin[i] : -1)
        this.slot = 0
        this.edZone = 0
        this.go("edays")
    }

    private keyDays(key: string): void {
        const d = this.draft
        if (d === null) return this.go("home")
        const t = this.tx()
        const interval = d.dayMode === DayMode.Interval
        if (key === "C") {
            // Weekdays -> odd days -> even days -> every N days -> weekdays.
            this.num = ""
            d.dayMode = [DayMode.Odd, DayMode.Weekdays, DayMode.Even, DayMode.Interval][d.dayMode]
            if (d.dayMode === DayMode.Interval && this.clockKnown()) d.refDay = this.today()
            return
        }
        if (d.dayMode === DayMode.Weekdays && isDigitKey(key)) {
            const i = t[T.DayKeys].indexOf(key)
            if (i >= 0) d.weekdays = d.weekdays ^ (1 << i)
            else if (key === "9") d.weekdays = d.weekdays === 127 ? 0 : 127
            return
        }
        if (!interval && isDigitKey(key)) return
        const v = this.number(key, 2, -1, "progs")
        if (this.screen === "progs") {
            this.draft = null
            this.sel = this.pid - 1
        }
        if (key !== "#") return
        if (interval && v >= 0) {
            if (v < 1 || v > 30) {
                this.flash = t[T.IntervalLegend]
                return
            }
            d.intervalDays = v
        }
        if (d.dayMode === DayMode.Weekdays && d.weekdays === 0) this.flash = t[T.NoDay]
        else this.go("estart")
    }

    /** Takes the typed digits as a start time in the current slot; false if not a time. */
    private commitStart(): boolean {
        const v = digitsValue(this.num)
        const n = this.num.length
        this.num = ""
        const h = n <= 2 ? v : Math.floor(v / 100)
        const m = n <= 2 ? 0 : v % 100
        if (h < 0 || h > 23 || m > 59) {
            this.flash = this.tx()[T.BadTime]
            return false
        }
        this.starts[this.slot] = h * 60 + m
        if (this.slot < MAX_STARTS - 1) this.slot++
        return true
    }

    private keyStarts(key: string): void {
        const d = this.draft
        if (d === null) return this.go("home")
        if (key === "A" || key === "B") {
            this.num = ""
            this.slot = (this.slot + (key === "A" ? MAX_STARTS - 1 : 1)) % MAX_STARTS
        } else if (key === "C") {
            this.num = ""
            this.starts[this.slot] = -1
        } else if (isDigitKey(key)) {
            this.typeDigit(key, 4)
            if (this.num.length === 4) this.commitStart()
        } else if (key === "*") {
            if (this.num.length > 0) this.num = ""
            else this.go("edays")
        } else if (this.num.length === 0 || this.commitStart()) {
            // "#": the slots' times, ascending, without repeats.
            const out: number[] = []
            for (const s of this.starts) {
                if (s < 0 || out.indexOf(s) >= 0) continue
                let i = out.length
                out.push(s)
                while (i > 0 && out[i - 1] > s) {
                    out[i] = out[i - 1]
                    i--
                }
                out[i] = s
            }
            if (out.length === 0) {
                this.flash = this.tx()[T.NoStart]
                return
            }
            d.startsMin = out
            this.edZone = 0
            this.go("ezone")
        }
    }

    private keyZones(key: string): void {
        const d = this.draft
        if (d === null) return this.go("home")
        const nz = this.zoneCount()
        if (key === "*" && this.num.length === 0) {
            if (this.edZone > 0) this.edZone--
            else this.go("estart")
            return
        }
        const typed = this.num
        // -3: "#" with nothing typed keeps the zone's time.
        let v = this.number(key, 3, -3, "ezone")
        if (v === -1) return
        if (v === -2) {
            // A, B and C take what is typed too.
            v = typed.length > 0 ? digitsValue(typed) : -3
            this.num = ""
        }
        if (v > MAX_MINUTES) {
            this.flash = this.tx()[T.MinutesRange]
            return
        }
        if (v >= 0) d.zoneS[this.edZone] = v * 60
        if (key === "A" || key === "B") this.edZone = (this.edZone + (key === "A" ? nz - 1 : 1)) % nz
        else if (key === "C") this.go("esave")
        else if (this.edZone < nz - 1) this.edZone++
        else this.go("ebudget")
    }

    private keySave(key: string): void {
        const d = this.draft
        if (d === null) return this.go("home")
        if (key === "*") this.go("ebudget")
        if (key !== "#") return
        const p = this.pid
        if (this.run({ k: "saveProgram", program: d }, T.Saved, "", "progs", "esave")) {
            this.msg1 += " " + this.tx()[T.ProgShort] + p
            this.draft = null
            this.sel = p - 1
            return
        }
        // Refused: after the message, back to the page that can fix it.
        const e = this.lastError
        if (e === "no_weekday" || e === "bad_weekdays" || e === "bad_interval" || e === "bad_day_mode") this.msgNext = "edays"
        else if (e === "bad_starts" || e === "bad_start" || e === "starts_order") this.msgNext = "estart"
        else if (e === "no_zone" || e === "bad_zone_time" || e === "bad_zone_count") {
            this.msgNext = "ezone"
            this.edZone = 0
        } else if (e === "bad_budget") this.msgNext = "ebudget"
    }

    // ------------------------------------------------------------ alarms, clock

    private keyAlarms(key: string): void {
        const items = this.ctl.alarms.items
        const n = items.length
        if (this.sel >= n) this.sel = n > 0 ? n - 1 : 0
        if (key === "C" && n > 0) return this.confirm("ackall", "alarms")
        const k = this.pick(key === "#" || isDigitKey(key) ? "" : key, n)
        if (k < 0) return this.go(this.from)
        if (key !== "#" || n === 0) return
        // Newest first: selection 0 is the last item.
        const f = this.send
        const c = { k: "ackAlarm", id: items[n - 1 - this.sel].id }
        const r = f !== null ? f(c) : this.ctl.command(c, "keypad")
        if (!r.ok) {
            this.message(this.tx()[T.Error], errorText(this.ctl.settings.lang, r.error), "alarms")
            return
        }
        this.flash = this.tx()[T.Acked]
        const left = this.ctl.alarms.items.length
        if (this.sel >= left) this.sel = left > 0 ? left - 1 : 0
    }

    private keyClock(key: string): void {
        if (key === "*") return this.go(this.from)
        if (key === "A" && this.cur > 0) this.cur--
        if (key === "B" && this.cur < 11) this.cur++
        if (isDigitKey(key)) {
            this.clk = this.clk.slice(0, this.cur) + key + this.clk.slice(this.cur + 1)
            if (this.cur < 11) this.cur++
        }
        if (key !== "#") return
        const c = this.clk
        const y = digitsValue(c.slice(0, 4))
        const mo = digitsValue(c.slice(4, 6))
        const d = digitsValue(c.slice(6, 8))
        const mi = digitsValue(c.slice(8, 10)) * 60 + digitsValue(c.slice(10, 12))
        const utc = daysFromCivil(y, mo, d) * 86400 + mi * 60 - this.ctl.cfg.utcOffsetMin * 60
        const t = this.tx()
        if (!isValidCivil(y, mo, d) || digitsValue(c.slice(8, 10)) > 23 || digitsValue(c.slice(10, 12)) > 59 || utc < MIN_VALID_WALL) {
            this.flash = t[T.BadClock]
            return
        }
        this.actions.push({ a: "setClock", utcS: utc })
        this.message(t[T.ClockSet], hhmm(mi), "home")
    }

    // ------------------------------------------------------------ rendering

    /** The display: exactly `rows` strings of exactly `cols` printable ASCII characters. */
    render(): string[] {
        const s = this.screen
        let lines: string[]
        if (s === "home") lines = this.homeLines()
        else if (s === "menu" || s === "progs" || s === "pact" || s === "lang" || s === "settings") lines = this.listLines()
        else {
            // A page is [title, main, detail, hint]; small displays keep main and detail. The
            // flash notice (a refused entry) takes the detail line.
            const p = this.pageLines()
            if (this.flash !== "") p[2] = "! " + this.flash
            const low = p[2] !== "" ? p[2] : p[3]
            lines = this.rows >= 4 ? p : this.rows === 3 ? [p[0], p[1], low] : [p[1], low]
        }
        const out: string[] = []
        for (let i = 0; i < this.rows; i++) out.push(fit(ascii(i < lines.length ? lines[i] : ""), this.cols))
        return out
    }

    private zoneLabel(z: number): string {
        return this.tx()[T.ZoneShort] + (z + 1)
    }

    /** "T2 05:30" (weekday and time) or "23/11 05:30" (date and time) of a UTC time. */
    private when(utcS: number, date: boolean): string {
        const l = toLocalSeconds(utcS, this.ctl.cfg.utcOffsetMin)
        const day = dayNumber(l)
        const c = civilFromDays(day)
        return (date ? two(c.d) + "/" + two(c.m) : this.tx()[T.Days0 + weekday(day)]) + " " + hhmm(minuteOfDay(l))
    }

    private homeLines(): string[] {
        const t = this.tx()
        const st = this.ctl.status()
        let right = this.link === LINK_UP ? t[T.LinkUp] : this.link === LINK_DOWN ? t[T.LinkDown] : ""
        const nAl = this.ctl.alarms.items.length
        if (nAl > 0) right += (right === "" ? "!" : " !") + nAl
        const top = leftRight(this.clockKnown() ? this.when(this.wall, false) : "--:--", right, this.cols)

        let state = ""
        if (st.fault !== "") state = t[T.Fault] + " " + st.fault
        else if (st.standby) state = t[T.Standby]
        else {
            let open = -1
            let count = 0
            let waiting = -1
            for (let z = 0; z < st.zones.length; z++) {
                const zs = st.zones[z]
                if (zs.state === ValveState.Opening || zs.state === ValveState.Open) {
                    count++
                    if (open < 0) open = z
                } else if (zs.remainingS > 0 && waiting < 0) waiting = z
            }
            const z = open >= 0 ? open : waiting
            if (z >= 0) state = t[open >= 0 ? T.Watering : T.Waiting] + " " + this.zoneLabel(z) + " " + duration(st.zones[z].remainingS)
            if (count > 1) state += " +" + (count - 1)
            if (st.paused) state = state === "" ? t[T.Paused] : t[T.Paused] + " " + state
        }

        let next = t[T.NoClock]
        if (this.clockKnown()) {
            if (st.rainDelayUntil > this.wall) next = t[T.RainUntil] + " " + this.when(st.rainDelayUntil, true)
            else {
                const ns = nextStart(this.ctl.programs, this.ctl.fired, this.localS(), 7)
                next = ns === null ? t[T.NoNext] : t[T.Next] + " " + this.when(ns.localS - this.ctl.cfg.utcOffsetMin * 60, false) + " " + t[T.ProgShort] + ns.program
            }
        }
        if (this.rows <= 2) return [top, state !== "" ? state : next]
        return [top, state === "" ? t[T.Idle] : state, next, t[T.HomeHint]]
    }

    private programSummary(p: Program): string {
        const t = this.tx()
        if (p.dayMode === DayMode.Odd) return t[T.OddDays]
        if (p.dayMode === DayMode.Even) return t[T.EvenDays]
        if (p.dayMode === DayMode.Interval) return t[T.Every] + " " + p.intervalDays + " " + t[T.DaysUnit]
        if (p.weekdays === 127) return t[T.EveryDay]
        const parts: string[] = []
        for (let i = 0; i < 7; i++) if ((p.weekdays & (1 << i)) !== 0) parts.push(t[T.DayShort0 + i])
        return parts.join(t[T.DaySep])
    }

    private startsText(starts: number[]): string {
        const parts: string[] = []
        for (const s of starts) if (s >= 0) parts.push(hhmm(s))
        return parts.length > 0 ? parts.join(" ") : "--:--"
    }

    private listLines(): string[] {
        const t = this.tx()
        const s = this.screen
        const items: string[] = []
        let title = t[T.MenuTitle]
        let first = T.Items0
        let n = ITEM_COUNT
        if (s === "progs") {
            title = t[T.ProgsTitle]
            for (let i = 0; i < MAX_PROGRAMS; i++) {
                const p = this.ctl.programs[i]
                let line = t[T.Empty]
                if (p !== null) line = (p.startsMin.length > 0 ? hhmm(p.startsMin[0]) : "--:--") + " " + this.programSummary(p) + (p.enabled ? "" : " " + t[T.Off])
                items.push(line)
            }
        } else if (s === "pact") {
            const p = this.ctl.programs[this.pid - 1]
            title = t[T.ProgShort] + this.pid + (p === null ? "" : " " + this.programSummary(p) + (p.enabled ? "" : " " + t[T.Off]))
            first = T.ProgActs0
            n = 4
        } else if (s === "lang") {
            title = t[T.LangTitle]
            items.push("Tieng Viet")
            items.push("English")
        } else if (s === "settings") {
            title = t[T.SettingsTitle]
            first = T.SettingItems0
            n = 5
        }
        if (items.length === 0) for (let i = 0; i < n; i++) items.push(i === 1 && s === "menu" && this.ctl.paused ? t[T.Resume] : t[first + i])
        n = items.length
        if (this.sel >= n) this.sel = n - 1
        const vis = this.rows >= 3 ? this.rows - 1 : this.rows
        let top = this.sel - 1
        if (top > n - vis) top = n - vis
        if (top < 0) top = 0
        const out: string[] = []
        if (this.rows >= 3) out.push(leftRight(title, t[T.ListHint], this.cols))
        for (let i = top; i < top + vis && i < n; i++) out.push((i === this.sel ? ">" : " ") + (i + 1) + " " + items[i])
        return out
    }

    /** Typed digits with a cursor, or the current value when nothing is typed. */
    private entry(current: string): string {
        return this.num.length > 0 ? this.num + "_" : current
    }

    private pageLines(): string[] {
        const t = this.tx()
        const s = this.screen
        const nz = this.zoneCount()
        const ok = "#:OK " + t[T.BackHint]
        const d = this.draft
        const prog = t[T.ProgShort] + this.pid + ": "
        const zname = this.ctl.cfg.zones[this.zone].name
        if (s === "msg") return ["", this.msg1, this.msg2, ""]
        if (s === "pin") {
            let stars = ""
            for (let i = 0; i < this.num.length; i++) stars += "*"
            return [t[T.PinTitle], "PIN: " + stars + "_", "", t[T.BackHint]]
        }
        if (s === "wzone") return [t[T.WaterTitle], t[T.ZoneAsk] + " (1-" + nz + "): " + this.entry("" + (this.zone + 1)), zname, ok]
        if (s === "wmin") return [this.zoneLabel(this.zone) + " " + zname, t[T.MinutesAsk] + " " + this.entry("" + this.minutes), t[T.MinutesRange], ok]
        if (s === "wok") {
            const main = this.zoneLabel(this.zone) + ": " + this.minutes + " " + t[T.Min]
            let detail = this.rows >= 4 ? zname : ""
            if (this.force) detail = t[T.Forced]
            else if (this.peakAhead(this.minutes * 60)) detail = t[T.PeakWarn]
            if (this.fert) detail = t[T.Fert] + " " + this.product + ": " + this.doseMl + "ml"
            const fertLine = !this.fertigationAvailable() ? t[T.FertNone] : t[this.fert ? T.FertOn : T.FertOff]
            // On a small display the start key must stay visible: the zone name gives way.
            return this.rows >= 4 ? [main, detail, fertLine, t[T.StartHint]] : [fertLine, main, detail, t[T.StartHint]]
        }
        if (s === "wprod") return [t[T.Fert], t[T.FertProduct] + " " + this.entry("" + this.product), "1-99", ok]
        if (s === "wml") return [t[T.Fert], t[T.FertMl] + " " + this.entry("" + this.doseMl), "", ok]
        if (s === "pause") return [t[T.PauseTitle], t[T.PauseAsk] + " " + this.entry("0"), t[T.PauseZero], t[T.PauseHint]]
        if (s === "ask") {
            const a = this.ask
            const p = " " + t[T.ProgShort] + this.pid + "?"
            let q = t[T.AckAllAsk]
            if (a === "resume") q = t[T.ResumeAsk]
            else if (a === "prun") q = t[T.RunAsk] + p
            else if (a === "pdel") q = t[T.DelAsk] + p
            else if (a === "standby") q = t[this.ctl.settings.standby ? T.StandbyOffAsk : T.StandbyOnAsk]
            else if (a === "clear") q = t[T.ClearAsk] + " " + this.ctl.fault
            return ["", q, t[T.YesNo], ""]
        }
        if (s === "sensors") return this.sensorLines()
        if (s === "alarms") return this.alarmLines()
        if (s === "clock") {
            const c = this.clk
            const text = c.slice(0, 4) + "-" + c.slice(4, 6) + "-" + c.slice(6, 8) + " " + c.slice(8, 10) + ":" + c.slice(10, 12)
            // Character position of digit `cur` in "YYYY-MM-DD HH:MM".
            const pos = this.cur + (this.cur >= 4 ? 1 : 0) + (this.cur >= 6 ? 1 : 0) + (this.cur >= 8 ? 1 : 0) + (this.cur >= 10 ? 1 : 0)
            return [t[T.ClockTitle], text, fit("", pos) + "^", t[T.ClockHint]]
        }
        if (s === "sbudget") return [t[T.SettingsTitle], t[T.GlobalBudget] + " " + this.entry("" + this.ctl.settings.budgetPct) + " %", t[T.BudgetNote], ok]
        if (s === "srain") {
            const until = this.ctl.settings.rainDelayUntil
            return [t[T.SettingsTitle], t[T.RainAsk] + " " + this.entry("0"), until > this.wall && this.clockKnown() ? t[T.RainUntil] + " " + this.when(until, true) : t[T.RainNote], ok]
        }
        if (s === "spin") return [t[T.SettingsTitle], t[T.PinNew] + " " + this.entry("____"), "PIN: " + t[this.ctl.settings.pinOn ? T.Enable : T.Off], t[T.PinHint]]
        if (d === null) return ["", "", "", ""]
        if (s === "edays") {
            const title = prog + t[T.DaysTitle]
            const hint = t[T.DaysHint]
            if (d.dayMode === DayMode.Interval) return [title, t[T.Every] + " " + this.entry("" + d.intervalDays) + " " + t[T.DaysUnit], t[T.IntervalLegend], hint]
            if (d.dayMode !== DayMode.Weekdays) return [title, this.programSummary(d), "", hint]
            let main = t[T.DaysLabel] + " " + (d.weekdays === 0 ? "-" : this.programSummary(d))
            if (this.cols >= 20) {
                // "T2 .. T4 .. T6 .. ..": every day in its place, unchosen days dotted.
                main = ""
                for (let i = 0; i < 7; i++) main += (i > 0 ? " " : "") + ((d.weekdays & (1 << i)) !== 0 ? t[T.Days0 + i].slice(0, 2) : "..")
            }
            return [title, main, t[T.DayLegend], hint]
        }
        if (s === "estart") {
            let cur = this.starts[this.slot] >= 0 ? hhmm(this.starts[this.slot]) : "--:--"
            if (this.num.length > 0) {
                // Typed digits laid over "__:__".
                cur = ""
                for (let i = 0; i < 4; i++) cur += (i === 2 ? ":" : "") + (i < this.num.length ? this.num.slice(i, i + 1) : "_")
            }
            return [prog + t[T.StartsTitle], t[T.StartN] + " " + (this.slot + 1) + ": " + cur, this.startsText(this.starts), t[T.StartsHint]]
        }
        if (s === "ezone") {
            const main = t[T.ZoneAsk] + " " + (this.edZone + 1) + ": " + this.entry("" + Math.floor(d.zoneS[this.edZone] / 60)) + " " + t[T.Min]
            return [prog + t[T.ZonesTitle], main, this.ctl.cfg.zones[this.edZone].name, t[T.ZonesHint]]
        }
        if (s === "ebudget") return [prog + t[T.BudgetTitle], t[T.BudgetLabel] + " " + this.entry("" + d.budgetPct) + " %", t[T.BudgetNote], ok]
        // esave
        const line1 = this.startsText(d.startsMin) + " " + this.programSummary(d)
        const parts: string[] = []
        for (let z = 0; z < d.zoneS.length; z++) if (d.zoneS[z] > 0) parts.push(this.zoneLabel(z) + ":" + Math.floor(d.zoneS[z] / 60))
        let line2 = parts.length > 0 ? parts.join(" ") : t[T.ZoneAsk] + ": -"
        if (d.budgetPct !== 100) line2 += " " + d.budgetPct + "%"
        if (this.rows < 4) return ["", t[T.ProgShort] + this.pid + " " + t[T.SaveHint], line1 + " " + line2, ""]
        return [t[T.SaveAsk] + " " + t[T.ProgShort] + this.pid + "?", line1, line2, t[T.SaveHint]]
    }

    private sensorLines(): string[] {
        const t = this.tx()
        const st = this.ctl.status()
        const nz = this.zoneCount()
        if (this.sel >= nz) this.sel = nz - 1
        const zc = this.ctl.cfg.zones[this.sel]
        let reading = t[T.NoSensor]
        if (zc.sensor >= 0 && zc.sensor < st.sensors.length) {
            const v = st.soil[zc.sensor]
            reading = (v === null ? "--" : tenths(v) + "%") + " " + t[T.Health0 + healthIndex(st.sensors[zc.sensor])]
        }
        return [t[T.SensorsTitle] + " " + (this.sel + 1) + "/" + nz, this.zoneLabel(this.sel) + " " + reading, zc.name, t[T.Target] + " " + tenths(zc.targetTenths) + "% A/B"]
    }

    private alarmLines(): string[] {
        const t = this.tx()
        const items = this.ctl.alarms.items
        const n = items.length
        if (n === 0) return [t[T.AlarmsTitle], t[T.NoAlarms], "", t[T.BackHint]]
        if (this.sel >= n) this.sel = n - 1
        const a = items[n - 1 - this.sel]
        const k = wordIndex(ALARM_KINDS, a.kind)
        let main = k >= 0 ? t[T.AlarmNames0 + k] : a.kind
        const sensor = a.kind === "sensor"
        if (a.zone >= 0) main += " " + t[sensor ? T.SensorShort : T.ZoneShort] + (a.zone + 1)
        const h = sensor ? healthIndex(a.reason) : 4
        let detail = h < 4 ? t[T.Health0 + h] : a.reason
        if (a.t >= MIN_VALID_WALL) detail += " " + this.when(a.t, true)
        if (a.repeats > 0) detail += " x" + (a.repeats + 1)
        return [t[T.AlarmsTitle] + " " + (this.sel + 1) + "/" + n, main, detail, t[T.AlarmHint]]
    }
}
