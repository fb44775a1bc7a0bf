// `npm start` on a terminal: the ink UI (sim/tui/app.tsx) on the farm and seed of the command
// line. Quits on q or Ctrl-C and restores the terminal.

import { render } from "ink"
import { CliArgs } from "../cli-args"
import { App } from "./app"
import { TuiEngine } from "./engine"

export async function runTui(a: CliArgs): Promise<number> {
    const engine = new TuiEngine({
        farm: a.farm, seed: a.seed, days: a.forDays > 0 ? a.forDays : a.days, start: a.start,
        strategy: a.strategy, speed: Math.min(a.speed, 3600),
    })
    const app = render(<App engine={engine} />, { exitOnCtrlC: true })
    let timer: NodeJS.Timeout | undefined
    if (a.maxSeconds > 0) timer = setTimeout(() => app.unmount(), a.maxSeconds * 1000)
    await app.waitUntilExit()
    if (timer) clearTimeout(timer)
    return 0
}
