// Pump energy and its cost under a time-of-use tariff. Each interval is split exactly at band
// edges, so a run straddling 17:00 is billed partly at the normal and partly at the peak price.
// Costs are before VAT, like the tariff's prices.

import { Band, Tariff, bandAtLocal, secondsUntilBandChange } from "../firmware/core/tariff"

export interface EnergyReport {
    pumpKWh: number
    pumpKWhPeak: number
    pumpKWhNormal: number
    pumpKWhOffPeak: number
    /** Whole đồng, before VAT. */
    energyCostVnd: number
    /** Seconds the pump drew power in each band. */
    pumpSecondsPeak: number
    pumpSecondsNormal: number
    pumpSecondsOffPeak: number
}

const JOULES_PER_KWH = 3.6e6

export class EnergyMeter {
    private readonly joules = [0, 0, 0]
    private readonly seconds = [0, 0, 0]
    // The band segment last looked up: all of [segFrom, segTo) is segBand. A simulator adds short
    // consecutive intervals, so most calls fall inside it and skip the tariff search.
    private segFrom = 0
    private segTo = 0
    private segBand = Band.Normal

    constructor(private readonly tariff: Tariff) {}

    /** Accounts powerW drawn from local time localS (seconds since 1970-01-01 00:00 local) for
     *  dtS seconds. */
    add(localS: number, dtS: number, powerW: number): void {
        if (!Number.isFinite(localS) || !(dtS >= 0) || !Number.isFinite(dtS) || !(powerW >= 0) || !Number.isFinite(powerW)) {
            throw new RangeError("EnergyMeter.add: need finite localS, dtS >= 0 and powerW >= 0")
        }
        const end = localS + dtS
        let t = localS
        while (t < end) {
            if (t < this.segFrom || t >= this.segTo) {
                this.segBand = bandAtLocal(this.tariff, t)
                this.segFrom = t
                this.segTo = t + secondsUntilBandChange(this.tariff, t)
            }
            const stop = Math.min(end, this.segTo)
            this.joules[this.segBand] += powerW * (stop - t)
            if (powerW > 0) this.seconds[this.segBand] += stop - t
            t = stop
        }
    }

    report(): EnergyReport {
        const kWh = this.joules.map((j) => j / JOULES_PER_KWH)
        const prices = this.tariff.priceVndPerKWh
        return {
            pumpKWh: kWh[Band.OffPeak] + kWh[Band.Normal] + kWh[Band.Peak],
            pumpKWhPeak: kWh[Band.Peak],
            pumpKWhNormal: kWh[Band.Normal],
            pumpKWhOffPeak: kWh[Band.OffPeak],
            // Priced per band at report time, so chopping intervals finer never adds rounding.
            energyCostVnd: Math.round(kWh[Band.OffPeak] * prices[Band.OffPeak] + kWh[Band.Normal] * prices[Band.Normal] + kWh[Band.Peak] * prices[Band.Peak]),
            pumpSecondsPeak: this.seconds[Band.Peak],
            pumpSecondsNormal: this.seconds[Band.Normal],
            pumpSecondsOffPeak: this.seconds[Band.OffPeak],
        }
    }
}
