// The small keypad panel of a connected box (profile "link": "mqtt"). The full Menu (menu.ts)
// and the MQTT link do not fit together in DeviceScript's 64 KB of function code, so a
// connected box edits programs, settings and fertigation remotely, and its keypad keeps only
// what a farmer needs at the box:
//   home     clock, link, alarm count, what runs (or idle) with paused / standby / fault,
//            next start or rain delay
//   water    zone digit(s), then minutes, "#" starts: "2 1 5 #" waters zone 2 for 15 minutes
//            ("A" opens the zone screen too, like the full menu's sticker says)
//   D        STOP ALL, from every screen, one key, no PIN
//   alarms   "#" (or "C") from home shows the newest alarm; "#" acknowledges it
//   *        clears typed digits, else goes back
// What a command did ("ALL STOPPED", "STARTED", the core's error for a refused one) shows on
// the detail line for FLASH_S seconds, instead of on a screen of its own.
// Nothing here changes settings, so there is no PIN. Same surface as Menu for
// firmware/panel.ts (press, tick, render, takeActions, send, link, timeoutS, screen).
// Pure, like menu.ts: no clock, no hardware; every change goes through Controller.command()
// with the keypad as its source. It must not import menu.ts (that would pull the whole menu
// into the connected image); the words come from text.ts, already in that image.
// Written for size (the connected image sits close to the 64 KB limit): no zone names (they
// may hold non-ASCII), minutes rather than M:SS, one code path per key.

import { dayNumber, minuteOfDay, weekday } from "../calendar"
import { Controller, MIN_VALID_WALL } from "../controller"
import { nextStart } from "../program"
import type { Job } from "../jobs"
import { CommandResult } from "../types"
import { fit, hhmm } from "./fmt"
import type { MenuAction } from "./menu"
import { ALARM_KINDS, errorText, T, text, wordIndex } from "./text"

// The same values as menu.ts's (test/menu/mini.test.ts checks it): copied, not imported,
// because importing them would bring menu.ts into the connected image.
/** The 16 keys of the keypad, as press() takes them. */
export const KEYS = "123A456B789C*0#D"
export const STOP_KEY = "D"
export const LINK_NONE = "none"
export const LINK_UP = "up"
export const LINK_DOWN = "down"
/** Longest run typed on the keypad, minutes (as the full menu). */
export const MAX_MINUTES = 240

/** Seconds the result of a key ("ALL STOPPED", a refusal) stays on the detail line; on a
 *  16x2 display it covers the home screen's state line. */
export const FLASH_S = 5

/** Every screen id MiniMenu.screen can hold, space-separated. */
export const MINI_SCREENS = "home wzone wmin alarms"

export class MiniMenu {
    readonly ctl: Controller
    readonly rows: number
    readonly cols: number
    /** Seconds without a key before the display returns home. */
    timeoutS = 60
    /** LINK_NONE, LINK_UP or LINK_DOWN; set by the panel. */
    link = LINK_NONE
    /** Where commands go; null = straight to ctl.command(cmd, "keypad"). */
    send: ((cmd: any) => CommandResult) | null = null
    /** Current screen id (one of MINI_SCREENS). */
    screen = "home"
    mono = 0
    wall = 0
    lastKey = 0
    /** Number typed on the zone or minutes screen; -1 = nothing typed. */
    num = -1
    zone = 0
    /** Minutes a "#" with nothing typed starts (the last run's). */
    minutes = 10
    /** What the last key did or why it was refused; the detail line, for FLASH_S seconds. */
    flash = ""

    /** rows and cols as validated by panel-profile.ts (1-4 rows, at most 80 characters). */
    constructor(ctl: Controller, rows: number, cols: number) {
        this.ctl = ctl
        this.rows = rows
        this.cols = cols
    }

    /** Nothing for the shell to do: this panel never sets the clock. */
    takeActions(): MenuAction[] {
        return []
    }

