// Small fixed installations for example-based tests of the core.
import { Controller } from "../../firmware/core/controller"
import { daysFromCivil } from "../../firmware/core/calendar"
import { vietnamTariff2025 } from "../../firmware/core/tariff"
import { CoreConfig, CoreEvent, DayMode, Program, StepOutput } from "../../firmware/core/types"

export function config(over: Partial<CoreConfig> = {}): CoreConfig {
    return {
        zones: [0, 1, 2].map(z => ({ name: "Z" + z, maxRunS: 7200, flowLpm: 40, sensor: z, targetTenths: 300 })),
        valveOpenS: 3,
        valveCloseS: 3,
        pump: { present: true, startDelayS: 5, stopLeadS: 5 },
        masterValve: true,
        maxZonesOpen: 1,
        maxFlowLpm: 0,
        tariff: vietnamTariff2025(),
        peakPolicy: "defer",
        utcOffsetMin: 420,
        moisture: { skipAboveTenths: 20, gainPctPerPct: 10, minPct: 30, maxPct: 150, stuckAfterS: 86400, validMinTenths: 20, validMaxTenths: 600, rowCreditPct: 25 },
        tickS: 1,
        catchUpMin: 30,
        ...over,
    }
}

/** UTC seconds of a Vietnam local time (UTC+7). */
export function vnTime(y: number, m: number, d: number, hh: number, mm: number): number {
    return daysFromCivil(y, m, d) * 86400 + (hh * 60 + mm) * 60 - 7 * 3600
}

export function program(over: Partial<Program> = {}): Program {
    return {
        id: 1,
        name: "Sang",
        enabled: true,
        dayMode: DayMode.Weekdays,
        weekdays: 127,
        intervalDays: 1,
        refDay: 0,
        startsMin: [5 * 60 + 30],
        zoneS: [600, 0, 0],
        budgetPct: 100,
        cycleS: 0,
        soakS: 0,
        seasonFrom: 0,
        seasonTo: 0,
        useMoisture: false,
        ...over,
    }
}

/** Drives a controller second by second and keeps every output and event. */
export class Rig {
    ctl: Controller
    mono = 0
    wall: number
    soil: (number | null)[]
    outputs: { mono: number; out: StepOutput }[] = []
    events: CoreEvent[] = []
    store: Record<string, string> = {}

    constructor(cfg: CoreConfig, wall: number, records: Record<string, string> = {}) {
        this.ctl = new Controller(cfg)
        this.wall = wall
        this.soil = cfg.zones.map(() => 250)
        this.store = { ...records }
        this.ctl.restore({ ...records })
    }

    step(): StepOutput {
        const out = this.ctl.step({ monoS: this.mono, wallS: this.wall, soil: this.soil })
        for (const w of out.writes) this.store[w.key] = w.value
        this.events.push(...out.events)
        this.outputs.push({ mono: this.mono, out })
        return out
    }

    /** Steps once per second for `seconds`. */
    run(seconds: number): StepOutput {
        let last = this.step()
        for (let i = 0; i < seconds; i++) {
            this.mono++
            this.wall++
            last = this.step()
        }
        return last
    }

    kinds(): string[] {
        return this.events.map(e => e.kind)
    }

    /** Mono time of the first output where pred holds, or -1. */
    firstWhen(pred: (o: StepOutput) => boolean): number {
        const hit = this.outputs.find(x => pred(x.out))
        return hit ? hit.mono : -1
    }
}

/** Flow meter and injector settings for flow tests (1 L per pulse). */
export function flowConfig(over: Partial<CoreConfig> = {}): CoreConfig {
    return config({
        flow: { present: true, mlPerPulse: 1000, settleS: 60, windowS: 30, highPct: 30, lowPct: 20, noFlowS: 20, minFlowMlPerMin: 2000, leakMlPerMin: 1000, learnRuns: 3, lowFlowStops: false },
        injector: { present: true, mlPerMin: 600, minFlushS: 300, minPrewetS: 120 },
        ...over,
    })
}

/**
 * A Rig whose meter counts what the outputs let through: each zone passes `trueLpm[z]` litres
 * per minute while its valve output and the pump are on, plus `leakLpm` always.
 */
export class FlowRig extends Rig {
    trueLpm: number[]
    leakLpm = 0
    pumpWorks = true
    tankOk: boolean | undefined = undefined
    private litres = 0
    private last: StepOutput | null = null

    constructor(cfg: CoreConfig, wall: number, records: Record<string, string> = {}) {
        super(cfg, wall, records)
        this.trueLpm = cfg.zones.map(z => z.flowLpm)
    }

    override step(): StepOutput {
        const o = this.last
        if (o !== null) {
            let lpm = this.leakLpm
            if (o.pump && this.pumpWorks) o.valves.forEach((on, z) => (lpm += on ? this.trueLpm[z] : 0))
            this.litres += lpm / 60
        }
        const out = this.ctl.step({ monoS: this.mono, wallS: this.wall, soil: this.soil, flowPulses: Math.floor(this.litres), tankOk: this.tankOk })
        for (const w of out.writes) this.store[w.key] = w.value
        this.events.push(...out.events)
        this.outputs.push({ mono: this.mono, out })
        this.last = out
        return out
    }

    /** Runs zone z manually `times` times for `seconds` each, so the controller learns it. */
    learn(z: number, times: number, seconds: number): void {
        for (let i = 0; i < times; i++) {
            this.ctl.command({ k: "run", zone: z, seconds }, "keypad")
            this.run(seconds + 60)
        }
    }
}
