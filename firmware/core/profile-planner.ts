// The profile's "planner" section and each zone's "plan" (what the planner, planner.ts, needs
// to know of a zone's crop and soil). A profile without the section has no planner: programs
// water every zone. With it, every zone that has a "plan" is watered from its probe.
//
//   "planner": {
//     "marginTenthsMm": 50,          depletion kept under RAW, tenths of mm
//     "hotPct": 130,                 RAW reckoned for a day this hot, % of the month's mean ETc
//     "et0TenthsByMonth": [38, ...], the month's mean reference ET0, tenths of mm a day (12)
//     "crops": [{ "name": "pepper", "kcPctByMonth": [105, ...] (12), "pPct": 38,
//                 "rootsInBulbPct": 80, "wettedPct": 35, "rootDepthMm": 500 }]
//   }
//   zone: "plan": { "crop": 0, "wiltingPctTenths": 230, "fieldCapacityPctTenths": 360, "areaM2": 5000 }
//
// Wilting point and field capacity are as the zone's probe reads them (its calibration).

import { Reader } from "./profile-reader"
import { PlanCrop, PlannerConfig, ZoneConfig } from "./types"

/** Twelve whole numbers from lo to hi, or an error at path. */
function months(r: Reader, x: any, path: string, lo: number, hi: number): number[] {
    const out: number[] = []
    if (!Array.isArray(x) || x.length !== 12) {
        r.fail(path, "must be a list of 12 numbers, January first")
        return out
    }
    for (let m = 0; m < 12; m++) out.push(r.int(x[m], path + "[" + m + "]", lo, hi, lo))
    return out
}

/** The planner's config from the profile (undefined without the section); sets each zone's
 *  plan from the zones' JSON. */
export function parsePlanner(r: Reader, x: any, zonesJson: any, zones: ZoneConfig[]): PlannerConfig | undefined {
    if (x === undefined) {
        if (Array.isArray(zonesJson)) for (let i = 0; i < zonesJson.length; i++) {
            const z = zonesJson[i]
            if (z !== null && typeof z === "object" && z.plan !== undefined) r.fail("zones[" + i + "].plan", "needs a planner section")
        }
        return undefined
    }
    const p = r.obj(x, "planner")
    const crops: PlanCrop[] = []
    if (!Array.isArray(p.crops) || p.crops.length < 1 || p.crops.length > 8) r.fail("planner.crops", "must be a list of 1 to 8 crops")
    else for (let c = 0; c < p.crops.length; c++) {
        const path = "planner.crops[" + c + "]"
        const cr = r.obj(p.crops[c], path)
        crops.push({
            kcPct: months(r, cr.kcPctByMonth, path + ".kcPctByMonth", 10, 200),
            pPct: r.int(cr.pPct, path + ".pPct", 10, 80, 50),
            rbPct: r.int(cr.rootsInBulbPct, path + ".rootsInBulbPct", 10, 100, 100),
            fwPct: r.int(cr.wettedPct, path + ".wettedPct", 5, 100, 100),
            rootMm: r.int(cr.rootDepthMm, path + ".rootDepthMm", 100, 3000, 500),
        })
    }
    const cfg: PlannerConfig = {
        et0Tenths: months(r, p.et0TenthsByMonth, "planner.et0TenthsByMonth", 1, 150),
        marginTenthsMm: r.int(p.marginTenthsMm, "planner.marginTenthsMm", 0, 500, 50),
        hotPct: r.int(p.hotPct, "planner.hotPct", 100, 200, 130),
        crops: crops,
    }
    let planned = 0
    for (let i = 0; i < zones.length && Array.isArray(zonesJson); i++) {
        const zj = zonesJson[i]
        if (zj === null || typeof zj !== "object" || zj.plan === undefined) continue
        const path = "zones[" + i + "].plan"
        const pj = r.obj(zj.plan, path)
        const wp = r.int(pj.wiltingPctTenths, path + ".wiltingPctTenths", 0, 1000, 0)
        const fc = r.int(pj.fieldCapacityPctTenths, path + ".fieldCapacityPctTenths", 0, 1000, 0)
        if (fc <= wp) r.fail(path + ".fieldCapacityPctTenths", "must be above wiltingPctTenths")
        if (zones[i].sensor < 0) r.fail(path, "a planned zone needs a probe to read (sensor)")
        zones[i].plan = {
            crop: r.int(pj.crop, path + ".crop", 0, crops.length > 0 ? crops.length - 1 : 0, 0),
            wpTenths: wp,
            fcTenths: fc,
            areaM2: r.int(pj.areaM2, path + ".areaM2", 1, 1000000, 1),
        }
        planned++
    }
    if (planned === 0) r.fail("planner", "no zone has a plan: give each zone the planner waters a \"plan\"")
    return cfg
}
