// VM self-test of the firmware shell: `npx devs run --test -T 120000 firmware/selftest.ts`
// (after `npm run build`, which generates ./generated/). Runs the real Shell (outputs,
// soil probes, clock, flash records, safe state) against the generated profile in the
// simulator, on virtual time: ticks are fed consecutive seconds without waiting, so a
// scheduled program runs to its end in seconds. Ends with "SELFTEST OK" or throws.

import * as ds from "@devicescript/core"
import { readSetting, writeSetting } from "@devicescript/settings"
import { CoreEvent, daysFromCivil, DayMode, encodeProgram, MIN_VALID_WALL, Program } from "./core/index"
import { civilToUtc, decodeDs3231 } from "./clock"
import { coreConfig, hardware, profileName } from "./generated/profile"
import { rawToTenths } from "./inputs"
import { Shell } from "./shell"
import { entryError, writeRecord } from "./storage"

const fails: string[] = []
function check(cond: boolean, what: string): void {
    if (cond) return
    fails.push(what)
    console.log("FAIL " + what)
}

const nz = coreConfig.zones.length

// ---------------------------------------------------------------- helpers, no hardware
check(rawToTenths(2810, 2810, 1290) === 0, "dry point is 0")
check(rawToTenths(1290, 2810, 1290) === 500, "wet point is 500")
check(rawToTenths(2050, 2810, 1290) === 250, "midpoint is 250")
check(rawToTenths(0, 2810, 1290) === null, "ADC rail is no reading")
check(rawToTenths(4095, 2810, 1290) === null, "ADC top rail is no reading")
check(rawToTenths(2000, 1290, 2810) === null, "inverted calibration is no reading")
let long = ""
for (let i = 0; i < 25; i++) long += "0123456789"
check(entryError("p1", long) === "too_long", "a 250-character record is refused")
check(entryError("averyveryverylongkey", "x") === "bad_key", "a 20-character key is refused")
check(entryError("p1", "1|2|3") === "", "a short record is accepted")
// 2026-06-01 05:59:30 as DS3231 registers (BCD; 24 h mode; Monday = 1)
const regs = Buffer.from([0x30, 0x59, 0x05, 0x01, 0x01, 0x06, 0x26])
check(decodeDs3231(regs) === civilToUtc(2026, 6, 1, 5, 59, 30), "DS3231 decode")
check(civilToUtc(2026, 2, 30, 0, 0, 0) === 0, "invalid date rejected")
check(civilToUtc(2026, 6, 1, 0, 0, 0) === daysFromCivil(2026, 6, 1) * 86400, "civilToUtc midnight")

// ---------------------------------------------------------------- the shell on virtual time
const events: CoreEvent[] = []
const shell = new Shell(profileName, coreConfig, hardware, true)
check(!shell.out.anyOn(), "all outputs off after construction")
await shell.boot()
check(shell.ctl.restored, "restored after boot")
shell.onEvent = (e: CoreEvent) => {
    events.push(e)
}

let ms = ds.millis() + 1000
// Monday 2026-06-01 05:59:50 local time (UTC+7), outside the peak windows
const local0 = daysFromCivil(2026, 6, 1) * 86400 + 5 * 3600 + 59 * 60 + 50
check(shell.clock.set(local0 - coreConfig.utcOffsetMin * 60, ms, "test"), "clock set")
check(!shell.clock.set(MIN_VALID_WALL - 1, ms, "test"), "implausible clock refused")

const zoneS: number[] = []
for (let z = 0; z < nz; z++) zoneS.push(z === 0 ? 120 : z === 1 ? 60 : 0)
const prog: Program = {
    id: 1,
    name: "Sang",
    enabled: true,
    dayMode: DayMode.Weekdays,
    weekdays: 127,
    intervalDays: 1,
    refDay: 0,
    startsMin: [360],
    zoneS: zoneS,
    budgetPct: 100,
    cycleS: 0,
    soakS: 0,
    seasonFrom: 0,
    seasonTo: 0,
    useMoisture: true,
}
check(shell.command({ k: "saveProgram", program: prog }, "remote").ok, "program saved")

function count(kind: string): number {
    let n = 0
    for (const e of events) if (e.kind === kind) n++
    return n
}

let pumpWithoutValve = false
let sawPump = false
let sawTwoOpen = false
async function runTicks(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
        ms += 1000
        shell.tick(ms)
        let open = 0
        for (const v of shell.out.valves) if (v.on) open++
        const pumpOn = shell.out.pump !== null && shell.out.pump.on
        if (pumpOn) sawPump = true
        if (pumpOn && open === 0) pumpWithoutValve = true
        if (open >= 2) sawTwoOpen = true
        await shell.flushWrites()
        await ds.sleep(0)
    }
}

