/** `--format table` (the default): a terminal report grouped by rule. */
import type { ComplianceType, ScanResult } from "@endpoint-auditor/core";
import { describeCounts, formatUsd, groupByRule, summaryLine, wrap, type RuleInfo } from "./common";

export interface TableOptions {
  /** The selected rules, in the order to show them (titles come from here). */
  rules: readonly RuleInfo[];
  /**
   * Terminal width in columns. Annotations wrap in their column; when that column would be narrower
   * than 40 characters, each annotation goes under its row instead.
   */
  width: number;
  /** ANSI colours (only for a terminal without `NO_COLOR`). */
  color: boolean;
}

const ANSI = { bold: "1", dim: "2", red: "31", green: "32", yellow: "33" } as const;
type Style = keyof typeof ANSI;

/**
 * Below this many columns for the annotation, the table switches to a stacked layout: the annotation
 * goes under its row, indented, over the full width.
 */
const MIN_ANNOTATION_COLUMN = 40;
/** Nothing is wrapped narrower than this, however narrow the terminal claims to be. */
const MIN_TEXT_WIDTH = 24;
const STACK_INDENT = "      ";
const INDENT = "  ";
const GAP = "  ";

const STATUS_STYLE: Readonly<Record<ComplianceType, Style>> = {
  NON_COMPLIANT: "red",
  COMPLIANT: "green",
  NOT_APPLICABLE: "dim",
};

/**
 * Renders a result as a table grouped by rule: each rule's title, id and counts, its evaluations
 * (non-compliant first, largest saving first), then the errors, then the total monthly savings.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTable(result, { rules: RULES.map((r) => r.metadata), width: 120, color: false }));
 * ```
 */
export function renderTable(result: ScanResult, options: TableOptions): string {
  const paint = (style: Style, text: string): string => (options.color && text !== "" ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const groups = groupByRule(result, options.rules);
  const all = groups.flatMap((g) => g.evaluations);

  const money = (usd: number | undefined): string => (usd === undefined ? "" : formatUsd(usd));
  const resourceWidth = Math.max("RESOURCE".length, ...all.map((e) => e.resourceId.length));
  const regionWidth = Math.max("REGION".length, ...all.map((e) => e.region.length));
  const statusWidth = Math.max("STATUS".length, ...all.map((e) => e.compliance.length));
  const moneyWidth = Math.max("$/MONTH".length, ...all.map((e) => money(e.monthlySavingsUsd).length));
  const fixed = INDENT.length + resourceWidth + regionWidth + statusWidth + moneyWidth + GAP.length * 4;
  const width = Math.max(MIN_TEXT_WIDTH, Math.floor(options.width));
  const stacked = width - fixed < MIN_ANNOTATION_COLUMN;
  const annotationWidth = stacked ? width - STACK_INDENT.length : width - fixed;
  const continuation = stacked ? STACK_INDENT : " ".repeat(fixed);
  /** Free text (headings, counts, the summary) wrapped to the width, continuation lines indented. */
  const paragraph = (text: string, indent: string, style?: Style): string[] =>
    wrap(text, width - indent.length).map((line) => indent + (style ? paint(style, line) : line));

  const lines: string[] = [];
  lines.push(
    ...paragraph(
      `Account ${result.accountId} · ${result.regions.length === 1 ? "region" : "regions"} ${result.regions.join(", ") || "(none)"} · evaluated at ${result.scannedAt}`,
      "",
    ),
  );
  for (const group of groups) {
    lines.push("");
    lines.push(...paragraph(`${group.title} (${group.ruleId})`, "", "bold"));
    const savings = group.monthlySavingsUsd > 0 ? ` · potential savings ${formatUsd(group.monthlySavingsUsd)}/month` : "";
    const failed = group.errors.length > 0 ? ` · not evaluated in ${[...new Set(group.errors.map((e) => e.region))].join(", ")} (see Errors)` : "";
    lines.push(...paragraph(`${describeCounts(group.counts)}${savings}${failed}`, INDENT));
    if (group.evaluations.length === 0) continue;
    lines.push(
      paint(
        "dim",
        [
          INDENT + "RESOURCE".padEnd(resourceWidth),
          "REGION".padEnd(regionWidth),
          "STATUS".padEnd(statusWidth),
          "$/MONTH".padStart(moneyWidth),
          ...(stacked ? [] : ["ANNOTATION"]),
        ].join(GAP),
      ),
    );
    for (const e of group.evaluations) {
      const annotation = wrap(e.annotation, annotationWidth);
      const [first = "", ...rest] = stacked ? ["", ...annotation] : annotation;
      lines.push(
        [
          INDENT + e.resourceId.padEnd(resourceWidth),
          e.region.padEnd(regionWidth),
          paint(STATUS_STYLE[e.compliance], e.compliance.padEnd(statusWidth)),
          money(e.monthlySavingsUsd).padStart(moneyWidth),
          ...(stacked ? [] : [first]),
        ].join(GAP),
      );
      for (const line of rest) lines.push(continuation + line);
    }
  }
  if (result.errors.length > 0) {
    lines.push("");
    lines.push(paint("yellow", `Errors (${result.errors.length})`));
    for (const e of result.errors) {
      const where = e.ruleId ? `${e.region} ${e.ruleId}` : e.region;
      const prefix = `${INDENT}${where}: `;
      const [first = "", ...rest] = wrap(e.message, Math.max(MIN_TEXT_WIDTH, width - prefix.length));
      lines.push(prefix + first);
      for (const line of rest) lines.push(" ".repeat(prefix.length) + line);
    }
  }
  lines.push("");
  lines.push(...paragraph(summaryLine(result), "", "bold"));
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}
