// Strategy "oracle": the best a controller could do if it knew the true soil water of every
// zone and the weather ahead. A yardstick for the water our controller uses, not a controller
// anyone can build. Drives the valves directly, through the same hydraulics, soil and energy.
//
// It waters as late as it can: a zone is started only when waiting any longer would let its
// root-zone depletion pass RAW at some point of the next day even if it were then watered at
// every later chance (its fair share of the pump, never in peak windows), and a run stops as
// soon as the zone could safely wait another hour. In off-peak hours the "later chances" are
// only the next off-peak window, so what the day needs is watered at night when it can be.
//
// Variants that know less (sim/oracle-knowledge.ts) measure what each piece of that knowledge
// is worth, and so how much of the controller's gap to the oracle is knowledge and how much
// is how it waters. Each knows less than the one before:
//   "bulb"      the wetted bulb's true water only; the soil between the rows counted as dry
//               (safe: all a probe beside a dripper shows, without inference);
//   "bulb-rain" the bulb's true water; the rows estimated from the rain the bulb shows to a
//               probe with a reading's noise (rows-from-bulb.ts);
//   "probe"     the bulb as the zone's probe reads it (calibration, temperature, drift,
//               noise), the rows estimated from those readings. Zones that read a neighbour's
//               probe (same crop and soil, as the controller wires them) do not plan: each
//               waters for as long as the probe's own zone did;
//   "box"       as "probe", with no weather ahead: the month's mean ET0 in its daily course
//               and no rain (what the box itself could know).
// All still plan as the oracle does, with a larger margin under RAW where they know less.

import { Band, bandAtLocal } from "../../firmware/core/tariff"
import { FarmSim, SimAlarm, Strategy, StrategyOutput } from "../farm-sim"
import { adjustedDepletionFraction } from "../soil-water"
import { climateNormals, cumulative } from "../farm-weather"
import { Rng } from "../random"
import { RowsFromBulb } from "./rows-from-bulb"
import { assignSensors } from "./controller"
import { sizeFarm } from "./sizing"

/** What the oracle knows (see above). */
export type OracleKnowledge = "all" | "bulb" | "bulb-rain" | "probe" | "box"

/** What each variant knows, for its rules. */
const KNOWS: Record<Exclude<OracleKnowledge, "all">, string> = {
    bulb: "the wetted bulb's true water; the soil between the rows counted as dry.",
    "bulb-rain": "the wetted bulb's true water; the rows estimated from the rain the bulb shows to a probe with a reading's noise.",
    probe: "the wetted bulb as the farm's probes read it (a zone that reads a neighbour's probe waters as long as that zone did); the rows estimated from those readings.",
    box: "as \"probe\"; ahead, only the month's mean ET0 and no rain.",
}

/** Weather ahead as the oracle sees it: hourly ET0 and rain, and ET0's running sum. */
interface Ahead {
    et0H: Float64Array
    rainH: Float64Array
    et0Cum: Float64Array
}

/** Noise of one probe reading the "bulb-rain" variant reckons with, m³/m³: the simulated
 *  probes' 0.01-0.02 per sample, averaged over their 4 samples (sim/sensors.ts). */
const READING_NOISE_VWC = 0.01

const SLOT_S = 1800
/** How far ahead a zone must be safe, s (plus any peak window that begins inside it). */
const LOOKAHEAD_S = 24 * 3600
/** Idle zones are looked at this often; open ones every tick. */
const IDLE_CHECK_S = 600
/** A run stops once the zone could wait this long. */
const HOLD_S = 2 * 3600
/** Depletion kept between the zone and RAW, mm (the look-ahead is approximate). */
const MARGIN_MM = 1.5
/** The same for the variants that see the bulb through a probe, for its error, mm: the least
 *  with no stress day on either preset, seeds 1-3 (measured: "probe" 2 mm left 1 on
 *  loc-quang; "box", which does not know the hot days ahead, 3 and 4 mm left 3 and 1). */
export const PROBE_MARGIN_MM = 3
export const BOX_MARGIN_MM = 5
/** The look-ahead counts on this fraction of the zone's fair share of the pump (other zones
 *  may want it at the same time). */
const PLANNED_SHARE = 0.7

