// The firmware panel (firmware/panel.ts) inside the DeviceScript VM: keys go through the
// shell to the core (logged as keypad commands), the menu's set-clock action reaches the
// shell's clock, the valve and then the pump switch, and the display is drawn.
// Invariant: the panel compiles with the firmware shell and drives it like the Node menu does.
import { beforeAll, describe, expect, it } from "vitest"
import { compileDevs, runDevs, VmRun, withVmLock } from "../../tools/devs-vm"

describe("panel in the DeviceScript VM", () => {
    let vm: VmRun
    beforeAll(async () => {
        vm = await withVmLock(() => runDevs(compileDevs("test/menu/panel-vm-main.mts"), "PANELTEST-END", 120_000))
    }, 180_000)

    it("runs to the end without a panic", () => {
        expect(vm.end, vm.lines.slice(-10).join("\n")).toBe("done")
        expect(vm.lines).toContain("PANEL-KEYS 20")
    })

    it("sets the clock from the keypad through the shell", () => {
        expect(vm.lines.some(l => /^C keypad 1795386600\b/.test(l))).toBe(true)
    })

    it("sends the run as a keypad command; the valve opens, then the pump", () => {
        expect(vm.lines).toContain("K keypad run ok")
        const valve = vm.lines.findIndex(l => l.startsWith("O v=0100 p=0"))
        const pump = vm.lines.findIndex(l => l.startsWith("O v=0100 p=1"))
        expect(valve).toBeGreaterThan(0)
        expect(pump).toBeGreaterThan(valve)
    })

    it("draws the display: the home screen shows the clock, the link and the run", () => {
        const lcd = vm.lines.filter(l => /^L[1-4] \|/.test(l)).map(l => l.slice(4, -1))
        expect(lcd.every(l => l.length === 20)).toBe(true)
        expect(lcd.some(l => /^T2 05:3\d +4G:co$/.test(l))).toBe(true)
        expect(lcd.some(l => /^Tuoi K2 1[45]:\d\d/.test(l))).toBe(true)
    })
})
