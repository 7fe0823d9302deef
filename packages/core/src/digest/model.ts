/**
 * The weekly digest model: what one Slack message (or one CLI text report) says about one account and
 * region. Built from history (`loadDigestState`) or from a scan's current state. Pure functions.
 */
import { EXPIRING_SOON_DAYS } from "../deployment";
import { Compliance, roundUsd, type ScanError } from "../evaluation";
import type { ScanResult } from "../engine/scan";
import type { RuleReporting } from "../history/heartbeats";

const DAY_MS = 86_400_000;

/** One finding as the digest sees it (a `HistoryRecord` or an `Evaluation` fits). */
export interface DigestFinding {
  ruleId: string;
  resourceId: string;
  resourceType?: string;
  annotation: string;
  monthlySavingsUsd?: number;
  /** When the current non-compliant episode began (history only). */
  firstNonCompliantAt?: string;
  /** The AWS Config rule name, when known. */
  configRuleName?: string;
}

/** An exemption in force as the digest sees it (a `HistoryRecord` with its exemption, or an exempt evaluation). */
export interface DigestExemption {
  ruleId: string;
  resourceId: string;
  resourceType?: string;
  reason: string;
  /** `YYYY-MM-DD`, the last exempt day. */
  until?: string;
  /** ISO time the exemption was first recorded (history only). */
  exemptedAt?: string;
}

export interface DigestInput {
  accountId: string;
  /** The IAM account alias, when available. */
  accountAlias?: string;
  region: string;
  /** Window start (inclusive). */
  since: Date;
  /** Window end (exclusive); also the digest's date. */
  until: Date;
  /** Findings open now. */
  open: readonly DigestFinding[];
  /** Findings resolved in the window. */
  resolved: readonly DigestFinding[];
  /** False when only the current state is known (CLI without history): new/resolved are not reported. */
  hasHistory: boolean;
  /** Rules or regions that could not be evaluated (a scan's errors). */
  errors?: readonly ScanError[];
  /** Exemptions in force. */
  exempt?: readonly DigestExemption[];
  /** Whether each deployed rule reports (from its heartbeat); the ones that do not are named. */
  reporting?: readonly RuleReporting[];
  /** Open findings closed because their rule is no longer deployed (reported once, never as resolved). */
  retired?: { count: number; ruleIds: readonly string[] };
}

export interface DigestOptions {
  /** A rule's human title (e.g. from the rule registry). */
  ruleTitle?: (ruleId: string) => string | undefined;
  /** The AWS Config rule name of a rule when a finding does not carry one (default: the rule id). */
  configRuleName?: (ruleId: string) => string;
  /** How many top offenders to keep (default 10). */
  topOffenders?: number;
}

/** One rule's line in the digest. */
export interface RuleDigest {
  ruleId: string;
  title?: string;
  configRuleName: string;
  /** The rule in the AWS Config console of the digest's region. */
  consoleUrl: string;
  nonCompliant: number;
  newThisWeek: number;
  resolvedThisWeek: number;
  monthlyWasteUsd: number;
}

/** An open finding whose fix saves money. */
export interface Offender {
  ruleId: string;
  resourceId: string;
  resourceType?: string;
  annotation: string;
  monthlySavingsUsd: number;
  /** Became non-compliant in the window. */
  isNew: boolean;
}

/** One exemption line of the digest. */
export interface ExemptionLine {
  ruleId: string;
  resourceId: string;
  reason: string;
  until?: string;
}

export interface Digest {
  accountId: string;
  accountAlias?: string;
  region: string;
  /** ISO time, window start (inclusive). */
  since: string;
  /** ISO time, window end (exclusive). */
  until: string;
  /** ISO week (`YYYY-Www`) of `until`: the digest's identity for deduplication. */
  isoWeek: string;
  hasHistory: boolean;
  totals: { nonCompliant: number; newThisWeek: number; resolvedThisWeek: number; monthlyWasteUsd: number };
  /** Rules with an open or resolved finding, by waste, then open count, then id. */
  rules: RuleDigest[];
  /** Open findings by saving (largest first), at most `topOffenders`. */
  topOffenders: Offender[];
  /** Open findings with a saving that are not in `topOffenders`. */
  moreOffenders: number;
  errors: ScanError[];
  /** Deployed rules without a successful run within twice their period: the findings above may be stale. */
  notReporting: RuleReporting[];
  /** Whether the deployed rules' heartbeats were checked (history only). */
  reportingChecked: boolean;
  /** Exemptions first recorded in the window (history only), by until. */
  exemptedThisWeek: ExemptionLine[];
  /** Exemptions whose last day is at most {@link EXPIRING_SOON_DAYS} days after the window's end (or already past). */
  expiringSoon: ExemptionLine[];
  /** Exemptions in force. */
  exemptionsInForce: number;
  /** Open findings closed because their rule is no longer deployed. */
  retired?: { count: number; ruleIds: string[] };
  /**
   * Nothing open, nothing resolved, nothing failed, every deployed rule reporting, no exemption granted
   * this week or about to expire. Never true while a rule is not reporting.
   */
  allClear: boolean;
}

