import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"

const repo = new URL("../../", import.meta.url).pathname

function sim(...args: string[]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "sim/cli.ts", ...args], { cwd: repo, encoding: "utf8", timeout: 60_000 })
    return { code: r.status, out: r.stdout, err: r.stderr }
}

describe("npm run sim", () => {
    it("--json prints one report with the required fields; same seed, same bytes", () => {
        const a = sim("--farm", "loc-quang", "--days", "20", "--seed", "1", "--strategy", "controller", "--json")
        const b = sim("--farm", "loc-quang", "--days", "20", "--seed", "1", "--strategy", "controller", "--json")
        expect(a.code).toBe(0)
        expect(a.out).toBe(b.out)
        const r = JSON.parse(a.out)
        for (const k of ["irrigationM3", "irrigationMm", "rainMm", "etcMm", "deepPercolationMm", "stressDays", "irrigationDeepPercolationMm",
            "waterloggedDays", "yieldLossPct", "pumpKWh", "pumpKWhPeak", "pumpKWhNormal", "pumpKWhOffPeak", "energyCostVnd", "alarms", "rules"]) {
            expect(r).toHaveProperty(k)
        }
        expect(r.strategy).toBe("controller")
        expect(r.days).toBe(20)
    })

    it("--compare runs every strategy on the same weather, with ratios, as JSON or as a table", () => {
        const j = sim("--farm", "phuoc-thien", "--days", "10", "--seed", "2", "--compare", "--json")
        expect(j.code).toBe(0)
        const c = JSON.parse(j.out)
        expect(Object.keys(c.reports)).toEqual(["controller", "fixed", "weekly", "oracle"])
        const rain = new Set(Object.values(c.reports).map((r: any) => r.rainMm))
        expect(rain.size).toBe(1)
        expect(c.ratios.fixed.waterVsFixed).toBe(1)
        expect(c.ratios.controller.waterVsFixed).toBeCloseTo(c.reports.controller.irrigationM3 / c.reports.fixed.irrigationM3, 3)
        const t = sim("--farm", "phuoc-thien", "--days", "10", "--seed", "2", "--compare")
        expect(t.code).toBe(0)
        expect(t.out).toMatch(/controller\s+fixed\s+weekly\s+oracle/)
        expect(t.out).toMatch(/water \/ fixed/)
        expect(t.out).toMatch(/Rules:/)
    })

    it("without --json prints a readable summary with the strategy's rules", () => {
        const r = sim("--farm", "10ha", "--days", "5", "--strategy", "fixed")
        expect(r.code).toBe(0)
        expect(r.out).toMatch(/^10ha \(10 ha\), strategy fixed, seed 1, 5 days from 2025-01-01/)
        expect(r.out).toMatch(/energy cost, VND/)
        expect(r.out).toMatch(/The farmer's habit/)
    })

    it("bad arguments: a clear error and exit code 2", () => {
        const cases: [string[], RegExp][] = [
            [["--days", "0"], /--days must be from 1 to 3650/],
            [["--days", "ten"], /--days must be a whole number/],
            [["--seed"], /--seed needs a value/],
            [["--strategy", "magic"], /--strategy must be one of controller, fixed, weekly, oracle/],
            [["--farm", "atlantis"], /--farm atlantis: "atlantis" is neither a preset \(loc-quang, phuoc-thien, 10ha\) nor a readable farm file/],
            [["--start", "2025-02-30"], /--start must be a date/],
            [["--bogus"], /unknown option --bogus/],
            [["--compare", "--strategy", "fixed"], /--compare runs every strategy/],
            [["--speed", "10"], /only go with --live/],
        ]
        for (const [args, msg] of cases) {
            const r = sim(...args)
            expect(r.code, args.join(" ")).toBe(2)
            expect(r.err).toMatch(msg)
            expect(r.out).toBe("")
        }
    })

    it("--live without a terminal prints a few status lines and stops", () => {
        const r = sim("--live", "--for", "2", "--farm", "phuoc-thien", "--seed", "3")
        expect(r.code).toBe(0)
        const lines = r.out.trim().split("\n")
        expect(lines[0]).toMatch(/^live \(not a terminal\): phuoc-thien, controller, seed 3, 2 days/)
        expect(lines.slice(1)).toHaveLength(2)
        expect(lines[1]).toMatch(/^2025-01-02 00:00 pump (on|off) open \[.*\] θ% /)
        const d = sim("--live")
        expect(d.code).toBe(0)
        expect(d.out.trim().split("\n")).toHaveLength(4)
    })

    it("--help", () => {
        const r = sim("--help")
        expect(r.code).toBe(0)
        expect(r.out).toMatch(/usage: npm run sim/)
    })
})
