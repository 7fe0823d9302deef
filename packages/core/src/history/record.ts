/**
 * Recording evaluations in the findings history: validate, read the stored findings, compute each
 * transition, write the new state. Table layout and access patterns: see `./schema`.
 */
import { Compliance, type Evaluation } from "../evaluation";
import { readFindings, writeItems, type BatchRetryOptions } from "./batch";
import { COMPLIANCE_VALUES, findingKey, toItem, type HistoryItem } from "./encoding";
import { HistoryInputError, type HistoryContext } from "./errors";
import { HISTORY_RETENTION_DAYS, type HistoryClient } from "./schema";
import { Transition, nextRecord, type HistoryRecord } from "./transitions";

export interface RecordOptions {
  /** AWS Config rule names by rule id, stored for console links (the evaluator knows its own). */
  configRuleNames?: Readonly<Record<string, string>>;
  /** Days before resolved items expire (default {@link HISTORY_RETENTION_DAYS}). */
  retentionDays?: number;
  retry?: BatchRetryOptions;
}

/** What {@link recordEvaluations} did. */
export interface RecordResult {
  /** Items written (every evaluation except stale ones and duplicates of a key). */
  written: number;
  /** Count per transition. */
  transitions: Record<Transition, number>;
}

function validate(evaluations: readonly Evaluation[], now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new HistoryInputError(`recordEvaluations needs a valid time, got ${String(now)}`);
  }
  evaluations.forEach((e, index) => {
    const missing = (["accountId", "region", "ruleId", "resourceId", "resourceType", "annotation"] as const).filter(
      (field) => typeof e[field] !== "string" || e[field].length === 0,
    );
    if (missing.length > 0) {
      throw new HistoryInputError(`Evaluation #${index} (${e.ruleId ?? "?"} / ${e.resourceId ?? "?"}) lacks ${missing.join(", ")}`);
    }
    if (e.ruleId.includes("#")) throw new HistoryInputError(`Evaluation #${index}: rule id "${e.ruleId}" contains "#"`);
    if (!COMPLIANCE_VALUES.has(e.compliance)) {
      throw new HistoryInputError(`Evaluation #${index} (${e.ruleId} / ${e.resourceId}): unknown compliance "${String(e.compliance)}"`);
    }
    if (e.monthlySavingsUsd !== undefined && !Number.isFinite(e.monthlySavingsUsd)) {
      throw new HistoryInputError(`Evaluation #${index} (${e.ruleId} / ${e.resourceId}): monthlySavingsUsd is not a finite number`);
    }
  });
}

function contextOf(tableName: string, evaluations: readonly Pick<Evaluation, "accountId" | "region">[]): HistoryContext {
  const accounts = new Set(evaluations.map((e) => e.accountId));
  const regions = new Set(evaluations.map((e) => e.region));
  return {
    tableName,
    ...(accounts.size === 1 ? { accountId: [...accounts][0] } : {}),
    ...(regions.size === 1 ? { region: [...regions][0] } : {}),
  };
}

/** Evaluations read, computed and written together (a multiple of both batch sizes: 100 keys, 25 items). */
const RECORD_SLICE = 1_000;

function emptyTransitions(): Record<Transition, number> {
  return { OPENED: 0, REOPENED: 0, STILL_OPEN: 0, RESOLVED: 0, EXEMPTED: 0, UNCHANGED: 0, STALE: 0 };
}

/**
 * Records evaluations in the history table: reads the stored items of the evaluated resources
 * (`BatchGetItem`, 100 keys per call, strongly consistent), computes each transition with
 * {@link nextRecord}, and writes the new items (`BatchWriteItem`, 25 per call). `UnprocessedKeys` /
 * `UnprocessedItems` are retried with bounded exponential backoff and jitter; what is still left then
 * raises a typed error. Input is validated before anything is written. When one call holds the same
 * resource twice, the last evaluation wins. Recording the same evaluations again is harmless.
 *
 * Call it after `PutEvaluations` succeeded, with the same evaluations and the evaluation time.
 *
 * @throws HistoryInputError (nothing written) | HistoryReadError | HistoryWriteError
 * @example
 * ```ts
 * const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
 * const result = await recordEvaluations(doc, process.env.HISTORY_TABLE_NAME!, evaluations, new Date(event.notificationCreationTime), {
 *   configRuleNames: { [ruleId]: event.configRuleName },
 * });
 * result.transitions.OPENED; // findings that became non-compliant now
 * ```
 */
