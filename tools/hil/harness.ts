// Hardware in the loop: the firmware's real bytecode in the DeviceScript VM, driving the box's
// parts simulated on a local Jacdac bus (bus.ts), with the field behind them (farm-io.ts).
//
//   await withVmLock(async () => {
//       const hil = await Hil.start({ bytecode, wallStartUtcS })
//       await hil.press("C2#15#")              // keys on the keypad
//       await hil.waitFor(() => hil.box.relayOn(SLOT_ZONE0 + 1), 10_000)
//       hil.box.changes                         // every relay change with its host time
//       await hil.powerCut()                    // VM and relays lose power; flash kept
//       await hil.stop()
//   })
//
// The VM runs in real time; simulated wall-clock time (the RTC) starts at wallStartUtcS and
// runs on with the host clock, also across power cuts. Callers hold the machine-wide VM lock
// (tools/devs-vm.ts withVmLock): the bus needs port 8082.

import { spawn, type ChildProcess } from "node:child_process"
import { rmSync } from "node:fs"
import path from "node:path"
import { eachLine, REPO_ROOT, SIM_FLASH } from "../devs-vm"
import { SimBox, SLOT_INJECTOR, SLOT_MASTER, SLOT_PUMP, SLOT_ZONE0 } from "./bus"
import { FarmIo } from "./farm-io"

const DEVS_JS = path.join(REPO_ROOT, "node_modules", "@devicescript", "cli", "devicescript")
const HEAP_PROBE = path.join(REPO_ROOT, "tools", "hil", "heap-probe.cjs")
/** Device id of the VM on the bus (not the `devs run --test` one, which main.ts ends early). */
export const HIL_VM_DEVICE_ID = "48494c0000000001"
/** The built firmware (`npm run build`). */
export const FIRMWARE_DEVS = path.join(REPO_ROOT, "firmware", "generated", "firmware.devs")
/** How often the field is stepped and the sensors updated, ms. */
const FIELD_MS = 100

export interface HilOptions {
    bytecode?: string
    /** Simulated UTC at start, seconds. */
    wallStartUtcS: number
    farm?: string
    /** Starting soil depletion as a fraction of total available water (default: the farm's). */
    depletion?: number
    /** The VM line that says the program is up (default: the firmware's panel start). */
    readyLine?: RegExp
    /** Bytecode run first on an empty flash until it prints "provisioned" (settings a
     *  technician deploys, e.g. firmware/hil/provision.ts); the firmware then boots on it. */
    provision?: string
    /** Keep the simulated flash of an earlier run (default: start with an empty flash). */
    keepFlash?: boolean
}

export interface LogLine {
    ms: number
    text: string
}

export interface HeapFigures {
    /** Largest heap occupancy seen, including garbage not yet collected, bytes. */
    peakUsed: number
    /** Largest heap kept after a collection, bytes. */
    peakLive: number
    /** Size of the VM's heap, bytes. */
    total: number
}

export class Hil {
    readonly box: SimBox
    readonly farm: FarmIo
    readonly bytecode: string
    readonly log: LogLine[] = []
    readonly heap: HeapFigures = { peakUsed: 0, peakLive: 0, total: 0 }
    /** Host ms of each VM start. */
    readonly boots: number[] = []
    private vm: ChildProcess | null = null
    private fieldTimer: NodeJS.Timeout | null = null
    private lastFieldMs = 0
    private readonly t0Ms: number
    private readonly wallStartUtcS: number
    private readonly mlPerPulse: number
    private readonly readyLine: RegExp

    private constructor(opts: HilOptions) {
        this.bytecode = opts.bytecode ?? FIRMWARE_DEVS
        this.farm = new FarmIo(opts.farm, opts.depletion)
        const hw = this.farm.farm.profile.hardware
        const slots: number[] = []
        if (hw.pump >= 0) slots.push(SLOT_PUMP)
        if (hw.master >= 0) slots.push(SLOT_MASTER)
        if (hw.injector >= 0) slots.push(SLOT_INJECTOR)
        hw.zones.forEach((_, z) => slots.push(SLOT_ZONE0 + z))
        const probes = hw.zones.filter(z => z.soilAdc >= 0).length
        this.box = new SimBox({ relaySlots: slots, probes, keypad: true, display: { rows: 4, cols: 20 }, flowMeter: hw.flowMeter >= 0 })
        this.mlPerPulse = this.farm.farm.profile.config.flow?.mlPerPulse ?? 1000
        this.t0Ms = Date.now()
        this.wallStartUtcS = opts.wallStartUtcS
        this.readyLine = opts.readyLine ?? /^B panel /
        this.box.setClock(() => this.utcNow())
    }