export class OracleStrategy implements Strategy {
    readonly name: string
    get rules(): string {
        const lines = [
            "Knows each zone's true root-zone depletion Dr (root-weighted, as the crop feels it), its RAW, and the weather ahead. Never pumps in a peak window.",
            `Waters as late as possible: a zone starts only when, if it waited longer, Dr would pass RAW - ${this.marginMm} mm within the next 24 h even if it were watered at every later chance (its fair share of the pump, outside peak windows; in off-peak hours, only in the next off-peak window, so the day's need is watered at night when possible).`,
            `A run stops as soon as the zone could safely wait ${HOLD_S / 3600} h more, or when its wetted bulb reaches field capacity (it never waters past it).`,
            "At most the installation's hydraulic limit of zones at once, the most urgent first; the pump runs while a valve is open.",
        ]
        if (this.knows !== "all") lines.unshift(`Variant "${this.knows}": ${KNOWS[this.knows]} Where the lines below say "true", read "as this variant reckons it".`)
        return lines.join("\n")
    }
    private sim: FarmSim | null = null
    private out: { valves: boolean[]; pump: boolean; master: boolean } = { valves: [], pump: false, master: false }
    private slack: number[] = []
    private wants: boolean[] = []
    private flowLpm: number[] = []
    /** Band of each half hour of the run. */
    private bands = new Uint8Array(0)
    /** Depletion removed per hour of watering (fair share of the pump), mm. */
    private refillPerH: number[] = []
    /** Each zone's estimate of its rows (variants from "bulb-rain" on), and when it was
     *  brought up to date. */
    private rowsEstimates: (RowsFromBulb | null)[] = []
    private estimatedAtS: number[] = []
    private ahead: Ahead | null = null
    /** Probe variants: the zone whose probe each zone reads (itself, or the zone it follows). */
    private leaderOf: number[] = []
    /** Watering a follower still owes: its leader's watering time not yet matched, s. */
    private owedS: number[] = []
    private lastTickS = 0

    /** @param marginMm depletion kept under RAW, mm */
    constructor(readonly knows: OracleKnowledge = "all", private readonly marginMm = knows === "box" ? BOX_MARGIN_MM : knows === "probe" ? PROBE_MARGIN_MM : MARGIN_MM) {
        this.name = knows === "all" ? "oracle" : `oracle-${knows}`
    }

    start(sim: FarmSim): void {
        const probed = this.knows === "probe" || this.knows === "box"
        this.leaderOf = probed ? assignSensors(sim.farm) : sim.farm.zones.map((_, z) => z)
        if (this.leaderOf.some((k) => k < 0)) {
            throw new Error(`oracle-${this.knows} needs a probe beside a dripper in a zone of each crop and soil`)
        }
        this.owedS = new Array(sim.zoneCount).fill(0)
        this.lastTickS = 0
        this.sim = sim
        const n = sim.zoneCount
        this.out = { valves: sim.farm.zones.map(() => false), pump: false, master: false }
        this.slack = new Array(n).fill(0)
        this.wants = new Array(n).fill(false)
        const sizing = sizeFarm(sim.farm, sim.model)
        this.flowLpm = sizing.map((s) => Math.round(s.flowLph / 60))
        const tariff = sim.farm.profile.config.tariff
        const slots = Math.ceil(sim.endS / SLOT_S) + LOOKAHEAD_S / SLOT_S + 48
        this.bands = new Uint8Array(slots)
        for (let i = 0; i < slots; i++) this.bands[i] = bandAtLocal(tariff, sim.localS(i * SLOT_S))
        const share = PLANNED_SHARE * Math.min(1, sim.farm.profile.config.maxZonesOpen / n)
        this.refillPerH = sim.farm.zones.map((z, i) => {
            const mmPerH = sizing[i].flowLph / z.areaM2 // over the zone
            return (share * mmPerH * z.bulbRootFraction) / z.wettedFraction
        })
        const estimate = this.knows !== "all" && this.knows !== "bulb"
        const rng = new Rng(sim.seed * 7919 + 17)
        this.rowsEstimates = sim.zones.map((zone) =>
            estimate && zone.wettedFraction < 1
                ? new RowsFromBulb({
                      tawMm: zone.tawMm, rootDepthM: zone.rootDepthM, bulbRootFraction: zone.bulbRootFraction,
                      wettedFraction: zone.wettedFraction, readEveryS: sim.farm.probes.readEveryMin * 60,
                      // The probe variants get the probe's own noise in its readings.
                      noiseVwc: probed ? 0 : READING_NOISE_VWC, rng,
                  })
                : null,
        )
        this.estimatedAtS = new Array(n).fill(0)
        this.ahead = this.knows === "box" ? climateAhead(sim) : sim.weather
    }

