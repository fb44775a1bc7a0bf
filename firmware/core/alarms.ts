// Alarms: the conditions a person must see and acknowledge (on the keypad or remotely).
// An alarm stays listed until acknowledged, even if its cause went away, so that a farmer
// who comes back to the box learns what happened while nobody watched.

export interface Alarm {
    /** Unique, increasing; 0 is never used (ack 0 means "all"). */
    id: number
    /** "sensor", "safe_state", "max_run", "flash", "queue_full", ... */
    kind: string
    /** Zone or sensor index, -1 if none. */
    zone: number
    value: number
    /** Short ASCII reason code. */
    reason: string
    /** UTC seconds first raised (0 while the clock was unknown). */
    t: number
    /** How many times it was raised again before being acknowledged. */
    repeats: number
}

export const MAX_ALARMS = 16

export class AlarmList {
    items: Alarm[] = []
    private nextId = 1

    /** Raises an alarm, or counts a repeat of the same unacknowledged one; returns its id. */
    raise(kind: string, zone: number, value: number, reason: string, t: number): number {
        for (const a of this.items) {
            if (a.kind === kind && a.zone === zone) {
                a.repeats++
                a.value = value
                a.reason = reason
                return a.id
            }
        }
        if (this.items.length >= MAX_ALARMS) this.items = this.items.slice(1)
        const id = this.nextId++
        this.items.push({ id: id, kind: kind, zone: zone, value: value, reason: reason, t: t, repeats: 0 })
        return id
    }

    /** Acknowledges one alarm by id, or all with id 0; returns the alarms removed. */
    ack(id: number): Alarm[] {
        const keep: Alarm[] = []
        const gone: Alarm[] = []
        for (const a of this.items) {
            if (id === 0 || a.id === id) gone.push(a)
            else keep.push(a)
        }
        this.items = keep
        return gone
    }
}
