/**
 * The organization digest model: this week's aggregator snapshot compared with the state kept from the last
 * run. Pure functions.
 *
 * Scenarios:
 * - Given no earlier state, then every finding is open, nothing is "new" or "resolved" (the message says the
 *   history starts now), and the state to keep is this week's.
 * - Given an earlier state, then a finding open now and not open then is new; one open then whose rule,
 *   account and region was read now and which is no longer open is resolved (fixed, exempted or deleted).
 * - Given a rule, account and region that could not be read this week (a failed call), then its last known
 *   findings are kept — counted as open, neither new nor resolved — and it is listed as not read.
 * - Given a rule, account and region the aggregator showed last time and shows no more, then it is listed
 *   as not reporting ("no results any more": the rule was removed there, the account left, or everything it
 *   judged is gone), its earlier findings are not counted as resolved, and it is dropped from the state.
 * - Given a rule, account and region whose newest evaluation is older than `staleAfterHours` (twice the
 *   rules' frequency), or whose evaluation time could not be read, then it is listed as not reporting; its
 *   findings are still counted (they are the last verdicts).
 * - The digest is "all clear" only with nothing open, nothing resolved, nothing unread and everything
 *   reporting.
 */
import { roundUsd } from "../evaluation";
import { isoWeek, weekWindow } from "../digest/model";
import type { AggregatorReadFailure, AggregatorSnapshot, DeployedRule, OrgFinding, RuleSource } from "./aggregator";
import type { OrgState, OrgStateFinding, OrgStateSource } from "./state";

const HOUR_MS = 3_600_000;

/** Everything one week's digest is built from. */
export interface OrgDigestInput {
  aggregatorName: string;
  /** Region of the aggregator (where the digest runs). */
  aggregatorRegion: string;
  /** The run's time: the end of the week. */
  now: Date;
  snapshot: AggregatorSnapshot;
  /** The rules read (a rule whose Describe failed keeps its earlier sources). */
  rules: readonly DeployedRule[];
  /** The state kept from the last run, if any. */
  previous?: OrgState;
  /** Why an earlier state exists but could not be used, if so. */
  previousUnusable?: string;
  /** A source whose newest evaluation is older than this is not reporting (twice the rules' frequency). */
  staleAfterHours: number;
}

export interface OrgDigestOptions {
  ruleTitle?: (ruleId: string) => string | undefined;
  /** Top offenders kept (default 10). */
  topOffenders?: number;
  /** Accounts kept in the per-account table (default 10). */
  topAccounts?: number;
}

/** Counts of one rule, or one account, across the organization. */
export interface OrgCounts {
  open: number;
  newThisWeek: number;
  resolvedThisWeek: number;
  monthlyWasteUsd: number;
}

export interface OrgRuleLine extends OrgCounts {
  ruleId: string;
  title?: string;
  /** Accounts with at least one open finding of the rule. */
  accountsWithFindings: number;
  /** Account-regions where the rule reports results. */
  sources: number;
  /** Of those, not reporting. */
  notReporting: number;
}

export interface OrgAccountLine extends OrgCounts {
  accountId: string;
}

/** An open finding whose fix saves money, with where it is. */
export interface OrgOffender extends Omit<OrgStateFinding, "firstSeenAt" | "monthlySavingsUsd"> {
  monthlySavingsUsd: number;
  isNew: boolean;
}

/** A rule that does not report in an account and region. */
export interface NotReporting {
  ruleId: string;
  accountId: string;
  region: string;
  /** `stale`: no evaluation within `staleAfterHours`; `gone`: no results any more; `unknown`: no evaluation time readable. */
  reason: "stale" | "gone" | "unknown";
  lastEvaluatedAt?: string;
  /** For `gone`: findings that were open there (not counted as resolved). */
  previouslyOpen?: number;
}

