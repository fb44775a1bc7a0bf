// The shipped firmware of a connected box (firmware/main.ts built for a profile with
// "link": "mqtt", firmware/profiles/esp32s3-8zone.json: shell, MQTT link and the small keypad
// menu; the bytecode a technician flashes) in the DeviceScript VM, provisioned the way a
// technician leaves a box
// (broker URL and device id in the flash's settings), against a broker on loopback: aedes
// and, when installed, Mosquitto. Invariants:
// - with the settings in flash it connects on its own and announces itself (retained
//   availability, info and state);
// - it obeys a command sent with the command line tool's library and replies to it, and a
//   stop from the office closes every valve again;
// - without settings the link stays off and the box still runs (offline first).
// The command-to-reply latency is printed, not asserted (the machine may be loaded).
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { MqttClient } from "mqtt"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildFirmware, compileDevs, runDevs, withVmLock } from "../../tools/devs-vm"
import { DiaryReceiver } from "../../tools/diary-receiver"
import { connectBroker, sendCommand, watch, type Watched } from "../../tools/tl"
import { BROKER_KINDS, startTestBroker } from "./brokers"
import { LiveVm } from "./vm-live"

const CONNECTED_PROFILE = "firmware/profiles/esp32s3-8zone.json"
/** Must match firmware/hil/provision.ts (the hardware-in-the-loop tests' provisioning). */
const PORT = 18834
const DEVICE = "hil"
/** 2026-06-01 06:00 local time (UTC+7), a Monday outside the peak windows. */
const T0 = 1780268400

let firmware = ""
let provision = ""

beforeAll(async () => {
    await withVmLock(async () => {
        firmware = buildFirmware(CONNECTED_PROFILE)
        provision = compileDevs("firmware/hil/provision.ts")
    })
}, 180_000)

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timeout: ${what}`)
        await new Promise(r => setTimeout(r, 50))
    }
}

describe("the shipped firmware without settings", () => {
    it("keeps the link off and runs offline", async () => {
        await withVmLock(async () => {
            const vm = await LiveVm.start(firmware, false)
            try {
                await vm.waitFor("L off", 30_000)
                // Still ticking after the link gave up: the shell logs its boot and ticks on.
                expect(vm.lines.some(l => l.startsWith("PANIC"))).toBe(false)
            } finally {
                await vm.kill()
            }
        })
    }, 60_000)
})

describe.each(BROKER_KINDS)("the shipped firmware against %s", kind => {
    let office: MqttClient | null = null
    afterAll(async () => {
        await office?.endAsync(true)
    })

    it("connects once provisioned, obeys a command from the CLI library and replies", async () => {
        await withVmLock(async () => {
            const broker = await startTestBroker(kind, PORT)
            const rx = new DiaryReceiver(path.join(mkdtempSync(path.join(tmpdir(), "fw-diary-")), "diary.jsonl"))
            office = await connectBroker({ url: broker.url, reconnectMs: 500 })
            await rx.attach(office)
            const seen: Watched[] = []
            await watch(office, DEVICE, m => seen.push(m))
            const p = await runDevs(provision, "provisioned", 30_000, false)
            expect(p.end).toBe("done")
            const vm = await LiveVm.start(firmware, true)
            const send = async (cmd: Record<string, unknown>) => {
                const t = Date.now()
                const r = await sendCommand(office!, DEVICE, cmd, { timeoutMs: 15_000 }).catch((e: Error) => {
                    throw new Error(`${e.message}: ${JSON.stringify(cmd)}\n${vm.tail(20)}`)
                })
                return { r, ms: Date.now() - t }
            }
            try {
                await vm.waitFor("L up", 30_000)
                await until("retained availability, info and state", () => ["av", "in", "st"].every(s => seen.some(m => m.suffix === s)), 10_000)
                expect(seen.find(m => m.suffix === "av")?.text).toBe("online")

                const clock = await send({ k: "setClock", utc: T0 })
                expect(clock.r).toMatchObject({ ok: true })
                const run = await send({ k: "run", zone: 1, seconds: 900 })
                expect(run.r).toMatchObject({ ok: true })
                await until("valve 2 open in the retained state", () => seen.some(m => m.suffix === "st" && m.json?.v?.[1] === "1"), 30_000)
                await until("the run in the office diary", () => rx.readAll().some(r => r.kind === "valveOpen" && r.zone === 1), 30_000)

                const stop = await send({ k: "stopAll" })
                expect(stop.r).toMatchObject({ ok: true })
                await until("every valve closed again", () => {
                    const last = seen.filter(m => m.suffix === "st").pop()
                    return last !== undefined && !String(last.json.v).includes("1")
                }, 30_000)
                expect(vm.lines.some(l => l.startsWith("PANIC"))).toBe(false)
                console.log(`firmware (${kind}): command-to-reply ${clock.ms} / ${run.ms} / ${stop.ms} ms (setClock / run / stopAll)`)
            } finally {
                await vm.kill()
                await office?.endAsync(true)
                office = null
                await broker.close()
            }
        })
    }, 150_000)
})
