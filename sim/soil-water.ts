// Root-zone water balance of one irrigation zone, after FAO-56 chapter 8 (eq. 81-88), stepped
// at any interval from seconds to a day so that a 20-minute drip run, a shower and the hourly
// ET demand interact as they do in the field.
//
// Model, in the order a step applies it:
// 1. Drip wets only a fraction fw of the area. The zone is two compartments of the same soil
//    and root depth: the wetted bulb (area fw) and the rest (area 1 - fw). Rain falls on both;
//    irrigation lands on the bulb only, at depth I / fw for a gross depth I over the zone.
// 2. Water arriving faster than the infiltration capacity, or beyond saturation, runs off.
// 3. Ks (eq. 84) comes from the depletion at the start of the step, as FAO-56 takes Ks of day i
//    from Dr,i-1. p is adjusted (Table 22 footnote) with the mean ETc rate of the trailing 24 h
//    of simulated time, so an hourly step does not see the midday peak as a daily rate and a
//    daily step sees exactly that day's ETc. ETa = Ks Kc ET0 (eq. 81), never more than the
//    water held above wilting point.
// 4. Roots take ETa from both compartments in proportion to the water each holds above wilting
//    point (wetter soil gives water more easily) weighted by the share of the roots it holds,
//    so neither drops below wilting point. By default roots are spread evenly (each
//    compartment's share is its area); under drip most roots grow in the wetted bulb, which
//    `bulbRootFraction` says (see RootZoneParams).
// 5. Water above field capacity drains as a linear reservoir with the soil's time constant
//    (eq. 88 lets it drain within the day; here a storm can keep the zone wet for hours). With
//    a time constant of 0 the step is the FAO-56 daily balance, eq. 85 and 88.
// Zone depletion Dr is the root-weighted depletion of the two compartments (water above field
// capacity in the bulb does not offset a deficit between the rows), so 0 <= Dr <= TAW; with
// roots spread evenly it is the area-weighted depletion. Weighting by roots is what lets a drip
// system keep a crop unstressed through a dry season: with even weighting the never-irrigated
// soil between the rows dries out and, at a wetted fraction below 1 - p, holds Dr above RAW
// however wet the bulb is kept.
//
// Deep percolation caused by irrigation: each compartment's water above field capacity is one
// well-mixed pool with a known irrigation share. Water that pushes a compartment past field
// capacity in a step joins the pool split between rain and irrigation in proportion to the
// amounts that infiltrated in that step; ET and drainage then take from the pool without
// preference, so the irrigation share of what drains is the pool's share. A shower on a bulb
// still above field capacity after a drip run therefore drains partly as irrigation water.

import { Soil } from "./soils"

export interface WaterlogRule {
    /**
     * The wetted bulb is "wet" while it is above field capacity and its air-filled porosity
     * θSAT - θ is below this, m³/m³. 0.10 is the classic aeration limit for roots (assumed).
     */
    minAirFilledPorosity: number
    /** It is waterlogged once it has stayed wet this long, seconds. */
    afterS: number
}

/** Assumed: 10% air-filled porosity for 12 h. */
export const DEFAULT_WATERLOG: WaterlogRule = { minAirFilledPorosity: 0.1, afterS: 12 * 3600 }

export interface RootZoneParams {
    soil: Soil
    /** Effective root depth Zr, m. */
    rootDepthM: number
    /** Depletion fraction p at ETc = 5 mm/day. */
    pNominal: number
    /** Fraction of the area drip wets, (0, 1]; 1 for sprinklers, rain-fed or FAO examples. */
    wettedFraction: number
    /**
     * Fraction of the roots (of the root water uptake capacity) in the wetted bulb, in
     * [wettedFraction, 1]. Default wettedFraction: roots spread evenly over the area. Under drip,
     * most active roots grow in the wetted soil (0.7-0.9 is typical of drip-irrigated orchards,
     * assumed); the rest of the roots explore the soil between the rows.
     */
    bulbRootFraction?: number
    /** Starting depletion of both compartments, mm (default 0: at field capacity). */
    initialDepletionMm?: number
    waterlog?: WaterlogRule
}

