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
import { ALARM_KINDS, errorText, T, text, wordIndex } from "./text"

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
    actions: MenuAction[] = []
    mono = 0
    wall = 0
    lastKey = 0
    unlocked = false
    pinFails = 0
    pinLockUntil = 0
    /** Item to open once the PIN is right. */
    after = 0
    /** Screen that "*" returns to from the first screen of a task. */
    from = "home"
    sel = 0
    num = ""
    flash = ""
    // water now
    zone = 0
    minutes = 10
    fert = false
    product = 1
    doseMl = 500
    force = false
    // message and confirmation screens
    msg1 = ""
    msg2 = ""
    msgUntil = 0
    msgNext = "home"
    ask = ""
    /** Error code of the last refused command. */
    lastError = ""
    askBack = "home"
    // program editor
    pid = 1
    draft: Program | null = null
    starts: number[] = []
    slot = 0
    edZone = 0
    // clock: 12 digits YYYYMMDDhhmm and the cursor
    clk = ""
    cur = 0

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
        if (this.screen === "msg" && monoS >= this.msgUntil) go(this, this.msgNext)
        if (monoS - this.lastKey >= this.timeoutS) {
            if (this.screen !== "home") go(this, "home")
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
            send(this, { k: "stopAll" }, T.Stopped1, tt(this, T.Stopped2), "home", "home")
            return
        }
        // Any key ends a message. "#" and "*" (what people press to say "seen") do nothing
        // more; other keys act on the next screen, so "A215##" typed fast after a message
        // still waters zone 2 instead of losing the "A" and opening item 2.
        if (this.screen === "msg") {
            go(this, this.msgNext)
            if (key === "#" || key === "*") return
        }
        const s = this.screen
        if (s === "home") keyHome(this, key)
        else if (s === "menu" || s === "progs" || s === "pact" || s === "lang" || s === "settings" || s === "sensors") keyList(this, key)
        else if (s === "pin") keyPin(this, key)
        else if (s === "wzone") keyWaterZone(this, key)
        else if (s === "wok") keyWaterOk(this, key)
        else if (s === "ask") keyAsk(this, key)
        else if (s === "edays") keyDays(this, key)
        else if (s === "estart") keyStarts(this, key)
        else if (s === "ezone") keyZones(this, key)
        else if (s === "esave") keySave(this, key)
        else if (s === "alarms") keyAlarms(this, key)
        else if (s === "clock") keyClock(this, key)
        else keyNumber(this, key)
    }

    /** The injector is usable: configured in the core with a flow meter (dosing needs it). */
    fertigationAvailable(): boolean {
        const cfg: any = this.ctl.cfg
        const inj: any = cfg.injector
        const flow: any = cfg.flow
        return inj !== undefined && inj !== null && inj.present === true && flow !== undefined && flow !== null && flow.present === true
    }

    // ------------------------------------------------------------ rendering

    /** The display: exactly `rows` strings of exactly `cols` printable ASCII characters. */
    render(): string[] {
        const s = this.screen
        let lines: string[]
        if (s === "home") lines = homeLines(this)
        else if (s === "menu" || s === "progs" || s === "pact" || s === "lang" || s === "settings") lines = listLines(this)
        else {
            // A page is [title, main, detail, hint]; small displays keep main and detail. The
            // flash notice (a refused entry) takes the detail line.
            const p = pageLines(this)
            if (this.flash !== "") p[2] = "! " + this.flash
            const low = p[2] !== "" ? p[2] : p[3]
            lines = this.rows >= 4 ? p : this.rows === 3 ? [p[0], p[1], low] : [p[1], low]
        }
        const out: string[] = []
        for (let i = 0; i < this.rows; i++) out.push(fit(ascii(i < lines.length ? lines[i] : ""), this.cols))
        return out
    }

}

// The menu's screens and helpers are module functions taking the menu (`me`) rather than
// methods: every method also costs the firmware an entry in its class's prototype, and the
// firmware's function code must stay under DeviceScript's 64 KB limit.

/** A text in the controller's language (text(): only the texts shown take heap). */
function tt(me: Menu, i: number): string {
    return text(me.ctl.settings.lang, i)
}

/** Goes to a screen; home forgets everything half done. */
function go(me: Menu, screen: string): void {
    me.screen = screen
    me.num = ""
    if (screen === "home") {
        me.sel = 0
        me.draft = null
        me.from = "home"
    }
}

function message(me: Menu, l1: string, l2: string, next: string): void {
    go(me, "msg")
    me.msg1 = l1
    me.msg2 = l2
    me.msgUntil = me.mono + me.msgS
    me.msgNext = next
}

/** Sends a command; on success shows text `ok` (and l2) then `next`, else the error. */
function send(me: Menu, c: any, ok: number, l2: string, next: string, failNext: string): boolean {
    const f = me.send
    const r = f !== null ? f(c) : me.ctl.command(c, "keypad")
    me.lastError = r.error
    if (r.ok) message(me, tt(me, ok), l2, next)
    else message(me, tt(me, T.Error), errorText(me.ctl.settings.lang, r.error), failNext)
    return r.ok
}

