/**
 * What a Config rule invocation reports: one structured log line (rule, account, region, counts) and EMF
 * metrics in the `EndpointAuditor` namespace with a `rule` dimension — evaluations by compliance type,
 * stale results cleaned up, API calls, duration; a `Failures` metric when the invocation fails or is
 * refused (always published: the failure alarm watches it, even with `METRICS_SCOPE=failures`).
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { ConfigRuleMetrics } from "@endpoint-auditor/core";
import type { ConfigRunResult } from "./config-rule";
import type { ApiCallCounter } from "./clients";
import { logger, metrics, publishesAllMetrics } from "./powertools";

/**
 * Logs and measures a successful invocation.
 *
 * @example
 * ```ts
 * recordConfigRun(result, counter, performance.now() - started);
 * ```
 */
export function recordConfigRun(result: ConfigRunResult, calls: ApiCallCounter, durationMs: number): void {
  logger.appendKeys({ rule: result.ruleId, configRuleName: result.configRuleName, account: result.accountId, region: result.region });
  if (publishesAllMetrics()) {
    metrics.addDimension("rule", result.ruleId);
    metrics.addMetric(ConfigRuleMetrics.compliant, MetricUnit.Count, result.byCompliance.COMPLIANT);
    metrics.addMetric(ConfigRuleMetrics.nonCompliant, MetricUnit.Count, result.byCompliance.NON_COMPLIANT);
    metrics.addMetric(ConfigRuleMetrics.notApplicable, MetricUnit.Count, result.byCompliance.NOT_APPLICABLE);
    metrics.addMetric(ConfigRuleMetrics.stale, MetricUnit.Count, result.stale);
    metrics.addMetric(ConfigRuleMetrics.putEvaluationsCalls, MetricUnit.Count, result.putEvaluationsCalls);
    metrics.addMetric(ConfigRuleMetrics.apiCalls, MetricUnit.Count, calls.total());
    metrics.addMetric(ConfigRuleMetrics.duration, MetricUnit.Milliseconds, Math.round(durationMs));
    metrics.addMetadata("messageType", result.messageType);
    metrics.addMetadata("testMode", String(result.testMode));
  }
  const counts = {
    messageType: result.messageType,
    testMode: result.testMode,
    evaluated: result.evaluated,
    stale: result.stale,
    written: result.written,
    byCompliance: result.byCompliance,
    putEvaluationsCalls: result.putEvaluationsCalls,
    apiCalls: calls.byService(),
    durationMs: Math.round(durationMs),
    ...(result.staleSkipped ? { staleSkipped: result.staleSkipped } : {}),
  };
  if (result.skipped) logger.warn(`Nothing evaluated: ${result.skipped}`, counts);
  else logger.info("Config rule evaluated", counts);
}

/**
 * Logs and measures a failed or refused invocation: `retried` says whether the handler rethrows it (Lambda
 * retries it, then sends it to the on-failure destination) or answers without a retry (a retry would fail
 * the same way). Either way it is one `Failures` metric and one error log line.
 *
 * @example
 * ```ts
 * recordConfigFailure(error, counter, performance.now() - started, { region, retried: isRetryable(error) });
 * ```
 */
export function recordConfigFailure(
  error: unknown,
  calls: ApiCallCounter,
  durationMs: number,
  context: { region: string; retried: boolean },
): void {
  const about = (key: string): string | undefined => {
    const value = (error as Record<string, unknown> | undefined)?.[key];
    return typeof value === "string" ? value : undefined;
  };
  const ruleId = about("ruleId");
  const account = about("accountId");
  const configRuleName = about("configRuleName");
  logger.appendKeys({
    region: context.region,
    ...(ruleId ? { rule: ruleId } : {}),
    ...(account ? { account } : {}),
    ...(configRuleName ? { configRuleName } : {}),
  });
  metrics.addMetric(ConfigRuleMetrics.failures, MetricUnit.Count, 1);
  if (publishesAllMetrics()) {
    metrics.addMetric(ConfigRuleMetrics.apiCalls, MetricUnit.Count, calls.total());
    metrics.addMetric(ConfigRuleMetrics.duration, MetricUnit.Milliseconds, Math.round(durationMs));
  }
  metrics.addMetadata("error", error instanceof Error ? error.name : "unknown");
  logger.error(
    context.retried
      ? "Config rule invocation failed; nothing was written for what could not be judged; Lambda retries it"
      : "Config rule event refused and not retried (a retry would fail the same way); nothing was written",
    { error: error instanceof Error ? error : String(error), retried: context.retried, apiCalls: calls.byService(), durationMs: Math.round(durationMs) },
  );
}
