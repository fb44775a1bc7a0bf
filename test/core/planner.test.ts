// The planner (firmware/core/planner.ts) waters each zone as late as is safe, from its probe.
// What these tests protect:
//   - it never starts water in a peak window, in standby, during a rain delay or a pause;
//   - it never waters a bulb at field capacity, and drier soil never gets less water;
//   - a failed probe hands its zones back to the programs (they water by the clock), a healthy
//     one takes them from the programs that follow the soil;
//   - zones that read another zone's probe get the water that zone got;
//   - on the box a look is spread over calls, one group at a time (DeviceScript allows ~128k
//     instructions between two awaits; conformance vectors run it in the VM).

import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { Planner } from "../../firmware/core/planner"
import { Band, bandAtLocal } from "../../firmware/core/tariff"
import { toLocalSeconds } from "../../firmware/core/calendar"
import { Command, CoreConfig, CoreEvent, PlannerConfig } from "../../firmware/core/types"
import { config, program, vnTime } from "./fixtures"

/** Pepper on red Ferralsol, as sim/strategies/controller.ts plannerConfig() makes it. */
const PEPPER: PlannerConfig = {
    et0Tenths: [38, 44, 49, 48, 42, 36, 35, 35, 35, 36, 35, 35],
    marginTenthsMm: 50,
    hotPct: 130,
    crops: [{ kcPct: [105, 105, 105, 105, 105, 105, 105, 105, 105, 105, 105, 105], pPct: 38, rbPct: 80, fwPct: 35, rootMm: 500 }],
}
const WP = 220
const FC = 360

/** n zones of pepper; `sensors[z]` is the probe zone z reads (default: its own). */
function plannedConfig(n: number, sensors?: number[], over: Partial<CoreConfig> = {}): CoreConfig {
    const base = config()
    return {
        ...base,
        zones: Array.from({ length: n }, (_, z) => ({
            name: "Z" + z, maxRunS: 4 * 3600, flowLpm: 70, sensor: sensors ? sensors[z] : z, targetTenths: 320,
            plan: { crop: 0, wpTenths: WP, fcTenths: FC, areaM2: 5000 },
        })),
        maxZonesOpen: 2,
        tickS: 60,
        planner: PEPPER,
        ...over,
    }
}

/** A controller and its planner stepped a minute at a time, with the readings given (a host:
 *  each look in one call, as the simulator does). */
class PlanRig {
    ctl: Controller
    planner: Planner
    mono = 0
    commands: { mono: number; wall: number; cmd: Command }[] = []
    valvesOpenS: number[]
    events: CoreEvent[] = []

    constructor(readonly cfg: CoreConfig, public wall: number, public soil: (number | null)[], records: Record<string, string> = {}) {
        this.ctl = new Controller(cfg)
        this.ctl.restore(records)
        this.planner = new Planner(cfg, false)
        this.valvesOpenS = cfg.zones.map(() => 0)
        // The core learns the time and the readings (commands before this see no clock).
        this.ctl.step({ monoS: 0, wallS: wall, soil })
    }

    /** One minute: the core steps, then the planner looks (as the shells do). */
    tick(): void {
        const out = this.ctl.step({ monoS: this.mono, wallS: this.wall, soil: this.soil })
        out.valves.forEach((on, z) => (this.valvesOpenS[z] += on ? 60 : 0))
        this.events.push(...out.events)
        for (const cmd of this.planner.decide(this.ctl, this.mono, this.wall)) {
            this.commands.push({ mono: this.mono, wall: this.wall, cmd })
            this.ctl.command(cmd, "sensor")
        }
        this.mono += 60
        this.wall += 60
    }

    run(minutes: number): void {
        for (let i = 0; i < minutes; i++) this.tick()
    }

    starts(): { mono: number; wall: number; cmd: Command }[] {
        return this.commands.filter((c) => c.cmd.k === "run")
    }
}

const local = (wall: number) => toLocalSeconds(wall, 420)

