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
        const until = performance.now() + 150
        let x = 0
        while (performance.now() < until) x += Math.sqrt(x + 1)
        const d = cpuSince(a, threadCpu()!)
        expect(x).toBeGreaterThan(0)
        // 150 ms of wall time spinning: at least some of it on the CPU, in 10 ms ticks.
        expect(d.mainS).toBeGreaterThanOrEqual(0.05)
        expect(d.otherS).toBeLessThan(d.mainS)
    })
})
