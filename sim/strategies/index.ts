// The strategies a farm can be run with, by name.

import { Strategy } from "../farm-sim"
import { ControllerStrategy } from "./controller"
import { FixedStrategy } from "./fixed"
import { OracleStrategy } from "./oracle"
import { WeeklyStrategy } from "./weekly"

export const STRATEGY_NAMES = ["controller", "fixed", "weekly", "oracle"] as const
export type StrategyName = (typeof STRATEGY_NAMES)[number]

export function isStrategyName(x: string): x is StrategyName {
    return (STRATEGY_NAMES as readonly string[]).includes(x)
}

export function makeStrategy(name: StrategyName): Strategy {
    switch (name) {
        case "controller":
            return new ControllerStrategy()
        case "fixed":
            return new FixedStrategy()
        case "weekly":
            return new WeeklyStrategy()
        case "oracle":
            return new OracleStrategy()
    }
}
