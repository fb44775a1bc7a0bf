import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { FarmError, loadFarm, parseFarm, FARMS_DIR } from "../../sim/farm"
import { RootZone } from "../../sim/soil-water"
import { SOILS } from "../../sim/soils"

const repo = new URL("../../", import.meta.url).pathname

function presetJson(name: string): any {
    return JSON.parse(readFileSync(`${FARMS_DIR}/${name}.json`, "utf8"))
}

describe("farm presets", () => {
    it("loc-quang: 2 ha of pepper in devicescript.json's 4 zones, ~1,100 vines/ha, 2 drippers per vine", () => {
        const f = loadFarm("loc-quang")
        const profile = JSON.parse(readFileSync(`${repo}devicescript.json`, "utf8"))
        expect(f.areaM2).toBeCloseTo(20000, 6)
        expect(f.zones.map((z) => z.name)).toEqual(profile.zones.map((z: any) => z.name))
        for (const z of f.zones) {
            expect(z.crop.id).toBe("pepper")
            expect(z.areaM2).toBeCloseTo(5000, 6)
            expect(z.plants / (z.areaM2 / 10000)).toBeCloseTo(1100, -1)
            expect(z.emittersPerPlant).toBe(2)
            expect(z.probe).toBe(true)
        }
        expect(f.profileSource).toBe("devicescript.json + overrides")
    })

    it("phuoc-thien: 2 ha jackfruit + 1 ha star apple on red basaltic soil, the 8-zone profile", () => {
        const f = loadFarm("phuoc-thien")
        const area = (crop: string) => f.zones.filter((z) => z.crop.id === crop).reduce((s, z) => s + z.areaM2, 0)
        expect(area("jackfruit")).toBeCloseTo(20000, -2)
        expect(area("starApple")).toBeCloseTo(10000, -2)
        expect(f.zones.every((z) => z.soil.id === "redFerralsol")).toBe(true)
        expect(f.zones.every((z) => z.areaM2 >= 2500 && z.areaM2 <= 5000)).toBe(true)
        expect(f.profile.config.zones.length).toBe(8)
    })

    it("10ha: generated, 16 zones (the core's maximum) of mixed crops, 10 ha, embedded profile", () => {
        const f = loadFarm("10ha")
        expect(f.zones.length).toBe(16)
        expect(f.areaM2).toBeCloseTo(100000, 6)
        expect(new Set(f.zones.map((z) => z.crop.id))).toEqual(new Set(["jackfruit", "starApple", "pepper"]))
        expect(f.profileSource).toBe("embedded")
    })
})

describe("farm validation", () => {
    it("lists every problem with its path", () => {
        const bad = presetJson("loc-quang")
        bad.zones[0].crop = "durian"
        bad.zones[1].areaHa = -1
        bad.zones[2].emitter.type = "sprinkler"
        bad.pump.shutoffHeadM = "high"
        let err: unknown
        try {
            parseFarm(bad, FARMS_DIR, "bad.json")
        } catch (e) {
            err = e
        }
        expect(err).toBeInstanceOf(FarmError)
        const msgs = (err as FarmError).errors.join("\n")
        expect(msgs).toMatch(/zones\[0\]\.crop: must be one of "pepper", "jackfruit", "starApple"/)
        expect(msgs).toMatch(/zones\[1\]\.areaHa: must be a number/)
        expect(msgs).toMatch(/zones\[2\]\.emitter\.type/)
        expect(msgs).toMatch(/pump\.shutoffHeadM/)
        expect((err as Error).message).toMatch(/^farm bad\.json is not valid:/)
    })

    it("refuses a farm whose zones do not match its profile, or a profile with errors", () => {
        const fewer = presetJson("loc-quang")
        fewer.zones.pop()
        expect(() => parseFarm(fewer, FARMS_DIR, "x")).toThrow(/the farm has 3 zones but its profile .* has 4/)
        const badProfile = presetJson("loc-quang")
        badProfile.profileOverrides = { tickS: 0 }
        expect(() => parseFarm(badProfile, FARMS_DIR, "x")).toThrow(/profile: tickS: must be a whole number/)
        const missing = presetJson("loc-quang")
        missing.profile = "nowhere.json"
        expect(() => parseFarm(missing, FARMS_DIR, "x")).toThrow(/cannot read .*nowhere\.json/)
    })

    it("refuses plant counts that do not fit the area, and probes the profile reads but the farm lacks", () => {
        const crowded = presetJson("loc-quang")
        crowded.zones[0].plants = 2000
        expect(() => parseFarm(crowded, FARMS_DIR, "x")).toThrow(/zones\[0\]: plants x spacing covers 18000 m²/)
        const noProbe = presetJson("loc-quang")
        noProbe.zones[1].probe = false
        expect(() => parseFarm(noProbe, FARMS_DIR, "x")).toThrow(/zones\[1\]\.probe: profile zone 1 reads sensor 1/)
    })
})

describe("root distribution under drip (soil-water.ts bulbRootFraction)", () => {
    const pepper = (bulbRootFraction?: number) =>
        new RootZone({ soil: SOILS.redFerralsol, rootDepthM: 0.5, pNominal: 0.375, wettedFraction: 0.35, initialDepletionMm: 10, bulbRootFraction })
    // Two months without rain at 5 mm/day ET0, the wetted bulb topped up to field capacity
    // every hour: the soil between the rows dries out.
    function dryFor60Days(zone: RootZone): number {
        let minKs = 1
        for (let h = 0; h < 60 * 24; h++) {
            const refill = Math.max(0, zone.wettedFraction * (0.36 - zone.thetaWetted) * 500)
            minKs = Math.min(minKs, zone.step({ dtS: 3600, et0Mm: 5 / 24, rainMm: 0, irrigationMm: refill, kc: 0.91 }).ks)
        }
        return minKs
    }

    it("with roots spread evenly the crop is stressed however wet the bulb is kept", () => {
        expect(dryFor60Days(pepper())).toBeLessThan(0.7)
    })

    it("with 80% of the roots in the bulb, a bulb kept at field capacity keeps the crop unstressed", () => {
        const zone = pepper(0.8)
        expect(dryFor60Days(zone)).toBe(1)
        expect(zone.thetaUnwetted).toBeLessThan(0.27) // the rows did dry out
    })

    it("refuses a root fraction below the wetted fraction", () => {
        expect(() => pepper(0.2)).toThrow(/bulbRootFraction/)
    })
})
