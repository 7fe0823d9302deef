import { describe, expect, it } from "vitest";
import type { ScanResult } from "../engine/scan";
import {
  SLACK_LIMITS,
  escapeMrkdwn,
  fitLines,
  renderSlackMessage,
  slackMessageProblems,
  type SectionBlock,
  type SlackMessage,
} from "./blocks";
import {
  buildDigest,
  configRuleConsoleUrl,
  digestInputFromScan,
  isoWeek,
  type DigestFinding,
  type DigestInput,
} from "./model";
import { renderDigestText } from "./text";

const RULE_IDS = [
  "interface-endpoint-in-use",
  "s3-dynamodb-endpoint-is-gateway",
  "nat-subnet-has-gateway-endpoints",
  "vpc-flow-logs-enabled",
] as const;
const TITLES: Record<string, string> = {
  "interface-endpoint-in-use": "Interface VPC endpoints carry traffic",
  "s3-dynamodb-endpoint-is-gateway": "S3 and DynamoDB endpoints are gateway endpoints unless hybrid clients need them",
  "nat-subnet-has-gateway-endpoints": "Subnets behind a NAT gateway reach S3/DynamoDB through gateway endpoints",
  "vpc-flow-logs-enabled": "VPC flow logs are enabled and delivering",
};
const since = new Date("2024-01-01T09:00:00.000Z");
const until = new Date("2024-01-08T09:00:00.000Z");

function input(open: DigestFinding[], resolved: DigestFinding[] = [], extra: Partial<DigestInput> = {}): DigestInput {
  return { accountId: "123456789012", region: "eu-west-1", since, until, open, resolved, hasHistory: true, ...extra };
}

function sections(message: SlackMessage): string[] {
  return message.blocks.filter((b): b is SectionBlock => b.type === "section").map((b) => b.text.text);
}

function allText(message: SlackMessage): string {
  return JSON.stringify(message);
}

/** 2,000 open findings across the four rules, as the rules annotate them. */
function manyFindings(count: number): DigestFinding[] {
  return Array.from({ length: count }, (_, i) => {
    const ruleId = RULE_IDS[i % 4] as string;
    const withSavings = ruleId === "interface-endpoint-in-use" || ruleId === "nat-subnet-has-gateway-endpoints";
    return {
      ruleId,
      resourceId: ruleId === "vpc-flow-logs-enabled" ? `vpc-${i.toString(16).padStart(17, "0")}` : `vpce-${i.toString(16).padStart(17, "0")}`,
      annotation: `No traffic in the last 30 days (0 B processed); 2 AZs × $0.01/h ≈ $14.60/month. Finding ${i} of a long list.`,
      ...(withSavings ? { monthlySavingsUsd: 1 + (i % 97) * 0.37 } : {}),
      firstNonCompliantAt: i % 5 === 0 ? "2024-01-03T09:00:00.000Z" : "2023-11-01T09:00:00.000Z",
    };
  });
}

function expectWithinLimits(message: SlackMessage): void {
  expect(slackMessageProblems(message)).toEqual([]);
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  expect(message.text.length).toBeGreaterThan(0);
  for (const block of message.blocks) {
    if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === "section") expect(block.text.text.length).toBeLessThanOrEqual(3000);
  }
}

describe("isoWeek and console links", () => {
  it("Given dates around year ends, Then the ISO week follows the Thursday rule", () => {
    expect(isoWeek(new Date("2024-01-01T00:00:00Z"))).toBe("2024-W01");
    expect(isoWeek(new Date("2024-01-07T23:59:59Z"))).toBe("2024-W01");
    expect(isoWeek(new Date("2024-01-08T09:00:00Z"))).toBe("2024-W02");
    expect(isoWeek(new Date("2021-01-03T12:00:00Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2024-12-30T09:00:00Z"))).toBe("2025-W01");
    expect(isoWeek(new Date("2026-12-31T09:00:00Z"))).toBe("2026-W53");
  });

  it("Given a region and a rule name, Then the link opens that rule in that region's Config console", () => {
    expect(configRuleConsoleUrl("eu-west-1", "endpoint-auditor-vpc-flow-logs-enabled")).toBe(
      "https://eu-west-1.console.aws.amazon.com/config/home?region=eu-west-1#/rules/details?configRuleName=endpoint-auditor-vpc-flow-logs-enabled",
    );
    expect(configRuleConsoleUrl("cn-north-1", "r")).toBe(
      "https://cn-north-1.console.amazonaws.cn/config/home?region=cn-north-1#/rules/details?configRuleName=r",
    );
  });
});

