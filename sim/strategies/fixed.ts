// Strategy "fixed": the farmer's habit the pilots replaced. Drives the valves directly (a
// person at the pump house), through the same hydraulics, soil and energy accounting.

import { FarmSim, SimAlarm, Strategy, StrategyOutput } from "../farm-sim"
import { Sequencer } from "./sequencer"
import { sizeFarm } from "./sizing"

const RUN_STARTS_MIN = [6 * 60, 17 * 60]
const SKIP_AFTER_RAIN_MM = 10

export class FixedStrategy implements Strategy {
    readonly name = "fixed"
    rules = ""
    private sim: FarmSim | null = null
    private seq: Sequencer | null = null
    private runS: number[] = []
    private skipToday = false

    start(sim: FarmSim): void {
        this.sim = sim
        this.seq = new Sequencer(sim)
        const sizing = sizeFarm(sim.farm, sim.model)
        // The same minutes every run: half the driest month's daily crop water need, whole minutes.
        this.runS = sizing.map((s) => 60 * Math.ceil((s.peakEtcMmPerDay / 2) * s.secondsPerMm / 60))
        const perZone = sim.farm.zones.map((z, i) => `${z.name} ${this.runS[i] / 60} min`).join(", ")
        this.rules = [
            "The farmer's habit: every zone gets the same minutes every day at 06:00 and at 17:00, whatever the soil or the season.",
            "The minutes are sized to meet the driest month's need: the crop water need Kc x ET0 (climate normals, no rain counted on) of the month with the largest normal irrigation need (Kc x ET0 - rain), split over the two runs.",
            `Both runs are skipped only on a day after one with more than ${SKIP_AFTER_RAIN_MM} mm of rain.`,
            `Zones run in order, as many at once as the installation's hydraulic limit allows; the pump runs while a valve is open. Minutes per run: ${perZone}.`,
        ].join("\n")
    }

    tick(t: number): StrategyOutput {
        const sim = this.sim!
        const seq = this.seq!
        if (t % 86400 === 0) {
            const d = t / 86400
            this.skipToday = d > 0 && sim.weather.daily[d - 1].rainMm > SKIP_AFTER_RAIN_MM
        }
        const minute = (t % 86400) / 60
        if (!this.skipToday && RUN_STARTS_MIN.includes(minute)) {
            for (let z = 0; z < sim.zoneCount; z++) seq.add(z, this.runS[z])
        }
        return seq.tick()
    }

    alarms(): SimAlarm[] {
        return []
    }
}