export interface StepInput {
    /** Length of the step, seconds. */
    dtS: number
    /** Reference ET over this step, mm. */
    et0Mm: number
    /** Rain over this step, mm. */
    rainMm: number
    /** Gross irrigation depth over the whole zone area during this step, mm. */
    irrigationMm: number
    /** Crop coefficient for this step. */
    kc: number
}

export interface StepResult {
    /** Crop ET without water stress, Kc ET0, mm. */
    etcMm: number
    /** Actual crop ET, Ks Kc ET0 limited by the water held, mm. */
    etaMm: number
    ks: number
    deepPercolationMm: number
    /** The part of deepPercolationMm attributed to irrigation water (see the file comment). */
    irrigationDeepPercolationMm: number
    runoffMm: number
    /** The wetted bulb has been wet (see WaterlogRule) for at least WaterlogRule.afterS. */
    waterlogged: boolean
}

/** FAO-56 eq. 82: total available water of the root zone, mm. */
export function totalAvailableWaterMm(soil: Soil, rootDepthM: number): number {
    return 1000 * (soil.thetaFc - soil.thetaWp) * rootDepthM
}

/** FAO-56 Table 22 footnote: p = p(5 mm/day) + 0.04 (5 - ETc), kept within 0.1..0.8. */
export function adjustedDepletionFraction(pNominal: number, etcMmPerDay: number): number {
    return Math.min(0.8, Math.max(0.1, pNominal + 0.04 * (5 - etcMmPerDay)))
}

/** FAO-56 eq. 84: 1 while Dr <= RAW = p TAW, then falling linearly to 0 at Dr = TAW. */
export function waterStressCoefficient(drMm: number, tawMm: number, p: number): number {
    // The falling branch is worked out on every call, used or not: a run's first stress comes
    // weeks into a dry season, after V8 has optimized the soil step without it, and reaching
    // it then throws that code away (deopt and recompile in the first simulated year).
    const falling = Math.max(0, Math.min(1, (tawMm - drMm) / ((1 - p) * tawMm)))
    return drMm <= p * tawMm ? 1 : falling
}

/** FAO paper 33: 1 - Ya/Ym = Ky (1 - ETa/ETm), as a percentage clamped to 0..100. */
export function yieldLossPct(ky: number, etaSumMm: number, etmSumMm: number): number {
    if (etmSumMm <= 0) return 0
    return Math.min(100, Math.max(0, 100 * ky * (1 - etaSumMm / etmSumMm)))
}

const DAY_S = 86400

function finiteNonNegative(v: number): boolean {
    return v >= 0 && Number.isFinite(v)
}

/** Mean ETc rate over the trailing 24 h of simulated time (the current step included). The
 *  steps are kept in ring buffers that grow when full: the year's 11,000 steps of a zone would
 *  otherwise fill, copy and cut plain arrays over and over (most of a simulated year's garbage). */
class TrailingDayEtc {
    private dts = new Float64Array(64)
    private etcs = new Float64Array(64)
    /** Ring index of the oldest step kept, and how many are kept. */
    private first = 0
    private count = 0
    /** Steps dropped since the sums were last worked out afresh. */
    private dropped = 0
    /** Start at -0, a zero V8 stores as a float (see RootZone.wetS): a field that starts as a
     *  small integer changes the object's hidden class at the first fraction. -0 + x is x. */
    private sumDt = -0
    private sumEtc = -0

