// The Config rule front door of core. `@endpoint-auditor/core`'s index does not re-export `./config` yet
// (a one-line change requested from its owner); until it does, the API is imported from its folder.
// Afterwards: `export { runConfigRule, type ConfigRunResult } from "@endpoint-auditor/core";`
export { runConfigRule, type ConfigRunResult } from "../../../core/src/config/index";
