// Farm descriptions: what grows where, on which soil, behind which valve, watered by which pump,
// and which controller installation profile runs it. Presets live in sim/farms/*.json (and the
// generated "10ha" farm in farm-generate.ts); parseFarm() checks a description and says what is
// wrong with it, by path, before anything is simulated.

import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseProfile, Profile } from "../firmware/core/profile"
import { CropId, CropParams, CROPS } from "./crops"
import { generateTenHaFarm } from "./farm-generate"
import {
    compensatingEmitter, dripZoneLossK, EmitterSpec, hazenWilliamsK, NetworkSpec, PumpSpec, turbulentEmitter, ZoneSpec,
} from "./hydraulics"
import { Soil, SoilId, SOILS } from "./soils"

export const FARMS_DIR = path.dirname(fileURLToPath(import.meta.url)) + "/farms"
export const PRESET_FARMS = ["loc-quang", "phuoc-thien", "10ha"]

/** Assumed: under drip most active roots grow in the wetted soil (see soil-water.ts). */
export const DEFAULT_BULB_ROOT_FRACTION = 0.8
/** Assumed: depletion of both soil compartments on the first day, as a fraction of TAW. */
export const DEFAULT_INITIAL_DEPLETION_FRACTION = 0.15

export interface FarmZone {
    index: number
    name: string
    crop: CropParams
    soil: Soil
    areaM2: number
    plants: number
    /** Row spacing and spacing within the row, m. */
    spacingM: [number, number]
    emittersPerPlant: number
    emitter: EmitterSpec
    elevationM: number
    /** A capacitive probe sits in this zone (profile sensor index = zone index)... */
    probe: boolean
    /** ...between the rows, in soil the drippers do not wet (JSON "probe": "between-rows"),
     *  rather than beside a dripper (JSON true). */
    probeBetweenRows: boolean
    wettedFraction: number
    bulbRootFraction: number
}

export interface ProbeSettings {
    /** How often the simulator samples the probes (the core keeps the last reading). */
    readEveryMin: number
    /** ADC samples the firmware averages per reading (firmware/inputs.ts SAMPLES). */
    samplesPerReading: number
    failurePerYear: number
    /** A technician recalibrates every probe this often, days (0 = never after installation). */
    recalibrateEveryDays: number
}

export interface Farm {
    name: string
    title: string
    notes: string[]
    zones: FarmZone[]
    network: NetworkSpec
    profile: Profile
    /** Where the profile came from: a file path relative to the repository, or "embedded";
     *  "+ overrides" when the farm file changes some of its settings (profileOverrides). */
    profileSource: string
    initialDepletionFraction: number
    probes: ProbeSettings
    areaM2: number
}

