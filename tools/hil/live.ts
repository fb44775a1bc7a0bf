// `npm start -- --vm`: the box with the real bytecode in the loop. The built firmware
// (firmware/generated/firmware.devs) runs in the DeviceScript VM against the simulated box
// (bus.ts) and the farm behind it (farm-io.ts), in real time; this draws the box's display,
// its relays and what the firmware logs, and sends your keys to its keypad.
//
// Keys: 0-9, a b c d (A-D), * and #; q quits. Options: --for S (quit after S seconds),
// --bytecode file.devs. Without a terminal it prints plain lines (for smoke tests).

import { withVmLock } from "../devs-vm"
import { SLOT_INJECTOR, SLOT_MASTER, SLOT_PUMP, SLOT_ZONE0 } from "./bus"
import { FIRMWARE_DEVS, Hil } from "./harness"

function opt(argv: string[], name: string): string | undefined {
    const i = argv.indexOf(name)
    return i >= 0 ? argv[i + 1] : undefined
}

function relays(hil: Hil): string {
    const b = hil.box
    const zones = [...b.relays.keys()].filter(s => s >= SLOT_ZONE0).map(s => (b.relayOn(s) ? "#" : "."))
    const mark = (slot: number, name: string) => (b.relays.has(slot) ? `${name} ${b.relayOn(slot) ? "ON " : "off"}` : "")
    return [`valves ${zones.join("")}`, mark(SLOT_MASTER, "master"), mark(SLOT_PUMP, "pump"), mark(SLOT_INJECTOR, "inj")].filter(s => s).join("   ")
}

function frame(hil: Hil): string {
    const rows = hil.box.display().split("\n")
    while (rows.length < 4) rows.push("")
    const line = "+" + "-".repeat(22) + "+"
    const body = rows.slice(0, 4).map(r => "| " + r.padEnd(20).slice(0, 20) + " |")
    const events = hil.log
        .filter(l => /^(E|K|X|L) /.test(l.text))
        .slice(-6)
        .map(l => "  " + l.text)
    const t = new Date(hil.utcNow() * 1000).toISOString().slice(0, 19).replace("T", " ")
    return [`firmware in the DeviceScript VM  (UTC ${t}, meter ${hil.farm.meterL.toFixed(0)} L)`, line, ...body, line, relays(hil), "", "last firmware lines:", ...events, "", "keys: 0-9 a-d * #   q: quit"].join("\n")
}

export async function hilLive(argv: string[]): Promise<number> {
    const forS = Number(opt(argv, "--for") ?? 0)
    const bytecode = opt(argv, "--bytecode") ?? FIRMWARE_DEVS
    const tty = process.stdout.isTTY === true && process.stdin.isTTY === true
    return withVmLock(async () => {
        const hil = await Hil.start({ bytecode, wallStartUtcS: Math.floor(Date.now() / 1000) })
        let done: () => void = () => {}
        const finished = new Promise<void>(r => (done = r))
        let queue = Promise.resolve()
        if (tty) {
            process.stdin.setRawMode(true)
            process.stdin.setEncoding("utf8")
            process.stdin.on("data", (s: string) => {
                for (const ch of s) {
                    if (ch === "q" || ch === "\u0003") return done()
                    const k = ch.toUpperCase()
                    if ("0123456789ABCD*#".includes(k)) queue = queue.then(() => hil.box.press(k))
                }
            })
        }
        let last = ""
        const draw = setInterval(() => {
            const f = tty ? frame(hil) : hil.box.display().split("\n").join(" | ") + "  " + relays(hil)
            if (f === last) return
            last = f
            process.stdout.write((tty ? "\x1b[2J\x1b[H" : "") + f + "\n")
        }, 200)
        if (forS > 0) setTimeout(() => done(), forS * 1000)
        await finished
        clearInterval(draw)
        if (tty) process.stdin.setRawMode(false)
        process.stdin.pause()
        await hil.stop()
        return 0
    })
}
