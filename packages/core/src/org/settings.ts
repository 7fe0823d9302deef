/**
 * The organization digest function's settings, read from the environment the org digest stack sets (names
 * and bounds: `../deployment`). Checked once, at cold start: a missing or invalid variable is a
 * `DigestConfigurationError` naming it, before anything is read or sent.
 */
import { AllClearMode, DEFAULT_ALL_CLEAR_MODE, DigestLimits, EnvironmentVariables as Env, OrgDigestLimits } from "../deployment";
import { DigestConfigurationError, integerVariable as integer, requiredVariable as required, type Environment } from "../digest/settings";

/** What the organization digest function is configured with. */
export interface OrgDigestSettings {
  /** The AWS Config aggregator to read, in the function's own account and region. */
  aggregatorName: string;
  stateTableName: string;
  idempotencyTableName: string;
  /** The SSM parameter NAME (never the URL). */
  webhookParameterName: string;
  /** Prefix of the auditor's rule names in the member accounts (`<app>-<stage>-`). */
  configRuleNamePrefix: string;
  onAllClear: AllClearMode;
  topOffenders: number;
  topAccounts: number;
  /** The member rules' period in hours; a rule without an evaluation for twice as long is not reporting. */
  evaluationFrequencyHours: number;
  webhookCacheSeconds: number;
  slackTimeoutMs: number;
}

/**
 * Reads and validates the organization digest's settings from the environment.
 *
 * @throws DigestConfigurationError naming the variable.
 * @example
 * ```ts
 * const settings = orgDigestSettingsFromEnv(process.env);
 * settings.aggregatorName; // "org-aggregator"
 * ```
 */
export function orgDigestSettingsFromEnv(env: Environment): OrgDigestSettings {
  const onAllClear = (env[Env.digestOnAllClear]?.trim() || DEFAULT_ALL_CLEAR_MODE) as AllClearMode;
  if (!Object.values(AllClearMode).includes(onAllClear)) {
    throw new DigestConfigurationError(`Environment variable ${Env.digestOnAllClear} must be "send" or "skip", got "${onAllClear}"`);
  }
  return {
    // The aggregator name's pattern in the AWS Config API reference.
    aggregatorName: required(env, Env.configAggregatorName, /^[\w-]{1,256}$/),
    stateTableName: required(env, Env.orgStateTableName),
    idempotencyTableName: required(env, Env.idempotencyTableName),
    webhookParameterName: required(env, Env.slackWebhookParameterName),
    configRuleNamePrefix: required(env, Env.configRuleNamePrefix),
    onAllClear,
    topOffenders: integer(env, Env.digestTopOffenders, DigestLimits.topOffenders),
    topAccounts: integer(env, Env.orgDigestTopAccounts, OrgDigestLimits.topAccounts),
    evaluationFrequencyHours: integer(env, Env.evaluationFrequencyHours, OrgDigestLimits.evaluationFrequencyHours),
    webhookCacheSeconds: integer(env, Env.webhookCacheSeconds, DigestLimits.webhookCacheSeconds),
    slackTimeoutMs: integer(env, Env.slackTimeoutMs, DigestLimits.slackTimeoutMs),
  };
}
