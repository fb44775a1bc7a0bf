// The keypad-and-display menu of the control core (pure; see menu.ts).
export * from "./menu"
export * from "./text"
export * from "./fmt"
export * from "./panel-profile"
