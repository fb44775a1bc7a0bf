// Strategy "oracle": the best a controller could do if it knew the true soil water of every
// zone and the weather ahead. A yardstick for the water our controller uses, not a controller
// anyone can build. Drives the valves directly, through the same hydraulics, soil and energy.
//
// It waters as late as it can: a zone is started only when waiting any longer would let its
// root-zone depletion pass RAW at some point of the next day even if it were then watered at
// every later chance (its fair share of the pump, never in peak windows), and a run stops as
// soon as the zone could safely wait another hour. In off-peak hours the "later chances" are
// only the next off-peak window, so what the day needs is watered at night when it can be.

import { Band, bandAtLocal } from "../../firmware/core/tariff"
import { FarmSim, SimAlarm, Strategy, StrategyOutput } from "../farm-sim"
import { adjustedDepletionFraction } from "../soil-water"
import { sizeFarm } from "./sizing"

const SLOT_S = 1800
/** How far ahead a zone must be safe, s (plus any peak window that begins inside it). */
const LOOKAHEAD_S = 24 * 3600
/** Idle zones are looked at this often; open ones every tick. */
const IDLE_CHECK_S = 600
/** A run stops once the zone could wait this long. */
const HOLD_S = 2 * 3600
/** Depletion kept between the zone and RAW, mm (the look-ahead is approximate). */
const MARGIN_MM = 1.5
/** The look-ahead counts on this fraction of the zone's fair share of the pump (other zones
 *  may want it at the same time). */
const PLANNED_SHARE = 0.7

export class OracleStrategy implements Strategy {
    readonly name = "oracle"
    readonly rules = [
        "Knows each zone's true root-zone depletion Dr (root-weighted, as the crop feels it), its RAW, and the weather ahead. Never pumps in a peak window.",
        `Waters as late as possible: a zone starts only when, if it waited longer, Dr would pass RAW - ${MARGIN_MM} mm within the next 24 h even if it were watered at every later chance (its fair share of the pump, outside peak windows; in off-peak hours, only in the next off-peak window, so the day's need is watered at night when possible).`,
        `A run stops as soon as the zone could safely wait ${HOLD_S / 3600} h more, or when its wetted bulb reaches field capacity (it never waters past it).`,
        "At most the installation's hydraulic limit of zones at once, the most urgent first; the pump runs while a valve is open.",
    ].join("\n")
    private sim: FarmSim | null = null
    private out: { valves: boolean[]; pump: boolean; master: boolean } = { valves: [], pump: false, master: false }
    private slack: number[] = []
    private wants: boolean[] = []
    private flowLpm: number[] = []
    /** Band of each half hour of the run. */
    private bands = new Uint8Array(0)
    /** Depletion removed per hour of watering (fair share of the pump), mm. */
    private refillPerH: number[] = []

    start(sim: FarmSim): void {
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
    }

    /** Depletion added per mm of crop ET, given where the roots find water now. */
    private depletionPerEt(z: number): number {
        const zone = this.sim!.zones[z]
        const fw = zone.wettedFraction
        if (fw >= 1) return 1
        const rb = zone.bulbRootFraction
        const wp = zone.soil.thetaWp
        const wb = Math.max(0, zone.thetaWetted - wp)
        const wr = Math.max(0, zone.thetaUnwetted - wp)
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
        const w = sim.weather
        const kc = sim.kcOf(z, Math.floor(t / 86400))
        const perEt = this.depletionPerEt(z)
        const taw = zone.tawMm
        const floorMm = (1 - zone.bulbRootFraction) * Math.max(0, (zone.soil.thetaFc - zone.thetaUnwetted) * 1000 * zone.rootDepthM)
        const h0 = Math.floor(t / 3600)
        const et24 = kc * (w.et0Cum[Math.min(w.et0H.length, h0 + 24)] - w.et0Cum[Math.min(w.et0H.length, h0)])
        const limit = Math.min(zone.rawMm, adjustedDepletionFraction(zone.pNominal, et24) * taw) - MARGIN_MM
        let d = zone.drMm
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
            if (!out.valves[z] && t % IDLE_CHECK_S !== 0) continue
            sim.advanceZone(z, t)
            const zone = sim.zones[z]
            if (zone.thetaWetted >= zone.soil.thetaFc - 0.002) {
                this.wants[z] = false
                continue
            }
            const excess = this.worstExcess(z, t, out.valves[z] ? HOLD_S : IDLE_CHECK_S + 60, offPeakOnly)
            this.wants[z] = excess > 0
            this.slack[z] = -excess
        }
        this.choose()
        return out
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
