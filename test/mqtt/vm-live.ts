// An interactive DeviceScript VM for the link tests: like tools/devs-vm.ts runDevs(), but the
// test keeps talking to the running program (waits for lines, stops the broker, cuts the
// power with SIGKILL, which is what a power cut is to the simulated flash: `devs run` writes
// .devicescript/flash/sim.bin on every flash write). Call only inside withVmLock().

import { spawn, type ChildProcess } from "node:child_process"
import { rmSync } from "node:fs"
import net from "node:net"
import path from "node:path"
import { eachLine, hostSilentBus, REPO_ROOT, SIM_FLASH } from "../../tools/devs-vm"

const DEVS = path.join(REPO_ROOT, "node_modules", ".bin", "devs")

export class LiveVm {
    lines: string[] = []
    exited = false
    private child: ChildProcess
    private bus: net.Server
    private waiters: (() => void)[] = []

    private constructor(child: ChildProcess, bus: net.Server) {
        this.child = child
        this.bus = bus
        eachLine(child.stdout!, line => {
            if (!line.startsWith("WASM> ")) return
            this.lines.push(line.slice(6))
            this.wake()
        })
        child.stderr!.on("data", () => {})
        child.on("exit", () => {
            this.exited = true
            this.wake()
        })
    }

    private wake(): void {
        const w = this.waiters
        this.waiters = []
        for (const f of w) f()
    }

    static async start(bytecode: string, keepFlash: boolean): Promise<LiveVm> {
        if (!keepFlash) rmSync(SIM_FLASH, { force: true })
        const bus = await hostSilentBus()
        const child = spawn(DEVS, ["run", "--tcp", bytecode], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] })
        return new LiveVm(child, bus)
    }

    /** Resolves with the first line (at index >= from) that contains `text`. */
    async waitFor(text: string | ((l: string) => boolean), timeoutMs: number, from = 0): Promise<string> {
        const match = typeof text === "string" ? (l: string) => l.includes(text) : text
        const deadline = Date.now() + timeoutMs
        for (;;) {
            for (let i = from; i < this.lines.length; i++) {
                const l = this.lines[i]
                if (l.startsWith("PANIC") || l.startsWith("Exception:")) throw new Error(`VM panic: ${this.tail()}`)
                if (match(l)) return l
            }
            if (this.exited) throw new Error(`VM exited while waiting for ${String(text)}:\n${this.tail()}`)
            const left = deadline - Date.now()
            if (left <= 0) throw new Error(`timeout waiting for ${String(text)}:\n${this.tail()}`)
            await new Promise<void>(resolve => {
                const t = setTimeout(resolve, left)
                this.waiters.push(() => {
                    clearTimeout(t)
                    resolve()
                })
            })
        }
    }

    tail(n = 25): string {
        return this.lines
            .filter(l => !l.startsWith("mqtt: send") && !l.startsWith("mqtt: recv"))
            .slice(-n)
            .join("\n")
    }

    /** Power cut: SIGKILL, no chance to flush anything. */
    async kill(): Promise<void> {
        if (!this.exited) {
            const gone = new Promise<void>(resolve => this.child.once("exit", () => resolve()))
            this.child.kill("SIGKILL")
            await gone
        }
        await new Promise<void>(resolve => this.bus.close(() => resolve()))
    }
}