    /** Hosts the simulated parts and boots the VM. */
    static async start(opts: HilOptions): Promise<Hil> {
        const hil = new Hil(opts)
        await hil.box.listen()
        hil.lastFieldMs = Date.now()
        hil.fieldTimer = setInterval(() => hil.stepField(), FIELD_MS)
        hil.stepField()
        if (opts.provision) {
            // Same VM device id as the firmware's: the simulated flash belongs to one device.
            await hil.boot(opts.keepFlash ?? false, opts.provision, /^provisioned/)
            await hil.killVm()
        }
        await hil.boot(opts.provision ? true : (opts.keepFlash ?? false))
        return hil
    }

    utcNow(): number {
        return this.wallStartUtcS + Math.floor((Date.now() - this.t0Ms) / 1000)
    }

    private stepField(): void {
        const now = Date.now()
        const dt = (now - this.lastFieldMs) / 1000
        this.lastFieldMs = now
        const hw = this.farm.farm.profile.hardware
        const zones = hw.zones.map((_, z) => this.box.relayOn(SLOT_ZONE0 + z))
        const master = hw.master >= 0 ? this.box.relayOn(SLOT_MASTER) : true
        if (dt > 0) this.farm.step(dt, this.box.relayOn(SLOT_PUMP), master, zones)
        this.box.probes.forEach((_, k) => this.box.setProbe(k, this.farm.probeRatio(k)))
        this.box.setFlowPulses(Math.floor((this.farm.meterL * 1000) / this.mlPerPulse))
    }

    private async boot(keepFlash: boolean, bytecode = this.bytecode, ready = this.readyLine): Promise<void> {
        if (!keepFlash) rmSync(SIM_FLASH, { force: true })
        const args = ["-r", HEAP_PROBE, DEVS_JS, "run", "--tcp", "--device-id", HIL_VM_DEVICE_ID, bytecode]
        const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] })
        this.vm = child
        this.boots.push(Date.now())
        eachLine(child.stdout!, line => this.onLine(line))
        child.stderr!.on("data", () => {})
        await this.waitForLine(ready, 30_000, this.log.length)
    }

    private onLine(line: string): void {
        const probe = /^HEAPPROBE used=(\d+) live=(\d+) total=(\d+)/.exec(line)
        if (probe) {
            this.heap.peakUsed = Math.max(this.heap.peakUsed, Number(probe[1]))
            this.heap.peakLive = Math.max(this.heap.peakLive, Number(probe[2]))
            this.heap.total = Number(probe[3])
            return
        }
        if (!line.startsWith("WASM> ")) return
        const text = line.slice(6)
        this.log.push({ ms: Date.now(), text })
        if (process.env.HIL_ECHO) console.log("[vm]", text)
    }

    private async killVm(): Promise<void> {
        const child = this.vm
        this.vm = null
        if (!child || child.exitCode !== null) return
        const gone = new Promise<void>(resolve => child.once("exit", () => resolve()))
        child.kill("SIGKILL")
        await gone
    }

    /**
     * Cuts the power: the VM stops dead and every relay drops out (an unpowered relay is
     * off). After offMs the box boots again with its flash as it was.
     */
    async powerCut(offMs = 1000): Promise<void> {
        await this.killVm()
        for (const [slot] of this.box.relays) this.box.forceRelay(slot, false)
        await new Promise(r => setTimeout(r, offMs))
        await this.boot(true)
    }

    /** Types keys one after another ("C2#15#"), gapMs apart. */
    async press(keys: string, gapMs = 150): Promise<void> {
        for (const k of keys) {
            await this.box.press(k)
            await new Promise(r => setTimeout(r, gapMs))
        }
    }

    /** Makes probe k read a fixed ratio (0 = dry point: an out-of-range reading). */
    failProbe(k: number, ratio = 0): void {
        this.farm.failedProbes.set(k, ratio)
    }

    /** Resolves with the first log line from index `from` on that matches; throws on timeout. */
    async waitForLine(re: RegExp, timeoutMs: number, from = 0): Promise<LogLine> {
        const line = await this.waitFor(() => this.log.slice(from).find(l => re.test(l.text)) ?? null, timeoutMs)
        if (line === null) throw new Error(`no VM line matching ${re} within ${timeoutMs} ms; last lines:\n${this.tail(15)}`)
        return line
    }

    /** Polls until fn returns something other than null/undefined/false, or timeoutMs passes (then null). */
    async waitFor<T>(fn: () => T | null | undefined | false, timeoutMs: number): Promise<T | null> {
        const end = Date.now() + timeoutMs
        for (;;) {
            const v = fn()
            if (v !== null && v !== undefined && v !== false) return v
            if (Date.now() > end) return null
            await new Promise(r => setTimeout(r, 20))
        }
    }

    tail(n: number): string {
        return this.log
            .slice(-n)
            .map(l => l.text)
            .join("\n")
    }

    async stop(): Promise<void> {
        if (this.fieldTimer) clearInterval(this.fieldTimer)
        this.fieldTimer = null
        await this.killVm()
        await this.box.close()
    }
}
