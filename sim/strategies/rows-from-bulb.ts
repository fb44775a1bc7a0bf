// What a probe in the wetted bulb tells about the soil between the rows, which no probe reads:
// rain wets both alike, so a rise of the bulb while its valve is shut is rain that the rows got
// too. Used by the oracle variants that know the bulb but not the rows (sim/strategies/oracle.ts),
// to measure whether what a bulb probe shows is enough to water like the oracle; written so
// that it could move into the core (integers aside) if it is.
//
// Conservative on purpose (an overestimate of the rows' water stresses the crop):
//   - the rows start dry;
//   - a rain event starts when the mean of the last readings rises clearly (4 σ) above the
//     bulb's slow level while the valve is shut, and ends two readings after its high;
//   - it counts only if the bulb came near field capacity (a storm that filled the bulb also
//     wetted the rows by at least as much: they take all of it until they are full), and then
//     its rise less an allowance for the noise at its high;
//   - the rows then lose their share of the crop's ET, as the soil model splits it.

import { Rng } from "../random"
import { gaussian } from "../sensors"

export interface RowsFromBulbParams {
    /** Total available water, mm over the root depth (the same in the bulb and between rows). */
    tawMm: number
    rootDepthM: number
    bulbRootFraction: number
    wettedFraction: number
    /** Seconds between two probe readings. */
    readEveryS: number
    /** Standard deviation of one reading (already an average of samples), m³/m³. */
    noiseVwc: number
    rng: Rng
}

/** Readings averaged to look for a rise (2 h at a reading every 30 min). */
const WINDOW = 4
/** Rise of the averaged readings over the bulb's level that starts a rain event, m³/m³: 4 σ
 *  of a 4-reading mean of readings with σ 0.01. */
const RISE_VWC = 0.02
/** Taken off each event's rise for the noise at its high (the greatest of several noisy
 *  means), m³/m³. */
const NOISE_ALLOWANCE_VWC = 0.01
/** The bulb must have come this close to field capacity in the event, m³/m³. */
const FULL_GAP_VWC = 0.01
/** An event ends after this many readings without a new high. */
const SETTLE_READINGS = 2
/** The bulb's level follows the averaged readings over about this many readings (a slow
 *  mean, not the lowest reading: the least of many noisy means sits well under the truth and
 *  makes noise look like a rise; while the bulb dries the slow mean lags above it, which
 *  only makes a rise harder to count). */
const LEVEL_READINGS = 8

export class RowsFromBulb {
    /** Estimated water between the rows above wilting point, mm over the root depth. */
    rowsMm = 0
    private readonly recent: number[] = []
    /** The bulb's level before any event under way, mm (NaN: none yet). */
    private base = NaN
    /** Highest averaged reading of the event under way (NaN: none), and readings since. */
    private peak = NaN
    private sincePeak = 0
    private nextReadS = 0

    constructor(private readonly p: RowsFromBulbParams) {}

    /**
     * Brings the estimate to time t.
     * @param bulbMm the bulb's water above wilting point as known (the truth, read with
     *   p.noiseVwc of noise, or a probe's reading with p.noiseVwc 0)
     * @param shut whether the zone's valve stayed shut since the last update
     * @param etcMm the crop's ET since the last update, mm over the zone
     */
    update(t: number, bulbMm: number, shut: boolean, etcMm: number): void {
        const p = this.p
        // The crop's uptake splits between bulb and rows by roots times available water.
        const rb = p.bulbRootFraction
        const wb = Math.max(0, bulbMm)
        const sb = rb * wb + (1 - rb) * this.rowsMm > 0 ? (rb * wb) / (rb * wb + (1 - rb) * this.rowsMm) : 1
        this.rowsMm = Math.max(0, this.rowsMm - (etcMm * (1 - sb)) / (1 - p.wettedFraction))
        if (!shut) {
            // Watering: rises are the drippers'; start afresh.
            this.recent.length = 0
            this.base = NaN
            this.peak = NaN
        }
        const mmPerVwc = 1000 * p.rootDepthM
        while (t >= this.nextReadS) {
            this.nextReadS += p.readEveryS
            this.recent.push(bulbMm + p.noiseVwc * mmPerVwc * gaussian(p.rng))
            if (this.recent.length > WINDOW) this.recent.shift()
            if (this.recent.length < WINDOW) continue
            let mean = 0
            for (const r of this.recent) mean += r / WINDOW
            if (this.peak === this.peak) {
                // An event under way: follow it to its high, then count it.
                if (mean > this.peak) {
                    this.peak = mean
                    this.sincePeak = 0
                } else if (++this.sincePeak >= SETTLE_READINGS) {
                    if (this.peak >= p.tawMm - FULL_GAP_VWC * mmPerVwc) {
                        const rain = this.peak - this.base - NOISE_ALLOWANCE_VWC * mmPerVwc
                        this.rowsMm = Math.min(p.tawMm, this.rowsMm + rain)
                    }
                    this.peak = NaN
                    this.base = mean
                }
            } else if (this.base !== this.base) this.base = mean
            else if (mean - this.base > RISE_VWC * mmPerVwc) {
                this.peak = mean
                this.sincePeak = 0
            } else this.base += (mean - this.base) / LEVEL_READINGS
        }
    }
}
