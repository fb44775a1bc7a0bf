// The box's control panel: 4x4 keypad -> a menu of the core -> character LCD.
//
//   import { startPanel } from "./panel"
//   const panel = startPanel(shell, null, null, (c, r, k) => new Menu(c, r, k))
//   // after shell.boot(); null = this board's default panel, null = no link state
//
// Everything runs in its own fibers: the keypad is scanned every SCAN_MS, the display is
// redrawn after each key and once a second. Neither can hold up the control tick, and a
// failure in either is logged and leaves the watering alone. Menu commands go through
// Shell.command() (validated by the core, logged "K keypad ...", persisted by the shell's
// write fiber); the menu's "set clock" action sets the shell's clock and the DS3231.
// In the simulator there is no GPIO or I2C: the keypad is off and the display goes to the
// log ("L |...|"); the terminal UI drives the same Menu from Node instead.

import * as ds from "@devicescript/core"
import type { MenuAction } from "./core/menu/menu"
import type { Controller } from "./core/controller"
import type { CommandResult } from "./core/types"
import { defaultPanel, PanelConfig } from "./core/menu/panel-profile"
import { DEBOUNCE_SCANS, Keypad, SCAN_MS } from "./keypad"
import { Lcd } from "./lcd"
import { errText, logLine } from "./log"
import { Shell } from "./shell"

/** What the panel uses of a menu: the full Menu (offline box) and the MiniMenu (connected
 *  box) both have it. A type only, so the panel pulls neither into the image by itself. */
export interface PanelMenu {
    timeoutS: number
    link: string
    send: ((cmd: any) => CommandResult) | null
    press(key: string, monoS: number, wallS: number): void
    tick(monoS: number, wallS: number): void
    render(): string[]
    takeActions(): MenuAction[]
}

/** Makes the panel's menu. */
export type MenuFactory = (ctl: Controller, rows: number, cols: number) => PanelMenu

export class Panel {
    readonly shell: Shell
    readonly menu: PanelMenu
    readonly keypad: Keypad
    readonly lcd: Lcd
    drawing = false
    dirty = true
    keys = 0

    constructor(shell: Shell, cfg: PanelConfig, makeMenu: MenuFactory) {
        this.shell = shell
        this.menu = makeMenu(shell.ctl, cfg.lcdRows, cfg.lcdCols)
        this.menu.timeoutS = cfg.timeoutS
        const self = this
        this.menu.send = (cmd: any) => self.shell.command(cmd, "keypad")
        this.keypad = new Keypad(cfg.rows, cfg.cols, shell.sim)
        this.lcd = new Lcd(cfg.lcdAddress, cfg.lcdCols, cfg.lcdRows, shell.sim)
    }

    /** A key from the keypad (or from a test harness). Never throws. */
    press(key: string): void {
        const ms = ds.millis()
        try {
            this.menu.press(key, Math.floor(ms / 1000), this.shell.clock.nowS(ms))
            this.keys++
            doActions(this, this.menu.takeActions())
        } catch (e) {
            logLine(["X panel_key", key, errText(e)])
        }
        this.dirty = true
    }
}

// The panel's other steps are module functions rather than methods: a method also costs an
// entry in the class's prototype (64 KB limit on the firmware's function code).

/** The link state for the home screen: "up", "down", or anything else for none. */
function setLink(me: Panel, state: string): void {
    const s = state === "up" ? "up" : state === "down" ? "down" : "none"
    if (s !== me.menu.link) {
        me.menu.link = s
        me.dirty = true
    }
}

function doActions(me: Panel, actions: MenuAction[]): void {
    const clock = me.shell.clock
    // forEach, not for..of: DeviceScript rejects closures over loop variables.
    actions.forEach(a => {
        if (a.a !== "setClock") return
        setTimeout(async () => {
            try {
                await clock.setAndStore(a.utcS, ds.millis(), "keypad")
            } catch (e) {
                logLine(["X panel_clock", errText(e)])
            }
        }, 0)
    })
}

/** Once a second: time passes in the menu; the display is redrawn. */
function second(me: Panel): void {
    const ms = ds.millis()
    try {
        me.menu.tick(Math.floor(ms / 1000), me.shell.clock.nowS(ms))
    } catch (e) {
        logLine(["X panel_tick", errText(e)])
    }
    me.dirty = true
}

/** Writes the menu's frame to the LCD if it may have changed (one draw at a time). */
async function draw(me: Panel): Promise<void> {
    if (me.drawing || !me.dirty) return
    me.drawing = true
    me.dirty = false
    try {
        if (!me.lcd.isReady()) await me.lcd.begin()
        await me.lcd.show(me.menu.render())
    } catch (e) {
        logLine(["X panel_draw", errText(e)])
    } finally {
        me.drawing = false
    }
}

/**
 * Starts the panel's fibers; returns the panel, or null if it could not be set up.
 * cfg null = defaultPanel(board); linkState (optional) is read once a second for the home
 * screen, e.g. `() => link.state` of firmware/link.ts ("up", "down", "off", ...).
 */
export function startPanel(shell: Shell, cfg: PanelConfig | null, linkState: (() => string) | null, makeMenu: MenuFactory): Panel | null {
    let panel: Panel
    try {
        panel = new Panel(shell, cfg !== null ? cfg : defaultPanel(shell.hw.board), makeMenu)
    } catch (e) {
        logLine(["X panel", errText(e)])
        return null
    }
    const p = panel
    logLine(["B panel", "keypad=" + (p.keypad.broken === "" ? "ok" : p.keypad.broken), "lcd=" + p.lcd.cols + "x" + p.lcd.rows])
    if (p.keypad.broken === "") {
        setInterval(async () => {
            let k = ""
            try {
                k = p.keypad.poll()
            } catch (e) {
                logLine(["X keypad_scan", errText(e)])
            }
            if (k !== "") {
                p.press(k)
                await draw(p)
            }
        }, SCAN_MS)
    }
    setInterval(async () => {
        if (linkState !== null) {
            try {
                setLink(p, linkState())
            } catch (e) {
                logLine(["X panel_link", errText(e)])
            }
        }
        second(p)
        await draw(p)
    }, 1000)
    logLine(["B panel_debounce_ms", SCAN_MS * DEBOUNCE_SCANS])
    return p
}