    /** Time passes (about once a second): idle screens return home. */
    tick(monoS: number, wallS: number): void {
        this.mono = monoS
        this.wall = wallS
        if (monoS - this.lastKey >= FLASH_S) this.flash = ""
        if (monoS - this.lastKey >= this.timeoutS) go(this, "home")
    }

    /** One key of KEYS; anything else is ignored. */
    press(key: string, monoS: number, wallS: number): void {
        this.tick(monoS, wallS)
        if (key.length !== 1 || KEYS.indexOf(key) < 0) return
        this.lastKey = monoS
        this.flash = ""
        const d = "0123456789".indexOf(key)
        const items = this.ctl.alarms.items
        // A zone digit (or "A") on the home screen opens the zone screen and counts there.
        if (this.screen === "home" && (d > 0 || key === "A")) go(this, "wzone")
        const s = this.screen
        if (key === STOP_KEY) {
            go(this, "home")
            if (command(this, { k: "stopAll" })) this.flash = tt(this, T.Stopped1)
        } else if (s === "home") {
            if (key === "#" || key === "C") go(this, "alarms")
        } else if (key === "*") {
            if (this.num >= 0) this.num = -1
            else go(this, s === "wmin" ? "wzone" : "home")
        } else if (s === "alarms") {
            // The newest alarm is shown; acknowledging it shows the next.
            if (key === "#" && items.length > 0 && command(this, { k: "ackAlarm", id: items[items.length - 1].id })) this.flash = tt(this, T.Acked)
        } else if (d >= 0) {
            // Up to 3 digits (a 4th starts again); zone numbers never get past 2 (zoneKey).
            this.num = (this.num >= 0 && this.num < 100 ? this.num * 10 : 0) + d
            if (s === "wzone") zoneKey(this, false)
        } else if (key !== "#") {
            // A, B, C: nothing on these screens
        } else if (s === "wzone") zoneKey(this, true)
        else {
            // The minutes screen shows the zone and the minutes: its "#" is the confirmation.
            const v = this.num >= 0 ? this.num : this.minutes
            this.num = -1
            if (v < 1 || v > MAX_MINUTES) this.flash = tt(this, T.MinutesRange)
            else {
                this.minutes = v
                if (command(this, { k: "run", zone: this.zone, seconds: v * 60 })) {
                    go(this, "home")
                    this.flash = tt(this, T.Started)
                }
            }
        }
    }

    /** The display: exactly `rows` strings of exactly `cols` printable ASCII characters. */
    render(): string[] {
        const p = lines(this)
        if (this.flash !== "") p[2] = this.flash
        // A display of fewer than 4 rows keeps the main line (home: the top line) and the
        // detail line, else the hint.
        const l = this.rows >= 4 ? p : [p[this.screen === "home" ? 0 : 1], p[2] !== "" ? p[2] : p[3]]
        const out: string[] = []
        for (let i = 0; i < this.rows; i++) out.push(fit(i < l.length ? l[i] : "", this.cols))
        return out
    }
}

// Module functions rather than methods: a method also costs an entry in the class's
// prototype (64 KB limit on the firmware's function code).

/** A text in the controller's language (text(): only the texts shown take heap). */
function tt(me: MiniMenu, i: number): string {
    return text(me.ctl.settings.lang, i)
}

function go(me: MiniMenu, screen: string): void {
    me.screen = screen
    me.num = -1
    me.flash = ""
}

/** Sends a command; a refused one shows the core's error. */
function command(me: MiniMenu, c: any): boolean {
    const f = me.send
    const r = f !== null ? f(c) : me.ctl.command(c, "keypad")
    // The error alone: with "LOI:" before it the longer ones no longer fit 20 columns.
    if (!r.ok) me.flash = errorText(me.ctl.settings.lang, r.error)
    return r.ok
}

/** Checks the typed zone: a wrong one is refused at once; a right one is taken on "#" (ok), or
 *  as soon as no longer zone number starts with it. */
