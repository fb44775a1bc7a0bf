// The cellular MQTT link (docs/mqtt.md): a small MQTT client (mqttc.ts, on the sockets of
// @devicescript/net) around the pure session in core/mqtt/. Everything here is I/O: settings,
// connecting and reconnecting, keep-alive, publishing the session's outbox, queueing its flash
// records on the shell.
//
// Settings (deployed from .env.defaults / .env.local by `devs devtools`; never in the repo):
//   MQTT_URL   mqtt://host:1883 or mqtts://host:8883   (absent: the link stays off)
//   MQTT_USER, MQTT_PASS                                  broker credentials (optional)
//   DEVICE_ID  topic id of this box (default: the chip's device identifier)
//
// The link never blocks the control loop: it restores its diary and talks to the broker in
// its own fibers; a failing network only ever shows up as "L ..." log lines.

import * as ds from "@devicescript/core"
import { readSetting } from "@devicescript/settings"
import { CoreEvent, MIN_VALID_WALL } from "./core/index"
import { ExecResult, MAX_CMD_BYTES, RecentCommands, RECENT_KEY } from "./core/mqtt/commands"
import { DEFAULT_DIARY_SLOTS, DIARY_META_KEY, diaryKey, DiaryQueue } from "./core/mqtt/diary"
import { getCore } from "./core/mqtt/exec"
import { infoOf, stateOf, telemetryOf } from "./core/mqtt/report"
import { defaultLinkConfig, LinkSession } from "./core/mqtt/session"
import { isDeviceId, OFFLINE, parseBrokerUrl } from "./core/mqtt/topics"
import { isIntIn } from "./core/validate"
import { errText, logLine } from "./log"
import { MqttConn } from "./mqttc"
import { Shell } from "./shell"

export const FIRMWARE_VERSION = "0.1.0"
/** Soil probe calibration set remotely: JSON [[sensor, dryRaw, wetRaw], ...]. */
export const CAL_KEY = "cal"
/** Events kept in memory while the diary is being restored at boot. */
export const MAX_EARLY_EVENTS = 48

export interface LinkOptions {
    /** Reconnect attempt period, ms. */
    retryMs: number
    /** MQTT keep-alive, seconds (at most 255: the client sends one byte). */
    keepAliveS: number
    pingMs: number
    diarySlots: number
    /** Session timing (see LinkConfig in core/mqtt/session.ts). */
    telemetryS: number
    stateHoldS: number
    batchDelayS: number
    resendS: number
}

export function defaultLinkOptions(): LinkOptions {
    return { retryMs: 30000, keepAliveS: 240, pingMs: 200000, diarySlots: DEFAULT_DIARY_SLOTS, telemetryS: 900, stateHoldS: 10, batchDelayS: 5, resendS: 45 }
}

function str(v: any): string {
    return typeof v === "string" ? v : ""
}

/** Sets one probe's two calibration points; "" or the error. */
function calibrate(hw: any, k: any, dry: any, wet: any): string {
    if (!isIntIn(k, 0, hw.zones.length - 1) || hw.zones[k].soilAdc < 0) return "bad_sensor"
    if (!isIntIn(dry, 1, 4094) || !isIntIn(wet, 1, 4094)) return "bad_raw"
    if (dry - wet < 100) return "bad_span"
    hw.zones[k].soilDryRaw = dry
    hw.zones[k].soilWetRaw = wet
    return ""
}

export class Link {
    readonly shell: Shell
    readonly name: string
    readonly opts: LinkOptions
    session: LinkSession | null = null
    client: MqttConn | null = null
    /** "restoring", "off" (no MQTT_URL), "down", "up". */
    state = "restoring"
    early: CoreEvent[] = []
    flushing = false
    cal: number[][] = []

    /** Hooks the shell's event stream at once (before boot) so no event is missed. */
    constructor(shell: Shell, name: string, opts: LinkOptions) {
        this.shell = shell
        this.name = name
        this.opts = opts
        const self = this
        const prev = shell.onEvent
        shell.onEvent = (e: CoreEvent) => {
            if (prev !== null) prev(e)
            const s = self.session
            if (s !== null) {
                s.event(e)
                queueWrites(self)
            } else if (self.state === "restoring" && self.early.length < MAX_EARLY_EVENTS) self.early.push(e)
        }
    }

