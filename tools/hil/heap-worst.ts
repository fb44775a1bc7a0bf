// Worst-case heap of the connected box: the link is down (no broker), so every diary record
// stays held in RAM and flash until the diary is full (DEFAULT_DIARY_SLOTS), while the keypad
// keeps starting and stopping runs. Prints the events logged and the peak live heap after each
// keypad cycle, against the ESP32 runtime's 64 KB. A benchmark, not a test: it
// takes a few minutes.
//
//   npm run bench:heap [-- cycles]      (default 14 cycles; the diary fills at about 9)

import { buildFirmware, compileDevs, connectedDefaultProfile, withVmLock } from "../devs-vm"
import { Hil } from "./harness"

/** Wednesday 2026-01-07 05:00 local time (UTC+7), outside the peak windows. */
const T0 = Date.UTC(2026, 0, 6, 22, 0) / 1000
const cycles = Number(process.argv[2] ?? 14)

await withVmLock(async () => {
    const firmware = buildFirmware(connectedDefaultProfile())
    const provision = compileDevs("firmware/hil/provision.ts")
    const hil = await Hil.start({ bytecode: firmware, wallStartUtcS: T0, provision, readyLine: /^B records/ })
    try {
        console.log(`boot: peak live ${hil.heap.peakLive} B`)
        for (let c = 1; c <= cycles; c++) {
            // The small menu: zone 2, 15 minutes, "#" starts; then D stops everything.
            await hil.press("215#")
            await hil.waitFor(() => false, 10_000)
            await hil.press("D")
            await hil.waitFor(() => false, 8_000)
            const full = hil.log.some(l => l.text.startsWith("L diary_full"))
            console.log(`cycle ${c}: ${hil.log.filter(l => l.text.startsWith("E ")).length} events logged${full ? " (diary full)" : ""}; peak live ${hil.heap.peakLive} B (${((hil.heap.peakLive * 100) / 65536).toFixed(1)}% of 64 KB), peak occupied ${hil.heap.peakUsed} B`)
        }
    } finally {
        await hil.stop()
    }
})
