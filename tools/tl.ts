// tl: the office's command line for the controllers' MQTT link (docs/mqtt.md). Works against
// any broker: the embedded one (tools/broker.ts), Mosquitto, EMQX; plain or TLS, with or
// without a user name and password.
//
//   npx tsx tools/tl.ts [connection options] <command> [arguments]
//
// Connection options (or environment TL_URL, TL_USERNAME, TL_PASSWORD, TL_CA):
//   --url mqtt://127.0.0.1:1883 | mqtts://host:8883   --username NAME  --password SECRET
//   --ca ca.pem  (CA of a private broker certificate)   --cert c.pem --key k.pem (client cert)
//   --insecure   (TLS without checking the certificate; testing only)
//
// Commands:
//   list                              controllers the broker knows (retained messages)
//   watch [DEVICE]                    print availability, state, telemetry, diary, replies
//   cmd DEVICE '{"k":"stopAll"}'      send any command (an id is added) and print its reply
//   run DEVICE ZONE SECONDS           water zone ZONE (1 = first zone) now
//   stop DEVICE                       stop every zone
//   get DEVICE WHAT [PROGRAM]         programs | program | settings | alarms | status | raw | info | link
//   set-clock DEVICE [UTC]            set the box's clock (default: this computer's time)
//   diary [--file F] [DEVICE]         office diary receiver: store every record once in F
//                                     (JSON lines, default diary.jsonl) and acknowledge it
//   ack DEVICE EPOCH SEQ              acknowledge diary records by hand
//   ha [--prefix homeassistant]       announce controllers to Home Assistant (MQTT discovery)

import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import mqtt, { type IClientOptions, type MqttClient } from "mqtt"
import { ackJson } from "../firmware/core/mqtt/codec"
import { parseTopic, T_ACK, T_AVAIL, T_CMD, T_INFO, T_REPLY, T_STATE, T_TELE, topic } from "../firmware/core/mqtt/topics"
import { DiaryReceiver } from "./diary-receiver"
import { announceAll } from "./ha"

export interface ConnectOptions {
    url: string
    username?: string
    password?: string
    /** Path of a PEM CA certificate (private CA or self-signed broker). */
    ca?: string
    cert?: string
    key?: string
    insecure?: boolean
    clientId?: string
    /** Reconnect period, ms (default 2000). */
    reconnectMs?: number
}

export async function connectBroker(o: ConnectOptions): Promise<MqttClient> {
    const opts: IClientOptions = {
        username: o.username,
        password: o.password,
        clientId: o.clientId ?? `tl-office-${process.pid}-${Math.floor(Math.random() * 1e6)}`,
        reconnectPeriod: o.reconnectMs ?? 2000,
        connectTimeout: 10_000,
        protocolVersion: 4,
    }
    if (o.ca) opts.ca = readFileSync(o.ca)
    if (o.cert) opts.cert = readFileSync(o.cert)
    if (o.key) opts.key = readFileSync(o.key)
    if (o.insecure) opts.rejectUnauthorized = false
    return await mqtt.connectAsync(o.url, opts)
}

export interface ControllerView {
    id: string
    online: boolean | null
    info: any
    state: any
    telemetry: any
}

/** Controllers that left retained messages on the broker, after listening for waitMs. */
export async function listControllers(c: MqttClient, waitMs = 1000): Promise<ControllerView[]> {
    const seen = new Map<string, ControllerView>()
    const handler = (t: string, payload: Buffer) => {
        const p = parseTopic(t)
        if (p === null) return
        let v = seen.get(p.deviceId)
        if (!v) {
            v = { id: p.deviceId, online: null, info: null, state: null, telemetry: null }
            seen.set(p.deviceId, v)
        }
        const text = payload.toString()
        if (p.suffix === T_AVAIL) v.online = text === "online"
        else if (p.suffix === T_INFO) v.info = safeJson(text)
        else if (p.suffix === T_STATE) v.state = safeJson(text)
        else if (p.suffix === T_TELE) v.telemetry = safeJson(text)
    }
    c.on("message", handler)
    const filters = [T_AVAIL, T_INFO, T_STATE, T_TELE].map(s => `tl/v1/+/${s}`)
    await c.subscribeAsync(filters, { qos: 1 })
    await new Promise(r => setTimeout(r, waitMs))
    c.removeListener("message", handler)
    await c.unsubscribeAsync(filters)
    return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id))
}

