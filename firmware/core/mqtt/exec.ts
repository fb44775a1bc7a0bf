// Carries out a remote command on the control core: "get" reads, everything else goes to
// Controller.command(cmd, "remote"), which validates every field and changes nothing when it
// refuses. The firmware link adds the commands that need hardware (clock, calibration).
//
// Pure code (DeviceScript and Node).

import { Controller } from "../controller"
import { ExecResult } from "./commands"

/** {"k":"get","what":"programs"|"settings"|"alarms"|"status"}: the core's own records (a
 *  program from "programs" can be edited and sent back with saveProgram). */
export function getCore(ctl: Controller, what: any): ExecResult {
    let data: any = null
    if (what === "programs") data = ctl.programs
    else if (what === "settings") data = ctl.settings
    else if (what === "alarms") data = ctl.alarms.items
    else if (what === "status") data = ctl.status()
    else return { ok: false, error: "bad_what" }
    return { ok: true, error: "", data: data }
}

/** Executes a command on the core alone (the office simulator and tests; the firmware link
 *  goes through the shell, which logs it). */
export function execCore(ctl: Controller, cmd: any): ExecResult {
    if (cmd.k === "get") return getCore(ctl, cmd.what)
    const r = ctl.command(cmd, "remote")
    return { ok: r.ok, error: r.error }
}
