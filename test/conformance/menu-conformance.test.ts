// Invariant: the keypad menu shows byte-identical screens and drives the controller
// identically in Node (simulator, terminal UI, tests) and in the DeviceScript VM (firmware).
import { beforeAll, describe, expect, it } from "vitest"
import { compileDevs, runDevs, VmRun, withVmLock } from "../../tools/devs-vm"
import { MENU_VECTORS, menuVector } from "./menu-vectors"

describe("menu conformance between Node and the DeviceScript VM", () => {
    let vm: VmRun
    let node: string[]
    beforeAll(async () => {
        node = []
        for (let seed = 0; seed < MENU_VECTORS; seed++) node.push("MVEC " + menuVector(seed))
        vm = await withVmLock(() => runDevs(compileDevs("test/conformance/menu-vm-main.mts"), "MVEC-END", 240_000))
    }, 300_000)

    it(`runs all ${MENU_VECTORS} menu vectors to the end inside the VM`, () => {
        expect(vm.end, vm.lines.slice(-8).join("\n")).toBe("done")
    })

    it("prints the same line for every vector in both runtimes", () => {
        const vmLines = vm.lines.filter(l => l.startsWith("MVEC "))
        expect(vmLines.length).toBe(MENU_VECTORS)
        const differing: string[] = []
        node.forEach((l, i) => {
            if (vmLines[i] !== l) differing.push(`node: ${l}\n  vm: ${vmLines[i]}`)
        })
        expect(differing.slice(0, 5)).toEqual([])
    })

    it("exercises the menu: keypad commands accepted and valves opened in most vectors", () => {
        const accepted = node.filter(l => / accepted=[1-9]/.test(l)).length
        const watered = node.filter(l => / valveSteps=[1-9]/.test(l)).length
        expect(accepted).toBeGreaterThan(MENU_VECTORS * 0.8)
        expect(watered).toBeGreaterThan(MENU_VECTORS / 3)
    })
})
