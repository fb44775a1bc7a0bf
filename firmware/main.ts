// Firmware entry point. Build with `npm run build` (generates ./generated/ from the
// installation profile, then runs `devs build firmware/main.ts`).
//
// Order matters: the Shell constructor drives every relay off before anything else runs
// (and generated/board.ts already gives those pins their OFF level as boot state).
//
// The keypad and display panel runs beside the shell in its own fibers, so the box can be
// operated with no network. The MQTT link (firmware/link.ts) is not wired in yet: shell,
// panel and link need 76,400 bytes of function code, past DeviceScript's 64 KB limit
// (verifier check 1051); see README, "Building and running the firmware".

import * as ds from "@devicescript/core"
import "./generated/board"
import { coreConfig, hardware, profileName } from "./generated/profile"
import { startPanel } from "./panel"
import { Shell } from "./shell"

/** Device id the DeviceScript CLI gives the VM under `devs run --test`. */
const TEST_HARNESS_DEVICE_ID = "12abdd2289421234"
/** Ticks to run under `devs run --test` before ending (the real firmware never ends). */
const TEST_HARNESS_TICKS = 4

const shell = new Shell(profileName, coreConfig, hardware, ds.isSimulator())
await shell.boot()
startPanel(shell, null, null)
const underTest = ds.isSimulator() && ds.deviceIdentifier("self") === TEST_HARNESS_DEVICE_ID
await shell.run(underTest ? TEST_HARNESS_TICKS : 0)