    /** Adds a step and returns the mean rate in mm/day. */
    push(dtS: number, etcMm: number): number {
        if (this.count === this.dts.length) this.grow()
        const cap = this.dts.length
        const at = (this.first + this.count) % cap
        this.dts[at] = dtS
        this.etcs[at] = etcMm
        this.count++
        this.sumDt += dtS
        this.sumEtc += etcMm
        while (this.count > 0 && this.sumDt - this.dts[this.first] >= DAY_S) {
            this.sumDt -= this.dts[this.first]
            this.sumEtc -= this.etcs[this.first]
            this.first = (this.first + 1) % cap
            this.count--
            this.dropped++
        }
        // Re-sum now and then, oldest first from 0, so rounding errors do not pile up.
        if (this.dropped > 4096) {
            this.dropped = 0
            let dt = 0
            let etc = 0
            for (let i = 0; i < this.count; i++) dt += this.dts[(this.first + i) % cap]
            for (let i = 0; i < this.count; i++) etc += this.etcs[(this.first + i) % cap]
            this.sumDt = dt
            this.sumEtc = etc
        }
        return (Math.max(0, this.sumEtc) * DAY_S) / this.sumDt
    }

    /** Doubles the buffers, the kept steps moved to the front in order. */
    private grow(): void {
        const cap = this.dts.length
        const dts = new Float64Array(2 * cap)
        const etcs = new Float64Array(2 * cap)
        for (let i = 0; i < this.count; i++) {
            dts[i] = this.dts[(this.first + i) % cap]
            etcs[i] = this.etcs[(this.first + i) % cap]
        }
        this.dts = dts
        this.etcs = etcs
        this.first = 0
    }
}

const BULB = 0
const REST = 1

export class RootZone {
    readonly soil: Soil
    readonly rootDepthM: number
    readonly pNominal: number
    readonly wettedFraction: number
    readonly waterlogRule: WaterlogRule
    /** Total available water (eq. 82), mm. */
    readonly tawMm: number
    /** Water the root zone holds at saturation, above wilting point, mm. */
    private readonly satMm: number
    private readonly area: [number, number]
    /** Root share of each compartment (sums to 1). */
    private readonly roots: [number, number]
    /** Water above wilting point in each compartment, mm over the compartment's own area. */
    private readonly w: [number, number]
    /** Irrigation-origin part of each compartment's water above field capacity, mm. */
    private readonly wIrr: [number, number] = [0, 0]
    private readonly etcDay = new TrailingDayEtc()
    private pNow: number
    /** Seconds the bulb has been waterlogged. Starts at -0, a zero V8 stores as a float (see
     *  `drained`): the first wet spell then keeps RootZone's hidden class. */
    private wetS = -0

    constructor(params: RootZoneParams) {
        const fw = params.wettedFraction
        if (!(fw > 0 && fw <= 1)) throw new Error("wettedFraction must be in (0, 1]")
        if (!(params.rootDepthM > 0)) throw new Error("rootDepthM must be > 0")
        this.soil = params.soil
        this.rootDepthM = params.rootDepthM
        this.pNominal = params.pNominal
        this.wettedFraction = fw
        this.waterlogRule = params.waterlog ?? DEFAULT_WATERLOG
        this.tawMm = totalAvailableWaterMm(params.soil, params.rootDepthM)
        this.satMm = 1000 * (params.soil.thetaSat - params.soil.thetaWp) * params.rootDepthM
        this.area = [fw, 1 - fw]
        const rb = params.bulbRootFraction ?? fw
        if (!(rb >= fw && rb <= 1) || (fw === 1 && rb !== 1)) throw new Error("bulbRootFraction must be in [wettedFraction, 1]")
        this.roots = [rb, 1 - rb]
        const dr0 = params.initialDepletionMm ?? 0
        if (!(dr0 >= 0 && dr0 <= this.tawMm)) throw new Error("initialDepletionMm must be within 0..TAW")
        this.w = [this.tawMm - dr0, this.tawMm - dr0]
        this.pNow = adjustedDepletionFraction(params.pNominal, 5)
    }

    /** Depletion fraction p in use (adjusted at the last step). */
    get p(): number {
        return this.pNow
    }

    /** Readily available water (eq. 83), mm. */
    get rawMm(): number {
        return this.pNow * this.tawMm
    }

    /** Root-zone depletion Dr, mm, root-weighted over the two compartments (area-weighted when
     *  roots are spread evenly). Ks and RAW refer to it. */
    get drMm(): number {
        return this.roots[BULB] * this.deficit(BULB) + this.roots[REST] * this.deficit(REST)
    }

