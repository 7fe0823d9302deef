/**
 * The weekly Slack digest Lambda (EventBridge cron): core's `runDigest` for the account and region it
 * runs in, at most once per ISO week (Powertools Idempotency keyed by core's `digestKeyFor`, see
 * `lib/idempotency.ts`): a Lambda retry or a second run in the same week sends nothing, and a failed send
 * leaves no record, so the retry sends it. Settings: core's `digestSettingsFromEnv`; clients and the
 * webhook read: `lib/digest-dependencies.ts`.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { digestKeyFor, runDigest, type DigestRunResult } from "@endpoint-auditor/core";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { dependenciesFromEnv, type DigestDependencies } from "./lib/digest-dependencies";
import { recordDigestFailure, recordDigestRun } from "./lib/digest-telemetry";
import { oncePerWeek } from "./lib/idempotency";
import { functionAccountId, lambdaRegion } from "./lib/lambda";
import { logger, metrics } from "./lib/powertools";

export { dependenciesFromEnv, type DigestDependencies };

/**
 * Builds the digest handler from its dependencies (tests pass local ones).
 *
 * @example
 * ```ts
 * export const handler = createDigestHandler(dependenciesFromEnv(process.env));
 * ```
 */
export function createDigestHandler(deps: DigestDependencies) {
  const sendOnce = oncePerWeek((key, _context, now) => runDigest({ ...deps, key, now, log: logger }), deps.persistenceStore);

  async function lambdaHandler(event: unknown, context: Context): Promise<DigestRunResult> {
    const region = deps.region ?? lambdaRegion();
    const { key, now } = digestKeyFor(event, { region, functionAccountId: functionAccountId(context), now: deps.now });
    logger.appendKeys({ account: key.accountId, region, isoWeek: key.isoWeek });
    try {
      const result = await sendOnce(key, context, now);
      recordDigestRun(result);
      return result;
    } catch (error) {
      recordDigestFailure(error);
      throw error;
    }
  }

  return middy(lambdaHandler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

let production: ReturnType<typeof createDigestHandler> | undefined;

/** The Lambda entry point; dependencies are created on the first invocation and reused. */
export const handler = (event: unknown, context: Context): Promise<DigestRunResult> => {
  production ??= createDigestHandler(dependenciesFromEnv(process.env));
  return production(event, context);
};
