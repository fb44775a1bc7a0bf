// Remote commands through the device-side parser, the session and the control core.
// Invariants:
// - fuzz: 12,000 malformed or hostile payloads on the device's own command topic: no throw,
//   exactly one reply each, every reply an error, and the controller's state (status,
//   programs, settings, alarms, fired starts, jobs) unchanged; no event emitted;
// - idempotency: a repeated id is answered with the first result and "dup":1 and runs once,
//   also after a reboot (the recent ids are in flash);
// - a device acts only on its own topics;
// - well-formed commands work, "get" reads, expired commands do not run.
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { RecentCommands } from "../../firmware/core/mqtt/commands"
import { DiaryQueue } from "../../firmware/core/mqtt/diary"
import { execCore } from "../../firmware/core/mqtt/exec"
import { defaultLinkConfig, LinkSession } from "../../firmware/core/mqtt/session"
import { topic } from "../../firmware/core/mqtt/topics"
import { busyController, T0 } from "./fixture"
import { hostile } from "./hostile"

const DEV = "box-1"
const CMD = topic(DEV, "cmd")

function session(ctl: Controller, recent = new RecentCommands()): LinkSession {
    const d = new DiaryQueue(16)
    d.restoreMeta(undefined, 5)
    d.finishRestore()
    const s = new LinkSession(defaultLinkConfig(DEV), d, recent)
    s.connect(0, "{}", "{}")
    s.takeOutbox()
    return s
}

function snapshot(ctl: Controller): string {
    return JSON.stringify({
        status: ctl.status(),
        programs: ctl.programs,
        settings: ctl.settings,
        alarms: ctl.alarms.items,
        fired: ctl.fired,
        jobs: ctl.jobs,
        fault: ctl.fault,
        paused: ctl.paused,
    })
}

/** Sends one payload; returns the replies it produced. */
function send(s: LinkSession, ctl: Controller, payload: string, wall = T0 + 20, t = CMD): any[] {
    s.message(t, payload, wall, 120, cmd => execCore(ctl, cmd))
    return s
        .takeOutbox()
        .filter(m => m.kind === "re")
        .map(m => JSON.parse(m.payload))
}

