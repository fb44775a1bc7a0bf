// What the controller says over MQTT and when (docs/mqtt.md). No I/O: the firmware link
// (firmware/link.ts) feeds it connection changes, incoming messages, core events and the
// time, then publishes what it leaves in the outbox and writes what the diary leaves for the
// flash. The data-budget measurement runs this same code over a simulated day.
//
// Diary delivery is go-back-N over an unreliable publish (DeviceScript's client drops a
// publish while disconnected and never retries QoS 1): batches go out in order, at most
// `window` records beyond the acknowledged seq; with no acknowledgement progress for
// `resendS` seconds, after a reconnect, or when the office reports a gap, sending restarts
// just after the acknowledged seq. The office drops what it already has (by device, epoch
// and seq).
//
// Pure code (DeviceScript and Node).

import { CoreEvent } from "../types"
import { batchJson, parseAck } from "./codec"
import { ExecResult, handleCommand, RecentCommands, RECENT_KEY } from "./commands"
import { DiaryQueue, DiaryWrite } from "./diary"
import { ONLINE, ownSuffix, T_ACK, T_AVAIL, T_CMD, T_EVENTS, T_INFO, T_REPLY, T_STATE, T_TELE, topic } from "./topics"

export interface LinkConfig {
    deviceId: string
    /** Telemetry period, seconds. */
    telemetryS: number
    /** At most one state message per this many seconds (bursts of changes coalesce). */
    stateHoldS: number
    /** A diary batch waits this long after its newest record, unless it is full. */
    batchDelayS: number
    maxBatch: number
    maxBatchChars: number
    /** Records sent but not yet acknowledged, at most. */
    window: number
    /** Restart sending after this many seconds without acknowledgement progress. */
    resendS: number
}

export function defaultLinkConfig(deviceId: string): LinkConfig {
    return {
        deviceId: deviceId,
        telemetryS: 900,
        stateHoldS: 10,
        batchDelayS: 5,
        maxBatch: 12,
        maxBatchChars: 900,
        window: 24,
        resendS: 45,
    }
}

export interface Outgoing {
    topic: string
    payload: string
    retain: boolean
    /** Topic suffix, for accounting. */
    kind: string
}

export interface MessageResult {
    /** "ignored", "ack", "cmd" */
    what: string
    /** For commands: was it carried out (not a duplicate, not refused before execution). */
    executed: boolean
    id: string | null
}

export class LinkSession {
    readonly cfg: LinkConfig
    readonly diary: DiaryQueue
    readonly recent: RecentCommands
    connected = false
    /** Counters for logs and tests. */
    connects = 0
    batchesSent = 0
    resends = 0
    out: Outgoing[] = []
    sentUpTo = 0
    progressAt = 0
    lastState = ""
    stateAt = -1000000
    teleAt = -1000000
    newestSeq = 0
    newestAt = 0
    recentDirty = false

    constructor(cfg: LinkConfig, diary: DiaryQueue, recent: RecentCommands) {
        this.cfg = cfg
        this.diary = diary
        this.recent = recent
    }

    /** Topics the device subscribes to (exactly these, no wildcards). */
    subscriptions(): string[] {
        return [topic(this.cfg.deviceId, T_CMD), topic(this.cfg.deviceId, T_ACK)]
    }

    availabilityTopic(): string {
        return topic(this.cfg.deviceId, T_AVAIL)
    }

    /** The broker accepted the connection: announce, then replay the diary from the
     *  acknowledged seq. Telemetry goes out at the next poll. */
    connect(monoS: number, info: string, state: string): void {
        this.connected = true
        this.connects++
        this.out = []
        put(this, T_AVAIL, ONLINE, true)
        put(this, T_INFO, info, true)
        put(this, T_STATE, state, true)
        this.lastState = state
        this.stateAt = monoS
        this.teleAt = -1000000
        this.sentUpTo = this.diary.acked
        this.progressAt = monoS
    }