export class FarmError extends Error {
    constructor(readonly source: string, readonly errors: string[]) {
        super(`farm ${source} is not valid:\n  - ${errors.join("\n  - ")}`)
    }
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

class Checker {
    errors: string[] = []
    fail(at: string, msg: string): void {
        this.errors.push(`${at}: ${msg}`)
    }
    obj(x: unknown, at: string): Record<string, any> {
        if (x === null || typeof x !== "object" || Array.isArray(x)) {
            this.fail(at, "must be an object")
            return {}
        }
        return x as Record<string, any>
    }
    num(x: unknown, at: string, lo: number, hi: number, dflt?: number): number {
        if (x === undefined && dflt !== undefined) return dflt
        if (typeof x !== "number" || !Number.isFinite(x) || x < lo || x > hi) {
            this.fail(at, `must be a number from ${lo} to ${hi}`)
            return dflt ?? lo
        }
        return x
    }
    int(x: unknown, at: string, lo: number, hi: number, dflt?: number): number {
        const v = this.num(x, at, lo, hi, dflt)
        if (!Number.isInteger(v)) this.fail(at, "must be a whole number")
        return v
    }
    str(x: unknown, at: string): string {
        if (typeof x !== "string" || x.length === 0) {
            this.fail(at, "must be a non-empty string")
            return ""
        }
        return x
    }
    oneOf<T extends string>(x: unknown, at: string, options: readonly T[]): T {
        if (typeof x !== "string" || !(options as readonly string[]).includes(x)) {
            this.fail(at, `must be one of ${options.map((o) => `"${o}"`).join(", ")}`)
            return options[0]
        }
        return x as T
    }
}

function parsePump(c: Checker, x: unknown): PumpSpec {
    const p = c.obj(x, "pump")
    return {
        shutoffHeadM: c.num(p.shutoffHeadM, "pump.shutoffHeadM", 1, 300),
        maxFlowLph: c.num(p.maxFlowLph, "pump.maxFlowLph", 100, 1e6),
        bestEfficiency: c.num(p.bestEfficiency, "pump.bestEfficiency", 0.05, 1),
        bestFlowLph: c.num(p.bestFlowLph, "pump.bestFlowLph", 50, 1e6),
        staticLiftM: c.num(p.staticLiftM, "pump.staticLiftM", -50, 200),
        dryRunPowerFraction: c.num(p.dryRunPowerFraction, "pump.dryRunPowerFraction", 0, 1, 0.5),
    }
}

function parseZone(c: Checker, x: unknown, i: number, defaults: { bulbRootFraction: number }): FarmZone {
    const at = `zones[${i}]`
    const z = c.obj(x, at)
    const crop = CROPS[c.oneOf<CropId>(z.crop, `${at}.crop`, Object.keys(CROPS) as CropId[])]
    const soil = SOILS[c.oneOf<SoilId>(z.soil, `${at}.soil`, Object.keys(SOILS) as SoilId[])]
    const areaM2 = c.num(z.areaHa, `${at}.areaHa`, 0.01, 20) * 10000
    const plants = c.int(z.plants, `${at}.plants`, 1, 100000)
    let spacingM: [number, number] = [3, 3]
    if (!Array.isArray(z.spacingM) || z.spacingM.length !== 2) c.fail(`${at}.spacingM`, "must be [row spacing, spacing in the row] in metres")
    else spacingM = [c.num(z.spacingM[0], `${at}.spacingM[0]`, 0.3, 20), c.num(z.spacingM[1], `${at}.spacingM[1]`, 0.3, 20)]
    const planted = plants * spacingM[0] * spacingM[1]
    if (Math.abs(planted - areaM2) > 0.15 * areaM2) {
        c.fail(at, `plants x spacing covers ${Math.round(planted)} m², more than 15% away from areaHa (${Math.round(areaM2)} m²)`)
    }
    const e = c.obj(z.emitter, `${at}.emitter`)
    const type = c.oneOf(e.type, `${at}.emitter.type`, ["compensating", "turbulent"] as const)
    const lph = c.num(e.lph, `${at}.emitter.lph`, 0.5, 100)
    const wettedFraction = c.num(z.wettedFraction, `${at}.wettedFraction`, 0.05, 1, crop.wettedFraction)
    const bulbRootFraction = c.num(z.bulbRootFraction, `${at}.bulbRootFraction`, 0, 1, defaults.bulbRootFraction)
    if (bulbRootFraction < wettedFraction) c.fail(`${at}.bulbRootFraction`, `must be at least the wetted fraction (${wettedFraction})`)
    if (typeof z.probe !== "boolean" && z.probe !== "between-rows") c.fail(`${at}.probe`, 'must be true (beside a dripper), "between-rows" or false')
    return {
        index: i,
        name: c.str(z.name, `${at}.name`),
        crop,
        soil,
        areaM2,
        plants,
        spacingM,
        emittersPerPlant: c.int(z.emittersPerPlant, `${at}.emittersPerPlant`, 1, 50),
        emitter: type === "compensating" ? compensatingEmitter(lph) : turbulentEmitter(lph),
        elevationM: c.num(z.elevationM, `${at}.elevationM`, -50, 50, 0),
        probe: z.probe === true || z.probe === "between-rows",
        probeBetweenRows: z.probe === "between-rows",
        wettedFraction,
        bulbRootFraction: Math.max(bulbRootFraction, wettedFraction),
    }
}

/** Lumped friction of a block: one 16 mm PE lateral (13.6 mm bore) per row across a square
 *  block, fed by a PVC submain along one side, 40 mm (36 mm bore) up to 5 m³/h, else 63 mm. */
function zoneSpec(z: FarmZone): ZoneSpec {
    const side = Math.sqrt(z.areaM2)
    const emitters = z.plants * z.emittersPerPlant
    const flowLph = emitters * z.emitter.nominalLph
    const lossK = dripZoneLossK({
        laterals: Math.max(1, Math.round(side / z.spacingM[0])),
        lateralLengthM: side,
        lateralIdMm: 13.6,
        submainLengthM: side,
        submainIdMm: flowLph <= 5000 ? 36 : 54,
        hwC: 145,
    })
    return { emitters, emitter: z.emitter, elevationM: z.elevationM, lossK, areaM2: z.areaM2 }
}

/** A copy of `base` with `over` merged in: objects merge key by key, anything else replaces. */
function mergeObjects(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base }
    for (const [k, v] of Object.entries(over)) {
        const b = out[k]
        const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x)
        out[k] = isObj(b) && isObj(v) ? mergeObjects(b, v) : v
    }
    return out
}

function readJson(file: string, what: string): unknown {
    let text: string
    try {
        text = readFileSync(file, "utf8")
    } catch (err) {
        throw new FarmError(what, [`cannot read ${file}: ${(err as Error).message}`])
    }
    try {
        return JSON.parse(text)
    } catch (err) {
        throw new FarmError(what, [`${file} is not valid JSON: ${(err as Error).message}`])
    }
}

/** Checks a farm description (already JSON-decoded); relative profile paths are resolved from
 *  baseDir. Throws a FarmError listing every problem found. */
