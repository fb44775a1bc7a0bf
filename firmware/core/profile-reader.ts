// Reads a human-written installation profile (devicescript.json) field by field: every
// mistake is collected with its path, so that the technician sees them all at once.

import { isBool, isInt, isSafeName } from "./validate"

export class Reader {
    errors: string[] = []
    fail(path: string, msg: string): void {
        this.errors.push(path + ": " + msg)
    }
    obj(x: any, path: string): any {
        if (x === null || x === undefined || typeof x !== "object" || Array.isArray(x)) {
            this.fail(path, "must be an object")
            return {}
        }
        return x
    }
    int(x: any, path: string, lo: number, hi: number, dflt: number): number {
        if (x === undefined) return dflt
        if (!isInt(x) || x < lo || x > hi) {
            this.fail(path, "must be a whole number from " + lo + " to " + hi)
            return dflt
        }
        return x
    }
    bool(x: any, path: string, dflt: boolean): boolean {
        if (x === undefined) return dflt
        if (!isBool(x)) {
            this.fail(path, "must be true or false")
            return dflt
        }
        return x
    }
    name(x: any, path: string, dflt: string): string {
        if (x === undefined) return dflt
        if (!isSafeName(x, 16)) {
            this.fail(path, "must be plain ASCII text of at most 16 characters, without | or ,")
            return dflt
        }
        return x
    }
    pin(x: any, path: string): number {
        return this.int(x, path, -1, 48, -1)
    }
}
