// The installation profile (devicescript.json): what is wired to this box and how the farm
// is run. parseProfile() turns the human-written JSON into the core's CoreConfig and the
// firmware's pin map, or explains every mistake it finds by path, so a technician's typo
// never reaches a valve.

import { Band, Tariff, TariffWindow } from "./tariff"
import { CoreConfig, MAX_ZONES, PeakPolicy, ZoneConfig } from "./types"
import { parsePlanner } from "./profile-planner"
import { Reader } from "./profile-reader"

export const BOARDS = ["esp32_devkit_c", "esp32s3_devkit_m", "esp32_bare", "esp32s3_bare", "esp32c3_bare"]

export interface ZonePins {
    /** GPIO driving the zone's solenoid relay. */
    valve: number
    /** GPIO (ADC) of the zone's soil-moisture probe, -1 if none. */
    soilAdc: number
    /** Probe calibration: ADC reading in dry air and in water (capacitive probes read lower
     *  when wetter), per unit. */
    soilDryRaw: number
    soilWetRaw: number
}

export interface Hardware {
    board: string
    /** Relay boards are often active-low. */
    relayActiveLow: boolean
    zones: ZonePins[]
    pump: number
    master: number
    injector: number
    flowMeter: number
    i2cSda: number
    i2cScl: number
}

/** What the box runs beside the shell (DeviceScript's 64 KB function-code limit does not
 *  hold both the full keypad menu and the MQTT link): "none" = an offline box with the full
 *  keypad menu; "mqtt" = a connected box with the MQTT link and the small keypad panel
 *  (programs and settings edited remotely). */
export const LINKS = ["none", "mqtt"]

export interface Profile {
    name: string
    link: string
    config: CoreConfig
    hardware: Hardware
}

export interface ProfileResult {
    profile: Profile | null
    errors: string[]
}

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
const BAND_NAMES = ["offpeak", "normal", "peak"]

/** "HH:MM" to minutes of day; "24:00" allowed as an end. */
function parseClock(r: Reader, x: any, path: string): number {
    if (typeof x !== "string" || x.length !== 5 || x.charCodeAt(2) !== 58) {
        r.fail(path, 'must be a time "HH:MM"')
        return 0
    }
    const h = parseInt(x.slice(0, 2))
    const m = parseInt(x.slice(3, 5))
    if (!(h >= 0 && h <= 24 && m >= 0 && m <= 59) || (h === 24 && m !== 0)) {
        r.fail(path, 'must be a time "HH:MM" from 00:00 to 24:00')
        return 0
    }
    return h * 60 + m
}

/** "Mon-Sat", "Mon,Wed,Fri", "all" to a bit mask (bit 0 = Monday). */
function parseDays(r: Reader, x: any, path: string): number {
    if (x === "all") return 127
    if (typeof x !== "string") {
        r.fail(path, 'must be "all", a range like "Mon-Sat" or a list like "Mon,Wed,Fri"')
        return 0
    }
    const s: string = x
    if (s.length === 7 && s.charCodeAt(3) === 45) {
        const a = DAY_NAMES.indexOf(s.slice(0, 3))
        const b = DAY_NAMES.indexOf(s.slice(4, 7))
        if (a >= 0 && b >= a) {
            let mask = 0
            for (let d = a; d <= b; d++) mask |= 1 << d
            return mask
        }
    }
    let mask = 0
    for (const part of s.split(",")) {
        const d = DAY_NAMES.indexOf(part)
        if (d < 0) {
            r.fail(path, 'unknown day "' + part + '" (use Mon Tue Wed Thu Fri Sat Sun)')
            return 0
        }
        mask |= 1 << d
    }
    return mask
}

function parseTariff(r: Reader, x: any): Tariff {
    const t = r.obj(x, "tariff")
    const prices = r.obj(t.pricesVndPerKWh, "tariff.pricesVndPerKWh")
    const priceVndPerKWh: number[] = []
    for (let b = 0; b < BAND_NAMES.length; b++) {
        priceVndPerKWh.push(r.int(prices[BAND_NAMES[b]], "tariff.pricesVndPerKWh." + BAND_NAMES[b], 0, 100000, 0))
    }
    const windows: TariffWindow[] = []
    if (!Array.isArray(t.windows)) r.fail("tariff.windows", "must be a list")
    else {
        for (let i = 0; i < t.windows.length; i++) {
            const path = "tariff.windows[" + i + "]"
            const w = r.obj(t.windows[i], path)
            const band = BAND_NAMES.indexOf(w.band)
            if (band < 0) r.fail(path + ".band", 'must be "peak", "normal" or "offpeak"')
            const fromMin = parseClock(r, w.from, path + ".from")
            const toMin = parseClock(r, w.to, path + ".to")
            windows.push({ band: band < 0 ? Band.Normal : band, days: parseDays(r, w.days, path + ".days"), fromMin: fromMin, toMin: toMin })
        }
    }
    let otherwise = Band.Normal
    if (t.otherwise !== undefined) {
        const o = BAND_NAMES.indexOf(t.otherwise)
        if (o < 0) r.fail("tariff.otherwise", 'must be "peak", "normal" or "offpeak"')
        else otherwise = o
    }
    return { windows: windows, otherwise: otherwise, priceVndPerKWh: priceVndPerKWh }
}

