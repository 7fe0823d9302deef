/**
 * The digest function's settings, read from the environment the stack sets (names and bounds:
 * `../deployment`). Checked once, at cold start: a missing or invalid variable is a
 * {@link DigestConfigurationError} naming it, before anything is read or sent.
 */
import {
  AllClearMode,
  DEFAULT_ALL_CLEAR_MODE,
  DigestLimits,
  EnvironmentVariables as Env,
  isWithin,
  type IntegerBounds,
} from "../deployment";
import { EndpointAuditorError } from "../errors";
import { DeploymentConfigurationError, executionFrequencyFromEnv, parseDeployedRules, type DeployedConfigRule } from "../config/deployed";
import type { ExecutionFrequency } from "../deployment";

/** A required setting of the digest is missing or invalid. */
export class DigestConfigurationError extends EndpointAuditorError {}

/** What the digest function is configured with. */
export interface DigestSettings {
  historyTableName: string;
  idempotencyTableName: string;
  /** The SSM parameter NAME (never the URL). */
  webhookParameterName: string;
  onAllClear: AllClearMode;
  topOffenders: number;
  /** Prefix of the AWS Config rule names (`<app>-<stage>-`), for console links. */
  configRuleNamePrefix: string;
  /** How long the decrypted webhook URL is cached in memory. */
  webhookCacheSeconds: number;
  slackTimeoutMs: number;
  /** The Config rules the stack deployed: each must report, and open findings of any other rule are closed. */
  deployedRules: DeployedConfigRule[];
  /** The rules' period: a rule without a successful run within twice it is not reporting. */
  frequency: ExecutionFrequency;
}

/** An environment: `process.env` or a plain object. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The value of a required environment variable (trimmed), checked against `pattern` when given.
 *
 * @throws DigestConfigurationError naming the variable.
 * @example
 * ```ts
 * requiredVariable(process.env, "HISTORY_TABLE_NAME"); // "endpoint-auditor-prod-history"
 * ```
 */
export function requiredVariable(env: Environment, name: string, pattern?: RegExp): string {
  const value = env[name]?.trim();
  if (!value) throw new DigestConfigurationError(`Environment variable ${name} is not set`);
  if (pattern && !pattern.test(value)) throw new DigestConfigurationError(`Environment variable ${name} must match ${pattern.source}, got "${value}"`);
  return value;
}

/**
 * An integer environment variable within `bounds`, or the bounds' default when it is unset.
 *
 * @throws DigestConfigurationError naming the variable and the bounds.
 * @example
 * ```ts
 * integerVariable(process.env, "DIGEST_TOP_OFFENDERS", DigestLimits.topOffenders); // 10 when unset
 * ```
 */
export function integerVariable(env: Environment, name: string, bounds: IntegerBounds): number {
  const raw = env[name]?.trim();
  if (!raw) return bounds.default;
  const value = Number(raw);
  if (!isWithin(bounds, value)) {
    throw new DigestConfigurationError(`Environment variable ${name} must be an integer from ${bounds.min} to ${bounds.max}, got "${raw}"`);
  }
  return value;
}

/**
 * Reads and validates the digest settings from the environment.
 *
 * @throws DigestConfigurationError naming the variable.
 * @example
 * ```ts
 * const settings = digestSettingsFromEnv(process.env);
 * settings.topOffenders; // 10 unless DIGEST_TOP_OFFENDERS says otherwise
 * ```
 */
export function digestSettingsFromEnv(env: Environment): DigestSettings {
  const onAllClear = (env[Env.digestOnAllClear]?.trim() || DEFAULT_ALL_CLEAR_MODE) as AllClearMode;
  if (!Object.values(AllClearMode).includes(onAllClear)) {
    throw new DigestConfigurationError(
      `Environment variable ${Env.digestOnAllClear} must be ${Object.values(AllClearMode)
        .map((m) => `"${m}"`)
        .join(" or ")}, got "${onAllClear}"`,
    );
  }
  const historyTableName = requiredVariable(env, Env.historyTableName);
  const idempotencyTableName = requiredVariable(env, Env.idempotencyTableName);
  const webhookParameterName = requiredVariable(env, Env.slackWebhookParameterName);
  let deployedRules: DeployedConfigRule[];
  let frequency: ExecutionFrequency;
  try {
    deployedRules = parseDeployedRules(env[Env.deployedRules]);
    frequency = executionFrequencyFromEnv(env);
  } catch (error) {
    if (error instanceof DeploymentConfigurationError) throw new DigestConfigurationError(error.message, { cause: error });
    throw error;
  }
  return {
    historyTableName,
    idempotencyTableName,
    webhookParameterName,
    onAllClear,
    topOffenders: integerVariable(env, Env.digestTopOffenders, DigestLimits.topOffenders),
    configRuleNamePrefix: env[Env.configRuleNamePrefix]?.trim() ?? "",
    webhookCacheSeconds: integerVariable(env, Env.webhookCacheSeconds, DigestLimits.webhookCacheSeconds),
    slackTimeoutMs: integerVariable(env, Env.slackTimeoutMs, DigestLimits.slackTimeoutMs),
    deployedRules,
    frequency,
  };
}
