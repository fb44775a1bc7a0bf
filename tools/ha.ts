// Home Assistant MQTT discovery, announced by the office (tl ha), not by the controllers: the
// discovery messages are large (~0.5 KB each, a dozen per box) and would cost a metered
// cellular link a few kilobytes at every reconnect. Here they cost the box nothing: the office
// reads each controller's retained info message (tl/v1/<id>/in) and announces
//   - each zone as a `valve` (open = water it for HA_RUN_S seconds, close = stop the zone),
//   - soil moisture per probe, air temperature and humidity, soil pH, flow, the pump,
//     the fault and alarm count, diary records waiting, a "stop all" button,
// all bound to the controller's own topics and its availability (last will), and announces
// again whenever Home Assistant says it (re)started (`homeassistant/status` = "online").

import type { MqttClient } from "mqtt"
import { parseTopic, T_AVAIL, T_CMD, T_INFO, T_STATE, T_TELE, topic } from "../firmware/core/mqtt/topics"

/** How long a zone opened from Home Assistant waters, seconds. */
export const HA_RUN_S = 600

export interface Discovery {
    topic: string
    payload: string
}

/** A command id Home Assistant makes fresh for each press (the box ignores repeated ids). */
const HA_ID = "ha{{ (as_timestamp(now()) * 1000) | int }}"

export function discoveryMessages(prefix: string, id: string, info: { n?: string; z?: string[]; s?: number; fw?: string }): Discovery[] {
    const zones = Array.isArray(info.z) ? info.z : []
    const sensors = typeof info.s === "number" ? info.s : zones.length
    const device = {
        identifiers: [`tl_${id}`],
        name: info.n ?? id,
        manufacturer: "Thuy loi open-source irrigation controller",
        model: "ESP32 / DeviceScript",
        sw_version: info.fw ?? "",
    }
    const availability = { topic: topic(id, T_AVAIL), payload_available: "online", payload_not_available: "offline" }
    const base = (obj: string, name: string) => ({
        name,
        unique_id: `tl_${id}_${obj}`,
        object_id: `tl_${id}_${obj}`,
        device,
        availability: [availability],
    })
    const out: Discovery[] = []
    const put = (component: string, obj: string, cfg: Record<string, unknown>) =>
        out.push({ topic: `${prefix}/${component}/tl_${id}/${obj}/config`, payload: JSON.stringify(cfg) })

    zones.forEach((name, z) => {
        put("valve", `zone${z}`, {
            ...base(`zone${z}`, name),
            device_class: "water",
            command_topic: topic(id, T_CMD),
            command_template:
                `{% if value == 'OPEN' %}{"id":"${HA_ID}","k":"run","zone":${z},"seconds":${HA_RUN_S}}` +
                `{% else %}{"id":"${HA_ID}","k":"stopZone","zone":${z}}{% endif %}`,
            payload_open: "OPEN",
            payload_close: "CLOSE",
            state_topic: topic(id, T_STATE),
            value_template: `{{ 'open' if value_json.v[${z}:${z + 1}] == '1' else 'closed' }}`,
            reports_position: false,
            optimistic: false,
        })
    })
    for (let k = 0; k < sensors; k++) {
        put("sensor", `soil${k}`, {
            ...base(`soil${k}`, `Soil moisture ${k + 1}`),
            device_class: "moisture",
            unit_of_measurement: "%",
            state_class: "measurement",
            state_topic: topic(id, T_TELE),
            value_template: `{% set v = value_json.sm[${k}] %}{{ (v / 10) if v is number else None }}`,
        })
    }
    const teleSensor = (obj: string, name: string, field: string, scale: number, extra: Record<string, unknown>) =>
        put("sensor", obj, {
            ...base(obj, name),
            state_topic: topic(id, T_TELE),
            state_class: "measurement",
            value_template: `{{ (value_json.${field} / ${scale}) if value_json.${field} is defined else None }}`,
            ...extra,
        })
    teleSensor("air_t", "Air temperature", "at", 10, { device_class: "temperature", unit_of_measurement: "°C" })
    teleSensor("air_rh", "Air humidity", "ah", 10, { device_class: "humidity", unit_of_measurement: "%" })
    teleSensor("ph", "Soil pH", "ph", 10, { device_class: "ph" })
    teleSensor("flow", "Flow", "fl", 1000, { device_class: "volume_flow_rate", unit_of_measurement: "L/min" })
    put("sensor", "diary", {
        ...base("diary", "Diary records waiting"),
        state_topic: topic(id, T_TELE),
        value_template: "{{ value_json.dq }}",
        entity_category: "diagnostic",
    })
    put("binary_sensor", "pump", {
        ...base("pump", "Pump"),
        device_class: "running",
        state_topic: topic(id, T_STATE),
        value_template: "{{ 'ON' if value_json.p == 1 else 'OFF' }}",
    })
    put("binary_sensor", "fault", {
        ...base("fault", "Fault"),
        device_class: "problem",
        state_topic: topic(id, T_STATE),
        value_template: "{{ 'ON' if value_json.f != '' else 'OFF' }}",
    })
    put("sensor", "alarms", {
        ...base("alarms", "Alarms"),
        state_topic: topic(id, T_STATE),
        value_template: "{{ value_json.al }}",
    })
    put("button", "stop_all", {
        ...base("stop_all", "Stop all"),
        command_topic: topic(id, T_CMD),
        command_template: `{"id":"${HA_ID}","k":"stopAll"}`,
    })
    return out
}

/**
 * Announces every controller that has (or later publishes) a retained info message, and
 * announces them all again when Home Assistant comes online. Returns a function that stops.
 */
export async function announceAll(c: MqttClient, prefix = "homeassistant", log: (msg: string) => void = () => {}): Promise<() => Promise<void>> {
    const infos = new Map<string, string>()
    const announce = (id: string) => {
        const raw = infos.get(id)
        if (raw === undefined) return
        let info: any
        try {
            info = JSON.parse(raw)
        } catch {
            return
        }
        const msgs = discoveryMessages(prefix, id, info)
        for (const m of msgs) c.publish(m.topic, m.payload, { qos: 1, retain: true })
        log(`announced ${id}: ${msgs.length} entities`)
    }
    const statusTopic = `${prefix}/status`
    const handler = (t: string, payload: Buffer) => {
        if (t === statusTopic) {
            if (payload.toString() === "online") for (const id of infos.keys()) announce(id)
            return
        }
        const p = parseTopic(t)
        if (p === null || p.suffix !== T_INFO) return
        const text = payload.toString()
        if (infos.get(p.deviceId) === text) return
        infos.set(p.deviceId, text)
        announce(p.deviceId)
    }
    c.on("message", handler)
    await c.subscribeAsync([`tl/v1/+/${T_INFO}`, statusTopic], { qos: 1 })
    return async () => {
        c.removeListener("message", handler)
        await c.unsubscribeAsync([`tl/v1/+/${T_INFO}`, statusTopic])
    }
}
