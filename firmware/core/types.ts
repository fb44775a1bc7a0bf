// Data shapes of the control core. Everything is plain records, arrays and integers
// (seconds, tenths of a percent) so the same code behaves identically under Node and the
// DeviceScript VM (which prints non-integers with ~7 digits and has no Map or Date).

import { Dose, InjectorConfig } from "./dosing"
import { FlowConfig } from "./flow"
import { Tariff } from "./tariff"

/** Who or what caused an action; becomes the "source" column of the irrigation diary. */
export type Cause = "schedule" | "keypad" | "remote" | "sensor" | "safety" | "system" | "tariff"

export enum ValveState {
    Closed = 0,
    Opening = 1,
    Open = 2,
    Closing = 3,
}

export enum DayMode {
    Weekdays = 0,
    Interval = 1,
    Odd = 2,
    Even = 3,
}

/** What the controller does when a scheduled run meets a peak-tariff window. */
export type PeakPolicy = "defer" | "split" | "allow"

export interface ZoneConfig {
    name: string
    /** Safety ceiling for one continuous valve opening, seconds. */
    maxRunS: number
    /** Nominal flow, litres per minute; used by the hydraulic flow limit. */
    flowLpm: number
    /** Index of the soil-moisture sensor in StepInputs.soil, or -1 for none. */
    sensor: number
    /** Target volumetric water content, tenths of a percent (300 = 30.0 % v/v), of the bulb
     *  probe with the soil between the rows dry (see moisture.ts zoneTargetTenths). */
    targetTenths: number
    /** Index in StepInputs.soil of a probe between the rows (not wetted by the drippers), or
     *  -1 / absent for none. */
    rowSensor?: number
    /** Between-rows reading (tenths of % v/v) above which the target drops, and the reading past
     *  which it drops no further (the rows' field capacity). */
    rowFromTenths?: number
    rowToTenths?: number
    /** What the planner (planner.ts) knows of the zone; absent: the planner leaves it alone. */
    plan?: ZonePlan
}

/** A zone's soil and size, for the planner. */
export interface ZonePlan {
    /** Index of its crop in PlannerConfig.crops. */
    crop: number
    /** The soil's wilting point and field capacity, tenths of % v/v, as its probe reads them. */
    wpTenths: number
    fcTenths: number
    /** Area the zone's drippers water, m² (with flowLpm, its application rate). */
    areaM2: number
}

/** A crop as the planner reckons its water (FAO-56). */
export interface PlanCrop {
    /** Crop coefficient in each month, January first, percent. */
    kcPct: number[]
    /** Depletion fraction p (FAO-56 Table 22), percent. */
    pPct: number
    /** Share of the roots in the wetted bulb, and the bulb's share of the area, percent. */
    rbPct: number
    fwPct: number
    /** Root depth, mm. */
    rootMm: number
}

/** Watering each zone as late as is safe (planner.ts). */
export interface PlannerConfig {
    /** Mean reference ET0 of each month (the climate normals), tenths of mm a day. */
    et0Tenths: number[]
    /** Depletion kept under RAW for what the planner cannot know (the probe's error, a hotter
     *  day than the month's mean), tenths of mm. */
    marginTenthsMm: number
    /** RAW is reckoned for a day this hot, % of the month's mean ETc (a hot day lowers p, and
     *  the planner does not know which days will be hot). */
    hotPct: number
    crops: PlanCrop[]
}

export interface PumpConfig {
    present: boolean
    /** Seconds a valve must have been fully open before the pump starts. */
    startDelayS: number
    /** Seconds the pump must have been off before the last valve starts closing. */
    stopLeadS: number
}

export interface MoistureConfig {
    /** Skip a run when moisture is at or above target + this (tenths of a percent). */
    skipAboveTenths: number
    /** Duration change per percent of v/v below (+) or above (-) target. */
    gainPctPerPct: number
    minPct: number
    maxPct: number
    /** A reading that has not changed by a tenth for this long is stuck. */
    stuckAfterS: number
    validMinTenths: number
    validMaxTenths: number
    /** Target drop per 100 tenths the between-rows probe reads above a zone's rowFromTenths. */
    rowCreditPct: number
}

