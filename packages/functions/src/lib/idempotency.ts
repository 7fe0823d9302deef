/**
 * Powertools Idempotency for the digest: one run per account, region and ISO week (core's `DigestKey`),
 * recorded on DynamoDB. A finished run's result is stored and replayed (marked `duplicate: true`); a
 * failed run leaves no record, so a retry runs again.
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { DigestIdempotency, type DigestKey, type DigestRunResult } from "@endpoint-auditor/core";
import type { Context } from "aws-lambda";

/** A digest run of one week: the key, the Lambda context, and the run's "now". */
export type WeeklyRun<K extends object = DigestKey, R = DigestRunResult> = (key: K, context: Context, now: Date) => Promise<R>;

/**
 * `run`, at most once per key: the second call with the same key returns the first result with
 * `duplicate: true` and does not run. `idempotency` names the records (default: the per-account digest's;
 * the organization digest passes its own).
 *
 * @example
 * ```ts
 * const sendOnce = oncePerWeek((key, _context, now) => runDigest({ ...deps, key, now }), persistenceStore);
 * ```
 */
export function oncePerWeek<K extends object = DigestKey, R = DigestRunResult>(
  run: WeeklyRun<K, R>,
  persistenceStore: BasePersistenceLayer,
  idempotency: { keyPrefix: string; expiresAfterSeconds: number } = DigestIdempotency,
): WeeklyRun<K, R> {
  return makeIdempotent(run, {
    persistenceStore,
    keyPrefix: idempotency.keyPrefix,
    config: new IdempotencyConfig({
      throwOnNoIdempotencyKey: true,
      // Longer than a week, so any retry or re-run within the ISO week finds the record.
      expiresAfterSeconds: idempotency.expiresAfterSeconds,
      // No in-memory cache: every invocation asks DynamoDB (the record, not this container, is the truth).
      useLocalCache: false,
      // Marks a replayed (already handled) week, so the handler can say "nothing sent".
      responseHook: (response) =>
        typeof response === "object" && response !== null && !Array.isArray(response) ? { ...response, duplicate: true } : response,
    }),
  });
}
