// The firmware shell, built for each shipped profile and run inside the DeviceScript VM.
// Invariants: every shipped profile validates and compiles; the shell's VM self-test
// (schedules, pump interlock, flash records, safe state, reboot restore) passes on each; the
// firmware entry point boots with every output off and ticks.
import { spawnSync } from "node:child_process"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { compileDevs, REPO_ROOT, runDevs, withVmLock } from "../../tools/devs-vm"

// The planner profile (firmware/profiles/loc-quang-planner.json) is built and run by
// test/hil/planner.test.ts.
const PROFILES = ["devicescript.json", "firmware/profiles/esp32s3-8zone.json"]

function build(profile: string) {
    return spawnSync(process.execPath, [path.join(REPO_ROOT, "tools", "build-firmware.mjs"), "--profile", profile], { cwd: REPO_ROOT, encoding: "utf8" })
}

describe("firmware in the DeviceScript VM", () => {
    afterAll(async () => {
        // Leave the default profile generated, as npm install left it.
        await withVmLock(async () => build("devicescript.json"))
    })

    for (const profile of PROFILES) {
        it(`${profile}: builds, reports its bytecode size, and passes the shell self-test`, async () => {
            await withVmLock(async () => {
                const b = build(profile)
                expect(b.status, b.stdout + b.stderr).toBe(0)
                expect(b.stdout).toMatch(/[\d,]+ bytes of bytecode/)
                const run = await runDevs(compileDevs("firmware/selftest.ts"), "SELFTEST", 120_000)
                const fails = run.lines.filter(l => l.startsWith("FAIL"))
                expect(fails).toEqual([])
                expect(run.lines.some(l => l.includes("SELFTEST OK")), run.lines.slice(-10).join("\n")).toBe(true)
            })
        }, 240_000)
    }

    it("a profile with mistakes is refused with every error named, and nothing is built", () => {
        const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "tools", "build-firmware.mjs"), "--profile", "test/firmware/bad-profile.json"], { cwd: REPO_ROOT, encoding: "utf8" })
        expect(r.status).toBe(1)
        const out = r.stdout + r.stderr
        expect(out).toContain("zones[0].valvePin")
        expect(out).toContain("tariff.windows[0].from")
        expect(out).toContain("board")
        expect(out).toContain('link: must be "none"')
    })
})