    /** Water content of the wetted bulb as this oracle knows it: the truth, or the last reading
     *  of the probe it reads (tenths of % v/v; a missing one counts as dry). */
    private thetaBulb(z: number): number {
        const zone = this.sim!.zones[z]
        if (this.knows !== "probe" && this.knows !== "box") return zone.thetaWetted
        const r = this.sim!.soil[this.leaderOf[z]]
        return r === null ? zone.soil.thetaWp : r / 1000
    }

    /** Water content between the rows as this oracle reckons it. */
    private thetaRows(z: number): number {
        const zone = this.sim!.zones[z]
        if (this.knows === "all" || zone.wettedFraction >= 1) return zone.thetaUnwetted
        const est = this.rowsEstimates[z]
        return zone.soil.thetaWp + (est === null ? 0 : est.rowsMm / (1000 * zone.rootDepthM))
    }

    /** Root-weighted depletion as this oracle reckons it, mm. */
    private depletion(z: number): number {
        const zone = this.sim!.zones[z]
        if (this.knows === "all") return zone.drMm
        const perMm = 1000 * zone.rootDepthM
        const bulbMm = (this.thetaBulb(z) - zone.soil.thetaWp) * perMm
        if (zone.wettedFraction >= 1) return Math.max(0, zone.tawMm - bulbMm)
        const rowsMm = (this.thetaRows(z) - zone.soil.thetaWp) * perMm
        const rb = zone.bulbRootFraction
        return rb * Math.max(0, zone.tawMm - bulbMm) + (1 - rb) * Math.max(0, zone.tawMm - rowsMm)
    }

    /** Brings zone z's estimate of its rows, if it has one, to time t (its soil is up to date). */
    private estimateRows(z: number, t: number): void {
        const est = this.rowsEstimates[z]
        if (est === null || est === undefined) return
        const sim = this.sim!
        const zone = sim.zones[z]
        const w = this.ahead!
        const h0 = Math.min(w.et0H.length, Math.floor(this.estimatedAtS[z] / 3600))
        const h1 = Math.min(w.et0H.length, Math.floor(t / 3600))
        const etcMm = sim.kcOf(z, Math.floor(t / 86400)) * (w.et0Cum[h1] - w.et0Cum[h0])
        est.update(t, (this.thetaBulb(z) - zone.soil.thetaWp) * 1000 * zone.rootDepthM, !this.out.valves[z], etcMm)
        this.estimatedAtS[z] = h1 * 3600
    }

    /** Depletion added per mm of crop ET, given where the roots find water now. */
    private depletionPerEt(z: number): number {
        const zone = this.sim!.zones[z]
        const fw = zone.wettedFraction
        if (fw >= 1) return 1
        const rb = zone.bulbRootFraction
        const wp = zone.soil.thetaWp
        const wb = Math.max(0, this.thetaBulb(z) - wp)
        const wr = Math.max(0, this.thetaRows(z) - wp)
        const sb = rb * wb + (1 - rb) * wr > 0 ? (rb * wb) / (rb * wb + (1 - rb) * wr) : fw
        return (rb * sb) / fw + ((1 - rb) * (1 - sb)) / (1 - fw)
    }

    /**
     * Highest depletion minus the allowed maximum over the look-ahead if zone z is not watered
     * before t + waitS and then at every chance (only off-peak ones when offPeakOnly).
     */
    private worstExcess(z: number, t: number, waitS: number, offPeakOnly: boolean): number {
        const sim = this.sim!
        const zone = sim.zones[z]
        const w = this.ahead!
        const kc = sim.kcOf(z, Math.floor(t / 86400))
        const perEt = this.depletionPerEt(z)
        const taw = zone.tawMm
        const floorMm = (1 - zone.bulbRootFraction) * Math.max(0, (zone.soil.thetaFc - this.thetaRows(z)) * 1000 * zone.rootDepthM)
        const h0 = Math.floor(t / 3600)
        const et24 = kc * (w.et0Cum[Math.min(w.et0H.length, h0 + 24)] - w.et0Cum[Math.min(w.et0H.length, h0)])
        const limit = Math.min(zone.rawMm, adjustedDepletionFraction(zone.pNominal, et24) * taw) - this.marginMm
        let d = this.depletion(z)
        let worst = d - limit
        const first = Math.floor(t / SLOT_S)
        let end = t + LOOKAHEAD_S
        while (this.bands[Math.floor(end / SLOT_S)] === Band.Peak) end += SLOT_S
        for (let s = first; (s + 1) * SLOT_S <= end + SLOT_S; s++) {
            const from = Math.max(t, s * SLOT_S)
            const dt = (s + 1) * SLOT_S - from
            if (dt <= 0) continue
            const h = Math.floor(from / 3600)
            if (h >= w.et0H.length) break
            const frac = dt / 3600
            d += kc * w.et0H[h] * frac * perEt - w.rainH[h] * frac
            if (d < 0) d = 0
            const band = this.bands[s]
            const canWater = from >= t + waitS && band !== Band.Peak && (!offPeakOnly || band === Band.OffPeak)
            if (canWater && d > floorMm) d = Math.max(floorMm, d - this.refillPerH[z] * frac)
            if (d - limit > worst) worst = d - limit
            if (d > taw) break
        }
        return worst
    }

