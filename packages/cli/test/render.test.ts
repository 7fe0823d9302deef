/** The renderers are pure functions: a report in, text out. */
import { describe, expect, it } from "vitest";
import type { AccountsResult, Evaluation, RuleMetadata } from "@endpoint-auditor/core";
import { ALL_STATUSES, formatUsd, groupByRule, hiddenLine, summaryLine, wrap } from "../src/render/common";
import { CSV_COLUMNS, csvField, renderCsv } from "../src/render/csv";
import { groupErrors } from "../src/render/errors";
import { barChart, escapeHtml, renderHtml } from "../src/render/html";
import { renderJson, writeJson } from "../src/render/json";
import { GITHUB_COMMENT_LIMIT, escapeCell, renderMarkdown } from "../src/render/markdown";
import { renderOcsf } from "../src/render/ocsf";
import { renderRulesJson, renderRulesMarkdown, renderRulesTable } from "../src/render/rules";
import { renderTable } from "../src/render/table";
import { didYouMean, escapeControl } from "../src/text";

const ACCOUNT = "123456789012";
const OTHER = "210987654321";

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
  { id: "idle", title: "Endpoints carry traffic", severity: "low" as const, description: "Idle endpoints.", remediation: { text: "Delete it.", cli: "", terraform: "" } },
  { id: "flow", title: "Flow logs on", severity: "medium" as const },
];

const FLOW_DENIED = { part: "flowLogs", call: "ec2:DescribeFlowLogs", code: "UnauthorizedOperation", message: "You are not authorized to perform this operation." };

/** Two rules, mixed statuses given out of order, one failed list and one error without a rule. */
const RESULT: AccountsResult = {
  accountIds: [ACCOUNT],
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
    { accountId: ACCOUNT, region: "eu-west-1", ruleId: "flow", message: `not evaluated: ec2:DescribeFlowLogs failed: ${FLOW_DENIED.message}`, failedParts: [FLOW_DENIED] },
    { accountId: ACCOUNT, region: "ap-south-1", message: "region failed: connect ETIMEDOUT" },
  ],
};

const ALL = { statuses: ALL_STATUSES };

