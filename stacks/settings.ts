/**
 * Deployment settings of endpoint-auditor: one typed place for the Config schedule, which rules are on,
 * their parameters, the evaluator function's sizing and the weekly Slack digest (with the findings history),
 * with per-stage overrides.
 *
 * Edit {@link SETTINGS} below. `defaults` apply to every stage; `stages.<name>` override them for one
 * stage (`npx sst deploy --stage <name>`, `npm run synth -- --stage <name>`). Rules not named here are
 * enabled with their registry defaults. Everything is validated at synth time against the rule registry:
 * an unknown rule id or a parameter outside its schema stops the synth with a {@link SettingsError}.
 */
import {
  EndpointAuditorError,
  RULES,
  UnknownRuleError,
  parseParameters,
  type AnyRule,
  type ParameterSpec,
} from "@endpoint-auditor/core";
import {
  DEFAULT_DIGEST_SCHEDULE,
  kmsKeyArnProblem,
  scheduleExpressionProblem,
  webhookParameterNameProblem,
} from "./digest/validation";

/** The periods AWS Config accepts for a periodic custom rule (`MaximumExecutionFrequency`). */
export const MaximumExecutionFrequencies = [
  "One_Hour",
  "Three_Hours",
  "Six_Hours",
  "Twelve_Hours",
  "TwentyFour_Hours",
] as const;
export type MaximumExecutionFrequency = (typeof MaximumExecutionFrequencies)[number];

/** The retention periods CloudWatch Logs accepts (`RetentionInDays`). */
export const LogRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export type LogRetentionDays = (typeof LogRetentionDays)[number];

/** Lambda limits for the evaluator (MB and seconds). */
export const EvaluatorLimits = {
  minMemorySize: 128,
  maxMemorySize: 10_240,
  minTimeout: 1,
  maxTimeout: 900,
} as const;

/** AWS Config's limits on a rule's name and input parameters (characters). */
export const ConfigRuleLimits = { maxNameLength: 128, maxInputParametersLength: 1024 } as const;

/** A parameter value as written in settings: numbers, strings or lists; validated by the rule's schema. */
export type ParameterValue = string | number | readonly string[];

export interface RuleSettings {
  /** Whether the Config rule is deployed. Default: true. */
  enabled: boolean;
  /** Overrides of the rule's parameter defaults (see `endpoint-auditor rules` for the schema). */
  parameters: Readonly<Record<string, ParameterValue>>;
}

export interface EvaluatorSettings {
  /** Lambda memory in MB (128–10240). */
  memorySize: number;
  /** Lambda timeout in seconds (1–900). */
  timeout: number;
  /** CloudWatch Logs retention of the evaluator's log group, in days. */
  logRetention: LogRetentionDays;
  /**
   * Publish the evaluator's custom metrics (Powertools EMF: ~7 metrics per rule plus cold starts, billed as
   * CloudWatch custom metrics per account and region). `false` sets `POWERTOOLS_METRICS_DISABLED=true`.
   */
  metrics: boolean;
  /**
   * AWS X-Ray active tracing of the evaluator: each invocation is traced, and the Powertools Tracer records
   * a subsegment for the handler and for every AWS SDK call. Default: `false`. X-Ray bills every recorded
   * and every retrieved trace beyond its free tier, and tracing needs two more IAM actions on the evaluator's
   * role. `true` sets Lambda's tracing mode to `Active` and `POWERTOOLS_TRACE_ENABLED=true`, and grants
   * exactly `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*` (X-Ray offers no resource-level
   * permissions for them). `false` leaves tracing off (`POWERTOOLS_TRACE_ENABLED=false`) and the role holds
   * no X-Ray action. The digest is not affected.
   */
  tracing: boolean;
}

/** What the digest does in a week with nothing to report. */
export const DigestAllClearModes = ["send", "skip"] as const;
export type DigestAllClearMode = (typeof DigestAllClearModes)[number];

/** Bounds of the digest's top-offenders list (Slack's 50-block limit caps it). */
export const DigestLimits = { minTopOffenders: 1, maxTopOffenders: 50 } as const;

/**
 * Settings of the weekly Slack digest and the findings history, deployed by the auditor stack (the
 * `Digest` construct, `stacks/digest/Digest.ts`): the history table the evaluator writes, the idempotency
 * table, the digest function and its schedule. `enabled: false` deploys none of them (and the evaluator
 * then records no history).
 */