function safeJson(s: string): any {
    try {
        return JSON.parse(s)
    } catch {
        return s
    }
}

let idCounter = 0
/** Short unique command ids (at most 16 characters, as the controller requires). */
export function newCommandId(): string {
    idCounter = (idCounter + 1) % 1296
    return ("c" + Math.floor(Date.now() / 1000).toString(36) + idCounter.toString(36).padStart(2, "0")).slice(0, 16)
}

export interface Reply {
    id: string | null
    ok: boolean
    error?: string
    dup?: number
    data?: any
}

export interface SendOptions {
    /** Give up after this long (ms). Default 60 s: a reconnecting controller needs ~50 s. */
    timeoutMs?: number
    /** Send again (same id, so it runs once) every retryMs until a reply comes. Default 5 s. */
    retryMs?: number
    id?: string
}

/** Sends a command and resolves with its reply; re-sends with the same id until answered. */
export async function sendCommand(c: MqttClient, device: string, cmd: Record<string, unknown>, o: SendOptions = {}): Promise<Reply> {
    const id = o.id ?? newCommandId()
    const payload = JSON.stringify({ id, ...cmd })
    return await sendRaw(c, device, payload, id, o)
}

/** Publishes a raw command payload and waits for the reply carrying `expectId` (null: the
 *  first reply with "id": null, as a controller answers a payload it cannot read). */
export async function sendRaw(c: MqttClient, device: string, payload: string | Buffer, expectId: string | null, o: SendOptions = {}): Promise<Reply> {
    const replyTopic = topic(device, T_REPLY)
    const timeoutMs = o.timeoutMs ?? 60_000
    const retryMs = o.retryMs ?? 5_000
    await c.subscribeAsync(replyTopic, { qos: 1 })
    return await new Promise<Reply>((resolve, reject) => {
        let retry: NodeJS.Timeout | undefined
        const done = (err: Error | null, r?: Reply) => {
            clearTimeout(timer)
            clearInterval(retry)
            c.removeListener("message", handler)
            if (err) reject(err)
            else resolve(r as Reply)
        }
        const handler = (t: string, p: Buffer) => {
            if (t !== replyTopic) return
            const r = safeJson(p.toString()) as Reply
            if (r && typeof r === "object" && r.id === expectId) done(null, r)
        }
        const timer = setTimeout(() => done(new Error(`no reply from ${device} within ${timeoutMs} ms`)), timeoutMs)
        c.on("message", handler)
        const send = () => c.publish(topic(device, T_CMD), payload, { qos: 1 })
        send()
        if (expectId !== null) retry = setInterval(send, retryMs)
    })
}

/** Acknowledges diary records up to seq (retained, as the receiver does). */
export async function ackDiary(c: MqttClient, device: string, epoch: number, seq: number): Promise<void> {
    await c.publishAsync(topic(device, T_ACK), ackJson(epoch, seq, false), { qos: 1, retain: true })
}

export interface Watched {
    device: string
    suffix: string
    text: string
    json: any
    retained: boolean
}

/** Calls onMessage for every message of `device` ("+" = all); returns a function that stops. */
export async function watch(c: MqttClient, device: string, onMessage: (m: Watched) => void): Promise<() => Promise<void>> {
    const filter = `tl/v1/${device}/+`
    const handler = (t: string, payload: Buffer, packet: { retain?: boolean }) => {
        const p = parseTopic(t)
        if (p === null || (device !== "+" && p.deviceId !== device)) return
        const text = payload.toString()
        onMessage({ device: p.deviceId, suffix: p.suffix, text, json: safeJson(text), retained: !!packet.retain })
    }
    c.on("message", handler)
    await c.subscribeAsync(filter, { qos: 1 })
    return async () => {
        c.removeListener("message", handler)
        await c.unsubscribeAsync(filter)
    }
}

// ---------------------------------------------------------------- command line

function usage(): never {
    const text = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n")
    const start = text.findIndex(l => l.startsWith("//   npx tsx tools/tl.ts"))
    const end = text.findIndex((l, i) => i > start && !l.startsWith("//"))
    console.error(text.slice(start - 1, end).map(l => l.replace(/^\/\/ ?/, "")).join("\n"))
    process.exit(2)
}

function line(m: Watched): string {
    return `${m.device} ${m.suffix}${m.retained ? " (retained)" : ""} ${m.text}`
}

