#!/usr/bin/env node
// Builds the DeviceScript firmware for one installation profile.
//
//   node tools/build-firmware.mjs [--profile <file.json>] [--quiet] [--heap]
//
// 1. Reads the profile (default devicescript.json) and validates it with the control core's
//    own parseProfile() (firmware/core/profile.ts, loaded through tsx), then checks its pins
//    against the board (DeviceScript 2.16.4 board and chip tables below). Any error: every
//    error is printed as "<file>: <path>: <message>" and nothing is generated or built.
// 2. Generates firmware/generated/profile.ts (profileName, coreConfig, hardware) and
//    firmware/generated/board.ts (DeviceScript hardware config: pin labels, OFF levels at
//    boot, I2C pins).
// 3. Runs `devs build firmware/main.ts` (which also restores the node_modules/@devicescript/*
//    library folders that `npm install` removes; that is why this is the postinstall) and
//    copies the bytecode to firmware/generated/firmware.devs.
// 4. Prints the bytecode size and the function code against DeviceScript's 64 KB limit on it
//    (verifier check 1051); over the limit the build fails and says by how much. --quiet
//    (postinstall) prints only that one line.
// 5. --heap (what `npm run build` passes): runs the image in the DeviceScript VM for 15 s and
//    prints its peak heap against the ESP32 runtime's 64 KB.
// 2b. Also generates firmware/generated/app.ts: the offline or the connected app, by the
//    profile's "link".
// Exit status: 0 built, 1 profile or compile errors, 2 bad command line.

import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, isAbsolute, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const GEN_DIR = join(ROOT, "firmware", "generated")
const ENTRY = "firmware/main.ts"
const DEVS_CLI = join(ROOT, "node_modules", "@devicescript", "cli", "devicescript")
const BIN_DIR = join(ROOT, ".devicescript", "bin")

// ---------------------------------------------------------------- board knowledge
// From the board and chip definitions bundled in @devicescript/cli 2.16.4 (boards.json /
// archs), plus the Espressif datasheets for what a relay or a probe pin needs.

const ARCHS = {
    esp32: {
        adc: "32-39", // ADC1 only: ADC2 does not work while WiFi is on
        io: "0,2,4,5,12-15,18,19,21-23,25-27,32,33",
        inputOnly: "34-39",
        flash: "6-11",
        serial: "1,3",
        psram: "16,17",
        strapping: "0,2,5,12,15",
    },
    esp32s3: { adc: "1-10", io: "0-18,21,33-48", flash: "26-32", usb: "19,20", octal: "33-37", strapping: "0,3,45,46" },
    esp32c3: { adc: "0-4", io: "0-10,20,21", flash: "11-17", usb: "18,19", strapping: "2,8,9" },
}

const ESP32_DEVKIT_PINS = { P13: 13, P14: 14, P18: 18, P19: 19, P21: 21, P22: 22, P23: 23, P25: 25, P26: 26, P27: 27, P32: 32, P33: 33, P34: 34, P35: 35, P4: 4 }
const ESP32S3_PINS = {}
for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 33, 34, 38, 39, 40, 41, 42, 43, 45, 46, 47, 48]) ESP32S3_PINS["P" + n] = n

const BOARDS = {
    esp32_devkit_c: { arch: "esp32", pins: { ...ESP32_DEVKIT_PINS, VN: 39, VP: 36 }, reserved: { 0: "the BOOT button", 2: "the on-board LED" } },
    esp32_bare: { arch: "esp32", pins: { ...ESP32_DEVKIT_PINS, P36: 36, P39: 39 }, reserved: {} },
    esp32s3_devkit_m: { arch: "esp32s3", pins: ESP32S3_PINS, reserved: { 43: "the serial log (TX)", 48: "the on-board LED" } },
    esp32s3_bare: { arch: "esp32s3", pins: { ...ESP32S3_PINS, P44: 44 }, reserved: { 43: "the serial log (TX)" } },
    esp32c3_bare: {
        arch: "esp32c3",
        pins: { P0: 0, P1: 1, P2: 2, P3: 3, P4: 4, P5: 5, P6: 6, P7: 7, P8: 8, P9: 9, P10: 10, P20: 20, P21: 21 },
        reserved: { 9: "the BOOT button", 21: "the serial log (TX)" },
    },
}

