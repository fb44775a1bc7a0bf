// DeviceScript side of the menu conformance vectors: runs every menu vector inside the VM
// and prints one line per vector; menu-conformance.test.ts compares them with Node's.
// (.mts so that the Node type check, which cannot read @devicescript/core, leaves it out;
// `devs build` compiles it like any .ts file.)
import * as ds from "@devicescript/core"
import { MENU_VECTORS, MenuRun } from "./menu-vectors"

async function main() {
    for (let seed = 0; seed < MENU_VECTORS; seed++) {
        const run = new MenuRun(seed)
        // Yield after every key: the VM panics after a few thousand loop iterations without one.
        while (run.stepOnce()) await ds.sleep(0)
        console.log("MVEC " + run.line(seed))
        await ds.sleep(0)
    }
    console.log("MVEC-END " + MENU_VECTORS)
}
await main()
