// Weather of one simulated run, laid out for a fast time loop: hourly reference ET0 and rain in
// flat arrays (with running sums for look-ahead), plus the monthly normals that baselines are
// sized with. Every strategy of a comparison gets the same RunWeather.

import { dayEt0AndRain, generateWeather, DailyWeather } from "./weather"

export interface RunWeather {
    seed: number
    /** Local day number (days since 1970-01-01) of the first day. */
    startDay: number
    days: number
    daily: DailyWeather[]
    /** Reference ET0 and rain of each hour of the run, mm (index = day * 24 + hour). */
    et0H: Float64Array
    rainH: Float64Array
    /** Running sums: cum[i] = sum of hours 0 .. i-1, so a window [a, b) is cum[b] - cum[a]. */
    et0Cum: Float64Array
    rainCum: Float64Array
}

export function runWeather(seed: number, startDay: number, days: number): RunWeather {
    const daily = generateWeather({ seed, startDayNumber: startDay, days })
    const n = days * 24
    const et0H = new Float64Array(n)
    const rainH = new Float64Array(n)
    for (let d = 0; d < days; d++) dayEt0AndRain(daily[d], et0H, rainH, d * 24)
    return { seed, startDay, days, daily, et0H, rainH, et0Cum: cumulative(et0H), rainCum: cumulative(rainH) }
}

/** Running sums of an hourly series: out[i] = sum of xs[0 .. i-1]. */
export function cumulative(xs: Float64Array): Float64Array {
    const out = new Float64Array(xs.length + 1)
    for (let i = 0; i < xs.length; i++) out[i + 1] = out[i] + xs[i]
    return out
}

/** Sum of an hourly series over simulated seconds [fromS, toS) of the run, prorated within
 *  hours and clipped to the run. */
export function windowSum(cum: Float64Array, fromS: number, toS: number): number {
    const n = cum.length - 1
    const at = (s: number): number => {
        const x = Math.min(n, Math.max(0, s / 3600))
        const i = Math.floor(x)
        return i >= n ? cum[n] : cum[i] + (cum[i + 1] - cum[i]) * (x - i)
    }
    return toS > fromS ? at(toS) - at(fromS) : 0
}

export interface MonthlyNormals {
    /** Mean daily reference ET0 of each calendar month, mm/day (index 0 = January). */
    et0MmPerDay: number[]
    /** Mean daily rain of each calendar month, mm/day. */
    rainMmPerDay: number[]
}

let normalsCache: MonthlyNormals | null = null

/** What a farmer or an installer knows of the local climate: monthly means of the weather
 *  generator over one replay of the 13 observed years (fixed seed, independent of the run). */
export function climateNormals(): MonthlyNormals {
    if (normalsCache !== null) return normalsCache
    const days = generateWeather({ seed: 20240101, startDayNumber: 10957 /* 2000-01-01 */, days: 13 * 365 + 3 })
    const et0 = new Array(12).fill(0)
    const rain = new Array(12).fill(0)
    const count = new Array(12).fill(0)
    for (const d of days) {
        et0[d.month - 1] += d.et0Mm
        rain[d.month - 1] += d.rainMm
        count[d.month - 1]++
    }
    normalsCache = {
        et0MmPerDay: et0.map((x, i) => x / count[i]),
        rainMmPerDay: rain.map((x, i) => x / count[i]),
    }
    return normalsCache
}