    /** Fraction of the roots in the wetted bulb. */
    get bulbRootFraction(): number {
        return this.roots[BULB]
    }

    /** Water stress coefficient for the present depletion. */
    get ks(): number {
        return waterStressCoefficient(this.drMm, this.tawMm, this.pNow)
    }

    /** Water held above wilting point, mm over the zone area. */
    get storageMm(): number {
        return this.area[BULB] * this.w[BULB] + this.area[REST] * this.w[REST]
    }

    /** Mean volumetric water content of the root zone, m³/m³. */
    get theta(): number {
        return this.thetaOf(this.storageMm)
    }

    /** Volumetric water content in the wetted bulb (where a probe beside a dripper sits). */
    get thetaWetted(): number {
        return this.thetaOf(this.w[BULB])
    }

    /** Volumetric water content between the wetted bulbs (the bulb itself when fw = 1). */
    get thetaUnwetted(): number {
        return this.thetaOf(this.w[this.area[REST] > 0 ? REST : BULB])
    }

    /** How long the wetted bulb has been continuously wet (see WaterlogRule), seconds. */
    get wetSpellS(): number {
        return this.wetS + 0 // +0 before the first step
    }

    step(input: StepInput): StepResult {
        return this.stepInto(input, { etcMm: NaN, etaMm: NaN, ks: NaN, deepPercolationMm: NaN, irrigationDeepPercolationMm: NaN, runoffMm: NaN, waterlogged: false })
    }

    /** step() writing its result into `out` (returned), so a caller stepping every zone every
     *  hour of a year (sim/farm-sim.ts) allocates no result per step. */
    stepInto(input: StepInput, out: StepResult): StepResult {
        const { dtS, et0Mm, rainMm, irrigationMm, kc } = input
        if (!(dtS > 0)) throw new Error("dtS must be > 0")
        if (!(finiteNonNegative(et0Mm) && finiteNonNegative(rainMm) && finiteNonNegative(irrigationMm) && finiteNonNegative(kc))) {
            throw new Error("step inputs must be finite and >= 0")
        }
        const etcMm = kc * et0Mm
        this.pNow = adjustedDepletionFraction(this.pNominal, this.etcDay.push(dtS, etcMm))
        const ks = waterStressCoefficient(this.drMm, this.tawMm, this.pNow)

        const runoffMm = this.infiltrate(dtS, rainMm, irrigationMm)
        const etaMm = this.extract(ks * etcMm)
        this.drain(dtS)
        const deepPercolationMm = this.drained
        const irrigationDeepPercolationMm = this.drainedIrr

        const rule = this.waterlogRule
        const thetaBulb = this.thetaWetted
        const wet = thetaBulb > this.soil.thetaFc && this.soil.thetaSat - thetaBulb < rule.minAirFilledPorosity
        // The sum is taken wet or not, for the same reason as in waterStressCoefficient.
        const longer = this.wetS + dtS
        this.wetS = wet ? longer : 0

        out.etcMm = etcMm
        out.etaMm = etaMm
        out.ks = ks
        out.deepPercolationMm = deepPercolationMm
        out.irrigationDeepPercolationMm = irrigationDeepPercolationMm
        out.runoffMm = runoffMm
        out.waterlogged = this.wetS >= rule.afterS
        return out
    }

    private thetaOf(waterMm: number): number {
        return this.soil.thetaWp + waterMm / (1000 * this.rootDepthM)
    }

    private deficit(k: number): number {
        return Math.max(0, this.tawMm - this.w[k])
    }

    private excess(k: number): number {
        return Math.max(0, this.w[k] - this.tawMm)
    }

