/**
 * What a digest invocation reports: one structured log line and EMF metrics in the `EndpointAuditor`
 * namespace (names: core's `DigestMetrics`) — sent, skipped or possibly sent (Slack did not confirm; not
 * sent again), open findings, monthly waste and rules not reporting, a duplicate (the week was already
 * handled), or a failure.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { DigestMetrics, DigestStatus, type DigestRunResult } from "@endpoint-auditor/core";
import { logger, metrics } from "./powertools";

/**
 * Logs and measures a finished invocation.
 *
 * @example
 * ```ts
 * recordDigestRun(await sendOnce(key, context, now));
 * ```
 */
export function recordDigestRun(result: DigestRunResult): void {
  if (result.duplicate) {
    metrics.addMetric(DigestMetrics.duplicate, MetricUnit.Count, 1);
    logger.info("Digest already handled for this account, region and week; nothing sent", { status: result.status });
    return;
  }
  const outcome = {
    [DigestStatus.sent]: { metric: DigestMetrics.sent, message: "Digest sent" },
    [DigestStatus.skipped]: { metric: DigestMetrics.skipped, message: "All clear; digest skipped as configured" },
    [DigestStatus.possiblySent]: {
      metric: DigestMetrics.possiblySent,
      message: "Slack did not confirm the digest; it may have been posted, so it is not sent again this week",
    },
  }[result.status];
  metrics.addMetric(outcome.metric, MetricUnit.Count, 1);
  metrics.addMetric(DigestMetrics.openFindings, MetricUnit.Count, result.openFindings);
  metrics.addMetric(DigestMetrics.monthlyWaste, MetricUnit.NoUnit, result.monthlyWasteUsd);
  metrics.addMetric(DigestMetrics.rulesNotReporting, MetricUnit.Count, result.notReporting.length);
  if (result.status === DigestStatus.possiblySent) logger.warn(outcome.message, { ...result });
  else logger.info(outcome.message, { ...result });
}

/**
 * Logs and measures a failed invocation (the handler rethrows, so EventBridge retries it). Only the
 * error's name and message are logged: core's digest errors never hold the webhook URL.
 *
 * @example
 * ```ts
 * recordDigestFailure(error);
 * ```
 */
export function recordDigestFailure(error: unknown): void {
  metrics.addMetric(DigestMetrics.failures, MetricUnit.Count, 1);
  logger.error("Digest failed; nothing recorded for this week, so a retry will try again", {
    error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
  });
}
