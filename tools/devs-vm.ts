// Runs DeviceScript programs in the DeviceScript WASM VM from Node and collects what they
// print. `devs run --test` turns on GC stress (every allocation collects), which made the
// conformance suite take minutes; a normal `devs run --tcp` runs at full speed but insists on
// a Jacdac bus at 127.0.0.1:8082, so this provides a silent one for the program's lifetime.

import { spawn, spawnSync } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const DEVS = path.join(REPO_ROOT, "node_modules", ".bin", "devs")
const JACDAC_TCP_PORT = 8082

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g

// Machine-wide, not per checkout: port 8082 is shared by every clone on this machine.
const LOCK_DIR = path.join(tmpdir(), "devicescript-vm-8082.lock")

function lockHolderAlive(): boolean {
    try {
        process.kill(Number(readFileSync(path.join(LOCK_DIR, "pid"), "utf8")), 0)
        return true
    } catch {
        return false
    }
}

/**
 * Runs fn while holding a machine-wide lock: every devs build writes the same
 * .devicescript/bin/bytecode.devs and every VM run needs port 8082, so test files that use
 * the VM (parallel workers, or other checkouts on the same machine) take turns. A lock left
 * by a dead process is taken over.
 */
export async function withVmLock<T>(fn: () => Promise<T>): Promise<T> {
    mkdirSync(path.dirname(LOCK_DIR), { recursive: true })
    for (;;) {
        try {
            mkdirSync(LOCK_DIR)
            writeFileSync(path.join(LOCK_DIR, "pid"), String(process.pid))
            break
        } catch {
            if (!lockHolderAlive()) rmSync(LOCK_DIR, { recursive: true, force: true })
            else await new Promise(r => setTimeout(r, 200))
        }
    }
    try {
        return await fn()
    } finally {
        rmSync(LOCK_DIR, { recursive: true, force: true })
    }
}

/** Compiles a DeviceScript entry file and returns the path of a private copy of its bytecode
 *  (devs always writes .devicescript/bin/bytecode.devs, which the firmware build shares). */
export function compileDevs(entry: string): string {
    const r = spawnSync(DEVS, ["build", entry], { cwd: REPO_ROOT, encoding: "utf8" })
    if (r.status !== 0) throw new Error(`devs build ${entry} failed:\n${r.stdout}\n${r.stderr}`)
    const out = path.join(mkdtempSync(path.join(tmpdir(), "devs-")), "program.devs")
    copyFileSync(path.join(REPO_ROOT, ".devicescript", "bin", "bytecode.devs"), out)
    return out
}

/**
 * Builds the shipped firmware (firmware/main.ts) for an installation profile, given as a file
 * path or as an object (written to a temporary file), with tools/build-firmware.mjs; returns
 * the path of a private copy of the bytecode. The default profile is built again afterwards,
 * so firmware/generated/ is left as `npm install` left it. Call inside withVmLock().
 */
export function buildFirmware(profile: string | object): string {
    const build = (file: string) => spawnSync(process.execPath, [path.join(REPO_ROOT, "tools", "build-firmware.mjs"), "--profile", file], { cwd: REPO_ROOT, encoding: "utf8" })
    const dir = mkdtempSync(path.join(tmpdir(), "fw-"))
    const file = typeof profile === "string" ? profile : path.join(dir, "profile.json")
    if (typeof profile !== "string") writeFileSync(file, JSON.stringify(profile, null, 2))
    const r = build(file)
    const out = path.join(dir, "firmware.devs")
    if (r.status === 0) copyFileSync(path.join(REPO_ROOT, "firmware", "generated", "firmware.devs"), out)
    build("devicescript.json")
    if (r.status !== 0) throw new Error(`firmware build for ${file} failed:\n${r.stdout}\n${r.stderr}`)
    return out
}

/** The default profile (devicescript.json) as a connected box ("link": "mqtt"). */
export function connectedDefaultProfile(): object {
    return { ...JSON.parse(readFileSync(path.join(REPO_ROOT, "devicescript.json"), "utf8")), link: "mqtt" }
}

/** Hosts a silent Jacdac bus on 127.0.0.1:8082, which `devs run --tcp` insists on; rejects
 *  with a clear message when the port is taken. Close it when the VM is gone. */
export async function hostSilentBus(): Promise<net.Server> {
    const bus = net.createServer(s => {
        s.on("data", () => {})
        s.on("error", () => {})
    })
    await new Promise<void>((resolve, reject) => {
        bus.once("error", e => reject(new Error(`cannot host the Jacdac bus on 127.0.0.1:${JACDAC_TCP_PORT}: ${e.message}`)))
        bus.listen(JACDAC_TCP_PORT, "127.0.0.1", () => resolve())
    })
    return bus
}

/** Calls onLine with every whole line a `devs run` process prints on `out`, colours removed
 *  (the VM's own lines start with "WASM> "). */
export function eachLine(out: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let pending = ""
    out.setEncoding("utf8")
    out.on("data", (chunk: string) => {
        pending += chunk
        const parts = pending.split("\n")
        pending = parts.pop() ?? ""
        for (const raw of parts) onLine(raw.replace(ANSI, ""))
    })
}

export interface VmRun {
    /** Lines the program printed (console.log), without the "WASM> " prefix and colours. */
    lines: string[]
    /** Why the run ended: "done" (a line matched `until`), "panic", "exit", "timeout". */
    end: string
    ms: number
}

/** The simulated device's flash (settings), kept by `devs run` between runs. */
export const SIM_FLASH = path.join(REPO_ROOT, ".devicescript", "flash", "sim.bin")

/**
 * Runs bytecode until a printed line contains `until`, the VM panics, or timeoutMs passes.
 * The simulated flash starts empty unless keepFlash is set (a power cut keeps it).
 */
export async function runDevs(bytecode: string, until: string, timeoutMs: number, keepFlash = false): Promise<VmRun> {
    if (!keepFlash) rmSync(SIM_FLASH, { force: true })
    const bus = await hostSilentBus()
    const t0 = Date.now()
    const child = spawn(DEVS, ["run", "--tcp", bytecode], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] })
    const lines: string[] = []
    const end = await new Promise<string>(resolve => {
        const timer = setTimeout(() => resolve("timeout"), timeoutMs)
        const finish = (why: string) => {
            clearTimeout(timer)
            resolve(why)
        }
        eachLine(child.stdout, line => {
            if (!line.startsWith("WASM> ")) return
            const text = line.slice(6)
            lines.push(text)
            if (text.includes(until)) finish("done")
            if (text.startsWith("PANIC") || text.startsWith("Exception:")) finish("panic")
        })
        child.on("exit", () => finish("exit"))
    })
    child.kill()
    await new Promise<void>(resolve => bus.close(() => resolve()))
    return { lines, end, ms: Date.now() - t0 }
}
