/** Shared pieces of the result renderers: grouping, ordering, counting, text wrapping. */
import type { ComplianceType, Evaluation, RuleMetadata, ScanError } from "@endpoint-auditor/core";

/** What a renderer needs to know about a rule. */
export type RuleInfo = Pick<RuleMetadata, "id" | "title">;

/** The order statuses are listed in: what needs action first, then what is fine, then what was skipped. */
export const STATUS_ORDER: readonly ComplianceType[] = ["NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE"];

export interface StatusCounts {
  NON_COMPLIANT: number;
  COMPLIANT: number;
  NOT_APPLICABLE: number;
}

/** One rule's part of a result. */
export interface RuleGroup {
  ruleId: string;
  title: string;
  /** Sorted: NON_COMPLIANT (largest saving first), COMPLIANT, NOT_APPLICABLE; then region, resource id. */
  evaluations: Evaluation[];
  errors: ScanError[];
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

function compareEvaluations(a: Evaluation, b: Evaluation): number {
  const status = STATUS_ORDER.indexOf(a.compliance) - STATUS_ORDER.indexOf(b.compliance);
  if (status !== 0) return status;
  const saving = (b.monthlySavingsUsd ?? 0) - (a.monthlySavingsUsd ?? 0);
  if (saving !== 0) return saving;
  if (a.region !== b.region) return a.region < b.region ? -1 : 1;
  if (a.resourceId !== b.resourceId) return a.resourceId < b.resourceId ? -1 : 1;
  return 0;
}

/**
 * Groups evaluations and errors by rule: the rules in `rules` order (each listed even when it produced
 * nothing), then any other rule id met in the result. Errors without a rule id are not in any group.
 */
export function groupByRule(
  result: { evaluations: readonly Evaluation[]; errors: readonly ScanError[] },
  rules: readonly RuleInfo[],
): RuleGroup[] {
  const order: RuleInfo[] = [...rules];
  const known = new Set(rules.map((r) => r.id));
  for (const id of [...result.evaluations.map((e) => e.ruleId), ...result.errors.flatMap((e) => (e.ruleId ? [e.ruleId] : []))]) {
    if (!known.has(id)) {
      known.add(id);
      order.push({ id, title: id });
    }
  }
  return order.map((rule) => {
    const evaluations = result.evaluations.filter((e) => e.ruleId === rule.id).sort(compareEvaluations);
    return {
      ruleId: rule.id,
      title: rule.title,
      evaluations,
      errors: result.errors.filter((e) => e.ruleId === rule.id),
      counts: countStatuses(evaluations),
      monthlySavingsUsd: totalSavings(evaluations),
    };
  });
}

/** `$1,234.50` */
export function formatUsd(value: number): string {
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "3 non-compliant, 4 compliant, 2 not applicable" (zero counts left out; "nothing evaluated" when empty). */
export function describeCounts(counts: StatusCounts): string {
  const parts: string[] = [];
  if (counts.NON_COMPLIANT) parts.push(`${counts.NON_COMPLIANT} non-compliant`);
  if (counts.COMPLIANT) parts.push(`${counts.COMPLIANT} compliant`);
  if (counts.NOT_APPLICABLE) parts.push(`${counts.NOT_APPLICABLE} not applicable`);
  return parts.length > 0 ? parts.join(", ") : "nothing evaluated";
}

/** The closing line every human format ends with. */
export function summaryLine(result: { evaluations: readonly Evaluation[]; errors: readonly ScanError[] }): string {
  const counts = countStatuses(result.evaluations);
  const errors = result.errors.length > 0 ? `; ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}` : "";
  return `Total potential savings: ${formatUsd(totalSavings(result.evaluations))}/month (${describeCounts(counts)}${errors})`;
}

/**
 * Word-wraps text to `width` columns; words longer than `width` are split across lines. Always returns at least one line.
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
    let rest = word;
    while (rest.length > 0) {
      if (line === "") {
        if (rest.length <= w) {
          line = rest;
          rest = "";
        } else {
          lines.push(rest.slice(0, w));
          rest = rest.slice(w);
        }
      } else if (line.length + 1 + rest.length <= w) {
        line = `${line} ${rest}`;
        rest = "";
      } else {
        lines.push(line);
        line = "";
      }
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}
