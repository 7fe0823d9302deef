/**
 * The names the deployment and the code share, spelled once: the environment variables the stacks set and
 * the Lambda functions read, their bounds and defaults, the service names and the CloudWatch namespace of
 * the functions' metrics, and the metric names dashboards and alarms use. The stacks (`stacks/**`), the
 * handlers (`packages/functions`) and core import these instead of restating the strings; a test fails
 * when a stack sets an environment variable that is not named here.
 */

/** Environment variables of the auditor's functions (keys: how code refers to them; values: the names). */
export const EnvironmentVariables = {
  /** The findings history table (evaluator: record; digest: query). Unset = the evaluator records no history. */
  historyTableName: "HISTORY_TABLE_NAME",
  /** The Powertools Idempotency table of the digest. */
  idempotencyTableName: "IDEMPOTENCY_TABLE_NAME",
  /** NAME of the SSM SecureString parameter holding the Slack webhook URL (never the URL). */
  slackWebhookParameterName: "SLACK_WEBHOOK_PARAMETER_NAME",
  /** `send` | `skip`: what the digest does in a week with nothing to report. */
  digestOnAllClear: "DIGEST_ON_ALL_CLEAR",
  /** How many top offenders the digest lists ({@link DigestLimits.topOffenders}). */
  digestTopOffenders: "DIGEST_TOP_OFFENDERS",
  /** Prefix of the AWS Config rule names (`<app>-<stage>-`), for the digest's console links. */
  configRuleNamePrefix: "CONFIG_RULE_NAME_PREFIX",
  /** Seconds the digest caches the decrypted webhook URL ({@link DigestLimits.webhookCacheSeconds}). */
  webhookCacheSeconds: "WEBHOOK_CACHE_SECONDS",
  /** Per-request timeout of the Slack webhook, ms ({@link DigestLimits.slackTimeoutMs}). */
  slackTimeoutMs: "SLACK_TIMEOUT_MS",
  /** `true`: the evaluator sends `TestMode: true` to AWS Config and cleans nothing up. */
  evaluationsTestMode: "EVALUATIONS_TEST_MODE",
  /**
   * The AWS Config rules the stack created, as JSON `{"<rule id>": "<Config rule name>"}` (evaluator: the
   * only rules whose events it accepts; digest: the rules that must report). See `parseDeployedRules`.
   */
  deployedRules: "DEPLOYED_CONFIG_RULES",
  /** The rules' `MaximumExecutionFrequency` ({@link ExecutionFrequencyHours}): a heartbeat older than twice it is late. */
  evaluationFrequency: "EVALUATION_FREQUENCY",
  /** `true`: an exemption tag without `until=YYYY-MM-DD` is ignored (see `ExemptionPolicy`). */
  exemptionRequireExpiry: "EXEMPTION_REQUIRE_EXPIRY",
  /** Days an exemption may reach into the future ({@link ExemptionLimits.maxDays}); unset: no limit. */
  exemptionMaxDays: "EXEMPTION_MAX_DAYS",
  /** `all` (default) | `failures`: which of the evaluator's custom metrics it publishes ({@link MetricsScope}). */
  metricsScope: "METRICS_SCOPE",
  /** Powertools: service name of logs, metrics and traces. */
  powertoolsServiceName: "POWERTOOLS_SERVICE_NAME",
  /** Powertools: CloudWatch namespace of the EMF metrics. */
  powertoolsMetricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  /** Powertools: `true` publishes no metrics. */
  powertoolsMetricsDisabled: "POWERTOOLS_METRICS_DISABLED",
  /** Powertools: log level. */
  powertoolsLogLevel: "POWERTOOLS_LOG_LEVEL",
  /** Powertools: whether the Tracer records. */
  powertoolsTraceEnabled: "POWERTOOLS_TRACE_ENABLED",
  /** Powertools: whether the Tracer records outgoing HTTPS requests (never for the digest: the webhook URL). */
  powertoolsTracerCaptureHttpsRequests: "POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS",
  /** Organization digest: the AWS Config aggregator it reads (in its own account and region). */
  configAggregatorName: "CONFIG_AGGREGATOR_NAME",
  /** Organization digest: its state table (last week's findings). */
  orgStateTableName: "ORG_STATE_TABLE_NAME",
  /** Organization digest: accounts listed in the per-account table ({@link OrgDigestLimits.topAccounts}). */
  orgDigestTopAccounts: "ORG_DIGEST_TOP_ACCOUNTS",
  /** Organization digest: the member rules' evaluation period in hours; twice it without an evaluation is "not reporting". */
  evaluationFrequencyHours: "EVALUATION_FREQUENCY_HOURS",
} as const;
export type EnvironmentVariable = (typeof EnvironmentVariables)[keyof typeof EnvironmentVariables];

/**
 * The periods AWS Config accepts for a periodic rule (`MaximumExecutionFrequency`), in hours. A rule whose
 * last successful run is older than twice its period is "not reporting".
 */
export const ExecutionFrequencyHours = {
  One_Hour: 1,
  Three_Hours: 3,
  Six_Hours: 6,
  Twelve_Hours: 12,
  TwentyFour_Hours: 24,
} as const;
export type ExecutionFrequency = keyof typeof ExecutionFrequencyHours;

/** Config's default period for a periodic rule, and the stacks' default. */
export const DEFAULT_EXECUTION_FREQUENCY: ExecutionFrequency = "TwentyFour_Hours";

