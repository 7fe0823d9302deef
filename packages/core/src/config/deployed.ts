/**
 * The AWS Config rules a stack deployed, passed to the functions at deploy time (environment variable
 * `DEPLOYED_CONFIG_RULES`, JSON `{"<rule id>": "<Config rule name>"}`). The evaluator accepts events of
 * exactly these Config rule names — each carrying its own rule id — so no other Config rule in the account,
 * under whatever name, can write verdicts or history through it. The digest expects a heartbeat from each.
 */
import { EnvironmentVariables as Env, ExecutionFrequencyHours, type ExecutionFrequency } from "../deployment";
import { EndpointAuditorError } from "../errors";
import type { AnyRule } from "../rules/rule";
import { RULES } from "../rules/index";

/** One deployed Config rule. */
export interface DeployedConfigRule {
  /** The registry rule id (the Config rule's `ruleId` input parameter). */
  ruleId: string;
  /** The AWS Config rule's name. */
  configRuleName: string;
}

/** The deployment passed a missing or invalid setting to a function. Names the variable. */
export class DeploymentConfigurationError extends EndpointAuditorError {
  public readonly variable: string;
  public constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super(`Environment variable ${variable} ${message}`, options);
    this.variable = variable;
  }
}

/**
 * An event of an AWS Config rule this deployment did not create (another name, or a deployed name whose
 * `ruleId` parameter names another rule). Nothing was evaluated or written.
 */
export class UndeployedRuleError extends EndpointAuditorError {
  public readonly configRuleName: string;
  public readonly ruleId?: string;
  public constructor(configRuleName: string, message: string, options: { ruleId?: string } = {}) {
    super(`AWS Config rule ${configRuleName}: ${message}; nothing evaluated or written`);
    this.configRuleName = configRuleName;
    if (options.ruleId !== undefined) this.ruleId = options.ruleId;
  }
}

/**
 * The `DEPLOYED_CONFIG_RULES` value for deployed rules (what the stacks set).
 *
 * @example
 * ```ts
 * formatDeployedRules([{ ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled" }]);
 * // '{"vpc-flow-logs-enabled":"endpoint-auditor-prod-vpc-flow-logs-enabled"}'
 * ```
 */
export function formatDeployedRules(rules: readonly DeployedConfigRule[]): string {
  return JSON.stringify(Object.fromEntries(rules.map((r) => [r.ruleId, r.configRuleName])));
}

/**
 * Reads `DEPLOYED_CONFIG_RULES`: every rule id must be registered, every name a non-empty string used once.
 *
 * @throws DeploymentConfigurationError when it is unset, not such a JSON object, or names an unknown rule.
 * @example
 * ```ts
 * const deployed = parseDeployedRules(process.env.DEPLOYED_CONFIG_RULES);
 * deployed.map((r) => r.configRuleName);
 * ```
 */
export function parseDeployedRules(text: string | undefined, registry: readonly AnyRule[] = RULES): DeployedConfigRule[] {
  const variable = Env.deployedRules;
  if (text === undefined || text.trim() === "") {
    throw new DeploymentConfigurationError(variable, "is not set: the function cannot tell which AWS Config rules this stack deployed");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeploymentConfigurationError(variable, `is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new DeploymentConfigurationError(variable, 'must be a non-empty JSON object {"<rule id>": "<Config rule name>"}');
  }
  const known = new Set(registry.map((r) => r.metadata.id));
  const names = new Set<string>();
  return Object.entries(value as Record<string, unknown>).map(([ruleId, configRuleName]) => {
    if (!known.has(ruleId)) throw new DeploymentConfigurationError(variable, `names rule "${ruleId}", which is not registered`);
    if (typeof configRuleName !== "string" || configRuleName.trim() === "") {
      throw new DeploymentConfigurationError(variable, `gives rule ${ruleId} no Config rule name`);
    }
    if (names.has(configRuleName)) throw new DeploymentConfigurationError(variable, `names Config rule ${configRuleName} twice`);
    names.add(configRuleName);
    return { ruleId, configRuleName };
  });
}

/**
 * The deployed rule an event's Config rule name belongs to.
 *
 * @throws UndeployedRuleError naming the event's rule and the deployed ones.
 * @example
 * ```ts
 * deployedRuleNamed(deployed, event.configRuleName).ruleId;
 * ```
 */
export function deployedRuleNamed(deployed: readonly DeployedConfigRule[], configRuleName: string): DeployedConfigRule {
  const rule = deployed.find((r) => r.configRuleName === configRuleName);
  if (!rule) {
    throw new UndeployedRuleError(
      configRuleName,
      `not one of the rules this stack deployed (${deployed.map((r) => r.configRuleName).join(", ")}); only those may invoke the evaluator`,
    );
  }
  return rule;
}

/**
 * Reads `EVALUATION_FREQUENCY` (a `MaximumExecutionFrequency` value); unset means `fallback`.
 *
 * @throws DeploymentConfigurationError for a value AWS Config does not accept.
 * @example
 * ```ts
 * executionFrequencyFromEnv(process.env); // "TwentyFour_Hours"
 * ```
 */
export function executionFrequencyFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  fallback: ExecutionFrequency = "TwentyFour_Hours",
): ExecutionFrequency {
  const raw = env[Env.evaluationFrequency]?.trim();
  if (!raw) return fallback;
  if (!(raw in ExecutionFrequencyHours)) {
    throw new DeploymentConfigurationError(Env.evaluationFrequency, `must be one of ${Object.keys(ExecutionFrequencyHours).join(", ")}, got "${raw}"`);
  }
  return raw as ExecutionFrequency;
}