/** ADC full scale of the raw calibration values (firmware/inputs.ts reports 12-bit). */
const ADC_MAX = 4095

function pinSet(spec) {
    const s = new Set()
    if (!spec) return s
    for (const part of spec.split(",")) {
        const [a, b] = part.split("-").map(Number)
        for (let n = a; n <= (b === undefined ? a : b); n++) s.add(n)
    }
    return s
}

/** Checks the parsed profile's pins against the board. Returns { errors, warnings }. */
function checkHardware(profile) {
    const errors = []
    const warnings = []
    const hw = profile.hardware
    const board = BOARDS[hw.board]
    if (!board) return { errors: ["board: no pin table for " + hw.board + " in tools/build-firmware.mjs"], warnings }
    const a = ARCHS[board.arch]
    const adc = pinSet(a.adc)
    const io = pinSet(a.io)
    const inputOnly = pinSet(a.inputOnly)
    const flash = pinSet(a.flash)
    const usb = pinSet(a.usb)
    const serial = pinSet(a.serial)
    const psram = pinSet(a.psram)
    const octal = pinSet(a.octal)
    const strapping = pinSet(a.strapping)
    const used = new Map()

    function claim(path, gpio) {
        if (used.has(gpio)) {
            errors.push(`${path}: GPIO${gpio} is already used by ${used.get(gpio)}`)
            return false
        }
        used.set(gpio, path)
        if (board.reserved[gpio] !== undefined) {
            errors.push(`${path}: GPIO${gpio} is taken by ${board.reserved[gpio]} on ${hw.board}`)
            return false
        }
        if (flash.has(gpio)) {
            errors.push(`${path}: GPIO${gpio} is wired to the module's flash chip on ${board.arch}`)
            return false
        }
        if (usb.has(gpio)) {
            errors.push(`${path}: GPIO${gpio} is the USB port of the ${board.arch}`)
            return false
        }
        if (serial.has(gpio)) {
            errors.push(`${path}: GPIO${gpio} is the serial console (UART0) of the ${board.arch}`)
            return false
        }
        if (!io.has(gpio) && !inputOnly.has(gpio) && !psram.has(gpio)) {
            errors.push(`${path}: GPIO${gpio} is not a usable pin on ${board.arch}`)
            return false
        }
        if (psram.has(gpio))
            warnings.push(`${path}: GPIO${gpio} is wired to PSRAM on ESP32-WROVER modules; it only works on WROOM modules (DeviceScript's ${hw.board} board leaves it out)`)
        if (octal.has(gpio)) warnings.push(`${path}: GPIO${gpio} is taken by octal flash/PSRAM on N8R8/N16R8 modules`)
        return true
    }
    function output(path, gpio) {
        if (gpio < 0 || !claim(path, gpio)) return
        if (inputOnly.has(gpio)) errors.push(`${path}: GPIO${gpio} is input-only on ${board.arch} and cannot drive a relay`)
        else if (strapping.has(gpio)) warnings.push(`${path}: GPIO${gpio} is a boot strapping pin; a relay board on it can stop the ${board.arch} from booting or click at reset`)
    }
    function input(path, gpio) {
        if (gpio >= 0) claim(path, gpio)
    }

    hw.zones.forEach((z, i) => output(`zones[${i}].valvePin`, z.valve))
    output("pins.pump", hw.pump)
    output("pins.master", hw.master)
    output("pins.injector", hw.injector)
    hw.zones.forEach((z, i) => {
        const path = `zones[${i}].soilPin`
        if (z.soilAdc < 0) return
        if (!claim(path, z.soilAdc)) return
        if (!adc.has(z.soilAdc)) errors.push(`${path}: GPIO${z.soilAdc} has no usable ADC on ${board.arch} (use one of GPIO ${a.adc})`)
        if (!(z.soilDryRaw > z.soilWetRaw)) errors.push(`zones[${i}].soilDryRaw: must be above soilWetRaw (capacitive probes read lower when wet)`)
        if (z.soilDryRaw > ADC_MAX || z.soilWetRaw > ADC_MAX) errors.push(`zones[${i}].soilDryRaw: calibration is on the 12-bit ADC scale 0..${ADC_MAX}`)
    })
    input("pins.flowMeter", hw.flowMeter)
    if ((hw.i2cSda < 0) !== (hw.i2cScl < 0)) errors.push("pins.i2cSda: give both i2cSda and i2cScl, or neither")
    for (const [path, g] of [["pins.i2cSda", hw.i2cSda], ["pins.i2cScl", hw.i2cScl]]) {
        if (g < 0 || !claim(path, g)) continue
        if (inputOnly.has(g)) errors.push(`${path}: GPIO${g} is input-only on ${board.arch}; I2C needs an output`)
    }
    profile.config.zones.forEach((z, i) => {
        if (z.sensor < 0 || z.sensor >= hw.zones.length) return
        if (hw.zones[z.sensor].soilAdc < 0)
            warnings.push(`zones[${i}].sensor: sensor ${z.sensor} is the probe of zones[${z.sensor}], which has no soilPin; this zone will water without moisture feedback`)
    })
    return { errors, warnings }
}

