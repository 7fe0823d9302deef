// Weekly digest: model and renderers. Re-exports only.
export * from "./model";
export * from "./blocks";
export * from "./text";
