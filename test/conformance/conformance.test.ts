// Invariant: the control core gives byte-identical results in Node (simulator, tests) and in
// the DeviceScript VM (firmware). Every vector's line from the VM must equal Node's.
import { beforeAll, describe, expect, it } from "vitest"
import { compileDevs, runDevs, VmRun, withVmLock } from "../../tools/devs-vm"
import { functionVector, SCENARIO_VECTORS, ScenarioRun, VECTOR_COUNT } from "./vectors"
import { PLANNER_VECTORS, PlannerRun } from "./planner-vectors"

function nodeLines(): string[] {
    const out: string[] = []
    for (let seed = 0; seed < SCENARIO_VECTORS; seed++) {
        const run = new ScenarioRun(seed)
        while (run.stepOnce());
        out.push("VEC " + run.line(seed))
    }
    for (let seed = SCENARIO_VECTORS; seed < VECTOR_COUNT; seed++) out.push("VEC " + functionVector(seed))
    for (let seed = 0; seed < PLANNER_VECTORS; seed++) {
        const run = new PlannerRun(seed)
        while (run.stepOnce());
        out.push("VEC " + run.line(seed))
    }
    return out
}

describe("conformance between Node and the DeviceScript VM", () => {
    let vm: VmRun
    let node: string[]
    beforeAll(async () => {
        node = nodeLines()
        vm = await withVmLock(() => runDevs(compileDevs("test/conformance/vm-main.ts"), "VEC-END", 240_000))
    }, 300_000)

    it(`runs all ${VECTOR_COUNT + PLANNER_VECTORS} vectors to the end inside the VM`, () => {
        expect(vm.end, vm.lines.slice(-8).join("\n")).toBe("done")
        expect(VECTOR_COUNT).toBeGreaterThanOrEqual(200)
    })

    it("prints the same line for every vector in both runtimes", () => {
        const vmLines = vm.lines.filter(l => l.startsWith("VEC "))
        expect(vmLines.length).toBe(VECTOR_COUNT + PLANNER_VECTORS)
        const differing = node.filter((l, i) => vmLines[i] !== l).map((l, i) => `node: ${l}\n  vm: ${vmLines[node.indexOf(l)]}`)
        expect(differing.slice(0, 5)).toEqual([])
    })

    it("exercises the controller: scenarios switch the pump and end without an impossible state", () => {
        const pumped = node.filter(l => / pumpSteps=[1-9]/.test(l)).length
        expect(pumped).toBeGreaterThan(SCENARIO_VECTORS / 4)
        expect(node.filter(l => / injSteps=[1-9]/.test(l)).length).toBeGreaterThan(0)
        expect(node.filter(l => /fault=[a-z]/.test(l))).toEqual([])
    })

    it("exercises the planner: most planned farms get runs, some runs are stopped by the probe", () => {
        const planned = node.filter(l => / runs=/.test(l))
        expect(planned.length).toBe(PLANNER_VECTORS)
        expect(planned.filter(l => / runs=[1-9]/.test(l)).length).toBeGreaterThan(PLANNER_VECTORS / 2)
        expect(planned.filter(l => / stops=[1-9]/.test(l)).length).toBeGreaterThan(0)
    })
})
