/**
 * The AWS Config aggregator read APIs through the real client (AWS JSON 1.1) against fake-aws, and core's
 * `readAggregator` over a synthetic organization judged by the real rules: what it reads, how many calls it
 * makes (the floor the README's "Organization digest" section computes), and how a failed call stays
 * confined to its rule or to its rule, account and region.
 */
import { DescribeAggregateComplianceByConfigRulesCommand, GetAggregateComplianceDetailsByConfigRuleCommand } from "@aws-sdk/client-config-service";
import { AggregatorPageLimits, RULES, readAggregator, type DeployedRule } from "@endpoint-auditor/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientsFor, destroyClients, startFakeAws, type FakeAws, type FakeClients } from "../support/fake-aws";
import { syntheticOrganization, type Organization } from "../support/organization";

const HOME = "us-east-1";
const AGGREGATOR = "org-aggregator";
const EVALUATED_AT = new Date("2026-03-01T06:00:00.000Z");
const PREFIX = "endpoint-auditor-prod-";
const RULES_DEPLOYED: DeployedRule[] = RULES.map((r) => ({ ruleId: r.metadata.id, ruleName: `${PREFIX}${r.metadata.id}` }));

let fake: FakeAws;
let clients: FakeClients;

beforeEach(async () => {
  fake = await startFakeAws({ seed: 5 });
  clients = clientsFor(fake, HOME, { maxAttempts: 2 });
  fake.aggregator.create(AGGREGATOR, HOME);
});
afterEach(async () => {
  destroyClients(clients);
  await fake.close();
});

/** The open findings an aggregator holds, as sorted rows. */
function expectedOpen(org: Organization): string[][] {
  return org.evaluations
    .filter((e) => e.compliance === "NON_COMPLIANT")
    .map((e) => [e.ruleId, e.accountId, e.region, e.resourceType, e.resourceId, e.annotation, String(e.monthlySavingsUsd ?? "")])
    .sort();
}

/** The call floor: one Describe page per rule (≤ 1,000 rows), ⌈n/100⌉ detail pages per NON_COMPLIANT source, one probe per COMPLIANT source. */
function callFloor(org: Organization): { describe: number; details: number; probes: number } {
  const nonCompliantBySource = new Map<string, number>();
  const sourcesByRule = new Map<string, Set<string>>();
  for (const r of org.results) {
    const key = `${r.ruleName}|${r.accountId}|${r.region}`;
    nonCompliantBySource.set(key, (nonCompliantBySource.get(key) ?? 0) + (r.complianceType === "NON_COMPLIANT" ? 1 : 0));
    sourcesByRule.set(r.ruleName, (sourcesByRule.get(r.ruleName) ?? new Set()).add(key));
  }
  let describe = 0;
  for (const rule of RULES_DEPLOYED) {
    describe += Math.max(1, Math.ceil((sourcesByRule.get(rule.ruleName)?.size ?? 0) / AggregatorPageLimits.describeAggregateComplianceByConfigRules));
  }
  let details = 0;
  let probes = 0;
  for (const nonCompliant of nonCompliantBySource.values()) {
    if (nonCompliant > 0) details += Math.ceil(nonCompliant / AggregatorPageLimits.getAggregateComplianceDetailsByConfigRule);
    else probes += 1;
  }
  return { describe, details, probes };
}