// ---------------------------------------------------------------- code generation

const HEADER = (src) =>
    `// GENERATED by tools/build-firmware.mjs from ${src}. Do not edit: change the profile and\n` + `// run \`npm run build\` (or \`npm run build -- --profile <file.json>\`).\n`

function isIdent(k) {
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)
}

/** A JSON-like value as a DeviceScript-friendly TypeScript literal (integers only). */
function literal(v, indent) {
    const pad = "    ".repeat(indent + 1)
    const end = "    ".repeat(indent)
    if (v === null) return "null"
    if (typeof v === "number") {
        if (!Number.isInteger(v)) throw new Error("non-integer number in profile output: " + v)
        return String(v)
    }
    if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v)
    if (Array.isArray(v)) {
        if (v.length === 0) return "[]"
        if (v.every((x) => typeof x !== "object" || x === null)) return "[" + v.map((x) => literal(x, 0)).join(", ") + "]"
        return "[\n" + v.map((x) => pad + literal(x, indent + 1) + ",\n").join("") + end + "]"
    }
    if (typeof v === "object") {
        const keys = Object.keys(v)
        if (keys.length === 0) return "{}"
        const items = keys.map((k) => (isIdent(k) ? k : JSON.stringify(k)) + ": " + literal(v[k], indent + 1))
        const flat = "{ " + items.join(", ") + " }"
        if (flat.length + indent * 4 < 100 && !flat.includes("\n")) return flat
        return "{\n" + items.map((x) => pad + x + ",\n").join("") + end + "}"
    }
    throw new Error("cannot write " + typeof v + " into the generated profile")
}

/** v itself, after checking that it holds only what the firmware may parse: integers (the
 *  VM prints other numbers with 7 digits), strings, booleans, arrays and objects. */
function checkedJson(v) {
    literal(v, 0)
    return v
}

function profileTs(src, profile) {
    return (
        HEADER(src) +
        `// Node and DeviceScript both compile this file. Tariff bands are numbers: 0 = offpeak,\n` +
        `// 1 = normal, 2 = peak (the core's Band enum).\n\n` +
        `import type { CoreConfig, Hardware } from "../core/index"\n\n` +
        `export const profileName = ${JSON.stringify(profile.name)}\n\n` +
        `// The two objects are parsed from JSON text at boot: a string is data in the image, while\n` +
        `// an object literal compiles to one instruction per field, and DeviceScript caps function\n` +
        `// code at 64 KB (verifier check 1051). Readable form: ${src}.\n` +
        `export const coreConfig: CoreConfig = JSON.parse(${JSON.stringify(JSON.stringify(checkedJson(profile.config)))})\n\n` +
        `export const hardware: Hardware = JSON.parse(${JSON.stringify(JSON.stringify(checkedJson(profile.hardware)))})\n`
    )
}