describe("planner", () => {
    it("never starts water in a peak window, in standby, in a rain delay or while paused", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 6 * 24 * 60 - 1 }), fc.array(fc.integer({ min: WP, max: FC + 20 }), { minLength: 3, maxLength: 3 }),
                fc.constantFrom("none", "standby", "rainDelay", "pause"),
                (startMin, readings, hold) => {
                    const rig = new PlanRig(plannedConfig(3), vnTime(2026, 3, 2, 0, 0) + startMin * 60, readings)
                    if (hold === "standby") rig.ctl.command({ k: "standby", on: true }, "keypad")
                    if (hold === "rainDelay") rig.ctl.command({ k: "rainDelay", hours: 24 }, "keypad")
                    if (hold === "pause") rig.ctl.command({ k: "pause", seconds: 0 }, "keypad")
                    rig.run(6 * 60)
                    for (const s of rig.starts()) {
                        expect(hold).toBe("none")
                        expect(bandAtLocal(rig.cfg.tariff, local(s.wall))).not.toBe(Band.Peak)
                    }
                },
            ),
            { numRuns: 60 },
        )
    })

    it("never waters a bulb at field capacity, and waters a dry one", () => {
        const wet = new PlanRig(plannedConfig(2), vnTime(2026, 3, 2, 0, 0), [FC - 2, FC + 30])
        wet.run(24 * 60)
        expect(wet.starts()).toEqual([])
        const dry = new PlanRig(plannedConfig(2), vnTime(2026, 3, 2, 0, 0), [WP + 40, WP + 40])
        dry.run(60)
        expect(dry.starts().map((s) => s.cmd.k === "run" && s.cmd.zone).sort()).toEqual([0, 1])
    })

    it("drier soil never gets less water, nor later", () => {
        fc.assert(
            fc.property(fc.integer({ min: WP, max: FC }), fc.integer({ min: WP, max: FC }), fc.integer({ min: 0, max: 7 * 24 - 1 }), (a, b, hour) => {
                const [wetter, drier] = a >= b ? [a, b] : [b, a]
                const first = (reading: number) => {
                    const rig = new PlanRig(plannedConfig(1), vnTime(2026, 3, 2, 0, 0) + hour * 3600, [reading])
                    rig.run(1)
                    const s = rig.starts()[0]
                    return s === undefined ? 0 : s.cmd.k === "run" ? s.cmd.seconds : 0
                }
                expect(first(drier)).toBeGreaterThanOrEqual(first(wetter))
            }),
            { numRuns: 200 },
        )
    })

    it("takes its zones from programs that follow the soil while their probe is healthy, and gives them back when it fails", () => {
        const cfg = plannedConfig(2, undefined, { maxZonesOpen: 2 })
        const p = program({ zoneS: [600, 600], startsMin: [6 * 60], useMoisture: true })
        const wall = vnTime(2026, 3, 2, 5, 0)
        const healthy = new PlanRig(cfg, wall, [FC - 1, FC - 1])
        healthy.ctl.command({ k: "saveProgram", program: p }, "remote")
        healthy.run(120)
        // Bulbs at field capacity: the planner waters nothing, and the program does not either.
        expect(healthy.valvesOpenS).toEqual([0, 0])
        expect(healthy.ctl.plannedZones).toBe(3)
        const failed = new PlanRig(cfg, wall, [null, FC - 1])
        failed.ctl.command({ k: "saveProgram", program: p }, "remote")
        failed.run(120)
        expect(failed.ctl.plannedZones).toBe(2)
        // Zone 0's probe is missing: the program waters it by the clock; zone 1 stays planned.
        expect(failed.valvesOpenS[0]).toBeGreaterThanOrEqual(540)
        expect(failed.valvesOpenS[1]).toBe(0)
        const planned = (r: PlanRig) => r.events.filter((e) => e.kind === "runSkipped" && e.reason === "planned").map((e) => e.zone)
        expect(planned(healthy)).toEqual([0, 1])
        expect(planned(failed)).toEqual([1])
    })

    it("zones that read another zone's probe get the water that zone got, at their own flow", () => {
        // Zones 0 and 2 read zone 1's probe; zone 2 waters half as fast (twice the area).
        const cfg = plannedConfig(3, [1, 1, 1], { maxZonesOpen: 1 })
        cfg.zones[2] = { ...cfg.zones[2], plan: { ...cfg.zones[2].plan!, areaM2: 10000 } }
        const rig = new PlanRig(cfg, vnTime(2026, 3, 2, 5, 0), [null, WP + 60, null])
        rig.run(40)
        // The probe then shows the water: the leader's run stops at the next look.
        rig.soil[1] = FC
        rig.run(12 * 60)
        const leaderS = rig.valvesOpenS[1]
        expect(leaderS).toBeGreaterThan(0)
        // Each follower within two ticks of the leader's time (at its own flow).
        expect(Math.abs(rig.valvesOpenS[0] - leaderS)).toBeLessThanOrEqual(180)
        expect(Math.abs(rig.valvesOpenS[2] - 2 * leaderS)).toBeLessThanOrEqual(300)
    })

    it("a person's run is theirs: the planner neither stops it (wet probe) nor copies it to the zones that share the probe", () => {
        const cfg = plannedConfig(3, [1, 1, 1], { maxZonesOpen: 3 })
        const rig = new PlanRig(cfg, vnTime(2026, 3, 2, 5, 0), [null, FC, null])
        rig.ctl.command({ k: "run", zone: 1, seconds: 600 }, "keypad")
        rig.run(60)
        expect(rig.commands.filter((c) => c.cmd.k === "stopZone")).toEqual([])
        // Its 600 s, and the valve's opening and the pump's start delay.
        expect(rig.valvesOpenS[1]).toBeGreaterThanOrEqual(600)
        expect(rig.valvesOpenS[0] + rig.valvesOpenS[2]).toBe(0)
    })

    it("a clock set after boot does not put off the first look (regression: the HIL box waited 10 minutes)", () => {
        const cfg = plannedConfig(2)
        const rig = new PlanRig(cfg, vnTime(2026, 3, 2, 5, 0), [WP + 40, WP + 40])
        expect(rig.planner.decide(rig.ctl, 0, 0)).toEqual([])
        expect(rig.planner.decide(rig.ctl, 1, rig.wall).filter((c) => c.k === "run").length).toBe(2)
    })

    it("on the box, spreads a look over calls: the shared work, then one group per call; a host takes it in one", () => {
        const cfg = plannedConfig(16, undefined, { maxZonesOpen: 2 })
        const box = new PlanRig(cfg, vnTime(2026, 3, 2, 5, 0), cfg.zones.map(() => WP + 40))
        box.planner = new Planner(cfg, true)
        const calls: number[] = []
        for (let i = 0; i < 18; i++) calls.push(box.planner.decide(box.ctl, i, box.wall + i).filter((c) => c.k === "run").length)
        // Call 0 does the look's shared work, calls 1-16 one group each, then nothing until
        // the next look.
        expect(calls).toEqual([0, ...new Array(16).fill(1), 0])
        const host = new PlanRig(cfg, vnTime(2026, 3, 2, 5, 0), cfg.zones.map(() => WP + 40))
        host.planner = new Planner(cfg, false)
        expect(host.planner.decide(host.ctl, 0, host.wall).filter((c) => c.k === "run").length).toBe(16)
    })
})
