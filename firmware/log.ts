// Compact console lines. Every line starts with a one-letter tag so a log collector (and,
// later, the MQTT bridge) can tell them apart:
//   B boot/config   E core event   O outputs changed   S periodic status
//   W written to flash   C clock   X fault in the shell itself
// DeviceScript crashes the compiler on `+` chains of more than 7 values, so lines are built
// with join().

import { CoreEvent } from "./core/index"

export function errText(e: any): string {
    if (e === null || e === undefined) return "unknown"
    if (typeof e === "string") return e
    if (typeof e.message === "string") return e.message
    return "" + e
}

export function logLine(parts: any[]): void {
    console.log(parts.join(" "))
}

/** "E <utc> <kind> <cause> z<zone> p<program> v<value> <reason>" (reason "-" when empty). */
export function eventLine(e: CoreEvent): string {
    const reason = e.reason === "" ? "-" : e.reason
    return ["E", e.t, e.kind, e.cause, "z" + e.zone, "p" + e.program, "v" + e.value, reason].join(" ")
}

/** Booleans as a string of 0/1, one character per output. */
export function bits(xs: boolean[]): string {
    let s = ""
    for (const x of xs) s += x ? "1" : "0"
    return s
}