export interface OrgDigest {
  aggregatorName: string;
  aggregatorRegion: string;
  since: string;
  until: string;
  isoWeek: string;
  /** False on the first run (or when the earlier state could not be used): no new/resolved counts. */
  hasHistory: boolean;
  /** When the earlier state was taken (what "new" and "resolved" compare with). */
  comparedWith?: string;
  /** Why an earlier state could not be used. */
  historyNote?: string;
  totals: OrgCounts & { accountsWithFindings: number; accounts: number; regions: number };
  rules: OrgRuleLine[];
  /** Top accounts by waste, then open findings. */
  accounts: OrgAccountLine[];
  moreAccounts: number;
  topOffenders: OrgOffender[];
  moreOffenders: number;
  notReporting: NotReporting[];
  /** Parts of the aggregator that could not be read (their last known findings are kept). */
  unread: AggregatorReadFailure[];
  staleAfterHours: number;
  allClear: boolean;
}

function sourceKey(s: { ruleId: string; accountId: string; region: string }): string {
  return `${s.ruleId}\u0000${s.accountId}\u0000${s.region}`;
}

function findingKey(f: { ruleId: string; accountId: string; region: string; resourceType: string; resourceId: string }): string {
  return `${sourceKey(f)}\u0000${f.resourceType}\u0000${f.resourceId}`;
}

function emptyCounts(): OrgCounts {
  return { open: 0, newThisWeek: 0, resolvedThisWeek: 0, monthlyWasteUsd: 0 };
}

