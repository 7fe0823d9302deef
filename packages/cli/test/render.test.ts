/** The renderers are pure functions: a ScanResult in, text out. */
import { describe, expect, it } from "vitest";
import type { Evaluation, RuleMetadata, ScanResult } from "@endpoint-auditor/core";
import { formatUsd, groupByRule, summaryLine, wrap } from "../src/render/common";
import { renderJson, writeJson } from "../src/render/json";
import { escapeCell, renderMarkdown } from "../src/render/markdown";
import { renderRulesJson, renderRulesMarkdown, renderRulesTable } from "../src/render/rules";
import { renderTable } from "../src/render/table";

const ACCOUNT = "123456789012";

function evaluation(partial: Partial<Evaluation> & Pick<Evaluation, "ruleId" | "resourceId" | "compliance">): Evaluation {
  return {
    resourceType: partial.ruleId === "flow" ? "AWS::EC2::VPC" : "AWS::EC2::VPCEndpoint",
    region: "us-east-1",
    accountId: ACCOUNT,
    annotation: `${partial.compliance} ${partial.resourceId}`,
    ...partial,
  };
}

const RULES = [
  { id: "idle", title: "Endpoints carry traffic" },
  { id: "flow", title: "Flow logs on" },
];

/** Two rules, mixed statuses given out of order, one error with a rule and one without. */
const RESULT: ScanResult = {
  accountId: ACCOUNT,
  scannedAt: "2026-11-23T06:00:00.000Z",
  regions: ["us-east-1", "eu-west-1"],
  evaluations: [
    evaluation({ ruleId: "idle", resourceId: "vpce-0aaa", compliance: "COMPLIANT", annotation: "In use: 12 GB in 30 days." }),
    evaluation({ ruleId: "idle", resourceId: "vpce-0bbb", compliance: "NOT_APPLICABLE", annotation: "Too new to judge." }),
    evaluation({
      ruleId: "idle",
      resourceId: "vpce-0ccc",
      compliance: "NON_COMPLIANT",
      annotation: "No traffic in 30 days; about $14.60/month for 2 AZs. Delete vpce-0ccc or share it via a hub VPC.",
      monthlySavingsUsd: 14.6,
    }),
    evaluation({
      ruleId: "idle",
      resourceId: "vpce-0ddd",
      region: "eu-west-1",
      compliance: "NON_COMPLIANT",
      annotation: "No traffic in 30 days; about $24.09/month for 3 AZs.",
      monthlySavingsUsd: 24.09,
    }),
    evaluation({ ruleId: "flow", resourceId: "vpc-0eee", compliance: "NON_COMPLIANT", annotation: "No flow log | none at all." }),
  ],
  errors: [
    { region: "eu-west-1", ruleId: "flow", message: "not evaluated: ec2:DescribeFlowLogs failed: You are not authorized to perform this operation." },
    { region: "ap-south-1", message: "region failed: connect ETIMEDOUT" },
  ],
};

describe("renderJson", () => {
  it("Given evaluations with and without savings and errors with and without a rule, Then keys are exactly the documented ones, in order", () => {
    const out = JSON.parse(renderJson(RESULT)) as Record<string, unknown> & { evaluations: object[]; errors: object[] };
    expect(Object.keys(out)).toEqual(["accountId", "scannedAt", "regions", "evaluations", "errors"]);
    expect(Object.keys(out.evaluations[0] ?? {})).toEqual(["ruleId", "resourceType", "resourceId", "region", "accountId", "compliance", "annotation"]);
    expect(Object.keys(out.evaluations[2] ?? {})).toEqual([
      "ruleId",
      "resourceType",
      "resourceId",
      "region",
      "accountId",
      "compliance",
      "annotation",
      "monthlySavingsUsd",
    ]);
    expect(out.errors).toEqual([
      { region: "eu-west-1", ruleId: "flow", message: RESULT.errors[0]?.message },
      { region: "ap-south-1", message: "region failed: connect ETIMEDOUT" },
    ]);
    expect(Object.keys(out.errors[1] ?? {})).toEqual(["region", "message"]);
  });

  it("Given an evaluation object carrying extra properties, Then only the documented keys are printed", () => {
    const extra = { ...RESULT, evaluations: [{ ...RESULT.evaluations[0], internal: "secret" } as Evaluation] };
    expect(renderJson(extra)).not.toContain("internal");
  });

  it("Given 2,500 evaluations, Then writeJson writes the text of JSON.stringify(…, null, 2) in chunks of at most 1,000 evaluations", () => {
    const base = RESULT.evaluations;
    const many = { ...RESULT, evaluations: Array.from({ length: 2_500 }, (_, i) => ({ ...(base[i % base.length] as Evaluation), resourceId: `vpce-${i}` })) };
    const chunks: string[] = [];
    writeJson(many, { write: (chunk) => chunks.push(chunk) });
    const expected = `${JSON.stringify(JSON.parse(renderJson(many)), null, 2)}\n`;
    expect(chunks.join("")).toBe(expected);
    expect(chunks.join("")).toBe(renderJson(many));
    expect(Math.max(...chunks.map((c) => c.split('"compliance"').length - 1))).toBe(1_000);
    expect(chunks.length).toBe(5); // head, 3 chunks of evaluations, tail
  });

  it("Given no evaluations, Then the evaluations are an empty array, as JSON.stringify writes it", () => {
    const empty = { ...RESULT, evaluations: [] };
    expect(renderJson(empty)).toContain('"evaluations": [],');
    expect(JSON.parse(renderJson(empty))).toMatchObject({ evaluations: [], errors: RESULT.errors.map((e) => ({ region: e.region })) });
  });

  it("Then the JSON keeps the evaluation order of the result (it is data, not a report)", () => {
    const out = JSON.parse(renderJson(RESULT)) as { evaluations: { resourceId: string }[] };
    expect(out.evaluations.map((e) => e.resourceId)).toEqual(RESULT.evaluations.map((e) => e.resourceId));
  });
});

