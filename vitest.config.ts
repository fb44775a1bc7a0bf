import { availableParallelism } from "node:os"
import { defineConfig } from "vitest/config"

/**
 * Test files that build the firmware or run it in the DeviceScript VM. They share the build
 * output (.devicescript/bin, firmware/generated) and fixed MQTT ports, so they run one at a
 * time, while the other files run beside them on the second core. Measured on 2 cores: the
 * whole suite in 589 s this way, against 763-828 s one file at a time (vitest's default with
 * 2 cores is a single worker); with every file free to run beside any other, 6 tests in 3
 * of these files failed on each other's build output and ports.
 */
const VM_FILES = [
    "test/firmware/**/*.test.ts",
    "test/hil/**/*.test.ts",
    "test/conformance/**/*.test.ts",
    "test/mqtt/vm*.test.ts",
    "test/menu/panel-vm.test.ts",
]

export default defineConfig({
    test: {
        // Fixed fast-check seed for every property (FC_SEED overrides): deterministic CI.
        setupFiles: ["test/setup/fast-check.ts"],
        testTimeout: 120_000,
        hookTimeout: 120_000,
        maxWorkers: Math.max(2, availableParallelism() - 1),
        projects: [
            { extends: true, test: { name: "vm", include: VM_FILES, fileParallelism: false } },
            { extends: true, test: { name: "node", include: ["test/**/*.test.ts", "test/**/*.test.tsx"], exclude: VM_FILES } },
        ],
    },
})
