/**
 * Deployment settings of endpoint-auditor — the file to edit: the Config schedule, which rules are on,
 * their parameters, the evaluator function's sizing and the weekly Slack digest (with the findings
 * history), with per-stage overrides.
 *
 * `defaults` apply to every stage; `stages.<name>` override them for one stage (`npx sst deploy --stage
 * <name>`, `npm run synth -- --stage <name>`). Rules not named here are enabled with their registry
 * defaults. What each field means and accepts: `./settings/schema.ts`. Everything is validated at synth
 * time (`./settings/validate.ts`): an unknown rule id or a parameter outside its schema stops the synth
 * with a `SettingsError` naming the stage.
 */
import { BUILT_IN_DEFAULTS, type SettingsFile } from "./settings/schema";

/**
 * The project's settings. Example of per-stage overrides:
 *
 * ```ts
 * stages: {
 *   prod: {
 *     maximumExecutionFrequency: "Twelve_Hours",
 *     rules: {
 *       "interface-endpoint-in-use": { parameters: { lookbackDays: 60 } },
 *       "vpc-flow-logs-enabled": { enabled: false },
 *     },
 *     evaluator: { tracing: true },
 *     digest: { schedule: "cron(0 7 ? * MON *)", onAllClear: "skip", topOffenders: 20 },
 *     alarms: { snsTopic: "ops-alerts" },
 *     exemptions: { requireExpiry: true, maxDays: 180 },
 *     logs: { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
 *   },
 *   dev: { digest: { enabled: false } },
 *   // The organization digest, deployed in the account that owns the AWS Config aggregator:
 *   // `npx sst deploy --stage org OrgDigestStack` (see README, "Organization digest").
 *   org: {
 *     orgDigest: { enabled: true, aggregatorName: "endpoint-auditor-org", createAggregator: true, memberRuleNamePrefix: "endpoint-auditor-prod-" },
 *   },
 * }
 * ```
 */
export const SETTINGS: SettingsFile = {
  defaults: {
    maximumExecutionFrequency: BUILT_IN_DEFAULTS.maximumExecutionFrequency,
    evaluator: { ...BUILT_IN_DEFAULTS.evaluator },
    digest: { ...BUILT_IN_DEFAULTS.digest },
    alarms: { ...BUILT_IN_DEFAULTS.alarms },
    exemptions: { ...BUILT_IN_DEFAULTS.exemptions },
    rules: {},
  },
  stages: {},
};
