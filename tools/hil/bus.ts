// The simulated box hardware on a local Jacdac bus, for the DeviceScript VM (`devs run --tcp`
// connects to 127.0.0.1:8082 and exchanges Jacdac frames, each prefixed by its length byte).
//
// jacdac-ts hosts one simulated device per part, with fixed device ids: DeviceScript binds
// the roles of one service class, sorted by name, to that class's devices sorted by device
// id, so giving the devices ids in the firmware's role order makes the binding stable across
// VM restarts. Role names come from the firmware: relays "rl00".."rlNN" (00 pump, 01 master,
// 02 injector, 03+z zone z; firmware/outputs.ts), soil probes "sm0".. (inputs.ts), keypad
// "kp" (keypad.ts), display "lcd" (lcd.ts), flow meter "flow" (flowmeter.ts), and the
// real-time clock (clock.ts).

import net from "node:net"
import { jd, type Jacdac } from "./jacdac"

const { AnalogSensorServer, CHANGE, CharacterScreenServer, createProxyBridge, JDBus, JDServerServiceProvider, JDServiceServer } = jd
const { MatrixKeypadServer, RealTimeClockServer, RotaryEncoderServer, SRV_RELAY, SRV_SOIL_MOISTURE } = jd

export const JACDAC_TCP_PORT = 8082
export const KEYMAP = "123A456B789C*0#D"
/** Relay slots of firmware/outputs.ts. */
export const SLOT_PUMP = 0
export const SLOT_MASTER = 1
export const SLOT_INJECTOR = 2
export const SLOT_ZONE0 = 3

/** Device id: a kind byte then the slot, so ids sort in slot order within a kind. */
function deviceId(kind: number, slot: number): string {
    return "d1" + kind.toString(16).padStart(2, "0") + slot.toString(16).padStart(12, "0")
}

const RELAY_ENABLED = 0x01
const MATRIX_KEYPAD_EVENT_DOWN = 0x01
const MATRIX_KEYPAD_EVENT_UP = 0x02

// Seen as a plain sensor server so that refreshTime (private in the declarations) can be replaced.
const RtcBase = RealTimeClockServer as unknown as new () => Jacdac.SensorServer<[number, number, number, number, number, number, number]>

/** A real-time clock whose time is the harness's simulated UTC time, not the host clock. */
class SimClockServer extends RtcBase {
    utcS: () => number = () => Math.floor(Date.now() / 1000)
    private lastS = -1
    // RealTimeClockServer binds refreshTime at construction; this override replaces it.
    refreshTime(): void {
        const s = this.utcS()
        if (s === this.lastS) return
        this.lastS = s
        const d = new Date(s * 1000)
        const wd = d.getUTCDay() === 0 ? 7 : d.getUTCDay()
        this.reading.setValues([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), wd, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()])
    }
}

export interface RelayChange {
    /** Host milliseconds (Date.now()) when the relay device received the level. */
    ms: number
    slot: number
    on: boolean
}

export interface BoxParts {
    /** Relay slots present (see SLOT_*). */
    relaySlots: number[]
    probes: number
    keypad: boolean
    display: { rows: number; cols: number } | null
    flowMeter: boolean
}

/** The box's simulated parts and the TCP hub the VM joins. */
export class SimBox {
    readonly bus: Jacdac.JDBus
    readonly relays = new Map<number, { server: Jacdac.JDServiceServer; on: boolean }>()
    readonly probes: Jacdac.AnalogSensorServer[] = []
    readonly keypad: Jacdac.MatrixKeypadServer | null = null
    readonly screen: Jacdac.CharacterScreenServer | null = null
    readonly flow: Jacdac.RotaryEncoderServer | null = null
    readonly rtc: SimClockServer
    /** Every relay level change, in arrival order. */
    readonly changes: RelayChange[] = []
    onRelay: ((c: RelayChange) => void) | null = null
    private server: net.Server | null = null
    private sockets = new Set<net.Socket>()

