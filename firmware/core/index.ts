// The control core's public surface, for the firmware shell, the simulator and the tests.
export * from "./types"
export * from "./controller"
export * from "./profile"
export * from "./tariff"
export * from "./calendar"
export * from "./persist"
export * from "./program"
export { sensorCount } from "./moisture"