function savingOf(f: { monthlySavingsUsd?: number }): number {
  const s = f.monthlySavingsUsd;
  return s !== undefined && Number.isFinite(s) && s > 0 ? s : 0;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * Builds this week's organization digest and the state to keep for next week.
 *
 * @example
 * ```ts
 * const { digest, state } = buildOrgDigest({
 *   aggregatorName: "org", aggregatorRegion: "us-east-1", now, snapshot, rules, previous, staleAfterHours: 48,
 * }, { ruleTitle: (id) => getRule(id).metadata.title });
 * digest.totals.monthlyWasteUsd;
 * ```
 */
export function buildOrgDigest(input: OrgDigestInput, options: OrgDigestOptions = {}): { digest: OrgDigest; state: OrgState } {
  const nowIso = input.now.toISOString();
  const { since, until } = weekWindow(input.now);
  const previous = input.previous;
  const hasHistory = previous !== undefined;
  const prevSources = new Map((previous?.sources ?? []).map((s) => [sourceKey(s), s]));
  const prevOpenBySource = groupBy(previous?.open ?? [], sourceKey);
  const prevOpen = new Map((previous?.open ?? []).map((f) => [findingKey(f), f]));
  const describeFailed = new Set(input.snapshot.failures.filter((f) => f.accountId === undefined).map((f) => f.ruleId));
  const current = new Map(input.snapshot.sources.map((s) => [sourceKey(s), s]));
  const currentOpenBySource = groupBy(input.snapshot.open, sourceKey);

  const nextSources: OrgStateSource[] = [];
  const open: Array<OrgStateFinding & { isNew: boolean }> = [];
  const resolved: OrgStateFinding[] = [];
  const notReporting: NotReporting[] = [];

  const keepPrevious = (key: string): void => {
    for (const f of prevOpenBySource.get(key) ?? []) open.push({ ...f, isNew: false });
  };

  for (const [key, source] of current) {
    const before = prevSources.get(key);
    const lastEvaluatedAt = newest(source.lastEvaluatedAt, before?.lastEvaluatedAt);
    nextSources.push({ ruleId: source.ruleId, accountId: source.accountId, region: source.region, ...(lastEvaluatedAt ? { lastEvaluatedAt } : {}), lastSeenAt: nowIso });
    if (!source.read) {
      keepPrevious(key);
    } else {
      const nowOpen = currentOpenBySource.get(key) ?? [];
      const stillOpen = new Set<string>();
      for (const f of nowOpen) {
        const k = findingKey(f);
        stillOpen.add(k);
        const earlier = prevOpen.get(k);
        open.push({ ...stateFinding(f, earlier?.firstSeenAt ?? nowIso), isNew: hasHistory && earlier === undefined });
      }
      for (const f of prevOpenBySource.get(key) ?? []) if (!stillOpen.has(findingKey(f))) resolved.push(f);
    }
    const reason = staleness(source, lastEvaluatedAt, input.now, input.staleAfterHours);
    if (reason) notReporting.push({ ruleId: source.ruleId, accountId: source.accountId, region: source.region, reason, ...(lastEvaluatedAt ? { lastEvaluatedAt } : {}) });
  }

  for (const [key, before] of prevSources) {
    if (current.has(key)) continue;
    if (describeFailed.has(before.ruleId)) {
      // Not read this week: the earlier state stands.
      nextSources.push(before);
      keepPrevious(key);
      continue;
    }
    notReporting.push({
      ruleId: before.ruleId,
      accountId: before.accountId,
      region: before.region,
      reason: "gone",
      ...(before.lastEvaluatedAt ? { lastEvaluatedAt: before.lastEvaluatedAt } : {}),
      previouslyOpen: prevOpenBySource.get(key)?.length ?? 0,
    });
  }

  const state: OrgState = {
    version: 1,
    aggregatorName: input.aggregatorName,
    isoWeek: isoWeek(input.now),
    takenAt: nowIso,
    sources: nextSources.sort(compareSources),
    open: open.map(({ isNew: _isNew, ...f }) => f).sort(compareFindings),
  };

  const digest: OrgDigest = {
    aggregatorName: input.aggregatorName,
    aggregatorRegion: input.aggregatorRegion,
    since: since.toISOString(),
    until: until.toISOString(),
    isoWeek: state.isoWeek,
    hasHistory,
    ...(previous ? { comparedWith: previous.takenAt } : {}),
    ...(input.previousUnusable ? { historyNote: input.previousUnusable } : {}),
    ...summarize(open, resolved, nextSources, notReporting, options),
    notReporting: notReporting.sort(compareSources),
    unread: [...input.snapshot.failures],
    staleAfterHours: input.staleAfterHours,
    allClear: false,
  };
  digest.allClear = open.length === 0 && resolved.length === 0 && digest.notReporting.length === 0 && digest.unread.length === 0;
  return { digest, state };
}

function stateFinding(f: OrgFinding, firstSeenAt: string): OrgStateFinding {
  return {
    ruleId: f.ruleId,
    accountId: f.accountId,
    region: f.region,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    annotation: f.annotation,
    ...(f.monthlySavingsUsd !== undefined ? { monthlySavingsUsd: f.monthlySavingsUsd } : {}),
    firstSeenAt,
  };
}

function newest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

function staleness(source: RuleSource, lastEvaluatedAt: string | undefined, now: Date, staleAfterHours: number): NotReporting["reason"] | undefined {
  if (!source.read) return undefined; // reported as not read instead
  if (lastEvaluatedAt === undefined) return "unknown";
  return now.getTime() - Date.parse(lastEvaluatedAt) > staleAfterHours * HOUR_MS ? "stale" : undefined;
}

function compareSources(a: { ruleId: string; accountId: string; region: string }, b: { ruleId: string; accountId: string; region: string }): number {
  return a.ruleId.localeCompare(b.ruleId) || a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region);
}

function compareFindings(a: OrgStateFinding, b: OrgStateFinding): number {
  return compareSources(a, b) || a.resourceType.localeCompare(b.resourceType) || a.resourceId.localeCompare(b.resourceId);
}

function add(counts: OrgCounts, field: "open" | "newThisWeek" | "resolvedThisWeek", saving = 0): void {
  counts[field] += 1;
  counts.monthlyWasteUsd += saving;
}

