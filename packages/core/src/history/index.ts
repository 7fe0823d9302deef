// Findings history: re-exports only.
export * from "./schema";
export * from "./errors";
export * from "./store";
