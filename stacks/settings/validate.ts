/**
 * Validation and derivation of the deployment settings: merges built-in defaults, `defaults` and the
 * stage's overrides of `stacks/settings.ts`, checks every value against the rule registry and what AWS
 * accepts (schedule expressions, SSM parameter names, KMS key ARNs, Lambda and Config limits), and
 * derives each rule's `InputParameters`. Pure: no CDK, so the synth stops before anything is built.
 */
import {
  DigestLimits,
  EndpointAuditorError,
  ExemptionLimits,
  OrgDigestLimits,
  RULES,
  UnknownRuleError,
  isWithin,
  parseParameters,
  type AnyRule,
  type ParameterSpec,
} from "@endpoint-auditor/core";
import { SETTINGS } from "../settings";
import {
  BUILT_IN_DEFAULTS,
  ConfigRuleLimits,
  DigestAllClearModes,
  EvaluatorLimits,
  LogRetentionDays,
  MaximumExecutionFrequencies,
  type AlarmSettings,
  type AuditorSettings,
  type CodeSigningSettings,
  type ExemptionSettings,
  type LogSettings,
  type DigestAllClearMode,
  type DigestSettings,
  type EvaluatorSettings,
  type MaximumExecutionFrequency,
  type OrgDigestSettings,
  type ParameterValue,
  type ResolvedRule,
  type RuleSettings,
  type SettingsFile,
  type SettingsOverride,
} from "./schema";

/** Systems Manager's limits on a parameter name. */
export const SsmParameterNameLimits = { maxLength: 1011, maxDepth: 15 } as const;

/**
 * Why EventBridge would refuse `expression`, or `undefined` when it is a `rate(...)` or a 6-field `cron(...)`
 * expression with `?` in day-of-month or day-of-week.
 *
 * @example
 * ```ts
 * scheduleExpressionProblem("cron(0 9 ? * MON *)"); // undefined
 * scheduleExpressionProblem("cron(0 9 * * MON)"); // "… has 5 fields; EventBridge cron needs 6 …"
 * ```
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  const cron = /^cron\((.+)\)$/.exec(trimmed);
  if (cron) {
    const fields = (cron[1] ?? "").trim().split(/\s+/);
    if (fields.length !== 6) {
      return `schedule ${expression} has ${fields.length} fields; EventBridge cron needs 6 (minutes hours day-of-month month day-of-week year)`;
    }
    if (fields[2] !== "?" && fields[4] !== "?") {
      return `schedule ${expression} must use "?" in day-of-month or day-of-week`;
    }
    return undefined;
  }
  const rate = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/.exec(trimmed);
  if (rate) {
    // EventBridge wants the singular unit for 1 and the plural otherwise ("rate(1 day)", "rate(7 days)").
    const singular = !(rate[2] ?? "").endsWith("s");
    if ((rate[1] === "1") !== singular) {
      return `schedule ${expression}: EventBridge wants a singular unit for 1 and a plural one otherwise, e.g. rate(1 day), rate(7 days)`;
    }
    return undefined;
  }
  return `schedule "${expression}" is not an EventBridge cron(...) or rate(...) expression`;
}

/**
 * Why `name` cannot be the NAME of the SSM parameter holding the webhook URL, or `undefined` when it can.
 * Systems Manager's naming rules: letters, digits, `_.-` and `/`; a name with `/` is fully qualified (starts
 * with `/`); no empty level; at most 15 levels and 1011 characters; no `aws`/`ssm` prefix. A URL is refused
 * with its own message — and never echoed, because it would be the secret itself.
 *
 * @example
 * ```ts
 * webhookParameterNameProblem("/endpoint-auditor/slack-webhook-url"); // undefined
 * webhookParameterNameProblem("endpoint-auditor/slack"); // "… must start with / …"
 * ```
 */
