// Fertigation and pesticide dosing for one run: pre-wet with clean water, inject, then flush
// with clean water. The order protects the crop and the emitters (salt and algae in a line
// left full of fertiliser clog it). The injector sits on the main line, so a dosed run waters
// its zone alone.

import { isBool, isIntIn } from "./validate"

export interface InjectorConfig {
    present: boolean
    /** Injection rate while water flows, mL/min (a dosing pump's setting, or a venturi's
     *  measured suction at working pressure). */
    mlPerMin: number
    /** Shortest clean-water flush after injection, seconds. */
    minFlushS: number
    /** Shortest clean-water pre-wet before injection, seconds. */
    minPrewetS: number
}

export interface Dose {
    /** Product number in the co-op's product list (the diary names it), 1..99. */
    product: number
    /** Amount as millilitres of product (true) or seconds of injection (false). */
    byVolume: boolean
    amount: number
    prewetS: number
    flushS: number
    /** Pre-harvest interval in days for a pesticide; 0 for a fertiliser. */
    phiDays: number
}

export enum DosePhase {
    Prewet = 0,
    Inject = 1,
    Flush = 2,
}

export interface DoseState {
    dose: Dose
    phase: DosePhase
    /** Seconds the injector has run. */
    injectedS: number
    /** Seconds of clean water since injection stopped. */
    flushedS: number
}

/** Seconds of injection a dose needs at the injector's rate. */
export function injectionSeconds(d: Dose, inj: InjectorConfig): number {
    return d.byVolume ? Math.floor((d.amount * 60 + inj.mlPerMin - 1) / inj.mlPerMin) : d.amount
}

/** "" when the dose fits the injector and a run of runS seconds, else an error code. */
export function doseError(d: any, inj: InjectorConfig | undefined, runS: number, hasFlowMeter: boolean): string {
    if (d === null || typeof d !== "object") return "bad_dose"
    if (inj === undefined || !inj.present) return "no_injector"
    if (!hasFlowMeter) return "no_flow_meter"
    if (!isIntIn(d.product, 1, 99)) return "bad_product"
    if (!isBool(d.byVolume)) return "bad_by_volume"
    if (!isIntIn(d.amount, 1, 1000000)) return "bad_amount"
    if (!isIntIn(d.prewetS, inj.minPrewetS, 7200)) return "prewet_short"
    if (!isIntIn(d.flushS, inj.minFlushS, 7200)) return "flush_short"
    if (!isIntIn(d.phiDays, 0, 365)) return "bad_phi"
    if (d.prewetS + injectionSeconds(d, inj) + d.flushS > runS) return "run_too_short"
    return ""
}

export function cleanDose(d: Dose): Dose {
    return { product: d.product, byVolume: d.byVolume, amount: d.amount, prewetS: d.prewetS, flushS: d.flushS, phiDays: d.phiDays }
}

export function newDoseState(d: Dose): DoseState {
    return { dose: cleanDose(d), phase: DosePhase.Prewet, injectedS: 0, flushedS: 0 }
}

/**
 * Advances a dose by one interval of `dt` seconds in which the zone watered (`watered`)
 * and the injector was on (`injected`), then says whether the injector may run next: only
 * in the injection phase, while flow is confirmed and the tank has product, and only while
 * enough water is left in the run for the flush.
 */
export function advanceDose(st: DoseState, inj: InjectorConfig, wateredS: number, remainingS: number, dt: number, injected: boolean, watered: boolean): void {
    if (injected) st.injectedS += dt
    if (watered && st.phase === DosePhase.Flush) st.flushedS += dt
    if (st.phase === DosePhase.Prewet && wateredS >= st.dose.prewetS) st.phase = DosePhase.Inject
    if (st.phase === DosePhase.Inject && (st.injectedS >= injectionSeconds(st.dose, inj) || remainingS <= st.dose.flushS)) st.phase = DosePhase.Flush
}

/** Millilitres of product a dose state has injected. */
export function injectedMl(st: DoseState, inj: InjectorConfig): number {
    return Math.floor((st.injectedS * inj.mlPerMin) / 60)
}