export interface DigestSettings {
  /** Deploy the digest and the findings history. Default: true. */
  enabled: boolean;
  /** EventBridge schedule expression, e.g. `cron(0 9 ? * MON *)` (the default: Mondays 09:00 UTC). */
  schedule: string;
  /** A week with nothing to report: send a short all-clear message (`"send"`, default) or nothing (`"skip"`). */
  onAllClear: DigestAllClearMode;
  /** How many top offenders (by monthly saving) the message lists: 1–50, default 10. */
  topOffenders: number;
  /**
   * NAME of the SSM SecureString parameter holding the Slack webhook URL (never the URL itself). Default:
   * the SST secret of the app and stage, `/sst/<app>/<stage>/Secret/SLACK_WEBHOOK_URL/value`, set with
   * `npx sst secrets set SLACK_WEBHOOK_URL <url> --stage <stage>`. The stand-alone template
   * (`npm run synth`) turns it into the template parameter `SlackWebhookParameterName` with this default.
   */
  webhookParameterName?: string;
  /**
   * ARN of the customer-managed KMS key encrypting that parameter (adds `kms:Decrypt` on that key, via SSM
   * only). Leave unset for the AWS-managed `aws/ssm` key — and for StackSets, where one key ARN cannot
   * serve every account.
   */
  webhookKmsKeyArn?: string;
}

/** A settings layer: every field optional, rules keyed by rule id. */
export interface SettingsOverride {
  maximumExecutionFrequency?: MaximumExecutionFrequency;
  rules?: Readonly<Record<string, Partial<RuleSettings>>>;
  evaluator?: Partial<EvaluatorSettings>;
  digest?: Partial<DigestSettings>;
}

/** The settings file: defaults for every stage plus per-stage overrides. */
export interface SettingsFile {
  defaults: SettingsOverride;
  stages: Readonly<Record<string, SettingsOverride>>;
}

/** One registry rule as it will be deployed. */
export interface ResolvedRule {
  rule: AnyRule;
  enabled: boolean;
  /** The Config rule's `InputParameters`: `ruleId` plus every parameter as text (defaults + overrides). */
  inputParameters: Readonly<Record<string, string>>;
}

/** Settings for one stage after merging and validation. */
export interface AuditorSettings {
  stage: string;
  maximumExecutionFrequency: MaximumExecutionFrequency;
  /** Every registry rule, in registry order (disabled ones included, with `enabled: false`). */
  rules: readonly ResolvedRule[];
  evaluator: EvaluatorSettings;
  digest: DigestSettings;
}

/**
 * Memory and timeout are sized for the largest accounts: thousands of VPC endpoints and subnets in one
 * region. The evaluator lists each resource type once (Describe* pages of up to 1000 items; endpoint
 * policies make DescribeVpcEndpoints pages several MB of JSON), asks GetMetricData for up to 500 endpoint
 * queries per call (5,000 interface endpoints × 90 daily points = 10 calls, each possibly paged), reads the
 * rule's previous results (GetComplianceDetailsByConfigRule, 100 per page) and writes PutEvaluations in
 * batches of 100 (50 calls for 5,000 resources). With adaptive retries under EC2's shared Describe token
 * bucket that is about two minutes at worst; 600 s leaves 5× headroom. 1024 MB on arm64 holds the parsed
 * inventory comfortably and gives ~0.6 vCPU for JSON parsing; a 60 s run costs about $0.0008.
 */
export const BUILT_IN_DEFAULTS = {
  maximumExecutionFrequency: "TwentyFour_Hours",
  evaluator: { memorySize: 1024, timeout: 600, logRetention: 30, metrics: true, tracing: false },
  digest: { enabled: true, schedule: DEFAULT_DIGEST_SCHEDULE, onAllClear: "send", topOffenders: 10 },
} as const satisfies {
  maximumExecutionFrequency: MaximumExecutionFrequency;
  evaluator: EvaluatorSettings;
  digest: DigestSettings;
};

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
 *   },
 *   dev: { digest: { enabled: false } },
 * }
 * ```
 */
export const SETTINGS: SettingsFile = {
  defaults: {
    maximumExecutionFrequency: BUILT_IN_DEFAULTS.maximumExecutionFrequency,
    evaluator: { ...BUILT_IN_DEFAULTS.evaluator },
    digest: { ...BUILT_IN_DEFAULTS.digest },
    rules: {},
  },
  stages: {},
};

/** Settings that cannot be deployed: names the stage and what is wrong, keeps the underlying error as `cause`. */
export class SettingsError extends EndpointAuditorError {
  public readonly stage: string;
  public constructor(stage: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid endpoint-auditor settings for stage "${stage}": ${message}`, options);
    this.stage = stage;
  }
}

