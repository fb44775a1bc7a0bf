// The terminal UI (ink): the farm under the real control core, the box's character display
// and keypad, speed control and fault hotkeys. The model is TuiEngine; this file only draws it
// (at most 1000/frameMs times a second) and turns keys into engine calls.

import { useEffect, useState } from "react"
import { Box, Text, useApp, useInput } from "ink"
import { Band, bandAtLocal } from "../../firmware/core/tariff"
import { ValveState } from "../../firmware/core/types"
import { localStamp } from "../report"
import { TuiEngine } from "./engine"
import { actionFor, KEYPAD_HELP, SIM_HELP } from "./keys"

const BAND_NAMES = ["off-peak", "normal", "PEAK"]
const VALVE = ["shut", "opening", "OPEN", "closing"]

function bar(fraction: number, width: number): string {
    const n = Math.max(0, Math.min(width, Math.round(fraction * width)))
    return "#".repeat(n) + ".".repeat(width - n)
}

/** The box's character display, row for row, inside a frame of the same size. */
export function Lcd({ lines, cols }: { lines: string[]; cols: number }) {
    return (
        <Box flexDirection="column" borderStyle="single" width={cols + 2} flexShrink={0}>
            {lines.map((l, i) => (
                <Text key={i} color="greenBright" wrap="truncate">{l}</Text>
            ))}
        </Box>
    )
}

function Header({ e }: { e: TuiEngine }) {
    const sim = e.sim
    const local = sim.localS(sim.t)
    const band = bandAtLocal(sim.farm.profile.config.tariff, local) as Band
    const state = sim.done ? "  END OF RUN" : e.paused ? "  PAUSED" : ""
    return (
        <Box flexDirection="column">
            <Text bold>{sim.farm.title}</Text>
            <Text>
                {`${localStamp(local)}  day ${Math.floor(sim.t / 86400) + 1}/${sim.endS / 86400}  speed ${e.speed}x`}
                <Text color="yellow" bold>{state}</Text>
                {`  tariff ${BAND_NAMES[band]}  link `}
                <Text color={e.linkUp ? "green" : "red"} bold>{e.linkUp ? "UP" : "DOWN"}</Text>
                {`  seed ${sim.seed}  ${sim.strategy.name}`}
            </Text>
        </Box>
    )
}

function Plant({ e }: { e: TuiEngine }) {
    const sim = e.sim
    const op = sim.operatingPoint
    const st = e.ctl?.status()
    const inj = e.ctl?.cfg.injector?.present ? (st?.injector ? "ON" : "off") : "none"
    const rows: string[] = []
    rows.push(`pump ${sim.pumpOn ? "ON " : "off"} ${(op.pumpPowerW / 1000).toFixed(2)} kW ${(op.pumpFlowLph / 1000).toFixed(2)} m³/h ${op.mainPressureBar.toFixed(2)} bar   injector ${inj}   burst loss ${op.burstFlowLph.toFixed(0)} L/h`)
    const en = sim.energy.report()
    rows.push(`so far ${en.pumpKWh.toFixed(1)} kWh, ${en.energyCostVnd.toLocaleString("en-US")} VND, stress days ${sim.stressDays}`)
    return (
        <Box flexDirection="column" marginTop={1}>
            {rows.map((r, i) => <Text key={i} color={i === 0 && sim.pumpOn ? "cyan" : undefined}>{r}</Text>)}
        </Box>
    )
}