export function webhookParameterNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0) return `must be a non-empty string; got ${JSON.stringify(name)}`;
  if (name.includes("://") || /hooks\.slack\.com/i.test(name)) {
    return "must be the NAME of an SSM parameter, not the webhook URL (store the URL in a SecureString parameter)";
  }
  if (!/^[A-Za-z0-9_.\-/]+$/.test(name)) {
    return `${JSON.stringify(name)} may contain only letters, digits, "_", ".", "-" and "/"`;
  }
  if (name.includes("/") && !name.startsWith("/")) return `${JSON.stringify(name)} has "/" so it must start with "/" (fully qualified)`;
  const levels = name.replace(/^\//, "").split("/");
  if (levels.some((level) => level.length === 0)) return `${JSON.stringify(name)} has an empty level ("//" or a trailing "/")`;
  if (levels.length > SsmParameterNameLimits.maxDepth) {
    return `${JSON.stringify(name)} has ${levels.length} levels; Systems Manager allows ${SsmParameterNameLimits.maxDepth}`;
  }
  if (name.length > SsmParameterNameLimits.maxLength) {
    return `is ${name.length} characters; Systems Manager allows ${SsmParameterNameLimits.maxLength}`;
  }
  if (/^(aws|ssm)/i.test(levels[0] ?? "")) return `${JSON.stringify(name)} starts with "aws" or "ssm", which Systems Manager reserves`;
  return undefined;
}

/**
 * Why `arn` cannot be the KMS key of the webhook parameter, or `undefined` when it is a key ARN. An alias
 * ARN is refused: IAM matches `kms:Decrypt` against the key's ARN, so an alias in `Resource` grants nothing.
 *
 * @example
 * ```ts
 * kmsKeyArnProblem("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"); // undefined
 * ```
 */
export function kmsKeyArnProblem(arn: unknown): string | undefined {
  if (typeof arn === "string" && /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:key\/(mrk-)?[0-9a-f-]{32,36}$/.test(arn)) {
    return undefined;
  }
  if (typeof arn === "string" && /^arn:aws[a-z-]*:kms:.*:alias\//.test(arn)) {
    return `must be a key ARN (…:key/<key-id>), not an alias ARN: IAM matches kms:Decrypt against the key's ARN; got ${JSON.stringify(arn)}`;
  }
  return `must be a KMS key ARN like arn:aws:kms:<region>:<account>:key/<key-id>; got ${JSON.stringify(arn)}`;
}

