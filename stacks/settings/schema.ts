/**
 * The shape of the deployment settings (`stacks/settings.ts`): what each field means, the values AWS
 * accepts for it, and the built-in defaults every stage starts from. Validation: `./validate.ts`.
 */
import { AllClearMode, DEFAULT_ALL_CLEAR_MODE, DigestLimits, ExecutionFrequencyHours, OrgDigestLimits, type AnyRule, type ExecutionFrequency } from "@endpoint-auditor/core";

/** The digest's default schedule: Mondays 09:00 UTC. */
export const DEFAULT_DIGEST_SCHEDULE = "cron(0 9 ? * MON *)";

/** The periods AWS Config accepts for a periodic custom rule (`MaximumExecutionFrequency`; core names them). */
export const MaximumExecutionFrequencies = Object.keys(ExecutionFrequencyHours) as readonly ExecutionFrequency[];
export type MaximumExecutionFrequency = ExecutionFrequency;

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
   * CloudWatch custom metrics per account and region). `false` sets `METRICS_SCOPE=failures`: only the
   * `Failures` metric is published, and only when an invocation fails, so the failure alarm still works
   * and a healthy deployment pays for no custom metric.
   */
  metrics: boolean;
  /**
   * AWS X-Ray active tracing of the evaluator: each invocation is traced, and the Powertools Tracer records
   * a subsegment for the handler and for every AWS SDK call. Default: `false`. X-Ray bills every recorded
   * and every retrieved trace beyond its free tier, and tracing needs two more IAM actions on the evaluator's
   * role. `true` sets Lambda's tracing mode to `Active` and `POWERTOOLS_TRACE_ENABLED=true`, and grants
   * exactly `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*` (X-Ray offers no resource-level
   * permissions for them), and deploys the evaluator built with the Tracer and the X-Ray SDK. `false` leaves
   * tracing off (`POWERTOOLS_TRACE_ENABLED=false`), the role holds no X-Ray action, and the evaluator is built
   * without the X-Ray SDK (~97 KB less to load at each cold start). The digest is not affected.
   */
  tracing: boolean;
}

/** What the digest does in a week with nothing to report (core's `AllClearMode`). */
export const DigestAllClearModes: readonly DigestAllClearMode[] = Object.values(AllClearMode);
export type DigestAllClearMode = AllClearMode;

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
  /** How many top offenders (by monthly saving) the message lists: 1–50 (core's `DigestLimits`), default 10. */
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

/**
 * Where failures are seen. The stack always creates an on-failure destination (an SQS queue holding the
 * record of every invocation that failed after Lambda's retries) and CloudWatch alarms on each function's
 * `Errors` and on the `EndpointAuditor` failure metrics; this only says whom the alarms notify.
 */
export interface AlarmSettings {
  /**
   * An SNS topic the alarms notify (on ALARM): its name (a topic of that name in the stack's own account
   * and region — the form that works for every StackSets instance) or its full ARN. Its policy must let
   * `cloudwatch.amazonaws.com` publish. Unset (default): the alarms change state in CloudWatch and notify
   * nobody — no SNS charge.
   */
  snsTopic?: string;
}

/** What an exemption tag (`endpoint-auditor:exempt = "<reason> until=YYYY-MM-DD"`) must say to count. */
export interface ExemptionSettings {
  /** An exemption without `until=YYYY-MM-DD` is ignored (the resource is judged). Default false. */
  requireExpiry: boolean;
  /** `until` may be at most this many days ahead (1–3650); a later one is ignored. Default: no limit. */
  maxDays?: number;
}

/** The functions' CloudWatch Logs log groups. */
export interface LogSettings {
  /**
   * ARN of a customer-managed KMS key that encrypts both log groups (default: CloudWatch Logs' own
   * encryption). The key's policy must allow `logs.<region>.amazonaws.com` to use it for these groups.
   */
  kmsKeyArn?: string;
}

/**
 * Lambda code signing: a code-signing configuration that accepts only code signed by these AWS Signer
 * profile versions and rejects anything else at deployment (`UntrustedArtifactOnDeployment: Enforce`). The
 * code must then be signed before it is deployed: the stand-alone template's StackSets steps do that
 * (`npx sst deploy` uploads unsigned code, which Lambda would refuse).
 */
export interface CodeSigningSettings {
  /** 1–20 signing profile version ARNs: `arn:aws:signer:<region>:<account>:/signing-profiles/<name>/<version>`. */
  signingProfileVersionArns: readonly string[];
}

