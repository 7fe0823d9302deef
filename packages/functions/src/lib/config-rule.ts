// The Config rule front door of core.
export { runConfigRule, type ConfigRunResult } from "@endpoint-auditor/core";