function confirm(me: Menu, ask: string, back: string): void {
    me.ask = ask
    me.askBack = back
    go(me, "ask")
}

/** Appends a digit to the typed number, up to maxLen digits. */
function typeDigit(me: Menu, key: string, maxLen: number): void {
    if (me.num.length >= maxLen) me.num = ""
    me.num += key
}

/**
 * Number entry shared by every screen that asks for one number. Digits type; "*" clears
 * the digits, or goes to `back`; "#" returns the typed number (or `dflt` when nothing is
 * typed). Returns -1 when there is nothing to act on, -2 for keys it does not handle.
 */
function numberKey(me: Menu, key: string, maxLen: number, dflt: number, back: string): number {
    if (isDigitKey(key)) typeDigit(me, key, maxLen)
    else if (key === "*") {
        if (me.num.length > 0) me.num = ""
        else go(me, back)
    } else if (key === "#") {
        const v = me.num.length > 0 ? digitsValue(me.num) : dflt
        me.num = ""
        return v
    } else return -2
    return -1
}

/**
 * List keys: A/B move the selection, a digit or "#" picks an item (returned, 1-based),
 * "*" returns -1; 0 otherwise.
 */
function pick(me: Menu, key: string, count: number): number {
    if (key === "A") me.sel = me.sel > 0 ? me.sel - 1 : count - 1
    else if (key === "B") me.sel = me.sel < count - 1 ? me.sel + 1 : 0
    else if (key === "*") return -1
    else {
        const n = key === "#" ? me.sel + 1 : isDigitKey(key) ? digitsValue(key) : 0
        if (n >= 1 && n <= count) {
            me.sel = n - 1
            return n
        }
    }
    return 0
}

function zoneCount(me: Menu): number {
    return me.ctl.cfg.zones.length
}

function clockKnown(me: Menu): boolean {
    return me.wall >= MIN_VALID_WALL
}

function localS(me: Menu): number {
    return toLocalSeconds(me.wall, me.ctl.cfg.utcOffsetMin)
}

function today(me: Menu): number {
    return dayNumber(localS(me))
}

/** Opens a main-menu item, behind the PIN where it changes settings. */
function openItem(me: Menu, item: number): void {
    const s = me.ctl.settings
    if (me.screen !== "pin") me.from = me.screen
    if ((item === ITEM_PROGRAMS || item === ITEM_CLOCK || item === ITEM_SETTINGS) && s.pinOn && !me.unlocked) {
        me.after = item
        go(me, "pin")
        return
    }
    me.sel = 0
    if (item === ITEM_WATER) {
        let err = ""
        if (s.standby) err = "standby"
        else if (me.ctl.fault !== "") err = "fault"
        if (err !== "") message(me, tt(me, T.Error), errorText(s.lang, err), me.from)
        else go(me, "wzone")
    } else if (item === ITEM_PAUSE) {
        if (me.ctl.paused) confirm(me, "resume", me.from)
        else go(me, "pause")
    } else if (item === ITEM_CLOCK) {
        let y = 2026
        let md = 101
        let mi = 0
        if (clockKnown(me)) {
            const c = civilFromDays(today(me))
            y = c.y
            md = c.m * 100 + c.d
            mi = minuteOfDay(localS(me))
        }
        me.clk = "" + y + two(Math.floor(md / 100)) + two(md % 100) + two(Math.floor(mi / 60)) + two(mi % 60)
        me.cur = 0
        go(me, "clock")
    } else {
        if (item === ITEM_LANG) me.sel = s.lang === 1 ? 1 : 0
        go(me, ["menu", "", "", "progs", "sensors", "alarms", "", "lang", "settings"][item])
    }
}

function keyHome(me: Menu, key: string): void {
    if (key === "A") openItem(me, ITEM_WATER)
    else if (key === "B") openItem(me, ITEM_PAUSE)
    else if (key === "C") openItem(me, 0)
    else if (key === "#") openItem(me, me.ctl.alarms.items.length > 0 ? ITEM_ALARMS : 0)
    else if (isDigitKey(key) && key !== "0" && key !== "9") openItem(me, digitsValue(key))
}

function keyList(me: Menu, key: string): void {
    const s = me.screen
    const p = me.ctl.programs[me.pid - 1]
    const n = pick(me, key, s === "menu" || s === "progs" ? 8 : s === "pact" ? 4 : s === "lang" ? 2 : s === "settings" ? 5 : zoneCount(me))
    if (n === 0 || s === "sensors") {
        if (n < 0) go(me, me.from)
        return
    }
    if (s === "menu") {
        if (n < 0) go(me, "home")
        else openItem(me, n)
    } else if (s === "pact") {
        if (n < 0 || p === null) {
            go(me, "progs")
            me.sel = me.pid - 1
        } else if (n === 1) edit(me, p)
        else if (n === 2) confirm(me, "prun", "pact")
        else if (n === 4) confirm(me, "pdel", "pact")
        else {
            const q = cleanProgram(p)
            q.enabled = !q.enabled
            send(me, { k: "saveProgram", program: q }, q.enabled ? T.EnabledMsg : T.DisabledMsg, tt(me, T.ProgShort) + me.pid, "pact", "pact")
        }
    } else if (n < 0) go(me, me.from)
    else if (s === "progs") {
        me.pid = n
        if (me.ctl.programs[n - 1] === null) edit(me, null)
        else {
            go(me, "pact")
            me.sel = 0
        }
    } else if (s === "lang") {
        // The message already shows in the new language.
        send(me, { k: "setLang", lang: n - 1 }, T.LangSet, "", "home", "lang")
    } else if (n === 3) confirm(me, "standby", "settings")
    else if (n === 5) confirm(me, "clear", "settings")
    else go(me, ["", "sbudget", "srain", "", "spin"][n])
}

