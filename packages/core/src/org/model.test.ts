import { describe, expect, it } from "vitest";
import type { AggregatorSnapshot, DeployedRule, OrgFinding, RuleSource } from "./aggregator";
import { buildOrgDigest, type OrgDigestInput } from "./model";
import type { OrgState } from "./state";

const NOW = new Date("2026-03-09T09:00:00.000Z");
const LAST_WEEK = "2026-03-02T09:00:00.000Z";
const RAN = "2026-03-09T06:00:00.000Z";
const A = "111111111111";
const B = "222222222222";
const IDLE = "interface-endpoint-in-use";
const FLOW = "vpc-flow-logs-enabled";
const RULES: DeployedRule[] = [IDLE, FLOW].map((ruleId) => ({ ruleId, ruleName: `endpoint-auditor-prod-${ruleId}` }));

function source(ruleId: string, accountId: string, region: string, extra: Partial<RuleSource> = {}): RuleSource {
  return { ruleId, ruleName: `endpoint-auditor-prod-${ruleId}`, accountId, region, compliance: "NON_COMPLIANT", lastEvaluatedAt: RAN, read: true, ...extra };
}

function finding(ruleId: string, accountId: string, region: string, resourceId: string, monthlySavingsUsd?: number): OrgFinding {
  return {
    ruleId,
    accountId,
    region,
    resourceType: ruleId === FLOW ? "AWS::EC2::VPC" : "AWS::EC2::VPCEndpoint",
    resourceId,
    annotation: monthlySavingsUsd === undefined ? `No flow log records ${resourceId}.` : `No traffic in 30 days; about $${monthlySavingsUsd.toFixed(2)}/month for 2 AZs.`,
    ...(monthlySavingsUsd !== undefined ? { monthlySavingsUsd } : {}),
  };
}

function snapshot(sources: RuleSource[], open: OrgFinding[], failures: AggregatorSnapshot["failures"] = []): AggregatorSnapshot {
  return { sources, open, failures, calls: { describe: RULES.length, details: 0, probes: 0 } };
}

function input(snap: AggregatorSnapshot, previous?: OrgState): OrgDigestInput {
  return { aggregatorName: "org", aggregatorRegion: "us-east-1", now: NOW, snapshot: snap, rules: RULES, staleAfterHours: 48, ...(previous ? { previous } : {}) };
}

/** A state as last week's run would have kept it. */
function lastWeek(sources: RuleSource[], open: OrgFinding[]): OrgState {
  return {
    version: 1,
    aggregatorName: "org",
    isoWeek: "2026-W10",
    takenAt: LAST_WEEK,
    sources: sources.map((s) => ({ ruleId: s.ruleId, accountId: s.accountId, region: s.region, lastEvaluatedAt: "2026-03-02T06:00:00.000Z", lastSeenAt: LAST_WEEK })),
    open: open.map((f) => ({ ...f, firstSeenAt: "2026-02-23T09:00:00.000Z" })),
  };
}