    constructor(parts: BoxParts) {
        this.bus = new JDBus([], { proxy: true, disableRoleManager: true })
        const add = (kind: number, slot: number, s: Jacdac.JDServiceServer) =>
            this.bus.addServiceProvider(new JDServerServiceProvider("hil", [s], { deviceId: deviceId(kind, slot) }))
        for (const slot of parts.relaySlots) {
            const server = new JDServiceServer(SRV_RELAY)
            const reg = server.addRegister<[boolean]>(RELAY_ENABLED, [false])
            const entry = { server, on: false }
            reg.on(CHANGE, () => {
                const on = !!reg.values()[0]
                if (on === entry.on) return
                entry.on = on
                const c = { ms: Date.now(), slot, on }
                this.changes.push(c)
                this.onRelay?.(c)
            })
            this.relays.set(slot, entry)
            add(1, slot, server)
        }
        for (let k = 0; k < parts.probes; k++) {
            const p = new AnalogSensorServer(SRV_SOIL_MOISTURE, { readingValues: [0.5], streamingInterval: 500 })
            this.probes.push(p)
            add(2, k, p)
        }
        if (parts.keypad) {
            this.keypad = new MatrixKeypadServer(4, 4, KEYMAP.split(""))
            add(3, 0, this.keypad)
        }
        if (parts.display) {
            this.screen = new CharacterScreenServer({ rows: parts.display.rows, columns: parts.display.cols })
            add(4, 0, this.screen)
        }
        if (parts.flowMeter) {
            this.flow = new RotaryEncoderServer()
            add(5, 0, this.flow)
        }
        this.rtc = new SimClockServer()
        add(6, 0, this.rtc)
    }

    /** Hosts the bus on 127.0.0.1:8082 (the caller holds the machine-wide VM lock). */
    async listen(): Promise<void> {
        const bridge = createProxyBridge((pkt: Uint8Array) => {
            const frame = Buffer.concat([Buffer.from([pkt.length]), Buffer.from(pkt)])
            for (const s of this.sockets) s.write(frame)
        })
        bridge.bus = this.bus
        this.server = net.createServer(sock => {
            this.sockets.add(sock)
            let pending = Buffer.alloc(0)
            sock.on("data", (chunk: Buffer) => {
                pending = Buffer.concat([pending, chunk])
                while (pending.length > 0 && pending.length >= 1 + pending[0]) {
                    const frame = new Uint8Array(pending.subarray(1, 1 + pending[0]))
                    pending = pending.subarray(1 + pending[0])
                    bridge.receiveFrameOrPacket(frame)
                }
            })
            sock.on("error", () => {})
            sock.on("close", () => this.sockets.delete(sock))
        })
        const srv = this.server
        await new Promise<void>((resolve, reject) => {
            srv.once("error", e => reject(new Error(`cannot host the Jacdac bus on 127.0.0.1:${JACDAC_TCP_PORT}: ${e.message}`)))
            srv.listen(JACDAC_TCP_PORT, "127.0.0.1", () => resolve())
        })
        this.bus.start()
    }

    async close(): Promise<void> {
        for (const s of this.sockets) s.destroy()
        this.sockets.clear()
        const srv = this.server
        this.server = null
        if (srv) await new Promise<void>(resolve => srv.close(() => resolve()))
        await this.bus.stop()
    }

    /** Sets a relay as if from outside the firmware (a power cut drops every relay). */
    forceRelay(slot: number, on: boolean): void {
        const r = this.relays.get(slot)
        if (r) r.server.register(RELAY_ENABLED)?.setValues([on])
    }

    relayOn(slot: number): boolean {
        return this.relays.get(slot)?.on ?? false
    }

    /** Presses and releases one key ("0"-"9", "A"-"D", "*", "#"). */
    async press(key: string, holdMs = 60): Promise<void> {
        const kp = this.keypad
        const i = KEYMAP.indexOf(key.toUpperCase())
        if (!kp || i < 0) throw new Error(`no key ${key}`)
        await kp.down(i)
        await kp.sendEvent(MATRIX_KEYPAD_EVENT_DOWN, new Uint8Array([i]))
        await new Promise(r => setTimeout(r, holdMs))
        await kp.up(i)
        await kp.sendEvent(MATRIX_KEYPAD_EVENT_UP, new Uint8Array([i]))
    }

    /** The text on the character screen (rows joined by "\n"). */
    display(): string {
        return this.screen ? String(this.screen.message.values()[0] ?? "") : ""
    }

    /** Soil probe k reads ratio (0 = the dry calibration point, 1 = the wet one). */
    setProbe(k: number, ratio: number): void {
        this.probes[k]?.reading.setValues([Math.max(0, Math.min(1, ratio))])
    }

    setFlowPulses(n: number): void {
        const f = this.flow
        if (f && f.reading.values()[0] !== n) f.reading.setValues([n])
    }

    setClock(utcS: () => number): void {
        this.rtc.utcS = utcS
    }
}