    /** Adds rain (both compartments) and irrigation (bulb only); returns runoff over the zone, mm. */
    private infiltrate(dtS: number, rainMm: number, irrigationMm: number): number {
        const capacityMm = (this.soil.infiltrationMmH * dtS) / 3600
        let runoffMm = 0
        if (rainMm <= 0 && irrigationMm <= 0) return 0
        for (let k = BULB; k <= REST; k++) {
            const irr = k === BULB ? irrigationMm / this.wettedFraction : 0
            const arriving = rainMm + irr
            if (arriving <= 0) continue
            const excessBefore = this.excess(k)
            const taken = Math.min(arriving, capacityMm, Math.max(0, this.satMm - this.w[k]))
            this.w[k] += taken
            runoffMm += this.area[k] * (arriving - taken)
            // What infiltrated is rain and irrigation in the proportions they arrived in.
            this.wIrr[k] += ((this.excess(k) - excessBefore) * irr) / arriving
            this.wIrr[k] = Math.min(this.wIrr[k], this.excess(k))
        }
        return runoffMm
    }

    /** Takes up to demandMm of ET over the zone; returns what was taken. */
    private extract(demandMm: number): number {
        const stored = this.storageMm
        const etaMm = Math.min(demandMm, stored)
        if (etaMm <= 0) return 0
        // Uptake (mm over the zone) from each compartment in proportion to its roots times the
        // water it holds; with roots spread evenly that is the same relative drawdown of both.
        // A compartment never gives more than it holds: the other makes up the rest.
        const weightB = this.roots[BULB] * this.w[BULB]
        const weightR = this.roots[REST] * this.w[REST]
        const capB = this.area[BULB] * this.w[BULB]
        const capR = this.area[REST] * this.w[REST]
        let takeB = weightB + weightR > 0 ? (etaMm * weightB) / (weightB + weightR) : 0
        let takeR = etaMm - takeB
        if (takeB > capB) {
            takeR += takeB - capB
            takeB = capB
        } else if (takeR > capR) {
            takeB += takeR - capR
            takeR = capR
        }
        this.take(BULB, takeB)
        this.take(REST, takeR)
        return etaMm
    }

    /** Removes `mm` (over the zone) from compartment k, shrinking its irrigation pool in step. */
    private take(k: number, mm: number): void {
        if (mm <= 0 || this.area[k] <= 0) return
        const excessBefore = this.excess(k)
        this.w[k] = Math.max(0, this.w[k] - mm / this.area[k])
        this.wIrr[k] = excessBefore > 0 ? (this.wIrr[k] * this.excess(k)) / excessBefore : 0
    }

    /** Deep percolation and its irrigation part of the last drain(), mm (fields rather than a
     *  returned tuple: step() runs hundreds of thousands of times a simulated year). */
    // Set by drain() before every read. Started at NaN, not 0: a field that starts as a small
    // integer and later takes a fraction changes the object's hidden class mid-run, which throws
    // away V8's optimized code of every RootZone method (first year of `npm run bench`).
    private drained = NaN
    private drainedIrr = NaN

    /** Drains water above field capacity into `drained` and `drainedIrr`. */
    private drain(dtS: number): void {
        const tauS = this.soil.drainageTauH * 3600
        let dp = 0
        let dpIrr = 0
        this.drained = 0
        this.drainedIrr = 0
        // Same test as excess(k) <= 0, on the difference itself: excess() gives the integer 0
        // while a compartment is below field capacity, so V8 would compile this comparison for
        // integers and throw the code away at the first wet spell between the rows.
        if (this.w[BULB] - this.tawMm <= 0 && this.w[REST] - this.tawMm <= 0) return
        const fraction = tauS > 0 ? 1 - Math.exp(-dtS / tauS) : 1
        for (let k = BULB; k <= REST; k++) {
            const excess = this.excess(k)
            if (excess <= 0) continue
            const drained = excess * fraction
            const drainedIrr = this.wIrr[k] * fraction
            this.w[k] -= drained
            this.wIrr[k] -= drainedIrr
            dp += this.area[k] * drained
            dpIrr += this.area[k] * drainedIrr
        }
        this.drained = dp
        this.drainedIrr = Math.min(dpIrr, dp)
    }
}