describe("organization digest model", () => {
  it("Given no earlier state, Then everything open is counted with its waste, nothing is new or resolved, and the state to keep holds this week's findings first seen now", () => {
    const open = [finding(IDLE, A, "eu-west-1", "vpce-1", 14.6), finding(IDLE, B, "us-east-1", "vpce-2", 7.3), finding(FLOW, A, "eu-west-1", "vpc-1")];
    const { digest, state } = buildOrgDigest(input(snapshot([source(IDLE, A, "eu-west-1"), source(IDLE, B, "us-east-1"), source(FLOW, A, "eu-west-1")], open)));
    expect(digest.hasHistory).toBe(false);
    expect(digest.totals).toEqual({ open: 3, newThisWeek: 0, resolvedThisWeek: 0, monthlyWasteUsd: 21.9, accountsWithFindings: 2, accounts: 2, regions: 2 });
    expect(digest.topOffenders.map((o) => [o.resourceId, o.accountId, o.region, o.monthlySavingsUsd, o.isNew])).toEqual([
      ["vpce-1", A, "eu-west-1", 14.6, false],
      ["vpce-2", B, "us-east-1", 7.3, false],
    ]);
    expect(digest.accounts.map((a) => [a.accountId, a.open, a.monthlyWasteUsd])).toEqual([
      [A, 2, 14.6],
      [B, 1, 7.3],
    ]);
    expect(state.isoWeek).toBe("2026-W11");
    expect(state.open.map((f) => [f.resourceId, f.firstSeenAt])).toEqual([
      ["vpce-1", NOW.toISOString()],
      ["vpce-2", NOW.toISOString()],
      ["vpc-1", NOW.toISOString()],
    ]);
    expect(digest.allClear).toBe(false);
  });

  it("Given last week's state, Then a finding open now and not then is new, one open then and not now is resolved, one open both times keeps its first-seen time", () => {
    const sources = [source(IDLE, A, "eu-west-1")];
    const previous = lastWeek(sources, [finding(IDLE, A, "eu-west-1", "vpce-kept", 14.6), finding(IDLE, A, "eu-west-1", "vpce-fixed", 7.3)]);
    const { digest, state } = buildOrgDigest(input(snapshot(sources, [finding(IDLE, A, "eu-west-1", "vpce-kept", 14.6), finding(IDLE, A, "eu-west-1", "vpce-new", 21.9)]), previous));
    expect(digest.hasHistory).toBe(true);
    expect(digest.comparedWith).toBe(LAST_WEEK);
    expect(digest.totals).toMatchObject({ open: 2, newThisWeek: 1, resolvedThisWeek: 1, monthlyWasteUsd: 36.5 });
    expect(digest.rules).toEqual([
      { ruleId: IDLE, open: 2, newThisWeek: 1, resolvedThisWeek: 1, monthlyWasteUsd: 36.5, accountsWithFindings: 1, sources: 1, notReporting: 0 },
    ]);
    expect(digest.topOffenders.map((o) => [o.resourceId, o.isNew])).toEqual([
      ["vpce-new", true],
      ["vpce-kept", false],
    ]);
    expect(Object.fromEntries(state.open.map((f) => [f.resourceId, f.firstSeenAt]))).toEqual({ "vpce-kept": "2026-02-23T09:00:00.000Z", "vpce-new": NOW.toISOString() });
  });

  it("Given a rule, account and region whose details could not be read, Then its last known findings are kept as open (not new, not resolved) and it is listed as not read, never as clean", () => {
    const sources = [source(IDLE, A, "eu-west-1"), source(IDLE, B, "eu-west-1")];
    const previous = lastWeek(sources, [finding(IDLE, A, "eu-west-1", "vpce-a", 14.6), finding(IDLE, B, "eu-west-1", "vpce-b", 7.3)]);
    const failure = { call: "config:GetAggregateComplianceDetailsByConfigRule", ruleId: IDLE, accountId: B, region: "eu-west-1", code: "AccessDeniedException", message: "denied" };
    const { digest, state } = buildOrgDigest(input(snapshot([sources[0]!, source(IDLE, B, "eu-west-1", { read: false, lastEvaluatedAt: undefined })], [finding(IDLE, A, "eu-west-1", "vpce-a", 14.6)], [failure]), previous));
    expect(digest.totals).toMatchObject({ open: 2, newThisWeek: 0, resolvedThisWeek: 0, monthlyWasteUsd: 21.9 });
    expect(digest.unread).toEqual([failure]);
    expect(digest.notReporting).toEqual([]);
    expect(digest.allClear).toBe(false);
    expect(state.open.map((f) => f.resourceId)).toEqual(["vpce-a", "vpce-b"]);
    // The unread source keeps its earlier evaluation time.
    expect(state.sources.find((s) => s.accountId === B)?.lastEvaluatedAt).toBe("2026-03-02T06:00:00.000Z");
  });

  it("Given a rule whose Describe failed, Then every source of it from last week is kept with its findings, and nothing of it is resolved or gone", () => {
    const sources = [source(FLOW, A, "eu-west-1")];
    const previous = lastWeek(sources, [finding(FLOW, A, "eu-west-1", "vpc-1")]);
    const failure = { call: "config:DescribeAggregateComplianceByConfigRules", ruleId: FLOW, code: "ThrottlingException", message: "Rate exceeded" };
    const { digest, state } = buildOrgDigest(input(snapshot([], [], [failure]), previous));
    expect(digest.totals).toMatchObject({ open: 1, resolvedThisWeek: 0 });
    expect(digest.notReporting).toEqual([]);
    expect(state.sources).toEqual(previous.sources);
    expect(state.open.map((f) => f.resourceId)).toEqual(["vpc-1"]);
  });

  it("Given a source shown last week and absent now, Then it is not reporting ('gone') with the findings it had, they are not counted as resolved, and it leaves the state", () => {
    const previous = lastWeek([source(IDLE, A, "eu-west-1"), source(IDLE, B, "ap-south-1")], [finding(IDLE, B, "ap-south-1", "vpce-x", 7.3), finding(IDLE, B, "ap-south-1", "vpce-y", 7.3)]);
    const { digest, state } = buildOrgDigest(input(snapshot([source(IDLE, A, "eu-west-1", { compliance: "COMPLIANT" })], []), previous));
    expect(digest.totals).toMatchObject({ open: 0, resolvedThisWeek: 0 });
    expect(digest.notReporting).toEqual([{ ruleId: IDLE, accountId: B, region: "ap-south-1", reason: "gone", lastEvaluatedAt: "2026-03-02T06:00:00.000Z", previouslyOpen: 2 }]);
    expect(digest.rules).toEqual([expect.objectContaining({ ruleId: IDLE, notReporting: 1, sources: 1 })]);
    expect(state.sources.map((s) => s.accountId)).toEqual([A]);
    expect(digest.allClear).toBe(false);
  });

  it("Given a source whose newest evaluation is older than twice the frequency, or has no readable time, Then it is not reporting; its findings still count", () => {
    const stale = source(IDLE, A, "eu-west-1", { lastEvaluatedAt: "2026-03-07T08:59:59.000Z" });
    const fresh = source(IDLE, B, "eu-west-1", { lastEvaluatedAt: "2026-03-07T09:00:00.000Z", compliance: "COMPLIANT" });
    const unknown = source(FLOW, B, "eu-west-1", { lastEvaluatedAt: undefined, compliance: "COMPLIANT" });
    const { digest } = buildOrgDigest(input(snapshot([stale, fresh, unknown], [finding(IDLE, A, "eu-west-1", "vpce-1", 7.3)])));
    expect(digest.notReporting).toEqual([
      { ruleId: IDLE, accountId: A, region: "eu-west-1", reason: "stale", lastEvaluatedAt: "2026-03-07T08:59:59.000Z" },
      { ruleId: FLOW, accountId: B, region: "eu-west-1", reason: "unknown" },
    ]);
    expect(digest.totals.open).toBe(1);
  });

  it("Given nothing open, nothing resolved, every source fresh and read, Then all clear; any not-reporting source or unread part prevents it", () => {
    const clean = [source(IDLE, A, "eu-west-1", { compliance: "COMPLIANT" })];
    expect(buildOrgDigest(input(snapshot(clean, []))).digest.allClear).toBe(true);
    expect(buildOrgDigest(input(snapshot([source(IDLE, A, "eu-west-1", { compliance: "COMPLIANT", lastEvaluatedAt: "2026-02-01T00:00:00.000Z" })], []))).digest.allClear).toBe(false);
    expect(buildOrgDigest(input(snapshot(clean, [], [{ call: "x", ruleId: FLOW, message: "m" }]))).digest.allClear).toBe(false);
  });

  it("Given more accounts and offenders than kept, Then the top ones by waste are kept and the rest counted", () => {
    const accounts = Array.from({ length: 15 }, (_, i) => String(300_000_000_000 + i));
    const sources = accounts.map((a) => source(IDLE, a, "eu-west-1"));
    const open = accounts.map((a, i) => finding(IDLE, a, "eu-west-1", `vpce-${i}`, 7.3 * (i + 1)));
    const { digest } = buildOrgDigest(input(snapshot(sources, open)), { topAccounts: 5, topOffenders: 3 });
    expect(digest.accounts.map((a) => a.accountId)).toEqual(accounts.slice(10).reverse());
    expect(digest.moreAccounts).toBe(10);
    expect(digest.topOffenders.map((o) => o.resourceId)).toEqual(["vpce-14", "vpce-13", "vpce-12"]);
    expect(digest.moreOffenders).toBe(12);
  });
});
