// Running farms: one strategy, or every strategy on the same weather for a comparison.

import { daysFromCivil } from "../firmware/core/calendar"
import { Farm, loadFarm } from "./farm"
import { FarmSim, Strategy } from "./farm-sim"
import { runWeather, RunWeather } from "./farm-weather"
import { buildReport, FarmReport, round } from "./report"
import { makeStrategy, STRATEGY_NAMES, StrategyName } from "./strategies/index"

export const DEFAULT_START = "2025-01-01"

/** "YYYY-MM-DD" to a local day number, or null when it is not a real date. */
export function parseDate(s: string): number | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
    if (!m) return null
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
    const day = daysFromCivil(y, mo, d)
    const back = new Date(day * 86400000)
    if (back.getUTCFullYear() !== y || back.getUTCMonth() + 1 !== mo || back.getUTCDate() !== d) return null
    return day
}

export interface RunRequest {
    farm: Farm | string
    /** A strategy by name, or one built by the caller (e.g. an oracle variant). */
    strategy: StrategyName | Strategy
    seed: number
    days: number
    /** "YYYY-MM-DD", local; default DEFAULT_START. */
    start?: string
    /** Reuse weather (it must match seed, start and days). */
    weather?: RunWeather
    /** Called now and then with the fraction done (0..1). */
    progress?: (done: number) => void
}

export function weatherFor(seed: number, start: string, days: number): RunWeather {
    const day = parseDate(start)
    if (day === null) throw new Error(`not a date: ${start}`)
    return runWeather(seed, day, days)
}

export function makeSim(req: RunRequest): FarmSim {
    const farm = typeof req.farm === "string" ? loadFarm(req.farm) : req.farm
    const weather = req.weather ?? weatherFor(req.seed, req.start ?? DEFAULT_START, req.days)
    const strategy = typeof req.strategy === "string" ? makeStrategy(req.strategy) : req.strategy
    return new FarmSim({ farm, weather, strategy, seed: req.seed })
}

export function runFarm(req: RunRequest): FarmReport {
    const sim = makeSim(req)
    if (req.progress) {
        const chunk = 30 * 86400
        for (let t = chunk; !sim.done; t += chunk) {
            sim.advanceTo(t)
            req.progress(Math.min(1, t / sim.endS))
        }
    } else sim.run()
    return buildReport(sim)
}

export interface Comparison {
    farm: string
    seed: number
    startDate: string
    days: number
    reports: Record<string, FarmReport>
    /** Each strategy's figure divided by the same figure of `fixed` (and of `oracle`). */
    ratios: Record<string, { waterVsFixed: number; energyCostVsFixed: number; waterVsOracle: number }>
}

export function compareStrategies(
    farm: Farm | string, seed: number, days: number, start = DEFAULT_START,
    names: readonly StrategyName[] = STRATEGY_NAMES, progress?: (name: string, done: number) => void,
): Comparison {
    const f = typeof farm === "string" ? loadFarm(farm) : farm
    const weather = weatherFor(seed, start, days)
    const reports: Record<string, FarmReport> = {}
    for (const name of names) {
        reports[name] = runFarm({ farm: f, strategy: name, seed, days, weather, progress: progress ? (d) => progress(name, d) : undefined })
    }
    const ratio = (a: number, b: number | undefined) => (b !== undefined && b > 0 ? round(a / b, 3) : 0)
    const ratios: Comparison["ratios"] = {}
    for (const name of names) {
        const r = reports[name]
        ratios[name] = {
            waterVsFixed: ratio(r.irrigationM3, reports.fixed?.irrigationM3),
            energyCostVsFixed: ratio(r.energyCostVnd, reports.fixed?.energyCostVnd),
            waterVsOracle: ratio(r.irrigationM3, reports.oracle?.irrigationM3),
        }
    }
    return { farm: f.name, seed, startDate: start, days, reports, ratios }
}