function keyPin(me: Menu, key: string): void {
    if (key === "*") {
        if (me.num.length > 0) me.num = ""
        else go(me, me.from)
        return
    }
    if (me.mono < me.pinLockUntil) {
        me.num = ""
        me.flash = tt(me, T.PinLocked)
        return
    }
    if (isDigitKey(key)) typeDigit(me, key, 4)
    if (!(me.num.length === 4 || (key === "#" && me.num.length > 0))) return
    if (digitsValue(me.num) === me.ctl.settings.pin) {
        me.unlocked = true
        me.pinFails = 0
        openItem(me, me.after)
        return
    }
    me.num = ""
    me.pinFails++
    me.flash = tt(me, T.PinWrong)
    if (me.pinFails >= PIN_TRIES) {
        me.pinFails = 0
        me.pinLockUntil = me.mono + PIN_LOCK_S
        me.flash = tt(me, T.PinLocked)
    }
}

function keyWaterZone(me: Menu, key: string): void {
    const nz = zoneCount(me)
    if (key === "A" || key === "B") {
        me.num = ""
        me.zone = (me.zone + (key === "A" ? nz - 1 : 1)) % nz
        return
    }
    const typed = me.num.length > 0
    const v = numberKey(me, key, 2, me.zone + 1, me.from)
    const now = key === "#" ? v : digitsValue(me.num)
    if (!(key === "#" || isDigitKey(key))) return
    if (now < 1 || now > nz) {
        me.flash = tt(me, T.NoSuchZone) + (key === "#" && !typed ? "" : " " + now)
        me.num = ""
    } else if (key === "#" || now * 10 > nz || me.num.length >= 2) {
        // No longer zone number starts with these digits: take it without "#".
        me.zone = now - 1
        go(me, "wmin")
    }
}

/** A run of `seconds` started now would meet a peak window the core keeps the pump out of. */
function peakAhead(me: Menu, seconds: number): boolean {
    if (!clockKnown(me) || me.ctl.cfg.peakPolicy === "allow") return false
    const tariff = me.ctl.cfg.tariff
    const end = localS(me) + seconds + 60
    let at = localS(me)
    // Walk band changes up to the end of the run (a handful of steps).
    for (let i = 0; i < 8 && at <= end; i++) {
        if (bandAtLocal(tariff, at) === Band.Peak) return true
        const d = secondsUntilBandChange(tariff, at)
        if (d <= 0) return false
        at += d
    }
    return false
}

function keyWaterOk(me: Menu, key: string): void {
    if (key === "*") go(me, "wmin")
    else if (key === "B") {
        if (!me.fertigationAvailable()) me.flash = tt(me, T.FertNone)
        else if (me.fert) me.fert = false
        else go(me, "wprod")
    } else if (key === "C") {
        if (peakAhead(me, me.minutes * 60)) me.force = !me.force
    } else if (key === "#") {
        const c: any = { k: "run", zone: me.zone, seconds: me.minutes * 60 }
        if (me.force) c.force = true
        if (me.fert) {
            const inj: any = (me.ctl.cfg as any).injector
            c.dose = { product: me.product, byVolume: true, amount: me.doseMl, prewetS: inj.minPrewetS, flushS: inj.minFlushS, phiDays: 0 }
        }
        if (send(me, c, T.Started, me.minutes + " " + tt(me, T.Min), "home", "wok")) me.msg1 += " " + tt(me, T.ZoneShort) + (me.zone + 1)
    }
}

