// Weekly digest: model, renderers, settings and the run. Re-exports only.
export * from "./model";
export * from "./blocks";
export * from "./text";
export * from "./reporting";
export * from "./settings";
export * from "./history";
export * from "./deliver";
export * from "./run";
