// `npm run oracle-knowledge`: how much of the controller's gap to the oracle is knowledge and how
// much is the way it waters. The oracle (sim/strategies/oracle.ts) knows the true water of the
// wetted bulb and of the soil between the rows, and the weather ahead. Each variant knows less
// than the one before, and plans the same way:
//   bulb       the bulb's true water; the rows counted as dry;
//   bulb-rain  the bulb's true water; the rows estimated from the rain the bulb shows;
//   probe      the bulb as its probe reads it, the rows estimated from those readings;
//   box        as probe, with only the month's mean ET0 ahead and no rain: what a box with one
//              probe per zone could know.
// Every variant runs the farm as it is wired: in the probe variants a zone that reads a
// neighbour's probe waters for as long as that probe's own zone did.
//
//   npm run oracle-knowledge [-- --farms loc-quang,phuoc-thien --seeds 1,2,3]

import { DEFAULT_START, runFarm, weatherFor } from "./farm-run"
import { loadFarm } from "./farm"
import { FarmReport } from "./report"
import { OracleKnowledge, OracleStrategy } from "./strategies/oracle"

const DAYS = 365
export const KNOWLEDGE: OracleKnowledge[] = ["all", "bulb", "bulb-rain", "probe", "box"]

export interface KnowledgeRow {
    farm: string
    seed: number
    /** null when not asked for */
    controller: FarmReport | null
    oracles: Partial<Record<OracleKnowledge, FarmReport>>
}

/** One run of a farm: each oracle variant asked for and the controller, on the same weather. */
export function knowledgeRow(farmName: string, seed: number, days = DAYS, knowledge = KNOWLEDGE, withController = true): KnowledgeRow {
    const farm = loadFarm(farmName)
    const weather = weatherFor(seed, DEFAULT_START, days)
    const controller = withController ? runFarm({ farm, strategy: "controller", seed, days, weather }) : null
    const oracles: KnowledgeRow["oracles"] = {}
    for (const k of knowledge) {
        oracles[k] = runFarm({ farm, strategy: new OracleStrategy(k), seed, days, weather })
    }
    return { farm: farmName, seed, controller, oracles }
}

function option(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`)
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}

function main(): void {
    const farms = option("farms", "loc-quang,phuoc-thien").split(",")
    const seeds = option("seeds", "1,2,3").split(",").map(Number)
    if (seeds.some((s) => !Number.isInteger(s))) throw new Error("--seeds takes whole numbers, e.g. 1,2,3")
    for (const f of farms) loadFarm(f) // a wrong name fails before the first long run
    const cell = (r: FarmReport, o: FarmReport) => `${(r.irrigationMm / o.irrigationMm).toFixed(2)} x, ${r.stressDays} st`.padEnd(14)
    process.stdout.write(`${DAYS} days each; irrigation as a ratio of the oracle's, and stress days (st).\n`)
    process.stdout.write(`${"farm, seed".padEnd(16)}${"oracle mm".padEnd(15)}${KNOWLEDGE.slice(1).map((k) => k.padEnd(14)).join("")}controller\n`)
    for (const farm of farms) {
        for (const seed of seeds) {
            const r = knowledgeRow(farm, seed)
            const o = r.oracles.all!
            const cells = KNOWLEDGE.slice(1).map((k) => cell(r.oracles[k]!, o)).join("")
            process.stdout.write(`${`${farm} ${seed}`.padEnd(16)}${`${o.irrigationMm} (${o.stressDays} st)`.padEnd(15)}${cells}${cell(r.controller!, o)}\n`)
        }
    }
}

if (process.argv[1]?.endsWith("oracle-knowledge.ts")) {
    try {
        main()
    } catch (e) {
        process.stderr.write(`oracle-knowledge: ${e instanceof Error ? e.message : String(e)}\n`)
        process.exit(2)
    }
}
