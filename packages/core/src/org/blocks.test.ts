import { describe, expect, it } from "vitest";
import { SLACK_LIMITS, slackMessageProblems, type SectionBlock, type SlackMessage } from "../digest/blocks";
import type { AggregatorSnapshot, OrgFinding, RuleSource } from "./aggregator";
import { orgFallbackText, renderOrgSlackMessage } from "./blocks";
import { buildOrgDigest, type OrgDigest } from "./model";
import type { OrgState } from "./state";

const NOW = new Date("2026-03-09T09:00:00.000Z");
const RULE_IDS = ["interface-endpoint-in-use", "s3-dynamodb-endpoint-is-gateway", "nat-subnet-has-gateway-endpoints", "vpc-flow-logs-enabled"];
const RULES = RULE_IDS.map((ruleId) => ({ ruleId, ruleName: `endpoint-auditor-prod-${ruleId}` }));

function sections(message: SlackMessage): string[] {
  return message.blocks.filter((b): b is SectionBlock => b.type === "section").map((b) => b.text.text);
}

/** An organization of `accounts` accounts × 4 regions, every rule with `perSource` open findings everywhere. */
function orgDigest(accounts: number, perSource: number, previous?: OrgState, extra: Partial<AggregatorSnapshot> = {}): OrgDigest {
  const sources: RuleSource[] = [];
  const open: OrgFinding[] = [];
  for (let a = 0; a < accounts; a++) {
    const accountId = String(400_000_000_000 + a);
    for (const region of ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]) {
      for (const { ruleId, ruleName } of RULES) {
        sources.push({ ruleId, ruleName, accountId, region, compliance: "NON_COMPLIANT", lastEvaluatedAt: "2026-03-09T06:00:00.000Z", read: true });
        for (let i = 0; i < perSource; i++) {
          const saving = ruleId === "interface-endpoint-in-use" ? 7.3 * (1 + ((a + i) % 3)) : undefined;
          open.push({
            ruleId,
            accountId,
            region,
            resourceType: "AWS::EC2::VPCEndpoint",
            resourceId: `vpce-${a.toString(16)}${i.toString(16).padStart(13, "0")}`,
            annotation: `No traffic in 30 days; ${saving ? `about $${saving.toFixed(2)}/month for 2 AZs` : "no saving"}. Delete it or share it via a hub VPC <${i}> & more text to make the line long enough to matter.`,
            ...(saving ? { monthlySavingsUsd: saving } : {}),
          });
        }
      }
    }
  }
  const snapshot: AggregatorSnapshot = { sources, open, failures: [], calls: { describe: 4, details: 0, probes: 0 }, ...extra };
  return buildOrgDigest(
    { aggregatorName: "org-aggregator", aggregatorRegion: "us-east-1", now: NOW, snapshot, rules: RULES, staleAfterHours: 48, ...(previous ? { previous } : {}) },
    { topOffenders: 50, topAccounts: 50 },
  ).digest;
}

