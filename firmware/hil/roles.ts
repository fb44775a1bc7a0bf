// Simulator roles by name. DeviceScript allows one role per name in a program, and the VM
// self-test (firmware/selftest.ts) builds several shells: the second one reuses the roles.

const made: any = {}

export function simRole<T>(name: string, make: (name: string) => T): T {
    let r = made[name]
    if (r === undefined) {
        r = make(name)
        made[name] = r
    }
    return r
}
