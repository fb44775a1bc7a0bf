// Soil-moisture feedback: sensor health and the run-length factor a reading implies.
// A sensor that is missing, out of range or stuck is never trusted: the zone falls back to
// its plain schedule, and the controller says so.

import { CoreConfig, MoistureConfig, ZoneConfig } from "./types"

export enum SensorHealth {
    Ok = 0,
    Missing = 1,
    OutOfRange = 2,
    Stuck = 3,
}

export const SENSOR_HEALTH_CODES = ["ok", "missing", "out_of_range", "stuck"]

export interface SensorTrack {
    /** Last reading, or null. */
    last: number | null
    /** Monotonic time the reading last changed by at least a tenth. */
    changedAt: number
    health: SensorHealth
}

/** Entries the soil array needs: the highest probe index a zone reads (its bulb probe or the
 *  probe between its rows) + 1. The shell reads that many probes; the core tracks as many. */
export function sensorCount(cfg: CoreConfig): number {
    let n = 0
    for (const z of cfg.zones) {
        if (z.sensor + 1 > n) n = z.sensor + 1
        if (z.rowSensor !== undefined && z.rowSensor + 1 > n) n = z.rowSensor + 1
    }
    return n
}

/** Starts healthy so that a probe missing from boot is reported by its first reading. */
export function newSensorTrack(monoS: number): SensorTrack {
    return { last: null, changedAt: monoS, health: SensorHealth.Ok }
}

/** Updates a track with a new reading; returns true when its health changed. */
export function updateSensor(tr: SensorTrack, reading: number | null, monoS: number, cfg: MoistureConfig): boolean {
    const before = tr.health
    if (reading === null || typeof reading !== "number" || reading !== reading) {
        tr.last = null
        tr.changedAt = monoS
        tr.health = SensorHealth.Missing
    } else {
        if (tr.last === null || Math.abs(reading - tr.last) >= 1) tr.changedAt = monoS
        tr.last = reading
        if (reading < cfg.validMinTenths || reading > cfg.validMaxTenths) tr.health = SensorHealth.OutOfRange
        else if (monoS - tr.changedAt >= cfg.stuckAfterS) tr.health = SensorHealth.Stuck
        else tr.health = SensorHealth.Ok
    }
    return tr.health !== before
}

/**
 * The target a zone's bulb probe is held to. With a probe between the rows (zone.rowSensor) that
 * reads healthy, the target drops by cfg.rowCreditPct % of what that probe reads above
 * zone.rowFromTenths, counted up to zone.rowToTenths: the crop's roots also draw on the soil
 * between the rows, so when rain has wetted it the bulb may dry further before the crop as a
 * whole reaches its stress level (FAO-56 eq. 84 on the root-weighted depletion; the credit is
 * the roots' share between the rows over their share in the bulb). Without that probe, or while
 * it is faulty, the target stays the one set for dry rows: the safe case.
 */
export function zoneTargetTenths(zone: ZoneConfig, rows: SensorTrack | null, cfg: MoistureConfig): number {
    if (rows === null || rows.health !== SensorHealth.Ok || rows.last === null) return zone.targetTenths
    const from = zone.rowFromTenths
    let r = rows.last
    if (zone.rowToTenths !== undefined && r > zone.rowToTenths) r = zone.rowToTenths
    if (from === undefined || r <= from) return zone.targetTenths
    return zone.targetTenths - Math.floor(((r - from) * cfg.rowCreditPct) / 100)
}

/**
 * Percent of the scheduled time to water given a healthy reading (tenths of % v/v) and the
 * zone's target (zoneTargetTenths): 0 when the soil is at or above target + skip band,
 * otherwise 100 plus `gainPctPerPct` for every percent below target (minus above it), clamped
 * to [minPct, maxPct].
 */
export function moistureFactorPct(readingTenths: number, targetTenths: number, cfg: MoistureConfig): number {
    if (readingTenths >= targetTenths + cfg.skipAboveTenths) return 0
    const pct = 100 + Math.floor(((targetTenths - readingTenths) * cfg.gainPctPerPct) / 10)
    if (pct < cfg.minPct) return cfg.minPct
    if (pct > cfg.maxPct) return cfg.maxPct
    return pct
}
