// The oracle variants that know less (sim/strategies/oracle.ts, sim/oracle-knowledge.ts): what
// they claim about the controller's gap rests on each of them watering safely. One year of
// loc-quang, seed 2 (pepper: the narrowest band, so the first to show a planner's error).

import { beforeAll, describe, expect, it } from "vitest"
import { KnowledgeRow, knowledgeRow } from "../../sim/oracle-knowledge"
import { loadFarm } from "../../sim/farm"
import { OracleStrategy } from "../../sim/strategies/oracle"

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

describe("oracle variants: inputs", () => {
    it("the probe variants refuse a farm where a crop and soil has no probe to read (nothing would tell them when to water it)", () => {
        const farm = loadFarm("phuoc-thien")
        const blind = { ...farm, zones: farm.zones.map((z) => ({ ...z, probe: false, probeBetweenRows: false })) }
        const sim = { farm: blind, zones: [], seed: 1, zoneCount: blind.zones.length } as never
        expect(() => new OracleStrategy("probe").start(sim)).toThrow(/probe beside a dripper in a zone of each crop and soil/)
    })
})