async function cli(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            url: { type: "string", default: process.env.TL_URL ?? "mqtt://127.0.0.1:1883" },
            username: { type: "string", default: process.env.TL_USERNAME },
            password: { type: "string", default: process.env.TL_PASSWORD },
            ca: { type: "string", default: process.env.TL_CA },
            cert: { type: "string" },
            key: { type: "string" },
            insecure: { type: "boolean", default: false },
            file: { type: "string", default: "diary.jsonl" },
            prefix: { type: "string", default: "homeassistant" },
            timeout: { type: "string", default: "60000" },
            help: { type: "boolean", short: "h" },
        },
    })
    const [cmd, ...args] = positionals
    if (values.help || !cmd) usage()
    const c = await connectBroker({ url: values.url, username: values.username, password: values.password, ca: values.ca, cert: values.cert, key: values.key, insecure: values.insecure })
    const timeoutMs = Number(values.timeout)
    const print = (r: unknown) => console.log(JSON.stringify(r))
    const need = (n: number) => {
        if (args.length < n) usage()
    }
    try {
        switch (cmd) {
            case "list": {
                for (const v of await listControllers(c)) {
                    const zones = v.info?.z ? ` zones=${(v.info.z as string[]).map((n, i) => `${i + 1}:${n}`).join(",")}` : ""
                    const st = v.state ? ` valves=${v.state.v} pump=${v.state.p} alarms=${v.state.al}${v.state.f ? " fault=" + v.state.f : ""}` : ""
                    console.log(`${v.id} ${v.online === null ? "?" : v.online ? "online" : "offline"}${v.info?.n ? ' "' + v.info.n + '"' : ""}${zones}${st}`)
                }
                return 0
            }
            case "watch": {
                await watch(c, args[0] ?? "+", m => console.log(line(m)))
                await new Promise(() => {})
                return 0
            }
            case "cmd": {
                need(2)
                const r = await sendCommand(c, args[0], JSON.parse(args[1]), { timeoutMs })
                print(r)
                return r.ok ? 0 : 1
            }
            case "run": {
                need(3)
                const r = await sendCommand(c, args[0], { k: "run", zone: Number(args[1]) - 1, seconds: Number(args[2]) }, { timeoutMs })
                print(r)
                return r.ok ? 0 : 1
            }
            case "stop": {
                need(1)
                const r = await sendCommand(c, args[0], { k: "stopAll" }, { timeoutMs })
                print(r)
                return r.ok ? 0 : 1
            }
            case "get": {
                need(2)
                const q: Record<string, unknown> = { k: "get", what: args[1] }
                if (args[2] !== undefined) q.pid = Number(args[2])
                const r = await sendCommand(c, args[0], q, { timeoutMs })
                print(r)
                return r.ok ? 0 : 1
            }
            case "set-clock": {
                need(1)
                const utc = args[1] !== undefined ? Number(args[1]) : Math.floor(Date.now() / 1000)
                const r = await sendCommand(c, args[0], { k: "setClock", utc }, { timeoutMs })
                print(r)
                return r.ok ? 0 : 1
            }
            case "diary": {
                const rx = new DiaryReceiver(values.file)
                rx.onStored = lines => {
                    for (const l of lines) console.log(`${l.device} #${l.seq} ${l.time || "-"} ${l.kind} ${l.cause} z${l.zone} p${l.program} v${l.value} ${l.reason}`)
                }
                await rx.attach(c, args[0] ?? "+")
                console.error(`diary receiver: writing ${values.file} (Ctrl-C stops)`)
                await new Promise(() => {})
                return 0
            }
            case "ack": {
                need(3)
                await ackDiary(c, args[0], Number(args[1]), Number(args[2]))
                return 0
            }
            case "ha": {
                const stop = await announceAll(c, values.prefix, msg => console.log(msg))
                console.error("announcing controllers to Home Assistant (Ctrl-C stops)")
                process.on("SIGINT", () => void stop().then(() => process.exit(0)))
                await new Promise(() => {})
                return 0
            }
            default:
                usage()
        }
    } finally {
        await c.endAsync()
    }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    cli(process.argv.slice(2)).then(
        code => process.exit(code),
        err => {
            console.error(`tl: ${err instanceof Error ? err.message : String(err)}`)
            process.exit(1)
        }
    )
}
