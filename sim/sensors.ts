// Field sensors as the firmware sees them: raw readings with per-unit spread, noise, drift and
// failures, plus the two-point calibration the firmware applies to a capacitive probe.
// Every random draw comes from the Rng a sensor is given, so a seed replays the same readings
// (as long as the calls come in the same order).

import { Rng } from "./random"

const YEAR_S = 365 * 86400

/** Standard normal deviate (Box-Muller). */
export function gaussian(rng: Rng): number {
    const u = 1 - rng.next() // (0, 1]: keeps log() finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next())
}

function uniform(rng: Rng, lo: number, hi: number): number {
    return lo + (hi - lo) * rng.next()
}

/** Time of a random failure with a constant hazard, seconds from start; Infinity if none. */
function failureTimeS(rng: Rng, perYear: number): number {
    return perYear > 0 ? (-Math.log(1 - rng.next()) / perYear) * YEAR_S : Infinity
}

// ---------------------------------------------------------------- capacitive soil moisture

export type ProbeFailure = "dead" | "stuck" | "disconnected"

/** Hidden per-unit properties of one capacitive probe (what a bench test would reveal). */
export interface MoistureProbeUnit {
    /** ADC count at θ = 0. Capacitive probes read lower as the soil gets wetter. */
    rawAtDry: number
    /** ADC count at the reference θ = 0.5. */
    rawAtWet: number
    /** Bow of the response: the probe is more sensitive in dry soil than a straight line says. */
    curvature: number
    /** Reading noise, standard deviation in m³/m³. */
    noiseVwc: number
    /** Apparent change of θ per °C away from 25 °C, at θ = 0.30, m³/m³ per °C. */
    tempCoefVwcPerC: number
    /** Slow calibration drift, m³/m³ per year (fouling, settling of the soil around the probe). */
    driftVwcPerYear: number
    /** What a dead unit reads: 0 (shorted) or the ADC rail (open output). */
    deadRaw: number
}

export interface MoistureProbeOptions {
    /** Full-scale ADC count (ESP32: 12 bits). */
    adcMax?: number
    /** Random failures per unit-year (default 0: only forced failures). */
    failurePerYear?: number
}

const WET_REF_VWC = 0.5

/** DFRobot SEN0193-like capacitive probe read through a 12-bit ADC. */
export class CapacitiveMoistureProbe {
    readonly unit: MoistureProbeUnit
    readonly adcMax: number
    private failMode: ProbeFailure
    private failAtS: number
    private lastRaw: number | null = null

    /**
     * @param clayFraction of the soil the probe sits in: the temperature effect of capacitive
     *   probes is largest in clay (domain.md), assumed to grow linearly with clay content.
     */
    constructor(
        private readonly rng: Rng,
        clayFraction: number,
        options: MoistureProbeOptions = {},
    ) {
        this.adcMax = options.adcMax ?? 4095
        // Assumed unit spread, ESP32 ADC at 11 dB attenuation: about 3.1 V in air, 1.2 V in water.
        this.unit = {
            rawAtDry: Math.round(uniform(rng, 2900, 3300)),
            rawAtWet: Math.round(uniform(rng, 1250, 1650)),
            curvature: uniform(rng, 0.05, 0.15),
            noiseVwc: uniform(rng, 0.01, 0.02), // brief: 1-2% VWC equivalent
            tempCoefVwcPerC: (0.0005 + 0.002 * clayFraction) * uniform(rng, 0.7, 1.3),
            driftVwcPerYear: uniform(rng, -0.02, 0.02),
            deadRaw: rng.bool(0.5) ? 0 : this.adcMax,
        }
        this.failAtS = failureTimeS(rng, options.failurePerYear ?? 0)
        this.failMode = rng.pick<ProbeFailure>(["dead", "stuck", "disconnected"])
    }

    /** Makes the unit fail in this way from time atS on (default: at once). */
    fail(mode: ProbeFailure, atS = -Infinity): void {
        this.failMode = mode
        this.failAtS = atS
    }

    /** The failure in effect at time tS, or null while healthy. */
    failureAt(tS: number): ProbeFailure | null {
        return tS >= this.failAtS ? this.failMode : null
    }