function parsePolicy(r: Reader, x: any): PeakPolicy {
    if (x === undefined) return "defer"
    if (x === "defer" || x === "split" || x === "allow") return x
    r.fail("tariff.peakPolicy", 'must be "defer", "split" or "allow"')
    return "defer"
}

/** Parses an installation profile object (already JSON-decoded). */
export function parseProfile(json: any): ProfileResult {
    const r = new Reader()
    const root = r.obj(json, "profile")
    const name = r.name(root.name, "name", "controller")
    if (BOARDS.indexOf(root.board) < 0) r.fail("board", "must be one of " + BOARDS.join(", "))
    const pins = r.obj(root.pins, "pins")
    const valves = r.obj(root.valves, "valves")
    const pump = r.obj(root.pump, "pump")
    const hyd = r.obj(root.hydraulics, "hydraulics")
    const moist = r.obj(root.moisture === undefined ? {} : root.moisture, "moisture")
    const tickS = r.int(root.tickS, "tickS", 1, 60, 1)

    const zones: ZoneConfig[] = []
    const zonePins: ZonePins[] = []
    if (!Array.isArray(root.zones) || root.zones.length < 1 || root.zones.length > MAX_ZONES) {
        r.fail("zones", "must be a list of 1 to " + MAX_ZONES + " zones")
    } else {
        for (let i = 0; i < root.zones.length; i++) {
            const path = "zones[" + i + "]"
            const z = r.obj(root.zones[i], path)
            const maxRunMin = r.int(z.maxRunMin, path + ".maxRunMin", 5, 720, 120)
            zones.push({
                name: r.name(z.name, path + ".name", "Zone " + (i + 1)),
                maxRunS: maxRunMin * 60,
                flowLpm: r.int(z.flowLpm, path + ".flowLpm", 1, 10000, 20),
                sensor: r.int(z.sensor, path + ".sensor", -1, MAX_ZONES - 1, -1),
                targetTenths: r.int(z.targetPctTenths, path + ".targetPctTenths", 50, 600, 300),
                rowSensor: r.int(z.rowSensor, path + ".rowSensor", -1, MAX_ZONES - 1, -1),
                rowFromTenths: r.int(z.rowFromPctTenths, path + ".rowFromPctTenths", 0, 1000, 0),
                rowToTenths: r.int(z.rowToPctTenths, path + ".rowToPctTenths", 0, 1000, 0),
            })
            zonePins.push({
                valve: r.pin(z.valvePin, path + ".valvePin"),
                soilAdc: r.pin(z.soilPin, path + ".soilPin"),
                soilDryRaw: r.int(z.soilDryRaw, path + ".soilDryRaw", 0, 65535, 2800),
                soilWetRaw: r.int(z.soilWetRaw, path + ".soilWetRaw", 0, 65535, 1300),
            })
            if (zonePins[i].valve < 0) r.fail(path + ".valvePin", "every zone needs a valve pin")
        }
    }
    const config: CoreConfig = {
        zones: zones,
        valveOpenS: r.int(valves.openS, "valves.openS", 0, 120, 3),
        valveCloseS: r.int(valves.closeS, "valves.closeS", 0, 120, 3),
        pump: {
            present: r.bool(pump.present, "pump.present", true),
            startDelayS: r.int(pump.startDelayS, "pump.startDelayS", 0, 300, 5),
            stopLeadS: r.int(pump.stopLeadS, "pump.stopLeadS", 0, 300, 5),
        },
        masterValve: r.bool(root.masterValve, "masterValve", false),
        maxZonesOpen: r.int(hyd.maxZonesOpen, "hydraulics.maxZonesOpen", 1, MAX_ZONES, 1),
        maxFlowLpm: r.int(hyd.maxFlowLpm, "hydraulics.maxFlowLpm", 0, 100000, 0),
        tariff: parseTariff(r, root.tariff),
        peakPolicy: parsePolicy(r, root.tariff === undefined ? undefined : root.tariff.peakPolicy),
        utcOffsetMin: r.int(root.utcOffsetMin, "utcOffsetMin", -720, 840, 420),
        moisture: {
            skipAboveTenths: r.int(moist.skipAboveTenths, "moisture.skipAboveTenths", 0, 300, 20),
            gainPctPerPct: r.int(moist.gainPctPerPct, "moisture.gainPctPerPct", 0, 100, 10),
            minPct: r.int(moist.minPct, "moisture.minPct", 0, 100, 30),
            maxPct: r.int(moist.maxPct, "moisture.maxPct", 100, 300, 150),
            stuckAfterS: r.int(moist.stuckAfterHours, "moisture.stuckAfterHours", 1, 240, 24) * 3600,
            validMinTenths: r.int(moist.validMinTenths, "moisture.validMinTenths", 0, 1000, 20),
            validMaxTenths: r.int(moist.validMaxTenths, "moisture.validMaxTenths", 0, 1000, 600),
            rowCreditPct: r.int(moist.rowCreditPct, "moisture.rowCreditPct", 0, 100, 25),
        },
        tickS: tickS,
        catchUpMin: r.int(root.catchUpMin, "catchUpMin", 0, 240, 30),
    }
    for (let i = 0; i < zones.length; i++) {
        const z = zones[i]
        if (z.sensor >= zones.length) r.fail("zones[" + i + "].sensor", "names a sensor no zone has")
        const rs = z.rowSensor as number
        if (rs >= zones.length || (rs >= 0 && rs === z.sensor)) r.fail("zones[" + i + "].rowSensor", "names no other zone's sensor")
        if (rs >= 0 && (z.rowToTenths as number) <= (z.rowFromTenths as number)) r.fail("zones[" + i + "].rowToPctTenths", "must be above rowFromPctTenths")
        const c = config
        const cap = z.maxRunS - c.valveOpenS - c.pump.startDelayS - 2 * c.pump.stopLeadS - 6 * c.tickS
        if (cap < 60) r.fail("zones[" + i + "].maxRunMin", "leaves under a minute of water after valve and pump delays")
    }
    const hardware: Hardware = {
        board: typeof root.board === "string" ? root.board : "",
        relayActiveLow: r.bool(pins.relayActiveLow, "pins.relayActiveLow", false),
        zones: zonePins,
        pump: r.pin(pins.pump, "pins.pump"),
        master: r.pin(pins.master, "pins.master"),
        injector: r.pin(pins.injector, "pins.injector"),
        flowMeter: r.pin(pins.flowMeter, "pins.flowMeter"),
        i2cSda: r.pin(pins.i2cSda, "pins.i2cSda"),
        i2cScl: r.pin(pins.i2cScl, "pins.i2cScl"),
    }
    if (root.flow !== undefined) {
        const f = r.obj(root.flow, "flow")
        config.flow = {
            present: true,
            mlPerPulse: r.int(f.mlPerPulse, "flow.mlPerPulse", 1, 100000, 1000),
            settleS: r.int(f.settleS, "flow.settleS", 10, 600, 60),
            windowS: r.int(f.windowS, "flow.windowS", 5, 300, 30),
            highPct: r.int(f.highPct, "flow.highPct", 5, 200, 30),
            lowPct: r.int(f.lowPct, "flow.lowPct", 5, 90, 20),
            noFlowS: r.int(f.noFlowS, "flow.noFlowS", 5, 120, 20),
            minFlowMlPerMin: r.int(f.minFlowMlPerMin, "flow.minFlowMlPerMin", 1, 1000000, 2000),
            leakMlPerMin: r.int(f.leakMlPerMin, "flow.leakMlPerMin", 1, 1000000, 1000),
            learnRuns: r.int(f.learnRuns, "flow.learnRuns", 1, 9, 3),
            lowFlowStops: r.bool(f.lowFlowStops, "flow.lowFlowStops", false),
        }
        if (hardware.flowMeter < 0) r.fail("pins.flowMeter", "flow supervision is configured but the meter has no pin")
    }
    if (root.injector !== undefined) {
        const i = r.obj(root.injector, "injector")
        config.injector = {
            present: true,
            mlPerMin: r.int(i.mlPerMin, "injector.mlPerMin", 1, 100000, 500),
            minFlushS: r.int(i.minFlushS, "injector.minFlushS", 0, 3600, 300),
            minPrewetS: r.int(i.minPrewetS, "injector.minPrewetS", 0, 3600, 120),
        }
        if (hardware.injector < 0) r.fail("pins.injector", "an injector is configured but has no pin")
        if (config.flow === undefined) r.fail("injector", "injection needs a flow meter (flow section) to confirm water flow")
    }
    if (config.pump.present && hardware.pump < 0) r.fail("pins.pump", "a pump is present but has no pin")
    if (config.masterValve && hardware.master < 0) r.fail("pins.master", "a master valve is configured but has no pin")
    const link = root.link === undefined ? "none" : root.link
    if (LINKS.indexOf(link) < 0) r.fail("link", 'must be "none" (offline box, full keypad menu) or "mqtt" (MQTT link and the small keypad panel)')
    const planner = parsePlanner(r, root.planner, root.zones, zones)
    if (planner !== undefined) {
        config.planner = planner
        if (link !== "none") r.fail("planner", 'needs "link": "none": the connected image has no room for the planner beside the MQTT link (DeviceScript\'s 64 KB of function code)')
    }
    if (r.errors.length > 0) return { profile: null, errors: r.errors }
    return { profile: { name: name, link: link, config: config, hardware: hardware }, errors: [] }
}
