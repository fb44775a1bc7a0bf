// Bytes a controller sends (and receives) per day over MQTT at default settings, measured by
// running the firmware's own core and link session over simulated days and counting every
// MQTT packet the DeviceScript client would put on the wire.
//
//   npx tsx tools/data-budget.ts            prints the table for the reference day
//
// The reference day (the second of two, so boot traffic is not counted): the default profile
// (devicescript.json, Loc Quang pepper, 4 zones with soil probes), one program watering every
// zone 20 min at 05:30 and 15:00 with soil feedback, telemetry every 15 min, a keep-alive
// ping after 200 s without traffic, the cellular link dropping twice for 10 minutes, three commands from the
// office (a "get status", a manual run, a budget change), the office acknowledging every
// diary batch. Each MQTT packet is one socket write (firmware/mqttc.ts).

import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Controller } from "../firmware/core/controller"
import { ackJson } from "../firmware/core/mqtt/codec"
import { RecentCommands } from "../firmware/core/mqtt/commands"
import { DiaryQueue } from "../firmware/core/mqtt/diary"
import { execCore } from "../firmware/core/mqtt/exec"
import { infoOf, stateOf, telemetryOf } from "../firmware/core/mqtt/report"
import { defaultLinkConfig, LinkSession } from "../firmware/core/mqtt/session"
import { OFFLINE, T_ACK, T_CMD, topic } from "../firmware/core/mqtt/topics"
import { parseProfile } from "../firmware/core/profile"
import { DayMode } from "../firmware/core/types"
import { DiaryReceiver } from "./diary-receiver"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/** Remaining-length field size of an MQTT packet. */
function rl(n: number): number {
    return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4
}

export function publishBytes(t: string, payload: string, qos: number): number {
    const rem = 2 + Buffer.byteLength(t) + (qos > 0 ? 2 : 0) + Buffer.byteLength(payload)
    return 1 + rl(rem) + rem
}

export function connectBytes(clientId: string, willTopic: string, willMsg: string, user: string, pass: string): number {
    let rem = 10 + 2 + clientId.length + 2 + willTopic.length + 2 + willMsg.length
    if (user) rem += 2 + user.length
    if (user && pass) rem += 2 + pass.length
    return 1 + rl(rem) + rem
}

/** One SUBSCRIBE carrying every topic (as firmware/mqttc.ts sends it). */
export function subscribeBytes(topics: string[]): number {
    let rem = 2
    for (const t of topics) rem += 2 + Buffer.byteLength(t) + 1
    return 1 + rl(rem) + rem
}

export interface BudgetOptions {
    deviceId?: string
    telemetryS?: number
    pingS?: number
    /** Link drops in the measured day (10 minutes each, spread over the day). */
    drops?: number
    commands?: number
    /** Broker credentials (they travel in each CONNECT). */
    user?: string
    pass?: string
}

export interface Budget {
    /** MQTT bytes the controller sent during the measured day, by kind. */
    sent: Record<string, number>
    received: Record<string, number>
    sentTotal: number
    receivedTotal: number
    /** MQTT packets each way (for the TCP/TLS overhead estimate). */
    packetsSent: number
    packetsReceived: number
    events: number
    batches: number
}