    /**
     * One ADC reading (integer count), or null when disconnected.
     * @param thetaTrue volumetric water content around the probe, m³/m³
     * @param soilTempC soil temperature at the probe
     * @param tS seconds since the unit was installed (drift and scheduled failures use it)
     */
    read(thetaTrue: number, soilTempC: number, tS: number): number | null {
        switch (this.failureAt(tS)) {
            case "disconnected":
                return null
            case "dead":
                return this.unit.deadRaw
            case "stuck":
                if (this.lastRaw === null) this.lastRaw = this.healthyRaw(thetaTrue, soilTempC, tS)
                return this.lastRaw
            default:
                this.lastRaw = this.healthyRaw(thetaTrue, soilTempC, tS)
                return this.lastRaw
        }
    }

    /**
     * Sum of `n` readings taken in a row at one time and water content (one firmware reading:
     * the mean of several ADC samples), or null when disconnected. The same numbers as calling
     * read() n times (same draws, same arithmetic), with the failure check and the temperature
     * and drift terms worked out once instead of per sample: probes are read ~700k times a
     * simulated year of the 10 ha farm.
     */
    readSum(thetaTrue: number, soilTempC: number, tS: number, n: number): number | null {
        const failure = this.failureAt(tS)
        if (failure !== null) {
            let sum = 0
            for (let i = 0; i < n; i++) {
                const raw = this.read(thetaTrue, soilTempC, tS)
                if (raw === null) return null
                sum += raw
            }
            return sum
        }
        const base = this.errorFree(thetaTrue, soilTempC, tS)
        const noise = this.unit.noiseVwc
        let sum = 0
        let raw = 0
        for (let i = 0; i < n; i++) {
            raw = this.rawOf(base + noise * gaussian(this.rng))
            sum += raw
        }
        if (n > 0) this.lastRaw = raw
        return sum
    }

    /** ADC count of the water content the probe sees (error terms included). */
    private rawOf(apparent: number): number {
        const u = this.unit
        const x = apparent / WET_REF_VWC
        const shape = x + u.curvature * x * (1 - x)
        const raw = Math.round(u.rawAtDry + (u.rawAtWet - u.rawAtDry) * shape)
        return Math.min(this.adcMax, Math.max(0, raw))
    }

    private healthyRaw(thetaTrue: number, soilTempC: number, tS: number): number {
        return this.rawOf(this.errorFree(thetaTrue, soilTempC, tS) + this.unit.noiseVwc * gaussian(this.rng))
    }

    /** The water content the probe would see without noise: truth plus the temperature effect
     *  and the drift so far. */
    private errorFree(thetaTrue: number, soilTempC: number, tS: number): number {
        const u = this.unit
        // Wetter soil holds more liquid water whose permittivity changes with temperature, so
        // the temperature effect scales with θ.
        const tempVwc = u.tempCoefVwcPerC * (soilTempC - 25) * (thetaTrue / 0.3)
        const driftVwc = (u.driftVwcPerYear * tS) / YEAR_S
        return thetaTrue + tempVwc + driftVwc
    }
}

/** A probe's calibration as the firmware stores it: raw counts at two known water contents. */
export interface TwoPointCalibration {
    rawLow: number
    vwcLow: number
    rawHigh: number
    vwcHigh: number
}

/** The firmware's conversion: straight line through the two calibration points, m³/m³. */
export function calibratedVwc(raw: number | null, cal: TwoPointCalibration): number | null {
    if (raw === null) return null
    return cal.vwcLow + ((raw - cal.rawLow) * (cal.vwcHigh - cal.vwcLow)) / (cal.rawHigh - cal.rawLow)
}

/** m³/m³ to the firmware's unit, tenths of a percent v/v (0.305 -> 305). */
export function vwcToTenths(vwc: number | null): number | null {
    return vwc === null ? null : Math.round(vwc * 1000)
}

export interface CalibrationProcedure {
    /** Water content of the dry and the wet sample of the field's soil, m³/m³. */
    vwcLow: number
    vwcHigh: number
    tempC: number
    tS: number
    /** Readings averaged at each point. */
    samples: number
}

/** What a technician records by reading the probe in two soil samples of known water content. */
export function measureCalibration(probe: CapacitiveMoistureProbe, proc: CalibrationProcedure): TwoPointCalibration {
    const mean = (vwc: number) => {
        const sum = probe.readSum(vwc, proc.tempC, proc.tS, proc.samples)
        if (sum === null) throw new Error("probe gives no reading: cannot calibrate")
        return sum / proc.samples
    }
    return { rawLow: mean(proc.vwcLow), vwcLow: proc.vwcLow, rawHigh: mean(proc.vwcHigh), vwcHigh: proc.vwcHigh }
}

