/**
 * Writes evaluations to AWS Config with `PutEvaluations`: at most 100 per call, annotations cut to 1–256
 * characters, only the three compliance types Config accepts. Evaluations Config reports back in
 * `FailedEvaluations` are retried (only those, so nothing is written twice on purpose) a bounded number of
 * times with exponential backoff; what is still not written fails the whole write with a
 * {@link PutEvaluationsError} listing every evaluation that was not written. Throttling of the call itself
 * is retried by the SDK (the client's adaptive retry mode); when the call still fails, the same error
 * names what was not written.
 */
import { PutEvaluationsCommand, type ConfigServiceClient, type Evaluation as ConfigEvaluation } from "@aws-sdk/client-config-service";
import { errorMessage } from "../errors";
import { Compliance, clampAnnotation, type ComplianceType } from "../evaluation";
import { backoff } from "../retry";
import { InvalidEvaluationError, PutEvaluationsError, type UnwrittenEvaluation } from "./errors";

/** AWS Config's limit of evaluations per `PutEvaluations` call. */
export const MAX_EVALUATIONS_PER_CALL = 100;

/** What the writer needs of an evaluation (core's `Evaluation` fits). */
export interface WritableEvaluation {
  resourceType: string;
  resourceId: string;
  compliance: ComplianceType;
  annotation: string;
}

export interface PutEvaluationsOptions {
  /** `notificationCreationTime` for periodic runs, `configurationItemCaptureTime` for change-triggered ones. */
  orderingTimestamp: Date;
  /** Sends `TestMode: true`: Config validates but records nothing. */
  testMode?: boolean;
  /** Rounds of retrying `FailedEvaluations` after the first attempt (default 3). */
  maxRetries?: number;
  /** Backoff before the first retry round, doubled every round (default 250 ms). */
  backoffMs?: number;
  /** Evaluations per call, 1–100 (default 100). */
  batchSize?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface PutEvaluationsResult {
  /** Evaluations Config accepted. */
  written: number;
  /** `PutEvaluations` calls made. */
  calls: number;
  /** Evaluations that were sent again after Config returned them in `FailedEvaluations`. */
  retried: number;
  byCompliance: Record<ComplianceType, number>;
}

const ACCEPTED: readonly string[] = Object.values(Compliance);

function keyOf(resourceType: string | undefined, resourceId: string | undefined): string {
  return `${resourceType ?? ""}\u0000${resourceId ?? ""}`;
}

function unwritten(e: ConfigEvaluation): UnwrittenEvaluation {
  return {
    resourceType: e.ComplianceResourceType as string,
    resourceId: e.ComplianceResourceId as string,
    compliance: e.ComplianceType as ComplianceType,
  };
}

function emptyCounts(): Record<ComplianceType, number> {
  return { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
}

/**
 * Checks evaluations before anything is sent: a valid compliance type, a resource type and id, no resource
 * twice. Throws on the first problem, so a bad batch writes nothing.
 *
 * @throws InvalidEvaluationError
 * @example
 * ```ts
 * toConfigEvaluations(evaluations, new Date("2016-07-13T21:50:00.373Z"));
 * ```
 */
export function toConfigEvaluations(evaluations: readonly WritableEvaluation[], orderingTimestamp: Date): ConfigEvaluation[] {
  if (Number.isNaN(orderingTimestamp.getTime())) throw new RangeError("orderingTimestamp is not a valid time");
  const seen = new Set<string>();
  return evaluations.map((e) => {
    if (typeof e.resourceType !== "string" || e.resourceType.length === 0 || typeof e.resourceId !== "string" || e.resourceId.length === 0) {
      throw new InvalidEvaluationError(String(e.resourceType), String(e.resourceId), "resource type and id are required");
    }
    if (!ACCEPTED.includes(e.compliance)) {
      throw new InvalidEvaluationError(
        e.resourceType,
        e.resourceId,
        `compliance type ${JSON.stringify(e.compliance)} is not accepted by PutEvaluations (allowed: ${ACCEPTED.join(", ")})`,
      );
    }
    const key = keyOf(e.resourceType, e.resourceId);
    if (seen.has(key)) throw new InvalidEvaluationError(e.resourceType, e.resourceId, "the same resource appears twice in one write");
    seen.add(key);
    return {
      ComplianceResourceType: e.resourceType,
      ComplianceResourceId: e.resourceId,
      ComplianceType: e.compliance,
      Annotation: clampAnnotation(e.annotation ?? ""),
      OrderingTimestamp: orderingTimestamp,
    };
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Writes evaluations for one invocation of a Config rule.
 *
 * @throws InvalidEvaluationError before any call when an evaluation would be refused;
 *   PutEvaluationsError listing every evaluation not written when a call fails or `FailedEvaluations`
 *   remain after the retries.
 * @example
 * ```ts
 * const result = await putEvaluations(config, event.resultToken, evaluations, {
 *   orderingTimestamp: new Date("2016-07-13T21:50:00.373Z"),
 * });
 * console.log(result.written, result.calls);
 * ```
 */
export async function putEvaluations(
  client: ConfigServiceClient,
  resultToken: string,
  evaluations: readonly WritableEvaluation[],
  options: PutEvaluationsOptions,
): Promise<PutEvaluationsResult> {
  const batchSize = options.batchSize ?? MAX_EVALUATIONS_PER_CALL;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_EVALUATIONS_PER_CALL) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_EVALUATIONS_PER_CALL}`);
  }
  const maxRetries = options.maxRetries ?? 3;
  // No jitter and no cap: one invocation retries its own FailedEvaluations, a few rounds at most.
  const delays = backoff(
    { ...(options.backoffMs !== undefined ? { baseDelayMs: options.backoffMs } : {}), ...(options.sleep ? { sleep: options.sleep } : {}) },
    { baseDelayMs: 250, maxDelayMs: Number.POSITIVE_INFINITY, jitter: false },
  );
  const items = toConfigEvaluations(evaluations, options.orderingTimestamp);

  const result: PutEvaluationsResult = { written: 0, calls: 0, retried: 0, byCompliance: emptyCounts() };
  let pending = items;
  for (let round = 0; pending.length > 0; round++) {
    if (round > 0) {
      await delays.wait(round);
      result.retried += pending.length;
    }
    const failed: ConfigEvaluation[] = [];
    const batches = chunk(pending, batchSize);
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b] as ConfigEvaluation[];
      let response;
      try {
        result.calls++;
        response = await client.send(
          new PutEvaluationsCommand({
            ResultToken: resultToken,
            Evaluations: batch,
            ...(options.testMode ? { TestMode: true } : {}),
          }),
        );
      } catch (error) {
        const notSent = batches.slice(b).flat();
        throw new PutEvaluationsError([...failed, ...notSent].map(unwritten), result.written, errorMessage(error), { cause: error });
      }
      const failedKeys = new Set((response.FailedEvaluations ?? []).map((f) => keyOf(f.ComplianceResourceType, f.ComplianceResourceId)));
      for (const e of batch) {
        if (failedKeys.has(keyOf(e.ComplianceResourceType, e.ComplianceResourceId))) {
          failed.push(e);
        } else {
          result.written++;
          result.byCompliance[e.ComplianceType as ComplianceType]++;
        }
      }
    }
    if (failed.length > 0 && round >= maxRetries) {
      throw new PutEvaluationsError(
        failed.map(unwritten),
        result.written,
        `AWS Config still returned them in FailedEvaluations after ${maxRetries} ${maxRetries === 1 ? "retry" : "retries"}`,
      );
    }
    pending = failed;
  }
  return result;
}