function summarize(
  open: ReadonlyArray<OrgStateFinding & { isNew: boolean }>,
  resolved: readonly OrgStateFinding[],
  sources: readonly OrgStateSource[],
  notReporting: readonly NotReporting[],
  options: OrgDigestOptions,
): Pick<OrgDigest, "totals" | "rules" | "accounts" | "moreAccounts" | "topOffenders" | "moreOffenders"> {
  const totals = emptyCounts();
  const byRule = new Map<string, OrgCounts & { accounts: Set<string> }>();
  const byAccount = new Map<string, OrgCounts>();
  const ruleCounts = (ruleId: string) => byRule.get(ruleId) ?? byRule.set(ruleId, { ...emptyCounts(), accounts: new Set() }).get(ruleId)!;
  const accountCounts = (accountId: string) => byAccount.get(accountId) ?? byAccount.set(accountId, emptyCounts()).get(accountId)!;
  const offenders: OrgOffender[] = [];
  for (const f of open) {
    const saving = savingOf(f);
    for (const counts of [totals, ruleCounts(f.ruleId), accountCounts(f.accountId)]) {
      add(counts, "open", saving);
      if (f.isNew) counts.newThisWeek += 1;
    }
    ruleCounts(f.ruleId).accounts.add(f.accountId);
    if (saving > 0) {
      offenders.push({ ruleId: f.ruleId, accountId: f.accountId, region: f.region, resourceType: f.resourceType, resourceId: f.resourceId, annotation: f.annotation, monthlySavingsUsd: roundUsd(saving), isNew: f.isNew });
    }
  }
  for (const f of resolved) for (const counts of [totals, ruleCounts(f.ruleId), accountCounts(f.accountId)]) counts.resolvedThisWeek += 1;

  const sourcesByRule = groupBy(sources, (s) => s.ruleId);
  const notReportingByRule = groupBy(notReporting, (n) => n.ruleId);
  const ruleIds = new Set([...byRule.keys(), ...sourcesByRule.keys(), ...notReportingByRule.keys()]);
  const rules: OrgRuleLine[] = [...ruleIds].map((ruleId) => {
    const counts = byRule.get(ruleId) ?? { ...emptyCounts(), accounts: new Set<string>() };
    const ruleSources = sourcesByRule.get(ruleId) ?? [];
    const title = options.ruleTitle?.(ruleId);
    return {
      ruleId,
      ...(title ? { title } : {}),
      open: counts.open,
      newThisWeek: counts.newThisWeek,
      resolvedThisWeek: counts.resolvedThisWeek,
      monthlyWasteUsd: roundUsd(counts.monthlyWasteUsd),
      accountsWithFindings: counts.accounts.size,
      sources: ruleSources.length,
      notReporting: notReportingByRule.get(ruleId)?.length ?? 0,
    };
  });
  rules.sort((a, b) => b.monthlyWasteUsd - a.monthlyWasteUsd || b.open - a.open || b.resolvedThisWeek - a.resolvedThisWeek || a.ruleId.localeCompare(b.ruleId));

  const accounts: OrgAccountLine[] = [...byAccount.entries()].map(([accountId, c]) => ({ accountId, ...c, monthlyWasteUsd: roundUsd(c.monthlyWasteUsd) }));
  accounts.sort((a, b) => b.monthlyWasteUsd - a.monthlyWasteUsd || b.open - a.open || b.newThisWeek - a.newThisWeek || a.accountId.localeCompare(b.accountId));
  offenders.sort(
    (a, b) =>
      b.monthlySavingsUsd - a.monthlySavingsUsd ||
      Number(b.isNew) - Number(a.isNew) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region) ||
      a.resourceId.localeCompare(b.resourceId),
  );
  const topAccounts = Math.max(0, options.topAccounts ?? 10);
  const topOffenders = Math.max(0, options.topOffenders ?? 10);
  return {
    totals: {
      ...totals,
      monthlyWasteUsd: roundUsd(totals.monthlyWasteUsd),
      accountsWithFindings: [...byAccount.values()].filter((c) => c.open > 0).length,
      accounts: new Set(sources.map((s) => s.accountId)).size,
      regions: new Set(sources.map((s) => s.region)).size,
    },
    rules,
    accounts: accounts.slice(0, topAccounts),
    moreAccounts: Math.max(0, accounts.length - topAccounts),
    topOffenders: offenders.slice(0, topOffenders),
    moreOffenders: Math.max(0, offenders.length - topOffenders),
  };
}