describe("remote commands", () => {
    it("fuzz: 12,000 malformed or hostile payloads: no crash, no state change, an error reply each", () => {
        const { ctl } = busyController()
        const s = session(ctl)
        const before = snapshot(ctl)
        const samples = fc.sample(hostile, { numRuns: 12_000, seed: 20260601 })
        const errors = new Map<string, number>()
        const kinds = new Map<string, number>()
        for (const { payload, kind } of samples) {
            let replies: any[] = []
            expect(() => (replies = send(s, ctl, payload))).not.toThrow()
            expect(replies.length, payload).toBe(1)
            const r = replies[0]
            expect(r.ok, payload).toBe(false)
            expect(typeof r.error === "string" && r.error.length > 0, payload).toBe(true)
            errors.set(r.error, (errors.get(r.error) ?? 0) + 1)
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
        }
        expect(snapshot(ctl)).toBe(before)
        // Nothing was emitted either: the next step reports no command event.
        const out = ctl.step({ monoS: 121, wallS: T0 + 21, soil: [280, 280, 280, 280] })
        expect(out.events.filter(e => e.cause === "remote")).toEqual([])
        expect(samples.length).toBeGreaterThanOrEqual(10_000)
        // Many distinct refusals were exercised, from the parser and from the core.
        for (const code of ["bad_json", "not_object", "bad_id", "too_deep", "too_large", "bad_command", "expired", "bad_zone", "bad_seconds", "unknown_command", "bad_name"]) {
            expect(errors.get(code) ?? 0, code).toBeGreaterThan(0)
        }
        console.log(`fuzz: ${samples.length} payloads (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}); ${errors.size} distinct error codes: ${[...errors].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}`)
    })

    it("well-formed commands run; get reads the core; replies carry the id", () => {
        const { ctl } = busyController()
        const s = session(ctl)
        expect(send(s, ctl, '{"id":"c1","k":"run","zone":2,"seconds":300}')).toEqual([{ id: "c1", ok: true }])
        expect(ctl.status().queued + ctl.status().zones.filter(z => z.state !== 0).length).toBeGreaterThan(1)
        const got = send(s, ctl, '{"id":"c2","k":"get","what":"programs"}')[0]
        expect(got.ok).toBe(true)
        expect(got.data[0].name).toBe("Sang")
        // Edit and save back what "get" returned.
        const p = { ...got.data[0], name: "Chieu", startsMin: [960] }
        expect(send(s, ctl, JSON.stringify({ id: "c3", k: "saveProgram", program: p }))).toEqual([{ id: "c3", ok: true }])
        expect(ctl.programs[0]?.name).toBe("Chieu")
        expect(send(s, ctl, '{"id":"c4","k":"stopAll","exp":' + (T0 + 3600) + "}")).toEqual([{ id: "c4", ok: true }])
        expect(send(s, ctl, '{"id":"c5","k":"get","what":"status"}')[0].data.zones.length).toBe(4)
    })

    it("idempotent by id: a repeat gets the first answer and does nothing, also after a reboot", () => {
        const { ctl } = busyController()
        const recent = new RecentCommands()
        const s = session(ctl, recent)
        const runs = () => ctl.jobs.filter(j => j.zone === 3).length
        expect(send(s, ctl, '{"id":"r1","k":"run","zone":3,"seconds":300}')).toEqual([{ id: "r1", ok: true }])
        const after = snapshot(ctl)
        expect(runs()).toBe(1)
        expect(send(s, ctl, '{"id":"r1","k":"run","zone":3,"seconds":300}')).toEqual([{ id: "r1", ok: true, dup: 1 }])
        expect(send(s, ctl, '{"id":"r1","k":"run","zone":3,"seconds":999}')).toEqual([{ id: "r1", ok: true, dup: 1 }])
        expect(snapshot(ctl)).toBe(after)
        expect(send(s, ctl, '{"id":"r2","k":"run","zone":99,"seconds":300}')).toEqual([{ id: "r2", ok: false, error: "bad_zone" }])
        expect(send(s, ctl, '{"id":"r2","k":"run","zone":99,"seconds":300}')).toEqual([{ id: "r2", ok: false, error: "bad_zone", dup: 1 }])
        // The recent ids survive a reboot through their flash record.
        const rec = s.takeWrites().find(w => w.key === "dc")
        expect(rec).toBeDefined()
        expect(rec!.value.length).toBeLessThanOrEqual(190)
        const again = new RecentCommands()
        again.restore(rec!.value)
        const s2 = session(ctl, again)
        expect(send(s2, ctl, '{"id":"r1","k":"run","zone":3,"seconds":300}')).toEqual([{ id: "r1", ok: true, dup: 1 }])
        expect(snapshot(ctl)).toBe(after)
        // "get" is never remembered: asking twice reads twice.
        expect(send(s2, ctl, '{"id":"g1","k":"get","what":"settings"}')[0].dup).toBeUndefined()
        expect(send(s2, ctl, '{"id":"g1","k":"get","what":"settings"}')[0].dup).toBeUndefined()
    })

    it("the recent-id list is bounded and its flash record stays under 200 characters", () => {
        const r = new RecentCommands()
        for (let i = 0; i < 40; i++) r.add("id-" + "x".repeat(10) + i, i % 2 ? "" : "bad_seconds")
        expect(r.ids.length).toBe(16)
        expect(r.find("id-xxxxxxxxxx39")).toBe(15)
        const enc = r.encode()
        expect(enc.length).toBeLessThanOrEqual(190)
        const back = new RecentCommands()
        back.restore(enc)
        expect(back.ids.length).toBeGreaterThan(3)
        expect(back.ids[back.ids.length - 1]).toBe("id-xxxxxxxxxx39")
        back.restore("garbage")
        back.restore('[["a/b",""],[5,""]]')
        expect(back.find("a/b")).toBe(-1)
    })

    it("a device acts only on its own topics", () => {
        const { ctl } = busyController()
        const s = session(ctl)
        const before = snapshot(ctl)
        const valid = '{"id":"t1","k":"stopAll"}'
        for (const t of ["tl/v1/box-2/cmd", "tl/v1/box-1x/cmd", "tl/v1/box/cmd", "tl/v1/box-1/cmd/x", "tl/v1/box-1/cmdx", "tl/v2/box-1/cmd", "tl/v1/+/cmd", "tl/v1/#", "tl/v1/box-1/re", "tl/v1/box-1/st", "box-1/cmd", ""]) {
            expect(s.message(t, valid, T0, 1, cmd => execCore(ctl, cmd)).what, t).toBe("ignored")
        }
        expect(s.takeOutbox()).toEqual([])
        expect(snapshot(ctl)).toBe(before)
        // Acknowledgements of another epoch (an old retained ack) are ignored too.
        expect(s.message(topic(DEV, "ack"), '{"e":6,"s":3}', T0, 1, () => ({ ok: true, error: "" })).what).toBe("ignored")
        expect(s.message(CMD, valid, T0, 1, cmd => execCore(ctl, cmd)).what).toBe("cmd")
    })
})
