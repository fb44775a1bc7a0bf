// The simulator's command line: one season report, a comparison of every strategy on the same
// weather, or the live view. `npm run sim -- --help` lists the options.

import { ArgError, CliArgs, parseArgs, USAGE } from "./cli-args"
import { FarmError, loadFarm } from "./farm"
import { compareStrategies, runFarm } from "./farm-run"
import { formatComparison, formatReport } from "./report-format"

function progressPrinter(a: CliArgs): ((label: string, done: number) => void) | undefined {
    if (!(a.progress || process.stderr.isTTY)) return undefined
    let last = ""
    return (label, done) => {
        const text = `\r${label} ${Math.round(done * 100)}%   `
        if (text === last) return
        last = text
        process.stderr.write(text)
        if (done >= 1) process.stderr.write("\n")
    }
}

export async function main(argv: string[]): Promise<number> {
    if (argv[0] === "campaign") return (await import("./campaign-cli")).campaignMain(argv.slice(1))
    // --vm: the real firmware bytecode in the DeviceScript VM instead of the in-process core.
    if (argv.includes("--vm")) return (await import("../tools/hil/live")).hilLive(argv.filter(x => x !== "--vm" && x !== "--live"))
    let a: CliArgs
    try {
        a = parseArgs(argv)
    } catch (err) {
        if (err instanceof ArgError) {
            process.stderr.write(`sim: ${err.message}\n${USAGE}\n`)
            return 2
        }
        throw err
    }
    if (a.help) {
        process.stdout.write(USAGE + "\n")
        return 0
    }
    let farm
    try {
        farm = loadFarm(a.farm)
    } catch (err) {
        if (err instanceof FarmError) {
            process.stderr.write(`sim: --farm ${a.farm}: ${err.errors.length === 1 ? err.errors[0] : err.message}\n`)
            return 2
        }
        throw err
    }
    if (a.live) {
        // A terminal gets the ink UI; anything else (CI smoke tests) the plain status lines.
        if (process.stdout.isTTY === true && process.stdin.isTTY === true) {
            const { runTui } = await import("./tui/run")
            return runTui(a)
        }
        const { runLive } = await import("./live")
        return runLive(a)
    }
    const progress = progressPrinter(a)
    if (a.compare) {
        const c = compareStrategies(farm, a.seed, a.days, a.start, undefined, progress)
        process.stdout.write(a.json ? JSON.stringify(c, null, 2) + "\n" : formatComparison(c))
        return 0
    }
    const r = runFarm({ farm, strategy: a.strategy, seed: a.seed, days: a.days, start: a.start, progress: progress ? (d) => progress(a.strategy, d) : undefined })
    process.stdout.write(a.json ? JSON.stringify(r, null, 2) + "\n" : formatReport(r))
    return 0
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code
    },
    (err) => {
        process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`)
        process.exitCode = 1
    },
)