/** Settings that cannot be deployed: names the stage and what is wrong, keeps the underlying error as `cause`. */
export class SettingsError extends EndpointAuditorError {
  public readonly stage: string;
  public constructor(stage: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid endpoint-auditor settings for stage "${stage}": ${message}`, options);
    this.stage = stage;
  }
}

type Merged = Required<Omit<SettingsOverride, "codeSigning">> & Pick<SettingsOverride, "codeSigning">;

function mergeLayers(layers: readonly SettingsOverride[]): Merged {
  const rules: Record<string, { enabled?: boolean; parameters: Record<string, ParameterValue> }> = {};
  let maximumExecutionFrequency: MaximumExecutionFrequency = BUILT_IN_DEFAULTS.maximumExecutionFrequency;
  let evaluator: Partial<EvaluatorSettings> = { ...BUILT_IN_DEFAULTS.evaluator };
  let digest: Partial<DigestSettings> = { ...BUILT_IN_DEFAULTS.digest };
  let alarms: Partial<AlarmSettings> = { ...BUILT_IN_DEFAULTS.alarms };
  let exemptions: Partial<ExemptionSettings> = { ...BUILT_IN_DEFAULTS.exemptions };
  let logs: Partial<LogSettings> = { ...BUILT_IN_DEFAULTS.logs };
  let codeSigning: CodeSigningSettings | undefined;
  let orgDigest: Partial<OrgDigestSettings> = { ...BUILT_IN_DEFAULTS.orgDigest };
  for (const layer of layers) {
    if (layer.maximumExecutionFrequency !== undefined) maximumExecutionFrequency = layer.maximumExecutionFrequency;
    if (layer.evaluator) evaluator = { ...evaluator, ...layer.evaluator };
    if (layer.digest) digest = { ...digest, ...layer.digest };
    if (layer.alarms) alarms = { ...alarms, ...layer.alarms };
    if (layer.exemptions) exemptions = { ...exemptions, ...layer.exemptions };
    if (layer.logs) logs = { ...logs, ...layer.logs };
    if (layer.codeSigning) codeSigning = layer.codeSigning;
    if (layer.orgDigest) orgDigest = { ...orgDigest, ...layer.orgDigest };
    for (const [ruleId, override] of Object.entries(layer.rules ?? {})) {
      const current = rules[ruleId] ?? { parameters: {} };
      rules[ruleId] = {
        enabled: override.enabled ?? current.enabled,
        parameters: { ...current.parameters, ...override.parameters },
      };
    }
  }
  return {
    maximumExecutionFrequency,
    evaluator,
    rules: rules as Record<string, Partial<RuleSettings>>,
    digest,
    orgDigest,
    alarms,
    exemptions,
    logs,
    ...(codeSigning ? { codeSigning } : {}),
  };
}

/**
 * Why `value` cannot name the SNS topic the alarms notify, or `undefined` when it is a topic name (1–256
 * letters, digits, `-`, `_`) or a standard topic's ARN.
 *
 * @example
 * ```ts
 * snsTopicProblem("ops-alerts"); // undefined
 * snsTopicProblem("arn:aws:sns:eu-west-1:123456789012:ops-alerts"); // undefined
 * ```
 */
export function snsTopicProblem(value: unknown): string | undefined {
  if (typeof value === "string" && /^[A-Za-z0-9_-]{1,256}$/.test(value)) return undefined;
  if (typeof value === "string" && /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(value)) return undefined;
  return `must be an SNS topic name (letters, digits, "-", "_") or a topic ARN like arn:aws:sns:<region>:<account>:<name>; got ${JSON.stringify(value)}`;
}

/**
 * Why `arn` is not an AWS Signer signing profile version ARN, or `undefined` when it is one.
 *
 * @example
 * ```ts
 * signingProfileVersionArnProblem("arn:aws:signer:us-east-1:123456789012:/signing-profiles/EndpointAuditor/a1b2c3d4e5"); // undefined
 * ```
 */
export function signingProfileVersionArnProblem(arn: unknown): string | undefined {
  if (typeof arn === "string" && /^arn:aws[a-z-]*:signer:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:\/signing-profiles\/[A-Za-z0-9_]{2,64}\/[A-Za-z0-9]{10}$/.test(arn)) {
    return undefined;
  }
  return `must be a signing profile VERSION ARN like arn:aws:signer:<region>:<account>:/signing-profiles/<name>/<version>; got ${JSON.stringify(arn)}`;
}

function checkProtection(stage: string, merged: Merged): Pick<AuditorSettings, "alarms" | "exemptions" | "logs" | "codeSigning"> {
  const alarms: AlarmSettings = {};
  if (merged.alarms.snsTopic !== undefined) {
    const problem = snsTopicProblem(merged.alarms.snsTopic);
    if (problem) throw new SettingsError(stage, `alarms.snsTopic ${problem}`);
    alarms.snsTopic = merged.alarms.snsTopic;
  }
  const { requireExpiry, maxDays } = merged.exemptions;
  if (typeof requireExpiry !== "boolean") {
    throw new SettingsError(stage, `exemptions.requireExpiry must be true or false; got ${JSON.stringify(requireExpiry)}`);
  }
  const exemptions: ExemptionSettings = { requireExpiry };
  if (maxDays !== undefined) {
    const bounds = ExemptionLimits.maxDays;
    exemptions.maxDays = checkInteger(stage, "exemptions.maxDays", maxDays, bounds.min, bounds.max);
  }
  const logs: LogSettings = {};
  if (merged.logs.kmsKeyArn !== undefined) {
    const problem = kmsKeyArnProblem(merged.logs.kmsKeyArn);
    if (problem) throw new SettingsError(stage, `logs.kmsKeyArn ${problem}`);
    logs.kmsKeyArn = merged.logs.kmsKeyArn;
  }
  const result: Pick<AuditorSettings, "alarms" | "exemptions" | "logs" | "codeSigning"> = { alarms, exemptions, logs };
  if (merged.codeSigning) {
    const arns = merged.codeSigning.signingProfileVersionArns;
    if (!Array.isArray(arns) || arns.length < 1 || arns.length > 20) {
      throw new SettingsError(stage, `codeSigning.signingProfileVersionArns must list 1 to 20 signing profile version ARNs; got ${JSON.stringify(arns)}`);
    }
    for (const arn of arns) {
      const problem = signingProfileVersionArnProblem(arn);
      if (problem) throw new SettingsError(stage, `codeSigning.signingProfileVersionArns: ${problem}`);
    }
    result.codeSigning = { signingProfileVersionArns: [...arns] };
  }
  return result;
}

/** A parsed parameter value as AWS Config input-parameter text (undefined when an optional one is unset). */
export function parameterAsString(spec: ParameterSpec, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (spec.type === "stringList" && (value as readonly string[]).length === 0) return undefined; // empty: the rule's default meaning
  if (spec.type === "enumList" || spec.type === "stringList") return (value as readonly string[]).join(",");
  return String(value);
}

function checkInteger(stage: string, name: string, value: unknown, min: number, max: number): number {
  if (!isWithin({ min, max, default: min }, value)) {
    throw new SettingsError(stage, `${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates the merged digest settings (every field of `merged` comes from user input); messages name `field`. */
function checkDigest(stage: string, merged: Partial<DigestSettings>, field = "digest"): DigestSettings {
  const { enabled, schedule, onAllClear, topOffenders, webhookParameterName, webhookKmsKeyArn } = merged;
  if (typeof enabled !== "boolean") {
    throw new SettingsError(stage, `${field}.enabled must be true or false; got ${JSON.stringify(enabled)}`);
  }
  const scheduleProblem =
    typeof schedule === "string" ? scheduleExpressionProblem(schedule) : `schedule ${JSON.stringify(schedule)} is not a string`;
  if (scheduleProblem !== undefined) {
    throw new SettingsError(
      stage,
      `${field}.schedule must be an EventBridge schedule expression like "cron(0 9 ? * MON *)" or "rate(7 days)": ${scheduleProblem}`,
    );
  }
  if (!(DigestAllClearModes as readonly unknown[]).includes(onAllClear)) {
    throw new SettingsError(
      stage,
      `${field}.onAllClear must be one of ${DigestAllClearModes.map((m) => `"${m}"`).join(", ")}; got ${JSON.stringify(onAllClear)}`,
    );
  }
  const digest: DigestSettings = {
    enabled,
    schedule: (schedule as string).trim(),
    onAllClear: onAllClear as DigestAllClearMode,
    topOffenders: checkInteger(stage, `${field}.topOffenders`, topOffenders, DigestLimits.topOffenders.min, DigestLimits.topOffenders.max),
  };
  if (webhookParameterName !== undefined) {
    const problem = webhookParameterNameProblem(webhookParameterName);
    if (problem !== undefined) throw new SettingsError(stage, `${field}.webhookParameterName ${problem}`);
    digest.webhookParameterName = webhookParameterName;
  }
  if (webhookKmsKeyArn !== undefined) {
    const problem = kmsKeyArnProblem(webhookKmsKeyArn);
    if (problem !== undefined) throw new SettingsError(stage, `${field}.webhookKmsKeyArn ${problem}`);
    digest.webhookKmsKeyArn = webhookKmsKeyArn;
  }
  return digest;
}

/** An AWS Config aggregator's ARN (resource type `ConfigurationAggregator` of the service authorization reference). */
const AGGREGATOR_ARN = /^arn:aws[a-z-]*:config:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:config-aggregator\/[A-Za-z0-9-]+$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Validates the merged organization digest settings (every field comes from user input). */
function checkOrgDigest(stage: string, merged: Partial<OrgDigestSettings>, frequency: MaximumExecutionFrequency): OrgDigestSettings {
  const fail = (message: string): never => {
    throw new SettingsError(stage, `orgDigest.${message}`);
  };
  const { enabled, createAggregator, aggregatorName, aggregatorArn, aggregatorRegions, memberRuleNamePrefix, memberEvaluationFrequency } = merged;
  if (typeof enabled !== "boolean") fail(`enabled must be true or false; got ${JSON.stringify(enabled)}`);
  if (typeof createAggregator !== "boolean") fail(`createAggregator must be true or false; got ${JSON.stringify(createAggregator)}`);
  // The schedule, all-clear mode, top offenders and webhook fields are the per-account digest's.
  const { schedule, onAllClear, topOffenders, webhookParameterName, webhookKmsKeyArn } = checkDigest(stage, { ...merged, enabled: true }, "orgDigest");
  const settings: OrgDigestSettings = {
    enabled: enabled as boolean,
    createAggregator: createAggregator as boolean,
    schedule,
    onAllClear,
    topOffenders,
    topAccounts: checkInteger(stage, "orgDigest.topAccounts", merged.topAccounts, OrgDigestLimits.topAccounts.min, OrgDigestLimits.topAccounts.max),
    memberEvaluationFrequency: memberEvaluationFrequency ?? frequency,
    ...(webhookParameterName !== undefined ? { webhookParameterName } : {}),
    ...(webhookKmsKeyArn !== undefined ? { webhookKmsKeyArn } : {}),
  };
  if (!MaximumExecutionFrequencies.includes(settings.memberEvaluationFrequency as MaximumExecutionFrequency)) {
    fail(`memberEvaluationFrequency must be one of ${MaximumExecutionFrequencies.join(", ")}; got ${JSON.stringify(memberEvaluationFrequency)}`);
  }
  if (memberRuleNamePrefix !== undefined) {
    if (typeof memberRuleNamePrefix !== "string" || !/^[A-Za-z0-9_.-]{1,100}$/.test(memberRuleNamePrefix)) {
      fail(`memberRuleNamePrefix must be 1–100 letters, digits, "_", "." or "-" (the start of the member accounts' rule names); got ${JSON.stringify(memberRuleNamePrefix)}`);
    }
    settings.memberRuleNamePrefix = memberRuleNamePrefix;
  }
  if (!settings.enabled) return settings;
  if (typeof aggregatorName !== "string" || !/^[\w-]{1,256}$/.test(aggregatorName)) {
    fail(`aggregatorName must name the AWS Config aggregator to read (letters, digits, "_" and "-", 1–256 characters); got ${JSON.stringify(aggregatorName)}`);
  }
  settings.aggregatorName = aggregatorName;
  if (settings.createAggregator) {
    if (aggregatorArn !== undefined) fail("aggregatorArn must not be set with createAggregator: the stack creates the aggregator and knows its ARN");
    if (aggregatorRegions !== undefined) {
      if (!Array.isArray(aggregatorRegions) || aggregatorRegions.length === 0 || aggregatorRegions.some((r) => typeof r !== "string" || !REGION_NAME.test(r))) {
        fail(`aggregatorRegions must be a non-empty list of region names like "eu-west-1"; got ${JSON.stringify(aggregatorRegions)}`);
      }
      settings.aggregatorRegions = [...new Set(aggregatorRegions)];
    }
  } else {
    if (aggregatorRegions !== undefined) fail("aggregatorRegions applies only with createAggregator: true");
    if (typeof aggregatorArn !== "string" || !AGGREGATOR_ARN.test(aggregatorArn)) {
      fail(
        `aggregatorArn must be the ARN of the existing aggregator (aws configservice describe-configuration-aggregators), like arn:aws:config:us-east-1:111122223333:config-aggregator/config-aggregator-abcd1234, or set createAggregator: true; got ${JSON.stringify(aggregatorArn)}`,
      );
    }
    settings.aggregatorArn = aggregatorArn;
  }
  return settings;
}

/**
 * Merges built-in defaults, `file.defaults` and `file.stages[stage]`, then validates the result against the
 * rule registry.
 *
 * @throws SettingsError naming the stage; its `cause` is the core error (UnknownRuleError,
 *   ParameterValidationError) when there is one.
 * @example
 * ```ts
 * const settings = settingsFor("prod");
 * settings.rules.filter((r) => r.enabled).map((r) => r.inputParameters.ruleId);
 * ```
 */
export function settingsFor(
  stage: string,
  file: SettingsFile = SETTINGS,
  registry: readonly AnyRule[] = RULES,
): AuditorSettings {
  const merged = mergeLayers([file.defaults, file.stages[stage] ?? {}]);
  const known = registry.map((r) => r.metadata.id);

  if (!MaximumExecutionFrequencies.includes(merged.maximumExecutionFrequency)) {
    throw new SettingsError(
      stage,
      `maximumExecutionFrequency must be one of ${MaximumExecutionFrequencies.join(", ")}; got ${JSON.stringify(merged.maximumExecutionFrequency)}`,
    );
  }

  const evaluator: EvaluatorSettings = {
    memorySize: checkInteger(
      stage,
      "evaluator.memorySize",
      merged.evaluator.memorySize,
      EvaluatorLimits.minMemorySize,
      EvaluatorLimits.maxMemorySize,
    ),
    timeout: checkInteger(
      stage,
      "evaluator.timeout",
      merged.evaluator.timeout,
      EvaluatorLimits.minTimeout,
      EvaluatorLimits.maxTimeout,
    ),
    logRetention: merged.evaluator.logRetention as LogRetentionDays,
    metrics: merged.evaluator.metrics as boolean,
    tracing: merged.evaluator.tracing as boolean,
  };
  for (const flag of ["metrics", "tracing"] as const) {
    if (typeof evaluator[flag] !== "boolean") {
      throw new SettingsError(stage, `evaluator.${flag} must be true or false; got ${JSON.stringify(evaluator[flag])}`);
    }
  }
  if (!(LogRetentionDays as readonly number[]).includes(evaluator.logRetention)) {
    throw new SettingsError(
      stage,
      `evaluator.logRetention must be one of ${LogRetentionDays.join(", ")} days; got ${JSON.stringify(evaluator.logRetention)}`,
    );
  }

  for (const ruleId of Object.keys(merged.rules)) {
    if (!known.includes(ruleId)) {
      const cause = new UnknownRuleError(ruleId, known);
      throw new SettingsError(stage, cause.message, { cause });
    }
  }

  const rules = registry.map((rule): ResolvedRule => {
    const id = rule.metadata.id;
    const override = merged.rules[id] ?? {};
    const enabled = override.enabled ?? true;
    if (typeof enabled !== "boolean") {
      throw new SettingsError(stage, `rules.${id}.enabled must be true or false; got ${JSON.stringify(enabled)}`);
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = parseParameters(id, rule.metadata.parameters, override.parameters ?? {});
    } catch (cause) {
      throw new SettingsError(stage, cause instanceof Error ? cause.message : String(cause), { cause });
    }
    const inputParameters: Record<string, string> = { ruleId: id };
    for (const [name, spec] of Object.entries(rule.metadata.parameters)) {
      const text = parameterAsString(spec, parsed[name]);
      if (text !== undefined) inputParameters[name] = text;
    }
    const length = JSON.stringify(inputParameters).length;
    if (length > ConfigRuleLimits.maxInputParametersLength) {
      throw new SettingsError(
        stage,
        `rule ${id}: InputParameters are ${length} characters; AWS Config allows ${ConfigRuleLimits.maxInputParametersLength}`,
      );
    }
    return { rule, enabled, inputParameters };
  });

  if (!rules.some((r) => r.enabled)) {
    throw new SettingsError(stage, "every rule is disabled; enable at least one or do not deploy this stage");
  }

  const digest = checkDigest(stage, merged.digest);
  const orgDigest = checkOrgDigest(stage, merged.orgDigest, merged.maximumExecutionFrequency);

  return {
    stage,
    maximumExecutionFrequency: merged.maximumExecutionFrequency,
    rules,
    evaluator,
    digest,
    ...checkProtection(stage, merged),
    orgDigest,
  };
}