describe("Given an organization of 50 accounts × 4 regions with the four rules deployed everywhere", () => {
  const org = syntheticOrganization({ accounts: 50, regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"], evaluatedAt: EVALUATED_AT, seed: 7 });

  it("Then readAggregator reads every open finding with its annotation and saving, every rule source with its last evaluation, at exactly the call floor", async () => {
    fake.aggregator.add(AGGREGATOR, HOME, org.results);
    const snapshot = await readAggregator(clients.config, { aggregatorName: AGGREGATOR, rules: RULES_DEPLOYED });
    expect(snapshot.failures).toEqual([]);
    const open = snapshot.open.map((f) => [f.ruleId, f.accountId, f.region, f.resourceType, f.resourceId, f.annotation, String(f.monthlySavingsUsd ?? "")]).sort();
    expect(open.length).toBeGreaterThan(500);
    expect(open).toEqual(expectedOpen(org));
    // One source per rule, account and region with results (a rule with nothing in scope there has none).
    const withResults = new Set(org.results.map((r) => `${r.ruleName}|${r.accountId}|${r.region}`));
    expect(withResults.size).toBeGreaterThan(700);
    expect(snapshot.sources.map((s) => `${s.ruleName}|${s.accountId}|${s.region}`).sort()).toEqual([...withResults].sort());
    for (const s of snapshot.sources) expect(s).toMatchObject({ read: true, lastEvaluatedAt: EVALUATED_AT.toISOString() });

    const floor = callFloor(org);
    expect(snapshot.calls).toEqual(floor);
    expect(fake.calls.count("Config:DescribeAggregateComplianceByConfigRules")).toBe(floor.describe);
    expect(fake.calls.count("Config:GetAggregateComplianceDetailsByConfigRule")).toBe(floor.details + floor.probes);
    // Every detail call asks for the API's largest page; every probe for one result.
    const limits = fake.calls.of("Config:GetAggregateComplianceDetailsByConfigRule").map((c) => `${String(c.params.ComplianceType)}:${String(c.params.Limit)}`);
    expect(new Set(limits)).toEqual(new Set(["NON_COMPLIANT:100", "COMPLIANT:1"]));
    expect(fake.calls.of("Config:DescribeAggregateComplianceByConfigRules").every((c) => c.params.Limit === 1000)).toBe(true);
  });
});

describe("Given a source with 250 open findings and an aggregator that answers every other page empty (documented: an empty page can carry a NextToken)", () => {
  it("Then every finding is read, following the tokens through the empty pages", async () => {
    const ruleName = RULES_DEPLOYED[0]!.ruleName;
    fake.aggregator.add(
      AGGREGATOR,
      HOME,
      Array.from({ length: 250 }, (_, i) => ({
        accountId: "111111111111",
        region: "eu-west-1",
        ruleName,
        resourceType: "AWS::EC2::VPCEndpoint",
        resourceId: `vpce-${String(i).padStart(17, "0")}`,
        complianceType: "NON_COMPLIANT" as const,
        annotation: `No traffic in 30 days; about $7.30/month for 1 AZ. Delete vpce-${i}.`,
        orderingTimestamp: EVALUATED_AT,
      })),
    );
    fake.aggregator.emptyPages(true);
    const snapshot = await readAggregator(clients.config, { aggregatorName: AGGREGATOR, rules: RULES_DEPLOYED });
    expect(snapshot.failures).toEqual([]);
    expect(snapshot.open).toHaveLength(250);
    expect(new Set(snapshot.open.map((f) => f.resourceId)).size).toBe(250);
    expect(snapshot.open.every((f) => f.monthlySavingsUsd === 7.3)).toBe(true);
    // 3 pages of results and 2 empty ones between them.
    expect(snapshot.calls.details).toBe(5);
  });
});

describe("Given results the aggregator drops or keeps", () => {
  it("Then a resource that became NOT_APPLICABLE is not read as open, and a rule with only COMPLIANT results costs one probe of Limit 1", async () => {
    const ruleName = RULES_DEPLOYED[3]!.ruleName;
    const base = { accountId: "222222222222", region: "eu-west-1", ruleName, resourceType: "AWS::EC2::VPC", orderingTimestamp: EVALUATED_AT };
    fake.aggregator.add(AGGREGATOR, HOME, [
      { ...base, resourceId: "vpc-1", complianceType: "NON_COMPLIANT", annotation: "No flow log records vpc-1 or its subnets." },
      { ...base, resourceId: "vpc-2", complianceType: "COMPLIANT", annotation: "Flow log fl-2 on vpc-2 is active and delivering." },
    ]);
    fake.aggregator.add(AGGREGATOR, HOME, [{ ...base, resourceId: "vpc-1", complianceType: "NOT_APPLICABLE", orderingTimestamp: new Date("2026-03-02T06:00:00Z") }]);
    const snapshot = await readAggregator(clients.config, { aggregatorName: AGGREGATOR, rules: RULES_DEPLOYED });
    expect(snapshot.open).toEqual([]);
    expect(snapshot.sources).toEqual([
      { ruleId: RULES_DEPLOYED[3]!.ruleId, ruleName, accountId: "222222222222", region: "eu-west-1", compliance: "COMPLIANT", lastEvaluatedAt: EVALUATED_AT.toISOString(), read: true },
    ]);
    expect(snapshot.calls).toEqual({ describe: 4, details: 0, probes: 1 });
  });
});

describe("Given calls that fail", () => {
  const org = syntheticOrganization({ accounts: 3, regions: ["eu-west-1", "us-east-1"], evaluatedAt: EVALUATED_AT, seed: 11 });

  it("Given one details call denied, Then only that rule, account and region is unread (named, with the error code) and everything else is read", async () => {
    fake.aggregator.add(AGGREGATOR, HOME, org.results);
    fake.setFaults([{ service: "Config", action: "GetAggregateComplianceDetailsByConfigRule", fail: true, times: 1 }]);
    const snapshot = await readAggregator(clients.config, { aggregatorName: AGGREGATOR, rules: RULES_DEPLOYED, concurrency: 1 });
    expect(snapshot.failures).toHaveLength(1);
    const failure = snapshot.failures[0]!;
    expect(failure).toMatchObject({ call: "config:GetAggregateComplianceDetailsByConfigRule", code: "AccessDeniedException" });
    expect(failure.message).toContain(`rule ${failure.ruleId} for account ${failure.accountId} in ${failure.region}`);
    const unread = snapshot.sources.filter((s) => !s.read);
    expect(unread.map((s) => [s.ruleId, s.accountId, s.region])).toEqual([[failure.ruleId, failure.accountId, failure.region]]);
    const isUnread = (f: { ruleId: string; accountId: string; region: string }) => f.ruleId === failure.ruleId && f.accountId === failure.accountId && f.region === failure.region;
    const want = expectedOpen(org).filter((row) => !(row[0] === failure.ruleId && row[1] === failure.accountId && row[2] === failure.region));
    expect(snapshot.open.some(isUnread)).toBe(false);
    expect(snapshot.open.map((f) => [f.ruleId, f.accountId, f.region, f.resourceType, f.resourceId, f.annotation, String(f.monthlySavingsUsd ?? "")]).sort()).toEqual(want);
  });

  it("Given one rule's Describe denied, Then that rule has a failure and no source, and the other rules are read", async () => {
    fake.aggregator.add(AGGREGATOR, HOME, org.results);
    fake.setFaults([{ service: "Config", action: "DescribeAggregateComplianceByConfigRules", fail: true, times: 1 }]);
    const snapshot = await readAggregator(clients.config, { aggregatorName: AGGREGATOR, rules: RULES_DEPLOYED, concurrency: 1 });
    expect(snapshot.failures.map((f) => [f.call, f.ruleId, f.accountId])).toEqual([["config:DescribeAggregateComplianceByConfigRules", RULES_DEPLOYED[0]!.ruleId, undefined]]);
    expect(snapshot.sources.some((s) => s.ruleId === RULES_DEPLOYED[0]!.ruleId)).toBe(false);
    expect(new Set(snapshot.sources.map((s) => s.ruleId))).toEqual(new Set(RULES_DEPLOYED.slice(1).map((r) => r.ruleId)));
  });

  it("Given an aggregator name that does not exist, Then every rule fails with NoSuchConfigurationAggregatorException and nothing is read as clean", async () => {
    const snapshot = await readAggregator(clients.config, { aggregatorName: "no-such-aggregator", rules: RULES_DEPLOYED });
    expect(snapshot.sources).toEqual([]);
    expect(snapshot.failures.map((f) => f.code)).toEqual(RULES_DEPLOYED.map(() => "NoSuchConfigurationAggregatorException"));
  });
});

describe("fake-aws aggregator: validation as the AWS Config API reference documents it", () => {
  it("Given Limit above the API's maximum, Then InvalidLimitException (1,000 for Describe, 100 for details)", async () => {
    await expect(clients.config.send(new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: AGGREGATOR, Limit: 1001 }))).rejects.toMatchObject({ name: "InvalidLimitException" });
    await expect(
      clients.config.send(new GetAggregateComplianceDetailsByConfigRuleCommand({ ConfigurationAggregatorName: AGGREGATOR, ConfigRuleName: "r", AccountId: "111111111111", AwsRegion: "eu-west-1", Limit: 101 })),
    ).rejects.toMatchObject({ name: "InvalidLimitException" });
  });

  it("Given ComplianceType NOT_APPLICABLE (not supported for aggregated results), Then InvalidParameterValueException", async () => {
    await expect(
      clients.config.send(
        new GetAggregateComplianceDetailsByConfigRuleCommand({ ConfigurationAggregatorName: AGGREGATOR, ConfigRuleName: "r", AccountId: "111111111111", AwsRegion: "eu-west-1", ComplianceType: "NOT_APPLICABLE" }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException" });
  });

  it("Given a NextToken of another request, Then InvalidNextTokenException", async () => {
    const ruleName = RULES_DEPLOYED[0]!.ruleName;
    fake.aggregator.add(
      AGGREGATOR,
      HOME,
      Array.from({ length: 3 }, (_, i) => ({ accountId: "111111111111", region: "eu-west-1", ruleName, resourceType: "AWS::EC2::VPCEndpoint", resourceId: `vpce-${i}`, complianceType: "NON_COMPLIANT" as const, orderingTimestamp: EVALUATED_AT })),
    );
    const first = await clients.config.send(new GetAggregateComplianceDetailsByConfigRuleCommand({ ConfigurationAggregatorName: AGGREGATOR, ConfigRuleName: ruleName, AccountId: "111111111111", AwsRegion: "eu-west-1", Limit: 1 }));
    expect(first.NextToken).toBeDefined();
    expect(first.AggregateEvaluationResults?.[0]).toMatchObject({ AccountId: "111111111111", AwsRegion: "eu-west-1", ComplianceType: "NON_COMPLIANT", EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: ruleName, ResourceId: "vpce-0" } } });
    expect(first.AggregateEvaluationResults?.[0]?.ConfigRuleInvokedTime).toEqual(EVALUATED_AT);
    await expect(
      clients.config.send(new GetAggregateComplianceDetailsByConfigRuleCommand({ ConfigurationAggregatorName: AGGREGATOR, ConfigRuleName: ruleName, AccountId: "111111111111", AwsRegion: "us-east-1", NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: "InvalidNextTokenException" });
  });

  it("Given a NON_COMPLIANT rule source, Then Describe shows its capped contributor count; a COMPLIANT one shows none", async () => {
    const ruleName = RULES_DEPLOYED[0]!.ruleName;
    const base = { region: "eu-west-1", ruleName, resourceType: "AWS::EC2::VPCEndpoint", orderingTimestamp: EVALUATED_AT };
    fake.aggregator.add(AGGREGATOR, HOME, [
      ...Array.from({ length: 120 }, (_, i) => ({ ...base, accountId: "111111111111", resourceId: `vpce-a${i}`, complianceType: "NON_COMPLIANT" as const })),
      { ...base, accountId: "222222222222", resourceId: "vpce-b", complianceType: "COMPLIANT" as const },
    ]);
    const out = await clients.config.send(new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: AGGREGATOR, Filters: { ConfigRuleName: ruleName } }));
    expect(out.AggregateComplianceByConfigRules).toEqual([
      { ConfigRuleName: ruleName, Compliance: { ComplianceType: "NON_COMPLIANT", ComplianceContributorCount: { CappedCount: 100, CapExceeded: true } }, AccountId: "111111111111", AwsRegion: "eu-west-1" },
      { ConfigRuleName: ruleName, Compliance: { ComplianceType: "COMPLIANT" }, AccountId: "222222222222", AwsRegion: "eu-west-1" },
    ]);
  });
});
