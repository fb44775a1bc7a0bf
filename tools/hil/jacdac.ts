// jacdac-ts 1.33 ships its type declarations (dist/types) but its package.json "exports" does
// not point to them, so TypeScript sees the package as untyped. This gives the runtime module
// those declarations.

// @ts-ignore TS7016: the declarations are attached below
import * as runtime from "jacdac-ts"
import type * as Jacdac from "../../node_modules/jacdac-ts/dist/types/src/jacdac"

export const jd = runtime as unknown as typeof Jacdac
export type { Jacdac }
