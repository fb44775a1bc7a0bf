// The farm's soil-moisture probes as the controller sees them: a simulated capacitive probe in
// each zone that has one (true θ of the wetted bulb -> ADC raw), averaged and converted exactly
// as the firmware does (firmware/inputs.ts), with the calibration a technician records when
// installing the probe.

import { Farm } from "./farm"
import { CapacitiveMoistureProbe, measureCalibration } from "./sensors"
import { Rng } from "./random"

/** firmware/inputs.ts: what "in water" stands for, tenths of % v/v, and the ADC scale. */
const WET_TENTHS = 500
const ADC_FULL = 4096

/** firmware/inputs.ts rawToTenths, repeated here because that file imports the DeviceScript
 *  runtime: two-point line through dry air (0 %) and water (50 %); rails mean no probe. */
export function rawToTenths(raw: number, dryRaw: number, wetRaw: number): number | null {
    if (typeof raw !== "number" || raw !== raw) return null
    if (raw <= 0 || raw >= ADC_FULL - 1) return null
    const span = dryRaw - wetRaw
    if (span <= 0) return null
    return Math.round(((dryRaw - raw) * WET_TENTHS) / span)
}

export interface ProbeCalibration {
    /** Raw counts the firmware's two-point line puts at 0 % and 50 % v/v (the profile's
     *  soilDryRaw and soilWetRaw). */
    dryRaw: number
    wetRaw: number
}

/**
 * Installation (assumed procedure): the technician reads the probe in two samples of the
 * zone's own soil, one at its wilting point and one at field capacity (water contents checked
 * by weighing), in the field at that day's soil temperature, averaging a minute of readings
 * (60 firmware readings of 4 samples), and enters the straight line through them, extended to 0 % and 50 %,
 * as soilDryRaw and soilWetRaw. A field calibration like this cancels most of the unit's spread
 * and bow inside the range the crop lives in; reading the probe in air and in water would not.
 */
export function installCalibration(probe: CapacitiveMoistureProbe, thetaWp: number, thetaFc: number, soilTempC: number, tS = 0): ProbeCalibration {
    const cal = measureCalibration(probe, { vwcLow: thetaWp, vwcHigh: thetaFc, tempC: soilTempC, tS, samples: 240 })
    const slope = (cal.rawHigh - cal.rawLow) / (cal.vwcHigh - cal.vwcLow)
    return { dryRaw: Math.round(cal.rawLow - slope * cal.vwcLow), wetRaw: Math.round(cal.rawLow + slope * (0.5 - cal.vwcLow)) }
}

export class ProbeBank {
    /** Probe of each zone, null where the zone has none. */
    readonly probes: (CapacitiveMoistureProbe | null)[]
    readonly calibrations: (ProbeCalibration | null)[]
    private readonly samples: number

    /** @param soilTempC soil temperature on the day the probes are installed and calibrated */
    constructor(farm: Farm, seed: number, soilTempC: number) {
        this.samples = farm.probes.samplesPerReading
        this.probes = []
        this.calibrations = []
        for (const z of farm.zones) {
            if (!z.probe) {
                this.probes.push(null)
                this.calibrations.push(null)
                continue
            }
            // One stream per probe, so adding a probe elsewhere does not change this one.
            const rng = new Rng((seed * 7919 + 104729 * (z.index + 1)) | 0)
            const probe = new CapacitiveMoistureProbe(rng, z.soil.clayFraction, { failurePerYear: farm.probes.failurePerYear })
            this.probes.push(probe)
            this.calibrations.push(installCalibration(probe, z.soil.thetaWp, z.soil.thetaFc, soilTempC))
        }
    }

    /** The technician's periodic check: calibrates every probe again, in place, at time tS. */
    recalibrate(farm: Farm, soilTempC: number, tS: number): void {
        for (const z of farm.zones) {
            const probe = this.probes[z.index]
            if (probe === null || probe.failureAt(tS) !== null) continue
            this.calibrations[z.index] = installCalibration(probe, z.soil.thetaWp, z.soil.thetaFc, soilTempC, tS)
        }
    }

    /** One firmware reading of zone z's probe, tenths of % v/v, or null. */
    read(z: number, thetaTrue: number, soilTempC: number, tS: number): number | null {
        const probe = this.probes[z]
        const cal = this.calibrations[z]
        if (probe === null || cal === null) return null
        const sum = probe.readSum(thetaTrue, soilTempC, tS, this.samples)
        if (sum === null) return null
        return rawToTenths(Math.floor(sum / this.samples), cal.dryRaw, cal.wetRaw)
    }
}
