// Capacitive soil-moisture probes on ADC pins.
//
// Sensor k of the core (ZoneConfig.sensor or rowSensor = k) is the probe wired to zones[k].soilPin, so two
// zones may share one probe and soil[k] is null when zone k has no probe.
//
// Raw scale: the DeviceScript runtime returns an analog pin's value as adc/65536 (0..1); we
// report it on the 12-bit scale of the ESP32 ADC, raw = value * 4096 (0..4095), which is the
// scale of soilDryRaw/soilWetRaw in the profile. The firmware prints the raw readings in its
// status line ("raw=...") so a technician calibrates against the firmware's own numbers.
//
// Mapping (two-point, linear): probe in dry air (soilDryRaw) = 0.0 % v/v, probe in water
// (soilWetRaw) = 50.0 % v/v. 50 % is roughly the pore volume of a mineral soil at
// saturation, so "in water" stands for saturated soil; capacitive probes read lower when
// wetter. Readings beyond the two points are not clamped: the core's validMin/validMax range
// check turns them into an out_of_range sensor. A reading at the ADC rails (0 or 4095) is a
// disconnected or shorted probe and is reported as no reading (null).
//
// In the simulator (no ADC) probe k is a Jacdac soil-moisture role "smK" (bound to the HIL
// harness's probes in device-id order). Its reading, a ratio from dry (0) to wet (1), is
// placed between the profile's two calibration points and goes through the same raw path.
// Without a bound probe the simulator reads a fixed 27.5 % with a little movement.

import * as ds from "@devicescript/core"
import "@devicescript/gpio"
import { CoreConfig, Hardware, sensorCount } from "./core/index"
import { errText, logLine } from "./log"
import { simRole } from "./hil/roles"

/** Tenths of a percent v/v that the "in water" calibration point stands for. */
export const WET_TENTHS = 500
export const ADC_FULL = 4096
/** Samples averaged per reading (capacitive probes are noisy). */
export const SAMPLES = 4

/** ADC raw (12-bit scale) to tenths of % v/v by the two-point calibration; null if unusable. */
export function rawToTenths(raw: number, dryRaw: number, wetRaw: number): number | null {
    if (typeof raw !== "number" || raw !== raw) return null
    if (raw <= 0 || raw >= ADC_FULL - 1) return null
    const span = dryRaw - wetRaw
    if (span <= 0) return null
    return Math.round(((dryRaw - raw) * WET_TENTHS) / span)
}

export class SoilProbes {
    private hw: Hardware
    private sim: boolean
    private count: number
    /** ADC pin per sensor index, null where none (or binding failed). */
    private pins: (ds.InputPin | null)[] = []
    /** Last raw reading per sensor, -1 when none. */
    lastRaw: number[] = []
    private failLogged: boolean[] = []
    /** Simulator: soil-moisture roles and their last readings (-1 = none yet). */
    private roles: ds.SoilMoisture[] = []
    private simRatio: number[] = []

    constructor(cfg: CoreConfig, hw: Hardware, sim: boolean) {
        this.hw = hw
        this.sim = sim
        this.count = sensorCount(cfg)
        for (let k = 0; k < this.count; k++) {
            this.lastRaw.push(-1)
            this.failLogged.push(false)
            this.pins.push(sim ? null : this.bind(k))
            if (sim) this.bindSim(k)
        }
    }

    private bindSim(k: number): void {
        const self = this
        const r = simRole("sm" + k, n => new ds.SoilMoisture(n))
        this.roles.push(r)
        this.simRatio.push(-1)
        r.reading.subscribe(v => {
            self.simRatio[k] = v
        })
    }

    private gpioOf(k: number): number {
        return k < this.hw.zones.length ? this.hw.zones[k].soilAdc : -1
    }

    private bind(k: number): ds.InputPin | null {
        const g = this.gpioOf(k)
        if (g < 0) return null
        try {
            const p = ds.gpio(g)
            p.setMode(ds.GPIOMode.AnalogIn)
            return p
        } catch (e) {
            logLine(["X adc_unavailable", "s" + k, "gpio" + g, errText(e)])
            return null
        }
    }

    /** Averaged raw reading of sensor k at ms, -1 if none. */
    private readRaw(k: number, ms: number): number {
        if (this.gpioOf(k) < 0) return -1
        if (this.sim) return this.simRaw(k, ms)
        const p = this.pins[k]
        if (p === null) return -1
        let sum = 0
        for (let i = 0; i < SAMPLES; i++) {
            const v: any = p.value
            if (typeof v !== "number" || v !== v) return -1
            sum += v
        }
        return Math.floor((sum * ADC_FULL) / SAMPLES)
    }

    /** Simulator only: a reading 45 % of the way from the wet to the dry point (about
     *  27.5 % v/v) with a little movement so the core never sees a stuck sensor. */
    private simRaw(k: number, ms: number): number {
        const z = this.hw.zones[k]
        const ratio = this.simRatio[k]
        if (this.roles[k].isBound && ratio >= 0) return Math.round(z.soilDryRaw - ratio * (z.soilDryRaw - z.soilWetRaw))
        const wobble = (Math.floor(ms / 1000) + k) % 6
        return z.soilWetRaw + Math.floor(((z.soilDryRaw - z.soilWetRaw) * 45) / 100) + wobble
    }

    /** One reading per sensor index in tenths of % v/v, null where unavailable. Never throws
     *  for a single probe: a failing probe becomes null (the core then calls it missing). */
    read(ms: number): (number | null)[] {
        const out: (number | null)[] = []
        for (let k = 0; k < this.count; k++) {
            let v: number | null = null
            try {
                const raw = this.readRaw(k, ms)
                this.lastRaw[k] = raw
                if (raw >= 0) {
                    const z = this.hw.zones[k]
                    v = rawToTenths(raw, z.soilDryRaw, z.soilWetRaw)
                }
                this.failLogged[k] = false
            } catch (e) {
                this.lastRaw[k] = -1
                if (!this.failLogged[k]) logLine(["X adc_read", "s" + k, errText(e)])
                this.failLogged[k] = true
            }
            out.push(v)
        }
        return out
    }
}
