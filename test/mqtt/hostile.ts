// Malformed and hostile command payloads for the fuzz tests (Node: test/mqtt/commands.test.ts;
// a sample of them through the broker into the DeviceScript VM: test/mqtt/vm.test.ts). Every
// payload here must be refused by a controller running the default profile (4 zones, no
// programs or one program, clock set to T0 or later, not paused, no fault).
import fc from "fast-check"
import { pepperProgram, T0 } from "./fixture"

const NZ = 4
const badNumber = fc.constantFrom<unknown>(-1, -7, 0.5, 1.5, 1e10, -1e10, 4294967296, 1e308, -1e308, "1", "", "0", null, true, false, [], [1], {}, { n: 1 })
const badBool = fc.constantFrom<unknown>(0, 1, "true", "false", null, [], {}, "", 2)
const idArb = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,16}$/)

/** Commands of the core with at least one field that no valid command could have. */
const badFieldCommand: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
    fc.record({ k: fc.constant("run"), zone: fc.oneof(badNumber, fc.constantFrom(NZ, 99)), seconds: fc.integer({ min: 1, max: 600 }) }),
    fc.record({ k: fc.constant("run"), zone: fc.integer({ min: 0, max: NZ - 1 }), seconds: fc.oneof(badNumber, fc.constantFrom(0, 14401)) }),
    fc.record({ k: fc.constant("run"), zone: fc.integer({ min: 0, max: NZ - 1 }), seconds: fc.integer({ min: 1, max: 600 }), force: badBool }),
    fc.record({
        k: fc.constant("run"),
        zone: fc.constant(0),
        seconds: fc.constant(3600),
        dose: fc.oneof(
            badNumber,
            fc.record({ product: fc.constantFrom(0, 100, -1, "1"), byVolume: fc.constant(true), amount: fc.constant(500), prewetS: fc.constant(300), flushS: fc.constant(600), phiDays: fc.constant(0) }),
            fc.record({ product: fc.constant(1), byVolume: badBool, amount: fc.constant(500), prewetS: fc.constant(300), flushS: fc.constant(600), phiDays: fc.constant(0) }),
            fc.record({ product: fc.constant(1), byVolume: fc.constant(true), amount: fc.constantFrom(0, -5, 1e10), prewetS: fc.constant(300), flushS: fc.constant(600), phiDays: fc.constant(0) }),
            fc.record({ product: fc.constant(1), byVolume: fc.constant(true), amount: fc.constant(500), prewetS: fc.constantFrom(0, 10), flushS: fc.constant(600), phiDays: fc.constant(0) }),
            fc.record({ product: fc.constant(1), byVolume: fc.constant(true), amount: fc.constant(500), prewetS: fc.constant(300), flushS: fc.constant(600), phiDays: fc.constantFrom(366, -1) })
        ),
    }),
    fc.record({ k: fc.constant("stopZone"), zone: fc.oneof(badNumber, fc.constantFrom(NZ)) }),
    fc.record({ k: fc.constant("pause"), seconds: fc.oneof(badNumber, fc.constant(7 * 86400 + 1)) }),
    fc.record({ k: fc.constant("runProgram"), id: fc.oneof(badNumber, fc.constantFrom(0, 9, 5)) }),
    fc.record({ k: fc.constant("rainDelay"), hours: fc.oneof(badNumber, fc.constant(721)) }),
    fc.record({ k: fc.constant("standby"), on: badBool }),
    fc.record({ k: fc.constant("deleteProgram"), id: fc.oneof(badNumber, fc.constantFrom(0, 9, 4)) }),
    fc.record({ k: fc.constant("setBudget"), pct: fc.oneof(badNumber, fc.constant(251)) }),
    fc.record({ k: fc.constant("ackAlarm"), id: fc.oneof(fc.constantFrom<unknown>(-1, 0.5, 1e10, "1", null, true, [], {})) }),
    fc.record({ k: fc.constant("setLang"), lang: fc.oneof(badNumber, fc.constant(2)) }),
    fc.record({ k: fc.constant("setPin"), pin: fc.oneof(badNumber, fc.constant(10000)), on: fc.boolean() }),
    fc.record({ k: fc.constant("setPin"), pin: fc.constant(1234), on: badBool }),
    fc.record({ k: fc.constant("relearnFlow"), zone: fc.constantFrom<unknown>(NZ, 99, -2, 0.5, 1e10, "1", null, true, [], {}) }), // -1 = every zone
    fc.record({ k: fc.constantFrom("resume", "clearFault") }), // refused in this state
    fc.record({ k: fc.constant("get"), what: fc.oneof(badNumber, fc.constantFrom("program", "secrets", "__proto__")) }),
    fc.record({ k: fc.oneof(fc.constantFrom("", "RUN", "run ", "__proto__", "constructor", "toString", "setClock", "calibrate", "x".repeat(25)), fc.string({ maxLength: 30 })) }),
    // saveProgram with one broken field
    fc
        .tuple(
            fc.constantFrom<[string, unknown[]]>(
                ["id", [0, 9, 1.5, "1", null]],
                ["name", ["x".repeat(17), "a|b", "a,b", "ruộng", 5, null, "\n"]],
                ["enabled", [1, "yes", null]],
                ["dayMode", [4, -1, 0.5, "0"]],
                ["weekdays", [128, -1, 0, "127"]],
                ["intervalDays", [0, 31, 1.5]],
                ["refDay", [-1, 100001, "0"]],
                ["startsMin", [[], [1440], [300, 300], [600, 300], [1, 2, 3, 4, 5], "330", [null], [-1]]],
                ["zoneS", [[1200], [1200, 1200, 1200, 1200, 1200], [0, 0, 0, 0], [14401, 0, 0, 0], [-1, 5, 5, 5], "1200", [1.5, 1, 1, 1]]],
                ["budgetPct", [251, -1, "100", null]],
                ["cycleS", [30, -1, 14401]],
                ["seasonFrom", [1301, 132, -1, 101]],
                ["useMoisture", [1, "true", null]]
            ),
            fc.nat()
        )
        .map(([[field, bad], i]) => {
            const p: Record<string, unknown> = { ...pepperProgram(NZ) }
            p[field] = bad[i % bad.length]
            if (field === "weekdays" && p[field] === 0) p.dayMode = 0
            return { k: "saveProgram", program: p }
        }),
    fc.record({ k: fc.constant("saveProgram"), program: fc.oneof(badNumber, fc.constant("program")) })
)

