// The office side of the store-and-forward diary (docs/mqtt.md, "Diary"): receives the
// controllers' event batches, keeps each record once (by device, epoch and sequence number),
// appends it to a JSON-lines file, then acknowledges up to the highest sequence number it
// holds with nothing missing before it. The file is the office's copy of every farm's
// irrigation diary; restarting the receiver reads it back, so duplicates stay out across
// restarts too.

import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from "node:fs"
import type { MqttClient } from "mqtt"
import { ackJson, DiaryRecord, parseBatch } from "../firmware/core/mqtt/codec"
import { parseTopic, T_ACK, T_EVENTS, topic } from "../firmware/core/mqtt/topics"

export interface DiaryLine {
    device: string
    epoch: number
    seq: number
    /** UTC seconds of the event (0: the box's clock was not set). */
    t: number
    /** ISO form of t, "" when unknown. */
    time: string
    kind: string
    cause: string
    zone: number
    program: number
    value: number
    reason: string
    /** When the office received it (ISO). */
    rx: string
}

export interface BatchOutcome {
    device: string
    epoch: number
    stored: DiaryRecord[]
    duplicates: number
    /** The batch started after a record the office does not have: nothing stored, resend asked. */
    gap: boolean
    ack: { e: number; s: number; g: boolean }
}

export class DiaryReceiver {
    readonly file: string
    /** `${device}/${epoch}` -> highest seq held with nothing missing before it. */
    readonly high = new Map<string, number>()
    duplicates = 0
    gaps = 0
    malformed = 0
    stored = 0
    /** Called after records are written (for a live display). */
    onStored: ((lines: DiaryLine[]) => void) | null = null

    /** Lines kept in memory when there is no file (file ""): simulations and tests. */
    private memory: DiaryLine[] = []

    constructor(file: string) {
        this.file = file
        if (file !== "" && existsSync(file)) {
            for (const line of readFileSync(file, "utf8").split("\n")) {
                if (line.trim() === "") continue
                try {
                    const r = JSON.parse(line) as DiaryLine
                    const key = `${r.device}/${r.epoch}`
                    if ((this.high.get(key) ?? 0) < r.seq) this.high.set(key, r.seq)
                } catch {
                    // A torn last line (the office lost power mid-write) is ignored: its
                    // record was not acknowledged and comes again.
                }
            }
        }
    }

    highWater(device: string, epoch: number): number {
        return this.high.get(`${device}/${epoch}`) ?? 0
    }

    /** Handles one batch payload from `device`; null when malformed (nothing acknowledged). */
    handle(device: string, payload: string, now = new Date()): BatchOutcome | null {
        const b = parseBatch(payload)
        if (b === null) {
            this.malformed++
            return null
        }
        const key = `${device}/${b.e}`
        const hw = this.high.get(key) ?? 0
        if (b.p > hw) {
            this.gaps++
            return { device, epoch: b.e, stored: [], duplicates: 0, gap: true, ack: { e: b.e, s: hw, g: true } }
        }
        const fresh = b.records.filter(r => r.seq > hw)
        const dups = b.records.length - fresh.length
        this.duplicates += dups
        if (fresh.length > 0) {
            const rx = now.toISOString()
            const lines: DiaryLine[] = fresh.map(r => ({
                device,
                epoch: b.e,
                seq: r.seq,
                t: r.t,
                time: r.t > 0 ? new Date(r.t * 1000).toISOString() : "",
                kind: r.kind,
                cause: r.cause,
                zone: r.zone,
                program: r.program,
                value: r.value,
                reason: r.reason,
                rx,
            }))
            if (this.file === "") {
                for (const l of lines) this.memory.push(l)
            } else {
                const fd = openSync(this.file, "a")
                try {
                    appendFileSync(fd, lines.map(l => JSON.stringify(l)).join("\n") + "\n")
                    fsyncSync(fd)
                } finally {
                    closeSync(fd)
                }
            }
            this.high.set(key, fresh[fresh.length - 1].seq)
            this.stored += fresh.length
            this.onStored?.(lines)
        }
        const s = this.high.get(key) ?? 0
        return { device, epoch: b.e, stored: fresh, duplicates: dups, gap: false, ack: { e: b.e, s, g: false } }
    }

    /** Every record in the file (for tests and reports). */
    readAll(): DiaryLine[] {
        if (this.file === "") return this.memory.slice()
        if (!existsSync(this.file)) return []
        return readFileSync(this.file, "utf8")
            .split("\n")
            .filter(l => l.trim() !== "")
            .map(l => JSON.parse(l) as DiaryLine)
    }

    /** Receives batches of `device` ("+" = every controller) and acknowledges them
     *  (retained, so a controller learns its acknowledged seq as soon as it subscribes). */
    async attach(client: MqttClient, device = "+"): Promise<() => Promise<void>> {
        const filter = `tl/v1/${device}/${T_EVENTS}`
        const handler = (t: string, payload: Buffer) => {
            const p = parseTopic(t)
            if (p === null || p.suffix !== T_EVENTS || (device !== "+" && p.deviceId !== device)) return
            const out = this.handle(p.deviceId, payload.toString())
            if (out === null) return
            client.publish(topic(p.deviceId, T_ACK), ackJson(out.ack.e, out.ack.s, out.ack.g), { qos: 1, retain: true })
        }
        client.on("message", handler)
        await client.subscribeAsync(filter, { qos: 1 })
        return async () => {
            client.removeListener("message", handler)
            await client.unsubscribeAsync(filter)
        }
    }
}
