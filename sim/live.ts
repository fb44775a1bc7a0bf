// `npm start` / `--live`: the farm running under the real controller, drawn in the terminal
// with plain ANSI redraws. Keys: q or Ctrl-C quit, + and - change the speed, space pauses.
// When stdout is not a terminal it prints a few status lines and stops after a bounded time,
// so CI can smoke-test it.

import { Band, bandAtLocal } from "../firmware/core/tariff"
import { CliArgs } from "./cli-args"
import { FarmSim, TICK_S } from "./farm-sim"
import { makeSim } from "./farm-run"
import { localStamp } from "./report"

const BAND_NAMES = ["off-peak", "normal", "PEAK"]
const FRAME_MS = 100

function bar(fraction: number, width: number): string {
    const n = Math.max(0, Math.min(width, Math.round(fraction * width)))
    return "#".repeat(n) + ".".repeat(width - n)
}

/** The screen (or one status line's worth of facts) at the sim's current time. */
export function renderScreen(sim: FarmSim, speed: number, paused: boolean): string[] {
    const local = sim.localS(sim.t)
    const band = bandAtLocal(sim.farm.profile.config.tariff, local) as Band
    const op = sim.operatingPoint
    const e = sim.energy.report()
    const lines = [
        `${sim.farm.title}`,
        `strategy ${sim.strategy.name}   seed ${sim.seed}   ${localStamp(local)} (UTC+${sim.utcOffsetS / 3600})   tariff ${BAND_NAMES[band]}   speed ${speed}x${paused ? "  PAUSED" : ""}`,
        `pump ${sim.pumpOn ? "ON " : "off"}  ${(op.pumpPowerW / 1000).toFixed(2)} kW  ${(op.pumpFlowLph / 1000).toFixed(2)} m³/h  ${op.mainPressureBar.toFixed(2)} bar    so far: ${e.pumpKWh.toFixed(1)} kWh, ${e.energyCostVnd.toLocaleString("en-US")} VND, stress days ${sim.stressDays}`,
        "",
        "zone             valve  flow L/h  soil θ (wetted bulb)            probe   Dr/RAW",
    ]
    for (let z = 0; z < sim.zoneCount; z++) {
        sim.advanceZone(z, sim.t)
        const zone = sim.zones[z]
        const s = zone.soil
        const fill = (zone.thetaWetted - s.thetaWp) / (s.thetaSat - s.thetaWp)
        const probe = sim.soil[z]
        lines.push([
            sim.farm.zones[z].name.padEnd(16),
            (sim.valves[z] ? "OPEN" : "  - ").padEnd(6),
            op.zoneFlowsLph[z].toFixed(0).padStart(8),
            `  ${(100 * zone.thetaWetted).toFixed(1).padStart(5)}% ${bar(fill, 20)}`,
            (probe === null ? "   -" : `${(probe / 10).toFixed(1)}%`).padStart(7),
            (zone.drMm / zone.rawMm).toFixed(2).padStart(8),
        ].join(" "))
    }
    const recent = sim.strategy.recent?.() ?? []
    lines.push("", "recent events:", ...recent.slice(-8).map((l) => "  " + l))
    return lines
}

/** One status line for logs. */
export function statusLine(sim: FarmSim): string {
    const open = sim.valves.map((v, z) => (v ? sim.farm.zones[z].name : "")).filter((n) => n !== "")
    const theta = sim.zones.map((z) => (100 * z.thetaWetted).toFixed(1)).join("/")
    const e = sim.energy.report()
    return `${localStamp(sim.localS(sim.t))} pump ${sim.pumpOn ? "on" : "off"} open [${open.join(", ")}] θ% ${theta} kWh ${e.pumpKWh.toFixed(1)} stress days ${sim.stressDays}`
}

export async function runLive(a: CliArgs): Promise<number> {
    const tty = process.stdout.isTTY === true
    const days = a.forDays > 0 ? a.forDays : tty ? a.days : 3
    const maxMs = (a.maxSeconds > 0 ? a.maxSeconds : tty ? 0 : 20) * 1000
    const sim = makeSim({ farm: a.farm, strategy: a.strategy, seed: a.seed, days, start: a.start })
    const started = Date.now()
    if (!tty) {
        // Headless: a status line per simulated day, bounded in simulated and wall time.
        process.stdout.write(`live (not a terminal): ${sim.farm.name}, ${sim.strategy.name}, seed ${a.seed}, ${days} days\n`)
        for (let d = 1; d <= days; d++) {
            sim.advanceTo(d * 86400)
            process.stdout.write(statusLine(sim) + "\n")
            if (maxMs > 0 && Date.now() - started > maxMs) {
                process.stdout.write(`stopped after ${a.maxSeconds || 20} s of wall time\n`)
                break
            }
        }
        return 0
    }
    return new Promise((resolve) => {
        let speed = a.speed
        let paused = false
        let owed = 0
        const out = process.stdout
        const stdin = process.stdin
        const finish = (code: number) => {
            clearInterval(timer)
            if (stdin.isTTY) stdin.setRawMode(false)
            stdin.pause()
            out.write("\x1b[?25h\n")
            resolve(code)
        }
        const draw = () => out.write("\x1b[H\x1b[2J" + renderScreen(sim, speed, paused).join("\n") + "\n\n[q] quit  [+/-] speed  [space] pause\n")
        if (stdin.isTTY) stdin.setRawMode(true)
        stdin.resume()
        stdin.on("data", (buf: Buffer) => {
            const k = buf.toString()
            if (k === "q" || k === "Q" || k === "\u0003") finish(0)
            else if (k === "+" || k === "=") speed = Math.min(10_000_000, speed * 2)
            else if (k === "-" || k === "_") speed = Math.max(1, Math.floor(speed / 2))
            else if (k === " ") paused = !paused
            draw()
        })
        process.once("SIGINT", () => finish(0))
        out.write("\x1b[?25l")
        const timer = setInterval(() => {
            if (!paused && !sim.done) {
                owed += (speed * FRAME_MS) / 1000
                const ticks = Math.floor(owed / TICK_S)
                owed -= ticks * TICK_S
                sim.advanceTo(sim.t + ticks * TICK_S)
            }
            draw()
            if (maxMs > 0 && Date.now() - started > maxMs) finish(0)
        }, FRAME_MS)
        draw()
    })
}
