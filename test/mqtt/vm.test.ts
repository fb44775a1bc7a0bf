// The firmware's MQTT link running as bytecode in the DeviceScript VM (firmware/
// link-test-main.ts: the real Shell and Link), against a broker on loopback: the embedded
// aedes broker and, when installed, Mosquitto. Invariants:
// - it connects, announces itself (retained availability, info, state), sends telemetry and
//   its diary, obeys commands sent with the command line tool's library and answers each,
//   also a repeated id (once) and hostile payloads (an error each, the VM keeps running);
//   its last will marks it offline when the power goes;
// - link flaps with power cuts between: every event the VM logged reaches the office's
//   diary file exactly once, in order.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import fc from "fast-check"
import type { MqttClient } from "mqtt"
import { parseCommand } from "../../firmware/core/mqtt/commands"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { compileDevs, withVmLock } from "../../tools/devs-vm"
import { DiaryLine, DiaryReceiver } from "../../tools/diary-receiver"
import { connectBroker, sendCommand, sendRaw, watch, type Watched } from "../../tools/tl"
import { BROKER_KINDS, startTestBroker, type TestBroker } from "./brokers"
import { hostile } from "./hostile"
import { LiveVm } from "./vm-live"

const PORT = 18830
const DEVICE = "vmtest"
/** 2026-06-01 06:00 local time (UTC+7), a Monday outside the peak windows. */
const T0 = 1780268400

let bytecode = ""