/** Payloads that are not acceptable commands at all. */
const structural: fc.Arbitrary<string> = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify(v) ?? "null"),
    fc.integer({ min: 4, max: 400 }).map(n => "[".repeat(n) + "]".repeat(n)),
    fc.integer({ min: 4, max: 400 }).map(n => '{"id":"d","k":"run","a":' + '{"b":'.repeat(n) + "1" + "}".repeat(n + 1)),
    fc.integer({ min: 1025, max: 9000 }).map(n => '{"id":"big","k":"stopAll","pad":"' + "x".repeat(n) + '"}'),
    fc.constantFrom(
        "",
        " ",
        "null",
        "true",
        "[]",
        "{}",
        '"run"',
        "{\"id\":\"a\",'k':\"stopAll\"}",
        '{"id":"a","k":"stopAll"',
        '{"id":"a","k":"stopAll"}}',
        '{"id":"a","k":"stopAll"} trailing',
        '\ufeff{"id":"a","k":"stopAll"}',
        '{"__proto__":{"id":"a","k":"stopAll"}}',
        '{"constructor":{"prototype":{"k":"stopAll"}},"id":"a"}',
        '{"id":"a","k":"run","zone":0,"seconds":60,"zone":99}',
        '{"id":"a","k":"stopAll","exp":"soon"}',
        '{"id":"a","k":"stopAll","exp":-1}',
        '{"id":"a","k":"stopAll","exp":1.5}',
        '{"id":"a\\u0000","k":"stopAll"}',
        '{"id":"a/#","k":"stopAll"}',
        '{"id":"+","k":"stopAll"}',
        '{"id":"0123456789abcdefX","k":"stopAll"}',
        '{"id":5,"k":"stopAll"}',
        '{"id":["a"],"k":"stopAll"}',
        '{"id":null,"k":"stopAll"}',
        '{"k":"stopAll"}',
        '{"id":"a","k":5}',
        '{"id":"a","k":["stopAll"]}',
        '{"id":"a","k":null}',
        '{"id":"a","K":"stopAll"}',
        '{"id":"a","k":"stopAll","zone":NaN}',
        '{"id":"a","k":"setBudget","pct":Infinity}',
        '{"id":"a","k":"setBudget","pct":1e999}',
        '{"id":"a","k":"setBudget","pct":0x10}',
        '{"id":"a","k":"setBudget","pct":010}',
        '{"id":"a","k":"setBudget","pct":+5}',
        '{"id":"\\ud800","k":"stopAll"}'
    )
)

/** Well-formed commands that must still not run: expired. */
const expired: fc.Arbitrary<Record<string, unknown>> = fc.record({
    k: fc.constantFrom("stopAll", "setBudget", "standby"),
    pct: fc.constant(50),
    on: fc.constant(true),
    exp: fc.integer({ min: 1577836800, max: T0 + 19 }),
})

export const hostile: fc.Arbitrary<{ payload: string; kind: string }> = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(idArb, badFieldCommand).map(([id, c]) => ({ payload: JSON.stringify({ id, ...c }), kind: "field" })) },
    { weight: 4, arbitrary: structural.map(payload => ({ payload, kind: "structure" })) },
    { weight: 1, arbitrary: fc.tuple(idArb, expired).map(([id, c]) => ({ payload: JSON.stringify({ id, ...c }), kind: "expired" })) }
)