describe("buildDigest", () => {
  it("Given open, new and resolved findings, Then per-rule counts, waste and top offenders are right", () => {
    const digest = buildDigest(
      input(
        [
          { ruleId: "interface-endpoint-in-use", resourceId: "vpce-a", annotation: "idle", monthlySavingsUsd: 21.9, firstNonCompliantAt: "2023-12-01T09:00:00.000Z" },
          { ruleId: "interface-endpoint-in-use", resourceId: "vpce-b", annotation: "idle", monthlySavingsUsd: 7.3, firstNonCompliantAt: "2024-01-02T09:00:00.000Z" },
          { ruleId: "vpc-flow-logs-enabled", resourceId: "vpc-c", annotation: "no flow logs", firstNonCompliantAt: "2024-01-08T09:00:00.000Z" },
        ],
        [{ ruleId: "vpc-flow-logs-enabled", resourceId: "vpc-d", annotation: "ok" }],
      ),
      { ruleTitle: (id) => TITLES[id], configRuleName: (id) => `ea-${id}` },
    );
    expect(digest.isoWeek).toBe("2024-W02");
    expect(digest.totals).toEqual({ nonCompliant: 3, newThisWeek: 1, resolvedThisWeek: 1, monthlyWasteUsd: 29.2 });
    expect(digest.rules.map((r) => [r.ruleId, r.nonCompliant, r.newThisWeek, r.resolvedThisWeek, r.monthlyWasteUsd])).toEqual([
      ["interface-endpoint-in-use", 2, 1, 0, 29.2],
      ["vpc-flow-logs-enabled", 1, 0, 1, 0], // opened exactly at `until`: not in the window
    ]);
    expect(digest.rules[0]?.consoleUrl).toContain("configRuleName=ea-interface-endpoint-in-use");
    expect(digest.topOffenders.map((o) => [o.resourceId, o.isNew])).toEqual([
      ["vpce-a", false],
      ["vpce-b", true],
    ]);
    expect(digest.allClear).toBe(false);
  });

  it("Given a finding that carries its Config rule name, Then the link uses it rather than the default", () => {
    const digest = buildDigest(
      input([{ ruleId: "vpc-flow-logs-enabled", resourceId: "vpc-1", annotation: "x", configRuleName: "prod-flow-logs" }]),
      { configRuleName: () => "fallback" },
    );
    expect(digest.rules[0]?.configRuleName).toBe("prod-flow-logs");
  });

  it("Given nothing open, resolved or failed, Then the digest is all clear", () => {
    expect(buildDigest(input([])).allClear).toBe(true);
    expect(buildDigest(input([], [], { errors: [{ region: "eu-west-1", ruleId: "r", message: "AccessDenied" }] })).allClear).toBe(false);
  });
});

