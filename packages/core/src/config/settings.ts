/**
 * The evaluator function's settings, read from the environment the stack sets (names: `../deployment`):
 * the deployed Config rules it serves, their period, where history and heartbeats go, the exemption
 * policy, test mode and which metrics to publish. A missing or invalid value is a
 * {@link DeploymentConfigurationError} naming the variable — a failure no retry can fix.
 */
import {
  EnvironmentVariables as Env,
  ExemptionLimits,
  MetricsScope,
  isWithin,
  type ExecutionFrequency,
} from "../deployment";
import type { ExemptionPolicy } from "../engine/exemptions";
import { DeploymentConfigurationError, executionFrequencyFromEnv, parseDeployedRules, type DeployedConfigRule } from "./deployed";

/** What the evaluator is configured with. */
export interface EvaluatorSettings {
  /** The only Config rules whose events it accepts. */
  deployedRules: DeployedConfigRule[];
  /** Their `MaximumExecutionFrequency` (stored with each heartbeat). */
  frequency: ExecutionFrequency;
  /** The findings history table (history and heartbeats); unset: neither is recorded. */
  historyTableName?: string;
  /** `PutEvaluations` with `TestMode: true`, no clean-up, no history. */
  testMode: boolean;
  exemptions: ExemptionPolicy;
  metricsScope: MetricsScope;
}

/**
 * `true` for `true`/`1`/`yes` (any case), else false.
 *
 * @example
 * ```ts
 * envFlag(" TRUE "); // true
 * ```
 */
export function envFlag(value: string | undefined): boolean {
  return ["true", "1", "yes"].includes((value ?? "").trim().toLowerCase());
}

/**
 * Reads and validates the evaluator's settings.
 *
 * @throws DeploymentConfigurationError naming the variable.
 * @example
 * ```ts
 * const settings = evaluatorSettingsFromEnv(process.env);
 * settings.deployedRules.map((r) => r.configRuleName);
 * ```
 */
export function evaluatorSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): EvaluatorSettings {
  const deployedRules = parseDeployedRules(env[Env.deployedRules]);
  const frequency = executionFrequencyFromEnv(env);
  const exemptions: ExemptionPolicy = { requireExpiry: envFlag(env[Env.exemptionRequireExpiry]) };
  const maxDays = env[Env.exemptionMaxDays]?.trim();
  if (maxDays) {
    const value = Number(maxDays);
    const bounds = ExemptionLimits.maxDays;
    if (!isWithin(bounds, value)) {
      throw new DeploymentConfigurationError(Env.exemptionMaxDays, `must be an integer from ${bounds.min} to ${bounds.max}, got "${maxDays}"`);
    }
    exemptions.maxDays = value;
  }
  const scope = env[Env.metricsScope]?.trim() || MetricsScope.all;
  if (!(Object.values(MetricsScope) as string[]).includes(scope)) {
    throw new DeploymentConfigurationError(Env.metricsScope, `must be ${Object.values(MetricsScope).join(" or ")}, got "${scope}"`);
  }
  const historyTableName = env[Env.historyTableName]?.trim();
  return {
    deployedRules,
    frequency,
    ...(historyTableName ? { historyTableName } : {}),
    testMode: envFlag(env[Env.evaluationsTestMode]),
    exemptions,
    metricsScope: scope as MetricsScope,
  };
}