function zoneKey(me: MiniMenu, ok: boolean): void {
    const nz = me.ctl.cfg.zones.length
    const v = me.num
    if (v < 1 || v > nz) {
        me.flash = tt(me, T.NoSuchZone) + (v >= 0 ? " " + v : "")
        me.num = -1
    } else if (ok || v * 10 > nz || v > 9) {
        me.zone = v - 1
        go(me, "wmin")
    }
}

/** "T2 05:30": local weekday and time of a UTC time. */
function when(me: MiniMenu, utcS: number): string {
    const l = utcS + me.ctl.cfg.utcOffsetMin * 60
    return tt(me, T.Days0 + weekday(dayNumber(l))) + " " + hhmm(minuteOfDay(l))
}

/** The screen as [title, main, detail, hint]; render() keeps what the display has room for. */
function lines(me: MiniMenu): string[] {
    const s = me.screen
    const nz = me.ctl.cfg.zones.length
    const typed = me.num >= 0 ? me.num + "_" : ""
    const back = "#:OK " + tt(me, T.BackHint)
    const items = me.ctl.alarms.items
    const n = items.length
    if (s === "wzone") return [tt(me, T.WaterTitle), tt(me, T.ZoneAsk) + " (1-" + nz + "): " + typed, "", back]
    if (s === "wmin") return [tt(me, T.WaterTitle), tt(me, T.ZoneShort) + (me.zone + 1) + " " + tt(me, T.MinutesAsk) + " " + (typed !== "" ? typed : me.minutes), "", tt(me, T.StartHint)]
    if (s === "alarms") {
        if (n === 0) return [tt(me, T.AlarmsTitle), tt(me, T.NoAlarms), "", tt(me, T.BackHint)]
        const a = items[n - 1]
        const k = wordIndex(ALARM_KINDS, a.kind)
        const main = (k >= 0 ? tt(me, T.AlarmNames0 + k) : a.kind) + (a.zone >= 0 ? " #" + (a.zone + 1) : "")
        return [tt(me, T.AlarmsTitle) + " " + n, main, a.reason + (a.t >= MIN_VALID_WALL ? " " + when(me, a.t) : ""), back]
    }
    // home: the run that waters (else the first one waiting), in minutes left. Read from the
    // controller's jobs rather than status(), which builds every zone's record each second.
    const c = me.ctl
    const known = me.wall >= MIN_VALID_WALL
    let job: Job | null = null
    for (const j of c.jobs) if (!j.cancelled && (job === null || (j.running && !job.running))) job = j
    let state = job === null ? "" : tt(me, job.running ? T.Watering : T.Waiting) + " " + tt(me, T.ZoneShort) + (job.zone + 1) + " " + Math.ceil(job.remainingS / 60) + " " + tt(me, T.Min)
    if (c.paused) state = tt(me, T.Paused) + " " + state
    if (c.settings.standby) state = tt(me, T.Standby)
    if (c.fault !== "") state = tt(me, T.Fault) + " " + c.fault
    let next = tt(me, T.NoClock)
    if (known) {
        const off = c.cfg.utcOffsetMin * 60
        const ns = nextStart(c.programs, c.fired, me.wall + off, 7)
        if (c.settings.rainDelayUntil > me.wall) next = tt(me, T.RainUntil) + " " + when(me, c.settings.rainDelayUntil)
        else next = ns === null ? tt(me, T.NoNext) : tt(me, T.Next) + " " + when(me, ns.localS - off) + " " + tt(me, T.ProgShort) + ns.program
    }
    const right = (me.link === LINK_UP ? tt(me, T.LinkUp) : me.link === LINK_DOWN ? tt(me, T.LinkDown) : "") + (n > 0 ? " !" + n : "")
    // Clock on the left, link and alarms right-aligned; short of room the weekday goes first.
    const clock = known ? when(me, me.wall) : "--:--"
    const room = me.cols - right.length - 1
    const top = fit(clock.length > room ? clock.slice(clock.length - 5) : clock, room) + " " + right
    return [top, state !== "" ? state : tt(me, T.Idle), me.rows < 4 && state !== "" ? state : next, "1-" + nz + ":" + tt(me, T.Watering) + " #:" + tt(me, T.Items4)]
}
