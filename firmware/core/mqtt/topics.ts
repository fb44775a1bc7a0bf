// MQTT topic scheme, version 1 (docs/mqtt.md). Every topic of a controller sits under
// "tl/v1/<deviceId>/" followed by a short suffix; short because the topic travels in every
// message on a metered cellular link.
//
// Pure code: compiled by DeviceScript (firmware) and Node (tools, tests).

import { splitAt } from "../menu/text"

export const TOPIC_ROOT = "tl"
export const SCHEME_VERSION = "v1"

/** Device -> broker, retained: "online" / "offline" (the last will). */
export const T_AVAIL = "av"
/** Device -> broker, retained: what the box is (name, zones, firmware), at each connect. */
export const T_INFO = "in"
/** Device -> broker, retained: outputs and modes, on change. */
export const T_STATE = "st"
/** Device -> broker, retained: periodic sensor readings. */
export const T_TELE = "tm"
/** Device -> broker: the diary (events with sequence numbers), in batches. */
export const T_EVENTS = "ev"
/** Device -> broker: one reply per command. */
export const T_REPLY = "re"
/** Office -> device: commands. */
export const T_CMD = "cmd"
/** Office -> device, retained: diary acknowledgement up to a sequence number. */
export const T_ACK = "ack"

export const ONLINE = "online"
export const OFFLINE = "offline"

export const MAX_DEVICE_ID = 32

/** Device ids are topic levels: ASCII letters, digits, "-" and "_" only (no "/", "+", "#"). */
export function isDeviceId(x: any): boolean {
    if (typeof x !== "string") return false
    const s: string = x
    if (s.length < 1 || s.length > MAX_DEVICE_ID) return false
    for (let i = 0; i < s.length; i++) if (!isIdChar(s.charCodeAt(i))) return false
    return true
}

/** Letters, digits, "-" and "_". */
export function isIdChar(c: number): boolean {
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95
}

export function deviceBase(deviceId: string): string {
    return TOPIC_ROOT + "/" + SCHEME_VERSION + "/" + deviceId + "/"
}

export function topic(deviceId: string, suffix: string): string {
    return deviceBase(deviceId) + suffix
}

/** The suffix of `t` when it is exactly one of this device's topics, else "". A device acts
 *  only on messages that pass this (the MQTT client of DeviceScript matches subscriptions by
 *  prefix, so a handler may see more than it asked for). */
export function ownSuffix(t: any, deviceId: string): string {
    if (typeof t !== "string") return ""
    const base = deviceBase(deviceId)
    const s: string = t
    if (s.length <= base.length || s.slice(0, base.length) !== base) return ""
    const rest = s.slice(base.length)
    if (rest === T_CMD || rest === T_ACK) return rest
    return ""
}

/** Splits "tl/v1/<id>/<suffix>" (office side): null when it is not a v1 controller topic. */
export function parseTopic(t: string): { deviceId: string; suffix: string } | null {
    const parts = t.split("/")
    if (parts.length !== 4 || parts[0] !== TOPIC_ROOT || parts[1] !== SCHEME_VERSION) return null
    if (!isDeviceId(parts[2]) || parts[3].length === 0) return null
    return { deviceId: parts[2], suffix: parts[3] }
}

export interface BrokerAddress {
    /** "tcp" or "tls" */
    proto: string
    host: string
    port: number
}

/** "mqtt://host[:port]" (plain TCP, 1883) or "mqtts://host[:port]" (TLS, 8883). Credentials
 *  do not belong in the URL (MQTT_USER, MQTT_PASS): null when malformed. */
export function parseBrokerUrl(url: any): BrokerAddress | null {
    if (typeof url !== "string") return null
    const s: string = url
    const tls = s.indexOf("mqtts://") === 0
    if (!tls && s.indexOf("mqtt://") !== 0) return null
    const hp = splitAt(splitAt(s.slice(tls ? 8 : 7), "/")[0], ":")
    let port = tls ? 8883 : 1883
    if (hp.length === 2) port = parseInt(hp[1])
    const host = hp[0]
    if (hp.length > 2 || (hp.length === 2 && "" + port !== hp[1]) || !(port >= 1 && port <= 65535) || host.length < 1 || host.length > 253) return null
    for (let i = 0; i < host.length; i++) if (!isIdChar(host.charCodeAt(i)) && host.charCodeAt(i) !== 46) return null
    return { proto: tls ? "tls" : "tcp", host: host, port: port }
}
