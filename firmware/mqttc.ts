// A small MQTT 3.1.1 client for the link, on the socket layer of @devicescript/net.
//
// Why not @devicescript/net's MQTTClient (2.16.4)? Measured in the VM tests against aedes and
// Mosquitto:
// - it reads each socket chunk in a handler started by an event; when a chunk arrives while
//   the previous handler still runs, the event is lost, the chunk stays queued, and from then
//   on every incoming packet is handled only when the next one arrives (a command waited for
//   the office's next message);
// - it drops a packet that waits more than 2 s for the sender lock, so its re-SUBSCRIBE
//   after a reconnect could be lost behind our publishes, leaving the box deaf;
// - after a socket error its state can stay "connected" until its 50 s watchdog;
// - it writes a publish's header and payload separately (two TCP segments on a metered link);
// - it costs ~6.5 KB of the firmware's 64 KB of function code; this one ~2.5 KB.
// Here one reader fiber drains the socket's queue in order, every packet is one write, and
// the link (firmware/link.ts) decides when to reconnect and ping.
//
// What it does: CONNECT (clean session, retained QoS 1 last will, optional user name and
// password), SUBSCRIBE at QoS 1, PUBLISH at QoS 0 (retained or not), PUBACK for incoming
// QoS 1 messages, PINGREQ. Incoming PUBLISH at QoS 0/1; other packets are only noted as
// traffic (liveness).

import * as ds from "@devicescript/core"
import { connect, Socket } from "@devicescript/net"

export interface MqttOptions {
    host: string
    port: number
    tls: boolean
    clientId: string
    user: string
    pass: string
    keepAliveS: number
    willTopic: string
    willMsg: string
}

/** A UTF-8 string with its 2-byte length. */
function mstr(s: string): Buffer {
    const b = Buffer.from(s)
    return Buffer.from([b.length >> 8, b.length & 255]).concat(b)
}

/** Fixed header (type and flags, remaining length) + body. */
function packet(first: number, body: Buffer): Buffer {
    const head: number[] = [first]
    let n = body.length
    while (true) {
        let d = n & 127
        n = n >> 7
        if (n > 0) d = d | 128
        head.push(d)
        if (n === 0) break
    }
    return Buffer.from(head).concat(body)
}

export class MqttConn {
    readonly o: MqttOptions
    connected = false
    /** ds.millis() of the last byte received and sent. */
    lastRx = 0
    lastTx = 0
    onMessage: ((topic: string, payload: Buffer) => void) | null = null
    onDown: (() => void) | null = null
    sock: Socket | null = null
    buf: Buffer = Buffer.alloc(0)
    connack = -1

    constructor(o: MqttOptions) {
        this.o = o
    }

    /** Opens the socket and logs in; true when the broker accepted. Never throws. */
    async open(): Promise<boolean> {
        await this.close()
        const o = this.o
        let s: Socket
        try {
            s = await connect({ host: o.host, port: o.port, proto: o.tls ? "tls" : "tcp", timeout: 15000 })
        } catch (e) {
            return false
        }
        this.sock = s
        this.buf = Buffer.alloc(0)
        this.connack = -1
        // clean session, will, will QoS 1, will retained
        let flags = 0x2e
        let payload = mstr(o.clientId).concat(mstr(o.willTopic)).concat(mstr(o.willMsg))
        if (o.user !== "") {
            flags = flags | 0x80
            payload = payload.concat(mstr(o.user))
            if (o.pass !== "") {
                flags = flags | 0x40
                payload = payload.concat(mstr(o.pass))
            }
        }
        const head = mstr("MQTT").concat(Buffer.from([4, flags, o.keepAliveS >> 8, o.keepAliveS & 255]))
        if (!(await this.send(packet(0x10, head.concat(payload))))) return false
        const self = this
        setTimeout(async () => {
            await reader(self, s)
        }, 0)
        for (let i = 0; i < 150 && this.connack < 0 && this.sock === s; i++) await ds.sleep(100)
        if (this.connack !== 0 || this.sock !== s) {
            await this.close()
            return false
        }
        this.connected = true
        return true
    }

    /** One packet, one write (a PINGREQ is [0xc0, 0]); false (and the connection closed)
     *  when it fails. */
    async send(p: Buffer): Promise<boolean> {
        const s = this.sock
        if (s === null) return false
        try {
            await s.send(p)
            this.lastTx = ds.millis()
            return true
        } catch (e) {
            await this.close()
            return false
        }
    }

    async publish(topic: string, payload: string, retain: boolean): Promise<boolean> {
        if (!this.connected) return false
        return await this.send(packet(retain ? 0x31 : 0x30, mstr(topic).concat(Buffer.from(payload))))
    }

    /** All topics at QoS 1 in one SUBSCRIBE (packet id 1). */
    async subscribe(topics: string[]): Promise<boolean> {
        let body = Buffer.from([0, 1])
        for (const t of topics) body = body.concat(mstr(t)).concat(Buffer.from([1]))
        return await this.send(packet(0x82, body))
    }

    /** Drops the connection (the broker then publishes the last will). */
    async close(): Promise<void> {
        const s = this.sock
        const was = this.connected
        this.sock = null
        this.connected = false
        if (s !== null) {
            try {
                await s.close()
            } catch (e) {
                // already gone
            }
        }
        const h = this.onDown
        if (was && h !== null) h()
    }
}

/** Drains the socket in order until it closes. */
async function reader(me: MqttConn, s: Socket): Promise<void> {
    try {
        while (me.sock === s) {
            const b = await s.recv()
            if (b === null || b === undefined) break
            me.lastRx = ds.millis()
            me.buf = me.buf.length === 0 ? b : me.buf.concat(b)
            await parse(me)
        }
    } catch (e) {
        // a socket error ends the connection below
    }
    if (me.sock === s) await me.close()
}

async function parse(me: MqttConn): Promise<void> {
    while (me.buf.length >= 2) {
        const b = me.buf
        let len = 0
        let mul = 1
        let i = 1
        while (true) {
            if (i >= b.length) return
            const d = b[i]
            len += (d & 127) * mul
            mul *= 128
            i++
            if ((d & 128) === 0 || i > 4) break
        }
        if (b.length < i + len) return
        const first = b[0]
        const body = b.slice(i, i + len)
        me.buf = b.slice(i + len)
        const type = first >> 4
        if (type === 2) {
            me.connack = len >= 2 ? body[1] : 255
        } else if (type === 3 && len >= 2) {
            const tl = (body[0] << 8) | body[1]
            let off = 2 + tl
            if ((first & 6) !== 0) {
                await me.send(Buffer.from([0x40, 2, body[off], body[off + 1]]))
                off += 2
            }
            const h = me.onMessage
            if (h !== null && off <= len) h(body.slice(2, 2 + tl).toString(), body.slice(off))
        }
    }
}