// ---------------------------------------------------------------- RS485 soil pH probe

/** Modbus RTU soil pH probe: 3-9 pH, ±0.3 pH, 0.01 pH register resolution; failure = no reply. */
export class SoilPhProbe {
    /** Per-unit offset, pH. */
    readonly bias: number
    private failAtS: number

    constructor(
        private readonly rng: Rng,
        options: { failurePerYear?: number } = {},
    ) {
        // Assumed: offset within ±0.2 plus noise σ 0.05 keeps nearly all readings within the
        // ±0.3 pH the data sheets state.
        this.bias = uniform(rng, -0.2, 0.2)
        this.failAtS = failureTimeS(rng, options.failurePerYear ?? 0)
    }

    /** Makes the probe stop answering from time atS on (default: at once). */
    fail(atS = -Infinity): void {
        this.failAtS = atS
    }

    /** pH as the register reads it, or null on a Modbus timeout. */
    read(phTrue: number, tS: number): number | null {
        if (tS >= this.failAtS) return null
        const ph = phTrue + this.bias + 0.05 * gaussian(this.rng)
        return Math.round(Math.min(9, Math.max(3, ph)) * 100) / 100
    }
}

// ---------------------------------------------------------------- air temperature / humidity

export interface AirReading {
    tempC: number
    rhPct: number
}

/** Digital air temperature and humidity sensor (SHT3x class); failure = no reply on the bus. */
export class AirSensor {
    readonly tempBiasC: number
    readonly rhBiasPct: number
    private failAtS: number

    constructor(
        private readonly rng: Rng,
        options: { failurePerYear?: number } = {},
    ) {
        // Assumed accuracy class: ±0.3 °C and ±2% RH offsets; noise σ 0.1 °C and 0.5% RH.
        this.tempBiasC = uniform(rng, -0.3, 0.3)
        this.rhBiasPct = uniform(rng, -2, 2)
        this.failAtS = failureTimeS(rng, options.failurePerYear ?? 0)
    }

    /** Makes the sensor stop answering from time atS on (default: at once). */
    fail(atS = -Infinity): void {
        this.failAtS = atS
    }

    /** Reading at 0.1 resolution, or null when the sensor does not answer. */
    read(tempC: number, rhPct: number, tS: number): AirReading | null {
        if (tS >= this.failAtS) return null
        const t = tempC + this.tempBiasC + 0.1 * gaussian(this.rng)
        const rh = Math.min(100, Math.max(0, rhPct + this.rhBiasPct + 0.5 * gaussian(this.rng)))
        return { tempC: Math.round(t * 10) / 10, rhPct: Math.round(rh * 10) / 10 }
    }
}

// ---------------------------------------------------------------- pulse flow meter

/**
 * Pulse-output water meter. Volume is turned into whole pulses; the fraction of a pulse not yet
 * emitted carries over, so many small volumes give the same count as their sum.
 */
export class FlowMeter {
    /** Per-unit metering error, fraction (+0.01 = reads 1% high). */
    readonly error: number
    private litres = 0
    private emitted = 0

    /**
     * @param litresPerPulse meter setting (1 on irrigation meters, ~0.002 on hall sensors)
     * @param rng draws the unit's error, uniform within ±maxErrorPct (default 2%, assumed)
     */
    constructor(
        readonly litresPerPulse: number,
        rng: Rng,
        maxErrorPct = 2,
    ) {
        if (!(litresPerPulse > 0)) throw new Error("litresPerPulse must be > 0")
        this.error = uniform(rng, -maxErrorPct, maxErrorPct) / 100
    }

    /** Water passes the meter; returns the pulses it emits now. */
    addLitres(litres: number): number {
        if (!(litres >= 0)) throw new Error("litres must be >= 0")
        this.litres += litres
        // Counting from the running total (not summing per-call fractions) keeps rounding
        // errors from losing or adding a pulse; the epsilon absorbs float error at exact edges.
        const due = Math.floor((this.litres * (1 + this.error)) / this.litresPerPulse + 1e-9)
        const now = due - this.emitted
        this.emitted = due
        return now
    }

    /** Pulses emitted since installation. */
    get pulses(): number {
        return this.emitted
    }
}
