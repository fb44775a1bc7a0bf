// Input checks shared by commands, the keypad and restored settings. Values arrive from
// MQTT JSON and from flash, so nothing about their type can be assumed.

export function isInt(x: any): boolean {
    return typeof x === "number" && x === x && Math.floor(x) === x && x > -4294967296 && x < 4294967296
}

export function isIntIn(x: any, lo: number, hi: number): boolean {
    return isInt(x) && x >= lo && x <= hi
}

export function isBool(x: any): boolean {
    return x === true || x === false
}

/** Printable ASCII except the field separator "|" and the list separator ",". */
export function isSafeName(x: any, maxLen: number): boolean {
    if (typeof x !== "string") return false
    const s: string = x
    if (s.length > maxLen) return false
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 32 || c > 126 || c === 124 || c === 44) return false
    }
    return true
}
