/**
 * The findings history table: one DynamoDB table, keyed so that every access pattern of the evaluator
 * and of the weekly digest is a `BatchGetItem` or a `Query` — never a `Scan`.
 *
 * ## Items
 *
 * One item per account, region, rule and resource:
 *
 * | attribute | value |
 * |---|---|
 * | `pk` (partition key) | `ACCOUNT#<accountId>#REGION#<region>` |
 * | `sk` (sort key) | `RULE#<ruleId>#RES#<resourceId>` |
 * | `accountId`, `region`, `ruleId`, `resourceId`, `resourceType` | plain copies, for readers |
 * | `compliance` | the last evaluation: `COMPLIANT`, `NON_COMPLIANT` or `NOT_APPLICABLE` |
 * | `annotation` | the last annotation |
 * | `monthlySavingsUsd` | set while the finding is open and fixing it saves money |
 * | `firstNonCompliantAt` | ISO time the current (or last) non-compliant episode began |
 * | `lastEvaluatedAt` | ISO time of the last evaluation recorded |
 * | `resolvedAt` | ISO time the last episode ended (the finding went from NON_COMPLIANT to anything else) |
 * | `reopenCount` | how many times a resolved finding became non-compliant again |
 * | `configRuleName` | the AWS Config rule's name, for the console link |
 * | `exemptReason`, `exemptUntil`, `exemptedAt` | while an exemption is in force: why, until when, since when |
 * | `statusPk`, `statusSk` | the sparse status index keys (below) |
 * | `ttl` | epoch seconds; DynamoDB deletes the item some time after it passes (below) |
 *
 * ## Access patterns
 *
 * 1. **Evaluator: previous state of the resources it just evaluated** — `BatchGetItem` on `pk`+`sk`
 *    (100 keys per call, strongly consistent): cost proportional to the evaluations, not the table.
 * 2. **Digest: every open finding of an account and region** — `Query` on the sparse GSI
 *    {@link STATUS_INDEX} with `statusPk = ACCOUNT#…#REGION#…#OPEN`. Only open items carry that key, so
 *    compliant resources (most of the table) are never read. "New this week" is the subset whose
 *    `firstNonCompliantAt` (the index sort key prefix) falls in the week.
 * 3. **Digest: findings resolved in a window** — `Query` on the same GSI with
 *    `statusPk = ACCOUNT#…#REGION#…#RESOLVED` and `statusSk BETWEEN <start> AND <end>`. `statusSk`
 *    starts with the ISO time (`<time>#RULE#<ruleId>#RES#<resourceId>`), and ISO-8601 UTC times from
 *    `Date.toISOString()` sort lexicographically in time order.
 *
 * 4. **Digest: exemptions in force** — `Query` on the same GSI with `statusPk = ACCOUNT#…#REGION#…#EXEMPT`
 *    (`statusSk = <until or 9999-12-31>#RULE#…`): the exemptions granted this week and those expiring soon.
 *
 * Items that were never non-compliant (and are not exempt) carry no `statusPk`/`statusSk`, so they are
 * absent from the index (a sparse index): the digest reads only what it reports. Heartbeats
 * (`sk = HEARTBEAT#<ruleId>`, see `./heartbeats`) share the partition and never carry index keys.
 *
 * ## Expiry (TTL on attribute `ttl`)
 *
 * - Open findings and exemptions in force never expire.
 * - A resolved finding expires {@link HISTORY_RETENTION_DAYS} days after `resolvedAt` (fixed at the
 *   moment of resolution; later COMPLIANT evaluations do not extend it). If the resource is still
 *   evaluated after that, a fresh item without history is written.
 * - An item that was never non-compliant expires {@link HISTORY_RETENTION_DAYS} days after its last
 *   evaluation (refreshed on each evaluation), so resources that disappear are cleaned up.
 *
 * DynamoDB deletes expired items within a few days of expiry, not at the exact second; readers do not
 * depend on it (the resolved query is bounded by time).
 */

import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The part of a DynamoDB document client the history uses (tests may wrap a real client). */
export type HistoryClient = Pick<DynamoDBDocumentClient, "send">;

/** Attribute and index names of the history table (the stack creates the table from these). */
export const HISTORY_TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  statusIndex: "byStatus",
  statusPartitionKey: "statusPk",
  statusSortKey: "statusSk",
  ttlAttribute: "ttl",
} as const;

/** The sparse status index name. */
export const STATUS_INDEX = HISTORY_TABLE.statusIndex;

/** Days a resolved (or never non-compliant) item is kept before its TTL expires. */
export const HISTORY_RETENTION_DAYS = 90;

/** The status partitions of the sparse index. */
export const HistoryStatus = {
  OPEN: "OPEN",
  RESOLVED: "RESOLVED",
  EXEMPT: "EXEMPT",
} as const;
export type HistoryStatus = (typeof HistoryStatus)[keyof typeof HistoryStatus];

/**
 * The partition key of an account and region.
 *
 * @example
 * ```ts
 * historyPartitionKey("123456789012", "eu-west-1"); // "ACCOUNT#123456789012#REGION#eu-west-1"
 * ```
 */
export function historyPartitionKey(accountId: string, region: string): string {
  return `ACCOUNT#${accountId}#REGION#${region}`;
}

/**
 * The sort key of a rule and resource.
 *
 * @example
 * ```ts
 * historySortKey("vpc-flow-logs-enabled", "vpc-0abc"); // "RULE#vpc-flow-logs-enabled#RES#vpc-0abc"
 * ```
 */
export function historySortKey(ruleId: string, resourceId: string): string {
  return `RULE#${ruleId}#RES#${resourceId}`;
}

/**
 * The status index partition key of an account, region and status.
 *
 * @example
 * ```ts
 * statusPartitionKey("123456789012", "eu-west-1", "OPEN"); // "ACCOUNT#123456789012#REGION#eu-west-1#OPEN"
 * ```
 */
export function statusPartitionKey(accountId: string, region: string, status: HistoryStatus): string {
  return `${historyPartitionKey(accountId, region)}#${status}`;
}