/** Screens that ask for one number: minutes, dose, pause, budgets, rain delay, PIN. */
function keyNumber(me: Menu, key: string): void {
    const s = me.screen
    const d = me.draft
    if (s === "wmin") {
        const v = numberKey(me, key, 3, me.minutes, "wzone")
        if (v === -1 || v === -2) return
        if (v < 1 || v > MAX_MINUTES) me.flash = tt(me, T.MinutesRange)
        else {
            me.minutes = v
            me.fert = false
            me.force = false
            go(me, "wok")
        }
    } else if (s === "wprod") {
        const v = numberKey(me, key, 2, me.product, "wok")
        if (v >= 1 && v <= 99) {
            me.product = v
            go(me, "wml")
        }
    } else if (s === "wml") {
        const v = numberKey(me, key, 5, me.doseMl, "wprod")
        if (v >= 1) {
            me.doseMl = v
            me.fert = true
            go(me, "wok")
        }
    } else if (s === "pause") {
        const v = numberKey(me, key, 3, 0, me.from)
        if (v >= 0 && v <= MAX_PAUSE_H) send(me, { k: "pause", seconds: v * 3600 }, T.PausedMsg, v > 0 ? v + " " + tt(me, T.Hours) : "", "home", "home")
    } else if (s === "ebudget") {
        if (d === null) return go(me, "home")
        const v = numberKey(me, key, 3, d.budgetPct, "ezone")
        if (me.screen === "ezone") me.edZone = zoneCount(me) - 1
        if (v === -1 || v === -2) return
        if (v > MAX_BUDGET_PCT) me.flash = "0-" + MAX_BUDGET_PCT + " %"
        else {
            d.budgetPct = v
            go(me, "esave")
        }
    } else if (s === "spin" && key === "C") {
        send(me, { k: "setPin", pin: me.ctl.settings.pin, on: false }, T.PinOff, "", "settings", "settings")
    } else {
        const v = numberKey(me, key, s === "spin" ? 4 : 3, -1, "settings")
        if (v < 0) return
        if (s === "sbudget") send(me, { k: "setBudget", pct: v }, T.Done, v + " %", "settings", s)
        else if (s === "srain") {
            if (v <= MAX_RAIN_H) send(me, { k: "rainDelay", hours: v }, v > 0 ? T.RainSet : T.RainOff, v > 0 ? v + " " + tt(me, T.Hours) : "", "settings", s)
        } else if (send(me, { k: "setPin", pin: v, on: true }, T.PinSaved, "", "settings", s)) me.unlocked = true // who set it knows it
    }
}

function keyAsk(me: Menu, key: string): void {
    if (key === "*") go(me, me.askBack)
    if (key !== "#") return
    const a = me.ask
    const p = tt(me, T.ProgShort) + me.pid
    if (a === "resume") send(me, { k: "resume" }, T.ResumedMsg, "", "home", me.askBack)
    else if (a === "prun") send(me, { k: "runProgram", id: me.pid }, T.Started, p, "home", me.askBack)
    else if (a === "pdel") send(me, { k: "deleteProgram", id: me.pid }, T.Deleted, p, "progs", me.askBack)
    else if (a === "standby") send(me, { k: "standby", on: !me.ctl.settings.standby }, T.Done, "", "home", me.askBack)
    else if (a === "clear") send(me, { k: "clearFault" }, T.Cleared, "", "home", me.askBack)
    else if (send(me, { k: "ackAlarm", id: 0 }, T.Acked, "", "alarms", me.askBack)) me.sel = 0
}

