import { describe, expect, it } from "vitest"
import { daysFromCivil } from "../../firmware/core/calendar"
import { loadMonthlyClimate, monthlyNormals } from "../../sim/climate-data"
import { daylightHours } from "../../sim/et0"
import { DailyWeather, generateWeather, hourlyWeather, hoursOfDay } from "../../sim/weather"

const climate = loadMonthlyClimate()
const normals = monthlyNormals(climate)

// domain.md, "Climate of Bình Phước" (rounded long-term means of the same file, and an FAO-56
// ET0 estimate from them).
const DOMAIN_RAIN_MM = [14, 15, 60, 120, 258, 286, 326, 342, 346, 263, 120, 48]
const DOMAIN_T_C = [26.3, 27.6, 28.2, 28.2, 27.0, 26.0, 25.6, 25.4, 25.3, 25.2, 25.3, 25.4]
const DOMAIN_ET0_MM_DAY = [4.5, 5.3, 5.4, 5.0, 4.1, 3.6, 3.6, 3.6, 3.5, 3.4, 3.6, 3.9]

const YEARS = 30
const start = daysFromCivil(2001, 1, 1)
const days = daysFromCivil(2001 + YEARS, 1, 1) - start
const t0 = performance.now()
const run = generateWeather({ seed: 1, startDayNumber: start, days, climate })
const runMs = performance.now() - t0

interface MonthStats { rainMm: number, et0MmDay: number, tMeanC: number, rangeC: number, days: number }

/** Per calendar month: mean monthly rain total over the years, mean daily values. */
function monthStats(ws: DailyWeather[], years: number): MonthStats[] {
    const s = Array.from({ length: 12 }, () => ({ rainMm: 0, et0MmDay: 0, tMeanC: 0, rangeC: 0, days: 0 }))
    for (const d of ws) {
        const m = s[d.month - 1]
        m.rainMm += d.rainMm / years
        m.et0MmDay += d.et0Mm
        m.tMeanC += d.tMeanC
        m.rangeC += d.tMaxC - d.tMinC
        m.days++
    }
    return s.map((m) => ({ ...m, et0MmDay: m.et0MmDay / m.days, tMeanC: m.tMeanC / m.days, rangeC: m.rangeC / m.days }))
}
const stats = monthStats(run, YEARS)
const annualRain = stats.reduce((a, m) => a + m.rainMm, 0)

describe("climate data loader", () => {
    it("reproduces domain.md's long-term monthly rain and temperature table", () => {
        normals.forEach((n, i) => {
            expect(Math.abs(n.rainMm - DOMAIN_RAIN_MM[i])).toBeLessThanOrEqual(0.5)
            expect(Math.abs(n.tMeanC - DOMAIN_T_C[i])).toBeLessThanOrEqual(0.05 + 1e-9)
        })
    })

    it("a missing data file is a clear error naming the file", () => {
        expect(() => loadMonthlyClimate("/nonexistent/era5.tsv")).toThrow(/climate data file not readable: \/nonexistent\/era5.tsv/)
    })
})

describe("determinism", () => {
    const short = (seed: number, n = 400) => generateWeather({ seed, startDayNumber: start, days: n, climate })

    it("the same seed gives identical weather", () => {
        expect(short(7)).toEqual(short(7))
    })

    it("different seeds give different weather", () => {
        expect(short(7).map((d) => d.rainMm)).not.toEqual(short(8).map((d) => d.rainMm))
    })

    it("a shorter run is the start of a longer one with the same seed and start day", () => {
        expect(short(7, 45)).toEqual(short(7, 400).slice(0, 45))
    })

    it("days are consecutive from startDayNumber with matching calendar fields", () => {
        const ws = generateWeather({ seed: 3, startDayNumber: daysFromCivil(2024, 2, 27), days: 5, climate })
        expect(ws.map((d) => [d.year, d.month, d.dayOfMonth, d.dayOfYear])).toEqual([
            [2024, 2, 27, 58], [2024, 2, 28, 59], [2024, 2, 29, 60], [2024, 3, 1, 61], [2024, 3, 2, 62],
        ])
        expect(ws.map((d) => d.dayNumber)).toEqual([0, 1, 2, 3, 4].map((i) => daysFromCivil(2024, 2, 27) + i))
    })
})

