/**
 * `--format markdown`: the report as GitHub-flavoured Markdown (PR comments, CI job summaries). It always
 * stays under GitHub's comment limit: past {@link MARKDOWN_BUDGET} characters the findings tables give way
 * to counts per rule plus the top findings, and the report says how many were left out.
 */
import { escapeControl } from "../text";
import {
  ALL_STATUSES,
  accountTotals,
  compareEvaluations,
  describeCounts,
  formatUsd,
  groupByRule,
  headline,
  hiddenLine,
  summaryLine,
  type Report,
  type RuleInfo,
  type StatusFilter,
} from "./common";
import { blockedText, errorPlace, groupErrors } from "./errors";
import type { FixLookup } from "./table";

/** GitHub's limit for an issue or pull-request comment body (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The most this renderer writes: the limit less room for text a CI step puts around it. */
export const MARKDOWN_BUDGET = 60_000;

export interface MarkdownOptions {
  /** The selected rules, in the order to show them. */
  rules: readonly RuleInfo[];
  /** The statuses to list (default: all). Counts always cover everything. */
  statuses?: StatusFilter;
  /** `--show-fix`: the snippet under each non-compliant finding. */
  fixes?: FixLookup;
  /** Characters the report may take (default {@link MARKDOWN_BUDGET}). */
  budget?: number;
}

/**
 * Makes text safe inside a GFM table cell: one line, `|` and `\` escaped, `<`/`>` as entities so tag
 * values cannot inject HTML, control characters visible.
 *
 * @example
 * ```ts
 * escapeCell("a|b"); // "a\\|b"
 * ```
 */
export function escapeCell(text: string): string {
  return escapeControl(text.replace(/\s+/g, " ").trim())
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

function code(text: string): string {
  return `\`${escapeControl(text).replace(/`/g, "'")}\``;
}

