// HIL entry with the MQTT link (test/hil/mqtt.test.ts) while firmware/main.ts does not start
// it yet: the real Shell and Link, configured from the flash settings like a provisioned box
// (firmware/hil/provision.ts), without the keypad panel (link and panel together do not fit
// under the 64 KB function-code limit yet). Once main.ts starts the link, the tests use main.ts.
import * as ds from "@devicescript/core"
import "../generated/board"
import { coreConfig, hardware, profileName } from "../generated/profile"
import { defaultLinkOptions, Link } from "../link"
import { Shell } from "../shell"
const shell = new Shell(profileName, coreConfig, hardware, ds.isSimulator())
const link = new Link(shell, profileName, defaultLinkOptions())
await shell.boot()
link.begin()
await shell.run(0)