/**
 * The ISO-8601 week of a date (UTC), e.g. `2024-W01`. Weeks start on Monday; week 1 holds the year's
 * first Thursday, so early January can belong to the previous year's last week.
 *
 * @example
 * ```ts
 * isoWeek(new Date("2021-01-03T12:00:00Z")); // "2020-W53"
 * isoWeek(new Date("2024-12-30T09:00:00Z")); // "2025-W01"
 * ```
 */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/**
 * The AWS Config console page of a rule, in the given region (China and GovCloud use their own
 * console domains).
 *
 * @example
 * ```ts
 * configRuleConsoleUrl("eu-west-1", "vpc-flow-logs-enabled");
 * // "https://eu-west-1.console.aws.amazon.com/config/home?region=eu-west-1#/rules/details?configRuleName=vpc-flow-logs-enabled"
 * ```
 */
export function configRuleConsoleUrl(region: string, configRuleName: string): string {
  const domain = region.startsWith("cn-")
    ? "console.amazonaws.cn"
    : region.startsWith("us-gov-")
      ? "console.amazonaws-us-gov.com"
      : "console.aws.amazon.com";
  return `https://${region}.${domain}/config/home?region=${region}#/rules/details?configRuleName=${encodeURIComponent(configRuleName)}`;
}

function isNewIn(finding: DigestFinding, since: string, until: string): boolean {
  const at = finding.firstNonCompliantAt;
  return at !== undefined && at >= since && at < until;
}

function savingsOf(finding: DigestFinding): number {
  const s = finding.monthlySavingsUsd;
  return s !== undefined && Number.isFinite(s) && s > 0 ? s : 0;
}

/**
 * Builds the digest of one account and region: per rule the open count, new and resolved in the window
 * and the waste; total waste; top offenders by saving. New/resolved counts are 0 when `hasHistory` is
 * false (renderers then say "current state only").
 *
 * @example
 * ```ts
 * const digest = buildDigest({
 *   accountId: "123456789012", region: "eu-west-1", since, until, hasHistory: true,
 *   open: state.open, resolved: state.resolved,
 * }, { ruleTitle: (id) => getRule(id)?.metadata.title });
 * digest.totals.monthlyWasteUsd;
 * ```
 */