export async function recordEvaluations(
  client: HistoryClient,
  tableName: string,
  evaluations: readonly Evaluation[],
  now: Date,
  options: RecordOptions = {},
): Promise<RecordResult> {
  validate(evaluations, now);
  const transitions = emptyTransitions();
  if (evaluations.length === 0) return { written: 0, transitions };

  const latest = new Map<string, Evaluation>();
  for (const e of evaluations) latest.set(findingKey(e), e);
  const unique = [...latest.values()];
  const context = contextOf(tableName, unique);
  const retry = options.retry ?? {};

  const at = now.toISOString();
  let written = 0;
  // In slices, so a run of any size holds the stored and the new items of one slice at a time.
  for (let start = 0; start < unique.length; start += RECORD_SLICE) {
    const slice = unique.slice(start, start + RECORD_SLICE);
    const previous = await readFindings(client, tableName, slice, retry, context);
    const items: HistoryItem[] = [];
    for (const e of slice) {
      const configRuleName = options.configRuleNames?.[e.ruleId];
      const { record, transition } = nextRecord(previous.get(findingKey(e)), e, at, {
        ...(configRuleName ? { configRuleName } : {}),
        ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
      });
      transitions[transition] += 1;
      if (transition !== Transition.STALE) items.push(toItem(record));
    }
    // Errors count the whole call: earlier slices were written, later ones were not.
    await writeItems(client, tableName, items, retry, context, { written, of: written + items.length + (unique.length - start - slice.length) });
    written += items.length;
  }
  return { written, transitions };
}

/**
 * The annotation of a finding closed because its rule is no longer deployed.
 *
 * @example
 * ```ts
 * retiredAnnotation("vpc-flow-logs-enabled"); // "Closed: rule vpc-flow-logs-enabled is no longer deployed."
 * ```
 */
export function retiredAnnotation(ruleId: string): string {
  return `Closed: rule ${ruleId} is no longer deployed.`;
}

/**
 * Closes findings of rules that are no longer deployed: each becomes `NOT_APPLICABLE` with
 * {@link retiredAnnotation}, leaves the status index (neither open, resolved nor exempt — a rule that was
 * removed fixed nothing) and expires {@link HISTORY_RETENTION_DAYS} days later.
 *
 * @throws HistoryWriteError
 * @example
 * ```ts
 * const state = await loadDigestState(doc, table, window);
 * await retireFindings(doc, table, state.open.filter((r) => !deployed.has(r.ruleId)), new Date());
 * ```
 */
export async function retireFindings(
  client: HistoryClient,
  tableName: string,
  records: readonly HistoryRecord[],
  now: Date,
  options: Pick<RecordOptions, "retry" | "retentionDays"> = {},
): Promise<number> {
  if (records.length === 0) return 0;
  const at = now.toISOString();
  const ttl = Math.floor(now.getTime() / 1000) + (options.retentionDays ?? HISTORY_RETENTION_DAYS) * 86_400;
  const items = records.map((r) => {
    const closed: HistoryRecord = {
      accountId: r.accountId,
      region: r.region,
      ruleId: r.ruleId,
      resourceId: r.resourceId,
      resourceType: r.resourceType,
      compliance: Compliance.NOT_APPLICABLE,
      annotation: retiredAnnotation(r.ruleId),
      lastEvaluatedAt: at,
      reopenCount: r.reopenCount,
      ttl,
    };
    if (r.configRuleName) closed.configRuleName = r.configRuleName;
    if (r.firstNonCompliantAt) closed.firstNonCompliantAt = r.firstNonCompliantAt;
    return toItem(closed);
  });
  await writeItems(client, tableName, items, options.retry ?? {}, contextOf(tableName, records.map((r) => ({ accountId: r.accountId, region: r.region }))));
  return items.length;
}
