// What a connected box runs beside the shell (profile "link": "mqtt"): the MQTT link
// (firmware/link.ts: telemetry, commands, the store-and-forward diary) and the keypad with the
// small menu (water a zone now, stop all, alarms, status). Programs, settings and fertigation
// are edited remotely (tools/tl.ts, Home Assistant): the link and the full menu together need
// more than DeviceScript's 64 KB of function code. The build chooses this file or
// app-offline.ts through firmware/generated/app.ts.
import { MiniMenu } from "./core/menu/mini"
import { profileName } from "./generated/profile"
import { defaultLinkOptions, Link } from "./link"
import { startPanel } from "./panel"
import { Shell } from "./shell"

/** Called before shell.boot(), so that the link keeps the boot's own events for the diary;
 *  the function it returns is called after it. */
export function startApp(shell: Shell): () => void {
    const link = new Link(shell, profileName, defaultLinkOptions())
    return () => {
        link.begin()
        startPanel(shell, null, () => link.state, (c, r, k) => new MiniMenu(c, r, k))
    }
}
