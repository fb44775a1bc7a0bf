// Relay outputs: zone valves, pump, master valve, fertiliser injector.
//
// On the board every output is a plain GPIO driven through DeviceScript's native pin API
// (`ds.gpio(n)` + `setMode(OutputHigh | OutputLow)` from @devicescript/gpio). A pin is only
// reachable when the board configuration names it: generated/board.ts adds the pins the
// stock board definition leaves out and gives every output its OFF level as boot state
// (`sPin`), so the runtime parks the relays off before this code even runs.
//
// In the simulator (`ds.isSimulator()`) the WASM VM has no GPIO (setMode to an output mode
// throws there): every output is a Jacdac relay role instead, so the same bytecode drives
// relays simulated on the bus (tools/hil/). Role "rlNN" is slot NN: 00 pump, 01 master,
// 02 injector, 03+z zone z; the HIL harness gives its relays device ids in that order, and
// roles bind to devices in order. Changes are logged either way. With no relay on the bus
// the levels are only kept and logged.

import * as ds from "@devicescript/core"
import "@devicescript/gpio"
import { Hardware } from "./core/index"
import { bits, errText, logLine } from "./log"
import { simRole } from "./hil/roles"

export class Channel {
    name: string
    gpio: number
    pin: ds.OutputPin | null = null
    /** Last level we asked for (true = relay energised). */
    on = false
    /** Simulator: the relay role, and the level last written to it (null = none yet). */
    role: ds.Relay | null = null
    sent: boolean | null = null
    constructor(name: string, gpio: number) {
        this.name = name
        this.gpio = gpio
    }
}

export class Outputs {
    valves: Channel[] = []
    pump: Channel | null = null
    master: Channel | null = null
    injector: Channel | null = null
    /** Every channel, in the order they are switched OFF: pump first, master last. */
    private offOrder: Channel[] = []
    private activeLow: boolean
    private sim: boolean
    /** Names of outputs that could not be bound or driven ("" = all fine). */
    broken = ""
    private lastShown = ""

    constructor(hw: Hardware, sim: boolean) {
        this.activeLow = hw.relayActiveLow
        this.sim = sim
        if (hw.pump >= 0) this.pump = this.channel("pump", hw.pump, 0)
        if (hw.injector >= 0) this.injector = this.channel("inj", hw.injector, 2)
        for (let z = 0; z < hw.zones.length; z++) this.valves.push(this.channel("z" + z, hw.zones[z].valve, 3 + z))
        if (hw.master >= 0) this.master = this.channel("master", hw.master, 1)
        if (this.pump !== null) this.offOrder.push(this.pump)
        if (this.injector !== null) this.offOrder.push(this.injector)
        for (const v of this.valves) this.offOrder.push(v)
        if (this.master !== null) this.offOrder.push(this.master)
        for (const c of this.offOrder) this.bind(c)
        this.allOff()
    }

    private channel(name: string, gpio: number, slot: number): Channel {
        const c = new Channel(name, gpio)
        if (this.sim) c.role = simRole("rl" + (slot < 10 ? "0" : "") + slot, n => new ds.Relay(n))
        return c
    }

    /** Simulator: writes changed levels to the bound relay roles, in the order driven. */
    private queue: Channel[] = []
    private writing = false
    private async flushSim(): Promise<void> {
        if (this.writing) return
        this.writing = true
        try {
            while (this.queue.length > 0) {
                const c = this.queue.shift()
                const r = c.role
                const on = c.on
                if (r !== null && r.isBound && c.sent !== on) {
                    await r.enabled.write(on)
                    c.sent = on
                }
            }
        } catch (e) {
            logLine(["X relay_role", errText(e)])
        }
        this.writing = false
    }

    private bind(c: Channel): void {
        if (this.sim) return
        try {
            c.pin = ds.gpio(c.gpio)
        } catch (e) {
            c.pin = null
            this.broken += (this.broken === "" ? "" : ",") + c.name
            logLine(["X pin_unavailable", c.name, "gpio" + c.gpio, errText(e)])
        }
    }

    /** Drives one channel; returns false if the pin could not be driven. */
    private drive(c: Channel, on: boolean): boolean {
        c.on = on
        if (this.sim) {
            if (c.role !== null && c.role.isBound && c.sent !== on) {
                this.queue.push(c)
                const self = this
                if (!this.writing) setTimeout(async () => await self.flushSim(), 0)
            }
            return true
        }
        const p = c.pin
        if (p === null) return false
        const high = on !== this.activeLow
        try {
            p.setMode(high ? ds.GPIOMode.OutputHigh : ds.GPIOMode.OutputLow)
            return true
        } catch (e) {
            logLine(["X pin_write", c.name, "gpio" + c.gpio, errText(e)])
            return false
        }
    }

    /** Every output off, pump first. Never throws; returns the number of failed pins. */
    allOff(): number {
        let failed = 0
        for (const c of this.offOrder) if (!this.drive(c, false)) failed++
        this.show()
        return failed
    }

    /**
     * Applies the core's outputs. All OFF transitions go first (pump before valves before
     * master), then ON transitions (master, valves, pump last), so no moment exists with the
     * pump running against closed valves. Every level is re-asserted on every tick.
     * Throws if any pin failed; everything has then been driven off.
     */
    apply(valves: boolean[], pump: boolean, master: boolean): void {
        let ok = true
        if (this.pump !== null && !pump) ok = this.drive(this.pump, false) && ok
        if (this.injector !== null) ok = this.drive(this.injector, false) && ok
        for (let z = 0; z < this.valves.length; z++) if (!valves[z]) ok = this.drive(this.valves[z], false) && ok
        if (this.master !== null && !master) ok = this.drive(this.master, false) && ok
        if (this.master !== null && master) ok = this.drive(this.master, true) && ok
        for (let z = 0; z < this.valves.length; z++) if (valves[z]) ok = this.drive(this.valves[z], true) && ok
        if (this.pump !== null && pump) ok = this.drive(this.pump, true) && ok
        if (!ok) {
            this.allOff()
            throw new Error("output_fail")
        }
        this.show()
    }

    anyOn(): boolean {
        for (const c of this.offOrder) if (c.on) return true
        return false
    }

    /** "v=0110 p=1 m=1" */
    state(): string {
        const vs: boolean[] = []
        for (const v of this.valves) vs.push(v.on)
        const p = this.pump !== null && this.pump.on ? "1" : "0"
        const m = this.master !== null && this.master.on ? "1" : "0"
        return ["v=" + bits(vs), "p=" + p, "m=" + m].join(" ")
    }

    private show(): void {
        const s = this.state()
        if (s === this.lastShown) return
        this.lastShown = s
        logLine(["O", s])
    }
}
