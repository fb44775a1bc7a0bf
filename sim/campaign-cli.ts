// `npm run sim -- campaign --farm NAME --seasons N [--fault-free N] [--seed S] [--json]`: the
// fault campaign (sim/campaign.ts) from the command line. Progress goes to stderr.

import { FarmError, loadFarm } from "./farm"
import { formatCampaign, runCampaign } from "./campaign"

export const CAMPAIGN_USAGE = `usage: npm run sim -- campaign [options]
  --farm NAME|FILE   loc-quang (default), phuoc-thien, or a farm JSON file (its profile needs "flow")
  --seasons N        seasons with one random fault each, 1..100000 (default 100)
  --fault-free N     fault-free seasons for the false-alarm count (default: as many as --seasons)
  --seed S           campaign seed, a whole number (default 1)
  --json             print JSON (every season's result too) instead of the table
  --progress         show progress on stderr even when it is not a terminal`

function whole(name: string, v: string | undefined, lo: number, hi: number): number {
    if (v === undefined || !/^-?\d+$/.test(v)) throw new Error(`--${name} needs a whole number`)
    const n = Number(v)
    if (n < lo || n > hi) throw new Error(`--${name} must be from ${lo} to ${hi}, got ${n}`)
    return n
}

export function campaignMain(argv: string[]): number {
    let farmName = "loc-quang"
    let seasons = 100
    let free: number | undefined
    let seed = 1
    let json = false
    let progress = process.stderr.isTTY === true
    try {
        for (let i = 0; i < argv.length; i++) {
            const a = argv[i]
            if (a === "--json") json = true
            else if (a === "--progress") progress = true
            else if (a === "--help") {
                process.stdout.write(CAMPAIGN_USAGE + "\n")
                return 0
            } else if (a === "--farm" && argv[i + 1] !== undefined) farmName = argv[++i]
            else if (a === "--seasons") seasons = whole("seasons", argv[++i], 1, 100000)
            else if (a === "--fault-free") free = whole("fault-free", argv[++i], 0, 100000)
            else if (a === "--seed") seed = whole("seed", argv[++i], -2147483648, 2147483647)
            else throw new Error(`unexpected argument "${a}"`)
        }
    } catch (err) {
        process.stderr.write(`sim campaign: ${(err as Error).message}\n${CAMPAIGN_USAGE}\n`)
        return 2
    }
    let farm
    try {
        farm = loadFarm(farmName)
    } catch (err) {
        if (!(err instanceof FarmError)) throw err
        process.stderr.write(`sim campaign: --farm ${farmName}: ${err.errors.join("; ")}\n`)
        return 2
    }
    if (farm.profile.config.flow === undefined || !farm.profile.config.flow.present) {
        process.stderr.write(`sim campaign: farm ${farm.name} has no flow meter in its profile ("flow")\n`)
        return 2
    }
    const started = Date.now()
    const r = runCampaign({
        farm, seasons, faultFreeSeasons: free, seed,
        progress: progress ? (done, total) => process.stderr.write(`\rcampaign ${farm!.name}: season ${done}/${total}   ${done === total ? "\n" : ""}`) : undefined,
    })
    if (progress) process.stderr.write(`campaign took ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    process.stdout.write(json ? JSON.stringify(r, null, 2) + "\n" : formatCampaign(r))
    return 0
}