describe("renderSlackMessage", () => {
  it("Given an empty week, Then a short all-clear message with a text fallback", () => {
    const message = renderSlackMessage(buildDigest(input([], [], { accountAlias: "prod" })));
    expectWithinLimits(message);
    expect(message.blocks.map((b) => b.type)).toEqual(["header", "context", "section"]);
    expect(sections(message)[0]).toContain("All clear");
    expect(message.text).toBe("Endpoint audit prod (123456789012) eu-west-1: all clear, no open findings.");
  });

  it("Given one finding, Then header, window, summary, the rule with its console link and the offender with its annotation", () => {
    const digest = buildDigest(
      input(
        [
          {
            ruleId: "interface-endpoint-in-use",
            resourceId: "vpce-0a1b2c3d4e5f67890",
            resourceType: "AWS::EC2::VPCEndpoint",
            annotation: "No traffic in 30 days; 2 AZs × $0.01/h = $14.60/month",
            monthlySavingsUsd: 14.6,
            firstNonCompliantAt: "2024-01-05T09:00:00.000Z",
          },
        ],
        [],
        { accountAlias: "payments-prod" },
      ),
      { ruleTitle: (id) => TITLES[id] },
    );
    const message = renderSlackMessage(digest);
    expectWithinLimits(message);
    const header = message.blocks[0];
    expect(header).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Endpoint audit: payments-prod (123456789012) · eu-west-1", emoji: true },
    });
    const [summary, rule, offenders] = sections(message);
    expect(summary).toBe("*1 open finding* · 1 new this week · 0 resolved this week\n*$14.60/month* estimated waste");
    expect(rule).toBe(
      "*<https://eu-west-1.console.aws.amazon.com/config/home?region=eu-west-1#/rules/details?configRuleName=interface-endpoint-in-use|interface-endpoint-in-use>* — Interface VPC endpoints carry traffic\n1 non-compliant · 1 new · 0 resolved · $14.60/month",
    );
    expect(offenders).toBe(
      "*Top offenders by monthly saving*\n• *$14.60/mo* `vpce-0a1b2c3d4e5f67890` (interface-endpoint-in-use) :new: — No traffic in 30 days; 2 AZs × $0.01/h = $14.60/month",
    );
    expect(message.text).toBe(
      "Endpoint audit payments-prod (123456789012) eu-west-1: 1 open finding (1 new, 0 resolved this week), $14.60/month estimated waste.",
    );
  });

  it("Given 2,000 findings across all rules, Then every limit holds, counts add up and the offender list ends with …and N more", () => {
    const open = manyFindings(2000);
    const resolved = manyFindings(40).map((f) => ({ ...f, resourceId: `${f.resourceId}-gone` }));
    const digest = buildDigest(input(open, resolved), { ruleTitle: (id) => TITLES[id], topOffenders: 50 });
    const message = renderSlackMessage(digest);
    expectWithinLimits(message);

    const withSavings = open.filter((f) => f.monthlySavingsUsd !== undefined);
    const expectedWaste = Math.round(withSavings.reduce((s, f) => s + (f.monthlySavingsUsd ?? 0), 0) * 100) / 100;
    expect(digest.totals.nonCompliant).toBe(2000);
    expect(digest.totals.newThisWeek).toBe(400);
    expect(digest.totals.resolvedThisWeek).toBe(40);
    expect(digest.totals.monthlyWasteUsd).toBeCloseTo(expectedWaste, 2);
    expect(digest.rules.map((r) => r.nonCompliant)).toEqual([500, 500, 500, 500]);
    expect(digest.rules.reduce((s, r) => s + r.resolvedThisWeek, 0)).toBe(40);
    expect(digest.topOffenders).toHaveLength(50);
    expect(digest.moreOffenders).toBe(withSavings.length - 50);

    const offenderSection = sections(message).find((t) => t.startsWith("*Top offenders")) ?? "";
    const shownLines = offenderSection.split("\n").filter((l) => l.startsWith("• "));
    const more = /…and (\d+) more$/.exec(offenderSection);
    expect(more).not.toBeNull();
    expect(shownLines.length + Number(more?.[1])).toBe(withSavings.length);
    // The largest saving comes first.
    const top = Math.max(...withSavings.map((f) => f.monthlySavingsUsd ?? 0));
    expect(shownLines[0]).toContain(`*$${top.toFixed(2)}/mo*`);
    expect(message.text).toContain("2000 open findings (400 new, 40 resolved this week)");
  });

  it("Given 80 rules with findings, Then rule sections stop within 50 blocks and end with …and N more rules", () => {
    const open = Array.from({ length: 80 }, (_, i) => ({ ruleId: `rule-${String(i).padStart(2, "0")}`, resourceId: `r-${i}`, annotation: "x" }));
    const message = renderSlackMessage(buildDigest(input(open)));
    expectWithinLimits(message);
    expect(message.blocks).toHaveLength(50);
    const ruleSections = sections(message).filter((t) => t.includes("/config/home"));
    const more = message.blocks
      .flatMap((b) => (b.type === "context" ? b.elements.map((e) => e.text) : []))
      .find((t) => t.startsWith("…and"));
    expect(more).toBe(`…and ${80 - ruleSections.length} more rules`);
  });

  it("Given very long annotations, alias and error messages, Then sections and header are cut to Slack's limits", () => {
    const long = "x".repeat(5000);
    const open = Array.from({ length: 30 }, (_, i) => ({
      ruleId: "interface-endpoint-in-use",
      resourceId: `vpce-${i}`,
      annotation: long,
      monthlySavingsUsd: 10 + i,
    }));
    const errors = Array.from({ length: 30 }, (_, i) => ({ region: "eu-west-1", ruleId: `rule-${i}`, message: long }));
    const message = renderSlackMessage(buildDigest(input(open, [], { accountAlias: "a".repeat(300), errors })));
    expectWithinLimits(message);
    expect(sections(message).some((t) => t.startsWith(":warning: *Not evaluated*") && /…and \d+ more$/.test(t))).toBe(true);
  });

  it("Given text with Slack control characters, Then it is escaped so it cannot mention or link", () => {
    const message = renderSlackMessage(
      buildDigest(input([{ ruleId: "r", resourceId: "vpce-1", annotation: "<!channel> see <https://evil|here> & more", monthlySavingsUsd: 1 }])),
    );
    expect(allText(message)).not.toContain("<!channel>");
    expect(allText(message)).toContain("&lt;!channel&gt; see &lt;https://evil|here&gt; &amp; more");
    expect(escapeMrkdwn("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });

  it("Given a digest without history, Then new/resolved are not claimed and the window says current state only", () => {
    const message = renderSlackMessage(
      buildDigest(input([{ ruleId: "r", resourceId: "vpce-1", annotation: "x", firstNonCompliantAt: "2024-01-05T00:00:00.000Z" }], [], { hasHistory: false })),
    );
    expect(allText(message)).not.toContain("new this week");
    expect(allText(message)).toContain("current state only, no history");
    expect(message.text).toBe("Endpoint audit 123456789012 eu-west-1: 1 open finding.");
  });

  it("fitLines never exceeds its limit and counts hidden lines", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"y".repeat(i % 40)}`);
    for (const max of [10, 50, 200, 1000, 3000]) {
      const text = fitLines("*Head*", lines, max, 7);
      expect(text.length).toBeLessThanOrEqual(max);
      const shown = text.split("\n").filter((l) => l.startsWith("line ")).length;
      const more = /…and (\d+) more$/.exec(text);
      if (more) expect(shown + Number(more[1])).toBe(107);
    }
    expect(fitLines("*Top*", ["a", "b", "c"], 100)).toBe("*Top*\na\nb\nc");
    expect(fitLines("*Top*", ["a", "b", "c"], 100, 5)).toBe("*Top*\na\nb\nc\n…and 5 more");
  });
});

describe("renderDigestText and digestInputFromScan", () => {
  const scan: ScanResult = {
    accountId: "123456789012",
    scannedAt: "2024-01-08T09:00:00.000Z",
    regions: ["eu-west-1", "us-east-1"],
    evaluations: [
      {
        accountId: "123456789012",
        region: "eu-west-1",
        ruleId: "interface-endpoint-in-use",
        resourceType: "AWS::EC2::VPCEndpoint",
        resourceId: "vpce-1",
        compliance: "NON_COMPLIANT",
        annotation: "No traffic in 30 days",
        monthlySavingsUsd: 14.6,
      },
      {
        accountId: "123456789012",
        region: "eu-west-1",
        ruleId: "vpc-flow-logs-enabled",
        resourceType: "AWS::EC2::VPC",
        resourceId: "vpc-1",
        compliance: "COMPLIANT",
        annotation: "Flow logs deliver to CloudWatch Logs",
      },
      {
        accountId: "123456789012",
        region: "us-east-1",
        ruleId: "vpc-flow-logs-enabled",
        resourceType: "AWS::EC2::VPC",
        resourceId: "vpc-2",
        compliance: "NON_COMPLIANT",
        annotation: "No flow logs",
      },
    ],
    errors: [{ region: "us-east-1", ruleId: "interface-endpoint-in-use", message: "not evaluated: cloudwatch:GetMetricData failed: AccessDenied" }],
  };

  it("Given a scan, Then each region's input holds only that region's open findings and errors, without history", () => {
    const eu = digestInputFromScan(scan, "eu-west-1");
    expect(eu.open.map((f) => f.resourceId)).toEqual(["vpce-1"]);
    expect(eu.errors).toEqual([]);
    expect(eu.hasHistory).toBe(false);
    expect(eu.since.toISOString()).toBe("2024-01-01T09:00:00.000Z");
    const us = digestInputFromScan(scan, "us-east-1", "prod");
    expect(us.open.map((f) => f.resourceId)).toEqual(["vpc-2"]);
    expect(us.errors).toHaveLength(1);
    expect(us.accountAlias).toBe("prod");
  });

  it("Given a scan region, Then the text report lists totals, rules with links, offenders and not-evaluated rules", () => {
    const text = renderDigestText(buildDigest(digestInputFromScan(scan, "us-east-1"), { ruleTitle: (id) => TITLES[id] }));
    expect(text).toBe(
      [
        "Endpoint audit: 123456789012 · us-east-1",
        "Window: 2024-01-01 → 2024-01-08 (UTC) · current state only, no history",
        "",
        "1 open finding",
        "",
        "Rules",
        "  vpc-flow-logs-enabled — VPC flow logs are enabled and delivering",
        "    1 non-compliant",
        "    https://us-east-1.console.aws.amazon.com/config/home?region=us-east-1#/rules/details?configRuleName=vpc-flow-logs-enabled",
        "",
        "Not evaluated (not counted above)",
        "  us-east-1 interface-endpoint-in-use: not evaluated: cloudwatch:GetMetricData failed: AccessDenied",
        "",
      ].join("\n"),
    );
  });

  it("Given an all-clear digest, Then the text report says so", () => {
    expect(renderDigestText(buildDigest(input([])))).toContain("All clear: no open findings and nothing resolved this week.");
  });

  it("Given more offenders than the cap, Then the text report ends the list with …and N more", () => {
    const text = renderDigestText(buildDigest(input(manyFindings(100)), { topOffenders: 5 }));
    expect(text.split("\n").filter((l) => /^ {2}\$/.test(l))).toHaveLength(5);
    expect(text).toContain("  …and 45 more");
  });
});
