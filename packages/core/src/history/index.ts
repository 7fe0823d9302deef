// Findings history: re-exports only.
export * from "./schema";
export * from "./errors";
export * from "./transitions";
export * from "./record";
export type { BatchRetryOptions } from "./batch";
export * from "./queries";
export * from "./heartbeats";
