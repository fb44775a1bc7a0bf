// The technician's settings check (tools/hil/box.ts, `npm run box:settings`). Invariants: a
// complete .env.local passes; a secret in the tracked .env.defaults, a name DeviceScript
// would refuse, an unknown name, or a malformed broker URL is named; and no Wi-Fi or broker
// is reported (the box still works offline, but the technician should know).
import { expect, it } from "vitest"
import { checkSettings } from "../../tools/hil/box"

const LOCAL = ["WIFI_SSID=FarmRouter", "WIFI_PWD=x", "MQTT_URL=mqtts://broker.example.vn:8883", "MQTT_USER=u", "MQTT_PASS=p", "DEVICE_ID=lq-1"].join("\n")

it("accepts a complete .env.local", () => {
    expect(checkSettings({ ".env.local": LOCAL })).toEqual([])
})

it("names each mistake", () => {
    const p = checkSettings({
        ".env.defaults": "MQTT_PASS=oops\n",
        ".env.local": "WIFI_SSID=a\nMQTT_URL=http://x\nMQTT_PASSWORD_X=1\nwat\n",
    })
    expect(p.some(x => x.includes(".env.defaults:1: MQTT_PASS is a secret"))).toBe(true)
    expect(p.some(x => x.includes("MQTT_URL http://x"))).toBe(true)
    expect(p.some(x => x.includes("MQTT_PASSWORD_X is longer than 13"))).toBe(true)
    expect(p.some(x => x.includes(".env.local:4: not NAME=value"))).toBe(true)
})

it("reports a box with no network settings", () => {
    const p = checkSettings({})
    expect(p.some(x => x.startsWith("WIFI_SSID is not set"))).toBe(true)
    expect(p.some(x => x.startsWith("MQTT_URL is not set"))).toBe(true)
})
