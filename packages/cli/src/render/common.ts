/** Shared pieces of the result renderers: the report, status filters, grouping, ordering, counting, wrapping. */
import type { AccountScanError, AccountsResult, ComplianceType, Evaluation, RuleMetadata } from "@endpoint-auditor/core";

/** What every renderer reads: the evaluations and errors of one or more accounts. */
export type Report = AccountsResult;
export type ReportError = AccountScanError;

/** What a renderer needs to know about a rule. */
export type RuleInfo = Pick<RuleMetadata, "id" | "title"> & Partial<Pick<RuleMetadata, "severity" | "description" | "resourceType" | "remediation">>;

/** The order statuses are listed in: what needs action first, then what is fine, then what was skipped. */
export const STATUS_ORDER: readonly ComplianceType[] = ["NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE"];

/** The statuses a renderer shows (errors are always shown). */
export type StatusFilter = ReadonlySet<ComplianceType>;
export const ALL_STATUSES: StatusFilter = new Set(STATUS_ORDER);

export interface StatusCounts {
  NON_COMPLIANT: number;
  COMPLIANT: number;
  NOT_APPLICABLE: number;
}

/** One rule's part of a result. */
export interface RuleGroup {
  ruleId: string;
  title: string;
  /** The evaluations the filter lets through, sorted: NON_COMPLIANT (largest saving first), COMPLIANT, NOT_APPLICABLE; then account, region, resource id. */
  evaluations: Evaluation[];
  errors: ReportError[];
  /** Counts of all the rule's evaluations, shown or not. */
  counts: StatusCounts;
  monthlySavingsUsd: number;
}

export function countStatuses(evaluations: readonly Evaluation[]): StatusCounts {
  const counts: StatusCounts = { NON_COMPLIANT: 0, COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const e of evaluations) counts[e.compliance] += 1;
  return counts;
}

/** Sum of `monthlySavingsUsd`, rounded to cents. */
export function totalSavings(evaluations: readonly Evaluation[]): number {
  const cents = evaluations.reduce((sum, e) => sum + Math.round((e.monthlySavingsUsd ?? 0) * 100), 0);
  return cents / 100;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report order: status, larger saving, account, region, resource id. */
export function compareEvaluations(a: Evaluation, b: Evaluation): number {
  const status = STATUS_ORDER.indexOf(a.compliance) - STATUS_ORDER.indexOf(b.compliance);
  if (status !== 0) return status;
  const saving = (b.monthlySavingsUsd ?? 0) - (a.monthlySavingsUsd ?? 0);
  if (saving !== 0) return saving;
  return compare(a.accountId, b.accountId) || compare(a.region, b.region) || compare(a.resourceId, b.resourceId);
}

/**
 * Groups evaluations and errors by rule: the rules in `rules` order (each listed even when it produced
 * nothing), then any other rule id met in the result. Errors without a rule id are not in any group.
 */
export function groupByRule(report: Pick<Report, "evaluations" | "errors">, rules: readonly RuleInfo[], statuses: StatusFilter = ALL_STATUSES): RuleGroup[] {
  const order: RuleInfo[] = [...rules];
  const known = new Set(rules.map((r) => r.id));
  for (const id of [...report.evaluations.map((e) => e.ruleId), ...report.errors.flatMap((e) => (e.ruleId ? [e.ruleId] : []))]) {
    if (!known.has(id)) {
      known.add(id);
      order.push({ id, title: id });
    }
  }
  return order.map((rule) => {
    const all = report.evaluations.filter((e) => e.ruleId === rule.id);
    return {
      ruleId: rule.id,
      title: rule.title,
      evaluations: all.filter((e) => statuses.has(e.compliance)).sort(compareEvaluations),
      errors: report.errors.filter((e) => e.ruleId === rule.id),
      counts: countStatuses(all),
      monthlySavingsUsd: totalSavings(all),
    };
  });
}

/** `$1,234.50` */
export function formatUsd(value: number): string {
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

const STATUS_WORDS: Readonly<Record<ComplianceType, string>> = {
  NON_COMPLIANT: "non-compliant",
  COMPLIANT: "compliant",
  NOT_APPLICABLE: "not applicable",
};

/** "3 non-compliant, 4 compliant, 2 not applicable" (zero counts left out; "nothing evaluated" when empty). */
export function describeCounts(counts: StatusCounts): string {
  const parts = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${STATUS_WORDS[s]}`);
  return parts.length > 0 ? parts.join(", ") : "nothing evaluated";
}

/**
 * The one line about what a status filter hid, or undefined when it hid nothing.
 *
 * @example
 * ```ts
 * hiddenLine(report, new Set(["NON_COMPLIANT"])); // "Not shown: 29 compliant, 22 not applicable (--status all shows them)"
 * ```
 */
export function hiddenLine(report: Pick<Report, "evaluations">, statuses: StatusFilter): string | undefined {
  const counts = countStatuses(report.evaluations);
  const hidden = STATUS_ORDER.filter((s) => !statuses.has(s) && counts[s] > 0).map((s) => `${counts[s]} ${STATUS_WORDS[s]}`);
  return hidden.length > 0 ? `Not shown: ${hidden.join(", ")} (--status all shows them)` : undefined;
}

/** The closing line every human format ends with (counts of everything, whatever the filter showed). */
export function summaryLine(report: Pick<Report, "evaluations" | "errors">, errorCount = report.errors.length): string {
  const counts = countStatuses(report.evaluations);
  const errors = errorCount > 0 ? `; ${errorCount} error${errorCount === 1 ? "" : "s"}` : "";
  return `Total potential savings: ${formatUsd(totalSavings(report.evaluations))}/month (${describeCounts(counts)}${errors})`;
}

/** The heading line: accounts, regions, time. */
export function headline(report: Report, code: (text: string) => string = (t) => t): string {
  const accounts =
    report.accountIds.length === 1 ? `Account ${code(report.accountIds[0] ?? "")}` : `${report.accountIds.length} accounts`;
  const regions = `${report.regions.length === 1 ? "region" : "regions"} ${report.regions.map(code).join(", ") || "(none)"}`;
  return `${accounts} · ${regions} · evaluated at ${report.scannedAt}`;
}

/** Per-account totals (for reports of several accounts). */
export interface AccountTotals {
  accountId: string;
  counts: StatusCounts;
  errors: number;
  /** The account could not be read at all. */
  failed: boolean;
  monthlySavingsUsd: number;
}

/** Totals per account, in the report's account order. */
export function accountTotals(report: Report): AccountTotals[] {
  return report.accountIds.map((accountId) => {
    const evaluations = report.evaluations.filter((e) => e.accountId === accountId);
    const errors = report.errors.filter((e) => e.accountId === accountId);
    return {
      accountId,
      counts: countStatuses(evaluations),
      errors: errors.length,
      failed: errors.some((e) => e.region === undefined),
      monthlySavingsUsd: totalSavings(evaluations),
    };
  });
}

/**
 * Word-wraps text to `width` columns. Words are never split (an id, an amount or a URL stays whole): a word
 * longer than `width` gets a line of its own. Always returns at least one line.
 *
 * @example
 * ```ts
 * wrap("No traffic in 30 days", 10); // ["No traffic", "in 30 days"]
 * ```
 */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let line = "";
  for (const word of text.replace(/\s+/g, " ").trim().split(" ")) {
    if (word === "") continue;
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= w) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}
