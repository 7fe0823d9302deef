/**
 * The findings history store: records evaluations with their transitions (opened, resolved, re-opened)
 * and serves the weekly digest. Table layout and access patterns: see `./schema`.
 */
import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Compliance, type ComplianceType, type Evaluation } from "../evaluation";
import { errorMessage } from "../errors";
import { HistoryInputError, HistoryReadError, HistoryWriteError, type HistoryContext } from "./errors";
import {
  HISTORY_RETENTION_DAYS,
  HISTORY_TABLE,
  HistoryStatus,
  STATUS_INDEX,
  historyPartitionKey,
  historySortKey,
  statusPartitionKey,
} from "./schema";

/** The part of a DynamoDB document client the store uses (tests may wrap a real client). */
export type HistoryClient = Pick<DynamoDBDocumentClient, "send">;

/** One stored finding: the latest evaluation of a rule on a resource, with its history. */
export interface HistoryRecord {
  accountId: string;
  region: string;
  ruleId: string;
  resourceId: string;
  resourceType: string;
  compliance: ComplianceType;
  annotation: string;
  /** Set while the finding is open and fixing it saves money. */
  monthlySavingsUsd?: number;
  /** ISO time the current (or, once resolved, the last) non-compliant episode began. */
  firstNonCompliantAt?: string;
  /** ISO time of the last recorded evaluation. */
  lastEvaluatedAt: string;
  /** ISO time the last non-compliant episode ended; absent while open or if never non-compliant. */
  resolvedAt?: string;
  /** How many times the finding became non-compliant again after being resolved. */
  reopenCount: number;
  /** The AWS Config rule name (for console links), when the recorder knew it. */
  configRuleName?: string;
  /** Epoch seconds after which DynamoDB may delete the item; absent while open. */
  ttl?: number;
}

/** What recording one evaluation did to its finding. */
export const Transition = {
  /** First time non-compliant (no previous item, or the item was never non-compliant). */
  OPENED: "OPENED",
  /** Non-compliant again after having been resolved. */
  REOPENED: "REOPENED",
  /** Was non-compliant, still is. */
  STILL_OPEN: "STILL_OPEN",
  /** Was non-compliant, now COMPLIANT or NOT_APPLICABLE. */
  RESOLVED: "RESOLVED",
  /** Was not non-compliant, still is not. */
  UNCHANGED: "UNCHANGED",
  /** Older than what is stored (an out-of-order retry): not written. */
  STALE: "STALE",
} as const;
export type Transition = (typeof Transition)[keyof typeof Transition];

/** Bounded retry of `UnprocessedItems` / `UnprocessedKeys`. */
export interface BatchRetryOptions {
  /** Calls per batch including the first (default 8). */
  maxAttempts?: number;
  /** First backoff in ms (default 50); doubles per retry, with jitter. */
  baseDelayMs?: number;
  /** Backoff cap in ms (default 3000). */
  maxDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  random?: () => number;
}

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

/** Previous state + one evaluation → the item to store. */
export interface NextRecord {
  record: HistoryRecord;
  transition: Transition;
}

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const DAY_SECONDS = 86_400;
const COMPLIANCE_VALUES: ReadonlySet<string> = new Set(Object.values(Compliance));

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function backoffMs(retry: number, options: BatchRetryOptions): number {
  const base = options.baseDelayMs ?? 50;
  const cap = options.maxDelayMs ?? 3_000;
  const exp = Math.min(cap, base * 2 ** (retry - 1));
  const random = options.random ?? Math.random;
  return Math.round(exp / 2 + (random() * exp) / 2);
}

function ttlAfter(iso: string, days: number): number {
  return Math.floor(Date.parse(iso) / 1000) + days * DAY_SECONDS;
}

/**
 * Computes the item to store for one evaluation, given the stored item (if any). Pure.
 *
 * - not stored / never non-compliant → NON_COMPLIANT: **OPENED** (`firstNonCompliantAt = now`)
 * - resolved → NON_COMPLIANT: **REOPENED** (new episode: `firstNonCompliantAt = now`, `reopenCount + 1`)
 * - NON_COMPLIANT → NON_COMPLIANT: **STILL_OPEN** (keeps `firstNonCompliantAt`)
 * - NON_COMPLIANT → COMPLIANT / NOT_APPLICABLE: **RESOLVED** (`resolvedAt = now`, TTL = now + retention)
 * - otherwise **UNCHANGED** (a resolved item keeps its `resolvedAt` and TTL; a never non-compliant item
 *   gets TTL = now + retention)
 * - an evaluation older than the stored `lastEvaluatedAt` is **STALE** (the stored item is returned as is)
 *
 * @example
 * ```ts
 * const { transition } = nextRecord(undefined, evaluation, "2024-01-08T09:00:00.000Z");
 * transition; // "OPENED" when evaluation.compliance is NON_COMPLIANT
 * ```
 */
