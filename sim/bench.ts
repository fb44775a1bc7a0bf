// `npm run bench`: how fast one simulated year of the generated 10 ha farm (16 zones) runs with
// the `controller` strategy (our core stepped every 60 s), and, measured in the same process,
// the `fixed` baseline (no controller) so the ratio shows what the core costs. The first run
// of each includes the JIT warming up; "best of" repeats the run.

import { availableParallelism, loadavg } from "node:os"
import { loadFarm } from "./farm"
import { runFarm, weatherFor } from "./farm-run"
import { climateNormals } from "./farm-weather"
import { StrategyName } from "./strategies/index"
import { cpuSince, threadCpu, ThreadCpu } from "./thread-cpu"

const DAYS = 365
const REPEATS = 3

/** CPU seconds of this process over each timed year (on a busy machine, wall time also counts
 *  the time other processes held the core). */
const cpuTimes: Record<string, number[]> = {}
/** The same split by thread: the simulation's (main) and V8's helpers' (Linux only). */
const threadTimes: Record<string, ThreadCpu[]> = {}

function timeYear(strategy: StrategyName, seed: number): number {
    const farm = loadFarm("10ha")
    const c0 = process.cpuUsage()
    const th0 = threadCpu()
    const t0 = performance.now()
    const weather = weatherFor(seed, "2025-01-01", DAYS)
    runFarm({ farm, strategy, seed, days: DAYS, weather })
    const c = process.cpuUsage(c0)
    const th1 = threadCpu()
    ;(cpuTimes[strategy] ??= []).push((c.user + c.system) / 1e6)
    if (th0 !== null && th1 !== null) (threadTimes[strategy] ??= []).push(cpuSince(th0, th1))
    return (performance.now() - t0) / 1000
}

function line(strategy: string, zones: number, first: number, best: number): string {
    const zd = zones * DAYS
    return `${strategy.padEnd(10)} first year ${first.toFixed(3)} s (${Math.round(zd / first)} zone-days/s)   best of ${REPEATS} ${best.toFixed(3)} s (${Math.round(zd / best)} zone-days/s)`
}

// Other processes' load when the run starts: the first year's wall time depends on it (the
// JIT compiles on a second thread that then competes for the cores).
const loadAtStart = loadavg()[0]
const zones = loadFarm("10ha").zones.length
// The climate normals the baselines and the controller's set points are sized with are a
// once-per-process table (13 years of generated weather), not part of simulating a year.
const tn = performance.now()
climateNormals()
const normalsS = (performance.now() - tn) / 1000
const results: Record<string, { first: number; best: number }> = {}
for (const s of ["controller", "fixed"] as StrategyName[]) {
    const times: number[] = []
    for (let i = 0; i < REPEATS; i++) times.push(timeYear(s, 1 + i))
    results[s] = { first: times[0], best: Math.min(...times) }
}
process.stdout.write(`10ha farm: ${zones} zones, ${DAYS} days, the year's weather generation included, one core (climate normals table, once per process: ${normalsS.toFixed(3)} s)\n`)
for (const [s, r] of Object.entries(results)) process.stdout.write(line(s, zones, r.first, r.best) + "\n")
const c = results.controller
process.stdout.write(`controller wall time of one simulated year: ${c.first.toFixed(3)} s (first), ${c.best.toFixed(3)} s (best); ${c.first < 1 ? "under" : "OVER"} one second\n`)
process.stdout.write(`controller / fixed time ratio (best): ${(c.best / results.fixed.best).toFixed(2)}\n`)
const cpu = cpuTimes.controller
process.stdout.write(`load average (1 min) at start: ${loadAtStart.toFixed(2)} on ${availableParallelism()} cores\n`)
process.stdout.write(`controller CPU time per year: ${cpu.map((x) => x.toFixed(3)).join(", ")} s (user + system; above wall time when the runtime's other threads work)\n`)
const th = threadTimes.controller
if (th !== undefined) {
    // /proc counts in 10 ms ticks.
    process.stdout.write(`  of which the simulation's thread: ${th.map((x) => x.mainS.toFixed(2)).join(", ")} s; V8's other threads (mostly its optimising compiler): ${th.map((x) => x.otherS.toFixed(2)).join(", ")} s\n`)
}
