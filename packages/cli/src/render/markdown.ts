/** `--format markdown`: the table report as GitHub-flavoured Markdown (for PR comments, job summaries). */
import type { ScanResult } from "@endpoint-auditor/core";
import { describeCounts, formatUsd, groupByRule, summaryLine, type RuleInfo } from "./common";

export interface MarkdownOptions {
  /** The selected rules, in the order to show them. */
  rules: readonly RuleInfo[];
}

/**
 * Makes text safe inside a GFM table cell: one line, `|` and `\` escaped, `<`/`>` as entities so tag
 * values cannot inject HTML.
 *
 * @example
 * ```ts
 * escapeCell("a|b"); // "a\\|b"
 * ```
 */
export function escapeCell(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/**
 * Renders a result as Markdown: a section per rule with a table of its evaluations (non-compliant
 * first), an errors table, and the total monthly savings.
 *
 * @example
 * ```ts
 * writeFileSync("report.md", renderMarkdown(result, { rules: RULES.map((r) => r.metadata) }));
 * ```
 */
export function renderMarkdown(result: ScanResult, options: MarkdownOptions): string {
  const lines: string[] = [];
  lines.push("# endpoint-auditor report");
  lines.push("");
  lines.push(
    `Account ${code(result.accountId)} · ${result.regions.length === 1 ? "region" : "regions"} ${result.regions.map(code).join(", ") || "(none)"} · evaluated at ${escapeCell(result.scannedAt)}`,
  );
  for (const group of groupByRule(result, options.rules)) {
    lines.push("");
    lines.push(`## ${escapeCell(group.title)} (${code(group.ruleId)})`);
    lines.push("");
    const savings = group.monthlySavingsUsd > 0 ? ` · potential savings **${formatUsd(group.monthlySavingsUsd)}/month**` : "";
    const failed = group.errors.length > 0 ? ` · not evaluated in ${[...new Set(group.errors.map((e) => e.region))].join(", ")} (see Errors)` : "";
    lines.push(`${describeCounts(group.counts)}${savings}${failed}`);
    if (group.evaluations.length === 0) continue;
    lines.push("");
    lines.push("| Resource | Region | Status | $/month | Annotation |");
    lines.push("| --- | --- | --- | ---: | --- |");
    for (const e of group.evaluations) {
      const money = e.monthlySavingsUsd === undefined ? "" : formatUsd(e.monthlySavingsUsd);
      lines.push(`| ${code(e.resourceId)} | ${escapeCell(e.region)} | ${e.compliance} | ${money} | ${escapeCell(e.annotation)} |`);
    }
  }
  if (result.errors.length > 0) {
    lines.push("");
    lines.push(`## Errors (${result.errors.length})`);
    lines.push("");
    lines.push("| Region | Rule | Message |");
    lines.push("| --- | --- | --- |");
    for (const e of result.errors) {
      lines.push(`| ${escapeCell(e.region)} | ${e.ruleId ? code(e.ruleId) : ""} | ${escapeCell(e.message)} |`);
    }
  }
  lines.push("");
  lines.push(`**${summaryLine(result)}**`);
  return `${lines.join("\n")}\n`;
}
