// Flow supervision: learning, bursts, clogs, no flow, leaks, lock-outs.
import { describe, expect, it } from "vitest"
import { Controller } from "../../firmware/core/controller"
import { decodeFlow } from "../../firmware/core/persist"
import { FlowRig, flowConfig, vnTime } from "./fixtures"

const MON_0600 = vnTime(2026, 11, 23, 6, 0)

function learned(r: FlowRig, z: number): number {
    const sup = r.ctl.flowSup!
    return sup.learnedFor(1 << z)
}

describe("flow supervision", () => {
    it("learns each zone's normal flow over its first runs and keeps it in flash", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.learn(0, 3, 300)
        expect(learned(r, 0)).toBeGreaterThan(38000)
        expect(learned(r, 0)).toBeLessThan(42000)
        const rec = decodeFlow(r.store.flow)!
        expect(rec.masks).toEqual([1])
        const again = new Controller(flowConfig())
        again.restore({ ...r.store })
        expect(again.flowSup!.learnedFor(1)).toBe(learned(r, 0))
    })

    it("a burst closes the zone within two minutes of settling, locks it until acknowledged, even across a power cut", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.learn(0, 3, 300)
        r.trueLpm[0] = 70 // a broken lateral
        r.ctl.command({ k: "run", zone: 0, seconds: 1200 }, "keypad")
        const t0 = r.mono
        r.run(400)
        const pumpOn = r.outputs.find(x => x.mono >= t0 && x.out.pump)!.mono
        const closed = r.outputs.find(x => x.mono > pumpOn && !x.out.valves[0])!.mono
        expect(closed - pumpOn - 60).toBeLessThanOrEqual(120)
        expect(r.ctl.alarms.items.map(a => a.kind)).toEqual(["burst"])
        expect(r.ctl.command({ k: "run", zone: 0, seconds: 60 }, "keypad")).toEqual({ ok: false, error: "zone_locked" })
        const reboot = new FlowRig(flowConfig(), r.wall, r.store)
        reboot.step()
        expect(reboot.ctl.lockedZones).toBe(1)
        const alarm = reboot.ctl.alarms.items.find(a => a.kind === "burst")!
        expect(reboot.ctl.command({ k: "ackAlarm", id: alarm.id }, "keypad").ok).toBe(true)
        expect(reboot.ctl.command({ k: "run", zone: 0, seconds: 60 }, "keypad").ok).toBe(true)
    })

    it("a burst with two zones open closes both, re-tests each alone, and locks only the broken one", () => {
        const r = new FlowRig(flowConfig({ maxZonesOpen: 2, maxFlowLpm: 200 }), MON_0600)
        r.learn(0, 3, 300)
        r.learn(1, 3, 300)
        r.trueLpm[1] = 90
        r.ctl.command({ k: "run", zone: 0, seconds: 900 }, "keypad")
        r.ctl.command({ k: "run", zone: 1, seconds: 900 }, "keypad")
        r.run(3000)
        expect(r.ctl.lockedZones).toBe(2)
        expect(r.events.filter(e => e.kind === "runEnd" && e.zone === 0).pop()!.value).toBe(900)
    })

    it("high flow on a second zone alone with no normal run between is the main line: the first zone is released, the pump locked", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.learn(0, 3, 300)
        r.learn(1, 3, 300)
        r.trueLpm = r.trueLpm.map(q => q + 30) // a main-line break: every run shows 30 L/min more
        r.ctl.command({ k: "run", zone: 0, seconds: 900 }, "keypad")
        r.run(1000)
        expect(r.ctl.lockedZones).toBe(1) // one zone alone cannot tell yet
        r.ctl.command({ k: "run", zone: 1, seconds: 900 }, "keypad")
        r.run(1000)
        expect(r.ctl.lockedZones).toBe(0)
        expect(r.ctl.pumpLock).toBe("leak")
        expect(r.events.some(e => e.kind === "zoneUnlocked" && e.zone === 0 && e.reason === "main_line")).toBe(true)
        expect(r.ctl.command({ k: "run", zone: 1, seconds: 60 }, "keypad")).toEqual({ ok: false, error: "pump_locked" })
        // A burst on one zone, then a normal run elsewhere: a second burst later is that zone's own.
        const q = new FlowRig(flowConfig(), MON_0600)
        for (const z of [0, 1, 2]) q.learn(z, 3, 300)
        q.trueLpm[0] = 70
        q.ctl.command({ k: "run", zone: 0, seconds: 900 }, "keypad")
        q.run(1000)
        q.ctl.command({ k: "run", zone: 2, seconds: 300 }, "keypad")
        q.run(400)
        q.trueLpm[1] = 90
        q.ctl.command({ k: "run", zone: 1, seconds: 900 }, "keypad")
        q.run(1000)
        expect(q.ctl.lockedZones).toBe(3)
        expect(q.ctl.pumpLock).toBe("")
    })

    it("reports a 25 % clog with the flow lost on the first affected run, and finishes the run", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.learn(2, 3, 300)
        r.trueLpm[2] = 30
        r.ctl.command({ k: "run", zone: 2, seconds: 600 }, "keypad")
        r.run(700)
        const clog = r.ctl.alarms.items.find(a => a.kind === "clog")!
        expect(clog.zone).toBe(2)
        expect(clog.value).toBeGreaterThanOrEqual(22)
        expect(clog.value).toBeLessThanOrEqual(28)
        expect(r.events.filter(e => e.kind === "runEnd").pop()!.value).toBe(600)
    })

    it("stops the pump within 30 s when nothing flows, and keeps it locked until acknowledged", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.pumpWorks = false
        r.ctl.command({ k: "run", zone: 0, seconds: 600 }, "keypad")
        r.run(120)
        const on = r.firstWhen(o => o.pump)
        const off = r.outputs.find(x => x.mono > on && !x.out.pump)!.mono
        expect(off - on).toBeLessThanOrEqual(30)
        expect(r.ctl.pumpLock).toBe("no_flow")
        expect(r.ctl.command({ k: "run", zone: 1, seconds: 60 }, "keypad")).toEqual({ ok: false, error: "pump_locked" })
        const id = r.ctl.alarms.items.find(a => a.kind === "no_flow")!.id
        r.ctl.command({ k: "ackAlarm", id }, "remote")
        expect(r.ctl.pumpLock).toBe("")
    })

    it("flow while nothing runs is a leak: alarm, and the pump stays off", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.leakLpm = 8
        r.run(120)
        expect(r.ctl.pumpLock).toBe("leak")
        expect(r.ctl.alarms.items.map(a => a.kind)).toEqual(["leak"])
    })

    it("raises no alarm over a week of normal runs", () => {
        const r = new FlowRig(flowConfig({ maxZonesOpen: 2, maxFlowLpm: 200 }), MON_0600)
        for (let d = 0; d < 7; d++) {
            r.ctl.command({ k: "run", zone: d % 3, seconds: 900 }, "keypad")
            r.ctl.command({ k: "run", zone: (d + 1) % 3, seconds: 600 }, "keypad")
            r.run(1500)
        }
        expect(r.ctl.alarms.items).toEqual([])
    })
})