/** Starts the editor on a copy of p, or on a new program in slot me.pid. */
function edit(me: Menu, p: Program | null): void {
    const nz = zoneCount(me)
    const cfg = me.ctl.cfg
    let sensor = false
    for (const z of cfg.zones) if (z.sensor >= 0) sensor = true
    const d: Program =
        p !== null
            ? cleanProgram(p)
            : {
                  id: me.pid,
                  name: tt(me, T.ProgShort) + me.pid,
                  enabled: true,
                  dayMode: DayMode.Weekdays,
                  weekdays: 0,
                  intervalDays: 1,
                  refDay: clockKnown(me) ? today(me) : 0,
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
    me.draft = d
    me.starts = []
    for (let i = 0; i < MAX_STARTS; i++) me.starts.push(i < d.startsMin.length ? d.startsMin[i] : -1)
    me.slot = 0
    me.edZone = 0
    go(me, "edays")
}

function keyDays(me: Menu, key: string): void {
    const d = me.draft
    if (d === null) return go(me, "home")
    const interval = d.dayMode === DayMode.Interval
    if (key === "C") {
        // Weekdays -> odd days -> even days -> every N days -> weekdays.
        me.num = ""
        d.dayMode = [DayMode.Odd, DayMode.Weekdays, DayMode.Even, DayMode.Interval][d.dayMode]
        if (d.dayMode === DayMode.Interval && clockKnown(me)) d.refDay = today(me)
        return
    }
    if (d.dayMode === DayMode.Weekdays && isDigitKey(key)) {
        const i = tt(me, T.DayKeys).indexOf(key)
        if (i >= 0) d.weekdays = d.weekdays ^ (1 << i)
        else if (key === "9") d.weekdays = d.weekdays === 127 ? 0 : 127
        return
    }
    if (!interval && isDigitKey(key)) return
    const v = numberKey(me, key, 2, -1, "progs")
    if (me.screen === "progs") {
        me.draft = null
        me.sel = me.pid - 1
    }
    if (key !== "#") return
    if (interval && v >= 0) {
        if (v < 1 || v > 30) {
            me.flash = tt(me, T.IntervalLegend)
            return
        }
        d.intervalDays = v
    }
    if (d.dayMode === DayMode.Weekdays && d.weekdays === 0) me.flash = tt(me, T.NoDay)
    else go(me, "estart")
}

/** Takes the typed digits as a start time in the current slot; false if not a time. */
function commitStart(me: Menu): boolean {
    const v = digitsValue(me.num)
    const n = me.num.length
    me.num = ""
    const h = n <= 2 ? v : Math.floor(v / 100)
    const m = n <= 2 ? 0 : v % 100
    if (h < 0 || h > 23 || m > 59) {
        me.flash = tt(me, T.BadTime)
        return false
    }
    me.starts[me.slot] = h * 60 + m
    if (me.slot < MAX_STARTS - 1) me.slot++
    return true
}

function keyStarts(me: Menu, key: string): void {
    const d = me.draft
    if (d === null) return go(me, "home")
    if (key === "A" || key === "B") {
        me.num = ""
        me.slot = (me.slot + (key === "A" ? MAX_STARTS - 1 : 1)) % MAX_STARTS
    } else if (key === "C") {
        me.num = ""
        me.starts[me.slot] = -1
    } else if (isDigitKey(key)) {
        typeDigit(me, key, 4)
        if (me.num.length === 4) commitStart(me)
    } else if (key === "*") {
        if (me.num.length > 0) me.num = ""
        else go(me, "edays")
    } else if (me.num.length === 0 || commitStart(me)) {
        // "#": the slots' times, ascending, without repeats.
        const out: number[] = []
        for (const s of me.starts) {
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
            me.flash = tt(me, T.NoStart)
            return
        }
        d.startsMin = out
        me.edZone = 0
        go(me, "ezone")
    }
}

function keyZones(me: Menu, key: string): void {
    const d = me.draft
    if (d === null) return go(me, "home")
    const nz = zoneCount(me)
    if (key === "*" && me.num.length === 0) {
        if (me.edZone > 0) me.edZone--
        else go(me, "estart")
        return
    }
    const typed = me.num
    // -3: "#" with nothing typed keeps the zone's time.
    let v = numberKey(me, key, 3, -3, "ezone")
    if (v === -1) return
    if (v === -2) {
        // A, B and C take what is typed too.
        v = typed.length > 0 ? digitsValue(typed) : -3
        me.num = ""
    }
    if (v > MAX_MINUTES) {
        me.flash = tt(me, T.MinutesRange)
        return
    }
    if (v >= 0) d.zoneS[me.edZone] = v * 60
    if (key === "A" || key === "B") me.edZone = (me.edZone + (key === "A" ? nz - 1 : 1)) % nz
    else if (key === "C") go(me, "esave")
    else if (me.edZone < nz - 1) me.edZone++
    else go(me, "ebudget")
}

function keySave(me: Menu, key: string): void {
    const d = me.draft
    if (d === null) return go(me, "home")
    if (key === "*") go(me, "ebudget")
    if (key !== "#") return
    const p = me.pid
    if (send(me, { k: "saveProgram", program: d }, T.Saved, "", "progs", "esave")) {
        me.msg1 += " " + tt(me, T.ProgShort) + p
        me.draft = null
        me.sel = p - 1
        return
    }
    // Refused: after the message, back to the page that can fix it.
    const e = me.lastError
    if (e === "no_weekday" || e === "bad_weekdays" || e === "bad_interval" || e === "bad_day_mode") me.msgNext = "edays"
    else if (e === "bad_starts" || e === "bad_start" || e === "starts_order") me.msgNext = "estart"
    else if (e === "no_zone" || e === "bad_zone_time" || e === "bad_zone_count") {
        me.msgNext = "ezone"
        me.edZone = 0
    } else if (e === "bad_budget") me.msgNext = "ebudget"
}

function keyAlarms(me: Menu, key: string): void {
    const items = me.ctl.alarms.items
    const n = items.length
    if (me.sel >= n) me.sel = n > 0 ? n - 1 : 0
    if (key === "C" && n > 0) return confirm(me, "ackall", "alarms")
    const k = pick(me, key === "#" || isDigitKey(key) ? "" : key, n)
    if (k < 0) return go(me, me.from)
    if (key !== "#" || n === 0) return
    // Newest first: selection 0 is the last item.
    const f = me.send
    const c = { k: "ackAlarm", id: items[n - 1 - me.sel].id }
    const r = f !== null ? f(c) : me.ctl.command(c, "keypad")
    if (!r.ok) {
        message(me, tt(me, T.Error), errorText(me.ctl.settings.lang, r.error), "alarms")
        return
    }
    me.flash = tt(me, T.Acked)
    const left = me.ctl.alarms.items.length
    if (me.sel >= left) me.sel = left > 0 ? left - 1 : 0
}

function keyClock(me: Menu, key: string): void {
    if (key === "*") return go(me, me.from)
    if (key === "A" && me.cur > 0) me.cur--
    if (key === "B" && me.cur < 11) me.cur++
    if (isDigitKey(key)) {
        me.clk = me.clk.slice(0, me.cur) + key + me.clk.slice(me.cur + 1)
        if (me.cur < 11) me.cur++
    }
    if (key !== "#") return
    const c = me.clk
    const y = digitsValue(c.slice(0, 4))
    const mo = digitsValue(c.slice(4, 6))
    const d = digitsValue(c.slice(6, 8))
    const mi = digitsValue(c.slice(8, 10)) * 60 + digitsValue(c.slice(10, 12))
    const utc = daysFromCivil(y, mo, d) * 86400 + mi * 60 - me.ctl.cfg.utcOffsetMin * 60
    if (!isValidCivil(y, mo, d) || digitsValue(c.slice(8, 10)) > 23 || digitsValue(c.slice(10, 12)) > 59 || utc < MIN_VALID_WALL) {
        me.flash = tt(me, T.BadClock)
        return
    }
    me.actions.push({ a: "setClock", utcS: utc })
    message(me, tt(me, T.ClockSet), hhmm(mi), "home")
}

function zoneLabel(me: Menu, z: number): string {
    return tt(me, T.ZoneShort) + (z + 1)
}

/** "T2 05:30" (weekday and time) or "23/11 05:30" (date and time) of a UTC time. */
function when(me: Menu, utcS: number, date: boolean): string {
    const l = toLocalSeconds(utcS, me.ctl.cfg.utcOffsetMin)
    const day = dayNumber(l)
    const c = civilFromDays(day)
    return (date ? two(c.d) + "/" + two(c.m) : tt(me, T.Days0 + weekday(day))) + " " + hhmm(minuteOfDay(l))
}

function homeLines(me: Menu): string[] {
    const st = me.ctl.status()
    let right = me.link === LINK_UP ? tt(me, T.LinkUp) : me.link === LINK_DOWN ? tt(me, T.LinkDown) : ""
    const nAl = me.ctl.alarms.items.length
    if (nAl > 0) right += (right === "" ? "!" : " !") + nAl
    const top = leftRight(clockKnown(me) ? when(me, me.wall, false) : "--:--", right, me.cols)

    let state = ""
    if (st.fault !== "") state = tt(me, T.Fault) + " " + st.fault
    else if (st.standby) state = tt(me, T.Standby)
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
        if (z >= 0) state = tt(me, open >= 0 ? T.Watering : T.Waiting) + " " + zoneLabel(me, z) + " " + duration(st.zones[z].remainingS)
        if (count > 1) state += " +" + (count - 1)
        if (st.paused) state = state === "" ? tt(me, T.Paused) : tt(me, T.Paused) + " " + state
    }

    let next = tt(me, T.NoClock)
    if (clockKnown(me)) {
        if (st.rainDelayUntil > me.wall) next = tt(me, T.RainUntil) + " " + when(me, st.rainDelayUntil, true)
        else {
            const ns = nextStart(me.ctl.programs, me.ctl.fired, localS(me), 7)
            // No program start ahead: a box whose planner holds zones waters them by their probes.
            next = ns === null ? tt(me, me.ctl.plannedZones !== 0 ? T.BySoil : T.NoNext) : tt(me, T.Next) + " " + when(me, ns.localS - me.ctl.cfg.utcOffsetMin * 60, false) + " " + tt(me, T.ProgShort) + ns.program
        }
    }
    if (me.rows <= 2) return [top, state !== "" ? state : next]
    return [top, state === "" ? tt(me, T.Idle) : state, next, tt(me, T.HomeHint)]
}