    /** Starts the link in its own fiber; returns at once. */
    begin(): void {
        const self = this
        setTimeout(async () => {
            try {
                await self.start()
            } catch (e) {
                logLine(["X link_start", errText(e)])
            }
        }, 0)
    }

    async start(): Promise<void> {
        const url = str(await readSetting("MQTT_URL"))
        const addr = parseBrokerUrl(url)
        if (addr === null) {
            this.state = "off"
            this.early = []
            logLine(["L off", url === "" ? "no MQTT_URL" : "bad MQTT_URL"])
            return
        }
        let id = str(await readSetting("DEVICE_ID"))
        if (!isDeviceId(id)) id = ds.deviceIdentifier("self")
        const user = str(await readSetting("MQTT_USER"))
        const pass = str(await readSetting("MQTT_PASS"))

        // Diary, recent command ids, calibration: one flash read per await (VM loop budget).
        const diary = new DiaryQueue(this.opts.diarySlots)
        diary.restoreMeta(await readSetting(DIARY_META_KEY), 1 + Math.floor(Math.random() * 999999999))
        for (let i = 0; i < diary.capacity; i++) diary.restoreSlot(i, await readSetting(diaryKey(i)))
        diary.finishRestore()
        const recent = new RecentCommands()
        recent.restore(await readSetting(RECENT_KEY))
        let cal: any = null
        try {
            cal = JSON.parse(str(await readSetting(CAL_KEY)))
        } catch (e) {
            cal = null
        }
        if (Array.isArray(cal)) for (const c of cal) if (Array.isArray(c) && calibrate(this.shell.hw, c[0], c[1], c[2]) === "") this.cal.push(c)
        const cfg = defaultLinkConfig(id)
        cfg.telemetryS = this.opts.telemetryS
        cfg.stateHoldS = this.opts.stateHoldS
        cfg.batchDelayS = this.opts.batchDelayS
        cfg.resendS = this.opts.resendS
        const s = new LinkSession(cfg, diary, recent)
        this.session = s
        for (const e of this.early) s.event(e)
        this.early = []
        queueWrites(this)
        this.state = "down"
        logLine(["L diary", "id=" + id, "epoch=" + diary.epoch, "acked=" + diary.acked, "next=" + diary.nextSeq, "held=" + diary.pending()])

        const self = this
        const client = new MqttConn({
            host: addr.host,
            port: addr.port,
            tls: addr.proto === "tls",
            clientId: "tl-" + id,
            user: user,
            pass: pass,
            keepAliveS: this.opts.keepAliveS,
            willTopic: s.availabilityTopic(),
            willMsg: OFFLINE,
        })
        this.client = client
        // Called from the client's reader fiber: never await here (publishing happens in the
        // poll fiber or in a fiber of its own).
        client.onMessage = (t: string, payload: Buffer) => {
            onMessage(self, t, payload)
        }
        client.onDown = () => {
            self.state = "down"
            s.disconnect()
            logLine(["L down", "held=" + diary.pending()])
        }
        setInterval(async () => {
            try {
                poll(self)
                // Pings when nothing was sent for pingMs; drops a connection silent for 1.5
                // keep-alives.
                const now = ds.millis()
                if (client.connected) {
                    if (now - client.lastRx > self.opts.keepAliveS * 1500) {
                        logLine(["L silent"])
                        await client.close()
                    } else if (now - client.lastTx >= self.opts.pingMs) await client.send(Buffer.from([0xc0, 0]))
                }
                await flush(self)
            } catch (e) {
                logLine(["X link_poll", errText(e)])
            }
        }, 1000)
        // Connect, and connect again whenever the connection is gone.
        while (true) {
            if (!client.connected) {
                logLine(["L connecting", addr.proto, addr.host, addr.port])
                if ((await client.open()) && (await client.subscribe(s.subscriptions()))) {
                    self.state = "up"
                    s.connect(monoNow(self), infoOf(self.shell.ctl, self.name, FIRMWARE_VERSION, diary.epoch, cfg.telemetryS), stateOf(self.shell.ctl))
                    logLine(["L up", "acked=" + diary.acked, "held=" + diary.pending()])
                    await flush(self)
                } else {
                    logLine(["L connect_failed"])
                }
            }
            await ds.sleep(client.connected ? 1000 : this.opts.retryMs)
        }
    }

