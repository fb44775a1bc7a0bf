// DeviceScript side of the conformance suite: runs every vector inside the VM and prints one
// line per vector. test/conformance/conformance.test.ts runs the same vectors in Node and
// compares the lines byte for byte.
import * as ds from "@devicescript/core"
import { functionVector, SCENARIO_VECTORS, ScenarioRun, VECTOR_COUNT } from "./vectors"
import { PLANNER_VECTORS, PlannerRun } from "./planner-vectors"

async function main() {
    for (let seed = 0; seed < SCENARIO_VECTORS; seed++) {
        const run = new ScenarioRun(seed)
        // Yield often: the VM panics after a few thousand loop iterations without an await.
        while (run.stepOnce()) await ds.sleep(0)
        console.log("VEC " + run.line(seed))
        await ds.sleep(0)
    }
    for (let seed = SCENARIO_VECTORS; seed < VECTOR_COUNT; seed++) {
        console.log("VEC " + functionVector(seed))
        await ds.sleep(0)
    }
    for (let seed = 0; seed < PLANNER_VECTORS; seed++) {
        const run = new PlannerRun(seed)
        while (run.stepOnce()) await ds.sleep(0)
        console.log("VEC " + run.line(seed))
        await ds.sleep(0)
    }
    console.log("VEC-END " + VECTOR_COUNT)
}
await main()
