// The terminal UI's model, without React: the farm simulation running the real control core,
// the box's keypad menu on the same Controller, the speed, and the faults injected by hotkey.
//
// Clocks: the controller and the menu's wall clock run on simulated time (sim.startUtcS +
// sim.t). The menu's monotonic seconds (messages, return-home after inactivity, PIN lock) run on
// the person's own clock, real seconds, so that at 1800x the display does not jump home between
// two keys; at 1x the two clocks run alike, as on the box.

import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Controller } from "../../firmware/core/controller"
import { LINK_DOWN, LINK_UP, Menu } from "../../firmware/core/menu/menu"
import { parsePanel } from "../../firmware/core/menu/panel-profile"
import { FarmSim, TICK_S } from "../farm-sim"
import { makeSim } from "../farm-run"
import { StrategyName } from "../strategies/index"
import { CoreDriver } from "../strategies/core-driver"
import { FaultKind, stepSpeed } from "./keys"

export interface EngineOptions {
    farm: string
    seed: number
    days: number
    start?: string
    strategy?: StrategyName
    /** Simulated seconds per wall second. */
    speed?: number
    paused?: boolean
    /** Wall clock in ms (tests pass a fake one). */
    now?: () => number
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** Hole of the injected main-line burst, mm² (a split about 10 mm across). */
export const BURST_MM2 = 80
/** Capacity lost by the emitters of a clogged zone. */
export const CLOG = 0.8
/** Most simulated ticks done in one frame (keeps a frame short at any speed). */
const MAX_TICKS_PER_FRAME = 2000

export class TuiEngine {
    readonly sim: FarmSim
    /** The box's controller (null when the strategy is not our core). */
    readonly ctl: Controller | null
    readonly menu: Menu | null
    private readonly core: CoreDriver | null
    readonly rows: number
    readonly cols: number
    speed: number
    paused: boolean
    /** Injected faults and sim notes, newest last. */
    readonly notes: string[] = []
    readonly deadProbes: number[] = []
    readonly clogged: number[] = []
    burst = false
    private owedS = 0
    private readonly now: () => number
    private readonly t0: number

    constructor(o: EngineOptions) {
        this.now = o.now ?? (() => Date.now())
        this.t0 = this.now()
        this.speed = o.speed ?? 1800
        this.paused = o.paused ?? false
        this.sim = makeSim({ farm: o.farm, strategy: o.strategy ?? "controller", seed: o.seed, days: o.days, start: o.start })
        // Starts the strategy (the core restores and saves its programs) without stepping.
        this.sim.advanceTo(0)
        const core = (this.sim.strategy as { core?: CoreDriver | null }).core
        // The screen shows the core's status between ticks (run times counting down).
        if (core) core.skipBusy = false
        this.core = core ?? null
        this.ctl = core ? core.ctl : null
        const panel = panelOf(this.sim)
        this.rows = panel.rows
        this.cols = panel.cols
        if (this.ctl !== null) {
            this.menu = new Menu(this.ctl, this.rows, this.cols)
            this.menu.timeoutS = panel.timeoutS
            this.menu.link = LINK_UP
            this.menu.tick(this.monoS(), this.wallS())
        } else this.menu = null
    }

    /** The menu's monotonic seconds (real time since start). */
    monoS(): number {
        return Math.floor((this.now() - this.t0) / 1000)
    }

    /** UTC seconds of the simulated clock. */
    wallS(): number {
        return this.sim.startUtcS + this.sim.t
    }

    get linkUp(): boolean {
        return this.menu === null || this.menu.link !== LINK_DOWN
    }

    /** Lets `wallMs` of real time pass at the current speed. */
    advance(wallMs: number): void {
        if (!this.paused && !this.sim.done) {
            this.owedS += (this.speed * wallMs) / 1000
            let ticks = Math.floor(this.owedS / TICK_S)
            if (ticks > MAX_TICKS_PER_FRAME) {
                ticks = MAX_TICKS_PER_FRAME
                this.owedS = 0
            } else this.owedS -= ticks * TICK_S
            if (ticks > 0) this.sim.advanceTo(this.sim.t + ticks * TICK_S)
        }
        this.menu?.tick(this.monoS(), this.wallS())
    }