export interface CoreConfig {
    zones: ZoneConfig[]
    valveOpenS: number
    valveCloseS: number
    pump: PumpConfig
    masterValve: boolean
    /** Hydraulic limit: zones watering at once. */
    maxZonesOpen: number
    /** Hydraulic limit: total nominal flow, litres per minute (0 = none). */
    maxFlowLpm: number
    tariff: Tariff
    peakPolicy: PeakPolicy
    utcOffsetMin: number
    moisture: MoistureConfig
    /** The shell promises to call step() at least this often; safety margins use it. */
    tickS: number
    /** A start time may still fire this many minutes late (clock set late, reboot). */
    catchUpMin: number
    /** Flow meter supervision; absent or not present = no meter. */
    flow?: FlowConfig
    /** Fertiliser/pesticide injector; absent or not present = none. */
    injector?: InjectorConfig
    /** Watering planned from the probes (planner.ts); absent = programs only. */
    planner?: PlannerConfig
}

export interface Program {
    /** 1..MAX_PROGRAMS */
    id: number
    /** ASCII, at most 16 characters (the box's display is ASCII). */
    name: string
    enabled: boolean
    dayMode: DayMode
    /** Bit 0 = Monday ... bit 6 = Sunday. */
    weekdays: number
    /** Every N days (DayMode.Interval), counted from refDay. */
    intervalDays: number
    refDay: number
    /** Start times, minutes after local midnight, up to 4, ascending. */
    startsMin: number[]
    /** Seconds per zone at 100 % budget; 0 leaves the zone out. */
    zoneS: number[]
    /** Water budget of this program, percent. */
    budgetPct: number
    /** Cycle-and-soak: longest continuous watering, seconds; 0 = off. */
    cycleS: number
    /** Cycle-and-soak: shortest pause between cycles of one zone, seconds. */
    soakS: number
    /** Active season as month*100+day, inclusive, may wrap the new year; 0 and 0 = all year. */
    seasonFrom: number
    seasonTo: number
    /** Adjust by soil moisture where the zone has a healthy sensor. */
    useMoisture: boolean
}

/** Settings a person changes at run time (persisted). */
export interface Settings {
    /** Global water budget, percent. */
    budgetPct: number
    /** UTC seconds until which schedules are skipped (0 = none). */
    rainDelayUntil: number
    standby: boolean
    /** Language of the box's display: 0 = Vietnamese (ASCII, no diacritics), 1 = English. */
    lang: number
    /** Keypad PIN for settings (0..9999), asked only when pinOn; never for stop-all. */
    pin: number
    pinOn: boolean
}

export interface CoreEvent {
    /** UTC seconds (0 while the clock is unknown). */
    t: number
    kind: string
    cause: Cause
    /** Zone index or -1. */
    zone: number
    /** Program id or 0. */
    program: number
    /** Integer detail: seconds, percent, tenths... meaning depends on kind. */
    value: number
    /** Short ASCII reason code, "" if none. */
    reason: string
}

export interface StepInputs {
    /** Monotonic seconds since boot (never jumps); all durations use it. */
    monoS: number
    /** UTC epoch seconds from the real-time clock, 0 if unknown. Schedules and tariff use it. */
    wallS: number
    /** Soil moisture per sensor, tenths of a percent v/v, null when no reading. */
    soil: (number | null)[]
    /** Flow meter pulses counted since boot (absent without a meter). */
    flowPulses?: number
    /** Injector tank has product: true, false (empty), absent = no level sensor. */
    tankOk?: boolean
}

export interface SettingWrite {
    key: string
    value: string
}

export interface StepOutput {
    valves: boolean[]
    pump: boolean
    master: boolean
    injector: boolean
    events: CoreEvent[]
    writes: SettingWrite[]
}

export type Command =
    | { k: "run"; zone: number; seconds: number; force?: boolean; dose?: Dose }
    | { k: "stopAll" }
    | { k: "stopZone"; zone: number }
    | { k: "pause"; seconds: number }
    | { k: "resume" }
    | { k: "runProgram"; id: number }
    | { k: "rainDelay"; hours: number }
    | { k: "standby"; on: boolean }
    | { k: "saveProgram"; program: Program }
    | { k: "deleteProgram"; id: number }
    | { k: "setBudget"; pct: number }
    | { k: "clearFault" }
    | { k: "ackAlarm"; id: number }
    | { k: "relearnFlow"; zone: number }
    | { k: "setLang"; lang: number }
    | { k: "setPin"; pin: number; on: boolean }

export interface CommandResult {
    ok: boolean
    /** ASCII error code when not ok, e.g. "bad_zone". */
    error: string
}

export const MAX_PROGRAMS = 8
export const MAX_STARTS = 4
export const MAX_ZONES = 16
export const MAX_JOBS = 48
