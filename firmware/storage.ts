// Persisted records through @devicescript/settings (flash key/value store).
//
// The keys are the core's: "set", "fired", "p1".."p8". writeSetting() stores JSON, so a
// record string is stored with its quotes. Limits measured on DeviceScript 2.16.4: keys up
// to 13 characters; a key plus stored value above about 230 bytes aborts the whole VM
// natively (it cannot be caught), and a full flash drops writes silently. So every write is
// checked against a budget below that limit first and read back afterwards.

import { readSetting, writeSetting, deleteSetting } from "@devicescript/settings"
import { FIRED_KEY, FLOW_KEY, LOCK_KEY, MAX_PROGRAMS, MAX_RECORD_LEN, programKey, SETTINGS_KEY } from "./core/index"
import { errText, logLine } from "./log"

export const MAX_KEY_LEN = 13
/** Key + JSON-encoded value, bytes. The VM aborts somewhere above 230. */
export const MAX_ENTRY_BYTES = 220

export function recordKeys(): string[] {
    // Learned flows and burst/pump lock-outs too: a lock-out must survive a power cut.
    const keys = [SETTINGS_KEY, FIRED_KEY, FLOW_KEY, LOCK_KEY]
    for (let id = 1; id <= MAX_PROGRAMS; id++) keys.push(programKey(id))
    return keys
}

/** "" if key and value may be written, else the reason. */
export function entryError(key: string, value: string): string {
    if (typeof key !== "string" || key.length < 1 || key.length > MAX_KEY_LEN) return "bad_key"
    if (typeof value !== "string") return "bad_value"
    if (value.length > MAX_RECORD_LEN) return "too_long"
    const bytes = Buffer.from(key).length + Buffer.from(JSON.stringify(value)).length
    if (bytes > MAX_ENTRY_BYTES) return "too_long"
    return ""
}

/** Reads every core record; a key that cannot be read (twice) is left out. */
export async function readRecords(): Promise<Record<string, string>> {
    const out: Record<string, string> = {}
    for (const key of recordKeys()) {
        let v: any = undefined
        for (let attempt = 0; attempt < 2; attempt++) {
            try {
                v = await readSetting(key)
                break
            } catch (e) {
                logLine(["X store_read", key, errText(e)])
            }
        }
        // Not checked for type here: the core rejects anything that is not a valid record.
        if (v !== undefined && v !== null) out[key] = v
    }
    return out
}

/** Writes one record ("" deletes it); returns "" or an error code. Never throws. */
export async function writeRecord(key: string, value: string): Promise<string> {
    const err = entryError(key, value)
    if (err !== "") {
        logLine(["X store_refused", key, err, "len=" + (typeof value === "string" ? value.length : -1)])
        return err
    }
    try {
        if (value === "") {
            await deleteSetting(key)
            logLine(["W", key, "deleted"])
            return ""
        }
        await writeSetting(key, value)
        const back = await readSetting(key)
        if (back !== value) {
            logLine(["X store_verify", key])
            return "verify_failed"
        }
        logLine(["W", key, value.length])
        return ""
    } catch (e) {
        logLine(["X store_write", key, errText(e)])
        return "write_failed"
    }
}
