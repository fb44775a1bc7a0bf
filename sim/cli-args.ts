// Command-line arguments of sim/cli.ts, checked strictly: anything unknown or malformed is an
// error the user sees (exit code 2), never a silent default.

import { parseDate, DEFAULT_START } from "./farm-run"
import { isStrategyName, STRATEGY_NAMES, StrategyName } from "./strategies/index"

export interface CliArgs {
    farm: string
    days: number
    seed: number
    strategy: StrategyName
    start: string
    json: boolean
    compare: boolean
    live: boolean
    help: boolean
    /** Live view: simulated seconds per wall second. */
    speed: number
    /** Live view: stop after this many simulated days (0 = the whole run). */
    forDays: number
    /** Live view: stop after this many wall seconds (0 = no limit). */
    maxSeconds: number
    progress: boolean
}

export class ArgError extends Error {}

export const USAGE = `usage: npm run sim -- [options]
  --farm NAME|FILE      loc-quang (default), phuoc-thien, 10ha, or a farm JSON file
  --days N              simulated days, 1..3650 (default 365)
  --seed N              weather and sensor seed, a whole number (default 1)
  --start YYYY-MM-DD    first day, local time (default ${DEFAULT_START})
  --strategy NAME       ${STRATEGY_NAMES.join(", ")} (default controller)
  --compare             run every strategy on the same weather, side by side
  --json                print JSON instead of text
  --progress            show progress on stderr even when it is not a terminal
  --live                live terminal view (npm start): --speed S simulated seconds per
                        second (default 1800), --for D simulated days, --max-seconds W
  --help                this text
       npm run sim -- campaign --help   the fault campaign (sim/campaign.ts)`

const FLAGS = ["json", "compare", "live", "help", "progress"] as const
const VALUED = ["farm", "days", "seed", "strategy", "start", "speed", "for", "max-seconds"] as const

function wholeNumber(name: string, v: string, lo: number, hi: number): number {
    if (!/^-?\d+$/.test(v)) throw new ArgError(`--${name} must be a whole number, got "${v}"`)
    const n = Number(v)
    if (n < lo || n > hi) throw new ArgError(`--${name} must be from ${lo} to ${hi}, got ${n}`)
    return n
}

export function parseArgs(argv: string[]): CliArgs {
    const a: CliArgs = {
        farm: "loc-quang", days: 365, seed: 1, strategy: "controller", start: DEFAULT_START, json: false,
        compare: false, live: false, help: false, speed: 1800, forDays: 0, maxSeconds: 0, progress: false,
    }
    const seen = new Set<string>()
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]
        if (!arg.startsWith("--")) throw new ArgError(`unexpected argument "${arg}"`)
        let name = arg.slice(2)
        let value: string | undefined
        const eq = name.indexOf("=")
        if (eq >= 0) {
            value = name.slice(eq + 1)
            name = name.slice(0, eq)
        }
        if (seen.has(name)) throw new ArgError(`--${name} given twice`)
        seen.add(name)
        if ((FLAGS as readonly string[]).includes(name)) {
            if (value !== undefined) throw new ArgError(`--${name} takes no value`)
            a[name as (typeof FLAGS)[number]] = true
            continue
        }
        if (!(VALUED as readonly string[]).includes(name)) throw new ArgError(`unknown option --${name}`)
        if (value === undefined) {
            value = argv[++i]
            if (value === undefined || value.startsWith("--")) throw new ArgError(`--${name} needs a value`)
        }
        switch (name) {
            case "farm":
                a.farm = value
                break
            case "days":
                a.days = wholeNumber(name, value, 1, 3650)
                break
            case "seed":
                a.seed = wholeNumber(name, value, -2147483648, 2147483647)
                break
            case "strategy":
                if (!isStrategyName(value)) throw new ArgError(`--strategy must be one of ${STRATEGY_NAMES.join(", ")}, got "${value}"`)
                a.strategy = value
                break
            case "start":
                if (parseDate(value) === null || value < "2020-01-01") throw new ArgError(`--start must be a date YYYY-MM-DD from 2020-01-01 on, got "${value}"`)
                a.start = value
                break
            case "speed":
                a.speed = wholeNumber(name, value, 1, 10_000_000)
                break
            case "for":
                a.forDays = wholeNumber(name, value, 1, 3650)
                break
            case "max-seconds":
                a.maxSeconds = wholeNumber(name, value, 1, 86400)
                break
        }
    }
    if (a.compare && seen.has("strategy")) throw new ArgError("--compare runs every strategy; leave out --strategy")
    if (a.live && (a.compare || a.json)) throw new ArgError("--live cannot be combined with --compare or --json")
    if (!a.live && (seen.has("speed") || seen.has("for") || seen.has("max-seconds"))) throw new ArgError("--speed, --for and --max-seconds only go with --live")
    return a
}