function Zones({ e }: { e: TuiEngine }) {
    const sim = e.sim
    const op = sim.operatingPoint
    const st = e.ctl?.status()
    const head = "zone           valve    flow L/h  soil θ bulb                probe   sensor  fault"
    const lines: { text: string; open: boolean }[] = []
    for (let z = 0; z < sim.zoneCount; z++) {
        sim.advanceZone(z, sim.t)
        const zone = sim.zones[z]
        const s = zone.soil
        const fill = (zone.thetaWetted - s.thetaWp) / (s.thetaSat - s.thetaWp)
        const probe = sim.soil[z]
        const vs = st ? st.zones[z].state : sim.valves[z] ? ValveState.Open : ValveState.Closed
        const sensorIdx = e.ctl ? e.ctl.cfg.zones[z].sensor : -1
        const health = st && sensorIdx >= 0 ? st.sensors[sensorIdx] ?? "" : ""
        const faults = [e.clogged.includes(z) ? "clogged" : "", e.deadProbes.includes(z) ? "probe dead" : ""].filter((x) => x).join(",")
        lines.push({
            open: sim.valves[z],
            text: [
                sim.farm.zones[z].name.slice(0, 14).padEnd(14),
                VALVE[vs].padEnd(8),
                op.zoneFlowsLph[z].toFixed(0).padStart(8),
                ` ${(100 * zone.thetaWetted).toFixed(1).padStart(5)}% ${bar(fill, 16)}`,
                (probe === null ? "-" : `${(probe / 10).toFixed(1)}%`).padStart(6),
                ` ${health.slice(0, 7).padEnd(7)}`,
                faults,
            ].join(" "),
        })
    }
    return (
        <Box flexDirection="column" marginTop={1}>
            <Text dimColor>{head}</Text>
            {lines.map((l, i) => <Text key={i} color={l.open ? "cyan" : undefined}>{l.text}</Text>)}
        </Box>
    )
}

function Alarms({ e }: { e: TuiEngine }) {
    const items = e.ctl?.alarms.items ?? []
    const log = e.sim.strategy.alarms()
    const recent = e.sim.strategy.recent?.() ?? []
    return (
        <Box flexDirection="column" marginTop={1}>
            <Text color={items.length > 0 ? "red" : "green"} bold>
                {`alarms on the box: ${items.length}`}
                {items.length > 0 ? "  " + items.slice(-3).map((a) => `${a.kind}${a.zone >= 0 ? " z" + (a.zone + 1) : ""}${a.reason ? " (" + a.reason + ")" : ""}`).join("; ") : ""}
            </Text>
            {log.length > 0 ? <Text dimColor>{`raised so far: ${log.length}, last ${log[log.length - 1].kind}`}</Text> : null}
            <Text dimColor>recent events:</Text>
            {recent.slice(-4).map((l, i) => <Text key={i}>{"  " + l}</Text>)}
            {e.notes.slice(-3).map((l, i) => <Text key={"n" + i} color="magenta">{"  " + l}</Text>)}
        </Box>
    )
}

export interface AppProps {
    engine: TuiEngine
    /** Redraw period, ms (the sim advances in chunks between frames). */
    frameMs?: number
    /** Called when the person quits (q or Ctrl-C), before the app exits. */
    onQuit?: () => void
}

export function App({ engine: e, frameMs = 100, onQuit }: AppProps) {
    const { exit } = useApp()
    const [, setFrame] = useState(0)
    useEffect(() => {
        let last = Date.now()
        const timer = setInterval(() => {
            const now = Date.now()
            e.advance(now - last)
            last = now
            setFrame((n) => n + 1)
        }, frameMs)
        return () => clearInterval(timer)
    }, [e, frameMs])
    useInput((input, key) => {
        const act = actionFor(input, key)
        if (act === null) return
        switch (act.a) {
            case "quit":
                onQuit?.()
                exit()
                return
            case "key":
                e.press(act.key)
                break
            case "pause":
                e.togglePause()
                break
            case "faster":
                e.faster()
                break
            case "slower":
                e.slower()
                break
            case "fault":
                e.inject(act.fault)
                break
            case "repair":
                e.repair()
                break
        }
        setFrame((n) => n + 1)
    })
    return (
        <Box flexDirection="column">
            <Header e={e} />
            <Box marginTop={1}>
                {e.menu !== null
                    ? <Lcd lines={e.display()} cols={e.cols} />
                    : <Text>{`(no box display: strategy ${e.sim.strategy.name} does not run the control core)`}</Text>}
                <Box flexDirection="column" marginLeft={2}>
                    {KEYPAD_HELP.map((l, i) => <Text key={i} dimColor={i > 0}>{l}</Text>)}
                </Box>
            </Box>
            <Plant e={e} />
            <Zones e={e} />
            <Alarms e={e} />
            <Box flexDirection="column" marginTop={1}>
                {SIM_HELP.map((l, i) => <Text key={i} dimColor>{l}</Text>)}
            </Box>
        </Box>
    )
}
