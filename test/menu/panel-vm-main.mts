// DeviceScript side of test/menu/panel-vm.test.ts: the firmware shell with the panel, keys
// pressed through Panel.press() (the keypad's path), inside the VM. In the simulator the
// keypad is off and the LCD is written to the log ("L |...|").
// (.mts: the Node type check cannot read @devicescript/core; `devs build` compiles it.)
import * as ds from "@devicescript/core"
import { coreConfig, hardware, profileName } from "../../firmware/generated/profile"
import { Menu } from "../../firmware/core/menu/menu"
import { startPanel } from "../../firmware/panel"
import { Shell } from "../../firmware/shell"

const shell = new Shell(profileName, coreConfig, hardware, true)
await shell.boot()
const panel = startPanel(shell, null, () => "up", (c, r, k) => new Menu(c, r, k))
if (panel === null) console.log("PANEL-NULL")
else {
    // Set the clock by hand (Monday 2026-11-23 05:30 local), then water zone 2 for 15 minutes.
    const keys = "6202611230530#" + "A215##"
    for (let i = 0; i < keys.length; i++) {
        // A farmer types about a key a second; 0.1 s here, and no wait after the clock's "#":
        // the "clock set" message then gives way to the next key.
        panel.press(keys.slice(i, i + 1))
        shell.tick(ds.millis())
        await ds.sleep(100)
    }
    await shell.run(14)
    console.log("PANEL-KEYS " + panel.keys)
}
console.log("PANELTEST-END")
