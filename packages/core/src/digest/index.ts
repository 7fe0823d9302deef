// Weekly digest: model, renderers, settings and the run. Re-exports only.
export * from "./model";
export * from "./blocks";
export * from "./text";
export * from "./settings";
export * from "./deliver";
export * from "./run";