    /** Commands the link adds to the core's: clock, calibration, and more to "get". */
    exec(cmd: any): ExecResult {
        const k = cmd.k
        const sh = this.shell
        if (k === "setClock") {
            const utc = cmd.utc
            if (!isIntIn(utc, MIN_VALID_WALL, 4102444800) || !sh.clock.set(utc, ds.millis(), "remote")) return { ok: false, error: "bad_utc" }
            setTimeout(async () => {
                await sh.clock.setAndStore(utc, ds.millis(), "remote")
            }, 0)
            return { ok: true, error: "" }
        }
        if (k === "calibrate") {
            const err = calibrate(sh.hw, cmd.sensor, cmd.dryRaw, cmd.wetRaw)
            if (err !== "") return { ok: false, error: err }
            const keep: number[][] = [[cmd.sensor, cmd.dryRaw, cmd.wetRaw]]
            for (const c of this.cal) if (c[0] !== cmd.sensor) keep.push(c)
            this.cal = keep
            sh.queueRecord(CAL_KEY, JSON.stringify(keep))
            return { ok: true, error: "" }
        }
        if (k === "get") {
            const s = this.session
            const what = cmd.what
            if (what === "raw") return { ok: true, error: "", data: sh.soil.lastRaw }
            if (what === "link" && s !== null) {
                const d = s.diary
                return { ok: true, error: "", data: { epoch: d.epoch, acked: d.acked, next: d.nextSeq, held: d.pending(), lost: d.lostTotal, connects: s.connects, resends: s.resends } }
            }
            return getCore(sh.ctl, what)
        }
        const r = sh.command(cmd, "remote")
        return { ok: r.ok, error: r.error }
    }

}

function queueWrites(me: Link): void {
    const s = me.session
    if (s !== null) for (const w of s.takeWrites()) me.shell.queueRecord(w.key, w.value)
}

function monoNow(me: Link): number {
    return Math.floor(ds.millis() / 1000)
}

function wallNow(me: Link): number {
    return me.shell.clock.nowS(ds.millis())
}

function poll(me: Link): void {
    const s = me.session
    if (s === null) return
    const d = s.diary
    if (d.alarm) {
        d.alarm = false
        me.shell.ctl.alarms.raise("diary_full", -1, d.lostTotal, "diary_full", wallNow(me))
        logLine(["L diary_full", "lost=" + d.lostTotal])
    }
    // Records are sent only once they (and the meta record reserving their numbers) are
    // in flash: the shell's write queue is empty.
    queueWrites(me)
    if (me.shell.pendingWrites() === 0) d.markDurable()
    const mono = monoNow(me)
    s.poll(mono, stateOf(me.shell.ctl))
    if (s.telemetryDue(mono)) s.telemetry(mono, telemetryOf(me.shell.ctl, wallNow(me), mono, d.pending(), d.lostTotal, null))
    queueWrites(me)
}

function onMessage(me: Link, t: string, content: Buffer): void {
    const s = me.session
    if (s === null) return
    // Larger than any command: cut (the parser then refuses it as too large).
    const text = (content.length > MAX_CMD_BYTES ? content.slice(0, MAX_CMD_BYTES + 1) : content).toString()
    const self = me
    const before = s.diary.acked
    const r = s.message(t, text, wallNow(me), monoNow(me), (cmd: any) => self.exec(cmd))
    if (r.what === "cmd") logLine(["L cmd", r.id === null ? "-" : r.id, r.executed ? "run" : "not_run"])
    else if (s.diary.acked !== before) logLine(["L acked", s.diary.acked, "held=" + s.diary.pending()])
    queueWrites(me)
    setTimeout(async () => {
        await flush(self)
    }, 0)
}

/** Publishes the session's outbox in order; a failed publish drops the rest (the diary
 *  is resent from the acknowledged seq). */
async function flush(me: Link): Promise<void> {
    const s = me.session
    const c = me.client
    if (s === null || c === null || me.flushing) return
    me.flushing = true
    try {
        for (let round = 0; round < 8; round++) {
            const out = s.takeOutbox()
            if (out.length === 0) break
            for (const m of out) {
                let ok = false
                try {
                    ok = await c.publish(m.topic, m.payload, m.retain)
                } catch (e) {
                    ok = false
                }
                if (!ok) {
                    s.sendFailed()
                    logLine(["L send_failed", m.kind])
                    break
                }
                if (m.kind === "ev") logLine(["L ev", s.sentThrough(), m.payload.length])
            }
        }
    } finally {
        me.flushing = false
    }
}