function programSummary(me: Menu, p: Program): string {
    if (p.dayMode === DayMode.Odd) return tt(me, T.OddDays)
    if (p.dayMode === DayMode.Even) return tt(me, T.EvenDays)
    if (p.dayMode === DayMode.Interval) return tt(me, T.Every) + " " + p.intervalDays + " " + tt(me, T.DaysUnit)
    if (p.weekdays === 127) return tt(me, T.EveryDay)
    const parts: string[] = []
    for (let i = 0; i < 7; i++) if ((p.weekdays & (1 << i)) !== 0) parts.push(tt(me, T.DayShort0 + i))
    return parts.join(tt(me, T.DaySep))
}

function startsText(me: Menu, starts: number[]): string {
    const parts: string[] = []
    for (const s of starts) if (s >= 0) parts.push(hhmm(s))
    return parts.length > 0 ? parts.join(" ") : "--:--"
}

function listLines(me: Menu): string[] {
    const s = me.screen
    const items: string[] = []
    let title = tt(me, T.MenuTitle)
    let first = T.Items0
    let n = ITEM_COUNT
    if (s === "progs") {
        title = tt(me, T.ProgsTitle)
        for (let i = 0; i < MAX_PROGRAMS; i++) {
            const p = me.ctl.programs[i]
            let line = tt(me, T.Empty)
            if (p !== null) line = (p.startsMin.length > 0 ? hhmm(p.startsMin[0]) : "--:--") + " " + programSummary(me, p) + (p.enabled ? "" : " " + tt(me, T.Off))
            items.push(line)
        }
    } else if (s === "pact") {
        const p = me.ctl.programs[me.pid - 1]
        title = tt(me, T.ProgShort) + me.pid + (p === null ? "" : " " + programSummary(me, p) + (p.enabled ? "" : " " + tt(me, T.Off)))
        first = T.ProgActs0
        n = 4
    } else if (s === "lang") {
        title = tt(me, T.LangTitle)
        items.push("Tieng Viet")
        items.push("English")
    } else if (s === "settings") {
        title = tt(me, T.SettingsTitle)
        first = T.SettingItems0
        n = 5
    }
    if (items.length === 0) for (let i = 0; i < n; i++) items.push(i === 1 && s === "menu" && me.ctl.paused ? tt(me, T.Resume) : tt(me, first + i))
    n = items.length
    if (me.sel >= n) me.sel = n - 1
    const vis = me.rows >= 3 ? me.rows - 1 : me.rows
    let top = me.sel - 1
    if (top > n - vis) top = n - vis
    if (top < 0) top = 0
    const out: string[] = []
    if (me.rows >= 3) out.push(leftRight(title, tt(me, T.ListHint), me.cols))
    for (let i = top; i < top + vis && i < n; i++) out.push((i === me.sel ? ">" : " ") + (i + 1) + " " + items[i])
    return out
}

