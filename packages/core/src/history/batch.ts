/**
 * Batch I/O of the history table: `BatchGetItem` (100 keys per call, strongly consistent) and
 * `BatchWriteItem` (25 puts per call). What DynamoDB hands back in `UnprocessedKeys` / `UnprocessedItems`
 * is sent again, and only that, with bounded exponential backoff and jitter (`../retry`); what is still
 * left after `maxAttempts` calls of a batch raises a typed error that says how much was written.
 */
import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { errorMessage } from "../errors";
import type { Evaluation } from "../evaluation";
import { backoff, type BackoffOptions } from "../retry";
import { findingKey, fromItem, type HistoryItem } from "./encoding";
import { HistoryReadError, HistoryWriteError, type HistoryContext } from "./errors";
import { HISTORY_TABLE, historyPartitionKey, historySortKey, type HistoryClient } from "./schema";
import type { HistoryRecord } from "./transitions";

/**
 * Bounded retry of `UnprocessedItems` / `UnprocessedKeys`: `baseDelayMs` (default 50) doubles per retry,
 * with jitter, up to `maxDelayMs` (default 3000).
 */
export interface BatchRetryOptions extends BackoffOptions {
  /** Calls per batch including the first (default 8). */
  maxAttempts?: number;
}

/** DynamoDB's limits per call. */
export const BatchLimits = { getKeys: 100, writeItems: 25 } as const;

const DEFAULT_MAX_ATTEMPTS = 8;
const BATCH_BACKOFF = { baseDelayMs: 50, maxDelayMs: 3_000 } as const;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends `batch`, then what each answer left unprocessed, until nothing is left or `maxAttempts` calls were
 * made (then `giveUp` says what to throw).
 */
async function untilProcessed<T>(
  batch: T[],
  retry: BatchRetryOptions,
  send: (pending: T[]) => Promise<T[]>,
  giveUp: (pending: T[], maxAttempts: number) => Error,
): Promise<void> {
  const maxAttempts = retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const delays = backoff(retry, BATCH_BACKOFF);
  let pending = batch;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > maxAttempts) throw giveUp(pending, maxAttempts);
    if (attempt > 1) await delays.wait(attempt - 1);
    pending = await send(pending);
  }
}

/**
 * The stored findings of the evaluations' resources, by {@link findingKey}.
 *
 * @throws HistoryReadError (SDK error, malformed item, or keys still unprocessed after the retries)
 * @example
 * ```ts
 * const previous = await readFindings(doc, "history", evaluations, {}, { tableName: "history" });
 * ```
 */
export async function readFindings(
  client: HistoryClient,
  tableName: string,
  evaluations: readonly Evaluation[],
  retry: BatchRetryOptions,
  context: HistoryContext,
): Promise<Map<string, HistoryRecord>> {
  const previous = new Map<string, HistoryRecord>();
  const keys: HistoryItem[] = evaluations.map((e) => ({
    [HISTORY_TABLE.partitionKey]: historyPartitionKey(e.accountId, e.region),
    [HISTORY_TABLE.sortKey]: historySortKey(e.ruleId, e.resourceId),
  }));
  for (const batch of chunk(keys, BatchLimits.getKeys)) {
    await untilProcessed(
      batch,
      retry,
      async (pending) => {
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
          previous.set(findingKey(record), record);
        }
        return (output.UnprocessedKeys?.[tableName]?.Keys as HistoryItem[] | undefined) ?? [];
      },
      (pending, maxAttempts) =>
        new HistoryReadError(context, `${pending.length} keys still unprocessed after ${maxAttempts} BatchGetItem calls`),
    );
  }
  return previous;
}

/**
 * Puts `items` (full items: every write replaces the stored state, so writing again is safe).
 *
 * @param progress When `items` are part of a larger write: how many of it were written before, out of how
 *   many (the error's counts are then the whole write's).
 * @throws HistoryWriteError with how many items were written and how many were not.
 * @example
 * ```ts
 * await writeItems(doc, "history", records.map(toItem), {}, { tableName: "history" });
 * ```
 */
export async function writeItems(
  client: HistoryClient,
  tableName: string,
  items: readonly HistoryItem[],
  retry: BatchRetryOptions,
  context: HistoryContext,
  progress: { written: number; of: number } = { written: 0, of: items.length },
): Promise<void> {
  let written = 0;
  const counts = () => ({ ...context, written: progress.written + written, unwritten: progress.of - progress.written - written });
  for (const batch of chunk(items, BatchLimits.writeItems)) {
    await untilProcessed(
      batch.map((Item) => ({ PutRequest: { Item } })),
      retry,
      async (pending) => {
        let output;
        try {
          output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        } catch (error) {
          throw new HistoryWriteError(counts(), `BatchWriteItem: ${errorMessage(error)}`, { cause: error });
        }
        const left = (output.UnprocessedItems?.[tableName] ?? []).filter(
          (r): r is { PutRequest: { Item: HistoryItem } } => r.PutRequest?.Item !== undefined,
        );
        written += pending.length - left.length;
        return left;
      },
      (pending, maxAttempts) =>
        new HistoryWriteError(counts(), `${pending.length} items still unprocessed after ${maxAttempts} BatchWriteItem calls`),
    );
  }
}
