// The "panel" key of the installation profile: the keypad and display wiring of the box.
//
//   "panel": { "rows": [4, 5, 16, 17], "cols": [36, 39, 15, 12],
//              "lcdAddress": 39, "lcdCols": 20, "lcdRows": 4, "timeoutS": 60 }
//
// rows: the four GPIOs of the keypad's row wires, top row ("1 2 3 A") first; the firmware
// drives them. cols: the four GPIOs of the column wires, left column ("1 4 7 *") first; the
// firmware reads them with pull-ups. lcdAddress: the I2C address of the PCF8574 backpack
// (39 = 0x27 for PCF8574T, 63 = 0x3F for PCF8574AT). The LCD shares the I2C bus of the
// profile's pins.i2cSda/i2cScl with the real-time clock. A profile without "panel" is a box
// without keypad and display. Kept apart from parseProfile() (core/profile.ts) so that the
// core's own profile reader does not change; pure, DeviceScript-compatible.

import { Hardware } from "../profile"
import { isInt } from "../validate"

export interface PanelConfig {
    rows: number[]
    cols: number[]
    lcdAddress: number
    lcdCols: number
    lcdRows: number
    /** Seconds without a key before the display returns home. */
    timeoutS: number
}

export interface PanelResult {
    /** null when the profile has no "panel" (or when it has errors). */
    panel: PanelConfig | null
    errors: string[]
}

/** I2C addresses of PCF8574 (0x20..0x27) and PCF8574A (0x38..0x3F) backpacks. */
export function isBackpackAddress(a: number): boolean {
    return (a >= 0x20 && a <= 0x27) || (a >= 0x38 && a <= 0x3f)
}

function pins(x: any, path: string, errors: string[]): number[] {
    const out: number[] = []
    if (!Array.isArray(x) || x.length !== 4) {
        errors.push(path + ": must be a list of 4 GPIO numbers")
        return out
    }
    for (let i = 0; i < 4; i++) {
        const g = x[i]
        if (!isInt(g) || g < 0 || g > 48) errors.push(path + "[" + i + "]: must be a GPIO number from 0 to 48")
        else out.push(g)
    }
    return out
}

function intField(x: any, path: string, lo: number, hi: number, dflt: number, errors: string[]): number {
    if (x === undefined) return dflt
    if (!isInt(x) || x < lo || x > hi) {
        errors.push(path + ": must be a whole number from " + lo + " to " + hi)
        return dflt
    }
    return x
}

/** Reads root.panel of a JSON-decoded installation profile. */
export function parsePanel(root: any): PanelResult {
    if (root === null || typeof root !== "object" || root.panel === undefined) return { panel: null, errors: [] }
    const p = root.panel
    const errors: string[] = []
    if (p === null || typeof p !== "object" || Array.isArray(p)) return { panel: null, errors: ["panel: must be an object"] }
    const rows = pins(p.rows, "panel.rows", errors)
    const cols = pins(p.cols, "panel.cols", errors)
    const all: number[] = []
    for (const g of rows) all.push(g)
    for (const g of cols) all.push(g)
    for (let i = 0; i < all.length; i++) {
        for (let j = 0; j < i; j++) if (all[j] === all[i]) errors.push("panel: GPIO" + all[i] + " is used twice")
    }
    const lcdAddress = intField(p.lcdAddress, "panel.lcdAddress", 0, 127, 0x27, errors)
    if (!isBackpackAddress(lcdAddress)) errors.push("panel.lcdAddress: a PCF8574 backpack answers at 32-39 (0x20-0x27) or 56-63 (0x38-0x3F); most are 39 (0x27) or 63 (0x3F)")
    const lcdCols = intField(p.lcdCols, "panel.lcdCols", 16, 40, 20, errors)
    const lcdRows = intField(p.lcdRows, "panel.lcdRows", 1, 4, 4, errors)
    if (lcdCols * lcdRows > 80) errors.push("panel.lcdCols: an HD44780 shows at most 80 characters (lcdCols x lcdRows)")
    const timeoutS = intField(p.timeoutS, "panel.timeoutS", 10, 600, 60, errors)
    if (errors.length > 0) return { panel: null, errors: errors }
    return { panel: { rows: rows, cols: cols, lcdAddress: lcdAddress, lcdCols: lcdCols, lcdRows: lcdRows, timeoutS: timeoutS }, errors: [] }
}

/**
 * The panel wiring of the shipped profiles, by board: what devicescript.json (ESP32 DevKitC)
 * and firmware/profiles/esp32s3-8zone.json (ESP32-S3) say under "panel". The firmware uses
 * it until tools/build-firmware.mjs generates the parsed "panel" of the profile being built;
 * test/menu/panel-profile.test.ts keeps the two in step.
 */
export function defaultPanel(board: string): PanelConfig {
    if (board === "esp32s3_devkit_m" || board === "esp32s3_bare") return { rows: [10, 11, 12, 13], cols: [14, 21, 47, 4], lcdAddress: 0x27, lcdCols: 20, lcdRows: 4, timeoutS: 60 }
    return { rows: [4, 5, 16, 17], cols: [36, 39, 15, 12], lcdAddress: 0x27, lcdCols: 20, lcdRows: 4, timeoutS: 60 }
}

/** Panel pins that another output or input of the box already uses. */
export function panelPinConflicts(panel: PanelConfig, hw: Hardware): string[] {
    const used: number[] = []
    const names: string[] = []
    for (let z = 0; z < hw.zones.length; z++) {
        used.push(hw.zones[z].valve)
        names.push("zones[" + z + "].valvePin")
        used.push(hw.zones[z].soilAdc)
        names.push("zones[" + z + "].soilPin")
    }
    const others = [hw.pump, hw.master, hw.injector, hw.flowMeter, hw.i2cSda, hw.i2cScl]
    const otherNames = ["pins.pump", "pins.master", "pins.injector", "pins.flowMeter", "pins.i2cSda", "pins.i2cScl"]
    for (let i = 0; i < others.length; i++) {
        used.push(others[i])
        names.push(otherNames[i])
    }
    const errors: string[] = []
    for (let i = 0; i < 8; i++) {
        const g = i < 4 ? panel.rows[i] : panel.cols[i - 4]
        const path = i < 4 ? "panel.rows[" + i + "]" : "panel.cols[" + (i - 4) + "]"
        for (let k = 0; k < used.length; k++) if (used[k] >= 0 && used[k] === g) errors.push(path + ": GPIO" + g + " is already used by " + names[k])
    }
    return errors
}
