// Test entry for the MQTT link in the DeviceScript VM (test/mqtt/vm.test.ts): the real Shell
// and Link, configured the way `devs devtools` would deploy settings, against a broker on
// loopback port 18830, with short reconnect and telemetry periods. It also makes diary
// traffic on its own, so there is something to store while the broker is down: a burst of
// keypad commands (one "budget" event each) after boot and after every link loss, each
// followed by "GEN done <n>" once its records are in flash.

import * as ds from "@devicescript/core"
import { writeSetting, readSetting } from "@devicescript/settings"
import "./generated/board"
import { coreConfig, hardware, profileName } from "./generated/profile"
import { defaultLinkOptions, Link } from "./link"
import { Shell } from "./shell"

export const TEST_BROKER_URL = "mqtt://127.0.0.1:18830"
export const TEST_DEVICE_ID = "vmtest"
/** Events per burst. */
const GEN = 4

if ((await readSetting("MQTT_URL")) !== TEST_BROKER_URL) await writeSetting("MQTT_URL", TEST_BROKER_URL)
if ((await readSetting("DEVICE_ID")) !== TEST_DEVICE_ID) await writeSetting("DEVICE_ID", TEST_DEVICE_ID)

const shell = new Shell(profileName, coreConfig, hardware, ds.isSimulator())
const opts = defaultLinkOptions()
opts.retryMs = 1500
opts.keepAliveS = 30
opts.pingMs = 20000
opts.telemetryS = 4
opts.stateHoldS = 1
opts.batchDelayS = 1
opts.resendS = 10
opts.diarySlots = 32
const link = new Link(shell, profileName, opts)
await shell.boot()
link.begin()

let bursts = 0
let made = 0
const base = Math.floor(Math.random() * 200)

async function burst(): Promise<void> {
    bursts++
    for (let i = 0; i < GEN; i++) {
        made++
        shell.command({ k: "setBudget", pct: (base + made) % 251 }, "keypad")
        await ds.sleep(50)
    }
    await ds.sleep(1100)
    while (shell.pendingWrites() > 0) await ds.sleep(100)
    console.log("GEN done " + bursts + " made=" + made)
}

setTimeout(async () => {
    while (link.session === null && link.state !== "off") await ds.sleep(100)
    await burst()
    let last = link.state
    while (true) {
        await ds.sleep(200)
        const now = link.state
        if (last === "up" && now === "down") await burst()
        last = now
    }
}, 0)

await shell.run(0)