    disconnect(): void {
        this.connected = false
        this.out = []
        this.sentUpTo = this.diary.acked
    }

    /** A publish failed or threw: whatever is queued is dropped; the diary will be resent. */
    sendFailed(): void {
        this.out = []
        this.sentUpTo = this.diary.acked
    }

    event(e: CoreEvent): number {
        return this.diary.push(e)
    }

    /** A message from the broker. wallS: UTC seconds (0 unknown); exec runs a command. */
    message(t: string, payload: string, wallS: number, monoS: number, exec: (cmd: any) => ExecResult): MessageResult {
        const suffix = ownSuffix(t, this.cfg.deviceId)
        if (suffix === T_ACK) {
            const a = parseAck(payload)
            if (a === null || a.e !== this.diary.epoch) return { what: "ignored", executed: false, id: null }
            if (this.diary.ack(a.e, a.s)) this.progressAt = monoS
            if (this.sentUpTo < this.diary.acked || a.gap) this.sentUpTo = this.diary.acked
            return { what: "ack", executed: false, id: null }
        }
        if (suffix === T_CMD) {
            const o = handleCommand(payload, this.recent, wallS, exec)
            if (o.remember) this.recentDirty = true
            put(this, T_REPLY, o.reply, false)
            return { what: "cmd", executed: o.executed, id: o.id }
        }
        return { what: "ignored", executed: false, id: null }
    }

    /** Telemetry is due (the caller then builds it and calls telemetry()). */
    telemetryDue(monoS: number): boolean {
        return this.connected && monoS - this.teleAt >= this.cfg.telemetryS
    }

    telemetry(monoS: number, payload: string): void {
        this.teleAt = monoS
        if (this.connected) put(this, T_TELE, payload, true)
    }

    /** Once a second (or so): state on change, diary batches, resends. */
    poll(monoS: number, state: string): void {
        const d = this.diary
        const newest = d.lastHeld()
        if (newest !== this.newestSeq) {
            this.newestSeq = newest
            this.newestAt = monoS
        }
        if (!this.connected) return
        if (state !== this.lastState && monoS - this.stateAt >= this.cfg.stateHoldS) {
            put(this, T_STATE, state, true)
            this.lastState = state
            this.stateAt = monoS
        }
        if (this.sentUpTo > d.acked && monoS - this.progressAt >= this.cfg.resendS) {
            this.sentUpTo = d.acked
            this.progressAt = monoS
            this.resends++
        }
        for (let n = 0; n < 4; n++) {
            if (this.inFlight() >= this.cfg.window) return
            const b = d.batch(this.sentUpTo, this.cfg.maxBatch, this.cfg.maxBatchChars)
            if (b === null) return
            const full = b.records.length >= this.cfg.maxBatch
            if (!full && b.last === this.newestSeq && monoS - this.newestAt < this.cfg.batchDelayS) return
            if (this.sentUpTo <= d.acked) this.progressAt = monoS
            put(this, T_EVENTS, batchJson(d.epoch, b.prev, b.records), false)
            this.sentUpTo = b.last
            this.batchesSent++
        }
    }

    /** Records sent and not yet acknowledged. */
    inFlight(): number {
        return this.diary.countUpTo(this.sentUpTo)
    }

    takeOutbox(): Outgoing[] {
        const o = this.out
        this.out = []
        return o
    }

    /** Flash writes: diary slots and meta, and the recent-command record. */
    takeWrites(): DiaryWrite[] {
        const w = this.diary.takeWrites()
        if (this.recentDirty) {
            this.recentDirty = false
            w.push({ key: RECENT_KEY, value: this.recent.encode() })
        }
        return w
    }

    sentThrough(): number {
        return this.sentUpTo
    }
}

function put(me: LinkSession, suffix: string, payload: string, retain: boolean): void {
    me.out.push({ topic: topic(me.cfg.deviceId, suffix), payload: payload, retain: retain, kind: suffix })
}
