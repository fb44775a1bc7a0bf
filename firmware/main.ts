// Firmware entry point. Build with `npm run build` (generates ./generated/ from the
// installation profile, then runs `devs build firmware/main.ts`).
//
// Order matters: the Shell constructor drives every relay off before anything else runs
// (and generated/board.ts already gives those pins their OFF level as boot state).

import * as ds from "@devicescript/core"
import "./generated/board"
import { coreConfig, hardware, profileName } from "./generated/profile"
import { Shell } from "./shell"

/** Device id the DeviceScript CLI gives the VM under `devs run --test`. */
const TEST_HARNESS_DEVICE_ID = "12abdd2289421234"
/** Ticks to run under `devs run --test` before ending (the real firmware never ends). */
const TEST_HARNESS_TICKS = 4

const shell = new Shell(profileName, coreConfig, hardware, ds.isSimulator())
await shell.boot()
const underTest = ds.isSimulator() && ds.deviceIdentifier("self") === TEST_HARNESS_DEVICE_ID
await shell.run(underTest ? TEST_HARNESS_TICKS : 0)
