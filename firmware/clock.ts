// Wall-clock time (UTC epoch seconds) for the core's schedules and tariff.
//
// What DeviceScript 2.16.4 offers: no Date.now(), no NTP/SNTP API, no system wall clock.
// ds.millis() is monotonic time since the VM started. Real time has to come from a clock
// device. Sources, in order:
//   1. A DS3231 RTC module on the profile's I2C pins (address 0x68), read with
//      @devicescript/i2c. The box keeps it in UTC. Its oscillator-stop flag marks a clock
//      that lost power (flat coin cell) and is then not trusted.
//   2. A Jacdac "Real time clock" service (ds.RealTimeClock role), if one is on the bus; the
//      devtools simulator can provide one. Its reading is taken as UTC too.
//   3. set(): time pushed by software (later: MQTT/NTP bridge, keypad).
// Between readings the clock runs on ds.millis() from the last anchor, re-read every
// SYNC_MS (every RETRY_MS while unknown). Until some source has answered, nowS() is 0,
// which tells the core "unknown": it then runs no schedules (manual runs still work).
//
// The simulator has no I2C ("I2C not supported (yet)"), so there only 2 and 3 apply.

import * as ds from "@devicescript/core"
import { i2c } from "@devicescript/i2c"
import { civilFromDays, daysFromCivil, Hardware, isValidCivil, MIN_VALID_WALL } from "./core/index"
import { errText, logLine } from "./log"

export const DS3231_ADDR = 0x68
export const SYNC_MS = 10 * 60 * 1000
export const RETRY_MS = 30 * 1000

function bcd(b: number): number {
    return (b >> 4) * 10 + (b & 15)
}

function toBcd(n: number): number {
    return (Math.floor(n / 10) << 4) | n % 10
}

/** UTC civil time to epoch seconds; 0 if the fields are not a valid time in 2000..2099. */
export function civilToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
    if (!isValidCivil(y, mo, d)) return 0
    if (!(h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 60)) return 0
    return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
}

/** Decodes DS3231 registers 0x00..0x06; 0 if invalid. */
export function decodeDs3231(b: Buffer): number {
    const s = bcd(b[0] & 0x7f)
    const mi = bcd(b[1] & 0x7f)
    let h = 0
    if ((b[2] & 0x40) !== 0) {
        h = bcd(b[2] & 0x1f) % 12
        if ((b[2] & 0x20) !== 0) h += 12
    } else {
        h = bcd(b[2] & 0x3f)
    }
    const d = bcd(b[4] & 0x3f)
    const mo = bcd(b[5] & 0x1f)
    const y = 2000 + bcd(b[6])
    return civilToUtc(y, mo, d, h, mi, s)
}

export class WallClock {
    private useI2c: boolean
    private rtc: ds.RealTimeClock
    private anchorWall = 0
    private anchorMs = 0
    private nextSyncMs = 0
    /** Where the current time came from: "none", "ds3231", "jacdac", or set()'s source. */
    source = "none"
    private lastProblem = ""

    constructor(hw: Hardware, sim: boolean) {
        this.useI2c = !sim && hw.i2cSda >= 0 && hw.i2cScl >= 0
        this.rtc = new ds.RealTimeClock()
    }

    /** UTC seconds at monotonic ms, or 0 while unknown. */
    nowS(ms: number): number {
        if (this.anchorWall === 0) return 0
        return this.anchorWall + Math.floor((ms - this.anchorMs) / 1000)
    }

    /** Takes a UTC time from software; false if it is not plausible. */
    set(utcS: number, ms: number, source: string): boolean {
        if (typeof utcS !== "number" || utcS < MIN_VALID_WALL || utcS > 4102444800 || Math.floor(utcS) !== utcS) return false
        const before = this.nowS(ms)
        this.anchorWall = utcS
        this.anchorMs = ms
        if (this.source !== source || before === 0 || Math.abs(before - utcS) > 2) {
            logLine(["C", source, utcS, "was", before])
        }
        this.source = source
        return true
    }

    /** Also writes the time into the DS3231 when one is fitted (for set by MQTT/NTP later). */
    async setAndStore(utcS: number, ms: number, source: string): Promise<boolean> {
        if (!this.set(utcS, ms, source)) return false
        if (this.useI2c) {
            try {
                await writeDs3231(utcS)
            } catch (e) {
                this.problem("ds3231_write " + errText(e))
            }
        }
        return true
    }

    /** Re-reads the hardware clock when due. Never throws. */
    async sync(ms: number): Promise<void> {
        if (ms < this.nextSyncMs) return
        let t = 0
        let src = ""
        if (this.useI2c) {
            try {
                t = await readDs3231()
                src = "ds3231"
                if (t === 0) this.problem("ds3231_invalid")
            } catch (e) {
                this.problem("ds3231 " + errText(e))
            }
        }
        if (t === 0 && this.rtc.isBound) {
            try {
                const r = await this.rtc.reading.read()
                t = civilToUtc(r[0], r[1], r[2], r[4], r[5], r[6])
                src = "jacdac"
                if (t === 0) this.problem("jacdac_rtc_invalid")
            } catch (e) {
                this.problem("jacdac_rtc " + errText(e))
            }
        }
        // A read may have taken a while; anchor it at the time it was asked for.
        if (t !== 0 && this.set(t, ms, src)) this.lastProblem = ""
        this.nextSyncMs = ms + (this.anchorWall === 0 ? RETRY_MS : SYNC_MS)
    }

    private problem(p: string): void {
        if (p === this.lastProblem) return
        this.lastProblem = p
        logLine(["C problem", p])
    }
}

/** Reads the DS3231; 0 if its time is invalid or its oscillator had stopped. */
export async function readDs3231(): Promise<number> {
    const b = await i2c.readRegBuf(DS3231_ADDR, 0x00, 7)
    const status = await i2c.readReg(DS3231_ADDR, 0x0f)
    if ((status & 0x80) !== 0) return 0
    return decodeDs3231(b)
}

export async function writeDs3231(utcS: number): Promise<void> {
    const day = Math.floor(utcS / 86400)
    let rem = utcS - day * 86400
    const h = Math.floor(rem / 3600)
    rem -= h * 3600
    const mi = Math.floor(rem / 60)
    const s = rem - mi * 60
    const c = civilFromDays(day)
    const wd = ((day + 3) % 7) + 1 // DS3231 day register 1..7, Monday = 1
    const regs = Buffer.from([toBcd(s), toBcd(mi), toBcd(h), wd, toBcd(c.d), toBcd(c.m), toBcd(c.y - 2000)])
    await i2c.writeRegBuf(DS3231_ADDR, 0x00, regs)
    const status = await i2c.readReg(DS3231_ADDR, 0x0f)
    await i2c.writeReg(DS3231_ADDR, 0x0f, status & 0x7f)
}
