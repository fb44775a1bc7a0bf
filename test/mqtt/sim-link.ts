// A Node model of one controller's link for property tests: the real LinkSession and
// DiaryQueue, a flash that behaves like the shell's write queue (same-key writes coalesce in
// place, written in order, unwritten ones lost at a power cut), a lossy link, and the real
// office receiver (in memory).

import { ackJson } from "../../firmware/core/mqtt/codec"
import { RecentCommands, RECENT_KEY } from "../../firmware/core/mqtt/commands"
import { DIARY_META_KEY, diaryKey, DiaryQueue, DiaryWrite } from "../../firmware/core/mqtt/diary"
import { defaultLinkConfig, LinkSession, Outgoing } from "../../firmware/core/mqtt/session"
import { T_ACK, topic } from "../../firmware/core/mqtt/topics"
import { CoreEvent } from "../../firmware/core/types"
import { DiaryReceiver } from "../../tools/diary-receiver"

export class SimFlash {
    data = new Map<string, string>()
    pending: DiaryWrite[] = []
    /** Calls back with every write that reaches the flash. */
    onWrite: ((w: DiaryWrite) => void) | null = null

    queue(ws: DiaryWrite[]): void {
        for (const w of ws) {
            const p = this.pending.find(q => q.key === w.key)
            if (p) p.value = w.value
            else this.pending.push({ ...w })
        }
    }

    flush(n = Infinity): void {
        while (n-- > 0 && this.pending.length > 0) {
            const w = this.pending.shift() as DiaryWrite
            if (w.value === "") this.data.delete(w.key)
            else this.data.set(w.key, w.value)
            this.onWrite?.(w)
        }
    }

    /** Power cut: what is not written yet is gone. */
    cut(): void {
        this.pending = []
    }
}

export class SimDevice {
    readonly id: string
    readonly capacity: number
    readonly flash: SimFlash
    session!: LinkSession
    mono = 0
    epochs = 0
    private rand: () => number

    constructor(id: string, capacity: number, flash: SimFlash, rand: () => number) {
        this.id = id
        this.capacity = capacity
        this.flash = flash
        this.rand = rand
        this.boot()
    }

    /** Restores everything from the flash, as link.ts does at boot. */
    boot(): void {
        const d = new DiaryQueue(this.capacity)
        d.restoreMeta(this.flash.data.get(DIARY_META_KEY), 1 + Math.floor(this.rand() * 999999999))
        for (let i = 0; i < this.capacity; i++) d.restoreSlot(i, this.flash.data.get(diaryKey(i)))
        d.finishRestore()
        const r = new RecentCommands()
        r.restore(this.flash.data.get(RECENT_KEY))
        const cfg = defaultLinkConfig(this.id)
        cfg.batchDelayS = 2
        cfg.resendS = 20
        this.session = new LinkSession(cfg, d, r)
        this.flash.queue(this.session.takeWrites())
        this.epochs++
    }

    event(e: CoreEvent): number {
        const seq = this.session.event(e)
        this.flash.queue(this.session.takeWrites())
        return seq
    }

    /** Advances time and returns what the device sends. */
    poll(dt: number): Outgoing[] {
        this.mono += dt
        if (this.flash.pending.length === 0) this.session.diary.markDurable()
        this.session.poll(this.mono, "{}")
        this.flash.queue(this.session.takeWrites())
        return this.session.takeOutbox()
    }

    receive(t: string, payload: string): void {
        this.session.message(t, payload, 0, this.mono, () => ({ ok: true, error: "" }))
        this.flash.queue(this.session.takeWrites())
    }
}

/** Delivers the device's diary batches to the office and the office's acks back, each
 *  message lost with probability `loss` (rand() < loss). Returns the bytes delivered. */
export function exchange(dev: SimDevice, office: DiaryReceiver, out: Outgoing[], loss: number, rand: () => number): void {
    for (const m of out) {
        if (m.kind !== "ev") continue
        if (rand() < loss) continue
        const r = office.handle(dev.id, m.payload)
        if (r === null) throw new Error("office refused a batch: " + m.payload)
        if (rand() < loss) continue
        dev.receive(topic(dev.id, T_ACK), ackJson(r.ack.e, r.ack.s, r.ack.g))
    }
}
