// Keyboard -> terminal UI actions. The box's 4x4 keypad "123A456B789C*0#D" is typed directly:
// digits, * and #, and a/b/c/d (either case) for A-D (D = STOP ALL on the box). Enter is also #
// and Backspace also *. Everything else is a simulator control; none of them is a keypad key.

import { KEYS } from "../../firmware/core/menu/menu"

export type FaultKind = "sensor" | "burst" | "clog" | "link"

export type TuiAction =
    | { a: "key"; key: string }
    | { a: "quit" }
    | { a: "pause" }
    | { a: "faster" }
    | { a: "slower" }
    | { a: "fault"; fault: FaultKind }
    | { a: "repair" }

/** Simulator hotkeys (lower case; upper case works too except for the keypad letters). */
export const FAULT_KEYS: Record<string, FaultKind> = { s: "sensor", p: "burst", g: "clog", l: "link" }
export const REPAIR_KEY = "r"

/** Speed steps, simulated seconds per wall second. */
export const SPEEDS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

export interface KeyInfo {
    return?: boolean
    backspace?: boolean
    delete?: boolean
    ctrl?: boolean
}

/** The action for one keypress as ink's useInput reports it (input text and key flags). */
export function actionFor(input: string, key: KeyInfo = {}): TuiAction | null {
    if (key.ctrl && (input === "c" || input === "C")) return { a: "quit" }
    if (input === "\u0003") return { a: "quit" }
    if (key.return) return { a: "key", key: "#" }
    if (key.backspace || key.delete) return { a: "key", key: "*" }
    if (input.length !== 1) return null
    const up = input.toUpperCase()
    if (KEYS.indexOf(up) >= 0) return { a: "key", key: up }
    const low = input.toLowerCase()
    if (low === "q") return { a: "quit" }
    if (input === " ") return { a: "pause" }
    if (input === "]" || input === "+" || input === "=") return { a: "faster" }
    if (input === "[" || input === "-" || input === "_") return { a: "slower" }
    if (FAULT_KEYS[low] !== undefined) return { a: "fault", fault: FAULT_KEYS[low] }
    if (low === REPAIR_KEY) return { a: "repair" }
    return null
}

/** The next speed step above (dir 1) or below (dir -1) the current speed. */
export function stepSpeed(speed: number, dir: 1 | -1): number {
    if (dir > 0) return SPEEDS.find((s) => s > speed) ?? SPEEDS[SPEEDS.length - 1]
    for (let i = SPEEDS.length - 1; i >= 0; i--) if (SPEEDS[i] < speed) return SPEEDS[i]
    return SPEEDS[0]
}

/** Help lines shown under the display. */
export const KEYPAD_HELP = [
    "keypad   1 2 3 A   digits 0-9, * back, # OK (Enter = #, Backspace = *)",
    "         4 5 6 B   a b c d = A B C D   (A water now, B pause, C menu)",
    "         7 8 9 C   D = STOP ALL (any screen)",
    "         * 0 # D",
]
export const SIM_HELP = [
    "sim      space pause   [ or - slower   ] or + faster   q / Ctrl-C quit",
    "faults   s sensor dead   p burst main pipe   g clog a zone   l link down/up   r repair all",
]