    /** One keypad key (of KEYS), as the box's keypad would send it. */
    press(key: string): void {
        if (this.menu === null) return
        // A command reads the core's clock: bring it up to the last tick if that was skipped.
        this.core?.catchUp()
        this.menu.press(key, this.monoS(), this.wallS())
        for (const a of this.menu.takeActions()) {
            // The simulated clock is the farm's own; setting it by hand is not simulated.
            if (a.a === "setClock") this.note(`keypad set the clock to ${new Date(a.utcS * 1000).toISOString().slice(0, 16)}Z (not applied: the sim keeps its own clock)`)
        }
    }

    /** The box's character display: rows strings of cols characters. */
    display(): string[] {
        return this.menu !== null ? this.menu.render() : []
    }

    togglePause(): void {
        this.paused = !this.paused
        this.owedS = 0
    }

    faster(): void {
        this.speed = stepSpeed(this.speed, 1)
    }

    slower(): void {
        this.speed = stepSpeed(this.speed, -1)
    }

    inject(kind: FaultKind): void {
        const sim = this.sim
        const name = (z: number) => sim.farm.zones[z].name
        switch (kind) {
            case "sensor": {
                const z = sim.probes.probes.findIndex((p, i) => p !== null && !this.deadProbes.includes(i))
                if (z < 0) return this.note("no working probe left to kill")
                sim.probes.probes[z]!.fail("dead", sim.t)
                this.deadProbes.push(z)
                return this.note(`probe in ${name(z)} dead (reads at the rail from the next reading)`)
            }
            case "burst":
                if (this.burst) return this.note("the main line has burst already")
                sim.faults.mainBurstMm2 = BURST_MM2
                this.burst = true
                this.refreshHydraulics()
                return this.note(`main line burst (${BURST_MM2} mm² hole)`)
            case "clog": {
                let z = 0
                while (z < sim.zoneCount && this.clogged.includes(z)) z++
                if (z >= sim.zoneCount) return this.note("every zone is clogged already")
                sim.faults.zones[z].clog = CLOG
                sim.faults.zones[z].clogShare = 1
                this.clogged.push(z)
                this.refreshHydraulics()
                return this.note(`${name(z)} clogged (emitters lose ${CLOG * 100}%)`)
            }
            case "link":
                if (this.menu === null) return
                this.menu.link = this.menu.link === LINK_DOWN ? LINK_UP : LINK_DOWN
                return this.note(`link ${this.menu.link === LINK_DOWN ? "down" : "up again"}`)
        }
    }

    /** Clears every injected fault (dead probes come back as new, healthy units). */
    repair(): void {
        const sim = this.sim
        for (const z of this.deadProbes) sim.probes.probes[z]!.fail("dead", Infinity)
        this.deadProbes.length = 0
        sim.faults.mainBurstMm2 = 0
        for (const z of this.clogged) sim.faults.zones[z].clog = 0
        this.clogged.length = 0
        this.burst = false
        if (this.menu !== null) this.menu.link = LINK_UP
        this.refreshHydraulics()
        this.note("all faults repaired, link up")
    }

    private note(s: string): void {
        const stamp = new Date(this.sim.localS(this.sim.t) * 1000).toISOString().slice(5, 16).replace("T", " ")
        this.notes.push(`${stamp} ${s}`)
        if (this.notes.length > 20) this.notes.shift()
    }

    /** FarmSim solves the hydraulics only when the commanded state changes: a fault must show
     *  at once, so the meter (and the core's flow supervision) sees it. */
    private refreshHydraulics(): void {
        this.sim.refreshHydraulics()
    }
}

/** The panel of the farm's installation profile ("panel" key), else the firmware's 20x4. */
function panelOf(sim: FarmSim): { rows: number; cols: number; timeoutS: number } {
    const dflt = { rows: 4, cols: 20, timeoutS: 60 }
    const src = sim.farm.profileSource.replace(/ \+ overrides$/, "")
    if (!src.endsWith(".json")) return dflt
    try {
        const p = parsePanel(JSON.parse(readFileSync(path.resolve(REPO_ROOT, src), "utf8"))).panel
        return p === null ? dflt : { rows: p.lcdRows, cols: p.lcdCols, timeoutS: p.timeoutS }
    } catch {
        return dflt
    }
}
