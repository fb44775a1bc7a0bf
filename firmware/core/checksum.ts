// 16-bit checksum of a flash record: FNV-1a over the character codes, folded to 16 bits.
// One loop iteration per character: a bitwise CRC costs eight, and restoring ten records
// with it ran past the DeviceScript VM's loop budget (it panics after ~10k iterations
// without an await). The fold keeps the result a small integer, which compares and prints
// the same in both runtimes.

export function checksum16(s: string): number {
    let h = 0x811c9dc5
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ (s.charCodeAt(i) & 0xff), 16777619)
    return ((h >> 16) ^ h) & 0xffff
}