/** What runs beside the shell, by the profile's "link": the full keypad menu (offline box; with
 *  the planner when the profile has a "planner" section) or the MQTT link with the small keypad
 *  menu (connected box). Menu and link together pass DeviceScript's 64 KB function-code limit,
 *  and an import is what decides what the image contains. */
function appTs(src, profile) {
    // A planner only where the profile has one: its code does not fit beside the MQTT link,
    // and an offline box without one keeps the room.
    const app = profile.link === "mqtt" ? "app-connected" : profile.config.planner !== undefined ? "app-planner" : "app-offline"
    return HEADER(src) + `export { startApp } from "../${app}"\n\nexport const appKind = ${JSON.stringify(app.slice(4))}\n`
}

/** DeviceScript hardware config: labels for pins the stock board leaves out, every relay
 *  output's OFF level as its boot state, and the I2C pins. */
function boardTs(src, profile) {
    const hw = profile.hardware
    const board = BOARDS[hw.board]
    const labelOf = new Map(Object.entries(board.pins).map(([l, g]) => [g, l]))
    const extra = {}
    const label = (g) => {
        if (!labelOf.has(g)) {
            labelOf.set(g, "P" + g)
            extra["P" + g] = g
        }
        return labelOf.get(g)
    }
    const off = hw.relayActiveLow ? 1 : 0
    const sPin = {}
    for (const g of [...hw.zones.map((z) => z.valve), hw.pump, hw.master, hw.injector]) if (g >= 0) sPin[label(g)] = off
    for (const z of hw.zones) if (z.soilAdc >= 0) label(z.soilAdc)
    const cfg = []
    if (Object.keys(extra).length > 0) cfg.push(`    pins: ${literal(extra, 1)},`)
    cfg.push(`    sPin: ${literal(sPin, 1)},`)
    if (hw.i2cSda >= 0 && hw.i2cScl >= 0) cfg.push(`    i2c: { pinSDA: ds.gpio(${hw.i2cSda}), pinSCL: ds.gpio(${hw.i2cScl}) },`)
    return (
        HEADER(src) +
        `// DeviceScript only; applied by the runtime from the program image (pins and I2C take\n` +
        `// effect after the board restarts once with this program).\n\n` +
        `import * as ds from "@devicescript/core"\n` +
        `import { configureHardware } from "@devicescript/servers"\n\n` +
        `export const boardId = ${JSON.stringify(hw.board)}\n\n` +
        `configureHardware({\n${cfg.join("\n")}\n})\n`
    )
}

function writeIfChanged(file, text) {
    if (existsSync(file) && readFileSync(file, "utf8") === text) return
    writeFileSync(file, text)
}

// ---------------------------------------------------------------- compile

/** DeviceScript 2.16.4's image verifier (check 1051) rejects a program whose function section
 *  (16-byte headers plus code, "Function TOTAL" in bytecode-sizes.md) reaches 64 KB. */
const FUNCTION_LIMIT = 65535

/** Function code of the program in .devicescript/bin: the sum of the function sizes in its
 *  debug info (what bytecode-sizes.md calls "Function TOTAL"); null if unreadable. */
function functionCode() {
    try {
        const dbg = JSON.parse(readFileSync(join(BIN_DIR, "bytecode-dbg.json"), "utf8"))
        if (!dbg.sources || !dbg.sources.length || dbg.sources[0].path !== ENTRY) return null
        let n = 0
        for (const f of dbg.functions) n += f.size
        return n
    } catch {
        return null
    }
}

function sizeLine(code) {
    const pct = (((FUNCTION_LIMIT - code) * 100) / FUNCTION_LIMIT).toFixed(1)
    return `function code ${code.toLocaleString("en-US")} of ${FUNCTION_LIMIT.toLocaleString("en-US")} bytes (${pct}% headroom)`
}