describe("renderJson", () => {
  it("Given one account, Then keys are exactly the documented ones, in order: accountId, accounts, scannedAt, regions, evaluations, errors", () => {
    const out = JSON.parse(renderJson(RESULT)) as Record<string, unknown> & { evaluations: object[]; errors: object[]; accounts: object[] };
    expect(Object.keys(out)).toEqual(["accountId", "accounts", "scannedAt", "regions", "evaluations", "errors"]);
    expect(out.accounts).toEqual([{ accountId: ACCOUNT, scanned: true, nonCompliant: 3, compliant: 1, notApplicable: 1, errors: 2, monthlySavingsUsd: 38.69 }]);
    expect(Object.keys(out.evaluations[0] ?? {})).toEqual(["ruleId", "resourceType", "resourceId", "region", "accountId", "compliance", "annotation"]);
    expect(Object.keys(out.evaluations[2] ?? {})).toEqual(["ruleId", "resourceType", "resourceId", "region", "accountId", "compliance", "annotation", "monthlySavingsUsd"]);
    expect(out.errors).toEqual([
      { accountId: ACCOUNT, region: "eu-west-1", ruleId: "flow", message: RESULT.errors[0]?.message, failedParts: [FLOW_DENIED] },
      { accountId: ACCOUNT, region: "ap-south-1", message: "region failed: connect ETIMEDOUT" },
    ]);
  });

  it("Given several accounts, Then there is no top-level accountId and accounts lists each, a failed one as not scanned", () => {
    const report: AccountsResult = {
      ...RESULT,
      accountIds: [ACCOUNT, OTHER],
      errors: [{ accountId: OTHER, call: "sts:AssumeRole", code: "AccessDenied", message: "sts:AssumeRole for account 210987654321 failed: denied" }],
    };
    const out = JSON.parse(renderJson(report)) as { accountId?: string; accounts: { accountId: string; scanned: boolean }[]; errors: object[] };
    expect(out.accountId).toBeUndefined();
    expect(out.accounts.map((a) => [a.accountId, a.scanned])).toEqual([[ACCOUNT, true], [OTHER, false]]);
    expect(out.errors).toEqual([{ accountId: OTHER, message: "sts:AssumeRole for account 210987654321 failed: denied", call: "sts:AssumeRole", code: "AccessDenied" }]);
  });

  it("Given an evaluation object carrying extra properties, Then only the documented keys are printed", () => {
    const extra = { ...RESULT, evaluations: [{ ...RESULT.evaluations[0], internal: "secret" } as Evaluation] };
    expect(renderJson(extra)).not.toContain("internal");
  });

  it("Given 2,500 evaluations, Then writeJson writes the text of JSON.stringify(…, null, 2) in chunks of at most 1,000 evaluations", () => {
    const base = RESULT.evaluations;
    const many: AccountsResult = { ...RESULT, evaluations: Array.from({ length: 2_500 }, (_, i) => ({ ...(base[i % base.length] as Evaluation), resourceId: `vpce-${i}` })) };
    const chunks: string[] = [];
    writeJson(many, { write: (chunk) => chunks.push(chunk) });
    expect(chunks.join("")).toBe(`${JSON.stringify(JSON.parse(chunks.join("")), null, 2)}\n`);
    expect(JSON.parse(chunks.join("")).evaluations).toHaveLength(2_500);
    expect(Math.max(...chunks.map((c) => c.split('"compliance"').length - 1))).toBe(1_000);
    expect(chunks).toHaveLength(4); // three chunks of evaluations (the head in the first), then the tail
  });

  it("Given no evaluation passes the status filter, Then the evaluations are an empty array, as JSON.stringify writes it", () => {
    const text = renderJson(RESULT, new Set());
    expect(text).toContain('"evaluations": [],');
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  it("Given an exempt evaluation, Then it carries its exemption (reason, until)", () => {
    const exempt: AccountsResult = {
      ...RESULT,
      evaluations: [evaluation({ ruleId: "flow", resourceId: "vpc-0fff", compliance: "NOT_APPLICABLE", annotation: "Exempt until 2026-12-31: lab", exemption: { reason: "lab", until: "2026-12-31" } })],
    };
    expect(JSON.parse(renderJson(exempt)).evaluations[0].exemption).toEqual({ reason: "lab", until: "2026-12-31" });
  });

  it("Then the JSON keeps the evaluation order of the result (it is data, not a report), and --status filters it", () => {
    const out = JSON.parse(renderJson(RESULT)) as { evaluations: { resourceId: string }[] };
    expect(out.evaluations.map((e) => e.resourceId)).toEqual(RESULT.evaluations.map((e) => e.resourceId));
    const filtered = JSON.parse(renderJson(RESULT, new Set(["COMPLIANT"]))) as { evaluations: { resourceId: string }[] };
    expect(filtered.evaluations.map((e) => e.resourceId)).toEqual(["vpce-0aaa"]);
  });
});

describe("groupByRule and groupErrors", () => {
  it("Given rules and a result, Then groups follow the rule order and sort NON_COMPLIANT (largest saving first), COMPLIANT, NOT_APPLICABLE", () => {
    const groups = groupByRule(RESULT, RULES);
    expect(groups.map((g) => g.ruleId)).toEqual(["idle", "flow"]);
    expect(groups[0]?.evaluations.map((e) => e.resourceId)).toEqual(["vpce-0ddd", "vpce-0ccc", "vpce-0aaa", "vpce-0bbb"]);
    expect(groups[0]?.counts).toEqual({ NON_COMPLIANT: 2, COMPLIANT: 1, NOT_APPLICABLE: 1 });
    expect(groups[0]?.monthlySavingsUsd).toBe(38.69);
    expect(groups[1]?.errors.map((e) => e.region)).toEqual(["eu-west-1"]);
  });

  it("Given a status filter, Then groups list only those statuses but count everything", () => {
    const [idle] = groupByRule(RESULT, RULES, new Set(["NON_COMPLIANT"]));
    expect(idle?.evaluations.map((e) => e.resourceId)).toEqual(["vpce-0ddd", "vpce-0ccc"]);
    expect(idle?.counts).toEqual({ NON_COMPLIANT: 2, COMPLIANT: 1, NOT_APPLICABLE: 1 });
    expect(hiddenLine(RESULT, new Set(["NON_COMPLIANT"]))).toBe("Not shown: 1 compliant, 1 not applicable (--status all shows them)");
    expect(hiddenLine(RESULT, ALL_STATUSES)).toBeUndefined();
  });

  it("Given a rule with no evaluations and an unknown rule id in the result, Then both get a group (the unknown one titled by its id)", () => {
    const groups = groupByRule({ evaluations: [evaluation({ ruleId: "other", resourceId: "vpc-1", compliance: "COMPLIANT" })], errors: [] }, RULES);
    expect(groups.map((g) => [g.ruleId, g.title, g.evaluations.length])).toEqual([
      ["idle", "Endpoints carry traffic", 0],
      ["flow", "Flow logs on", 0],
      ["other", "other", 1],
    ]);
  });

  it("Given one failed list blocking three rules, Then it is one error group naming the three rules", () => {
    const part = { part: "vpcEndpoints", call: "ec2:DescribeVpcEndpoints", code: "UnauthorizedOperation", message: "denied" };
    const errors = ["a", "b", "c"].map((ruleId) => ({ accountId: ACCOUNT, region: "us-east-1", ruleId, message: "not evaluated: ec2:DescribeVpcEndpoints failed: denied", failedParts: [part] }));
    expect(groupErrors(errors)).toEqual([
      { accountId: ACCOUNT, region: "us-east-1", calls: ["ec2:DescribeVpcEndpoints"], code: "UnauthorizedOperation", message: "ec2:DescribeVpcEndpoints failed: denied", rules: ["a", "b", "c"] },
    ]);
  });

  it("Given every list of a region failing with AuthFailure (a region not enabled), Then it is one line asking whether the region is enabled", () => {
    const parts = ["ec2:DescribeVpcs", "ec2:DescribeFlowLogs"].map((call) => ({ part: call, call, code: "AuthFailure", message: "AWS was not able to validate the provided access credentials" }));
    const errors = [{ region: "ap-east-1", ruleId: "flow", message: "x", failedParts: parts }];
    const [group, ...rest] = groupErrors(errors);
    expect(rest).toEqual([]);
    expect(group?.calls).toEqual(["ec2:DescribeVpcs", "ec2:DescribeFlowLogs"]);
    expect(group?.message).toBe(
      "every call failed with AuthFailure (ec2:DescribeVpcs, ec2:DescribeFlowLogs): AWS was not able to validate the provided access credentials — is ap-east-1 enabled for the account?",
    );
  });
});

describe("renderTable", () => {
  it("Given a result at width 100 without colour and every status, Then it prints the grouped report exactly", () => {
    expect(renderTable(RESULT, { rules: RULES, width: 100, color: false, ...ALL })).toBe(
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
        "  eu-west-1: ec2:DescribeFlowLogs failed: You are not authorized to perform this operation.",
        "      (UnauthorizedOperation)",
        "      not evaluated: flow",
        "  ap-south-1: region failed: connect ETIMEDOUT",
        "",
        "Total potential savings: $38.69/month (3 non-compliant, 1 compliant, 1 not applicable; 2 errors)",
        "",
      ].join("\n"),
    );
  });

  it("Given the default filter (non-compliant), Then only those rows are listed and one line counts the rest", () => {
    const out = renderTable(RESULT, { rules: RULES, width: 100, color: false, statuses: new Set(["NON_COMPLIANT"]) });
    expect(out).not.toContain("vpce-0aaa");
    expect(out).not.toContain("vpce-0bbb");
    expect(out).toContain("vpce-0ddd");
    const lines = out.trimEnd().split("\n");
    expect(lines.slice(-2)).toEqual([
      "Not shown: 1 compliant, 1 not applicable (--status all shows them)",
      "Total potential savings: $38.69/month (3 non-compliant, 1 compliant, 1 not applicable; 2 errors)",
    ]);
  });

  it("Given colour, Then statuses are coloured (red, green, dim) and the text without escapes is the plain report", () => {
    const plain = renderTable(RESULT, { rules: RULES, width: 100, color: false, ...ALL });
    const coloured = renderTable(RESULT, { rules: RULES, width: 100, color: true, ...ALL });
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

  it("Given a width too narrow for an annotation column, Then each finding is a block: ids and status, then the annotation, nothing split", () => {
    const out = renderTable(RESULT, { rules: RULES, width: 50, color: false, ...ALL });
    const lines = out.split("\n");
    const row = lines.findIndex((l) => l.startsWith("  vpce-0ccc"));
    expect(lines[row]).toBe("  vpce-0ccc  us-east-1  NON_COMPLIANT");
    expect(lines[row + 1]).toBe("      $14.60/month");
    expect(lines.slice(row + 2, row + 5)).toEqual([
      "      No traffic in 30 days; about $14.60/month",
      "      for 2 AZs. Delete vpce-0ccc or share it via",
      "      a hub VPC.",
    ]);
    expect(out).not.toContain("RESOURCE");
  });

  it("Given 60 columns and long ids and amounts, Then no line is longer than 60 and no id, amount or header is split", () => {
    const long = evaluation({
      ruleId: "idle",
      resourceId: "vpce-0123456789abcdef0",
      compliance: "NON_COMPLIANT",
      monthlySavingsUsd: 1234.5,
      annotation: "vpce-0123456789abcdef0 (com.amazonaws.vpce.us-east-1.vpce-svc-0500756b708b55328) is rejected: delete it.",
    });
    const report = { ...RESULT, accountIds: [ACCOUNT, OTHER], evaluations: [long, { ...long, accountId: OTHER }] };
    const out = renderTable(report, { rules: RULES, width: 60, color: false, ...ALL });
    const words = out.split(/\s+/);
    for (const token of ["vpce-0123456789abcdef0", "(com.amazonaws.vpce.us-east-1.vpce-svc-0500756b708b55328)", "$1,234.50/month", OTHER]) {
      expect(words, token).toContain(token);
    }
    for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(out).not.toMatch(/\$\/MON\n|MON\s*\nTH/);
  });

  it("Given several accounts, Then rows carry an ACCOUNT column and a section totals savings per account", () => {
    const report: AccountsResult = {
      ...RESULT,
      accountIds: [ACCOUNT, OTHER],
      evaluations: [...RESULT.evaluations, evaluation({ ruleId: "idle", resourceId: "vpce-0fff", accountId: OTHER, compliance: "NON_COMPLIANT", monthlySavingsUsd: 7.3, annotation: "Idle." })],
      errors: [],
    };
    const out = renderTable(report, { rules: RULES, width: 120, color: false, ...ALL });
    expect(out).toContain("  ACCOUNT       RESOURCE   REGION     STATUS          $/MONTH  ANNOTATION");
    expect(out).toMatch(/\n {2}210987654321 {2}vpce-0fff {2}us-east-1 {2}NON_COMPLIANT {5}\$7\.30 {2}Idle\./);
    expect(out).toContain("Savings by account\n  123456789012      $38.69/month  3 non-compliant, 1 compliant, 1 not applicable\n  210987654321       $7.30/month  1 non-compliant\n");
  });

  it("Given terminal control characters in a tag value quoted by an annotation, Then they are printed as visible escapes", () => {
    const hostile = evaluation({ ruleId: "flow", resourceId: "vpc-0bad", compliance: "NOT_APPLICABLE", annotation: "Exempt: \u001b]0;pwned\u0007\u001b[2J\u009b31m ok" });
    const out = renderTable({ ...RESULT, evaluations: [hostile], errors: [] }, { rules: RULES, width: 120, color: false, ...ALL });
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain("Exempt: \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m ok");
  });

  it("Given fixes, Then the filled-in snippet is printed under each non-compliant finding", () => {
    const out = renderTable(RESULT, {
      rules: RULES,
      width: 120,
      color: false,
      fixes: (e) => (e.resourceId === "vpce-0ccc" ? { cli: "aws ec2 delete-vpc-endpoints --vpc-endpoint-ids vpce-0ccc" } : undefined),
    });
    expect(out).toContain("vpce-0ccc  us-east-1  NON_COMPLIANT    $14.60");
    expect(out).toContain("\n      Fix (AWS CLI):\n        aws ec2 delete-vpc-endpoints --vpc-endpoint-ids vpce-0ccc\n");
  });
});

describe("renderMarkdown", () => {
  it("Given a result, Then it prints GFM sections with escaped cells, an errors table (each failed list once) and the total", () => {
    const out = renderMarkdown(RESULT, { rules: RULES, ...ALL });
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
        "1 non-compliant · not evaluated everywhere (see Errors)",
        "",
        "| Resource | Region | Status | $/month | Annotation |",
        "| --- | --- | --- | ---: | --- |",
        "| `vpc-0eee` | us-east-1 | NON_COMPLIANT |  | No flow log \\| none at all. |",
        "",
        "## Errors (2)",
        "",
        "| Where | Problem | Not evaluated |",
        "| --- | --- | --- |",
        "| eu-west-1 | ec2:DescribeFlowLogs failed: You are not authorized to perform this operation. (UnauthorizedOperation) | flow |",
        "| ap-south-1 | region failed: connect ETIMEDOUT |  |",
        "",
        "**Total potential savings: $38.69/month (3 non-compliant, 1 compliant, 1 not applicable; 2 errors)**",
        "",
      ].join("\n"),
    );
  });

  it("Given 1,500 non-compliant resources, Then the report stays under GitHub's comment limit: counts per rule, the top findings by saving, and how many were left out", () => {
    const many = Array.from({ length: 1500 }, (_, i) =>
      evaluation({
        ruleId: i % 2 === 0 ? "idle" : "flow",
        resourceId: `vpce-${String(i).padStart(17, "0")}`,
        compliance: "NON_COMPLIANT",
        monthlySavingsUsd: (i % 97) + 0.5,
        annotation: `No traffic in 30 days; about $${(i % 97) + 0.5}/month for 2 AZs. Delete vpce-${String(i).padStart(17, "0")} (com.amazonaws.us-east-1.kinesis-streams) or share it via a hub VPC.`,
      }),
    );
    const report = { ...RESULT, evaluations: many, errors: [] };
    const out = renderMarkdown(report, { rules: RULES, statuses: new Set(["NON_COMPLIANT"]) });
    expect(out.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(out).toContain("| Rule | Non-compliant | Compliant | Not applicable | Errors | $/month |");
    expect(out).toContain("| Endpoints carry traffic (`idle`) | 750 | 0 | 0 | 0 |");
    const rows = out.split("\n").filter((l) => l.startsWith("| `idle` |") || l.startsWith("| `flow` |"));
    const shown = Number(/## Top findings \((\d+) of 1,500\)/.exec(out)?.[1]);
    expect(rows.length).toBe(shown);
    expect(shown).toBeGreaterThan(100);
    expect(out).toContain(`…and ${(1500 - shown).toLocaleString("en-US")} more findings left out.`);
    // The top findings are the largest savings.
    const amounts = rows.map((r) => Number(/\| \$([\d.]+) \|/.exec(r)?.[1]));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(amounts[0]).toBe(96.5);
  });

  it("Given cell text with pipes, backslashes, HTML, newlines and control characters, Then escapeCell keeps it on one line and inert", () => {
    expect(escapeCell("a|b")).toBe("a\\|b");
    expect(escapeCell("C:\\logs|x")).toBe("C:\\\\logs\\|x");
    expect(escapeCell("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(escapeCell("line one\nline two\r\n")).toBe("line one line two");
    expect(escapeCell("a\u001b[31mb")).toBe("a\\\\x1b[31mb");
  });
});

describe("renderCsv", () => {
  it("Given evaluations, Then it is RFC 4180: a header, one CRLF-terminated row per evaluation, quotes doubled, commas and newlines quoted", () => {
    const tricky = evaluation({ ruleId: "flow", resourceId: "vpc-0q", compliance: "NON_COMPLIANT", annotation: 'Says "hi", then\nbye' });
    const out = renderCsv({ ...RESULT, evaluations: [...RESULT.evaluations, tricky] });
    const rows = out.split("\r\n");
    expect(rows[0]).toBe(CSV_COLUMNS.join(","));
    expect(rows.at(-1)).toBe("");
    expect(rows.length).toBe(RESULT.evaluations.length + 3);
    expect(out).toContain('123456789012,us-east-1,flow,AWS::EC2::VPC,vpc-0q,NON_COMPLIANT,,"Says ""hi"", then\nbye",2026-11-23T06:00:00.000Z\r\n');
    expect(out).toContain("123456789012,eu-west-1,idle,AWS::EC2::VPCEndpoint,vpce-0ddd,NON_COMPLIANT,24.09,No traffic in 30 days; about $24.09/month for 3 AZs.,2026-11-23T06:00:00.000Z");
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
  });
});

describe("renderOcsf", () => {
  it("Given evaluations, Then each is an OCSF Compliance Finding (class 2003) with the schema's required attributes and mapped status", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserting on the JSON shape
    const findings = JSON.parse(renderOcsf(RESULT, { rules: RULES, version: "9.9.9" })) as Record<string, any>[];
    expect(findings).toHaveLength(RESULT.evaluations.length);
    for (const f of findings) {
      // Required by base_event / finding / compliance_finding / compliance.
      for (const key of ["activity_id", "category_uid", "class_uid", "type_uid", "severity_id", "time", "metadata", "finding_info", "compliance", "cloud"]) expect(f, key).toHaveProperty(key);
      expect(f.class_uid).toBe(2003);
      expect(f.category_uid).toBe(2);
      expect(f.type_uid).toBe(200301);
      expect(f.metadata.version).toMatch(/^1\.\d+\.\d+$/);
      expect(f.metadata.product).toMatchObject({ name: "endpoint-auditor", version: "9.9.9" });
      expect(typeof f.finding_info.uid).toBe("string");
      expect(typeof f.finding_info.title).toBe("string");
      expect(f.compliance.standards).toEqual(["endpoint-auditor"]);
      expect(f.cloud).toMatchObject({ provider: "AWS", account: { uid: ACCOUNT, type_id: 10 } });
      expect(f.time).toBe(Date.parse("2026-11-23T06:00:00.000Z"));
    }
    const byResource = new Map(findings.map((f) => [f.resources[0].uid, f]));
    expect(byResource.get("vpce-0ddd")?.compliance).toMatchObject({ status_id: 3, status: "Fail", control: "idle", status_code: "NON_COMPLIANT" });
    expect(byResource.get("vpce-0ddd")).toMatchObject({ severity_id: 2, severity: "Low", unmapped: { monthly_savings_usd: 24.09 }, remediation: { desc: "Delete it." } });
    expect(byResource.get("vpce-0aaa")?.compliance).toMatchObject({ status_id: 1, status: "Pass" });
    expect(byResource.get("vpce-0aaa")?.severity_id).toBe(1);
    expect(byResource.get("vpce-0bbb")?.compliance).toMatchObject({ status_id: 99, status: "Not Applicable" });
    expect(byResource.get("vpc-0eee")?.severity).toBe("Medium");
  });
});

describe("renderHtml", () => {
  it("Given a report, Then the page is self-contained: no external URL, a CSP forbidding network loads, escaped data, bars proportional to savings", () => {
    const hostile = evaluation({ ruleId: "flow", resourceId: "vpc-0x", compliance: "NOT_APPLICABLE", annotation: 'Exempt: <img src=x onerror="alert(1)">' });
    const html = renderHtml({ ...RESULT, evaluations: [...RESULT.evaluations, hostile] }, { rules: RULES, version: "1.0.0" });
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain("<img");
    expect(html).toContain("Exempt: &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect((html.match(/<tr data-status=/g) ?? []).length).toBe(RESULT.evaluations.length + 1);
    const chart = barChart("c", "t", [{ label: "a", value: 10 }, { label: "b", value: 5 }, { label: "c", value: 0 }]);
    const widths = [...chart.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([360, 180, 1]);
    expect(escapeHtml(`<a href="x">'`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;");
  });
});

describe("text helpers", () => {
  it("Given text and a width, Then wrap breaks between words and never splits a word (an id longer than the width gets its own line)", () => {
    expect(wrap("No traffic in 30 days", 10)).toEqual(["No traffic", "in 30 days"]);
    expect(wrap("subnet-0123456789abcdef0, next hop", 10)).toEqual(["subnet-0123456789abcdef0,", "next hop"]);
    expect(wrap("", 10)).toEqual([""]);
    expect(wrap("  spaced   out  ", 80)).toEqual(["spaced out"]);
  });

  it("Then dollars have two decimals and thousands separators", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(14.6)).toBe("$14.60");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("Given savings that do not add up exactly in floating point, Then the total is summed in cents", () => {
    const many = Array.from({ length: 10 }, (_, i) => evaluation({ ruleId: "idle", resourceId: `vpce-${i}`, compliance: "NON_COMPLIANT", monthlySavingsUsd: 0.1 }));
    expect(summaryLine({ evaluations: many, errors: [] })).toBe("Total potential savings: $1.00/month (10 non-compliant)");
  });

  it("Given control characters and bidi overrides, Then escapeControl makes them visible and leaves other text alone", () => {
    expect(escapeControl("a\u001b[2Jb\u0007c\u202ed é ✓")).toBe("a\\x1b[2Jb\\x07c\\u202ed é ✓");
  });

  it("Given misspellings, Then didYouMean suggests the close candidate and nothing for unrelated words", () => {
    expect(didYouMean("evalute", ["scan", "evaluate", "rules"])).toBe("evaluate");
    expect(didYouMean("--regoin", ["--region", "--rules"])).toBe("--region");
    expect(didYouMean("interface-endpoint-in-us", ["interface-endpoint-in-use", "vpc-flow-logs-enabled"])).toBe("interface-endpoint-in-use");
    expect(didYouMean("banana", ["scan", "evaluate", "rules"])).toBeUndefined();
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
