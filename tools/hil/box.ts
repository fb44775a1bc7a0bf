// The technician's steps for a real box (docs/flashing.md), one npm script each:
//
//   npm run box:runtime  [-- --port /dev/ttyUSB0]   flash the DeviceScript runtime (downloads it)
//   npm run box:settings                            check .env.local (Wi-Fi, broker) before deploying
//   npm run box:deploy                              build for devicescript.json and deploy over USB
//   npm run box:test                                deploy the box check (firmware/hil/boxtest.ts)
//
// The board comes from the installation profile (devicescript.json, or --profile <file>).
// Deploying runs `devs devtools <entry> --serial -l`: it sends the program and the settings of
// .env.defaults and .env.local to the board, then keeps showing the box's log; stop it with
// Ctrl+C once the log shows the box running (the program stays on the board).

import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { REPO_ROOT } from "../devs-vm"

const DEVS = path.join(REPO_ROOT, "node_modules", ".bin", "devs")
/** Settings the firmware reads (firmware/link.ts) and the runtime's own Wi-Fi settings. */
const KNOWN = ["WIFI_SSID", "WIFI_PWD", "MQTT_URL", "MQTT_USER", "MQTT_PASS", "DEVICE_ID"]
/** DeviceScript refuses setting names of 14 characters or more. */
const MAX_KEY = 13

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(name)
    return i >= 0 ? process.argv[i + 1] : undefined
}

function run(cmd: string, args: string[]): number {
    console.log(`> ${path.basename(cmd)} ${args.join(" ")}`)
    const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: "inherit" })
    return r.status ?? 1
}

function profileFile(): string {
    return arg("--profile") ?? "devicescript.json"
}

function board(): string {
    const p = JSON.parse(readFileSync(path.join(REPO_ROOT, profileFile()), "utf8"))
    if (typeof p.board !== "string") throw new Error(`${profileFile()}: no "board"`)
    return p.board
}

/** Problems with the settings files; [] when they are fine. */
export function checkSettings(files: Record<string, string>): string[] {
    const problems: string[] = []
    const seen = new Map<string, string>()
    for (const [file, text] of Object.entries(files)) {
        text.split(/\r?\n/).forEach((line, i) => {
            const t = line.trim()
            if (t === "" || t.startsWith("#")) return
            const m = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(t)
            if (!m) return problems.push(`${file}:${i + 1}: not NAME=value`)
            if (m[1].length > MAX_KEY) problems.push(`${file}:${i + 1}: ${m[1]} is longer than ${MAX_KEY} characters`)
            if (!KNOWN.includes(m[1])) problems.push(`${file}:${i + 1}: ${m[1]} is not a setting the box reads (${KNOWN.join(", ")})`)
            if (file === ".env.defaults" && /PASS|PWD/.test(m[1])) problems.push(`${file}:${i + 1}: ${m[1]} is a secret: put it in .env.local, never in git`)
            seen.set(m[1], m[2])
        })
    }
    if (!seen.get("WIFI_SSID")) problems.push("WIFI_SSID is not set: the box cannot reach the network (it still waters on its own)")
    const url = seen.get("MQTT_URL") ?? ""
    if (url === "") problems.push("MQTT_URL is not set: the MQTT link stays off")
    else if (!/^mqtts?:\/\/[^/:]+(:\d+)?\/?$/.test(url)) problems.push(`MQTT_URL ${url}: expected mqtt://host:1883 or mqtts://host:8883`)
    return problems
}

function settings(): number {
    const files: Record<string, string> = {}
    for (const f of [".env.defaults", ".env.local"]) {
        const p = path.join(REPO_ROOT, f)
        if (existsSync(p)) files[f] = readFileSync(p, "utf8")
    }
    const ignored = spawnSync("git", ["check-ignore", "-q", ".env.local"], { cwd: REPO_ROOT }).status === 0
    const problems = checkSettings(files)
    if (!ignored) problems.push(".env.local is not ignored by git: add it to .gitignore before writing secrets in it")
    if (!files[".env.local"]) problems.push(".env.local is missing: create it (docs/flashing.md, step 4)")
    for (const p of problems) console.log("settings: " + p)
    if (problems.length === 0) console.log("settings: ok")
    return problems.length === 0 ? 0 : 1
}

function deploy(entry: string): number {
    const b = run(process.execPath, [path.join(REPO_ROOT, "tools", "build-firmware.mjs"), "--profile", profileFile()])
    if (b !== 0) return b
    return run(DEVS, ["devtools", entry, "--serial", "-l"])
}

function main(): number {
    const step = process.argv[2]
    if (step === "runtime") {
        const port = arg("--port")
        return run(DEVS, ["flash", "esp32", "--board", board(), ...(port ? ["--port", port] : [])])
    }
    if (step === "settings") return settings()
    if (step === "deploy") return deploy("firmware/main.ts")
    if (step === "test") return deploy("firmware/hil/boxtest.ts")
    console.error("usage: tsx tools/hil/box.ts runtime|settings|deploy|test [--profile file.json] [--port /dev/ttyUSB0]")
    return 2
}

if (process.argv[1]?.endsWith("box.ts")) process.exit(main())
