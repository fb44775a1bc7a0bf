// The oracle variants that know less (sim/strategies/oracle.ts, sim/oracle-knowledge.ts): what
// they claim about the controller's gap rests on each of them watering safely. One year of
// loc-quang, seed 2 (pepper: the narrowest band, so the first to show a planner's error).

import { beforeAll, describe, expect, it } from "vitest"
import { KnowledgeRow, knowledgeRow } from "../../sim/oracle-knowledge"
import { loadFarm } from "../../sim/farm"
import { OracleStrategy } from "../../sim/strategies/oracle"
import { FarmSim } from "../../sim/farm-sim"
import { weatherFor } from "../../sim/farm-run"
import { assignSensors } from "../../sim/strategies/controller"

describe("oracle variants, loc-quang seed 2, one year", () => {
    let row: KnowledgeRow
    beforeAll(() => {
        row = knowledgeRow("loc-quang", 2, 365, ["all", "bulb", "bulb-rain", "box"], false)
    }, 120_000)

    it("counting the rows as dry (all a bulb probe shows without inference) never stresses the crop, and takes more water than knowing them", () => {
        const { all, bulb } = row.oracles
        expect(bulb!.stressDays).toBe(0)
        expect(bulb!.irrigationMm).toBeGreaterThan(all!.irrigationMm)
    })

    it("rows estimated from the rain the bulb shows: no stress, and less water than counting them dry", () => {
        const est = row.oracles["bulb-rain"]!
        expect(est.stressDays).toBe(0)
        expect(est.irrigationMm).toBeLessThan(row.oracles.bulb!.irrigationMm)
    })

    it("what the box itself could know (its probes, no weather ahead) still waters without stress", () => {
        expect(row.oracles.box!.stressDays).toBe(0)
    })
})

describe("oracle variants: zones that share a probe", () => {
    it("a zone that reads a neighbour's probe gets the water that probe's zone got (same crop, soil and drippers: within 2 % over 60 dry-season days)", () => {
        const farm = loadFarm("phuoc-thien") // 8 zones, 3 probes
        const sim = new FarmSim({ farm, weather: weatherFor(2, "2025-01-01", 60), strategy: new OracleStrategy("probe"), seed: 2 })
        sim.run()
        const leader = assignSensors(farm)
        const mm = (z: number) => sim.zoneTotals(z).irrigationL / farm.zones[z].areaM2
        const followers = farm.zones.map((_, z) => z).filter((z) => leader[z] !== z)
        expect(followers.length).toBe(5)
        for (const z of followers) {
            expect(mm(leader[z])).toBeGreaterThan(50) // the dry season: the leader did water
            expect(Math.abs(mm(z) - mm(leader[z]))).toBeLessThanOrEqual(0.02 * mm(leader[z]))
        }
    })
})

describe("oracle variants: inputs", () => {
    it("the probe variants refuse a farm where a crop and soil has no probe to read (nothing would tell them when to water it)", () => {
        const farm = loadFarm("phuoc-thien")
        const blind = { ...farm, zones: farm.zones.map((z) => ({ ...z, probe: false, probeBetweenRows: false })) }
        const sim = { farm: blind, zones: [], seed: 1, zoneCount: blind.zones.length } as never
        expect(() => new OracleStrategy("probe").start(sim)).toThrow(/probe beside a dripper in a zone of each crop and soil/)
    })
})
