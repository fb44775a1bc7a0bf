// Brokers the link tests run against: the embedded aedes broker always, Mosquitto when it is
// installed (`which mosquitto`; .ci/run installs it from Debian packages). Mosquitto is
// started by the test itself on a loopback port, with a throw-away configuration.

import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { startBroker } from "../../tools/broker"

export interface TestBroker {
    kind: string
    url: string
    port: number
    /** A crash: connections drop at once. */
    close(): Promise<void>
}

function findMosquitto(): string | null {
    const r = spawnSync("sh", ["-c", "command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null"], { encoding: "utf8" })
    const p = r.stdout.trim().split("\n")[0]
    return p ? p : null
}

export const MOSQUITTO = findMosquitto()
export const BROKER_KINDS: string[] = MOSQUITTO ? ["aedes", "mosquitto"] : ["aedes"]

async function waitPort(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
        const ok = await new Promise<boolean>(resolve => {
            const s = net.connect(port, "127.0.0.1")
            s.once("connect", () => {
                s.destroy()
                resolve(true)
            })
            s.once("error", () => resolve(false))
        })
        if (ok) return
        if (Date.now() > deadline) throw new Error(`broker did not open port ${port}`)
        await new Promise(r => setTimeout(r, 50))
    }
}

export async function startTestBroker(kind: string, port: number): Promise<TestBroker> {
    if (kind === "aedes") {
        const b = await startBroker({ port })
        return { kind, url: b.url, port: b.port, close: () => b.close() }
    }
    if (!MOSQUITTO) throw new Error("mosquitto is not installed")
    const dir = mkdtempSync(path.join(tmpdir(), "mosq-"))
    const conf = path.join(dir, "mosquitto.conf")
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", "max_packet_size 4096", "log_dest none", ""].join("\n"))
    const child: ChildProcess = spawn(MOSQUITTO, ["-c", conf], { stdio: "ignore" })
    let exited = false
    child.on("exit", () => (exited = true))
    await waitPort(port, 5000)
    return {
        kind,
        url: `mqtt://127.0.0.1:${port}`,
        port,
        close: async () => {
            if (exited) return
            const gone = new Promise<void>(resolve => child.once("exit", () => resolve()))
            child.kill("SIGKILL")
            await gone
        },
    }
}
