// HIL provisioning (test/hil/mqtt.test.ts): writes into the simulated flash what a technician's
// deploy leaves on a box (docs/flashing.md step 4): the broker URL and the device id. It also
// writes the learned flow of zone 2 alone (75,198 mL/min, what tools/hil/farm-io.ts's
// hydraulics give; the test checks the two agree), as three settled runs would have left it,
// so a burst is judged without minutes of learning first. The firmware then boots on it.
import { writeSetting } from "@devicescript/settings"
import { encodeFlow, FLOW_KEY } from "../core/persist"
import { writeRecord } from "../storage"

export const ZONE2_LEARNED_ML_PER_MIN = 75198

await writeSetting("MQTT_URL", "mqtt://127.0.0.1:18834")
await writeSetting("DEVICE_ID", "hil")
const err = await writeRecord(FLOW_KEY, encodeFlow([2], [ZONE2_LEARNED_ML_PER_MIN]))
console.log(err === "" ? "provisioned" : "provision failed " + err)