/**
 * Settings of the organization digest (`stacks/OrgDigestStack.ts`): one weekly Slack message for every
 * account and region an AWS Config aggregator sees. Deployed by a stage that enables it, into the account
 * that owns the aggregator (the management account or a delegated administrator), in the aggregator's
 * region. Off by default.
 */
export interface OrgDigestSettings {
  /** Deploy the organization digest stack for this stage. Default: false. */
  enabled: boolean;
  /** Name of the aggregator to read (AWS Config: letters, digits, `_` and `-`, 1–256). Required when enabled. */
  aggregatorName?: string;
  /**
   * ARN of that aggregator (`arn:aws:config:<region>:<account>:config-aggregator/config-aggregator-…`, from
   * `aws configservice describe-configuration-aggregators`): the digest may read exactly this aggregator.
   * Required unless `createAggregator`.
   */
  aggregatorArn?: string;
  /**
   * Create the aggregator (`AWS::Config::ConfigurationAggregator` with an `OrganizationAggregationSource`
   * and the role AWS Config assumes to list the organization's accounts). Default: false.
   */
  createAggregator: boolean;
  /** With `createAggregator`: the regions to aggregate (default: all regions, including future ones). */
  aggregatorRegions?: readonly string[];
  /** EventBridge schedule expression (default: Mondays 09:00 UTC). */
  schedule: string;
  onAllClear: DigestAllClearMode;
  /** Top offenders listed: 1–50 (default 10). */
  topOffenders: number;
  /** Accounts in the per-account table: 1–50 (default 10). */
  topAccounts: number;
  /** Prefix of the auditor's rule names in the member accounts. Default: `endpoint-auditor-<this stage>-`. */
  memberRuleNamePrefix?: string;
  /**
   * How often the member accounts' rules run (their stage's `maximumExecutionFrequency`). Default: this
   * stage's. A rule without an evaluation for twice as long is reported as not reporting.
   */
  memberEvaluationFrequency?: MaximumExecutionFrequency;
  /** NAME of the SSM SecureString parameter with the webhook URL (default: this stage's SST secret). */
  webhookParameterName?: string;
  /** ARN of the customer-managed KMS key of that parameter, if any. */
  webhookKmsKeyArn?: string;
}

/** A settings layer: every field optional, rules keyed by rule id. */
export interface SettingsOverride {
  maximumExecutionFrequency?: MaximumExecutionFrequency;
  rules?: Readonly<Record<string, Partial<RuleSettings>>>;
  evaluator?: Partial<EvaluatorSettings>;
  digest?: Partial<DigestSettings>;
  alarms?: Partial<AlarmSettings>;
  exemptions?: Partial<ExemptionSettings>;
  logs?: Partial<LogSettings>;
  codeSigning?: CodeSigningSettings;
  orgDigest?: Partial<OrgDigestSettings>;
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
  alarms: AlarmSettings;
  exemptions: ExemptionSettings;
  logs: LogSettings;
  /** Unset: no code-signing configuration. */
  codeSigning?: CodeSigningSettings;
  orgDigest: OrgDigestSettings;
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
  digest: {
    enabled: true,
    schedule: DEFAULT_DIGEST_SCHEDULE,
    onAllClear: DEFAULT_ALL_CLEAR_MODE,
    topOffenders: DigestLimits.topOffenders.default,
  },
  alarms: {},
  exemptions: { requireExpiry: false },
  logs: {},
  orgDigest: {
    enabled: false,
    createAggregator: false,
    schedule: DEFAULT_DIGEST_SCHEDULE,
    onAllClear: DEFAULT_ALL_CLEAR_MODE,
    topOffenders: DigestLimits.topOffenders.default,
    topAccounts: OrgDigestLimits.topAccounts.default,
  },
} as const satisfies {
  maximumExecutionFrequency: MaximumExecutionFrequency;
  evaluator: EvaluatorSettings;
  digest: DigestSettings;
  alarms: AlarmSettings;
  exemptions: ExemptionSettings;
  logs: LogSettings;
  orgDigest: OrgDigestSettings;
};

/** Hours of each `MaximumExecutionFrequency` (core's table). */
export const FREQUENCY_HOURS: Readonly<Record<MaximumExecutionFrequency, number>> = ExecutionFrequencyHours;