beforeAll(async () => {
    bytecode = await withVmLock(async () => compileDevs("firmware/link-test-main.ts"))
}, 120_000)

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timeout: ${what}`)
        await new Promise(r => setTimeout(r, 50))
    }
}

/** The shell's event log line for a diary record ("E <t> <kind> <cause> z.. p.. v.. reason"). */
function eventLine(r: DiaryLine): string {
    return ["E", r.t, r.kind, r.cause, "z" + r.zone, "p" + r.program, "v" + r.value, r.reason === "" ? "-" : r.reason].join(" ")
}

function sorted(xs: string[]): string[] {
    return [...xs].sort()
}

describe.each(BROKER_KINDS)("the link in the DeviceScript VM against %s", kind => {
    let office: MqttClient | null = null
    afterAll(async () => {
        await office?.endAsync(true)
    })

    it("connects, publishes, obeys commands from the CLI library and replies to each", async () => {
        await withVmLock(async () => {
            const broker = await startTestBroker(kind, PORT)
            const file = path.join(mkdtempSync(path.join(tmpdir(), "tl-diary-")), "diary.jsonl")
            const rx = new DiaryReceiver(file)
            office = await connectBroker({ url: broker.url, reconnectMs: 500 })
            await rx.attach(office)
            const seen: Watched[] = []
            await watch(office, DEVICE, m => seen.push(m))
            const vm = await LiveVm.start(bytecode, false)
            const send = (cmd: Record<string, unknown>, id?: string) =>
                sendCommand(office!, DEVICE, cmd, { timeoutMs: 10_000, id }).catch((e: Error) => {
                    throw new Error(`${e.message}: ${JSON.stringify(cmd)}\n${vm.tail(20)}`)
                })
            try {
                await vm.waitFor("L up", 20_000)
                await until("retained availability, info and state", () => ["av", "in", "st"].every(s => seen.some(m => m.suffix === s)), 5000)
                expect(seen.find(m => m.suffix === "av")?.text).toBe("online")
                const info = seen.find(m => m.suffix === "in")?.json
                expect(info.z.length).toBeGreaterThan(0)

                const clock = await send({ k: "setClock", utc: T0 })
                expect(clock).toMatchObject({ ok: true })
                const run = await send({ k: "run", zone: 0, seconds: 30 }, "run-z0-1")
                expect(run).toEqual({ id: "run-z0-1", ok: true })
                // The same id again: answered, not carried out a second time.
                const again = await send({ k: "run", zone: 0, seconds: 30 }, "run-z0-1")
                expect(again).toEqual({ id: "run-z0-1", ok: true, dup: 1 })
                await until("valve 0 open in the retained state", () => seen.some(m => m.suffix === "st" && m.json?.v?.[0] === "1"), 20_000)
                await until("valveOpen in the office diary", () => rx.readAll().some(r => r.kind === "valveOpen" && r.zone === 0 && r.t >= T0), 20_000)
                expect(rx.readAll().filter(r => r.kind === "runQueued" && r.cause === "remote").length).toBe(1)

                // Hostile payloads: an error reply each, nothing done, the VM keeps going.
                const handMade: [string, string | null, string][] = [
                    ['{"id":"h1","k":"run","zone":99,"seconds":5}', "h1", "bad_zone"],
                    ['{"id":"h2","k":"run","zone":0,"seconds":1e308}', "h2", "bad_seconds"],
                    ['{"id":"h3","k":"saveProgram","program":{"id":1}}', "h3", "bad_name"],
                    ['{"id":"h4","k":"__proto__"}', "h4", "unknown_command"],
                    ['{"id":"h5","k":"setClock","utc":"soon"}', "h5", "bad_utc"],
                    ['{"id":"h6","k":"calibrate","sensor":0,"dryRaw":100,"wetRaw":3000}', "h6", "bad_span"],
                    ["not json at all", null, "bad_json"],
                    ["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", null, "too_deep"],
                    ['{"id":"' + "x".repeat(1500) + '","k":"stopAll"}', null, "too_large"],
                    ['{"k":"stopAll"}', null, "bad_id"],
                    ['{"id":"a/b","k":"stopAll"}', null, "bad_id"],
                    ["\u00ff\u00fe\u0000", null, "bad_json"],
                ]
                for (const [payload, id, error] of handMade) {
                    const r = await sendRaw(office, DEVICE, payload, id, { timeoutMs: 10_000 }).catch((e: Error) => {
                        throw new Error(`${e.message}: ${payload}\n${vm.tail(20)}`)
                    })
                    expect(r.ok, payload).toBe(false)
                    if (error !== "") expect(r.error, payload).toBe(error)
                }
                // A sample of the Node fuzz corpus through the broker into the VM (payloads up to
                // 1.5 KB: brokers are configured to refuse larger command messages).
                const sample = fc.sample(hostile, { numRuns: 50, seed: 55 }).filter(h => Buffer.byteLength(h.payload) <= 1500)
                for (const h of sample) {
                    const id = parseCommand(h.payload).id // the id the controller can read, if any
                    const r = await sendRaw(office, DEVICE, h.payload, id, { timeoutMs: 10_000, retryMs: 60_000 }).catch((e: Error) => {
                        throw new Error(`${e.message}: ${h.payload}\n${vm.tail(12)}`)
                    })
                    expect(r.ok, h.payload).toBe(false)
                }
                expect(vm.lines.some(l => l.startsWith("PANIC"))).toBe(false)
                const status = await send({ k: "get", what: "status" })
                expect(status.ok).toBe(true)
                expect(status.data.zones[0].remainingS).toBeGreaterThan(0)
                await until("telemetry", () => seen.some(m => m.suffix === "tm" && m.json?.t >= T0), 10_000)

                const stop = await send({ k: "stopAll" })
                expect(stop.ok).toBe(true)
                await until("every valve closed again", () => {
                    const last = seen.filter(m => m.suffix === "st").pop()
                    return last !== undefined && !String(last.json.v).includes("1")
                }, 20_000)
                await until("stopAll in the diary", () => rx.readAll().some(r => r.kind === "stopAll" && r.cause === "remote"), 20_000)
                expect(vm.lines.some(l => l.startsWith("PANIC"))).toBe(false)

                // Power cut: the broker publishes the retained last will.
                await vm.kill()
                await until("availability offline", () => seen.filter(m => m.suffix === "av").pop()?.text === "offline", 10_000)
                const seqs = rx.readAll().map(r => r.seq)
                expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
                expect(new Set(seqs).size).toBe(seqs.length)
            } finally {
                await vm.kill()
                await office?.endAsync(true)
                office = null
                await broker.close()
            }
        })
    }, 120_000)

    it("link flaps and power cuts: every logged event reaches the office once, in order", async () => {
        await withVmLock(async () => {
            const file = path.join(mkdtempSync(path.join(tmpdir(), "tl-diary-")), "diary.jsonl")
            const rx = new DiaryReceiver(file)
            let broker: TestBroker | null = await startTestBroker(kind, PORT)
            office = await connectBroker({ url: broker.url, reconnectMs: 300 })
            await rx.attach(office)
            const logged: string[] = []
            const runs: LiveVm[] = []
            const collect = (vm: LiveVm) => {
                for (const l of vm.lines) if (l.startsWith("E ")) logged.push(l)
            }
            const officeHasAll = async (vm: LiveVm) => {
                await until(
                    "the office has every event logged so far",
                    () => rx.readAll().length >= logged.length + vm.lines.filter(l => l.startsWith("E ")).length,
                    30_000
                )
            }
            const brokerDown = async () => {
                await broker?.close()
                broker = null
            }
            const brokerUp = async () => {
                broker = await startTestBroker(kind, PORT)
            }
            try {
                // Run A: online; then the broker goes away; a burst while offline; power cut.
                let vm = await LiveVm.start(bytecode, false)
                runs.push(vm)
                await vm.waitFor("GEN done 1", 30_000)
                await officeHasAll(vm)
                await brokerDown()
                await vm.waitFor("L down", 10_000)
                await vm.waitFor("GEN done 2", 20_000)
                await vm.kill()
                collect(vm)

                // Run B: boots with no broker, a burst, the broker returns (replay), goes again,
                // another burst, power cut.
                vm = await LiveVm.start(bytecode, true)
                runs.push(vm)
                await vm.waitFor("GEN done 1", 30_000)
                await brokerUp()
                await vm.waitFor("L up", 15_000)
                await officeHasAll(vm)
                await brokerDown()
                await vm.waitFor("L down", 10_000)
                await vm.waitFor("GEN done 2", 20_000)
                await vm.kill()
                collect(vm)

                // Run C: broker up at boot; one more flap without a power cut.
                await brokerUp()
                vm = await LiveVm.start(bytecode, true)
                runs.push(vm)
                await vm.waitFor("GEN done 1", 30_000)
                await officeHasAll(vm)
                await brokerDown()
                await vm.waitFor("L down", 10_000)
                await vm.waitFor("GEN done 2", 20_000)
                await brokerUp()
                await officeHasAll(vm)
                await vm.kill()
                collect(vm)

                const got = rx.readAll()
                // Each logged event exactly once; nothing else (no lost-record notes: the
                // queue never filled).
                expect(sorted(got.map(eventLine))).toEqual(sorted(logged))
                expect(logged.filter(l => l.includes(" budget keypad ")).length).toBe(6 * 4)
                // One epoch, strictly increasing sequence numbers in file order.
                expect(new Set(got.map(r => r.epoch)).size).toBe(1)
                for (let i = 1; i < got.length; i++) expect(got[i].seq).toBeGreaterThan(got[i - 1].seq)
                // Order kept: the file's order is the order the VM logged them in.
                expect(got.map(eventLine)).toEqual(logged)
                for (const r of runs) expect(r.lines.some(l => l.startsWith("PANIC"))).toBe(false)
                console.log(`flap (${kind}): ${got.length} records over 3 boots, 2 power cuts, 3 broker outages; office dropped ${rx.duplicates} duplicates, asked ${rx.gaps} resends`)
            } finally {
                for (const r of runs) await r.kill()
                await office?.endAsync(true)
                office = null
                await broker?.close()
            }
        })
    }, 180_000)
})
