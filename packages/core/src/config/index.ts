// The AWS Config rule front door of @endpoint-auditor/core. This file only re-exports.
export * from "./errors";
export * from "./events";
export * from "./writer";
export * from "./stale";
export * from "./run";
export * from "./deployed";
export * from "./settings";
export * from "./failures";
