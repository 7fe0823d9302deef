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
  failures: "Failures",
} as const;

/** Metrics of a digest run. */
export const DigestMetrics = {
  sent: "DigestSent",
  skipped: "DigestSkipped",
  duplicate: "DigestDuplicateSuppressed",
  openFindings: "DigestOpenFindings",
  monthlyWaste: "DigestMonthlyWasteUsd",
  failures: "DigestFailures",
} as const;

/** Metrics of an organization digest run. */
export const OrgDigestMetrics = {
  sent: "OrgDigestSent",
  skipped: "OrgDigestSkipped",
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