export function buildDigest(input: DigestInput, options: DigestOptions = {}): Digest {
  const since = input.since.toISOString();
  const until = input.until.toISOString();
  const topN = Math.max(0, options.topOffenders ?? 10);
  const byRule = new Map<string, RuleDigest>();
  const ruleOf = (finding: DigestFinding): RuleDigest => {
    let rule = byRule.get(finding.ruleId);
    if (!rule) {
      const configRuleName = finding.configRuleName ?? options.configRuleName?.(finding.ruleId) ?? finding.ruleId;
      const title = options.ruleTitle?.(finding.ruleId);
      rule = {
        ruleId: finding.ruleId,
        ...(title ? { title } : {}),
        configRuleName,
        consoleUrl: configRuleConsoleUrl(input.region, configRuleName),
        nonCompliant: 0,
        newThisWeek: 0,
        resolvedThisWeek: 0,
        monthlyWasteUsd: 0,
      };
      byRule.set(finding.ruleId, rule);
    }
    return rule;
  };

  const offenders: Offender[] = [];
  let waste = 0;
  let newCount = 0;
  for (const finding of input.open) {
    const rule = ruleOf(finding);
    const saving = savingsOf(finding);
    const isNew = input.hasHistory && isNewIn(finding, since, until);
    rule.nonCompliant += 1;
    rule.monthlyWasteUsd += saving;
    waste += saving;
    if (isNew) {
      rule.newThisWeek += 1;
      newCount += 1;
    }
    if (saving > 0) {
      offenders.push({
        ruleId: finding.ruleId,
        resourceId: finding.resourceId,
        ...(finding.resourceType ? { resourceType: finding.resourceType } : {}),
        annotation: finding.annotation,
        monthlySavingsUsd: roundUsd(saving),
        isNew,
      });
    }
  }
  const resolvedCount = input.hasHistory ? input.resolved.length : 0;
  if (input.hasHistory) for (const finding of input.resolved) ruleOf(finding).resolvedThisWeek += 1;

  for (const rule of byRule.values()) rule.monthlyWasteUsd = roundUsd(rule.monthlyWasteUsd);
  const rules = [...byRule.values()].sort(
    (a, b) =>
      b.monthlyWasteUsd - a.monthlyWasteUsd ||
      b.nonCompliant - a.nonCompliant ||
      b.resolvedThisWeek - a.resolvedThisWeek ||
      a.ruleId.localeCompare(b.ruleId),
  );
  offenders.sort(
    (a, b) =>
      b.monthlySavingsUsd - a.monthlySavingsUsd ||
      Number(b.isNew) - Number(a.isNew) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.resourceId.localeCompare(b.resourceId),
  );
  const errors = [...(input.errors ?? [])];
  const notReporting = (input.reporting ?? []).filter((r) => !r.reporting);
  const exempt = [...(input.exempt ?? [])].sort(
    (a, b) => (a.until ?? "9999-12-31").localeCompare(b.until ?? "9999-12-31") || a.ruleId.localeCompare(b.ruleId) || a.resourceId.localeCompare(b.resourceId),
  );
  const line = (e: DigestExemption): ExemptionLine => ({ ruleId: e.ruleId, resourceId: e.resourceId, reason: e.reason, ...(e.until ? { until: e.until } : {}) });
  const soon = new Date(input.until.getTime() + EXPIRING_SOON_DAYS * DAY_MS).toISOString().slice(0, 10);
  const exemptedThisWeek = input.hasHistory ? exempt.filter((e) => e.exemptedAt !== undefined && e.exemptedAt >= since && e.exemptedAt < until).map(line) : [];
  const expiringSoon = exempt.filter((e) => e.until !== undefined && e.until <= soon).map(line);
  const digest: Digest = {
    accountId: input.accountId,
    region: input.region,
    since,
    until,
    isoWeek: isoWeek(input.until),
    hasHistory: input.hasHistory,
    totals: {
      nonCompliant: input.open.length,
      newThisWeek: newCount,
      resolvedThisWeek: resolvedCount,
      monthlyWasteUsd: roundUsd(waste),
    },
    rules,
    topOffenders: offenders.slice(0, topN),
    moreOffenders: Math.max(0, offenders.length - topN),
    errors,
    notReporting,
    reportingChecked: input.reporting !== undefined,
    exemptedThisWeek,
    expiringSoon,
    exemptionsInForce: exempt.length,
    allClear:
      input.open.length === 0 &&
      resolvedCount === 0 &&
      errors.length === 0 &&
      notReporting.length === 0 &&
      exemptedThisWeek.length === 0 &&
      expiringSoon.length === 0,
  };
  if (input.retired && input.retired.count > 0) digest.retired = { count: input.retired.count, ruleIds: [...input.retired.ruleIds] };
  if (input.accountAlias) digest.accountAlias = input.accountAlias;
  return digest;
}

/**
 * The digest input of one region of a scan: its current NON_COMPLIANT evaluations and errors, no
 * history (the CLI without a history table). The window is the 7 days before the scan.
 *
 * @example
 * ```ts
 * const inputs = scan.regions.map((region) => digestInputFromScan(scan, region));
 * ```
 */
export function digestInputFromScan(scan: ScanResult, region: string, accountAlias?: string): DigestInput {
  const until = new Date(scan.scannedAt);
  return {
    accountId: scan.accountId,
    ...(accountAlias ? { accountAlias } : {}),
    region,
    since: new Date(until.getTime() - 7 * DAY_MS),
    until,
    open: scan.evaluations.filter((e) => e.region === region && e.compliance === Compliance.NON_COMPLIANT),
    resolved: [],
    hasHistory: false,
    errors: scan.errors.filter((e) => e.region === region),
    exempt: scan.evaluations
      .filter((e) => e.region === region && e.exemption !== undefined)
      .map((e) => ({ ruleId: e.ruleId, resourceId: e.resourceId, resourceType: e.resourceType, reason: e.exemption?.reason ?? "", ...(e.exemption?.until ? { until: e.exemption.until } : {}) })),
  };
}

/**
 * The 7-day window ending at `end`, the default digest window.
 *
 * @example
 * ```ts
 * const { since, until } = weekWindow(new Date("2024-01-08T09:00:00Z")); // since = 2024-01-01T09:00Z
 * ```
 */
export function weekWindow(end: Date): { since: Date; until: Date } {
  return { since: new Date(end.getTime() - 7 * DAY_MS), until: new Date(end.getTime()) };
}