export function nextRecord(
  previous: HistoryRecord | undefined,
  evaluation: Evaluation,
  now: string,
  options: { configRuleName?: string; retentionDays?: number } = {},
): NextRecord {
  const retentionDays = options.retentionDays ?? HISTORY_RETENTION_DAYS;
  if (previous && previous.lastEvaluatedAt > now) return { record: previous, transition: Transition.STALE };

  const wasOpen = previous?.compliance === Compliance.NON_COMPLIANT;
  const isOpen = evaluation.compliance === Compliance.NON_COMPLIANT;
  const base: HistoryRecord = {
    accountId: evaluation.accountId,
    region: evaluation.region,
    ruleId: evaluation.ruleId,
    resourceId: evaluation.resourceId,
    resourceType: evaluation.resourceType,
    compliance: evaluation.compliance,
    annotation: evaluation.annotation,
    lastEvaluatedAt: now,
    reopenCount: previous?.reopenCount ?? 0,
  };
  const configRuleName = options.configRuleName ?? previous?.configRuleName;
  if (configRuleName) base.configRuleName = configRuleName;
  if (isOpen && evaluation.monthlySavingsUsd !== undefined && evaluation.monthlySavingsUsd > 0) {
    base.monthlySavingsUsd = evaluation.monthlySavingsUsd;
  }

  if (isOpen && wasOpen) {
    return {
      record: { ...base, firstNonCompliantAt: previous?.firstNonCompliantAt ?? now },
      transition: Transition.STILL_OPEN,
    };
  }
  if (isOpen) {
    const reopened = previous?.resolvedAt !== undefined;
    return {
      record: { ...base, firstNonCompliantAt: now, reopenCount: base.reopenCount + (reopened ? 1 : 0) },
      transition: reopened ? Transition.REOPENED : Transition.OPENED,
    };
  }
  if (wasOpen) {
    const record: HistoryRecord = { ...base, resolvedAt: now, ttl: ttlAfter(now, retentionDays) };
    if (previous?.firstNonCompliantAt) record.firstNonCompliantAt = previous.firstNonCompliantAt;
    return { record, transition: Transition.RESOLVED };
  }
  const record: HistoryRecord = { ...base };
  if (previous?.resolvedAt !== undefined) {
    record.resolvedAt = previous.resolvedAt;
    if (previous.firstNonCompliantAt) record.firstNonCompliantAt = previous.firstNonCompliantAt;
    record.ttl = previous.ttl ?? ttlAfter(previous.resolvedAt, retentionDays);
  } else {
    record.ttl = ttlAfter(now, retentionDays);
  }
  return { record, transition: Transition.UNCHANGED };
}

type Item = Record<string, unknown>;

