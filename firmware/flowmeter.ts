// Pulse flow meter input: counts pulses since boot for the core's flow supervision.
//
// DeviceScript 2.16.4 reports GPIO input changes by polling every 100 ms (@devicescript/gpio
// subscribe), so pulses shorter than that are missed: this suits irrigation meters with a
// reed contact at 1 pulse per 1-10 litres (at most a few pulses a second), not hall-effect
// meters at hundreds of pulses per litre. The meter closes to ground; the pin pulls up, and
// each falling edge is one pulse.
//
// In the simulator there is no GPIO: the meter is a Jacdac rotary-encoder role "flow", whose
// reading (a signed count since reset, one "click" per pulse) the HIL harness advances from
// the hydraulics model. With no such device bound the meter reads as absent (undefined).

import * as ds from "@devicescript/core"
import "@devicescript/gpio"
import { errText, logLine } from "./log"
import { simRole } from "./hil/roles"

export class FlowMeterInput {
    pulses = 0
    private ok = false
    private role: ds.RotaryEncoder | null = null

    constructor(gpio: number, sim: boolean) {
        if (gpio < 0) return
        const self = this
        if (sim) {
            const r = simRole("flow", n => new ds.RotaryEncoder(n))
            this.role = r
            r.reading.subscribe(v => {
                self.pulses = v
            })
            return
        }
        try {
            const pin = ds.gpio(gpio)
            pin.setMode(ds.GPIOMode.InputPullUp)
            pin.subscribe(v => {
                if (v === 0) self.pulses++
            })
            this.ok = true
        } catch (e) {
            logLine(["X", "flow meter on GPIO" + gpio, "unavailable:", errText(e)])
        }
    }

    /** Pulses since boot, or undefined when there is no working meter. */
    read(): number | undefined {
        const r = this.role
        if (r !== null) return r.isBound ? this.pulses : undefined
        return this.ok ? this.pulses : undefined
    }
}
