// Fixed-width text for a character display, in the DeviceScript subset: strings there have
// no padStart, repeat or substring, and numbers no toString/toFixed, so everything here is
// built by hand from slice, charCodeAt and integer arithmetic.

/** Printable ASCII only: any other character (a Vietnamese letter with a diacritic, a tab,
 *  a control code) becomes "?", so an HD44780 never gets a byte it would draw as garbage. */
export function ascii(s: string): string {
    let out = ""
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        out += c >= 32 && c <= 126 ? s.slice(i, i + 1) : "?"
    }
    return out
}

/** Exactly w characters: cut, or padded with spaces on the right. */
export function fit(s: string, w: number): string {
    if (w <= 0) return ""
    let out = s.length > w ? s.slice(0, w) : s
    while (out.length < w) out += " "
    return out
}

/** Exactly w characters, right-aligned (cut on the left's side keeps the start). */
export function padLeft(s: string, w: number): string {
    if (s.length >= w) return s.slice(0, w)
    let pad = ""
    for (let i = s.length; i < w; i++) pad += " "
    return pad + s
}

/** Left text and right text on one line of w characters; the right part wins space. */
export function leftRight(left: string, right: string, w: number): string {
    if (right.length >= w) return right.slice(0, w)
    const room = w - right.length
    return fit(left, room) + right
}

/** Two digits with a leading zero (0..99). */
export function two(n: number): string {
    return n < 10 ? "0" + n : "" + n
}

/** "HH:MM" of minutes after midnight. */
export function hhmm(minute: number): string {
    return two(Math.floor(minute / 60)) + ":" + two(minute % 60)
}

/** "M:SS" or "H:MM:SS" of a duration in seconds (negative shown as 0). */
export function duration(s: number): string {
    const t = s > 0 ? Math.floor(s) : 0
    const h = Math.floor(t / 3600)
    const m = Math.floor((t - h * 3600) / 60)
    const sec = t % 60
    if (h > 0) return h + ":" + two(m) + ":" + two(sec)
    return m + ":" + two(sec)
}

/** Tenths as "28.4" (non-negative integers). */
export function tenths(v: number): string {
    const a = v < 0 ? -v : v
    return (v < 0 ? "-" : "") + Math.floor(a / 10) + "." + (a % 10)
}

/** Value of a string of decimal digits; -1 if empty or not all digits. */
export function digitsValue(s: string): number {
    if (s.length === 0) return -1
    let v = 0
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i) - 48
        if (c < 0 || c > 9) return -1
        v = v * 10 + c
    }
    return v
}

/** Whether a key is one of "0".."9". */
export function isDigitKey(k: string): boolean {
    if (k.length !== 1) return false
    const c = k.charCodeAt(0)
    return c >= 48 && c <= 57
}

/** Uppercase ASCII letters (for titles). */
export function upper(s: string): string {
    let out = ""
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        out += c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : s.slice(i, i + 1)
    }
    return out
}
