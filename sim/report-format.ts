// Human-readable text for season reports and strategy comparisons (the JSON is the record).

import { Comparison } from "./farm-run"
import { FarmReport } from "./report"

const vnd = (x: number) => x.toLocaleString("en-US")

interface Row {
    label: string
    get: (r: FarmReport) => string
}

const ROWS: Row[] = [
    { label: "irrigation, m³", get: (r) => r.irrigationM3.toFixed(1) },
    { label: "irrigation, mm", get: (r) => r.irrigationMm.toFixed(1) },
    { label: "rain, mm", get: (r) => r.rainMm.toFixed(1) },
    { label: "ETc / ETa, mm", get: (r) => `${r.etcMm.toFixed(0)} / ${r.etaMm.toFixed(0)}` },
    { label: "deep percolation, mm", get: (r) => r.deepPercolationMm.toFixed(1) },
    { label: "  of it from irrigation, mm", get: (r) => `${r.irrigationDeepPercolationMm.toFixed(1)} (${r.irrigationDeepPercolationPct.toFixed(1)}%)` },
    { label: "runoff, mm", get: (r) => r.runoffMm.toFixed(1) },
    { label: "stress days (Ks < 1)", get: (r) => String(r.stressDays) },
    { label: "waterlogged days", get: (r) => String(r.waterloggedDays) },
    { label: "yield loss, %", get: (r) => r.yieldLossPct.toFixed(2) },
    { label: "pump hours (peak)", get: (r) => `${r.pumpHours.toFixed(0)} (${r.pumpHoursPeak.toFixed(1)})` },
    { label: "pump kWh", get: (r) => r.pumpKWh.toFixed(1) },
    { label: "  peak / normal / off-peak", get: (r) => `${r.pumpKWhPeak.toFixed(0)} / ${r.pumpKWhNormal.toFixed(0)} / ${r.pumpKWhOffPeak.toFixed(0)}` },
    { label: "energy cost, VND", get: (r) => vnd(r.energyCostVnd) },
    { label: "alarms", get: (r) => String(r.alarms.length) },
]

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
    return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

export function formatReport(r: FarmReport): string {
    const head = `${r.farm} (${r.areaHa} ha), strategy ${r.strategy}, seed ${r.seed}, ${r.days} days from ${r.startDate}`
    const body = table(["", r.strategy], ROWS.map((row) => [row.label, row.get(r)]))
    const zones = table(
        ["zone", "crop", "irrigation mm", "stress days", "min Ks", "irr. DP mm", "yield loss %"],
        r.zones.map((z) => [z.name, z.crop, z.irrigationMm.toFixed(1), String(z.stressDays), z.minKs.toFixed(3), z.irrigationDeepPercolationMm.toFixed(1), z.yieldLossPct.toFixed(2)]),
    )
    const alarms = r.alarms.length > 0 ? "\nAlarms:\n" + r.alarms.map((a) => `  ${a.time} ${a.kind} ${a.zone} ${a.reason}`).join("\n") : ""
    return `${head}\n\n${body}\n\n${zones}\n${alarms}\nRules (${r.strategy}):\n${indent(r.rules)}\n`
}

export function formatComparison(c: Comparison): string {
    const names = Object.keys(c.reports)
    const head = `${c.farm}, seed ${c.seed}, ${c.days} days from ${c.startDate}: every strategy on the same weather`
    const rows = ROWS.map((row) => [row.label, ...names.map((n) => row.get(c.reports[n]))])
    rows.push(["water / fixed", ...names.map((n) => c.ratios[n].waterVsFixed.toFixed(3))])
    rows.push(["water / oracle", ...names.map((n) => c.ratios[n].waterVsOracle.toFixed(3))])
    rows.push(["energy cost / fixed", ...names.map((n) => c.ratios[n].energyCostVsFixed.toFixed(3))])
    const rules = names.map((n) => `${n}:\n${indent(c.reports[n].rules)}`).join("\n")
    return `${head}\n\n${table(["", ...names], rows)}\n\nRules:\n${rules}\n`
}

function indent(text: string): string {
    return text.split("\n").map((l) => "  " + l).join("\n")
}
