/** Plain-text rendering of a digest, for the CLI (`digest --preview --format text`). Pure. */
import { andMore, formatDollars } from "./blocks";
import type { Digest } from "./model";
import { exemptionSummary, notReportingSummary } from "./reporting";

export interface TextRenderOptions {
  /** Cap on top offender lines (default: all the digest kept). */
  maxOffenders?: number;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * Renders a digest as readable plain text: the same content as the Slack message (account, region,
 * window, totals, rules not reporting, per-rule counts with console links, top offenders, rules not
 * evaluated, exemptions granted this week and expiring soon).
 *
 * @example
 * ```ts
 * process.stdout.write(renderDigestText(buildDigest(digestInputFromScan(scan, "eu-west-1"))));
 * ```
 */
export function renderDigestText(digest: Digest, options: TextRenderOptions = {}): string {
  const out: string[] = [];
  const account = digest.accountAlias ? `${digest.accountAlias} (${digest.accountId})` : digest.accountId;
  out.push(`Endpoint audit: ${account} · ${digest.region}`);
  out.push(
    `Window: ${digest.since.slice(0, 10)} → ${digest.until.slice(0, 10)} (UTC)${digest.hasHistory ? "" : " · current state only, no history"}`,
  );
  out.push("");
  const retired = digest.retired
    ? `Closed ${plural(digest.retired.count, "open finding")} of rules no longer deployed (${digest.retired.ruleIds.join(", ")}).`
    : undefined;
  if (digest.allClear) {
    out.push(`All clear: ${digest.reportingChecked ? "every rule reported; no" : "no"} open findings and nothing resolved this week.`);
    if (retired) out.push("", retired);
    return `${out.join("\n")}\n`;
  }
  const t = digest.totals;
  const counts = [plural(t.nonCompliant, "open finding")];
  if (digest.hasHistory) counts.push(`${t.newThisWeek} new this week`, `${t.resolvedThisWeek} resolved this week`);
  if (digest.exemptionsInForce > 0) counts.push(`${digest.exemptionsInForce} exempt`);
  out.push(counts.join(" · "));
  if (t.monthlyWasteUsd > 0) out.push(`Estimated waste: ${formatDollars(t.monthlyWasteUsd)}/month`);

  if (digest.notReporting.length > 0) {
    out.push("", "NOT REPORTING (no successful run within twice the rule's period; AWS Config still shows its last verdicts)");
    for (const r of digest.notReporting) out.push(`  ${r.configRuleName} (${r.ruleId}): ${notReportingSummary(r)}`);
  }

  if (digest.rules.length > 0) {
    out.push("", "Rules");
    for (const rule of digest.rules) {
      out.push(`  ${rule.ruleId}${rule.title ? ` — ${rule.title}` : ""}`);
      const line = [`${rule.nonCompliant} non-compliant`];
      if (digest.hasHistory) line.push(`${rule.newThisWeek} new`, `${rule.resolvedThisWeek} resolved`);
      if (rule.monthlyWasteUsd > 0) line.push(`${formatDollars(rule.monthlyWasteUsd)}/month`);
      out.push(`    ${line.join(" · ")}`);
      out.push(`    ${rule.consoleUrl}`);
    }
  }

  const offenders =
    options.maxOffenders !== undefined ? digest.topOffenders.slice(0, options.maxOffenders) : digest.topOffenders;
  const hidden = digest.topOffenders.length - offenders.length + digest.moreOffenders;
  if (offenders.length > 0 || hidden > 0) {
    out.push("", "Top offenders by monthly saving");
    for (const o of offenders) {
      out.push(`  ${formatDollars(o.monthlySavingsUsd)}/mo  ${o.resourceId} (${o.ruleId})${o.isNew ? " [new]" : ""}`);
      out.push(`    ${o.annotation}`);
    }
    if (hidden > 0) out.push(`  ${andMore(hidden)}`);
  }

  if (digest.errors.length > 0) {
    out.push("", "Not evaluated (not counted above)");
    for (const e of digest.errors) out.push(`  ${e.region}${e.ruleId ? ` ${e.ruleId}` : ""}: ${e.message}`);
  }
  if (digest.exemptedThisWeek.length > 0) {
    out.push("", "Exempted this week (not counted as resolved)");
    for (const e of digest.exemptedThisWeek) out.push(`  ${exemptionSummary(e)}`);
  }
  if (digest.expiringSoon.length > 0) {
    out.push("", "Exemptions expiring soon");
    for (const e of digest.expiringSoon) out.push(`  ${exemptionSummary(e)}`);
  }
  if (retired) out.push("", retired);
  return `${out.join("\n")}\n`;
}
