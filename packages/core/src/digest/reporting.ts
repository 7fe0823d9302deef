/**
 * How a digest words a rule that is not reporting and an exemption — one wording for the Slack message
 * and the text report (and for any other digest built on the same heartbeats, e.g. an organization's).
 * Pure; plain text (the Slack renderer escapes it).
 */
import type { RuleReporting } from "../history/heartbeats";
import type { ExemptionLine } from "./model";

/**
 * An ISO time as `YYYY-MM-DD HH:MM UTC`.
 *
 * @example
 * ```ts
 * formatUtc("2024-01-05T06:00:12.345Z"); // "2024-01-05 06:00 UTC"
 * ```
 */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * What is known about a silent rule: since when, and the last failure's reason when there is one.
 *
 * @example
 * ```ts
 * notReportingSummary({ ruleId: "r", configRuleName: "n", reporting: false, lastSuccessAt: "2024-01-05T06:00:00Z", allowedSilenceHours: 48 });
 * // "not reporting since 2024-01-05 06:00 UTC (no successful run within 48 h)"
 * ```
 */
export function notReportingSummary(rule: RuleReporting): string {
  const since = rule.lastSuccessAt
    ? `not reporting since ${formatUtc(rule.lastSuccessAt)} (no successful run within ${rule.allowedSilenceHours} h)`
    : "not reporting: no successful run on record";
  const failure = rule.lastFailureAt
    ? `; last failure ${formatUtc(rule.lastFailureAt)}${rule.lastFailureReason ? `: ${rule.lastFailureReason}` : ""}`
    : "";
  return `${since}${failure}`;
}

/**
 * An exemption as one line: the resource, its rule, until when, why.
 *
 * @example
 * ```ts
 * exemptionSummary({ ruleId: "r", resourceId: "vpce-1", reason: "DR standby", until: "2024-03-31" });
 * // "vpce-1 (r) until 2024-03-31: DR standby"
 * ```
 */
export function exemptionSummary(line: ExemptionLine): string {
  return `${line.resourceId} (${line.ruleId}) ${line.until ? `until ${line.until}` : "with no expiry"}: ${line.reason}`;
}