await runTicks(300)
check(count("runQueued") === 2, "the 06:00 start queued two zones")
check(count("moistureAdjust") === 2, "soil moisture adjusted both runs")
check(count("valveOpen") === 2, "two valves opened")
check(count("pumpOn") >= 1 && sawPump, "the pump ran")
check(sawTwoOpen, "two zones watered at once (hydraulic limit 2)")
check(!pumpWithoutValve, "never a pump without an open valve")
check(count("runEnd") === 2, "both runs ended")
check(!shell.out.anyOn(), "all outputs off after the program")
check(shell.pendingWrites() === 0, "all records written")
check((await readSetting("p1")) === encodeProgram(prog), "program record in flash")
check(typeof (await readSetting("fired")) === "string", "fired record in flash")
check(typeof (await readSetting("set")) === "string", "settings record in flash")

// ---------------------------------------------------------------- a throw opens nothing
check(shell.command({ k: "run", zone: 0, seconds: 120 }, "keypad").ok, "manual run accepted")
await runTicks(12)
check(shell.out.valves[0].on, "manual run opened zone 0")
const sensors = shell.ctl.sensors
;(shell.ctl as any).sensors = null // makes the next step() throw inside the core
await runTicks(1)
shell.ctl.sensors = sensors
check(shell.exceptions === 1, "the exception was caught")
check(!shell.out.anyOn(), "everything off after the exception")
check(shell.ctl.fault === "shell_exception", "core latched in its safe state")
await runTicks(10)
check(!shell.out.anyOn(), "still off while the fault is latched")
check(!shell.command({ k: "run", zone: 0, seconds: 60 }, "keypad").ok, "runs refused while faulted")
check(shell.command({ k: "clearFault" }, "keypad").ok, "fault cleared")
check(shell.command({ k: "run", zone: 1, seconds: 30 }, "keypad").ok, "run accepted after clearing")
await runTicks(60)
check(count("runEnd") >= 3, "the run after clearing ended")
check(!shell.out.anyOn(), "all off at the end")

// ---------------------------------------------------------------- flash guard
check((await writeRecord("p8", long)) === "too_long", "over-long record refused by writeRecord")
check((await readSetting("p8")) === undefined, "nothing written for the refused record")

// ---------------------------------------------------------------- reboot
const firedBefore = shell.ctl.fired[0]
await writeSetting("p2", "1|2|garbage|0") // a corrupt record must be reported and removed
const again = new Shell(profileName, coreConfig, hardware, true)
const bootEvents: CoreEvent[] = []
again.onEvent = (e: CoreEvent) => {
    bootEvents.push(e)
}
await again.boot()
await again.flushWrites()
let corrupt = 0
for (const e of bootEvents) if (e.kind === "corrupt" && e.program === 2) corrupt++
check(corrupt === 1, "corrupt p2 reported at boot")
check((await readSetting("p2")) === undefined, "corrupt p2 removed from flash")
check(again.ctl.programCount() === 1, "program restored after reboot")
check(again.ctl.fired[0] === firedBefore && firedBefore > 0, "fired start restored after reboot")
let ms2 = ds.millis() + 1000
check(again.clock.set(local0 + 300 - coreConfig.utcOffsetMin * 60, ms2, "test"), "clock set after reboot")
let reopened = false
for (let i = 0; i < 30; i++) {
    ms2 += 1000
    again.tick(ms2)
    if (again.out.anyOn()) reopened = true
    await ds.sleep(0)
}
check(!reopened, "the 06:00 start does not run again after a reboot")

// ---------------------------------------------------------------- watchdog
check(again.command({ k: "run", zone: 0, seconds: 60 }, "keypad").ok, "manual run after reboot")
for (let i = 0; i < 10; i++) {
    ms2 += 1000
    again.tick(ms2)
    await ds.sleep(0)
}
check(again.out.anyOn(), "zone running before the stall")
again.checkStall(ms2 + 10 * again.tickMs)
check(!again.out.anyOn(), "watchdog drove everything off")
check(again.ctl.fault === "tick_stalled", "watchdog latched the safe state")

if (fails.length > 0) {
    console.log("SELFTEST FAILED: " + fails.length + " check(s)")
    throw new Error("selftest failed")
}
console.log("SELFTEST OK")
