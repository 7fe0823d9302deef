/**
 * The digest's reads of the history: every open finding of an account and region, the findings resolved
 * in a window and the exemptions in force — three paginated queries on the sparse status index, no scan
 * (see `./schema`).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { errorMessage } from "../errors";
import { Compliance } from "../evaluation";
import { findingKey, fromItem } from "./encoding";
import { HistoryReadError, type HistoryContext } from "./errors";
import { HISTORY_TABLE, HistoryStatus, STATUS_INDEX, statusPartitionKey, type HistoryClient } from "./schema";
import type { HistoryRecord } from "./transitions";

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
  /** Every exemption in force (by `until`, those without one last). */
  exempt: HistoryRecord[];
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
 * Loads what the digest of one account and region needs: every open finding, the findings resolved in
 * `[since, until)` and every exemption in force — three queries on the sparse status index (paginated), no scan.
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
  // Every item of one status partition (open findings, exemptions in force).
  const wholePartition = (status: HistoryStatus): Promise<HistoryRecord[]> =>
    queryAll(
      client,
      {
        TableName: tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": names["#pk"] },
        ExpressionAttributeValues: { ":pk": statusPartitionKey(accountId, region, status) },
      },
      context,
    );
  const [open, resolved, exempt] = await Promise.all([
    wholePartition(HistoryStatus.OPEN),
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
    wholePartition(HistoryStatus.EXEMPT),
  ]);
  // The index is eventually consistent: an item may briefly appear in both partitions. Open wins.
  const openKeys = new Set(open.map(findingKey));
  return {
    accountId,
    region,
    since,
    until,
    open,
    resolved: resolved.filter((r) => !openKeys.has(findingKey(r)) && r.compliance !== Compliance.NON_COMPLIANT && r.exemptedAt === undefined),
    exempt: exempt.filter((r) => !openKeys.has(findingKey(r)) && r.exemptedAt !== undefined),
  };
}