/** Typed digits with a cursor, or the current value when nothing is typed. */
function entry(me: Menu, current: string): string {
    return me.num.length > 0 ? me.num + "_" : current
}

function pageLines(me: Menu): string[] {
    const s = me.screen
    const nz = zoneCount(me)
    const ok = "#:OK " + tt(me, T.BackHint)
    const d = me.draft
    const prog = tt(me, T.ProgShort) + me.pid + ": "
    const zname = me.ctl.cfg.zones[me.zone].name
    if (s === "msg") return ["", me.msg1, me.msg2, ""]
    if (s === "pin") {
        let stars = ""
        for (let i = 0; i < me.num.length; i++) stars += "*"
        return [tt(me, T.PinTitle), "PIN: " + stars + "_", "", tt(me, T.BackHint)]
    }
    if (s === "wzone") return [tt(me, T.WaterTitle), tt(me, T.ZoneAsk) + " (1-" + nz + "): " + entry(me, "" + (me.zone + 1)), zname, ok]
    if (s === "wmin") return [zoneLabel(me, me.zone) + " " + zname, tt(me, T.MinutesAsk) + " " + entry(me, "" + me.minutes), tt(me, T.MinutesRange), ok]
    if (s === "wok") {
        const main = zoneLabel(me, me.zone) + ": " + me.minutes + " " + tt(me, T.Min)
        let detail = me.rows >= 4 ? zname : ""
        if (me.force) detail = tt(me, T.Forced)
        else if (peakAhead(me, me.minutes * 60)) detail = tt(me, T.PeakWarn)
        if (me.fert) detail = tt(me, T.Fert) + " " + me.product + ": " + me.doseMl + "ml"
        const fertLine = !me.fertigationAvailable() ? tt(me, T.FertNone) : tt(me, me.fert ? T.FertOn : T.FertOff)
        // On a small display the start key must stay visible: the zone name gives way.
        return me.rows >= 4 ? [main, detail, fertLine, tt(me, T.StartHint)] : [fertLine, main, detail, tt(me, T.StartHint)]
    }
    if (s === "wprod") return [tt(me, T.Fert), tt(me, T.FertProduct) + " " + entry(me, "" + me.product), "1-99", ok]
    if (s === "wml") return [tt(me, T.Fert), tt(me, T.FertMl) + " " + entry(me, "" + me.doseMl), "", ok]
    if (s === "pause") return [tt(me, T.PauseTitle), tt(me, T.PauseAsk) + " " + entry(me, "0"), tt(me, T.PauseZero), tt(me, T.PauseHint)]
    if (s === "ask") {
        const a = me.ask
        const p = " " + tt(me, T.ProgShort) + me.pid + "?"
        let q = tt(me, T.AckAllAsk)
        if (a === "resume") q = tt(me, T.ResumeAsk)
        else if (a === "prun") q = tt(me, T.RunAsk) + p
        else if (a === "pdel") q = tt(me, T.DelAsk) + p
        else if (a === "standby") q = tt(me, me.ctl.settings.standby ? T.StandbyOffAsk : T.StandbyOnAsk)
        else if (a === "clear") q = tt(me, T.ClearAsk) + " " + me.ctl.fault
        return ["", q, tt(me, T.YesNo), ""]
    }
    if (s === "sensors") return sensorLines(me)
    if (s === "alarms") return alarmLines(me)
    if (s === "clock") {
        const c = me.clk
        const text = c.slice(0, 4) + "-" + c.slice(4, 6) + "-" + c.slice(6, 8) + " " + c.slice(8, 10) + ":" + c.slice(10, 12)
        // Character position of digit `cur` in "YYYY-MM-DD HH:MM".
        const pos = me.cur + (me.cur >= 4 ? 1 : 0) + (me.cur >= 6 ? 1 : 0) + (me.cur >= 8 ? 1 : 0) + (me.cur >= 10 ? 1 : 0)
        return [tt(me, T.ClockTitle), text, fit("", pos) + "^", tt(me, T.ClockHint)]
    }
    if (s === "sbudget") return [tt(me, T.SettingsTitle), tt(me, T.GlobalBudget) + " " + entry(me, "" + me.ctl.settings.budgetPct) + " %", tt(me, T.BudgetNote), ok]
    if (s === "srain") {
        const until = me.ctl.settings.rainDelayUntil
        return [tt(me, T.SettingsTitle), tt(me, T.RainAsk) + " " + entry(me, "0"), until > me.wall && clockKnown(me) ? tt(me, T.RainUntil) + " " + when(me, until, true) : tt(me, T.RainNote), ok]
    }
    if (s === "spin") return [tt(me, T.SettingsTitle), tt(me, T.PinNew) + " " + entry(me, "____"), "PIN: " + tt(me, me.ctl.settings.pinOn ? T.Enable : T.Off), tt(me, T.PinHint)]
    if (d === null) return ["", "", "", ""]
    if (s === "edays") {
        const title = prog + tt(me, T.DaysTitle)
        const hint = tt(me, T.DaysHint)
        if (d.dayMode === DayMode.Interval) return [title, tt(me, T.Every) + " " + entry(me, "" + d.intervalDays) + " " + tt(me, T.DaysUnit), tt(me, T.IntervalLegend), hint]
        if (d.dayMode !== DayMode.Weekdays) return [title, programSummary(me, d), "", hint]
        let main = tt(me, T.DaysLabel) + " " + (d.weekdays === 0 ? "-" : programSummary(me, d))
        if (me.cols >= 20) {
            // "T2 .. T4 .. T6 .. ..": every day in its place, unchosen days dotted.
            main = ""
            for (let i = 0; i < 7; i++) main += (i > 0 ? " " : "") + ((d.weekdays & (1 << i)) !== 0 ? tt(me, T.Days0 + i).slice(0, 2) : "..")
        }
        return [title, main, tt(me, T.DayLegend), hint]
    }
    if (s === "estart") {
        let cur = me.starts[me.slot] >= 0 ? hhmm(me.starts[me.slot]) : "--:--"
        if (me.num.length > 0) {
            // Typed digits laid over "__:__".
            cur = ""
            for (let i = 0; i < 4; i++) cur += (i === 2 ? ":" : "") + (i < me.num.length ? me.num.slice(i, i + 1) : "_")
        }
        return [prog + tt(me, T.StartsTitle), tt(me, T.StartN) + " " + (me.slot + 1) + ": " + cur, startsText(me, me.starts), tt(me, T.StartsHint)]
    }
    if (s === "ezone") {
        const main = tt(me, T.ZoneAsk) + " " + (me.edZone + 1) + ": " + entry(me, "" + Math.floor(d.zoneS[me.edZone] / 60)) + " " + tt(me, T.Min)
        return [prog + tt(me, T.ZonesTitle), main, me.ctl.cfg.zones[me.edZone].name, tt(me, T.ZonesHint)]
    }
    if (s === "ebudget") return [prog + tt(me, T.BudgetTitle), tt(me, T.BudgetLabel) + " " + entry(me, "" + d.budgetPct) + " %", tt(me, T.BudgetNote), ok]
    // esave
    const line1 = startsText(me, d.startsMin) + " " + programSummary(me, d)
    const parts: string[] = []
    for (let z = 0; z < d.zoneS.length; z++) if (d.zoneS[z] > 0) parts.push(zoneLabel(me, z) + ":" + Math.floor(d.zoneS[z] / 60))
    let line2 = parts.length > 0 ? parts.join(" ") : tt(me, T.ZoneAsk) + ": -"
    if (d.budgetPct !== 100) line2 += " " + d.budgetPct + "%"
    if (me.rows < 4) return ["", tt(me, T.ProgShort) + me.pid + " " + tt(me, T.SaveHint), line1 + " " + line2, ""]
    return [tt(me, T.SaveAsk) + " " + tt(me, T.ProgShort) + me.pid + "?", line1, line2, tt(me, T.SaveHint)]
}

