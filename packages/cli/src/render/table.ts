/** `--format table` (the default): a terminal report grouped by rule, findings first. */
import type { ComplianceType, Evaluation } from "@endpoint-auditor/core";
import { escapeControl } from "../text";
import {
  ALL_STATUSES,
  accountTotals,
  describeCounts,
  formatUsd,
  groupByRule,
  headline,
  hiddenLine,
  summaryLine,
  wrap,
  type Report,
  type RuleInfo,
  type StatusFilter,
} from "./common";
import { blockedText, errorPlace, groupErrors } from "./errors";

/** A filled-in fix for one evaluation (see `--show-fix`), or undefined. */
export type FixLookup = (evaluation: Evaluation) => { cli?: string; terraform?: string } | undefined;

export interface TableOptions {
  /** The selected rules, in the order to show them (titles come from here). */
  rules: readonly RuleInfo[];
  /**
   * Terminal width in columns. Annotations wrap in their column; when that column would be narrower than
   * 40 characters, each finding becomes a block (its ids and status, then its annotation under it).
   */
  width: number;
  /** ANSI colours (only for a terminal without `NO_COLOR`). */
  color: boolean;
  /** The statuses to list (default: all). Counts always cover everything. */
  statuses?: StatusFilter;
  /** `--show-fix`: the snippet to print under each non-compliant finding. */
  fixes?: FixLookup;
}

const ANSI = { bold: "1", dim: "2", red: "31", green: "32", yellow: "33" } as const;
type Style = keyof typeof ANSI;

/** Below this many columns for the annotation, each finding becomes a block. */
const MIN_ANNOTATION_COLUMN = 40;
/** Nothing is wrapped narrower than this, however narrow the terminal claims to be. */
const MIN_TEXT_WIDTH = 24;
const DETAIL_INDENT = "      ";
const INDENT = "  ";
const GAP = "  ";

const STATUS_STYLE: Readonly<Record<ComplianceType, Style>> = {
  NON_COMPLIANT: "red",
  COMPLIANT: "green",
  NOT_APPLICABLE: "dim",
};

