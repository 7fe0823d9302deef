// Public API of @endpoint-auditor/core. This file only re-exports.
export * from "./errors";
export * from "./evaluation";
export * from "./parameters";
export * from "./pricing";
export * from "./rule";
export * from "./engine";
export * from "./scan";
export * from "./aws";
export * from "./inventory/parts";
export * from "./inventory/model";
export * from "./inventory/raw";
export * from "./inventory/parse";
export * from "./inventory/snapshot";
export * from "./inventory/collect";
export { RULES, getRule, ruleIds, rulePermissions, allRulePermissions } from "./rules/index";
export * from "./config/index";