export function measureDay(o: BudgetOptions = {}): Budget {
    const prof = parseProfile(JSON.parse(readFileSync(path.join(ROOT, "devicescript.json"), "utf8")))
    if (prof.profile === null) throw new Error(prof.errors.join("\n"))
    const cfg = prof.profile.config
    const id = o.deviceId ?? "0123456789abcdef"
    const pingS = o.pingS ?? 200
    const drops = o.drops ?? 2
    const commands = o.commands ?? 3
    const user = o.user ?? "lq-tieu-01"
    const pass = o.pass ?? "0123456789abcdef0123"
    const nz = cfg.zones.length
    const ctl = new Controller(cfg)
    ctl.restore({})
    const diary = new DiaryQueue(64)
    diary.restoreMeta(undefined, 123456789)
    diary.finishRestore()
    const lc = defaultLinkConfig(id)
    if (o.telemetryS) lc.telemetryS = o.telemetryS
    const s = new LinkSession(lc, diary, new RecentCommands())
    const office = new DiaryReceiver("")
    // Monday 2026-06-01 00:00 local (UTC+7)
    const day0 = Date.UTC(2026, 5, 1) / 1000 - 7 * 3600
    ctl.command(
        {
            k: "saveProgram",
            program: { id: 1, name: "Tuoi tieu", enabled: true, dayMode: DayMode.Weekdays, weekdays: 127, intervalDays: 1, refDay: 0, startsMin: [330, 900], zoneS: Array(nz).fill(1200), budgetPct: 100, cycleS: 0, soakS: 0, seasonFrom: 0, seasonTo: 0, useMoisture: true },
        },
        "remote"
    )
    const sent: Record<string, number> = {}
    const received: Record<string, number> = {}
    let packetsSent = 0
    let packetsReceived = 0
    let events = 0
    let batches = 0
    let measuring = false
    let lastTx = 0
    let now = 0
    const add = (m: Record<string, number>, k: string, n: number, dir: "s" | "r") => {
        if (dir === "s") lastTx = now
        if (!measuring) return
        m[k] = (m[k] ?? 0) + n
        if (dir === "s") packetsSent++
        else packetsReceived++
    }
    let up = false
    const connect = (mono: number) => {
        up = true
        add(sent, "connect", connectBytes("tl-" + id, topic(id, "av"), OFFLINE, user, pass), "s")
        add(received, "connack", 4, "r")
        add(sent, "subscribe", subscribeBytes(s.subscriptions()), "s")
        add(received, "suback", 2 + 2 + s.subscriptions().length, "r")
        s.connect(mono, infoOf(ctl, prof.profile!.name, "0.1.0", diary.epoch, lc.telemetryS), stateOf(ctl))
        // The retained acknowledgement arrives on subscribing.
        const hw = office.highWater(id, diary.epoch)
        if (hw > 0) deliver(topic(id, T_ACK), ackJson(diary.epoch, hw, false), mono, 1)
    }
    const deliver = (t: string, payload: string, mono: number, qos: number) => {
        add(received, t.endsWith("/ack") ? "ack" : "cmd", publishBytes(t, payload, qos), "r")
        if (qos > 0) add(sent, "puback", 4, "s")
        s.message(t, payload, mono, mono, cmd => execCore(ctl, cmd))
        flush(mono)
    }
    const flush = (mono: number) => {
        for (const m of s.takeOutbox()) {
            add(sent, m.kind, publishBytes(m.topic, m.payload, 0), "s")
            if (m.kind === "ev") {
                batches++
                const r = office.handle(id, m.payload)
                if (r) deliver(topic(id, T_ACK), ackJson(r.ack.e, r.ack.s, r.ack.g), mono, 1)
            }
        }
    }
    const dropAt = Array.from({ length: drops }, (_, i) => Math.floor(((i + 0.5) * 86400) / drops) + 3 * 3600)
    const cmdAt = Array.from({ length: commands }, (_, i) => Math.floor(((i + 1) * 86400) / (commands + 1)))
    const cmds = [{ k: "get", what: "status" }, { k: "run", zone: 2, seconds: 600 }, { k: "setBudget", pct: 90 }]
    connect(0)
    for (let mono = 1; mono <= 2 * 86400; mono++) {
        const daySec = mono % 86400
        measuring = mono > 86400
        now = mono
        const soil = cfg.zones.map((_, z) => 270 + z * 5 + Math.floor(mono / 3600) % 3)
        const out = ctl.step({ monoS: mono, wallS: day0 + mono, soil })
        for (const e of out.events) {
            s.event(e)
            if (measuring) events++
        }
        s.takeWrites()
        diary.markDurable()
        if (measuring && dropAt.some(t => daySec === t)) {
            up = false
            s.disconnect()
        }
        if (!up && measuring && dropAt.some(t => daySec === t + 600)) connect(mono)
        if (!up && !measuring) connect(mono)
        if (up) {
            // firmware/link.ts pings only when nothing else was sent for pingS
            if (mono - lastTx >= pingS) {
                add(sent, "ping", 2, "s")
                add(received, "pingresp", 2, "r")
            }
            if (measuring) {
                const i = cmdAt.indexOf(daySec)
                if (i >= 0) deliver(topic(id, T_CMD), JSON.stringify({ id: "c" + i, ...cmds[i % cmds.length] }), mono, 1)
            }
            s.poll(mono, stateOf(ctl))
            if (s.telemetryDue(mono)) s.telemetry(mono, telemetryOf(ctl, day0 + mono, mono, diary.pending(), diary.lostTotal, null))
            flush(mono)
        }
    }
    const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0)
    return { sent, received, sentTotal: sum(sent), receivedTotal: sum(received), packetsSent, packetsReceived, events, batches }
}

/** Rough IP-level bytes: MQTT bytes plus IPv4+TCP headers (52 bytes with timestamps) per
 *  packet each way, a bare TCP acknowledgement (52) for each packet received, and with TLS a
 *  record overhead (22 bytes, TLS 1.3) per packet. */
export function ipEstimate(b: Budget, tls: boolean): { sent: number; received: number } {
    const rec = tls ? 22 : 0
    return {
        sent: b.sentTotal + b.packetsSent * (52 + rec) + b.packetsReceived * 52,
        received: b.receivedTotal + b.packetsReceived * (52 + rec) + b.packetsSent * 52,
    }
}

function main(): void {
    const b = measureDay()
    const rows = Object.entries(b.sent).sort((x, y) => y[1] - x[1])
    console.log("MQTT bytes sent by one controller in the reference day (default settings):")
    for (const [k, n] of rows) console.log(`  ${k.padEnd(10)} ${n.toLocaleString("en-US").padStart(8)}`)
    console.log(`  ${"total".padEnd(10)} ${b.sentTotal.toLocaleString("en-US").padStart(8)} bytes (${b.packetsSent} packets; ${b.events} events in ${b.batches} diary batches)`)
    console.log(`received: ${b.receivedTotal.toLocaleString("en-US")} bytes (${b.packetsReceived} packets)`)
    const tcp = ipEstimate(b, false)
    const tls = ipEstimate(b, true)
    console.log(`with TCP/IP headers (estimate): sent ${tcp.sent.toLocaleString("en-US")}, received ${tcp.received.toLocaleString("en-US")}`)
    console.log(`with TLS as well (estimate):    sent ${tls.sent.toLocaleString("en-US")}, received ${tls.received.toLocaleString("en-US")}`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
