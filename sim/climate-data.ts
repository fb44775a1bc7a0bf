// Loader for the monthly climate record that calibrates the weather generator: ERA5-Land
// province means for Bình Phước, 1998-2010 (see ../shared/domain.md). The file lives outside
// the repository, in ../shared/data relative to the repository root, so it is read at run time
// rather than bundled.

import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { daysFromCivil } from "../firmware/core/calendar"

export interface MonthlyClimateRecord {
    year: number
    month: number // 1..12
    rainMmPerDay: number
    tMeanC: number
    rhMeanPct: number
}

export interface MonthlyNormal {
    month: number // 1..12
    /** Mean monthly total, mm: each year's mm/day times that month's length, averaged. */
    rainMm: number
    rainMmPerDay: number
    tMeanC: number
    rhMeanPct: number
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

export const BINH_PHUOC_CLIMATE_FILE = path.resolve(repoRoot, "..", "shared", "data", "binh-phuoc-era5land-monthly.tsv")

export function daysInMonth(year: number, month: number): number {
    return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1)
}

/** Reads the TSV (`YYYY-MM <tab> rain mm/day <tab> mean °C <tab> RH %`, `#` comments).
 *  Every year present must have all twelve months, because the generator replays whole years. */
export function loadMonthlyClimate(file: string = BINH_PHUOC_CLIMATE_FILE): MonthlyClimateRecord[] {
    let text: string
    try {
        text = readFileSync(file, "utf8")
    } catch (err) {
        throw new Error(`climate data file not readable: ${file} (expected the shared ERA5-Land monthly TSV next to the repository): ${(err as Error).message}`)
    }
    const records: MonthlyClimateRecord[] = []
    text.split("\n").forEach((raw, i) => {
        const line = raw.trim()
        if (line === "" || line.startsWith("#")) return
        const cols = line.split("\t")
        const ym = /^(\d{4})-(\d{2})$/.exec(cols[0])
        const nums = cols.slice(1).map(Number)
        if (cols.length !== 4 || !ym || !nums.every(Number.isFinite)) throw new Error(`${file}:${i + 1}: malformed line: ${line}`)
        records.push({ year: Number(ym[1]), month: Number(ym[2]), rainMmPerDay: nums[0], tMeanC: nums[1], rhMeanPct: nums[2] })
    })
    const years = new Set(records.map((r) => r.year))
    for (const y of years) {
        const months = new Set(records.filter((r) => r.year === y).map((r) => r.month))
        if (months.size !== 12) throw new Error(`${file}: year ${y} has ${months.size} distinct months, expected 12`)
    }
    if (records.length === 0) throw new Error(`${file}: no data lines`)
    return records
}

/** Long-term mean of each calendar month (index 0 = January). */
export function monthlyNormals(records: MonthlyClimateRecord[]): MonthlyNormal[] {
    return Array.from({ length: 12 }, (_, i) => {
        const rs = records.filter((r) => r.month === i + 1)
        const mean = (f: (r: MonthlyClimateRecord) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length
        return {
            month: i + 1,
            rainMm: mean((r) => r.rainMmPerDay * daysInMonth(r.year, r.month)),
            rainMmPerDay: mean((r) => r.rainMmPerDay),
            tMeanC: mean((r) => r.tMeanC),
            rhMeanPct: mean((r) => r.rhMeanPct),
        }
    })
}