function sensorLines(me: Menu): string[] {
    const st = me.ctl.status()
    const nz = zoneCount(me)
    if (me.sel >= nz) me.sel = nz - 1
    const zc = me.ctl.cfg.zones[me.sel]
    let reading = tt(me, T.NoSensor)
    if (zc.sensor >= 0 && zc.sensor < st.sensors.length) {
        const v = st.soil[zc.sensor]
        reading = (v === null ? "--" : tenths(v) + "%") + " " + tt(me, T.Health0 + healthIndex(st.sensors[zc.sensor]))
    }
    return [tt(me, T.SensorsTitle) + " " + (me.sel + 1) + "/" + nz, zoneLabel(me, me.sel) + " " + reading, zc.name, tt(me, T.Target) + " " + tenths(zc.targetTenths) + "% A/B"]
}

function alarmLines(me: Menu): string[] {
    const items = me.ctl.alarms.items
    const n = items.length
    if (n === 0) return [tt(me, T.AlarmsTitle), tt(me, T.NoAlarms), "", tt(me, T.BackHint)]
    if (me.sel >= n) me.sel = n - 1
    const a = items[n - 1 - me.sel]
    const k = wordIndex(ALARM_KINDS, a.kind)
    let main = k >= 0 ? tt(me, T.AlarmNames0 + k) : a.kind
    const sensor = a.kind === "sensor"
    if (a.zone >= 0) main += " " + tt(me, sensor ? T.SensorShort : T.ZoneShort) + (a.zone + 1)
    const h = sensor ? healthIndex(a.reason) : 4
    let detail = h < 4 ? tt(me, T.Health0 + h) : a.reason
    if (a.t >= MIN_VALID_WALL) detail += " " + when(me, a.t, true)
    if (a.repeats > 0) detail += " x" + (a.repeats + 1)
    return [tt(me, T.AlarmsTitle) + " " + (me.sel + 1) + "/" + n, main, detail, tt(me, T.AlarmHint)]
}
