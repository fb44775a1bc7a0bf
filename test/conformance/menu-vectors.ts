// Conformance vectors for the keypad menu: seeded key sequences typed into the menu on top of
// a controller, with time passing between keys. Every rendered display frame and every output
// is folded into a hash; Node and the DeviceScript VM must print identical lines. Written in
// the DeviceScript subset (no Map, no string comparison, integers only, short loops per step)
// because the very same code runs inside the VM (menu-vm-main.mts).

import { Rng } from "../../sim/random"
import { daysFromCivil } from "../../firmware/core/calendar"
import { Controller } from "../../firmware/core/controller"
import { KEYS, Menu } from "../../firmware/core/menu/menu"
import { MiniMenu } from "../../firmware/core/menu/mini"
import { vietnamTariff2025 } from "../../firmware/core/tariff"
import { CoreConfig, ZoneConfig } from "../../firmware/core/types"
import { fnv, FNV_SEED } from "./vectors"

/** Vectors 0..39 drive the full Menu; the rest the connected box's MiniMenu. */
export const MENU_VECTORS = 52
const FULL_MENU_VECTORS = 40

/** Pieces of real farmer tasks, so that the random typing also reaches deep screens. */
const FRAGMENTS = [
    "A215##",
    "C31246#0530#20####",
    "C32135#1730#5#####",
    "B#",
    "B#",
    "5#",
    "##",
    "6",
    "202611230530#",
    "72",
    "71",
    "8180#",
    "841234#",
    "C83#",
    "C311###",
    "4B",
]

/** The same for the small panel: water a zone, stop, acknowledge, wrong zones and minutes. */
const MINI_FRAGMENTS = ["215#", "A310#", "##", "C#", "12#", "1#5#", "999#", "**"]

function menuConfig(rng: Rng): CoreConfig {
    const n = rng.int(1, 6)
    const zones: ZoneConfig[] = []
    for (let z = 0; z < n; z++) zones.push({ name: "Lo " + (z + 1), maxRunS: 7200, flowLpm: rng.int(10, 60), sensor: rng.bool(0.7) ? z : -1, targetTenths: 300 })
    return {
        zones: zones,
        valveOpenS: rng.int(0, 5),
        valveCloseS: rng.int(0, 5),
        pump: { present: rng.bool(0.8), startDelayS: rng.int(0, 8), stopLeadS: rng.int(0, 8) },
        masterValve: rng.bool(0.5),
        maxZonesOpen: rng.int(1, 2),
        maxFlowLpm: 0,
        tariff: vietnamTariff2025(),
        peakPolicy: rng.bool(0.5) ? "defer" : "allow",
        utcOffsetMin: 420,
        moisture: { skipAboveTenths: 20, gainPctPerPct: 10, minPct: 30, maxPct: 150, stuckAfterS: 86400, validMinTenths: 20, validMaxTenths: 600, rowCreditPct: 25 },
        tickS: 1,
        catchUpMin: 30,
    }
}

/** One menu vector, advanced a key at a time so the VM can yield between keys. */
export class MenuRun {
    private rng: Rng
    private ctl: Controller
    private menu: Menu | MiniMenu
    private fragments: string[]
    private steps: number
    private i = 0
    private mono: number
    private wall: number
    private soil: (number | null)[] = []
    private queue = ""
    hash = FNV_SEED
    valveSteps = 0
    accepted = 0

    constructor(seed: number) {
        this.rng = new Rng(500000 + seed)
        const rng = this.rng
        const cfg = menuConfig(rng)
        this.ctl = new Controller(cfg)
        this.ctl.restore({})
        for (let z = 0; z < cfg.zones.length; z++) this.soil.push(rng.int(150, 350))
        if (rng.bool(0.5)) this.ctl.command({ k: "setLang", lang: 1 }, "system")
        if (rng.bool(0.2)) this.ctl.command({ k: "setPin", pin: 1234, on: true }, "system")
        const small = rng.bool(0.5)
        const mini = seed >= FULL_MENU_VECTORS
        this.menu = mini ? new MiniMenu(this.ctl, small ? 2 : 4, small ? 16 : 20) : new Menu(this.ctl, small ? 2 : 4, small ? 16 : 20)
        this.fragments = mini ? MINI_FRAGMENTS : FRAGMENTS
        const self = this
        this.menu.send = (cmd: any) => {
            const r = self.ctl.command(cmd, "keypad")
            if (r.ok) self.accepted++
            self.hash = fnv(self.hash, "K" + cmd.k + (r.ok ? "ok" : r.error))
            return r
        }
        const day = daysFromCivil(2026, rng.int(1, 12), rng.int(1, 28))
        this.wall = rng.bool(0.8) ? (day * 1440 + rng.int(0, 1439)) * 60 - 420 * 60 : 0
        this.mono = rng.int(0, 1000)
        this.steps = rng.int(40, 90)
        this.stepCtl()
    }

    private stepCtl(): void {
        const o = this.ctl.step({ monoS: this.mono, wallS: this.wall, soil: this.soil })
        this.menu.tick(this.mono, this.wall)
        let s = o.pump ? "P" : "p"
        let any = false
        for (const v of o.valves) {
            s += v ? "1" : "0"
            if (v) any = true
        }
        if (any) this.valveSteps++
        for (const e of o.events) s += ";" + e.kind + "," + e.cause + "," + e.zone + "," + e.value
        this.hash = fnv(this.hash, s)
    }

    private look(): void {
        const lines = this.menu.render()
        for (const l of lines) this.hash = fnv(this.hash, l)
    }

    /** Types one key and lets time pass; false when the vector is over. */
    stepOnce(): boolean {
        if (this.i >= this.steps) return false
        this.i++
        const rng = this.rng
        if (this.queue.length === 0) {
            if (rng.bool(0.3)) this.queue = rng.pick(this.fragments)
            else {
                const k = rng.int(0, KEYS.length - 1)
                // Stop-all (D) a quarter as often as the other keys.
                this.queue = KEYS.slice(k, k + 1) === "D" && rng.bool(0.75) ? "#" : KEYS.slice(k, k + 1)
            }
        }
        const key = this.queue.slice(0, 1)
        this.queue = this.queue.slice(1)
        this.menu.press(key, this.mono, this.wall)
        for (const a of this.menu.takeActions()) {
            if (a.a === "setClock") this.wall = a.utcS
            this.hash = fnv(this.hash, "A" + a.a + a.utcS)
        }
        this.look()
        // About a second per key; now and then the farmer walks away (one long step).
        const gap = rng.bool(0.05) ? rng.int(60, 90) : rng.int(1, 3)
        if (gap > 3) {
            this.mono += gap
            if (this.wall > 0) this.wall += gap
            this.stepCtl()
        } else {
            for (let s = 0; s < gap; s++) {
                this.mono++
                if (this.wall > 0) this.wall++
                this.stepCtl()
            }
        }
        this.look()
        return true
    }

    line(seed: number): string {
        return "M" + seed + " keys=" + this.i + " accepted=" + this.accepted + " valveSteps=" + this.valveSteps + " screen=" + this.menu.screen + " hash=" + this.hash
    }
}

/** A whole menu vector in one call (Node; the VM runner yields between keys instead). */
export function menuVector(seed: number): string {
    const run = new MenuRun(seed)
    while (run.stepOnce());
    return run.line(seed)
}
