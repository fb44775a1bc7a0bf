// What an offline box runs beside the shell (profile "link": "none", the default): the keypad
// and display with the full menu (programs, settings, fertigation, the clock). The build
// chooses this file or app-connected.ts through firmware/generated/app.ts.
import { Menu } from "./core/menu/menu"
import { startPanel } from "./panel"
import { Shell } from "./shell"

/** Called before shell.boot(); the function it returns is called after it. */
export function startApp(shell: Shell): () => void {
    return () => {
        startPanel(shell, null, null, (c, r, k) => new Menu(c, r, k))
    }
}
