// Builds firmware/main.ts under the machine-wide VM lock and prints DeviceScript's size
// figures: the image size and "Function TOTAL" (the part under the 64 KB verifier limit).
//   npx tsx tools/hil/build-sizes.ts [entry]
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import path from "node:path"
import { REPO_ROOT, withVmLock } from "../devs-vm"

export interface Sizes {
    imageBytes: number
    functionBytes: number
}

/** `devs build -s entry`; throws with the compiler's output when it fails. */
export async function buildSizes(entry = "firmware/main.ts"): Promise<Sizes> {
    return withVmLock(async () => {
        const devs = path.join(REPO_ROOT, "node_modules", ".bin", "devs")
        const r = spawnSync(devs, ["build", "-s", entry], { cwd: REPO_ROOT, encoding: "utf8" })
        if (r.status !== 0) throw new Error(`devs build ${entry} failed:\n${r.stdout}\n${r.stderr}`)
        const md = readFileSync(path.join(REPO_ROOT, ".devicescript", "bin", "bytecode-sizes.md"), "utf8")
        const fn = /(\d+)\s*\|\s*Function TOTAL/.exec(md)
        const all = /(\d+)\s*\|\s*TOTAL/.exec(md)
        const img = all
        return { imageBytes: img ? Number(img[1]) : -1, functionBytes: fn ? Number(fn[1]) : -1 }
    })
}

if (process.argv[1] && process.argv[1].endsWith("build-sizes.ts")) {
    buildSizes(process.argv[2]).then(s => console.log(JSON.stringify(s)))
}