describe("groupByRule", () => {
  it("Given rules and a result, Then groups follow the rule order and sort NON_COMPLIANT (largest saving first), COMPLIANT, NOT_APPLICABLE", () => {
    const groups = groupByRule(RESULT, RULES);
    expect(groups.map((g) => g.ruleId)).toEqual(["idle", "flow"]);
    expect(groups[0]?.evaluations.map((e) => e.resourceId)).toEqual(["vpce-0ddd", "vpce-0ccc", "vpce-0aaa", "vpce-0bbb"]);
    expect(groups[0]?.counts).toEqual({ NON_COMPLIANT: 2, COMPLIANT: 1, NOT_APPLICABLE: 1 });
    expect(groups[0]?.monthlySavingsUsd).toBe(38.69);
    expect(groups[1]?.errors.map((e) => e.region)).toEqual(["eu-west-1"]);
  });

  it("Given a rule with no evaluations and an unknown rule id in the result, Then both get a group (the unknown one titled by its id)", () => {
    const groups = groupByRule(
      { evaluations: [evaluation({ ruleId: "other", resourceId: "vpc-1", compliance: "COMPLIANT" })], errors: [] },
      RULES,
    );
    expect(groups.map((g) => [g.ruleId, g.title, g.evaluations.length])).toEqual([
      ["idle", "Endpoints carry traffic", 0],
      ["flow", "Flow logs on", 0],
      ["other", "other", 1],
    ]);
  });
});

