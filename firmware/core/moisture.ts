// Soil-moisture feedback: sensor health and the run-length factor a reading implies.
// A sensor that is missing, out of range or stuck is never trusted: the zone falls back to
// its plain schedule, and the controller says so.

import { MoistureConfig, ZoneConfig } from "./types"

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
 * Percent of the scheduled time to water given a healthy reading (tenths of % v/v):
 * 0 when the soil is at or above target + skip band, otherwise 100 plus `gainPctPerPct`
 * for every percent below target (minus above it), clamped to [minPct, maxPct].
 */
export function moistureFactorPct(readingTenths: number, zone: ZoneConfig, cfg: MoistureConfig): number {
    if (readingTenths >= zone.targetTenths + cfg.skipAboveTenths) return 0
    const pct = 100 + Math.floor(((zone.targetTenths - readingTenths) * cfg.gainPctPerPct) / 10)
    if (pct < cfg.minPct) return cfg.minPct
    if (pct > cfg.maxPct) return cfg.maxPct
    return pct
}
