// 4x4 membrane keypad scanned on 8 GPIOs (DeviceScript has no keypad driver).
//
// Wiring (the keypad's 8-pin ribbon, left to right: R1 R2 R3 R4 C1 C2 C3 C4):
//   rows    R1 "1 2 3 A"  R2 "4 5 6 B"  R3 "7 8 9 C"  R4 "* 0 # D"
//   columns C1 "1 4 7 *"  C2 "2 5 8 0"  C3 "3 6 9 #"  C4 "A B C D"
// Columns are inputs with pull-ups (input-only pins such as ESP32 GPIO34-39 have none: fit a
// 10 kOhm resistor from each to 3V3). Rows idle as inputs (high impedance); a scan drives
// one row low at a time and reads the columns: a pressed key pulls its column low. Only one
// row is ever driven, so two keys pressed together can never short two driven pins.
//
// Debounce: a key counts when DEBOUNCE_SCANS scans in a row (SCAN_MS apart) agree; it is
// reported once when it goes down (no auto-repeat: a key held by a shaking hand does not
// type twice). Two or more keys at once read as none, except that the stop key "D" wins
// over any other key. In the simulator (no GPIO) the keypad is a Jacdac matrix-keypad role
// "kp": each `down` event (key index row * 4 + column) types that key, so the HIL harness
// (tools/hil/) presses keys on the same bytecode; debouncing is the simulated device's job.

import * as ds from "@devicescript/core"
import "@devicescript/gpio"
import { errText, logLine } from "./log"
import { simRole } from "./hil/roles"

export const KEYMAP = ["123A", "456B", "789C", "*0#D"]
export const SCAN_MS = 15
export const DEBOUNCE_SCANS = 3

export class Keypad {
    private rows: ds.IOPin[] = []
    private cols: ds.IOPin[] = []
    /** "" when usable; else why not (simulator, a pin that cannot be bound). */
    broken = ""
    private candidate = ""
    private count = 0
    private down = ""
    /** Simulator: keys typed on the matrix-keypad role, not yet polled. */
    private typed = ""

    constructor(rowPins: number[], colPins: number[], sim: boolean) {
        if (sim) {
            const self = this
            const flat = KEYMAP.join("")
            simRole("kp", n => new ds.MatrixKeypad(n)).down.subscribe(i => {
                self.typed += flat.slice(i, i + 1)
            })
            return
        }
        try {
            for (const g of rowPins) {
                const p = ds.gpio(g)
                p.setMode(ds.GPIOMode.Input)
                this.rows.push(p)
            }
            for (const g of colPins) {
                const p = ds.gpio(g)
                p.setMode(ds.GPIOMode.InputPullUp)
                this.cols.push(p)
            }
        } catch (e) {
            this.broken = "gpio " + errText(e)
            this.rows = []
            this.cols = []
            logLine(["X keypad_unavailable", this.broken])
        }
    }

    /** The key held right now ("" none or an ambiguous chord); D wins any chord. */
    scanRaw(): string {
        let found = ""
        let n = 0
        for (let r = 0; r < this.rows.length; r++) {
            const row = this.rows[r]
            row.setMode(ds.GPIOMode.OutputLow)
            for (let c = 0; c < this.cols.length; c++) {
                if (this.cols[c].value === 0) {
                    const k = KEYMAP[r].slice(c, c + 1)
                    if (k === "D") {
                        row.setMode(ds.GPIOMode.Input)
                        return "D"
                    }
                    found = k
                    n++
                }
            }
            row.setMode(ds.GPIOMode.Input)
        }
        return n === 1 ? found : ""
    }

    /** One debounced scan; returns a key at the moment it is pressed, else "". */
    poll(): string {
        if (this.broken !== "") return ""
        if (this.typed !== "") {
            const t = this.typed.slice(0, 1)
            this.typed = this.typed.slice(1)
            return t
        }
        const k = this.scanRaw()
        if (k === this.candidate) {
            if (this.count < DEBOUNCE_SCANS) this.count++
        } else {
            this.candidate = k
            this.count = 1
        }
        if (this.count < DEBOUNCE_SCANS || k === this.down) return ""
        this.down = k
        return k
    }
}
