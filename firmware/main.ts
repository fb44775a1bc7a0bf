// Firmware entry point. Build with `npm run build` (generates ./generated/ from the
// installation profile, then runs `devs build firmware/main.ts`).
//
// Order matters: the Shell constructor drives every relay off before anything else runs
// (and generated/board.ts already gives those pins their OFF level as boot state).
//
// Beside the shell, in their own fibers, runs what the profile's "link" chooses (the build
// writes generated/app.ts): an offline box gets the keypad with the full menu
// (app-offline.ts); a connected box gets the MQTT link and the keypad with the small menu
// (app-connected.ts). Shell, full menu and link together need about 76 KB of function code,
// past DeviceScript's 64 KB limit (verifier check 1051); see README.

import * as ds from "@devicescript/core"
import "./generated/board"
import { coreConfig, hardware, profileName } from "./generated/profile"
import { startApp } from "./generated/app"
import { Shell } from "./shell"

/** Device id the DeviceScript CLI gives the VM under `devs run --test`. */
const TEST_HARNESS_DEVICE_ID = "12abdd2289421234"
/** Ticks to run under `devs run --test` before ending (the real firmware never ends). */
const TEST_HARNESS_TICKS = 4

const shell = new Shell(profileName, coreConfig, hardware, ds.isSimulator())
// The app is made before boot (the link must see the boot's own events) and started after.
const afterBoot = startApp(shell)
await shell.boot()
afterBoot()
const underTest = ds.isSimulator() && ds.deviceIdentifier("self") === TEST_HARNESS_DEVICE_ID
await shell.run(underTest ? TEST_HARNESS_TICKS : 0)
