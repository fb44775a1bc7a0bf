// The technician's box check (firmware/hil/boxtest.ts, `npm run box:test`) against the
// simulated box: every zone valve clicks on its own, in order, with the master valve; the
// pump and injector are never switched; each probe reads what the simulated probe reports
// through the profile's calibration; a key pressed is echoed on the log and the display.

import { expect, it } from "vitest"
import { compileDevs, withVmLock } from "../../tools/devs-vm"
import { SLOT_INJECTOR, SLOT_MASTER, SLOT_PUMP, SLOT_ZONE0 } from "../../tools/hil/bus"
import { Hil } from "../../tools/hil/harness"

it("the box check clicks each valve alone, reads each probe and echoes keys", async () => {
    await withVmLock(async () => {
        const bytecode = compileDevs("firmware/hil/boxtest.ts")
        const hil = await Hil.start({ bytecode, wallStartUtcS: Date.UTC(2026, 0, 7, 0, 0) / 1000, readyLine: /^BOXTEST start/ })
        try {
            await hil.waitForLine(/^BOXTEST keys ok/, 40_000)
            await hil.press("7")
            await hil.waitForLine(/^BOXTEST key 7/, 5_000)
            expect(hil.box.display()).toContain("key: 7")
            expect(hil.log.some(l => /^BOXTEST clock jacdac utc=1767744/.test(l.text)), "clock read from the simulated RTC").toBe(true)

            const ch = hil.box.changes
            const zoneOn = ch.filter(c => c.slot >= SLOT_ZONE0 && c.on).map(c => c.slot - SLOT_ZONE0)
            expect(zoneOn).toEqual([0, 1, 2, 3])
            expect(ch.some(c => c.slot === SLOT_PUMP || c.slot === SLOT_INJECTOR), "pump and injector never switched").toBe(false)
            expect(ch.filter(c => c.slot === SLOT_MASTER && c.on).length).toBe(4)
            // One valve at a time: replaying the changes, never two zone relays on together.
            const on = new Set<number>()
            for (const c of ch) {
                if (c.slot < SLOT_ZONE0) continue
                if (c.on) on.add(c.slot)
                else on.delete(c.slot)
                expect(on.size).toBeLessThanOrEqual(1)
            }
            // Probe k reads the simulated probe's ratio placed between the dry and wet points.
            const hw = hil.farm.farm.profile.hardware
            for (let k = 0; k < 4; k++) {
                const line = hil.log.find(l => l.text.startsWith(`BOXTEST probe ${k + 1} `))
                expect(line, `probe ${k + 1} reported`).toBeTruthy()
                const raw = Number(/raw=(\d+)/.exec(line!.text)![1])
                const z = hw.zones[k]
                const want = z.soilDryRaw - hil.farm.probeRatio(k) * (z.soilDryRaw - z.soilWetRaw)
                expect(Math.abs(raw - want)).toBeLessThan(40) // the soil changes a little while valves click
            }
            const pulses = hil.log.filter(l => /^BOXTEST valve \d closed pulses=\d+/.test(l.text))
            expect(pulses.length, "flow meter read during each click").toBe(4)
            console.log(`[hil boxtest] ${pulses.map(l => l.text.replace("BOXTEST ", "")).join("; ")}`)
        } catch (e) {
            console.log(hil.tail(30))
            throw e
        } finally {
            await hil.stop()
        }
    })
}, 120_000)
