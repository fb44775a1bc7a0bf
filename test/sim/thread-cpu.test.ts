import fs from "node:fs"
import { describe, expect, it } from "vitest"
import { cpuSince, statTicks, threadCpu } from "../../sim/thread-cpu"

describe("thread CPU for the bench (/proc)", () => {
    it("reads utime + stime after the command name, whatever the name holds", () => {
        // Fields 14 and 15 (utime 37, stime 5); the name itself has spaces and ") ".
        const line = "4242 (a) b c) R 1 4242 4242 0 -1 4194560 100 0 0 0 37 5 0 0 20 0 4 0 123 456 789"
        expect(statTicks(line)).toBe(42)
    })

    it("refuses a line that is not a stat line", () => {
        expect(() => statTicks("no parentheses here")).toThrow()
        expect(() => statTicks("1 (x) R")).toThrow()
    })

    it.runIf(fs.existsSync("/proc/self/task"))("counts busy work on the main thread, not on the others", () => {
        const a = threadCpu()!
        // Spin until the process has had 100 ms of CPU (not of wall time: on a busy machine
        // wall time says little about how long the thread ran), or give up after 10 s.
        const c0 = process.cpuUsage()
        const giveUp = performance.now() + 10_000
        let x = 0
        while (process.cpuUsage(c0).user < 100_000 && performance.now() < giveUp) for (let i = 0; i < 1000; i++) x += Math.sqrt(x + i)
        const d = cpuSince(a, threadCpu()!)
        expect(x).toBeGreaterThan(0)
        // /proc counts in 10 ms ticks; the spinning was this thread's.
        expect(d.mainS).toBeGreaterThanOrEqual(0.05)
        expect(d.otherS).toBeLessThan(d.mainS)
    })
})