function fence(snippet: string, language: string): string {
  const body = escapeControl(snippet).replace(/```/g, "'''");
  return `\n\n\`\`\`${language}\n${body}\n\`\`\``;
}

function errorLines(report: Report, multi: boolean, max = Infinity): string[] {
  const groups = groupErrors(report.errors);
  if (groups.length === 0) return [];
  const lines = ["", `## Errors (${groups.length})`, "", "| Where | Problem | Not evaluated |", "| --- | --- | --- |"];
  for (const g of groups.slice(0, max)) {
    const problem = `${g.message}${g.code && !g.message.includes(g.code) ? ` (${g.code})` : ""}`;
    lines.push(`| ${escapeCell(errorPlace(g, multi))} | ${escapeCell(problem)} | ${escapeCell(blockedText(g).replace(/^not evaluated: /, ""))} |`);
  }
  if (groups.length > max) lines.push("", `…and ${groups.length - max} more errors (see --format json).`);
  return lines;
}

function accountLines(report: Report): string[] {
  if (report.accountIds.length <= 1) return [];
  const lines = ["", "## Savings by account", "", "| Account | $/month | Findings | Errors |", "| --- | ---: | --- | ---: |"];
  for (const t of accountTotals(report)) {
    lines.push(`| ${code(t.accountId)} | ${formatUsd(t.monthlySavingsUsd)} | ${t.failed ? "not scanned" : describeCounts(t.counts)} | ${t.errors} |`);
  }
  return lines;
}

function full(report: Report, options: MarkdownOptions, statuses: StatusFilter): string[] {
  const multi = report.accountIds.length > 1;
  const lines: string[] = ["# endpoint-auditor report", "", headline(report, code)];
  for (const group of groupByRule(report, options.rules, statuses)) {
    lines.push("", `## ${escapeCell(group.title)} (${code(group.ruleId)})`, "");
    const savings = group.monthlySavingsUsd > 0 ? ` · potential savings **${formatUsd(group.monthlySavingsUsd)}/month**` : "";
    const failed = group.errors.length > 0 ? " · not evaluated everywhere (see Errors)" : "";
    lines.push(`${describeCounts(group.counts)}${savings}${failed}`);
    if (group.evaluations.length === 0) continue;
    lines.push("");
    lines.push(multi ? "| Account | Resource | Region | Status | $/month | Annotation |" : "| Resource | Region | Status | $/month | Annotation |");
    lines.push(multi ? "| --- | --- | --- | --- | ---: | --- |" : "| --- | --- | --- | ---: | --- |");
    const fixes: string[] = [];
    for (const e of group.evaluations) {
      const money = e.monthlySavingsUsd === undefined ? "" : formatUsd(e.monthlySavingsUsd);
      lines.push(`| ${multi ? `${code(e.accountId)} | ` : ""}${code(e.resourceId)} | ${escapeCell(e.region)} | ${e.compliance} | ${money} | ${escapeCell(e.annotation)} |`);
      const fix = options.fixes?.(e);
      if (fix && (fix.cli || fix.terraform)) {
        fixes.push(
          `<details><summary>Fix ${code(e.resourceId)} (${escapeCell(e.region)})</summary>` +
            (fix.cli ? fence(fix.cli, "sh") : "") +
            (fix.terraform ? fence(fix.terraform, "hcl") : "") +
            "\n\n</details>",
        );
      }
    }
    if (fixes.length > 0) lines.push("", ...fixes.flatMap((f) => [f, ""]).slice(0, -1));
  }
  lines.push(...accountLines(report));
  lines.push(...errorLines(report, multi));
  const hidden = hiddenLine(report, statuses);
  lines.push("");
  if (hidden) lines.push(hidden, "");
  lines.push(`**${summaryLine(report, groupErrors(report.errors).length)}**`);
  return lines;
}

/** The short form: counts per rule, then as many top findings as fit, and how many were left out. */
function summarized(report: Report, options: MarkdownOptions, statuses: StatusFilter, budget: number): string[] {
  const multi = report.accountIds.length > 1;
  const groups = groupByRule(report, options.rules, statuses);
  const head: string[] = ["# endpoint-auditor report", "", headline(report, code), ""];
  head.push(
    `> This report is summarized to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit. ` +
      "Run with `--format html` or `--format json` (e.g. `--output-dir reports`) for every finding.",
  );
  head.push("", "## Rules", "", "| Rule | Non-compliant | Compliant | Not applicable | Errors | $/month |", "| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const g of groups) {
    head.push(`| ${escapeCell(g.title)} (${code(g.ruleId)}) | ${g.counts.NON_COMPLIANT} | ${g.counts.COMPLIANT} | ${g.counts.NOT_APPLICABLE} | ${g.errors.length} | ${formatUsd(g.monthlySavingsUsd)} |`);
  }
  const titles = new Map(groups.map((g) => [g.ruleId, g.ruleId]));
  const findings = groups.flatMap((g) => g.evaluations).sort(compareEvaluations);
  const tail: string[] = [...accountLines(report), ...errorLines(report, multi, 50)];
  const hidden = hiddenLine(report, statuses);
  const closing = ["", ...(hidden ? [hidden, ""] : []), `**${summaryLine(report, groupErrors(report.errors).length)}**`];

  const size = (lines: readonly string[]): number => lines.reduce((n, l) => n + l.length + 1, 0);
  const rows: string[] = [];
  const leftOutLine = (n: number): string => `…and ${n.toLocaleString("en-US")} more findings left out.`;
  let used = size(head) + size(tail) + size(closing) + 200;
  for (const e of findings) {
    const money = e.monthlySavingsUsd === undefined ? "" : formatUsd(e.monthlySavingsUsd);
    const row = `| ${code(titles.get(e.ruleId) ?? e.ruleId)} | ${multi ? `${code(e.accountId)} | ` : ""}${code(e.resourceId)} | ${escapeCell(e.region)} | ${e.compliance} | ${money} | ${escapeCell(e.annotation)} |`;
    if (used + row.length + 1 + leftOutLine(findings.length).length > budget) break;
    rows.push(row);
    used += row.length + 1;
  }
  const section = ["", `## Top findings (${rows.length} of ${findings.length.toLocaleString("en-US")})`, ""];
  if (rows.length > 0) {
    section.push(multi ? "| Rule | Account | Resource | Region | Status | $/month | Annotation |" : "| Rule | Resource | Region | Status | $/month | Annotation |");
    section.push(multi ? "| --- | --- | --- | --- | --- | ---: | --- |" : "| --- | --- | --- | --- | ---: | --- |");
    section.push(...rows);
  }
  if (rows.length < findings.length) section.push("", leftOutLine(findings.length - rows.length));
  return [...head, ...section, ...tail, ...closing];
}

/**
 * Renders a report as Markdown: a section per rule with a table of its evaluations (non-compliant first),
 * per-account totals, the errors, and the total monthly savings — or, when that would pass the budget,
 * counts per rule plus the top findings.
 *
 * @example
 * ```ts
 * writeFileSync("report.md", renderMarkdown(report, { rules: RULES.map((r) => r.metadata) }));
 * ```
 */
export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const statuses = options.statuses ?? ALL_STATUSES;
  const budget = options.budget ?? MARKDOWN_BUDGET;
  const text = `${full(report, options, statuses).join("\n")}\n`;
  if (text.length <= budget) return text;
  return `${summarized(report, options, statuses, budget).join("\n")}\n`;
}
