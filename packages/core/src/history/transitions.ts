/**
 * The transitions of a finding (opened, still open, resolved, re-opened): what recording one evaluation
 * does to the stored finding of its rule and resource. Pure: no DynamoDB here.
 */
import { Compliance, type ComplianceType, type Evaluation } from "../evaluation";
import { HISTORY_RETENTION_DAYS } from "./schema";

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
  /** Epoch seconds after which DynamoDB may delete the item; absent while open or exempt. */
  ttl?: number;
  /** While an exemption is in force: its reason. */
  exemptReason?: string;
  /** While an exemption is in force: its `until` day (`YYYY-MM-DD`), when it has one. */
  exemptUntil?: string;
  /** While an exemption is in force: ISO time it was first recorded (the current exemption's start). */
  exemptedAt?: string;
}

/** What recording one evaluation did to its finding. */
export const Transition = {
  /** First time non-compliant (no previous item, or the item was never non-compliant). */
  OPENED: "OPENED",
  /** Non-compliant again after having been resolved. */
  REOPENED: "REOPENED",
  /** Was non-compliant, still is. */
  STILL_OPEN: "STILL_OPEN",
  /** Was non-compliant, now COMPLIANT or NOT_APPLICABLE (not exempt). */
  RESOLVED: "RESOLVED",
  /** Newly exempt (an exemption in force): listed as an exemption, never as resolved. */
  EXEMPTED: "EXEMPTED",
  /** Was not non-compliant, still is not. */
  UNCHANGED: "UNCHANGED",
  /** Older than what is stored (an out-of-order retry): not written. */
  STALE: "STALE",
} as const;
export type Transition = (typeof Transition)[keyof typeof Transition];

/** Previous state + one evaluation → the item to store. */
export interface NextRecord {
  record: HistoryRecord;
  transition: Transition;
}

const DAY_SECONDS = 86_400;

function ttlAfter(iso: string, days: number): number {
  return Math.floor(Date.parse(iso) / 1000) + days * DAY_SECONDS;
}

/**
 * Computes the item to store for one evaluation, given the stored item (if any). Pure.
 *
 * - not stored / never non-compliant → NON_COMPLIANT: **OPENED** (`firstNonCompliantAt = now`)
 * - resolved → NON_COMPLIANT: **REOPENED** (new episode: `firstNonCompliantAt = now`, `reopenCount + 1`)
 * - NON_COMPLIANT → NON_COMPLIANT: **STILL_OPEN** (keeps `firstNonCompliantAt`)
 * - an exemption in force (`evaluation.exemption`): **EXEMPTED** when it was not exempt before
 *   (`exemptedAt = now`; an open finding is hidden, not resolved), else **UNCHANGED** (`exemptedAt` kept);
 *   no TTL while exempt. When the exemption ends, the resource is judged afresh (below).
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

  if (evaluation.exemption !== undefined) {
    const wasExempt = previous?.exemptedAt !== undefined;
    const record: HistoryRecord = {
      ...base,
      exemptReason: evaluation.exemption.reason,
      exemptedAt: wasExempt ? (previous?.exemptedAt as string) : now,
    };
    if (evaluation.exemption.until !== undefined) record.exemptUntil = evaluation.exemption.until;
    if (previous?.firstNonCompliantAt) record.firstNonCompliantAt = previous.firstNonCompliantAt;
    if (previous?.resolvedAt) record.resolvedAt = previous.resolvedAt;
    return { record, transition: wasExempt ? Transition.UNCHANGED : Transition.EXEMPTED };
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
