/**
 * A finding as a DynamoDB item and back: the table and index keys of `./schema` added on the way in,
 * every field checked on the way out (a malformed item is a {@link HistoryReadError}, never a guess).
 */
import { Compliance, type ComplianceType, type Evaluation } from "../evaluation";
import { HistoryReadError, type HistoryContext } from "./errors";
import { HISTORY_TABLE, HistoryStatus, historyPartitionKey, historySortKey, statusPartitionKey } from "./schema";
import type { HistoryRecord } from "./transitions";

/** A history item as the document client reads and writes it. */
export type HistoryItem = Record<string, unknown>;

/** The status sort key's date of an exemption without `until` (after every real date). */
const NO_EXPIRY = "9999-12-31";

/** The compliance types a stored item may hold. */
export const COMPLIANCE_VALUES: ReadonlySet<string> = new Set(Object.values(Compliance));

/**
 * The item of a finding: its attributes, the table keys, and the status index keys while it is open or
 * once it was resolved.
 *
 * @example
 * ```ts
 * toItem(nextRecord(undefined, evaluation, "2024-01-08T09:00:00.000Z").record).pk; // "ACCOUNT#…#REGION#…"
 * ```
 */
export function toItem(record: HistoryRecord): HistoryItem {
  const pk = historyPartitionKey(record.accountId, record.region);
  const sk = historySortKey(record.ruleId, record.resourceId);
  const item: HistoryItem = { [HISTORY_TABLE.partitionKey]: pk, [HISTORY_TABLE.sortKey]: sk };
  for (const [key, value] of Object.entries(record)) if (value !== undefined) item[key] = value;
  if (record.compliance === Compliance.NON_COMPLIANT && record.firstNonCompliantAt) {
    item[HISTORY_TABLE.statusPartitionKey] = statusPartitionKey(record.accountId, record.region, HistoryStatus.OPEN);
    item[HISTORY_TABLE.statusSortKey] = `${record.firstNonCompliantAt}#${sk}`;
  } else if (record.exemptedAt) {
    item[HISTORY_TABLE.statusPartitionKey] = statusPartitionKey(record.accountId, record.region, HistoryStatus.EXEMPT);
    item[HISTORY_TABLE.statusSortKey] = `${record.exemptUntil ?? NO_EXPIRY}#${sk}`;
  } else if (record.resolvedAt) {
    item[HISTORY_TABLE.statusPartitionKey] = statusPartitionKey(record.accountId, record.region, HistoryStatus.RESOLVED);
    item[HISTORY_TABLE.statusSortKey] = `${record.resolvedAt}#${sk}`;
  }
  return item;
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/**
 * The finding an item holds.
 *
 * @throws HistoryReadError when a field is missing or of the wrong type, naming the item's keys.
 * @example
 * ```ts
 * const record = fromItem(output.Item!, { tableName: "history" });
 * ```
 */
export function fromItem(item: HistoryItem, context: HistoryContext): HistoryRecord {
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
  if (isString(item.exemptedAt) && isString(item.exemptReason)) {
    record.exemptedAt = item.exemptedAt;
    record.exemptReason = item.exemptReason;
    if (isString(item.exemptUntil)) record.exemptUntil = item.exemptUntil;
  }
  return record;
}

/**
 * One string per table key (account, region, rule, resource), to match evaluations with stored findings.
 *
 * @example
 * ```ts
 * findingKey(evaluation) === findingKey(record); // the same finding
 * ```
 */
export function findingKey(e: Pick<Evaluation, "accountId" | "region" | "ruleId" | "resourceId">): string {
  return `${historyPartitionKey(e.accountId, e.region)}\u0000${historySortKey(e.ruleId, e.resourceId)}`;
}
