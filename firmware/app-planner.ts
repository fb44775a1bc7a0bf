// What an offline box with a planner runs beside the shell (profile "link": "none" and a
// "planner" section): the offline keypad and menu (app-offline.ts), and the planner
// (core/planner.ts), which waters the zones from their probes; its runs start at the next
// tick, and programs keep the zones whose probe fails. A box without a planner section does
// not carry its code (DeviceScript's 64 KB of function code). The build chooses this file
// through firmware/generated/app.ts.
import { startApp as startOffline } from "./app-offline"
import { Planner } from "./core/planner"
import { Shell } from "./shell"

/** Called before shell.boot(); the function it returns is called after it. */
export function startApp(shell: Shell): () => void {
    const planner = new Planner(shell.cfg)
    shell.onTick = (monoS, wallS) => {
        const cmds = planner.decide(shell.ctl, monoS, wallS)
        for (const c of cmds) shell.command(c, "sensor")
    }
    return startOffline(shell)
}