function compile(verify = true) {
    const colors = process.stderr.isTTY ? [] : ["--no-colors"]
    const r = spawnSync(process.execPath, [DEVS_CLI, ...colors, "build", ...(verify ? [] : ["--no-verify"]), ENTRY], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } })
    const output = ((r.stdout || "") + (r.stderr || ""))
        .split("\n")
        .filter((l) => !/^fatal: Not a valid object name HEAD/.test(l) && !/using devs: v/.test(l))
        .join("\n")
        .trim()
    return { ok: r.status === 0 && !r.error, output: r.error ? String(r.error) : output }
}

/** The bytecode just built for ENTRY, or null if .devicescript/bin holds another program
 *  (another build ran at the same time in this folder). */
function builtBytecode() {
    try {
        const dbg = JSON.parse(readFileSync(join(BIN_DIR, "bytecode-dbg.json"), "utf8"))
        const bin = readFileSync(join(BIN_DIR, "bytecode.devs"))
        if (!dbg.sources || !dbg.sources.length || dbg.sources[0].path !== ENTRY) return null
        if (createHash("sha256").update(bin).digest("hex") !== dbg.binarySHA256) return null
        return bin
    } catch {
        return null
    }
}

// ---------------------------------------------------------------- heap

/** How long --heap runs the image in the VM: boot, flash restore, the first ticks. */
const HEAP_RUN_MS = 15000
const HEAP_LIMIT = 65536

/**
 * Runs the built image in the DeviceScript VM for HEAP_RUN_MS with tools/hil/heap-probe.cjs
 * preloaded (DeviceScript gives programs no heap figures; the probe reads the collector's
 * state from the wasm memory) and a silent Jacdac bus on 127.0.0.1:8082. Resolves with
 * { live, used, total } peaks in bytes, or a string saying why it could not measure.
 */
async function measureHeap(file) {
    const { tsImport } = await import("tsx/esm/api")
    const vm = await tsImport(join(ROOT, "tools", "devs-vm.ts"), import.meta.url)
    let bus
    try {
        bus = await vm.hostSilentBus()
    } catch (e) {
        return `${e.message} (another DeviceScript VM is running?)`
    }
    const peak = { live: 0, used: 0, total: 0 }
    const child = spawn(process.execPath, ["-r", join(ROOT, "tools", "hil", "heap-probe.cjs"), DEVS_CLI, "run", "--tcp", file], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "ignore"],
        env: { ...process.env, NO_COLOR: "1" },
    })
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk) => {
        for (const m of chunk.matchAll(/HEAPPROBE used=(\d+) live=(\d+) total=(\d+)/g)) {
            peak.used = Math.max(peak.used, Number(m[1]))
            peak.live = Math.max(peak.live, Number(m[2]))
            peak.total = Number(m[3])
        }
    })
    await new Promise((res) => setTimeout(res, HEAP_RUN_MS))
    child.kill()
    await new Promise((res) => bus.close(() => res()))
    return peak.total > 0 ? peak : "the heap probe found no heap"
}

function heapLine(h) {
    if (typeof h === "string") return `heap: not measured: ${h}`
    const pct = (b) => ((b * 100) / HEAP_LIMIT).toFixed(1)
    return (
        `heap (VM, first ${HEAP_RUN_MS / 1000} s): peak live ${h.live.toLocaleString("en-US")} B (${pct(h.live)}% of 64 KB), ` +
        `peak occupied with uncollected garbage ${h.used.toLocaleString("en-US")} B; the hardware-in-the-loop scenarios (test/hil) print their own peaks`
    )
}

// ---------------------------------------------------------------- main

function usage(code) {
    const text = "usage: node tools/build-firmware.mjs [--profile <file.json>] [--quiet] [--heap]"
    if (code === 0) console.log(text)
    else console.error(text)
    process.exit(code)
}

