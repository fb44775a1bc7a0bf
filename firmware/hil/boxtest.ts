// Box check for the technician (docs/flashing.md, `npm run box:test`): a separate program, not
// the controller, that exercises every part of the box with the same drivers the firmware
// uses, and prints what it finds on the serial log and the display:
//   1. every relay off; the clock (DS3231, or a Jacdac clock) is read;
//   2. each zone valve opens for CLICK_MS on its own (with the master valve when fitted), and
//      the flow meter's pulses during that time are counted; the pump and the injector are
//      never switched (they must not run against closed valves or without water);
//   3. each soil probe is read (raw ADC and % v/v by the profile's calibration);
//   4. the display shows a test pattern and, for KEYS_MS, every key pressed is echoed.
// Lines start with "BOXTEST". After flashing it, deploy the controller again (`npm run deploy`).
// In the simulator it runs against the HIL harness's simulated parts (test/hil/).

import * as ds from "@devicescript/core"
import "../generated/board"
import { defaultPanel } from "../core/menu/panel-profile"
import { WallClock } from "../clock"
import { FlowMeterInput } from "../flowmeter"
import { SoilProbes } from "../inputs"
import { Keypad, SCAN_MS } from "../keypad"
import { Lcd } from "../lcd"
import { coreConfig, hardware, profileName } from "../generated/profile"
import { Outputs } from "../outputs"

const CLICK_MS = 2000
const KEYS_MS = 20000

const sim = ds.isSimulator()
const out = new Outputs(hardware, sim)
const probes = new SoilProbes(coreConfig, hardware, sim)
const flow = new FlowMeterInput(hardware.flowMeter, sim)
const clock = new WallClock(hardware, sim)
const panel = defaultPanel(hardware.board)
const lcd = new Lcd(panel.lcdAddress, panel.lcdCols, panel.lcdRows, sim)
const keypad = new Keypad(panel.rows, panel.cols, sim)
console.log("BOXTEST start " + profileName + " zones=" + hardware.zones.length)
await ds.sleep(2500) // simulated parts bind to their roles

await clock.sync(ds.millis())
console.log("BOXTEST clock " + clock.source + " utc=" + clock.nowS(ds.millis()))
const lcdOk = await lcd.begin()
await lcd.show(["BOX TEST            ", profileName.slice(0, 20), "0123456789ABCDEFGHIJ", "keys: press any     "])
console.log("BOXTEST lcd " + (lcdOk ? "ok" : "none"))

const nz = hardware.zones.length
for (let z = 0; z < nz; z++) {
    const valves: boolean[] = []
    for (let i = 0; i < nz; i++) valves.push(i === z)
    const p0 = flow.read()
    out.apply(valves, false, true)
    console.log("BOXTEST valve " + (z + 1) + " open")
    await ds.sleep(CLICK_MS)
    const p1 = flow.read()
    out.allOff()
    const pulses = p0 === undefined || p1 === undefined ? "none" : "" + (p1 - p0)
    console.log("BOXTEST valve " + (z + 1) + " closed pulses=" + pulses)
    await ds.sleep(500)
}

const soil = probes.read(ds.millis())
for (let k = 0; k < soil.length; k++) {
    const v = soil[k]
    console.log("BOXTEST probe " + (k + 1) + " raw=" + probes.lastRaw[k] + " tenths=" + (v === null ? "none" : "" + v))
}

console.log("BOXTEST keys " + (keypad.broken === "" ? "ok" : keypad.broken))
const until = ds.millis() + KEYS_MS
while (ds.millis() < until) {
    const k = keypad.poll()
    if (k !== "") {
        console.log("BOXTEST key " + k)
        await lcd.show(["BOX TEST            ", profileName.slice(0, 20), "0123456789ABCDEFGHIJ", "key: " + k + "              "])
    }
    await ds.sleep(SCAN_MS)
}
console.log("BOXTEST DONE")
