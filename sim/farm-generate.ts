// The generated "10ha" farm: the size the Phuoc Thien system is built for, as one controller
// box. The core drives at most 16 zones (MAX_ZONES), so 10 ha is 16 blocks of 0.625 ha:
// ten of jackfruit (seven on red basaltic soil, three on grey alluvial soil), two of star apple
// and four of pepper. Probes sit in every pepper block and in every other tree block; a block
// without one reads the probe of its neighbour with the same crop and soil (zones[i].sensor).

const HA = 0.625

interface Block {
    name: string
    crop: "jackfruit" | "starApple" | "pepper"
    soil: "redFerralsol" | "greyAcrisol"
}

function blocks(): Block[] {
    const out: Block[] = []
    for (let i = 0; i < 10; i++) out.push({ name: `Mit ${i + 1}`, crop: "jackfruit", soil: i < 7 ? "redFerralsol" : "greyAcrisol" })
    for (let i = 0; i < 2; i++) out.push({ name: `Vu sua ${i + 1}`, crop: "starApple", soil: "redFerralsol" })
    for (let i = 0; i < 4; i++) out.push({ name: `Tieu ${i + 1}`, crop: "pepper", soil: "redFerralsol" })
    return out
}

/** Planting and drippers per crop (assumed, as in the presets). */
const PLANTING = {
    jackfruit: { spacingM: [6, 6], emittersPerPlant: 6, lph: 8 },
    starApple: { spacingM: [8, 8], emittersPerPlant: 6, lph: 8 },
    pepper: { spacingM: [3, 3], emittersPerPlant: 2, lph: 4 },
} as const

/** The farm description, in the same shape as sim/farms/*.json, with its profile embedded. */
export function generateTenHaFarm(): object {
    const bs = blocks()
    const zones = bs.map((b, i) => {
        const p = PLANTING[b.crop]
        const plants = Math.round((HA * 10000) / (p.spacingM[0] * p.spacingM[1]))
        return {
            name: b.name,
            crop: b.crop,
            soil: b.soil,
            areaHa: HA,
            plants,
            spacingM: [p.spacingM[0], p.spacingM[1]],
            emittersPerPlant: p.emittersPerPlant,
            emitter: { type: "compensating", lph: p.lph },
            elevationM: (i % 4) * 0.5,
            // Pepper's wetted bulb has little room between field capacity and stress, so every
            // pepper block has its own probe; the trees share one per pair of blocks.
            probe: b.crop === "pepper" || i % 2 === 0,
            flowLpm: Math.round((plants * p.emittersPerPlant * p.lph) / 60),
        }
    })
    const profileZones = zones.map((z, i) => ({
        name: z.name,
        valvePin: i + 1,
        soilPin: z.probe ? 20 + i : -1,
        // Blocks are generated in pairs of the same crop and soil: the odd one reads the even one's probe.
        sensor: z.probe ? i : i - 1,
        targetPctTenths: 300,
        maxRunMin: 180,
        flowLpm: z.flowLpm,
    }))
    return {
        name: "10ha",
        title: "Generated 10 ha farm: 16 blocks of 0.625 ha (jackfruit, star apple, pepper) on one controller",
        notes: [
            "16 zones is the most one controller drives (firmware/core/types.ts MAX_ZONES).",
            "Pump assumed: an 11 kW-class submersible pump; main line 400 m of 125 mm PVC; up to six blocks (700 L/min) at once, enough for the peak dry-season need of all 16 blocks in about 11 of the 19 non-peak hours.",
        ],
        bulbRootFraction: 0.8,
        initialDepletionFraction: 0.15,
        pump: { shutoffHeadM: 60, maxFlowLph: 75000, bestEfficiency: 0.55, bestFlowLph: 50000, staticLiftM: 12, dryRunPowerFraction: 0.5 },
        mainLine: { lengthM: 400, innerDiameterMm: 113, hwC: 150, fittingsEquivalentM: 60 },
        probes: { readEveryMin: 30, samplesPerReading: 4, failurePerYear: 0, recalibrateEveryDays: 91 },
        zones: zones.map(({ flowLpm: _f, ...z }) => z),
        profile: {
            name: "Trang trai 10ha",
            board: "esp32s3_devkit_m",
            utcOffsetMin: 420,
            tickS: 1,
            catchUpMin: 30,
            pins: { relayActiveLow: true, pump: 39, master: 40, injector: 41, flowMeter: 42, i2cSda: 8, i2cScl: 9 },
            zones: profileZones,
            valves: { openS: 4, closeS: 4 },
            pump: { present: true, startDelayS: 8, stopLeadS: 5 },
            masterValve: true,
            hydraulics: { maxZonesOpen: 6, maxFlowLpm: 700 },
            tariff: {
                peakPolicy: "defer",
                pricesVndPerKWh: { offpeak: 1300, normal: 1987, peak: 3640 },
                otherwise: "normal",
                windows: [
                    { band: "peak", days: "Mon-Sat", from: "09:30", to: "11:30" },
                    { band: "peak", days: "Mon-Sat", from: "17:00", to: "20:00" },
                    { band: "offpeak", days: "all", from: "22:00", to: "04:00" },
                ],
            },
        },
    }
}
