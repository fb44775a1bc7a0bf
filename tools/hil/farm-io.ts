// The field behind the simulated box: what the relays do to the farm, and what the box's
// sensors then read. Hydraulics (sim/hydraulics.ts) turn relay states into the flow through
// the main-line meter; the root-zone water balance (sim/soil-water.ts) turns the water each
// zone receives into the soil moisture its probe reads. Stepped in host time (the VM runs in
// real time), starting from the farm's usual initial depletion.

import { loadFarm, type Farm } from "../../sim/farm"
import { HydraulicModel, noFaults, type Faults } from "../../sim/hydraulics"
import { RootZone } from "../../sim/soil-water"

/** Reference ET while a scenario runs, mm per day (a dry-season day in Bình Phước). */
const ET0_MM_PER_DAY = 5
/** Tenths of % v/v the probe's wet calibration point stands for (firmware/inputs.ts WET_TENTHS;
 *  that file imports the DeviceScript runtime, so Node cannot import it). */
const WET_TENTHS = 500

export class FarmIo {
    readonly farm: Farm
    readonly hydraulics: HydraulicModel
    readonly zones: RootZone[]
    readonly faults: Faults
    /** Litres through the main-line meter since the start. */
    meterL = 0
    /** Probes that read nothing useful (a failed sensor): probe index -> ratio it reports. */
    readonly failedProbes = new Map<number, number>()

    /** depletion: the root zones' starting depletion as a fraction of TAW (default: the farm's). */
    constructor(farmName = "loc-quang", depletion?: number) {
        this.farm = loadFarm(farmName)
        const dep = depletion ?? this.farm.initialDepletionFraction
        this.hydraulics = new HydraulicModel(this.farm.network)
        this.faults = noFaults(this.farm.zones.length)
        this.zones = this.farm.zones.map(
            z =>
                new RootZone({
                    soil: z.soil,
                    rootDepthM: z.crop.rootDepthM,
                    pNominal: z.crop.pNominal,
                    wettedFraction: z.wettedFraction,
                    bulbRootFraction: z.bulbRootFraction,
                    initialDepletionMm: dep * 1000 * (z.soil.thetaFc - z.soil.thetaWp) * z.crop.rootDepthM,
                }),
        )
    }

    /** Advances the field by dtS with the given relay states; returns the meter's flow, L/h. */
    step(dtS: number, pumpOn: boolean, masterOpen: boolean, zonesOpen: boolean[]): number {
        const op = this.hydraulics.solve({ pumpOn, masterOpen, zonesOpen }, this.faults)
        this.meterL += (op.pumpFlowLph * dtS) / 3600
        const et0 = (ET0_MM_PER_DAY * dtS) / 86400
        this.zones.forEach((rz, z) => {
            const litres = ((op.zoneFlowsLph[z] ?? 0) * dtS) / 3600
            rz.step({ dtS, et0Mm: et0, rainMm: 0, irrigationMm: litres / this.farm.zones[z].areaM2, kc: 1 })
        })
        return op.pumpFlowLph
    }

    /** Probe k's reading as the Jacdac soil-moisture ratio: the firmware places it between its
     *  dry (0) and wet (1) calibration points, and the wet point stands for WET_TENTHS. */
    probeRatio(k: number): number {
        const failed = this.failedProbes.get(k)
        if (failed !== undefined) return failed
        const tenths = this.zones[k].thetaWetted * 1000
        return tenths / WET_TENTHS
    }
}
