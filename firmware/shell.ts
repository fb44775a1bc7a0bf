// The firmware shell: feeds the control core time and soil readings once a second, drives
// its outputs onto the relays, persists its records and logs its events.
//
// The tick itself never awaits anything: reading the hardware clock and writing the flash run
// in their own fibers, so a hung I2C bus, Jacdac read or flash write can never hold a valve
// open. A watchdog timer drives everything off if the tick loop ever stalls.

import * as ds from "@devicescript/core"
import { Cause, CommandResult, Controller, CoreConfig, CoreEvent, Hardware, SettingWrite } from "./core/index"
import { WallClock } from "./clock"
import { FlowMeterInput } from "./flowmeter"
import { SoilProbes } from "./inputs"
import { errText, eventLine, logLine } from "./log"
import { Outputs } from "./outputs"
import { readRecords, writeRecord } from "./storage"

/** Ticks between status lines. */
export const STATUS_EVERY = 60
/** The watchdog acts when no tick has completed for this many tick periods. */
export const STALL_TICKS = 5
/** A failed flash write is retried this many times before it is dropped. */
export const WRITE_RETRIES = 2

interface PendingWrite {
    key: string
    value: string
    tries: number
}

export class Shell {
    readonly name: string
    readonly cfg: CoreConfig
    readonly hw: Hardware
    readonly sim: boolean
    readonly tickMs: number
    readonly out: Outputs
    readonly ctl: Controller
    readonly soil: SoilProbes
    readonly clock: WallClock
    readonly flow: FlowMeterInput
    ticks = 0
    exceptions = 0
    statusEvery = STATUS_EVERY
    /** Called with every core event after it is logged (firmware/link.ts chains onto it). */
    onEvent: ((e: CoreEvent) => void) | null = null
    /** Called after every step, with its times (the planner looks from here: app-planner.ts). */
    onTick: ((monoS: number, wallS: number) => void) | null = null
    lastTickMs = 0
    private pending: PendingWrite[] = []
    private writing = false
    private stalled = false

    /** Drives every output off before anything else happens. */
    constructor(name: string, cfg: CoreConfig, hw: Hardware, sim: boolean) {
        this.out = new Outputs(hw, sim)
        this.name = name
        this.cfg = cfg
        this.hw = hw
        this.sim = sim
        this.tickMs = cfg.tickS * 1000
        this.ctl = new Controller(cfg)
        this.soil = new SoilProbes(cfg, hw, sim)
        this.clock = new WallClock(hw, sim)
        this.flow = new FlowMeterInput(hw.flowMeter, sim)
    }

    /** Reads the flash and restores the core. Outputs stay off throughout. */
    async boot(): Promise<void> {
        logLine(["B", '"' + this.name + '"', "board=" + this.hw.board, "zones=" + this.cfg.zones.length, this.sim ? "sim" : "hw"])
        if (this.out.broken !== "") logLine(["X outputs_unavailable", this.out.broken])
        const records = await readRecords()
        logLine(["B records", Object.keys(records).join(",")])
        this.ctl.restore(records)
        // restore() reports boot/restored and may rewrite corrupt records: a first step
        // (outputs stay off: nothing is queued yet) delivers those.
        this.tick(ds.millis())
    }

    /** One control step at monotonic time ms. Never throws; on any fault everything is off. */
    tick(ms: number): void {
        const monoS = Math.floor(ms / 1000)
        try {
            if (this.out.broken !== "") {
                // An output that cannot be driven means the box cannot control its water.
                if (this.ctl.fault === "") this.ctl.enterSafeState("output_unavailable", monoS)
            }
            const wallS = this.clock.nowS(ms)
            const soil = this.soil.read(ms)
            const o = this.ctl.step({ monoS: monoS, wallS: wallS, soil: soil, flowPulses: this.flow.read() })
            let applyError = ""
            try {
                this.out.apply(o.valves, o.pump, o.master)
            } catch (e) {
                applyError = errText(e)
            }
            this.queueWrites(o.writes)
            for (const ev of o.events) {
                logLine([eventLine(ev)])
                const h = this.onEvent
                if (h !== null) {
                    // A failing listener (e.g. the network) must not stop the watering.
                    try {
                        h(ev)
                    } catch (e) {
                        logLine(["X on_event", errText(e)])
                    }
                }
            }
            const t = this.onTick
            if (t !== null && applyError === "") {
                try {
                    t(monoS, wallS)
                } catch (e) {
                    logLine(["X on_tick", errText(e)])
                }
            }
            if (applyError !== "") this.safeState(monoS, "output_fail", applyError)
            else if (this.ticks % this.statusEvery === 0) {
                try {
                    this.status(monoS, wallS)
                } catch (e) {
                    logLine(["X status", errText(e)])
                }
            }
        } catch (e) {
            this.safeState(monoS, "shell_exception", errText(e))
        }
        this.ticks++
        this.lastTickMs = ms
    }

