// A keypad test bench: a controller driven second by second (test/core/fixtures.ts's Rig) with
// the box's menu on top, pressing keys the way a farmer does (about one a second) and
// counting them.
import { Menu, KEYS } from "../../firmware/core/menu/menu"
import { CoreConfig } from "../../firmware/core/types"
import { Rig } from "../core/fixtures"

export const VI = 0
export const EN = 1
export const LANGS = [
    { lang: VI, name: "Vietnamese" },
    { lang: EN, name: "English" },
]

export class Bench {
    rig: Rig
    menu: Menu
    keys = 0
    /** Every display frame shown after a key, for checks on the text. */
    frames: string[][] = []

    constructor(cfg: CoreConfig, wall: number, lang: number, rows = 4, cols = 20, records: Record<string, string> = {}) {
        this.rig = new Rig(cfg, wall, records)
        this.rig.step()
        if (lang !== 0) this.rig.ctl.command({ k: "setLang", lang }, "system")
        this.menu = new Menu(this.rig.ctl, rows, cols)
        this.menu.tick(this.rig.mono, this.rig.wall)
    }

    /** Presses each key of `keys` ("A215##"), one per second, the controller stepping between. */
    press(keys: string): this {
        for (const k of keys) {
            if (KEYS.indexOf(k) < 0) throw new Error("not a keypad key: " + k)
            this.menu.press(k, this.rig.mono, this.rig.wall)
            this.keys++
            this.frames.push(this.menu.render())
            for (const a of this.menu.takeActions()) if (a.a === "setClock") this.rig.wall = a.utcS
            this.rig.run(1)
            this.menu.tick(this.rig.mono, this.rig.wall)
        }
        return this
    }

    /** Lets `seconds` pass (controller and menu ticking every second). */
    wait(seconds: number): this {
        for (let i = 0; i < seconds; i++) {
            this.rig.run(1)
            this.menu.tick(this.rig.mono, this.rig.wall)
        }
        return this
    }

    screen(): string {
        return this.menu.screen
    }

    text(): string {
        return this.menu.render().join("\n")
    }
}