describe("30-year climate matches the record (seed 1, 2001-2030)", () => {
    it("generates 30 years of daily weather in well under a second", () => {
        expect(run.length).toBe(days)
        expect(runMs).toBeLessThan(1000)
    })

    it("monthly rain means are within 10 % of the record (months > 20 mm) or 5 mm (drier months)", () => {
        normals.forEach((n, i) => {
            const got = stats[i].rainMm
            if (n.rainMm > 20) expect(Math.abs(got / n.rainMm - 1), `month ${i + 1}: ${got} vs ${n.rainMm}`).toBeLessThanOrEqual(0.1)
            else expect(Math.abs(got - n.rainMm), `month ${i + 1}: ${got} vs ${n.rainMm}`).toBeLessThanOrEqual(5)
        })
    })

    it("annual rain averages inside domain.md's 2,050-2,330 mm band", () => {
        expect(annualRain).toBeGreaterThanOrEqual(2050)
        expect(annualRain).toBeLessThanOrEqual(2330)
    })

    it("85-90 % of the rain falls May-November", () => {
        const wet = stats.slice(4, 11).reduce((a, m) => a + m.rainMm, 0)
        expect(wet / annualRain).toBeGreaterThanOrEqual(0.85)
        expect(wet / annualRain).toBeLessThanOrEqual(0.9)
    })

    it("monthly mean temperatures are within 0.5 °C of the record", () => {
        normals.forEach((n, i) => expect(Math.abs(stats[i].tMeanC - n.tMeanC)).toBeLessThanOrEqual(0.5))
    })

    it("mean daily temperature range stays within domain.md's 7-9 °C", () => {
        for (const m of stats) {
            expect(m.rangeC).toBeGreaterThanOrEqual(7 - 0.05)
            expect(m.rangeC).toBeLessThanOrEqual(9 + 0.05)
        }
    })

    it("monthly mean ET0 is within ±15 % of domain.md's FAO-56 estimate", () => {
        stats.forEach((m, i) => expect(Math.abs(m.et0MmDay / DOMAIN_ET0_MM_DAY[i] - 1), `month ${i + 1}: ${m.et0MmDay}`).toBeLessThanOrEqual(0.15))
    })

    it("sunshine totals 2,400-2,500 h a year, with fewer hours per day in the wet season", () => {
        const hours = run.reduce((a, d) => a + d.sunshineHours, 0) / YEARS
        expect(hours).toBeGreaterThanOrEqual(2400)
        expect(hours).toBeLessThanOrEqual(2500)
        const perDay = (months: number[]) => {
            const ds = run.filter((d) => months.includes(d.month))
            return ds.reduce((a, d) => a + d.sunshineHours, 0) / ds.length
        }
        expect(perDay([6, 7, 8, 9])).toBeLessThan(perDay([1, 2, 3]) - 2)
    })

    it("wind at 2 m averages 1.5-2 m/s", () => {
        const mean = run.reduce((a, d) => a + d.windSpeed2mMs, 0) / run.length
        expect(mean).toBeGreaterThanOrEqual(1.5)
        expect(mean).toBeLessThanOrEqual(2)
    })
})

describe("whole cycles of observed years", () => {
    it("a 26-year run from 1 January replays each observed year twice, so its monthly rain equals the record's", () => {
        // Up to leap-day pairing: February's rain is mm/day x the simulated month's length.
        for (const seed of [11, 12, 13]) {
            const s0 = daysFromCivil(2030, 1, 1)
            const got = monthStats(generateWeather({ seed, startDayNumber: s0, days: daysFromCivil(2056, 1, 1) - s0, climate }), 26)
            normals.forEach((n, i) => expect(Math.abs(got[i].rainMm - n.rainMm)).toBeLessThanOrEqual(0.01 * n.rainMm + 0.5))
        }
    })
})