    /** All outputs off and the core latched in its safe state (cleared by clearFault). */
    safeState(monoS: number, why: string, detail: string): void {
        this.exceptions++
        this.out.allOff()
        logLine(["X", why, detail])
        try {
            if (this.ctl.fault === "") this.ctl.enterSafeState(why, monoS)
        } catch (e) {
            logLine(["X enter_safe_state", errText(e)])
        }
    }

    /** A command from the keypad or the network; effects show at the next tick. */
    command(cmd: any, source: Cause): CommandResult {
        let r: CommandResult
        try {
            r = this.ctl.command(cmd, source)
        } catch (e) {
            r = { ok: false, error: "exception" }
            logLine(["X command", errText(e)])
        }
        const k = cmd !== null && typeof cmd === "object" ? cmd.k : "?"
        logLine(["K", source, k, r.ok ? "ok" : r.error])
        return r
    }

    status(monoS: number, wallS: number): void {
        const st = this.ctl.status()
        const soil: string[] = []
        for (const r of this.soil.lastRaw) soil.push(r < 0 ? "-" : "" + r)
        logLine([
            "S up=" + monoS,
            "utc=" + wallS + "/" + this.clock.source,
            this.out.state(),
            "q=" + st.queued,
            "fault=" + (st.fault === "" ? "-" : st.fault),
            "sensors=" + st.sensors.join(","),
            "raw=" + soil.join(","),
        ])
    }

    private queueWrites(ws: SettingWrite[]): void {
        for (const w of ws) {
            let found = false
            for (const p of this.pending) {
                if (p.key === w.key) {
                    p.value = w.value
                    p.tries = 0
                    found = true
                }
            }
            if (!found) this.pending.push({ key: w.key, value: w.value, tries: 0 })
        }
    }

    /** Queues a flash record of another module (the MQTT link's diary); written in order
     *  with the core's records by the same fiber. */
    queueRecord(key: string, value: string): void {
        this.queueWrites([{ key: key, value: value }])
    }

    pendingWrites(): number {
        return this.pending.length
    }

    /** Writes queued records to flash, oldest first. */
    async flushWrites(): Promise<void> {
        if (this.writing) return
        this.writing = true
        try {
            while (this.pending.length > 0) {
                const p = this.pending[0]
                const value = p.value
                const err = await writeRecord(p.key, value)
                // The record may have been replaced while we were writing: keep the new one.
                if (this.pending.length > 0 && this.pending[0] === p && p.value === value) {
                    const retry = err === "write_failed" || err === "verify_failed"
                    if (retry && p.tries < WRITE_RETRIES) {
                        p.tries++
                        break
                    }
                    this.pending.shift()
                }
            }
        } finally {
            this.writing = false
        }
    }

    /** Watchdog: everything off if no tick completed for STALL_TICKS periods. */
    checkStall(ms: number): void {
        if (ms - this.lastTickMs < STALL_TICKS * this.tickMs) {
            this.stalled = false
            return
        }
        if (this.stalled) return
        this.stalled = true
        this.safeState(Math.floor(ms / 1000), "tick_stalled", "" + (ms - this.lastTickMs))
    }

    /** Runs forever (maxTicks = 0) or for maxTicks ticks on the real clock. */
    async run(maxTicks: number): Promise<void> {
        const self = this
        if (maxTicks > 0) this.statusEvery = 1
        // Fibers that may block on hardware; the tick below never waits for them.
        setTimeout(async () => {
            while (true) {
                try {
                    await self.clock.sync(ds.millis())
                } catch (e) {
                    logLine(["X clock_fiber", errText(e)])
                }
                await ds.sleep(1000)
            }
        }, 0)
        setInterval(async () => {
            try {
                await self.flushWrites()
            } catch (e) {
                logLine(["X write_fiber", errText(e)])
            }
        }, 500)
        setInterval(() => {
            self.checkStall(ds.millis())
        }, this.tickMs)
        let next = ds.millis()
        let n = 0
        while (maxTicks === 0 || n < maxTicks) {
            next += this.tickMs
            let wait = next - ds.millis()
            if (wait < -5 * this.tickMs) {
                // Far behind (e.g. a long flash erase): do not burst, start counting afresh.
                next = ds.millis()
                wait = 0
            }
            await ds.sleep(wait > 0 ? wait : 0)
            this.tick(ds.millis())
            n++
        }
        await this.flushWrites()
    }
}
