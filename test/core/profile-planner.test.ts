// The profile's planner section (firmware/core/profile-planner.ts). What it protects: a shipped
// planner profile gives the core the planner the simulator measured, and every mistake a
// technician can make in the section is refused by path, with nothing built.

import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { parseProfile } from "../../firmware/core/profile"
import { loadFarm } from "../../sim/farm"
import { DEFAULT_TUNING, plannerConfig } from "../../sim/strategies/controller"

const PLANNER_PROFILE = "firmware/profiles/loc-quang-planner.json"
const load = () => JSON.parse(readFileSync(PLANNER_PROFILE, "utf8"))

describe("profile: planner section", () => {
    it("the shipped planner profile gives the core the planner the simulator runs on Loc Quang", () => {
        const r = parseProfile(load())
        expect(r.errors).toEqual([])
        const cfg = r.profile!.config
        expect(cfg.planner).toEqual(plannerConfig(loadFarm("loc-quang"), DEFAULT_TUNING.plannerMarginMm!))
        for (const z of cfg.zones) expect(z.plan).toEqual({ crop: 0, wpTenths: 220, fcTenths: 360, areaM2: 5000 })
    })

    it("a profile without the section has no planner", () => {
        const json = load()
        delete json.planner
        for (const z of json.zones) delete z.plan
        const r = parseProfile(json)
        expect(r.errors).toEqual([])
        expect(r.profile!.config.planner).toBeUndefined()
    })

    it("refuses each mistake by its path", () => {
        const cases: [string, (j: any) => void, string][] = [
            ["field capacity under wilting point", (j) => (j.zones[1].plan.fieldCapacityPctTenths = 200), "zones[1].plan.fieldCapacityPctTenths: must be above"],
            ["a planned zone without a probe", (j) => (j.zones[2].sensor = -1), "zones[2].plan: a planned zone needs a probe"],
            ["a crop that is not listed", (j) => (j.zones[0].plan.crop = 3), "zones[0].plan.crop: must be a whole number from 0 to 0"],
            ["eleven months", (j) => j.planner.et0TenthsByMonth.pop(), "planner.et0TenthsByMonth: must be a list of 12"],
            ["a fractional Kc", (j) => (j.planner.crops[0].kcPctByMonth[4] = 99.5), "planner.crops[0].kcPctByMonth[4]"],
            ["a plan without the section", (j) => delete j.planner, "zones[0].plan: needs a planner section"],
            ["a section with no planned zone", (j) => j.zones.forEach((z: any) => delete z.plan), "planner: no zone has a plan"],
            ["the connected image", (j) => (j.link = "mqtt"), 'planner: needs "link": "none"'],
        ]
        for (const [what, spoil, error] of cases) {
            const json = load()
            spoil(json)
            const r = parseProfile(json)
            expect(r.profile, what).toBeNull()
            expect(r.errors.some((e) => e.startsWith(error)), `${what}: ${r.errors.join("; ")}`).toBe(true)
        }
    })
})
