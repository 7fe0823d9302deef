// Organization digest: the aggregator reader, the weekly state, the model, the message, the settings and the run. Re-exports only.
export * from "./aggregator";
export * from "./state";
export * from "./model";
export * from "./blocks";
export * from "./settings";
export * from "./run";
