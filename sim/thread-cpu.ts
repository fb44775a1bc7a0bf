// CPU time of this process's threads, split into the main thread (the simulation) and the rest
// (V8's compiler and GC helpers, libuv's pool). The bench prints it because on one core V8's
// optimising compiler competes with the simulation for the first year: the split tells how
// much of a year's wall time was the simulation and how much the runtime compiling it.
// Linux only (/proc); elsewhere threadCpu() returns null.

import fs from "node:fs"

/** utime + stime of one /proc/<pid>/task/<tid>/stat line, in clock ticks. The command name is
 *  in parentheses and may hold spaces or ")", so the fields are counted after the last ")". */
export function statTicks(stat: string): number {
    const close = stat.lastIndexOf(")")
    if (close < 0) throw new Error("not a /proc stat line")
    // After ") ": state is field 3, utime field 14, stime field 15 (proc(5)).
    const f = stat.slice(close + 2).split(" ")
    const ticks = Number(f[11]) + Number(f[12])
    if (!Number.isFinite(ticks)) throw new Error("not a /proc stat line")
    return ticks
}

export interface ThreadCpu {
    /** The main thread's CPU time, s. */
    mainS: number
    /** All other threads' CPU time, s. */
    otherS: number
}

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux Node supports). */
const USER_HZ = 100

/** This process's CPU time so far, main thread and the rest; null where /proc is missing. */
export function threadCpu(): ThreadCpu | null {
    const dir = "/proc/self/task"
    if (!fs.existsSync(dir)) return null
    let main = 0
    let other = 0
    for (const tid of fs.readdirSync(dir)) {
        let stat: string
        try {
            stat = fs.readFileSync(`${dir}/${tid}/stat`, "utf8")
        } catch {
            continue // the thread ended since the listing
        }
        const s = statTicks(stat) / USER_HZ
        if (tid === String(process.pid)) main += s
        else other += s
    }
    return { mainS: main, otherS: other }
}

/** CPU time between two readings (a thread that ended in between is lost: V8's threads live
 *  as long as the process). */
export function cpuSince(a: ThreadCpu, b: ThreadCpu): ThreadCpu {
    return { mainS: b.mainS - a.mainS, otherS: b.otherS - a.otherS }
}
