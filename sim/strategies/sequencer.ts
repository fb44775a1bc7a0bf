// A person at the pump house: waters queued zones in order, as many at once as the
// installation's hydraulic limit allows (zones and nominal flow), pump on while a valve is open.

import { FarmSim, StrategyOutput, TICK_S } from "../farm-sim"
import { sizeFarm } from "./sizing"

export class Sequencer {
    private readonly remaining: number[]
    private readonly queue: number[] = []
    private readonly out: { valves: boolean[]; pump: boolean; master: boolean }
    private readonly flowLpm: number[]
    private readonly maxOpen: number
    private readonly maxFlowLpm: number
    private readonly master: boolean

    constructor(sim: FarmSim) {
        const cfg = sim.farm.profile.config
        this.remaining = sim.farm.zones.map(() => 0)
        this.out = { valves: sim.farm.zones.map(() => false), pump: false, master: false }
        // Zone flows as measured on site (the limit is in nominal L/min).
        this.flowLpm = sizeFarm(sim.farm, sim.model).map((s) => Math.round(s.flowLph / 60))
        this.maxOpen = cfg.maxZonesOpen
        this.maxFlowLpm = cfg.maxFlowLpm
        this.master = cfg.masterValve
    }

    /** Queues `seconds` more water for zone z (added to what it still has queued). */
    add(z: number, seconds: number): void {
        if (seconds <= 0) return
        if (this.remaining[z] <= 0) this.queue.push(z)
        this.remaining[z] += seconds
    }

    get busy(): boolean {
        return this.queue.length > 0
    }

    /** Outputs for the next tick; counts the tick's water against the open zones. */
    tick(): StrategyOutput {
        const v = this.out.valves
        let open = 0
        let flow = 0
        for (let z = 0; z < v.length; z++) v[z] = false
        for (const z of this.queue) {
            if (open >= this.maxOpen) break
            if (this.maxFlowLpm > 0 && open > 0 && flow + this.flowLpm[z] > this.maxFlowLpm) continue
            v[z] = true
            open++
            flow += this.flowLpm[z]
        }
        for (let i = this.queue.length - 1; i >= 0; i--) {
            const z = this.queue[i]
            if (!v[z]) continue
            this.remaining[z] -= TICK_S
            if (this.remaining[z] <= 0) {
                this.remaining[z] = 0
                this.queue.splice(i, 1)
            }
        }
        this.out.pump = open > 0
        this.out.master = this.master && open > 0
        return this.out
    }
}