    tick(t: number): StrategyOutput {
        const sim = this.sim!
        const out = this.out
        const band = this.bands[Math.floor(t / SLOT_S)]
        const exactBand = bandAtLocal(sim.farm.profile.config.tariff, sim.localS(t))
        const n = sim.zoneCount
        this.settleFollowers(t)
        if (band === Band.Peak || exactBand === Band.Peak) {
            for (let z = 0; z < n; z++) {
                out.valves[z] = false
                this.wants[z] = false
            }
            out.pump = false
            out.master = false
            return out
        }
        const offPeakOnly = band === Band.OffPeak
        for (let z = 0; z < n; z++) {
            if (this.leaderOf[z] !== z) continue // a follower: see settleFollowers
            if (!out.valves[z] && t % IDLE_CHECK_S !== 0) continue
            sim.advanceZone(z, t)
            this.estimateRows(z, t)
            const zone = sim.zones[z]
            if (this.thetaBulb(z) >= zone.soil.thetaFc - 0.002) {
                this.wants[z] = false
                continue
            }
            const excess = this.worstExcess(z, t, out.valves[z] ? HOLD_S : IDLE_CHECK_S + 60, offPeakOnly)
            this.wants[z] = excess > 0
            this.slack[z] = -excess
        }
        for (let z = 0; z < n; z++) {
            const k = this.leaderOf[z]
            if (k === z) continue
            this.wants[z] = this.owedS[z] > 0
            this.slack[z] = this.slack[k]
        }
        this.choose()
        return out
    }

    /** Followers owe the time their leader watered since the last tick, less their own. */
    private settleFollowers(t: number): void {
        const dt = t - this.lastTickS
        this.lastTickS = t
        const valves = this.out.valves
        for (let z = 0; z < valves.length; z++) {
            const k = this.leaderOf[z]
            if (k === z) continue
            if (valves[k]) this.owedS[z] += dt
            if (valves[z]) this.owedS[z] = Math.max(0, this.owedS[z] - dt)
        }
    }

    /** Opens the zones that want water, most urgent first, within the hydraulic limit. */
    private choose(): void {
        const cfg = this.sim!.farm.profile.config
        const out = this.out
        const n = out.valves.length
        const order: number[] = []
        for (let z = 0; z < n; z++) if (this.wants[z]) order.push(z)
        // Zones already open keep their place, so runs are not chopped by small urgency changes.
        order.sort((a, b) => Number(out.valves[b]) - Number(out.valves[a]) || this.slack[a] - this.slack[b])
        for (let z = 0; z < n; z++) out.valves[z] = false
        let open = 0
        let flow = 0
        for (const z of order) {
            if (open >= cfg.maxZonesOpen) break
            if (cfg.maxFlowLpm > 0 && open > 0 && flow + this.flowLpm[z] > cfg.maxFlowLpm) continue
            out.valves[z] = true
            open++
            flow += this.flowLpm[z]
        }
        out.pump = open > 0
        out.master = cfg.masterValve && open > 0
    }

    alarms(): SimAlarm[] {
        return []
    }
}

/** The weather ahead as the box could know it: each day the month's mean ET0 (the climate
 *  normals an installer has), spread over the daylight hours as the sun goes; no rain. */
function climateAhead(sim: FarmSim): Ahead {
    const w = sim.weather
    const normals = climateNormals()
    // Daily course: ET0 follows the sun, 06:00-18:00 local (a half sine).
    const shape = new Array(24).fill(0)
    let sum = 0
    for (let h = 6; h < 18; h++) sum += shape[h] = Math.sin((Math.PI * (h + 0.5 - 6)) / 12)
    const et0H = new Float64Array(w.et0H.length)
    for (let i = 0; i < et0H.length; i++) {
        const day = w.daily[Math.floor(i / 24)]
        et0H[i] = (normals.et0MmPerDay[day.month - 1] * shape[i % 24]) / sum
    }
    return { et0H, rainH: new Float64Array(et0H.length), et0Cum: cumulative(et0H) }
}
