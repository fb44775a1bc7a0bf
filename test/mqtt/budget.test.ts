// Data budget: the bytes one controller sends per day over MQTT at default settings
// (tools/data-budget.ts runs the firmware's core and link session over simulated days and
// counts every MQTT packet). Target from issue 5: under 35 kB a day (about 1 MB a month).
import { describe, expect, it } from "vitest"
import { ipEstimate, measureDay, publishBytes } from "../../tools/data-budget"

describe("data budget", () => {
    it("a controller sends under 35 kB of MQTT a day at default settings", () => {
        const b = measureDay()
        const tcp = ipEstimate(b, false)
        console.log(`MQTT sent ${b.sentTotal} B/day (${JSON.stringify(b.sent)}), received ${b.receivedTotal} B/day; with TCP/IP ~${tcp.sent} sent, ~${tcp.received} received`)
        expect(b.sentTotal).toBeLessThan(35_000)
        // Everything of the day reached the office: one diary record per event.
        expect(b.events).toBeGreaterThan(30)
        expect(b.sent.ev).toBeGreaterThan(0)
        // Telemetry every 15 minutes dominates; the diary costs well under 100 bytes per event.
        expect(b.sent.ev / b.events).toBeLessThan(100)
    })

    it("MQTT packet sizes as the DeviceScript client writes them", () => {
        // 0x30, remaining length, topic length (2), topic, payload
        expect(publishBytes("tl/v1/x/st", "{}", 0)).toBe(1 + 1 + 2 + 10 + 2)
        expect(publishBytes("t", "x".repeat(200), 0)).toBe(1 + 2 + 2 + 1 + 200)
    })
})