function toItem(record: HistoryRecord): Item {
  const pk = historyPartitionKey(record.accountId, record.region);
  const sk = historySortKey(record.ruleId, record.resourceId);
  const item: Item = { [HISTORY_TABLE.partitionKey]: pk, [HISTORY_TABLE.sortKey]: sk };
  for (const [key, value] of Object.entries(record)) if (value !== undefined) item[key] = value;
  if (record.compliance === Compliance.NON_COMPLIANT && record.firstNonCompliantAt) {
    item[HISTORY_TABLE.statusPartitionKey] = statusPartitionKey(record.accountId, record.region, HistoryStatus.OPEN);
    item[HISTORY_TABLE.statusSortKey] = `${record.firstNonCompliantAt}#${sk}`;
  } else if (record.resolvedAt) {
    item[HISTORY_TABLE.statusPartitionKey] = statusPartitionKey(record.accountId, record.region, HistoryStatus.RESOLVED);
    item[HISTORY_TABLE.statusSortKey] = `${record.resolvedAt}#${sk}`;
  }
  return item;
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function fromItem(item: Item, context: HistoryContext): HistoryRecord {
  const { accountId, region, ruleId, resourceId, resourceType, compliance, annotation, lastEvaluatedAt } = item;
  if (
    !isString(accountId) ||
    !isString(region) ||
    !isString(ruleId) ||
    !isString(resourceId) ||
    !isString(lastEvaluatedAt) ||
    typeof compliance !== "string" ||
    !COMPLIANCE_VALUES.has(compliance) ||
    typeof annotation !== "string"
  ) {
    throw new HistoryReadError(
      context,
      `malformed item ${String(item[HISTORY_TABLE.partitionKey])} / ${String(item[HISTORY_TABLE.sortKey])}`,
    );
  }
  const record: HistoryRecord = {
    accountId,
    region,
    ruleId,
    resourceId,
    resourceType: typeof resourceType === "string" ? resourceType : "",
    compliance: compliance as ComplianceType,
    annotation,
    lastEvaluatedAt,
    reopenCount: typeof item.reopenCount === "number" ? item.reopenCount : 0,
  };
  if (typeof item.monthlySavingsUsd === "number") record.monthlySavingsUsd = item.monthlySavingsUsd;
  if (isString(item.firstNonCompliantAt)) record.firstNonCompliantAt = item.firstNonCompliantAt;
  if (isString(item.resolvedAt)) record.resolvedAt = item.resolvedAt;
  if (isString(item.configRuleName)) record.configRuleName = item.configRuleName;
  if (typeof item.ttl === "number") record.ttl = item.ttl;
  return record;
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

function contextOf(tableName: string, evaluations: readonly Evaluation[]): HistoryContext {
  const accounts = new Set(evaluations.map((e) => e.accountId));
  const regions = new Set(evaluations.map((e) => e.region));
  return {
    tableName,
    ...(accounts.size === 1 ? { accountId: [...accounts][0] } : {}),
    ...(regions.size === 1 ? { region: [...regions][0] } : {}),
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function keyOf(e: Pick<Evaluation, "accountId" | "region" | "ruleId" | "resourceId">): string {
  return `${historyPartitionKey(e.accountId, e.region)}\u0000${historySortKey(e.ruleId, e.resourceId)}`;
}

async function readPrevious(
  client: HistoryClient,
  tableName: string,
  evaluations: readonly Evaluation[],
  retry: BatchRetryOptions,
  context: HistoryContext,
): Promise<Map<string, HistoryRecord>> {
  const previous = new Map<string, HistoryRecord>();
  const sleep = retry.sleep ?? defaultSleep;
  const maxAttempts = retry.maxAttempts ?? 8;
  const keys = evaluations.map((e) => ({
    [HISTORY_TABLE.partitionKey]: historyPartitionKey(e.accountId, e.region),
    [HISTORY_TABLE.sortKey]: historySortKey(e.ruleId, e.resourceId),
  }));
  for (const batch of chunk(keys, BATCH_GET_LIMIT)) {
    let pending: Item[] = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new HistoryReadError(context, `${pending.length} keys still unprocessed after ${maxAttempts} BatchGetItem calls`);
      }
      if (attempt > 1) await sleep(backoffMs(attempt - 1, retry));
      let output;
      try {
        output = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
      } catch (error) {
        throw new HistoryReadError(context, `BatchGetItem: ${errorMessage(error)}`, { cause: error });
      }
      for (const item of output.Responses?.[tableName] ?? []) {
        const record = fromItem(item, context);
        previous.set(keyOf(record), record);
      }
      pending = (output.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined) ?? [];
    }
  }
  return previous;
}

async function writeItems(
  client: HistoryClient,
  tableName: string,
  items: readonly Item[],
  retry: BatchRetryOptions,
  context: HistoryContext,
): Promise<void> {
  const sleep = retry.sleep ?? defaultSleep;
  const maxAttempts = retry.maxAttempts ?? 8;
  let written = 0;
  for (const batch of chunk(items, BATCH_WRITE_LIMIT)) {
    let pending = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const unwritten = items.length - written;
      if (attempt > maxAttempts) {
        throw new HistoryWriteError(
          { ...context, written, unwritten },
          `${pending.length} items still unprocessed after ${maxAttempts} BatchWriteItem calls`,
        );
      }
      if (attempt > 1) await sleep(backoffMs(attempt - 1, retry));
      let output;
      try {
        output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      } catch (error) {
        throw new HistoryWriteError({ ...context, written, unwritten }, `BatchWriteItem: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      const left = (output.UnprocessedItems?.[tableName] ?? []).filter(
        (r): r is { PutRequest: { Item: Item } } => r.PutRequest?.Item !== undefined,
      );
      written += pending.length - left.length;
      pending = left;
    }
  }
}

function emptyTransitions(): Record<Transition, number> {
  return { OPENED: 0, REOPENED: 0, STILL_OPEN: 0, RESOLVED: 0, UNCHANGED: 0, STALE: 0 };
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
  for (const e of evaluations) latest.set(keyOf(e), e);
  const unique = [...latest.values()];
  const context = contextOf(tableName, unique);
  const retry = options.retry ?? {};

  const previous = await readPrevious(client, tableName, unique, retry, context);
  const at = now.toISOString();
  const items: Item[] = [];
  for (const e of unique) {
    const configRuleName = options.configRuleNames?.[e.ruleId];
    const { record, transition } = nextRecord(previous.get(keyOf(e)), e, at, {
      ...(configRuleName ? { configRuleName } : {}),
      ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
    });
    transitions[transition] += 1;
    if (transition !== Transition.STALE) items.push(toItem(record));
  }
  await writeItems(client, tableName, items, retry, context);
  return { written: items.length, transitions };
}

/** What the digest needs from history for one account and region. */
export interface DigestState {
  accountId: string;
  region: string;
  /** Start of the window (inclusive). */
  since: Date;
  /** End of the window (exclusive). */
  until: Date;
  /** Every finding open now. */
  open: HistoryRecord[];
  /** Findings resolved in [since, until) and not open again. */
  resolved: HistoryRecord[];
}

export interface LoadDigestStateOptions {
  accountId: string;
  region: string;
  since: Date;
  until: Date;
}

async function queryAll(
  client: HistoryClient,
  input: {
    TableName: string;
    IndexName: string;
    KeyConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  },
  context: HistoryContext,
): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    } catch (error) {
      throw new HistoryReadError(context, `Query ${input.IndexName}: ${errorMessage(error)}`, { cause: error });
    }
    for (const item of page.Items ?? []) out.push(fromItem(item, context));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/**
 * Loads what the digest of one account and region needs: every open finding and the findings resolved
 * in `[since, until)` — two queries on the sparse status index (paginated), no scan.
 *
 * @throws HistoryReadError
 * @example
 * ```ts
 * const until = new Date();
 * const state = await loadDigestState(doc, "history", {
 *   accountId: "123456789012", region: "eu-west-1", since: new Date(until.getTime() - 7 * 86_400_000), until,
 * });
 * state.open.length; state.resolved.length;
 * ```
 */
export async function loadDigestState(
  client: HistoryClient,
  tableName: string,
  options: LoadDigestStateOptions,
): Promise<DigestState> {
  const { accountId, region, since, until } = options;
  const context: HistoryContext = { tableName, accountId, region };
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime()) || since > until) {
    throw new HistoryReadError(context, `invalid window ${String(since)} → ${String(until)}`);
  }
  const names = { "#pk": HISTORY_TABLE.statusPartitionKey, "#sk": HISTORY_TABLE.statusSortKey };
  const [open, resolved] = await Promise.all([
    queryAll(
      client,
      {
        TableName: tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": names["#pk"] },
        ExpressionAttributeValues: { ":pk": statusPartitionKey(accountId, region, HistoryStatus.OPEN) },
      },
      context,
    ),
    queryAll(
      client,
      {
        TableName: tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :since AND :until",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ":pk": statusPartitionKey(accountId, region, HistoryStatus.RESOLVED),
          // "<time>#RULE#…" sorts after "<time>", so an item resolved exactly at `until` is excluded.
          ":since": since.toISOString(),
          ":until": until.toISOString(),
        },
      },
      context,
    ),
  ]);
  // The index is eventually consistent: an item may briefly appear in both partitions. Open wins.
  const openKeys = new Set(open.map(keyOf));
  return {
    accountId,
    region,
    since,
    until,
    open,
    resolved: resolved.filter((r) => !openKeys.has(keyOf(r)) && r.compliance !== Compliance.NON_COMPLIANT),
  };
}