/**
 * Which custom metrics the evaluator publishes: `all` of them, or only `failures` (published only when
 * something fails, so a healthy deployment pays for none — the alarms still see every failure).
 */
export const MetricsScope = { all: "all", failures: "failures" } as const;
export type MetricsScope = (typeof MetricsScope)[keyof typeof MetricsScope];

/** Service names of the functions (Powertools `serviceName`). */
export const ServiceNames = {
  evaluator: "endpoint-auditor",
  digest: "endpoint-auditor-digest",
  orgDigest: "endpoint-auditor-org-digest",
} as const;

/** CloudWatch namespace of the functions' custom metrics (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = "EndpointAuditor";

/** Metrics of a Config rule invocation (dimension `rule`). */
export const ConfigRuleMetrics = {
  compliant: "CompliantEvaluations",
  nonCompliant: "NonCompliantEvaluations",
  notApplicable: "NotApplicableEvaluations",
  stale: "StaleEvaluationsCleaned",
  putEvaluationsCalls: "PutEvaluationsCalls",
  apiCalls: "ApiCalls",
  duration: "Duration",
  /** Every failed or refused invocation (the evaluator's failure alarm watches it). */
  failures: "Failures",
} as const;

/** Metrics of a digest run. */
export const DigestMetrics = {
  sent: "DigestSent",
  skipped: "DigestSkipped",
  duplicate: "DigestDuplicateSuppressed",
  openFindings: "DigestOpenFindings",
  monthlyWaste: "DigestMonthlyWasteUsd",
  /** Slack did not answer in time: the message may have been posted, so it is not sent again this week. */
  possiblySent: "DigestPossiblySent",
  /** Deployed rules without a successful run within twice their period. */
  rulesNotReporting: "DigestRulesNotReporting",
  /** Every failed invocation (the digest's failure alarm watches it). */
  failures: "DigestFailures",
} as const;

/** Metrics of an organization digest run. */
export const OrgDigestMetrics = {
  sent: "OrgDigestSent",
  skipped: "OrgDigestSkipped",
  /** Slack did not confirm the message; it may have been posted, so it is not sent again this week. */
  possiblySent: "OrgDigestPossiblySent",
  duplicate: "OrgDigestDuplicateSuppressed",
  openFindings: "OrgDigestOpenFindings",
  monthlyWaste: "OrgDigestMonthlyWasteUsd",
  notReporting: "OrgDigestNotReporting",
  unread: "OrgDigestUnreadSources",
  aggregatorCalls: "OrgDigestAggregatorCalls",
  failures: "OrgDigestFailures",
} as const;

/** What the digest does in a week with nothing to report: a short all-clear message, or nothing. */
export const AllClearMode = { send: "send", skip: "skip" } as const;
export type AllClearMode = (typeof AllClearMode)[keyof typeof AllClearMode];

/** An integer setting's bounds and default. */
export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** Bounds and defaults of the digest's numeric settings. */
export const DigestLimits = {
  /** Top offenders listed per message (Slack's 50-block limit caps it). */
  topOffenders: { min: 1, max: 50, default: 10 },
  /** Seconds the decrypted webhook URL is cached in memory. */
  webhookCacheSeconds: { min: 0, max: 86_400, default: 300 },
  /** Per-request timeout of the Slack webhook, ms. */
  slackTimeoutMs: { min: 100, max: 60_000, default: 10_000 },
} as const satisfies Record<string, IntegerBounds>;

/** Bounds of the exemption policy (`until=` at most this many days ahead when a maximum is set). */
export const ExemptionLimits = {
  maxDays: { min: 1, max: 3_650, default: 365 },
} as const satisfies Record<string, IntegerBounds>;

/** Days before an exemption's `until` date in which the digest lists it as "expiring soon". */
export const EXPIRING_SOON_DAYS = 14;

/** Bounds and defaults of the organization digest's own numeric settings (the rest: {@link DigestLimits}). */
export const OrgDigestLimits = {
  /** Accounts in the per-account table. */
  topAccounts: { min: 1, max: 50, default: 10 },
  /** The member rules' period (AWS Config's `MaximumExecutionFrequency`, 1 to 24 hours). */
  evaluationFrequencyHours: { min: 1, max: 24, default: 24 },
  /** Aggregator calls in flight at once. */
  aggregatorConcurrency: { min: 1, max: 16, default: 4 },
} as const satisfies Record<string, IntegerBounds>;

/** What the digest does with nothing to report unless told otherwise. */
export const DEFAULT_ALL_CLEAR_MODE: AllClearMode = AllClearMode.send;

/**
 * Powertools Idempotency of the digest: the key prefix of its records and how long one lives — longer
 * than a week, so any retry or re-run within the ISO week finds it.
 */
export const DigestIdempotency = {
  keyPrefix: "endpoint-auditor-digest",
  expiresAfterSeconds: 8 * 86_400,
} as const;

/** Powertools Idempotency of the organization digest: one message per aggregator and ISO week. */
export const OrgDigestIdempotency = {
  keyPrefix: "endpoint-auditor-org-digest",
  expiresAfterSeconds: DigestIdempotency.expiresAfterSeconds,
} as const;

/**
 * Whether `value` is within `bounds` (an integer from `min` to `max`).
 *
 * @example
 * ```ts
 * isWithin(DigestLimits.topOffenders, 20); // true
 * isWithin(DigestLimits.topOffenders, 500); // false
 * ```
 */
export function isWithin(bounds: IntegerBounds, value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}