describe("daily records are physically consistent", () => {
    // Violations are collected and compared with [] so one failure names the day at fault
    // (and 11,000 days do not cost 11,000 expect() calls).
    it("Tmin < Tmean < Tmax, 0 < RHmin <= RHmax <= 100, sunshine within daylight, ET0 positive", () => {
        const bad = run.filter((d) => !(d.tMinC < d.tMeanC && d.tMeanC < d.tMaxC && d.rhMinPct > 0 && d.rhMinPct <= d.rhMaxPct &&
            d.rhMaxPct <= 100 + 1e-9 && d.sunshineHours >= 0 && d.sunshineHours <= daylightHours(11.5, d.dayOfYear) && d.et0Mm > 0))
        expect(bad).toEqual([])
    })

    it("rain events are ordered, inside the day, non-overlapping, and add up to the day's rain", () => {
        const bad = run.filter((d) => {
            if (d.rainMm === 0) return d.rainEvents.length !== 0
            if (d.rainEvents.length < 1 || d.rainEvents.length > 3) return true
            let end = 0
            for (const e of d.rainEvents) {
                if (e.startMin < end || e.durationMin <= 0 || e.mm <= 0) return true
                end = e.startMin + e.durationMin
            }
            return end > 1440 || Math.abs(d.rainEvents.reduce((a, e) => a + e.mm, 0) - d.rainMm) > 1e-9
        })
        expect(bad).toEqual([])
    })

    it("most wet-season rain starts between 12:00 and 20:00 (afternoon convection)", () => {
        let afternoon = 0
        let total = 0
        for (const d of run.filter((w) => w.month >= 5 && w.month <= 11)) {
            for (const e of d.rainEvents) {
                total += e.mm
                if (e.startMin >= 720 && e.startMin < 1200) afternoon += e.mm
            }
        }
        expect(afternoon / total).toBeGreaterThan(0.7)
    })
})

describe("hours of a day", () => {
    const wetDay = run.find((d) => d.month === 7 && d.rainEvents.length >= 2)!
    const dryDay = run.find((d) => d.month === 2 && d.rainMm === 0)!

    it("hourly rain, radiation and ET0 add up to the day's values", () => {
        for (const day of [wetDay, dryDay]) {
            const hs = hoursOfDay(day)
            expect(hs.reduce((a, h) => a + h.rainMm, 0)).toBeCloseTo(day.rainMm, 9)
            expect(hs.reduce((a, h) => a + h.solarRadiationMJm2, 0)).toBeCloseTo(day.solarRadiationMJm2, 6)
            expect(hs.reduce((a, h) => a + h.et0Mm, 0)).toBeCloseTo(day.et0Mm, 9)
        }
    })

    it("rain falls in the hours its events cover", () => {
        const hs = hoursOfDay(wetDay)
        for (const h of hs) {
            const covered = wetDay.rainEvents.some((e) => e.startMin < h.hour * 60 + 60 && e.startMin + e.durationMin > h.hour * 60)
            expect(h.rainMm > 0).toBe(covered)
        }
    })

    it("temperature stays in [Tmin, Tmax], is coolest near dawn and hottest early afternoon; no sun at night", () => {
        const hs = hoursOfDay(dryDay)
        for (const h of hs) {
            expect(h.tempC).toBeGreaterThanOrEqual(dryDay.tMinC)
            expect(h.tempC).toBeLessThanOrEqual(dryDay.tMaxC)
            expect(h.rhPct).toBeLessThanOrEqual(100)
        }
        const hottest = hs.reduce((a, h) => (h.tempC > a.tempC ? h : a))
        const coolest = hs.reduce((a, h) => (h.tempC < a.tempC ? h : a))
        expect(hottest.hour).toBeGreaterThanOrEqual(12)
        expect(hottest.hour).toBeLessThanOrEqual(15)
        expect(coolest.hour).toBeGreaterThanOrEqual(4)
        expect(coolest.hour).toBeLessThanOrEqual(6)
        for (const h of [hs[0], hs[2], hs[21], hs[23]]) expect(h.solarRadiationMJm2).toBe(0)
        const peakEt0 = hs.reduce((a, h) => (h.et0Mm > a.et0Mm ? h : a))
        expect(peakEt0.hour).toBeGreaterThanOrEqual(10)
        expect(peakEt0.hour).toBeLessThanOrEqual(14)
    })

    it("hourlyWeather(day, h) is hour h of hoursOfDay and rejects other hours", () => {
        expect(hourlyWeather(dryDay, 13)).toEqual(hoursOfDay(dryDay)[13])
        expect(() => hourlyWeather(dryDay, 24)).toThrow(/hour/)
        expect(() => hourlyWeather(dryDay, 1.5)).toThrow(/hour/)
    })
})
