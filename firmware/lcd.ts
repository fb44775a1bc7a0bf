// HD44780 character LCD (16x2, 20x4) behind a PCF8574 I2C backpack, the common cheap module
// ("LCD 2004 + I2C"). DeviceScript has no driver for it; this one writes whole rows in one
// I2C transaction each and only rows that changed.
//
// Backpack wiring (nearly all modules): P0 = RS, P1 = RW (kept low), P2 = E, P3 = backlight,
// P4..P7 = D4..D7: the LCD runs in 4-bit mode, each byte as two nibbles, each nibble latched
// by a high-then-low E. At 100 kHz one I2C byte takes ~90 us, longer than any HD44780
// command except clear/home, which get their own wait.
// PCF8574T modules answer at 0x27, PCF8574AT at 0x3F; when the profile's address does not
// answer, the other one is tried. In the simulator (no I2C) the display is written to the
// log instead ("L<row> |text|"), only rows that change, and to a Jacdac character-screen
// role "lcd" (the HIL harness's display) when one is bound.

import * as ds from "@devicescript/core"
import { i2c } from "@devicescript/i2c"
import { errText, logLine } from "./log"
import { simRole } from "./hil/roles"

const RS = 0x01
const EN = 0x04
const BACKLIGHT = 0x08
/** Wait between attempts to find a display that did not answer. */
export const RETRY_MS = 30000

export class Lcd {
    readonly cols: number
    readonly rows: number
    address: number
    private sim: boolean
    private screen: ds.CharacterScreen | null = null
    private ready = false
    private shown: string[] = []
    private retryAt = 0
    /** "" when working; else the last problem (logged once). */
    problem = ""

    constructor(address: number, cols: number, rows: number, sim: boolean) {
        this.address = address
        this.cols = cols
        this.rows = rows
        this.sim = sim
        if (sim) this.screen = simRole("lcd", n => new ds.CharacterScreen(n))
    }

    /** Bytes that clock one nibble (upper 4 bits of `nibble`) into the LCD. */
    private pushNibble(out: number[], nibble: number, rs: number): void {
        const b = (nibble & 0xf0) | rs | BACKLIGHT
        out.push(b | EN)
        out.push(b)
    }

    private pushByte(out: number[], value: number, rs: number): void {
        this.pushNibble(out, value & 0xf0, rs)
        this.pushNibble(out, (value << 4) & 0xf0, rs)
    }

    private async send(bytes: number[]): Promise<void> {
        await i2c.writeBuf(this.address, Buffer.from(bytes))
    }

    private async command(c: number): Promise<void> {
        const out: number[] = []
        this.pushByte(out, c, 0)
        await this.send(out)
    }

    /** The HD44780 4-bit initialisation by instruction (datasheet figure 24). */
    private async init(): Promise<void> {
        await ds.sleep(50)
        for (let i = 0; i < 3; i++) {
            const out: number[] = []
            this.pushNibble(out, 0x30, 0)
            await this.send(out)
            await ds.sleep(5)
        }
        const four: number[] = []
        this.pushNibble(four, 0x20, 0)
        await this.send(four)
        await this.command(0x28) // 4-bit, 2 display lines (4-line modules are 2 lines folded), 5x8
        await this.command(0x0c) // display on, no cursor, no blink
        await this.command(0x06) // entry mode: left to right, no shift
        await this.command(0x01) // clear
        await ds.sleep(3)
        this.shown = []
        for (let r = 0; r < this.rows; r++) this.shown.push("")
    }

    /** Connects (trying 0x27 and 0x3F too); false when no display answers. Never throws.
     *  After a failure it waits RETRY_MS before trying again. */
    async begin(): Promise<boolean> {
        if (this.sim) {
            this.ready = true
            for (let r = 0; r < this.rows; r++) this.shown.push("")
            return true
        }
        if (ds.millis() < this.retryAt) return false
        this.retryAt = ds.millis() + RETRY_MS
        const tries = [this.address, 0x27, 0x3f]
        for (const a of tries) {
            try {
                this.address = a
                await this.init()
                this.ready = true
                this.problem = ""
                logLine(["B lcd", "addr=" + a, this.cols + "x" + this.rows])
                return true
            } catch (e) {
                this.report("lcd_init " + errText(e))
            }
        }
        this.ready = false
        return false
    }

    /** DDRAM address of the start of a row (rows 3 and 4 continue rows 1 and 2). */
    private rowAddress(r: number): number {
        const base = r % 2 === 0 ? 0x00 : 0x40
        return base + (r >= 2 ? this.cols : 0)
    }

    /** Shows `lines` (already exactly cols x rows printable ASCII); writes changed rows only. */
    async show(lines: string[]): Promise<void> {
        if (!this.ready) return
        if (this.sim) {
            // Only the rows that changed: "L2 |Tuoi K2 14:58      |".
            let changed = false
            for (let r = 0; r < lines.length; r++) {
                if (this.shown[r] === lines[r]) continue
                this.shown[r] = lines[r]
                changed = true
                logLine(["L" + (r + 1) + " |" + lines[r] + "|"])
            }
            const s = this.screen
            if (changed && s !== null && s.isBound) await s.message.write(lines.join("\n"))
            return
        }
        try {
            for (let r = 0; r < this.rows && r < lines.length; r++) {
                const line = lines[r]
                if (this.shown[r] === line) continue
                const out: number[] = []
                this.pushByte(out, 0x80 | this.rowAddress(r), 0)
                for (let i = 0; i < line.length && i < this.cols; i++) this.pushByte(out, line.charCodeAt(i), RS)
                await this.send(out)
                this.shown[r] = line
            }
        } catch (e) {
            // A loose cable: re-initialise on the next draw.
            this.report("lcd_write " + errText(e))
            this.ready = false
        }
    }

    /** Whether the display is working (or being written to the log in the simulator). */
    isReady(): boolean {
        return this.ready
    }

    private report(p: string): void {
        if (p === this.problem) return
        this.problem = p
        logLine(["X", p])
    }
}
