// A controller without hardware: the real control core and the real MQTT session (the same
// code the firmware runs), connected to a broker with mqtt.js. For the simulator (a farm of
// virtual boxes on the embedded broker), for trying the office tools, and for tests.
//
//   const vc = new VirtualController({ url: b.url, deviceId: "demo-1", profile })
//   await vc.start(); vc.advance(60); ...; await vc.stop()
//
// Time is explicit: advance(seconds) steps the core second by second and lets the session
// publish. Flash is a Map that survives stop()/start() (pass the same one to a new instance
// to model a reboot).

import mqtt, { type MqttClient } from "mqtt"
import { Controller } from "../firmware/core/controller"
import { RecentCommands, RECENT_KEY } from "../firmware/core/mqtt/commands"
import { DIARY_META_KEY, diaryKey, DiaryQueue } from "../firmware/core/mqtt/diary"
import { execCore } from "../firmware/core/mqtt/exec"
import { infoOf, stateOf, telemetryOf } from "../firmware/core/mqtt/report"
import { defaultLinkConfig, LinkConfig, LinkSession } from "../firmware/core/mqtt/session"
import { OFFLINE } from "../firmware/core/mqtt/topics"
import type { Profile } from "../firmware/core/profile"

export interface VirtualOptions {
    url: string
    deviceId: string
    profile: Profile
    username?: string
    password?: string
    /** Flash records (core and link); shared across restarts. */
    flash?: Map<string, string>
    link?: Partial<LinkConfig>
    diarySlots?: number
    /** UTC seconds at start (0 = clock unknown). */
    wallS?: number
    /** Soil reading per probe, tenths of % v/v. */
    soil?: () => (number | null)[]
}

export class VirtualController {
    readonly opts: VirtualOptions
    readonly flash: Map<string, string>
    ctl!: Controller
    session!: LinkSession
    client: MqttClient | null = null
    mono = 0
    wall: number
    /** Everything published, for inspection. */
    sent: { topic: string; payload: string }[] = []

    constructor(opts: VirtualOptions) {
        this.opts = opts
        this.flash = opts.flash ?? new Map()
        this.wall = opts.wallS ?? 0
        this.boot()
    }

    private boot(): void {
        const records: Record<string, string> = {}
        for (const [k, v] of this.flash) records[k] = v
        this.ctl = new Controller(this.opts.profile.config)
        this.ctl.restore(records)
        const d = new DiaryQueue(this.opts.diarySlots ?? 64)
        d.restoreMeta(this.flash.get(DIARY_META_KEY), 1 + Math.floor(Math.random() * 999999999))
        for (let i = 0; i < d.capacity; i++) d.restoreSlot(i, this.flash.get(diaryKey(i)))
        d.finishRestore()
        const recent = new RecentCommands()
        recent.restore(this.flash.get(RECENT_KEY))
        this.session = new LinkSession({ ...defaultLinkConfig(this.opts.deviceId), ...this.opts.link }, d, recent)
        this.stepCore()
    }

    private write(key: string, value: string): void {
        if (value === "") this.flash.delete(key)
        else this.flash.set(key, value)
    }

    private stepCore(): void {
        const soil = this.opts.soil ? this.opts.soil() : this.opts.profile.config.zones.map(() => 280)
        const out = this.ctl.step({ monoS: this.mono, wallS: this.wall, soil })
        for (const w of out.writes) this.write(w.key, w.value)
        for (const e of out.events) this.session.event(e)
        for (const w of this.session.takeWrites()) this.write(w.key, w.value)
        this.session.diary.markDurable()
    }

    async start(): Promise<void> {
        const s = this.session
        const c = await mqtt.connectAsync(this.opts.url, {
            clientId: "tl-" + this.opts.deviceId,
            username: this.opts.username,
            password: this.opts.password,
            clean: true,
            keepalive: 60,
            reconnectPeriod: 500,
            protocolVersion: 4,
            will: { topic: s.availabilityTopic(), payload: Buffer.from(OFFLINE), qos: 1, retain: true },
        })
        this.client = c
        c.on("message", (t, payload) => {
            s.message(t, payload.toString(), this.wall, this.mono, cmd => execCore(this.ctl, cmd))
            for (const w of s.takeWrites()) this.write(w.key, w.value)
            this.flushOut()
        })
        c.on("connect", () => this.onConnect())
        c.on("close", () => s.disconnect())
        await c.subscribeAsync(s.subscriptions(), { qos: 1 })
        this.onConnect()
    }

    private onConnect(): void {
        const s = this.session
        s.connect(this.mono, infoOf(this.ctl, this.opts.profile.name, "virtual", s.diary.epoch, s.cfg.telemetryS), stateOf(this.ctl))
        this.flushOut()
    }

    private flushOut(): void {
        const c = this.client
        for (const m of this.session.takeOutbox()) {
            if (c === null || !c.connected) {
                this.session.sendFailed()
                return
            }
            c.publish(m.topic, m.payload, { qos: 0, retain: m.retain })
            this.sent.push({ topic: m.topic, payload: m.payload })
        }
    }

    /** Steps the core and the session `seconds` times (one simulated second each). */
    advance(seconds: number): void {
        for (let i = 0; i < seconds; i++) {
            this.mono++
            if (this.wall > 0) this.wall++
            this.stepCore()
            const s = this.session
            s.poll(this.mono, stateOf(this.ctl))
            if (s.telemetryDue(this.mono)) s.telemetry(this.mono, telemetryOf(this.ctl, this.wall, this.mono, s.diary.pending(), s.diary.lostTotal, null))
            this.flushOut()
        }
    }

    /** Disconnects; crash = no clean DISCONNECT, so the broker publishes the last will. */
    async stop(crash = false): Promise<void> {
        const c = this.client
        this.client = null
        if (c === null) return
        if (crash) {
            c.stream.destroy()
            await c.endAsync(true)
        } else {
            await c.endAsync()
        }
    }
}
