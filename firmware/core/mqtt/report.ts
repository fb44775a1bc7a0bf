// State, telemetry and info payloads read from the control core, shared by the firmware link
// and the Node tools (the data-budget measurement sends exactly what the firmware sends).
//
// Pure code (DeviceScript and Node).

import { Controller } from "../controller"
import { ValveState } from "../types"
import { isInt } from "../validate"

/** "0"/"1" per zone valve output (on while opening or open). */
export function valveBits(ctl: Controller): string {
    let s = ""
    for (const v of ctl.vstate) s += v === ValveState.Opening || v === ValveState.Open ? "1" : "0"
    return s
}

/** Retained state: changes only when an output or a mode changes (no counters that tick).
 *  v valves, p pump, m master, i injector, q queued runs, pa paused, sb standby,
 *  rd rain delay until (UTC s), f fault ("" none), al alarms waiting for acknowledgement. */
export function stateOf(ctl: Controller): string {
    const st: any = ctl.status()
    return JSON.stringify({
        v: valveBits(ctl),
        p: st.pump ? 1 : 0,
        m: st.master ? 1 : 0,
        i: st.injector === true ? 1 : 0,
        q: st.queued,
        pa: st.paused ? 1 : 0,
        sb: st.standby ? 1 : 0,
        rd: st.rainDelayUntil,
        f: st.fault,
        al: st.alarms,
    })
}

/** Readings the core does not hold (absent or null: no such sensor on this box), tenths. */
export interface ExtraReadings {
    at?: number | null
    ah?: number | null
    ph?: number | null
}

/** Telemetry: t UTC s (0 unknown), up s since boot, sm soil per probe (tenths of % v/v, null
 *  none), at/ah/ph air temperature (tenths of deg C), air humidity (tenths of %), soil pH
 *  (tenths) when fitted, fl flow (mL/min) with a meter, v valves, p pump, r remaining s per
 *  zone while any runs, dq diary records waiting, dl diary records lost (when any). */
export function telemetryOf(ctl: Controller, wallS: number, upS: number, dq: number, dl: number, extra: ExtraReadings | null): string {
    const st: any = ctl.status()
    const o: any = { t: wallS, up: upS, sm: st.soil }
    if (extra !== null) {
        if (isInt(extra.at)) o.at = extra.at
        if (isInt(extra.ah)) o.ah = extra.ah
        if (isInt(extra.ph)) o.ph = extra.ph
    }
    if (isInt(st.flowMlPerMin) && st.flowMlPerMin >= 0) o.fl = st.flowMlPerMin
    o.v = valveBits(ctl)
    o.p = st.pump ? 1 : 0
    const rem: number[] = []
    let any = false
    for (const z of st.zones) {
        rem.push(z.remainingS)
        if (z.remainingS > 0) any = true
    }
    if (any) o.r = rem
    o.dq = dq
    if (dl > 0) o.dl = dl
    return JSON.stringify(o)
}

/** Retained description of the box, at each connect: n name, z zone names, s soil probes,
 *  fw firmware version, e diary epoch, tm telemetry period (s). */
export function infoOf(ctl: Controller, name: string, fw: string, epoch: number, telemetryS: number): string {
    const names: string[] = []
    for (const z of ctl.cfg.zones) names.push(z.name)
    return JSON.stringify({ n: name, z: names, s: ctl.sensors.length, fw: fw, e: epoch, tm: telemetryS })
}
