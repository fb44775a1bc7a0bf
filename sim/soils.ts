// Soil water constants of the two soils of the pilot farms (domain.md, "Soils of Bình Phước").
// θFC and θWP are the central values of the published ranges; everything else is marked
// "assumed" and is a default: a user with a lab analysis passes their own Soil record.

export interface Soil {
    id: SoilId
    name: string
    /** Volumetric water content at field capacity, m³/m³. */
    thetaFc: number
    /** Volumetric water content at the permanent wilting point, m³/m³. */
    thetaWp: number
    /** Volumetric water content of the field-saturated soil, m³/m³ (above it, water runs off). */
    thetaSat: number
    /**
     * Time constant of the drainage of water held above field capacity, hours: the root zone is
     * a linear reservoir whose excess over field capacity decays as exp(-t / tau). 0 drains all
     * of it within the step, which is what FAO-56 eq. 88 assumes for a daily balance.
     */
    drainageTauH: number
    /** Infiltration capacity, mm/h: rain or irrigation arriving faster than this runs off. */
    infiltrationMmH: number
    /** Clay mass fraction, 0..1; capacitive probes drift most with temperature in clay. */
    clayFraction: number
}

export type SoilId = "redFerralsol" | "greyAcrisol"

export const SOILS: Record<SoilId, Soil> = {
    // Đất đỏ bazan: θFC 0.32-0.40 and θWP 0.20-0.24 (domain.md) give 140 mm/m available water,
    // inside the published 120-200 mm/m.
    redFerralsol: {
        id: "redFerralsol",
        name: "red basaltic Ferralsol (đất đỏ bazan)",
        thetaFc: 0.36,
        thetaWp: 0.22,
        // Assumed: bulk density 0.95 g/cm³ (domain.md 0.8-1.1) and particle density 2.75 g/cm³
        // give a porosity of 0.65; field saturation fills about 90% of it.
        thetaSat: 0.58,
        // Assumed: strongly micro-aggregated, freely draining clay; most of a storm's excess
        // leaves the root zone within a day.
        drainageTauH: 12,
        // Assumed: high steady infiltration of well-structured Ferralsols.
        infiltrationMmH: 50,
        // Assumed: basaltic Ferralsols are clay soils (typically 50-70% clay).
        clayFraction: 0.6,
    },
    // Grey soil on old alluvium: θFC 0.18-0.28 and θWP 0.06-0.16 (domain.md) give 120 mm/m,
    // inside the published 110-150 mm/m.
    greyAcrisol: {
        id: "greyAcrisol",
        name: "grey Acrisol on old alluvium, sandy loam (đất xám)",
        thetaFc: 0.23,
        thetaWp: 0.11,
        // Assumed: typical sandy-loam porosity.
        thetaSat: 0.41,
        // Assumed: "drains fast" (domain.md), so half the time constant of the Ferralsol.
        drainageTauH: 6,
        // Assumed: lower than the Ferralsol because grey soils seal at the surface under rain.
        infiltrationMmH: 30,
        // Assumed: sandy loam, about 15% clay.
        clayFraction: 0.15,
    },
}

/** Available water between field capacity and wilting point, mm per metre of soil. */
export function availableWaterMmPerM(soil: Soil): number {
    return 1000 * (soil.thetaFc - soil.thetaWp)
}