async function main() {
    const args = process.argv.slice(2)
    let profileArg = "devicescript.json"
    let quiet = false
    let heap = false
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--quiet" || args[i] === "-q") quiet = true
        else if (args[i] === "--heap") heap = true
        else if (args[i] === "--profile" || args[i] === "-p") {
            if (i + 1 >= args.length) usage(2)
            profileArg = args[++i]
        } else if (args[i].startsWith("--profile=")) profileArg = args[i].slice(10)
        else if (args[i] === "--help" || args[i] === "-h") usage(0)
        else {
            console.error("unknown argument: " + args[i])
            usage(2)
        }
    }
    const profilePath = isAbsolute(profileArg) ? profileArg : resolve(process.cwd(), profileArg)
    const shown = relative(ROOT, profilePath).startsWith("..") ? profilePath : relative(ROOT, profilePath)

    let json
    try {
        json = JSON.parse(readFileSync(profilePath, "utf8"))
    } catch (e) {
        console.error(`${shown}: ${e.code === "ENOENT" ? "file not found" : "not valid JSON: " + e.message}`)
        process.exit(1)
    }

    const { tsImport } = await import("tsx/esm/api")
    const core = await tsImport(join(ROOT, "firmware", "core", "profile.ts"), import.meta.url)
    const parsed = core.parseProfile(json)
    let errors = parsed.errors
    let warnings = []
    if (parsed.profile !== null) {
        const hwCheck = checkHardware(parsed.profile)
        errors = hwCheck.errors
        warnings = hwCheck.warnings
    }
    if (errors.length > 0) {
        for (const e of errors) console.error(`${shown}: ${e}`)
        console.error(`${shown}: ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing built`)
        process.exit(1)
    }
    const profile = parsed.profile
    if (!quiet) {
        console.log(`${shown}: profile "${profile.name}" OK (${profile.config.zones.length} zones, board ${profile.hardware.board})`)
        for (const w of warnings) console.log(`warning: ${shown}: ${w}`)
    }

    mkdirSync(GEN_DIR, { recursive: true })
    const src = shown.split("\\").join("/")
    writeIfChanged(join(GEN_DIR, "profile.ts"), profileTs(src, profile))
    writeIfChanged(join(GEN_DIR, "board.ts"), boardTs(src, profile))
    writeIfChanged(join(GEN_DIR, "app.ts"), appTs(src, profile))

    let bin = null
    for (let attempt = 0; attempt < 3 && bin === null; attempt++) {
        const r = compile()
        if (!r.ok && /verification error: -1051\b/.test(r.output)) {
            // Over the function-code limit: measure without the verifier to say by how much.
            const again = compile(false)
            const code = again.ok ? functionCode() : null
            const size = code === null ? "its function code" : `${code.toLocaleString("en-US")} bytes of function code`
            console.error(
                `firmware: ${ENTRY} needs ${size}, over DeviceScript's limit of ${FUNCTION_LIMIT.toLocaleString("en-US")} (verifier check 1051); ` +
                    `nothing built. .devicescript/bin/bytecode-sizes.md lists the functions by size.`,
            )
            process.exit(1)
        }
        if (!r.ok) {
            console.error(r.output)
            console.error(`firmware: compile of ${ENTRY} failed (profile "${profile.name}")`)
            process.exit(1)
        }
        bin = builtBytecode()
    }
    if (bin === null) {
        console.error(`firmware: ${relative(ROOT, BIN_DIR)} kept being overwritten by another build; try again`)
        process.exit(1)
    }
    writeFileSync(join(GEN_DIR, "firmware.devs"), bin)
    const code = functionCode()

    const n = profile.config.zones.length
    const kind = profile.link === "mqtt" ? "connected: MQTT link, small keypad menu" : profile.config.planner !== undefined ? "offline: full keypad menu, planner" : "offline: full keypad menu"
    let line = `firmware: ${bin.length.toLocaleString("en-US")} bytes of bytecode for ${profile.hardware.board} (profile "${profile.name}", ${n} zone${n === 1 ? "" : "s"}, ${kind})`
    if (code !== null) line += `; ${sizeLine(code)}`
    if (quiet && warnings.length > 0) line += `; ${warnings.length} pin warning${warnings.length === 1 ? "" : "s"} (see npm run build)`
    console.log(line)
    if (heap) console.log(heapLine(await measureHeap(join(GEN_DIR, "firmware.devs"))))
}

main().catch((e) => {
    console.error("build-firmware: " + (e && e.stack ? e.stack : e))
    process.exit(1)
})