describe("fertigation", () => {
    const dose = { product: 3, byVolume: true, amount: 3000, prewetS: 120, flushS: 300, phiDays: 0 }

    it("pre-wets, injects only while flow is confirmed, flushes at least the minimum, and records the dose", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        expect(r.ctl.command({ k: "run", zone: 1, seconds: 900, dose }, "keypad")).toEqual({ ok: true, error: "" })
        r.run(1000)
        const injOn = r.outputs.filter(x => x.out.injector)
        expect(injOn.length).toBeGreaterThanOrEqual(300)
        const pumpOn = r.firstWhen(o => o.pump)
        expect(injOn[0].mono - pumpOn).toBeGreaterThanOrEqual(120)
        const lastInj = injOn[injOn.length - 1].mono
        const closed = r.outputs.find(x => x.mono > lastInj && !x.out.pump)!.mono
        expect(closed - lastInj).toBeGreaterThanOrEqual(300)
        expect(r.events.find(e => e.kind === "dose")).toMatchObject({ zone: 1, reason: "p3" })
        expect(r.events.find(e => e.kind === "dose")!.value).toBeGreaterThanOrEqual(3000)
    })

    it("with no pre-wet, the injector still waits until the meter confirms water is flowing", () => {
        const cfg = flowConfig({ injector: { present: true, mlPerMin: 600, minFlushS: 300, minPrewetS: 0 } })
        const r = new FlowRig(cfg, MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 900, dose: { ...dose, prewetS: 0 } }, "keypad")
        r.run(120)
        const pumpOn = r.firstWhen(o => o.pump)
        const injOn = r.firstWhen(o => o.injector)
        // The meter needs at least 10 s of pulses (half of min(windowS, noFlowS)) to say.
        expect(injOn).toBeGreaterThanOrEqual(pumpOn + 10)
    })

    it("a pesticide dose records its pre-harvest interval", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 900, dose: { ...dose, phiDays: 14 } }, "keypad")
        r.run(1000)
        expect(r.events.find(e => e.kind === "phi")).toMatchObject({ zone: 0, value: 14, reason: "p3" })
    })

    it("stop-all during injection stops the injector and flushes before closing", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 900, dose }, "keypad")
        r.run(200)
        expect(r.outputs[r.outputs.length - 1].out.injector).toBe(true)
        r.ctl.command({ k: "stopAll" }, "keypad")
        const t = r.mono
        r.run(400)
        expect(r.outputs.filter(x => x.mono > t && x.out.injector)).toEqual([])
        const closed = r.outputs.find(x => x.mono > t && !x.out.valves[0])!.mono
        expect(closed - t).toBeGreaterThanOrEqual(300)
    })

    it("a flow fault stops injection at once; an empty tank stops it and raises an alarm", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        r.ctl.command({ k: "run", zone: 0, seconds: 900, dose }, "keypad")
        r.run(200)
        r.pumpWorks = false
        r.run(60)
        expect(r.outputs[r.outputs.length - 1].out.injector).toBe(false)
        expect(r.ctl.pumpLock).toBe("no_flow")
        const t = new FlowRig(flowConfig(), MON_0600)
        t.ctl.command({ k: "run", zone: 0, seconds: 900, dose }, "keypad")
        t.run(200)
        t.tankOk = false
        t.run(5)
        expect(t.outputs[t.outputs.length - 1].out.injector).toBe(false)
        expect(t.ctl.alarms.items.map(a => a.kind)).toContain("tank_empty")
    })

    it("refuses doses it cannot give safely", () => {
        const r = new FlowRig(flowConfig(), MON_0600)
        expect(r.ctl.command({ k: "run", zone: 0, seconds: 300, dose }, "keypad").error).toBe("run_too_short")
        expect(r.ctl.command({ k: "run", zone: 0, seconds: 900, dose: { ...dose, flushS: 10 } }, "keypad").error).toBe("flush_short")
        const noMeter = new FlowRig(flowConfig({ flow: undefined }), MON_0600)
        expect(noMeter.ctl.command({ k: "run", zone: 0, seconds: 900, dose }, "keypad").error).toBe("no_flow_meter")
    })
})