describe("organization digest: Slack message", () => {
  it("Given 200 accounts × 4 regions × 4 rules with 5,000+ open findings, Then the message keeps every Slack limit and ends long lists with '…and N more'", () => {
    const digest = orgDigest(200, 8);
    expect(digest.totals.open).toBe(200 * 4 * 4 * 8);
    const message = renderOrgSlackMessage(digest);
    expect(slackMessageProblems(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    for (const text of sections(message)) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const all = sections(message).join("\n");
    expect(all).toMatch(/…and \d+ more accounts/);
    expect(all).toMatch(/…and \d+ more/);
  });

  it("Given a digest with history, Then the summary, each rule, the account table and the offenders name the counts, the waste, the account and the region", () => {
    const first = buildOrgDigest({
      aggregatorName: "org-aggregator",
      aggregatorRegion: "us-east-1",
      now: new Date("2026-03-02T09:00:00.000Z"),
      snapshot: { sources: [], open: [], failures: [], calls: { describe: 4, details: 0, probes: 0 } },
      rules: RULES,
      staleAfterHours: 48,
    }).state;
    const digest = orgDigest(2, 1, first);
    const message = renderOrgSlackMessage(digest);
    const [summary, ...rest] = sections(message);
    expect(summary).toContain("*32 open findings* in 2 accounts · 32 new · 0 resolved since 2026-03-02");
    expect(summary).toMatch(/\*\$[\d,.]+\/month\* estimated waste/);
    const ruleSection = rest.find((s) => s.startsWith("*interface-endpoint-in-use*"));
    expect(ruleSection).toMatch(/8 open · 8 new · 0 resolved · \$[\d.,]+\/month · in 2 accounts \(reports in 8 account-regions\)/);
    const table = rest.find((s) => s.startsWith("*Accounts with the most waste*"));
    expect(table).toContain("ACCOUNT       OPEN  NEW  RESOLVED  $/MONTH");
    expect(table).toMatch(/400000000001\s+16\s+16\s+0\s+\$/);
    const offenders = rest.find((s) => s.startsWith("*Top offenders by monthly saving*"));
    expect(offenders).toMatch(/• \*\$14\.60\/mo\* `vpce-1[0-9a-f]+` 400000000001 · (us-east-1|us-west-2|eu-west-1|ap-southeast-2) \(interface-endpoint-in-use\) :new: — No traffic/);
    // User text cannot open links or mentions.
    expect(offenders).toContain("&lt;0&gt; &amp; more");
    expect(message.text).toBe("Endpoint audit, organization (aggregator org-aggregator): 32 open findings in 2 accounts (32 new, 0 resolved), $87.60/month estimated waste.");
  });

  it("Given rules not reporting and parts not read, Then each has its own section naming rule, account, region and last evaluation, and the fallback text says so", () => {
    const failure = { call: "config:GetAggregateComplianceDetailsByConfigRule", ruleId: "vpc-flow-logs-enabled", accountId: "400000000000", region: "eu-west-1", code: "AccessDeniedException", message: "not authorized" };
    const digest = orgDigest(1, 0, undefined, {
      sources: [
        { ruleId: "interface-endpoint-in-use", ruleName: "x", accountId: "400000000000", region: "us-east-1", compliance: "COMPLIANT", lastEvaluatedAt: "2026-03-01T06:00:00.000Z", read: true },
        { ruleId: "vpc-flow-logs-enabled", ruleName: "y", accountId: "400000000000", region: "eu-west-1", compliance: "NON_COMPLIANT", read: false },
      ],
      failures: [failure],
    });
    const message = renderOrgSlackMessage(digest);
    const all = sections(message).join("\n");
    expect(all).toContain(":warning: *Not reporting* (no evaluation within 48 h");
    expect(all).toContain("• interface-endpoint-in-use in 400000000000 · us-east-1: last evaluation 2026-03-01 06:00 UTC");
    expect(all).toContain(":warning: *Not read this week*");
    expect(all).toContain("• vpc-flow-logs-enabled in 400000000000 · eu-west-1: not authorized");
    expect(message.text).toContain("1 not reporting, 1 not read");
    expect(slackMessageProblems(message)).toEqual([]);
  });

  it("Given an all-clear organization, Then a short all-clear message with the account count", () => {
    const digest = orgDigest(3, 0, undefined, {
      sources: [{ ruleId: "interface-endpoint-in-use", ruleName: "x", accountId: "400000000000", region: "us-east-1", compliance: "COMPLIANT", lastEvaluatedAt: "2026-03-09T06:00:00.000Z", read: true }],
    });
    expect(digest.allClear).toBe(true);
    const message = renderOrgSlackMessage(digest);
    expect(message.blocks).toHaveLength(3);
    expect(sections(message)).toEqual([":white_check_mark: *All clear.* No open findings, nothing resolved, every rule reporting."]);
    expect(orgFallbackText(digest)).toBe("Endpoint audit, organization (aggregator org-aggregator): all clear, no open findings in 1 account.");
  });

  it("Given a first run, Then the summary says new and resolved start next week; Given an unusable earlier state, Then it says why", () => {
    expect(sections(renderOrgSlackMessage(orgDigest(1, 1)))[0]).toContain("_First run: new and resolved findings are counted from next week._");
    const digest = { ...orgDigest(1, 1), historyNote: "the state of 2026-W09 does not match its checksum" };
    expect(sections(renderOrgSlackMessage(digest))[0]).toContain("_No comparison this week: the state of 2026-W09 does not match its checksum._");
  });

  it("Given fewer blocks allowed than rules need, Then the rules are cut with '…and N more rules' and the message still fits", () => {
    const digest = orgDigest(2, 1);
    const message = renderOrgSlackMessage(digest, { maxBlocks: 8 });
    expect(message.blocks).toHaveLength(8);
    expect(JSON.stringify(message)).toMatch(/…and \d more rules/);
  });
});