describe("renderTable", () => {
  it("Given a result at width 100 without colour, Then it prints the grouped report exactly", () => {
    expect(renderTable(RESULT, { rules: RULES, width: 100, color: false })).toBe(
      [
        "Account 123456789012 · regions us-east-1, eu-west-1 · evaluated at 2026-11-23T06:00:00.000Z",
        "",
        "Endpoints carry traffic (idle)",
        "  2 non-compliant, 1 compliant, 1 not applicable · potential savings $38.69/month",
        "  RESOURCE   REGION     STATUS          $/MONTH  ANNOTATION",
        "  vpce-0ddd  eu-west-1  NON_COMPLIANT    $24.09  No traffic in 30 days; about $24.09/month for 3",
        "                                                 AZs.",
        "  vpce-0ccc  us-east-1  NON_COMPLIANT    $14.60  No traffic in 30 days; about $14.60/month for 2",
        "                                                 AZs. Delete vpce-0ccc or share it via a hub VPC.",
        "  vpce-0aaa  us-east-1  COMPLIANT                In use: 12 GB in 30 days.",
        "  vpce-0bbb  us-east-1  NOT_APPLICABLE           Too new to judge.",
        "",
        "Flow logs on (flow)",
        "  1 non-compliant · not evaluated in eu-west-1 (see Errors)",
        "  RESOURCE   REGION     STATUS          $/MONTH  ANNOTATION",
        "  vpc-0eee   us-east-1  NON_COMPLIANT            No flow log | none at all.",
        "",
        "Errors (2)",
        "  eu-west-1 flow: not evaluated: ec2:DescribeFlowLogs failed: You are not authorized to perform this",
        "                  operation.",
        "  ap-south-1: region failed: connect ETIMEDOUT",
        "",
        "Total potential savings: $38.69/month (3 non-compliant, 1 compliant, 1 not applicable; 2 errors)",
        "",
      ].join("\n"),
    );
  });

  it("Given colour, Then statuses are coloured (red, green, dim) and the text without escapes is the plain report", () => {
    const plain = renderTable(RESULT, { rules: RULES, width: 100, color: false });
    const coloured = renderTable(RESULT, { rules: RULES, width: 100, color: true });
    expect(coloured).toContain("\u001b[31mNON_COMPLIANT \u001b[0m");
    expect(coloured).toContain("\u001b[32mCOMPLIANT     \u001b[0m");
    expect(coloured).toContain("\u001b[2mNOT_APPLICABLE\u001b[0m");
    // eslint-disable-next-line no-control-regex
    const stripped = coloured.replace(/\u001b\[\d+m/g, "");
    expect(stripped.split("\n").map((l) => l.trimEnd())).toEqual(plain.split("\n"));
  });

  it("Given an empty result, Then each rule says nothing was evaluated and the total is $0.00", () => {
    const out = renderTable({ ...RESULT, evaluations: [], errors: [] }, { rules: RULES, width: 80, color: false });
    expect(out).toContain("Endpoints carry traffic (idle)\n  nothing evaluated\n");
    expect(out).not.toContain("RESOURCE");
    expect(out.trimEnd().split("\n").pop()).toBe("Total potential savings: $0.00/month (nothing evaluated)");
  });

  it("Given a width too narrow for an annotation column, Then each annotation goes under its row, wrapped to the width", () => {
    const out = renderTable(RESULT, { rules: RULES, width: 50, color: false });
    const lines = out.split("\n");
    const row = lines.findIndex((l) => l.startsWith("  vpce-0ccc"));
    expect(lines[row]).toBe("  vpce-0ccc  us-east-1  NON_COMPLIANT    $14.60");
    expect(lines.slice(row + 1, row + 4)).toEqual([
      "      No traffic in 30 days; about $14.60/month",
      "      for 2 AZs. Delete vpce-0ccc or share it via",
      "      a hub VPC.",
    ]);
    expect(lines).toContain("  RESOURCE   REGION     STATUS          $/MONTH");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(50);
  });
});

describe("renderMarkdown", () => {
  it("Given a result, Then it prints GFM sections with escaped cells, an errors table and the total", () => {
    const out = renderMarkdown(RESULT, { rules: RULES });
    expect(out).toBe(
      [
        "# endpoint-auditor report",
        "",
        "Account `123456789012` · regions `us-east-1`, `eu-west-1` · evaluated at 2026-11-23T06:00:00.000Z",
        "",
        "## Endpoints carry traffic (`idle`)",
        "",
        "2 non-compliant, 1 compliant, 1 not applicable · potential savings **$38.69/month**",
        "",
        "| Resource | Region | Status | $/month | Annotation |",
        "| --- | --- | --- | ---: | --- |",
        "| `vpce-0ddd` | eu-west-1 | NON_COMPLIANT | $24.09 | No traffic in 30 days; about $24.09/month for 3 AZs. |",
        "| `vpce-0ccc` | us-east-1 | NON_COMPLIANT | $14.60 | No traffic in 30 days; about $14.60/month for 2 AZs. Delete vpce-0ccc or share it via a hub VPC. |",
        "| `vpce-0aaa` | us-east-1 | COMPLIANT |  | In use: 12 GB in 30 days. |",
        "| `vpce-0bbb` | us-east-1 | NOT_APPLICABLE |  | Too new to judge. |",
        "",
        "## Flow logs on (`flow`)",
        "",
        "1 non-compliant · not evaluated in eu-west-1 (see Errors)",
        "",
        "| Resource | Region | Status | $/month | Annotation |",
        "| --- | --- | --- | ---: | --- |",
        "| `vpc-0eee` | us-east-1 | NON_COMPLIANT |  | No flow log \\| none at all. |",
        "",
        "## Errors (2)",
        "",
        "| Region | Rule | Message |",
        "| --- | --- | --- |",
        "| eu-west-1 | `flow` | not evaluated: ec2:DescribeFlowLogs failed: You are not authorized to perform this operation. |",
        "| ap-south-1 |  | region failed: connect ETIMEDOUT |",
        "",
        "**Total potential savings: $38.69/month (3 non-compliant, 1 compliant, 1 not applicable; 2 errors)**",
        "",
      ].join("\n"),
    );
  });

  it("Given cell text with pipes, backslashes, HTML and newlines, Then escapeCell keeps it on one line and inert", () => {
    expect(escapeCell("a|b")).toBe("a\\|b");
    expect(escapeCell("C:\\logs|x")).toBe("C:\\\\logs\\|x");
    expect(escapeCell("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(escapeCell("line one\nline two\r\n")).toBe("line one line two");
  });
});

describe("text helpers", () => {
  it("Given text and a width, Then wrap breaks between words and splits words longer than the width", () => {
    expect(wrap("No traffic in 30 days", 10)).toEqual(["No traffic", "in 30 days"]);
    expect(wrap("subnet-0123456789abcdef0, next hop", 10)).toEqual(["subnet-012", "3456789abc", "def0, next", "hop"]);
    expect(wrap("", 10)).toEqual([""]);
    expect(wrap("  spaced   out  ", 80)).toEqual(["spaced out"]);
  });

  it("Then dollars have two decimals and thousands separators", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(14.6)).toBe("$14.60");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("Given savings that do not add up exactly in floating point, Then the total is summed in cents", () => {
    const many = Array.from({ length: 10 }, (_, i) =>
      evaluation({ ruleId: "idle", resourceId: `vpce-${i}`, compliance: "NON_COMPLIANT", monthlySavingsUsd: 0.1 }),
    );
    expect(summaryLine({ evaluations: many, errors: [] })).toBe("Total potential savings: $1.00/month (10 non-compliant)");
  });
});

describe("rule catalogue renderers", () => {
  const metadata: RuleMetadata = {
    id: "demo-rule",
    title: "A demo rule",
    resourceType: "AWS::EC2::VPC",
    severity: "medium",
    description: "Checks | something.",
    risk: "Some risk.",
    parameters: {
      days: { type: "integer", description: "Days to look back.", default: 30, minimum: 1, maximum: 90 },
      mode: { type: "enum", description: "Optional mode.", values: ["ALL", "ACCEPT"] },
      services: { type: "enumList", description: "Services.", values: ["s3", "dynamodb"], default: ["s3"] },
    },
    requires: ["vpcs", "flowLogs"],
    remediation: { text: "Fix it.", cli: "aws ec2 …", terraform: "resource {}" },
  };
  const rules = [{ metadata, permissions: ["ec2:DescribeFlowLogs", "ec2:DescribeVpcs"] }];

  it("Given a rule, Then the JSON lists each parameter with allowed values and its default as Config text (absent when optional)", () => {
    const [rule] = JSON.parse(renderRulesJson(rules)) as Record<string, unknown>[];
    expect(rule).toEqual({
      id: "demo-rule",
      title: "A demo rule",
      resourceType: "AWS::EC2::VPC",
      severity: "medium",
      description: "Checks | something.",
      risk: "Some risk.",
      parameters: [
        { name: "days", type: "integer", allowed: "an integer from 1 to 90", minimum: 1, maximum: 90, default: "30", description: "Days to look back." },
        { name: "mode", type: "enum", allowed: "one of ALL, ACCEPT", values: ["ALL", "ACCEPT"], description: "Optional mode." },
        {
          name: "services",
          type: "enumList",
          allowed: "a comma-separated list of s3, dynamodb",
          values: ["s3", "dynamodb"],
          default: "s3",
          description: "Services.",
        },
      ],
      permissions: ["ec2:DescribeFlowLogs", "ec2:DescribeVpcs"],
      remediation: "Fix it.",
    });
  });

  it("Given a rule, Then the table names type, severity, each parameter with its default, and the IAM actions", () => {
    const out = renderRulesTable(rules, 120);
    expect(out).toBe(
      [
        "demo-rule — A demo rule",
        "  resource type  AWS::EC2::VPC",
        "  severity       medium",
        "  checks         Checks | something.",
        "  parameters     days: an integer from 1 to 90; default 30. Days to look back.",
        "                 mode: one of ALL, ACCEPT; default none (optional; absent means any). Optional mode.",
        "                 services: a comma-separated list of s3, dynamodb; default s3. Services.",
        "  IAM actions    ec2:DescribeFlowLogs, ec2:DescribeVpcs",
        "",
      ].join("\n"),
    );
  });

  it("Given a rule, Then the Markdown escapes table cells", () => {
    const out = renderRulesMarkdown(rules);
    expect(out).toContain("## `demo-rule` — A demo rule");
    expect(out).toContain("- IAM actions: `ec2:DescribeFlowLogs`, `ec2:DescribeVpcs`");
    expect(out).toContain("| `mode` | one of ALL, ACCEPT | none (optional; absent means any) | Optional mode. |");
    expect(out).toContain("Checks \\| something.");
  });
});