/** Lines of tokens joined by `GAP`, never splitting a token: what does not fit moves to the next line. */
function tokenLines(tokens: readonly string[], width: number, first: string, next: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const token of tokens) {
    if (token === "") continue;
    const prefix = lines.length === 0 ? first : next;
    if (line === "") line = prefix + token;
    else if (line.length + GAP.length + token.length <= width) line = `${line}${GAP}${token}`;
    else {
      lines.push(line);
      line = next + token;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * Renders a result as a table grouped by rule: each rule's title, id and counts, its evaluations
 * (non-compliant first, largest saving first), then per-account totals (several accounts), the errors
 * (each failed list once, with the rules it blocked), what the status filter hid, and the total.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTable(report, { rules: RULES.map((r) => r.metadata), width: 120, color: false }));
 * ```
 */
export function renderTable(report: Report, options: TableOptions): string {
  const paint = (style: Style, text: string): string => (options.color && text !== "" ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const statuses = options.statuses ?? ALL_STATUSES;
  const groups = groupByRule(report, options.rules, statuses);
  const shown = groups.flatMap((g) => g.evaluations);
  const multi = report.accountIds.length > 1;

  const money = (usd: number | undefined): string => (usd === undefined ? "" : formatUsd(usd));
  const accountWidth = multi ? Math.max("ACCOUNT".length, ...shown.map((e) => e.accountId.length)) : 0;
  const resourceWidth = Math.max("RESOURCE".length, ...shown.map((e) => escapeControl(e.resourceId).length));
  const regionWidth = Math.max("REGION".length, ...shown.map((e) => e.region.length));
  const statusWidth = Math.max("STATUS".length, ...shown.map((e) => e.compliance.length));
  const moneyWidth = Math.max("$/MONTH".length, ...shown.map((e) => money(e.monthlySavingsUsd).length));
  const columns = multi ? 5 : 4;
  const fixed = INDENT.length + accountWidth + resourceWidth + regionWidth + statusWidth + moneyWidth + GAP.length * columns;
  const width = Math.max(MIN_TEXT_WIDTH, Math.floor(options.width));
  const blocks = width - fixed < MIN_ANNOTATION_COLUMN;
  const annotationWidth = blocks ? width - DETAIL_INDENT.length : width - fixed;
  /** Free text (headings, counts, the summary) wrapped to the width, continuation lines indented. */
  const paragraph = (text: string, indent: string, style?: Style, next = indent): string[] =>
    wrap(escapeControl(text), width - next.length).map((line, i) => (i === 0 ? indent : next) + (style ? paint(style, line) : line));

  const lines: string[] = [];
  lines.push(...paragraph(headline(report), ""));
  for (const group of groups) {
    lines.push("");
    lines.push(...paragraph(`${group.title} (${group.ruleId})`, "", "bold"));
    const savings = group.monthlySavingsUsd > 0 ? ` · potential savings ${formatUsd(group.monthlySavingsUsd)}/month` : "";
    const failed =
      group.errors.length > 0
        ? ` · not evaluated in ${[...new Set(group.errors.map((e) => (multi ? `${e.accountId ?? "?"} ${e.region ?? ""}`.trim() : (e.region ?? e.accountId ?? "?"))))].join(", ")} (see Errors)`
        : "";
    lines.push(...paragraph(`${describeCounts(group.counts)}${savings}${failed}`, INDENT));
    if (group.evaluations.length === 0) continue;
    if (!blocks) {
      lines.push(
        paint(
          "dim",
          [
            ...(multi ? [INDENT + "ACCOUNT".padEnd(accountWidth)] : []),
            (multi ? "" : INDENT) + "RESOURCE".padEnd(resourceWidth),
            "REGION".padEnd(regionWidth),
            "STATUS".padEnd(statusWidth),
            "$/MONTH".padStart(moneyWidth),
            "ANNOTATION",
          ].join(GAP),
        ),
      );
    }
    for (const e of group.evaluations) {
      const annotation = escapeControl(e.annotation);
      if (blocks) {
        const tokens = [escapeControl(e.resourceId), e.region, ...(multi ? [e.accountId] : []), e.compliance, e.monthlySavingsUsd === undefined ? "" : `${money(e.monthlySavingsUsd)}/month`];
        const head = tokenLines(tokens, width, INDENT, DETAIL_INDENT);
        lines.push(...head.map((l, i) => (i === 0 ? l.replace(e.compliance, paint(STATUS_STYLE[e.compliance], e.compliance)) : l)));
        // A word too long for the indented column (a long service name) moves left rather than being split.
        for (const l of wrap(annotation, annotationWidth)) lines.push((l.length > annotationWidth ? INDENT : DETAIL_INDENT) + l);
      } else {
        const wrapped = wrap(annotation, annotationWidth);
        // A word wider than the column (a long service name) is not split: it moves left on a line of its own.
        const overlong = (l: string): boolean => l.length > annotationWidth;
        const [first = "", ...rest] = overlong(wrapped[0] ?? "") ? ["", ...wrapped] : wrapped;
        lines.push(
          [
            ...(multi ? [INDENT + e.accountId.padEnd(accountWidth)] : []),
            (multi ? "" : INDENT) + escapeControl(e.resourceId).padEnd(resourceWidth),
            e.region.padEnd(regionWidth),
            paint(STATUS_STYLE[e.compliance], e.compliance.padEnd(statusWidth)),
            money(e.monthlySavingsUsd).padStart(moneyWidth),
            first,
          ].join(GAP),
        );
        for (const line of rest) lines.push(" ".repeat(overlong(line) ? Math.max(INDENT.length, width - line.length) : fixed) + line);
      }
      const fix = options.fixes?.(e);
      if (fix) {
        for (const [label, snippet] of [["Fix (AWS CLI)", fix.cli], ["Fix (Terraform)", fix.terraform]] as const) {
          if (!snippet) continue;
          lines.push(DETAIL_INDENT + paint("dim", `${label}:`));
          for (const l of snippet.split("\n")) lines.push(`${DETAIL_INDENT}  ${escapeControl(l)}`);
        }
      }
    }
  }
  if (multi) {
    lines.push("");
    lines.push(paint("bold", "Savings by account"));
    for (const t of accountTotals(report)) {
      const what = t.failed ? "not scanned (see Errors)" : `${describeCounts(t.counts)}${t.errors > 0 ? `; ${t.errors} error${t.errors === 1 ? "" : "s"}` : ""}`;
      const head = `${INDENT}${t.accountId}  ${formatUsd(t.monthlySavingsUsd).padStart(10)}/month  `;
      const fits = width - head.length >= MIN_TEXT_WIDTH;
      const [first = "", ...rest] = wrap(what, fits ? width - head.length : width - DETAIL_INDENT.length);
      lines.push(fits ? head + first : head.trimEnd(), ...(fits ? rest.map((l) => " ".repeat(head.length) + l) : [first, ...rest].map((l) => DETAIL_INDENT + l)));
    }
  }
  const errorGroups = groupErrors(report.errors);
  if (errorGroups.length > 0) {
    lines.push("");
    lines.push(paint("yellow", `Errors (${errorGroups.length})`));
    for (const g of errorGroups) {
      const code = g.code && !g.message.includes(g.code) ? ` (${g.code})` : "";
      lines.push(...paragraph(`${errorPlace(g, multi)}: ${g.message}${code}`, INDENT, undefined, DETAIL_INDENT));
      const blocked = blockedText(g);
      if (blocked) lines.push(...paragraph(blocked, DETAIL_INDENT));
    }
  }
  const hidden = hiddenLine(report, statuses);
  lines.push("");
  if (hidden) lines.push(...paragraph(hidden, ""));
  lines.push(...paragraph(summaryLine(report, errorGroups.length), "", "bold"));
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}