export function parseFarm(json: unknown, baseDir: string, source: string): Farm {
    const c = new Checker()
    const f = c.obj(json, "farm")
    const name = c.str(f.name, "name")
    const bulbRootFraction = c.num(f.bulbRootFraction, "bulbRootFraction", 0, 1, DEFAULT_BULB_ROOT_FRACTION)
    const zones: FarmZone[] = []
    if (!Array.isArray(f.zones) || f.zones.length === 0) c.fail("zones", "must be a non-empty list")
    else f.zones.forEach((z: unknown, i: number) => zones.push(parseZone(c, z, i, { bulbRootFraction })))
    const pump = parsePump(c, f.pump)
    const main = c.obj(f.mainLine, "mainLine")
    const mainLossK = hazenWilliamsK(
        c.num(main.lengthM, "mainLine.lengthM", 1, 10000) + c.num(main.fittingsEquivalentM, "mainLine.fittingsEquivalentM", 0, 10000, 0),
        c.num(main.innerDiameterMm, "mainLine.innerDiameterMm", 10, 1000),
        c.num(main.hwC, "mainLine.hwC", 60, 160, 150),
    )
    const pr = c.obj(f.probes ?? {}, "probes")
    const probes: ProbeSettings = {
        readEveryMin: c.int(pr.readEveryMin, "probes.readEveryMin", 1, 240, 30),
        samplesPerReading: c.int(pr.samplesPerReading, "probes.samplesPerReading", 1, 64, 4),
        failurePerYear: c.num(pr.failurePerYear, "probes.failurePerYear", 0, 100, 0),
        recalibrateEveryDays: c.int(pr.recalibrateEveryDays, "probes.recalibrateEveryDays", 0, 3650, 0),
    }

    let profile: Profile | null = null
    let profileSource = "embedded"
    let profileJson: unknown = f.profile
    if (typeof f.profile === "string") {
        const file = path.resolve(baseDir, f.profile)
        profileSource = path.relative(REPO_ROOT, file)
        try {
            profileJson = readJson(file, source)
        } catch (err) {
            c.errors.push(...(err instanceof FarmError ? err.errors.map((e) => `profile: ${e}`) : [String(err)]))
            profileJson = undefined
        }
    }
    if (f.profileOverrides !== undefined) {
        const o = c.obj(f.profileOverrides, "profileOverrides")
        if (profileJson !== null && typeof profileJson === "object") profileJson = mergeObjects(profileJson as Record<string, unknown>, o)
    }
    if (profileJson === undefined || profileJson === null) {
        if (c.errors.every((e) => !e.startsWith("profile"))) c.fail("profile", "must be a path to an installation profile or the profile itself")
    } else {
        const r = parseProfile(profileJson)
        for (const e of r.errors) c.fail("profile", e)
        profile = r.profile
    }
    if (f.profileOverrides !== undefined) profileSource += " + overrides"
    if (profile !== null && zones.length !== profile.config.zones.length) {
        c.fail("zones", `the farm has ${zones.length} zones but its profile (${profileSource}) has ${profile.config.zones.length}`)
    }
    if (profile !== null && zones.length === profile.config.zones.length) {
        zones.forEach((z, i) => {
            const s = profile!.config.zones[i].sensor
            if (s >= 0 && !zones[s]?.probe) c.fail(`zones[${s}].probe`, `profile zone ${i} reads sensor ${s}, but that zone has no probe`)
            if (s >= 0 && zones[s]?.probeBetweenRows) c.fail(`zones[${s}].probe`, `profile zone ${i} reads sensor ${s} as its bulb probe, but that probe is between the rows`)
            const rs = profile!.config.zones[i].rowSensor ?? -1
            if (rs >= 0 && !zones[rs]?.probeBetweenRows) c.fail(`zones[${rs}].probe`, `profile zone ${i} reads sensor ${rs} as its probe between the rows, but that zone has none there`)
        })
    }
    if (c.errors.length > 0 || profile === null) throw new FarmError(source, c.errors)
    return {
        name,
        title: typeof f.title === "string" ? f.title : name,
        notes: Array.isArray(f.notes) ? f.notes.filter((n: unknown) => typeof n === "string") : [],
        zones,
        network: { pump, mainLossK, masterValve: profile.config.masterValve, zones: zones.map(zoneSpec) },
        profile,
        profileSource,
        initialDepletionFraction: c.num(f.initialDepletionFraction, "initialDepletionFraction", 0, 1, DEFAULT_INITIAL_DEPLETION_FRACTION),
        probes,
        areaM2: zones.reduce((s, z) => s + z.areaM2, 0),
    }
}

/** A preset by name ("loc-quang", "phuoc-thien", "10ha") or a farm file by path. */
export function loadFarm(nameOrPath: string): Farm {
    if (nameOrPath === "10ha") return parseFarm(generateTenHaFarm(), FARMS_DIR, "10ha (generated)")
    const file = PRESET_FARMS.includes(nameOrPath) ? path.join(FARMS_DIR, `${nameOrPath}.json`) : path.resolve(nameOrPath)
    if (!PRESET_FARMS.includes(nameOrPath) && !existsSync(file)) {
        throw new FarmError(nameOrPath, [`"${nameOrPath}" is neither a preset (${PRESET_FARMS.join(", ")}) nor a readable farm file`])
    }
    return parseFarm(readJson(file, nameOrPath), path.dirname(file), nameOrPath)
}
