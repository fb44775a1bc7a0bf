// The embedded MQTT broker (aedes) that the tests and the simulator use by default, so that
// nothing but Node is needed to try the link. A fleet moves to Mosquitto or EMQX by pointing
// the controllers' MQTT_URL and the office tools' --url at it (docs/mqtt.md).
//
//   npx tsx tools/broker.ts [--port 1883] [--host 127.0.0.1]
//           [--tls-key key.pem --tls-cert cert.pem] [--user name --password secret]
//
// In code: const b = await startBroker({ port: 0 }); ... b.url ...; await b.close()

import { Aedes } from "aedes"
import { readFileSync } from "node:fs"
import net from "node:net"
import tls from "node:tls"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

export interface BrokerOptions {
    /** 0 = any free port. Default 1883. */
    port?: number
    /** Default 127.0.0.1 (loopback only). */
    host?: string
    /** Serve MQTT over TLS with this PEM key and certificate. */
    tls?: { key: string | Buffer; cert: string | Buffer }
    /** When set, clients must log in with one of these user names and passwords. */
    users?: Record<string, string>
    /** Largest payload accepted on a command topic (tl/v1/<id>/cmd), bytes. Controllers run
     *  out of memory on messages of ~8 KB; the link refuses commands over 1 KB anyway. */
    maxCommandBytes?: number
    /** Largest payload accepted on any topic, bytes. */
    maxPayloadBytes?: number
}

export interface BrokerHandle {
    url: string
    port: number
    aedes: Aedes
    /** Stops the broker and drops every connection (a crash, as far as clients can tell:
     *  their last wills are published first). */
    close(): Promise<void>
}

function isCommandTopic(t: string): boolean {
    const p = t.split("/")
    return p.length === 4 && p[0] === "tl" && p[3] === "cmd"
}

export async function startBroker(opts: BrokerOptions = {}): Promise<BrokerHandle> {
    const host = opts.host ?? "127.0.0.1"
    const maxCmd = opts.maxCommandBytes ?? 2048
    const maxAny = opts.maxPayloadBytes ?? 16384
    const users = opts.users
    const aedes = await Aedes.createBroker({
        authenticate: (_client, username, password, done) => {
            if (users === undefined) return done(null, true)
            const ok = username !== undefined && users[username] !== undefined && password !== undefined && password.toString() === users[username]
            if (ok) return done(null, true)
            const err = Object.assign(new Error("bad user name or password"), { returnCode: 4 as const })
            done(err, null)
        },
        authorizePublish: (_client, packet, cb) => {
            const n = packet.payload ? packet.payload.length : 0
            if (n > maxAny || (isCommandTopic(packet.topic) && n > maxCmd)) return cb(new Error("payload too large"))
            cb(null)
        },
    })
    // aedes 1.2 numbers each message when it arrives, but passes retained and QoS 1 messages
    // on only after an asynchronous store; a later message can overtake them, and each
    // subscriber then drops the overtaken one as a duplicate (it accepts only increasing
    // numbers). A controller's retained state went missing behind its diary batches, and a
    // command behind a retained acknowledgement. Numbering at hand-over keeps the numbers
    // in delivery order (one hand-over per message, so real duplicates are still dropped).
    const mq = (aedes as any).mq
    const emit = mq.emit.bind(mq)
    mq.emit = (packet: { brokerId?: string; brokerCounter?: number }, cb: unknown) => {
        if (packet && packet.brokerId) packet.brokerCounter = ++(aedes as any).counter
        return emit(packet, cb)
    }
    const sockets = new Set<net.Socket>()
    const onConn = (s: net.Socket) => {
        sockets.add(s)
        s.on("close", () => sockets.delete(s))
        s.on("error", () => {})
        aedes.handle(s)
    }
    const server = opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onConn) : net.createServer(onConn)
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(opts.port ?? 1883, host, () => resolve())
    })
    const port = (server.address() as net.AddressInfo).port
    let closed = false
    return {
        url: `${opts.tls ? "mqtts" : "mqtt"}://${host}:${port}`,
        port,
        aedes,
        close: async () => {
            if (closed) return
            closed = true
            for (const s of sockets) s.destroy()
            await new Promise<void>(resolve => server.close(() => resolve()))
            await new Promise<void>(resolve => aedes.close(() => resolve()))
        },
    }
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            port: { type: "string", default: "1883" },
            host: { type: "string", default: "127.0.0.1" },
            "tls-key": { type: "string" },
            "tls-cert": { type: "string" },
            user: { type: "string" },
            password: { type: "string" },
        },
    })
    const b = await startBroker({
        port: Number(values.port),
        host: values.host,
        tls: values["tls-key"] && values["tls-cert"] ? { key: readFileSync(values["tls-key"]), cert: readFileSync(values["tls-cert"]) } : undefined,
        users: values.user ? { [values.user]: values.password ?? "" } : undefined,
    })
    console.log(`embedded MQTT broker (aedes) at ${b.url}; Ctrl-C stops it`)
    b.aedes.on("client", c => console.log(`+ ${c.id}`))
    b.aedes.on("clientDisconnect", c => console.log(`- ${c.id}`))
    process.on("SIGINT", () => {
        void b.close().then(() => process.exit(0))
    })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
