// Strategy "weekly": what common irrigation timers do. Our core is used as a plain timer (no
// soil-moisture feedback, no tariff awareness): one 7-day program, and the water budget set at
// the start of every month from the climate normals ("seasonal adjust").

import { CoreConfig, DayMode, Program } from "../../firmware/core/types"
import { FarmSim, SimAlarm, Strategy, StrategyOutput } from "../farm-sim"
import { CoreDriver } from "./core-driver"
import { sizeFarm, ZoneSizing } from "./sizing"

const STARTS_MIN = [5 * 60, 15 * 60]
const MAX_ZONE_S = 4 * 3600

export class WeeklyStrategy implements Strategy {
    readonly name = "weekly"
    rules = ""
    private sim: FarmSim | null = null
    private driver: CoreDriver | null = null
    private budgetByMonth: number[] = []

    start(sim: FarmSim): void {
        this.sim = sim
        const sizing = sizeFarm(sim.farm, sim.model)
        const base = sim.farm.profile.config
        const config: CoreConfig = {
            ...base,
            zones: base.zones.map((zc, z) => ({ ...zc, flowLpm: Math.max(1, Math.round(sizing[z].flowLph / 60)) })),
            tickS: 60,
            peakPolicy: "allow",
        }
        const zoneS = sizing.map((s) => Math.min(MAX_ZONE_S, Math.round((s.peakEtcMmPerDay / STARTS_MIN.length) * s.secondsPerMm)))
        const program: Program = {
            id: 1, name: "Hang tuan", enabled: true, dayMode: DayMode.Weekdays, weekdays: 127, intervalDays: 1, refDay: 0,
            startsMin: STARTS_MIN, zoneS, budgetPct: 100, cycleS: 0, soakS: 0, seasonFrom: 0, seasonTo: 0, useMoisture: false,
        }
        this.budgetByMonth = monthlyBudgets(sizing)
        this.driver = new CoreDriver(config, [program])
        this.driver.start(sim)
        this.rules = [
            "A common timer controller (our core with moisture feedback off and tariff policy \"allow\"): one program, every day of the week at 05:00 and 15:00, zones in turn within the hydraulic limit.",
            "Run times are sized for the driest month's crop water need, like the fixed habit.",
            `On the 1st of each month the water budget is set to that month's normal need as a percentage of the driest month's: ${this.budgetByMonth.join(", ")} % for January to December (a month with no normal need gets 0 %).`,
            "It does not look at the soil, the rain or the tariff.",
        ].join("\n")
    }

    tick(t: number): StrategyOutput {
        const sim = this.sim!
        if (t % 86400 === 0) {
            const day = sim.weather.daily[t / 86400]
            if (t === 0 || day.dayOfMonth === 1) {
                // Commands take effect from the next step; step once first so the core knows the time.
                const out = this.driver!.step(t)
                this.driver!.command({ k: "setBudget", pct: this.budgetByMonth[day.month - 1] })
                return out
            }
        }
        return this.driver!.step(t)
    }

    idleUntil(t: number): number | undefined {
        return this.driver?.idleUntil(t)
    }

    alarms(): SimAlarm[] {
        return this.driver?.alarmList ?? []
    }

    recent(): string[] {
        return this.driver?.recentLines() ?? []
    }
}

/** Budget per calendar month, percent of the driest month's need (the core takes 0..250). */
export function monthlyBudgets(sizing: ZoneSizing[]): number[] {
    return Array.from({ length: 12 }, (_, m) => {
        let need = 0
        let peak = 0
        for (const s of sizing) {
            need += s.needMmPerDay[m] * s.secondsPerMm
            peak += s.peakNeedMmPerDay * s.secondsPerMm
        }
        return peak > 0 ? Math.min(250, Math.round((100 * need) / peak)) : 0
    })
}