function mergeLayers(layers: readonly SettingsOverride[]): Required<SettingsOverride> {
  const rules: Record<string, { enabled?: boolean; parameters: Record<string, ParameterValue> }> = {};
  let maximumExecutionFrequency: MaximumExecutionFrequency = BUILT_IN_DEFAULTS.maximumExecutionFrequency;
  let evaluator: Partial<EvaluatorSettings> = { ...BUILT_IN_DEFAULTS.evaluator };
  let digest: Partial<DigestSettings> = { ...BUILT_IN_DEFAULTS.digest };
  for (const layer of layers) {
    if (layer.maximumExecutionFrequency !== undefined) maximumExecutionFrequency = layer.maximumExecutionFrequency;
    if (layer.evaluator) evaluator = { ...evaluator, ...layer.evaluator };
    if (layer.digest) digest = { ...digest, ...layer.digest };
    for (const [ruleId, override] of Object.entries(layer.rules ?? {})) {
      const current = rules[ruleId] ?? { parameters: {} };
      rules[ruleId] = {
        enabled: override.enabled ?? current.enabled,
        parameters: { ...current.parameters, ...override.parameters },
      };
    }
  }
  return { maximumExecutionFrequency, evaluator, rules: rules as Record<string, Partial<RuleSettings>>, digest };
}

/** A parsed parameter value as AWS Config input-parameter text (undefined when an optional one is unset). */
export function parameterAsString(spec: ParameterSpec, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (spec.type === "enumList") return (value as readonly string[]).join(",");
  return String(value);
}

function checkInteger(stage: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(stage, `${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates the merged digest settings (every field of `merged` comes from user input). */
function checkDigest(stage: string, merged: Partial<DigestSettings>): DigestSettings {
  const { enabled, schedule, onAllClear, topOffenders, webhookParameterName, webhookKmsKeyArn } = merged;
  if (typeof enabled !== "boolean") {
    throw new SettingsError(stage, `digest.enabled must be true or false; got ${JSON.stringify(enabled)}`);
  }
  const scheduleProblem =
    typeof schedule === "string" ? scheduleExpressionProblem(schedule) : `schedule ${JSON.stringify(schedule)} is not a string`;
  if (scheduleProblem !== undefined) {
    throw new SettingsError(
      stage,
      `digest.schedule must be an EventBridge schedule expression like "cron(0 9 ? * MON *)" or "rate(7 days)": ${scheduleProblem}`,
    );
  }
  if (!(DigestAllClearModes as readonly unknown[]).includes(onAllClear)) {
    throw new SettingsError(
      stage,
      `digest.onAllClear must be one of ${DigestAllClearModes.map((m) => `"${m}"`).join(", ")}; got ${JSON.stringify(onAllClear)}`,
    );
  }
  const digest: DigestSettings = {
    enabled,
    schedule: (schedule as string).trim(),
    onAllClear: onAllClear as DigestAllClearMode,
    topOffenders: checkInteger(
      stage,
      "digest.topOffenders",
      topOffenders,
      DigestLimits.minTopOffenders,
      DigestLimits.maxTopOffenders,
    ),
  };
  if (webhookParameterName !== undefined) {
    const problem = webhookParameterNameProblem(webhookParameterName);
    if (problem !== undefined) throw new SettingsError(stage, `digest.webhookParameterName ${problem}`);
    digest.webhookParameterName = webhookParameterName;
  }
  if (webhookKmsKeyArn !== undefined) {
    const problem = kmsKeyArnProblem(webhookKmsKeyArn);
    if (problem !== undefined) throw new SettingsError(stage, `digest.webhookKmsKeyArn ${problem}`);
    digest.webhookKmsKeyArn = webhookKmsKeyArn;
  }
  return digest;
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

  return {
    stage,
    maximumExecutionFrequency: merged.maximumExecutionFrequency,
    rules,
    evaluator,
    digest,
  };
}
