/**
 * The weekly organization digest Lambda (EventBridge cron), deployed in the account that owns an AWS Config
 * aggregator: core's `runOrgDigest` for that aggregator, at most once per ISO week (Powertools Idempotency
 * keyed by core's `orgDigestKeyFor`): a Lambda retry or a second run in the same week sends nothing, and a
 * failed run leaves no record, so the retry sends it. Settings: core's `orgDigestSettingsFromEnv`; clients:
 * `lib/org-digest-dependencies.ts`.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { OrgDigestIdempotency, OrgDigestMetrics as M, orgDigestKeyFor, runOrgDigest, type OrgDigestKey, type OrgDigestRunResult } from "@endpoint-auditor/core";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { oncePerWeek } from "./lib/idempotency";
import { orgDependenciesFromEnv, type OrgDigestDependencies } from "./lib/org-digest-dependencies";
import { logger, metrics } from "./lib/powertools";

export { orgDependenciesFromEnv, type OrgDigestDependencies };

/** Logs and measures a finished invocation: one line, and the counts as EMF metrics. */
function record(result: OrgDigestRunResult): void {
  if (result.duplicate) {
    metrics.addMetric(M.duplicate, MetricUnit.Count, 1);
    logger.info("Organization digest already handled for this aggregator and week; nothing sent", { status: result.status });
    return;
  }
  metrics.addMetric(result.status === "sent" ? M.sent : result.status === "possibly-sent" ? M.possiblySent : M.skipped, MetricUnit.Count, 1);
  metrics.addMetric(M.openFindings, MetricUnit.Count, result.openFindings);
  metrics.addMetric(M.monthlyWaste, MetricUnit.NoUnit, result.monthlyWasteUsd);
  metrics.addMetric(M.notReporting, MetricUnit.Count, result.notReporting);
  metrics.addMetric(M.unread, MetricUnit.Count, result.unread);
  metrics.addMetric(M.aggregatorCalls, MetricUnit.Count, result.aggregatorCalls);
  if (result.status === "possibly-sent") {
    logger.warn("Slack did not confirm the organization digest; it may have been posted, so it is not sent again this week", { ...result });
  } else {
    logger.info(result.status === "sent" ? "Organization digest sent" : "All clear; organization digest skipped as configured", { ...result });
  }
}

/**
 * Builds the organization digest handler from its dependencies (tests pass local ones).
 *
 * @example
 * ```ts
 * export const handler = createOrgDigestHandler(orgDependenciesFromEnv(process.env));
 * ```
 */
export function createOrgDigestHandler(deps: OrgDigestDependencies) {
  const sendOnce = oncePerWeek<OrgDigestKey, OrgDigestRunResult>((key, _context, now) => runOrgDigest({ ...deps, key, now, log: logger }), deps.persistenceStore, OrgDigestIdempotency);

  async function lambdaHandler(event: unknown, context: Context): Promise<OrgDigestRunResult> {
    const { key, now } = orgDigestKeyFor(event, deps.settings.aggregatorName, deps.now);
    logger.appendKeys({ aggregator: key.aggregatorName, isoWeek: key.isoWeek });
    try {
      const result = await sendOnce(key, context, now);
      record(result);
      return result;
    } catch (error) {
      // Core's errors never hold the webhook URL; only the name and message are logged.
      metrics.addMetric(M.failures, MetricUnit.Count, 1);
      logger.error("Organization digest failed; nothing recorded for this week, so a retry will try again", {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      throw error;
    }
  }

  return middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics, { captureColdStartMetric: true }));
}

let production: ReturnType<typeof createOrgDigestHandler> | undefined;

/** The Lambda entry point; dependencies are created on the first invocation and reused. */
export const handler = (event: unknown, context: Context): Promise<OrgDigestRunResult> => {
  production ??= createOrgDigestHandler(orgDependenciesFromEnv(process.env));
  return production(event, context);
};
