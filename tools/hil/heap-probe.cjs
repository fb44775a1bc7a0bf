// Preloaded into the `devs run` process (node -r tools/hil/heap-probe.cjs ...) to watch the
// DeviceScript VM's heap from outside: DeviceScript offers programs no heap statistics, and
// the VM prints them only when it runs out of memory.
//
// The VM's garbage-collected heap is one chunk right after its collector record
// (runtime devicescript/gc_alloc.c, 32-bit wasm):
//   gc:    first_free, first_chunk, num_alloc, last_used, curr_alloc (words), ctx
//   chunk: next, end, blocks... ; block header = tag << 24 | size in words; tag & 0x0f = 1 free
// The probe finds that record in the wasm memory by its shape (first_chunk == gc + 24, a
// single chunk of 16-256 KB), then every 50 ms walks the blocks and prints
//   HEAPPROBE used=<bytes in blocks not free> live=<bytes kept by the last collection> total=<chunk bytes>
// "used" includes garbage the collector has not reclaimed yet (2.16.4 collects once about
// 17 KB have been allocated since the last collection); "live" is "used" minus what was
// allocated since the last collection, i.e. what that collection kept: what the program
// really holds. (last_used read 4096 throughout in 2.16.4, so it is not used.)

"use strict"
const origInstantiate = WebAssembly.instantiate
// Every wasm memory instantiated in this process (the CLI may load more than the VM).
const memories = []
let memory = null
WebAssembly.instantiate = async function (...args) {
    const r = await origInstantiate.apply(this, args)
    const inst = r.instance || r
    if (inst && inst.exports && inst.exports.memory) memories.push(inst.exports.memory)
    return r
}

let gcAddr = -1
let last = ""

function findGc(u32) {
    for (let i = 0; i + 8 < u32.length; i++) {
        const a = i * 4
        if (u32[i + 1] !== a + 24) continue
        const chunk = a + 24
        if (u32[chunk / 4] !== 0) continue
        const end = u32[chunk / 4 + 1]
        const size = end - (chunk + 8)
        if (size < 16 * 1024 || size > 256 * 1024 || end % 4 !== 0) continue
        // the final block's tag must be nonzero and the first block must have a size
        if (u32[end / 4] === 0 || (u32[(chunk + 8) / 4] & 0xffffff) === 0) continue
        return a
    }
    return -1
}

function sample() {
    if (gcAddr < 0) {
        for (const m of memories) {
            gcAddr = findGc(new Uint32Array(m.buffer))
            if (gcAddr >= 0) {
                memory = m
                break
            }
        }
        if (gcAddr < 0) return
    }
    const u32 = new Uint32Array(memory.buffer)
    const chunk = gcAddr + 24
    const end = u32[chunk / 4 + 1]
    let p = chunk + 8
    let used = 0
    let n = 0
    while (p < end && n < 200000) {
        const h = u32[p / 4]
        const words = h & 0xffffff
        if (words === 0) break
        if (((h >>> 24) & 0x0f) !== 1) used += words * 4
        p += words * 4
        n++
    }
    // curr_alloc: words allocated since the last collection (sweep resets it), so what the
    // last collection kept is the occupancy minus that.
    const live = used - u32[gcAddr / 4 + 4] * 4
    const line = `HEAPPROBE used=${used} live=${live} total=${end - chunk - 8}\n`
    if (line !== last) process.stdout.write(line)
    last = line
}

setInterval(sample, 50).unref()
