// Seeded pseudo-random numbers (mulberry32) for the simulator and test-vector generators.
// Written in the DeviceScript subset (Math.imul, >>>) so the conformance suite can generate
// the very same vectors inside the DeviceScript VM.

export class Rng {
    private s: number
    constructor(seed: number) {
        this.s = (seed | 0) ^ 0x9e3779b9
        if (this.s === 0) this.s = 1
    }
    /** Uniform 32-bit unsigned integer. */
    nextU32(): number {
        this.s = (this.s + 0x6d2b79f5) | 0
        let t = this.s
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return (t ^ (t >>> 14)) >>> 0
    }
    /** Uniform in [0, 1). */
    next(): number {
        return this.nextU32() / 4294967296
    }
    /** Integer in [lo, hi] inclusive. Not `nextU32() % n`: in the DeviceScript VM `%` on a
     *  value produced by `>>> 0` gives wrong results (4219351720 % 6 is 0 there, 4 in Node). */
    int(lo: number, hi: number): number {
        return lo + Math.floor(this.next() * (hi - lo + 1))
    }
    bool(pTrue: number): boolean {
        return this.next() < pTrue
    }
    pick<T>(items: T[]): T {
        return items[this.int(0, items.length - 1)]
    }
}
