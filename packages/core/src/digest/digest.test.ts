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

describe("buildDigest: rules not reporting and exemptions", () => {
  const silent = { ruleId: "vpc-flow-logs-enabled", configRuleName: "ea-prod-vpc-flow-logs-enabled", reporting: false, allowedSilenceHours: 48 };
  const fine = { ruleId: "interface-endpoint-in-use", configRuleName: "ea-prod-interface-endpoint-in-use", reporting: true, lastSuccessAt: "2024-01-08T06:00:00.000Z", allowedSilenceHours: 48 };

  it("Given nothing open but a deployed rule not reporting, Then the digest is not all clear and names that rule only", () => {
    const digest = buildDigest(input([], [], { reporting: [fine, silent] }));
    expect(digest.allClear).toBe(false);
    expect(digest.notReporting.map((r) => r.ruleId)).toEqual(["vpc-flow-logs-enabled"]);
    expect(digest.reportingChecked).toBe(true);
  });

  it("Given every deployed rule reporting and nothing open, Then all clear", () => {
    expect(buildDigest(input([], [], { reporting: [fine] })).allClear).toBe(true);
  });

  it("Given exemptions granted in and before the window, some expiring within 14 days, Then the sections hold the right ones, by until", () => {
    const digest = buildDigest(
      input([], [], {
        exempt: [
          { ruleId: "r", resourceId: "a", reason: "old, no expiry", exemptedAt: "2023-12-01T09:00:00.000Z" },
          { ruleId: "r", resourceId: "b", reason: "new, long", until: "2024-06-30", exemptedAt: "2024-01-03T09:00:00.000Z" },
          { ruleId: "r", resourceId: "c", reason: "old, ends in 14 days", until: "2024-01-22", exemptedAt: "2023-12-01T09:00:00.000Z" },
          { ruleId: "r", resourceId: "d", reason: "old, ends in 15 days", until: "2024-01-23", exemptedAt: "2023-12-01T09:00:00.000Z" },
          { ruleId: "r", resourceId: "e", reason: "new, ends soon", until: "2024-01-10", exemptedAt: "2024-01-08T08:59:59.000Z" },
        ],
      }),
    );
    expect(digest.exemptedThisWeek.map((e) => e.resourceId)).toEqual(["e", "b"]);
    expect(digest.expiringSoon.map((e) => e.resourceId)).toEqual(["e", "c"]);
    expect(digest.exemptionsInForce).toBe(5);
    expect(digest.allClear).toBe(false);
    expect(digest.totals.resolvedThisWeek).toBe(0);
  });

  it("Given a scan (no history) with exempt evaluations, Then only expiring soon is reported, never exempted this week", () => {
    const scan = {
      accountId: "123456789012",
      scannedAt: until.toISOString(),
      regions: ["eu-west-1"],
      errors: [],
      evaluations: [
        { ruleId: "r", resourceType: "AWS::EC2::VPC", resourceId: "vpc-1", region: "eu-west-1", accountId: "123456789012", compliance: "NOT_APPLICABLE", annotation: "Exempt until 2024-01-09: lab", exemption: { reason: "lab", until: "2024-01-09" } },
      ],
    } as unknown as ScanResult;
    const digest = buildDigest(digestInputFromScan(scan, "eu-west-1"));
    expect(digest.expiringSoon).toEqual([{ ruleId: "r", resourceId: "vpc-1", reason: "lab", until: "2024-01-09" }]);
    expect(digest.exemptedThisWeek).toEqual([]);
    expect(digest.reportingChecked).toBe(false);
  });

  it("Given 60 rules not reporting, 200 exemptions and 2,000 findings, Then every Slack limit holds and the silent rules come right after the summary", () => {
    const reporting = Array.from({ length: 60 }, (_, i) => ({ ...silent, ruleId: `rule-${i}`, configRuleName: `ea-prod-rule-${i}`, lastFailureAt: "2024-01-08T06:00:00.000Z", lastFailureReason: "x".repeat(300) }));
    const exempt = Array.from({ length: 200 }, (_, i) => ({ ruleId: "r", resourceId: `vpce-${i}`, reason: "y".repeat(200), until: "2024-01-12", exemptedAt: "2024-01-05T00:00:00.000Z" }));
    const message = renderSlackMessage(buildDigest(input(manyFindings(2_000), [], { reporting, exempt })));
    expect(slackMessageProblems(message)).toEqual([]);
    const texts = sections(message);
    expect(texts[1]).toMatch(/^:rotating_light: \*Not reporting\*/);
    expect(texts[1]).toMatch(/…and \d+ more$/);
    expect(texts.some((t) => t.startsWith("*Exempted this week*") && /…and \d+ more$/.test(t))).toBe(true);
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
