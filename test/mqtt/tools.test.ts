// The office side, in Node against the embedded broker (and Mosquitto when installed), with
// a virtual controller running the firmware's own core and session code. Invariants:
// - the command line tool's library lists controllers, sends commands and gets one reply
//   each; a command sent while the box is offline is re-sent with the same id and runs once;
// - the diary receiver stores each record once in its JSON-lines file, also across its own
//   restarts and the box's replays, and acknowledges so the box frees its flash;
// - Home Assistant discovery: each zone a valve, sensors, availability; announced again
//   when Home Assistant comes online;
// - TLS and credentials work with --ca / --username / --password; wrong ones are refused;
// - the embedded broker refuses oversized command payloads; the CLI runs.
import { execFile, spawnSync } from "node:child_process"
import { promisify } from "node:util"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { startBroker } from "../../tools/broker"
import { DiaryReceiver } from "../../tools/diary-receiver"
import { announceAll, discoveryMessages } from "../../tools/ha"
import { connectBroker, listControllers, sendCommand, sendRaw, watch, type Watched } from "../../tools/tl"
import { VirtualController } from "../../tools/virtual-controller"
import { REPO_ROOT } from "../../tools/devs-vm"
import { BROKER_KINDS, startTestBroker } from "./brokers"
import { defaultProfile, T0 } from "./fixture"

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timeout: ${what}`)
        await new Promise(r => setTimeout(r, 20))
    }
}

const tmp = () => mkdtempSync(path.join(tmpdir(), "tl-tools-"))

describe.each(BROKER_KINDS)("office tools against %s", kind => {
    const port = kind === "aedes" ? 18841 : 18842
    it("list, commands with replies, retries while offline, diary receiver, acknowledgements", async () => {
        const broker = await startTestBroker(kind, port)
        const flash = new Map<string, string>()
        const profile = defaultProfile()
        const file = path.join(tmp(), "diary.jsonl")
        let vc = new VirtualController({ url: broker.url, deviceId: "vc-1", profile, flash, wallS: T0, link: { batchDelayS: 1, stateHoldS: 1 } })
        const office = await connectBroker({ url: broker.url, reconnectMs: 300 })
        let rx = new DiaryReceiver(file)
        let detach = await rx.attach(office)
        try {
            await vc.start()
            vc.advance(3)
            const seen: Watched[] = []
            await watch(office, "vc-1", m => seen.push(m))
            const list = await listControllers(office, 300)
            expect(list.map(c => c.id)).toContain("vc-1")
            const me = list.find(c => c.id === "vc-1")!
            expect(me.online).toBe(true)
            expect(me.info.z).toEqual(["Tieu lo 1", "Tieu lo 2", "Tieu lo 3", "Tieu lo 4"])
            expect(me.state.v).toBe("0000")

            // A command and its reply; the box acts on it.
            const pending = sendCommand(office, "vc-1", { k: "run", zone: 0, seconds: 120 }, { timeoutMs: 5000 })
            const r = await pending
            expect(r.ok).toBe(true)
            vc.advance(20)
            await until("diary records at the office", () => rx.readAll().some(l => l.kind === "valveOpen"))
            await until("state with zone 1 open", () => seen.some(m => m.suffix === "st" && m.json.v === "1000"))
            await until("the box freed acknowledged records", () => vc.session.diary.pending() === 0)

            // Offline: the command is re-sent with the same id until the box is back; it runs once.
            await vc.stop(true)
            await until("last will", () => seen.some(m => m.suffix === "av" && m.text === "offline"))
            const late = sendCommand(office, "vc-1", { k: "setBudget", pct: 80 }, { timeoutMs: 10_000, retryMs: 200, id: "late-1" })
            await new Promise(res => setTimeout(res, 700))
            vc.advance(5) // events while offline stay in the box's diary
            vc = new VirtualController({ url: broker.url, deviceId: "vc-1", profile, flash, wallS: T0 + 100, link: { batchDelayS: 1, stateHoldS: 1 } })
            await vc.start()
            expect(await late).toEqual({ id: "late-1", ok: true })
            await new Promise(res => setTimeout(res, 600))
            expect(vc.ctl.settings.budgetPct).toBe(80)
            vc.advance(3)
            await until("budget event stored once", () => rx.readAll().filter(l => l.kind === "budget").length === 1)

            // The receiver restarts: it reads its file back and keeps records once.
            await detach()
            const before = rx.readAll().length
            rx = new DiaryReceiver(file)
            detach = await rx.attach(office)
            // A replay from the box (its acknowledgement lost): nothing is stored twice.
            const batch = vc.sent.filter(m => m.topic.endsWith("/ev")).pop()!
            office.publish("tl/v1/vc-1/ev", batch.payload)
            await new Promise(res => setTimeout(res, 300))
            expect(rx.readAll().length).toBe(before)
            expect(rx.duplicates).toBeGreaterThan(0)
            const seqs = rx.readAll().map(l => l.seq)
            expect(new Set(seqs).size).toBe(seqs.length)
            const lines = readFileSync(file, "utf8").trim().split("\n").map(l => JSON.parse(l))
            expect(lines[0]).toMatchObject({ device: "vc-1", kind: "boot" })
            expect(lines.find(l => l.kind === "valveOpen").time).toMatch(/^2026-05-31T23:/)

            // Hostile payload through the broker: an error reply with id null.
            expect(await sendRaw(office, "vc-1", "{nope", null, { timeoutMs: 3000 })).toEqual({ id: null, ok: false, error: "bad_json" })
        } finally {
            await detach()
            await vc.stop()
            await office.endAsync()
            await broker.close()
        }
    })
})

describe("office tools", () => {
    const cleanups: (() => Promise<void>)[] = []
    afterAll(async () => {
        for (const c of cleanups.reverse()) await c()
    })

    it("Home Assistant discovery: valves, sensors, availability; announced again when HA starts", async () => {
        const b = await startBroker({ port: 0 })
        cleanups.push(() => b.close())
        const msgs = discoveryMessages("homeassistant", "vc-2", { n: "Loc Quang tieu", z: ["Tieu lo 1", "Tieu lo 2"], s: 2, fw: "0.1.0" })
        const valves = msgs.filter(m => m.topic.startsWith("homeassistant/valve/"))
        expect(valves.map(m => m.topic)).toEqual(["homeassistant/valve/tl_vc-2/zone0/config", "homeassistant/valve/tl_vc-2/zone1/config"])
        const v0 = JSON.parse(valves[0].payload)
        expect(v0).toMatchObject({ name: "Tieu lo 1", command_topic: "tl/v1/vc-2/cmd", state_topic: "tl/v1/vc-2/st", availability: [{ topic: "tl/v1/vc-2/av" }] })
        expect(v0.command_template).toContain('"k":"run","zone":0')
        expect(v0.command_template).toContain('"k":"stopZone","zone":0')
        expect(msgs.filter(m => m.topic.includes("/sensor/tl_vc-2/soil")).length).toBe(2)
        for (const m of msgs) expect(() => JSON.parse(m.payload)).not.toThrow()

        const office = await connectBroker({ url: b.url })
        cleanups.push(() => office.endAsync())
        const ha = await connectBroker({ url: b.url })
        cleanups.push(() => ha.endAsync())
        const got: string[] = []
        ha.on("message", t => got.push(t))
        await ha.subscribeAsync("homeassistant/#")
        await office.publishAsync("tl/v1/vc-2/in", JSON.stringify({ n: "Box", z: ["A", "B", "C"], s: 1, fw: "0.1.0" }), { retain: true })
        const stop = await announceAll(office)
        cleanups.push(stop)
        await until("announced", () => got.filter(t => t.includes("/valve/")).length === 3)
        const n = got.length
        await ha.publishAsync("homeassistant/status", "online")
        await until("announced again", () => got.length >= 2 * n - 1)
    })

    it("TLS with a private CA and credentials; wrong password and unknown CA refused", async () => {
        const dir = tmp()
        const key = path.join(dir, "key.pem")
        const cert = path.join(dir, "cert.pem")
        const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { encoding: "utf8" })
        if (r.status !== 0) return // no openssl: nothing to test with
        const b = await startBroker({ port: 0, tls: { key: readFileSync(key), cert: readFileSync(cert) }, users: { office: "s3cret" } })
        cleanups.push(() => b.close())
        expect(b.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/)
        const ok = await connectBroker({ url: b.url, ca: cert, username: "office", password: "s3cret", reconnectMs: 0 })
        await ok.publishAsync("tl/v1/x/in", "{}", { retain: true })
        const list = await listControllers(ok, 200)
        expect(list.map(c => c.id)).toEqual(["x"])
        await ok.endAsync()
        await expect(connectBroker({ url: b.url, ca: cert, username: "office", password: "wrong", reconnectMs: 0 })).rejects.toThrow()
        await expect(connectBroker({ url: b.url, username: "office", password: "s3cret", reconnectMs: 0 })).rejects.toThrow()
        // The CLI with the same options.
        // The command line tool with the same options (the broker runs in this process: the
        // tool must run asynchronously).
        const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "tools", "tl.ts"), "--url", b.url, "--ca", cert, "--username", "office", "--password", "s3cret", "list"], { encoding: "utf8", cwd: REPO_ROOT })
        expect(stdout).toMatch(/^x /m)
    })

    it("the embedded broker delivers every message when retained, QoS 1 and plain messages interleave", async () => {
        // aedes 1.2 alone lost a third of these (retained state behind diary batches, commands
        // behind retained acknowledgements); tools/broker.ts numbers messages at hand-over.
        const b = await startBroker({ port: 0 })
        cleanups.push(() => b.close())
        const dev = await connectBroker({ url: b.url })
        const office = await connectBroker({ url: b.url })
        cleanups.push(() => dev.endAsync(true))
        cleanups.push(() => office.endAsync(true))
        let toDev = 0
        let toOffice = 0
        dev.on("message", () => toDev++)
        office.on("message", () => toOffice++)
        await dev.subscribeAsync(["tl/v1/d/cmd", "tl/v1/d/ack"], { qos: 1 })
        await office.subscribeAsync("tl/v1/d/+", { qos: 1 })
        for (let i = 0; i < 200; i++) {
            office.publish("tl/v1/d/ack", `{"e":1,"s":${i}}`, { qos: 1, retain: true })
            office.publish("tl/v1/d/cmd", `{"id":"c${i}","k":"stopAll"}`, { qos: 1 })
            dev.publish("tl/v1/d/st", `{"q":${i}}`, { qos: 0, retain: true })
            dev.publish("tl/v1/d/ev", `{"e":1,"p":${i},"r":[]}`, { qos: 0 })
            if (i % 5 === 0) await new Promise(r => setTimeout(r, 1))
        }
        await until("everything delivered", () => toDev === 400 && toOffice === 800, 5000)
    })

    it("the embedded broker refuses oversized command payloads", async () => {
        const b = await startBroker({ port: 0 })
        cleanups.push(() => b.close())
        const dev = await connectBroker({ url: b.url })
        const hostile = await connectBroker({ url: b.url, reconnectMs: 0 })
        const office = await connectBroker({ url: b.url })
        cleanups.push(() => dev.endAsync(true))
        cleanups.push(() => hostile.endAsync(true))
        cleanups.push(() => office.endAsync(true))
        const got: number[] = []
        dev.on("message", (_t, p) => got.push(p.length))
        await dev.subscribeAsync("tl/v1/d/cmd")
        hostile.publish("tl/v1/d/cmd", "x".repeat(3000)) // refused (aedes also drops the sender)
        await new Promise(r => setTimeout(r, 200))
        office.publish("tl/v1/d/cmd", "y".repeat(100))
        await until("small one delivered", () => got.length >= 1)
        await new Promise(r => setTimeout(r, 200))
        expect(got).toEqual([100])
    })
})
