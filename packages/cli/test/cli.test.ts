/**
 * The CLI as a user runs it: `node bin/endpoint-auditor.mjs …` as a child process (the bundle built by
 * test/global-setup.ts), on the built-in demo snapshot and on variants of it.
 */
import { spawn } from "node:child_process";
import { access, chmod, copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES, SNAPSHOT_FORMAT, evaluateSnapshot, parseSnapshot, permissionsFor, type Snapshot } from "@endpoint-auditor/core";
import { InventoryBuilder } from "@endpoint-auditor/core/testing";
import packageJson from "../package.json";
import {
  BIN,
  DEMO,
  EVALUATION_KEYS,
  RESULT_KEYS,
  runCli,
  sealedEnv,
  tempDir,
  type CliRun,
  type JsonResult,
} from "./support";

const RULE_IDS = RULES.map((r) => r.metadata.id);
const STATUSES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"] as const;

let home: { path: string; cleanup: () => Promise<void> };
let env: Record<string, string>;
let demo: Snapshot;

beforeAll(async () => {
  home = await tempDir();
  env = sealedEnv(home.path, { COLUMNS: "120" });
  demo = parseSnapshot(await readFile(DEMO, "utf8"));
});
afterAll(async () => {
  await home.cleanup();
});

const cli = (args: readonly string[], extraEnv: Record<string, string | undefined> = {}): Promise<CliRun> =>
  runCli(args, { env: sealedEnv(home.path, { COLUMNS: "120", ...extraEnv }) });

async function writeSnapshot(name: string, snapshot: unknown): Promise<string> {
  const path = join(home.path, name);
  await writeFile(path, JSON.stringify(snapshot, null, 2));
  return path;
}

/** A snapshot file of one region made with the fixture builder, captured at the builder's `now`. */
async function builtSnapshot(name: string, b: InventoryBuilder): Promise<string> {
  return writeSnapshot(name, { format: SNAPSHOT_FORMAT, accountId: b.accountId, capturedAt: b.now.toISOString(), regions: [b.toJsonRaw()] });
}

function formatUsd(value: number): string {
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

describe("evaluate --snapshot demo --format json", () => {
  let run: CliRun;
  let result: JsonResult;
  beforeAll(async () => {
    run = await runCli(["evaluate", "--snapshot", DEMO, "--format", "json"], { env });
    result = JSON.parse(run.stdout) as JsonResult;
  });

  it("Given the demo snapshot, Then it exits 0 and stderr stays empty (not a terminal: no progress)", () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });

  it("Then the JSON has exactly the documented keys, in order", () => {
    expect(Object.keys(result)).toEqual([...RESULT_KEYS]);
    expect(result.evaluations.length).toBeGreaterThan(0);
    for (const e of result.evaluations) {
      const expected: string[] = [...EVALUATION_KEYS];
      if (e.monthlySavingsUsd !== undefined) expected.push("monthlySavingsUsd");
      if (e.exemption !== undefined) expected.push("exemption");
      expect(Object.keys(e)).toEqual(expected);
      expect(STATUSES).toContain(e.compliance);
      expect(e.accountId).toBe("123456789012");
      expect(e.annotation.length).toBeGreaterThan(0);
      expect(e.annotation.length).toBeLessThanOrEqual(256);
    }
  });

  it("Then it refers to the snapshot's account, capture time and both regions, with no errors", () => {
    expect(result.accountId).toBe(demo.accountId);
    expect(result.scannedAt).toBe(new Date(demo.capturedAt).toISOString());
    expect(result.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(result.errors).toEqual([]);
  });

  it("Then every rule has COMPLIANT, NON_COMPLIANT and NOT_APPLICABLE resources", () => {
    for (const ruleId of RULE_IDS) {
      const statuses = new Set(result.evaluations.filter((e) => e.ruleId === ruleId).map((e) => e.compliance));
      expect([ruleId, [...statuses].sort()]).toEqual([ruleId, [...STATUSES].sort()]);
    }
  });

  it("Then the resource tagged endpoint-auditor:exempt is NOT_APPLICABLE with its tag value in every rule that sees it", () => {
    const exempt = result.evaluations.filter((e) => e.annotation.startsWith("Exempt: "));
    expect(exempt.length).toBeGreaterThan(0);
    expect(new Set(exempt.map((e) => e.resourceId)).size).toBe(1);
    for (const e of exempt) {
      expect(e.compliance).toBe("NOT_APPLICABLE");
      expect(e.annotation).toBe("Exempt: sandbox, rebuilt weekly (ticket NET-1234)");
    }
  });

  it("Then monthlySavingsUsd appears only on NON_COMPLIANT evaluations, as a positive amount in cents", () => {
    const withSavings = result.evaluations.filter((e) => e.monthlySavingsUsd !== undefined);
    expect(withSavings.length).toBeGreaterThan(0);
    for (const e of withSavings) {
      expect(e.compliance).toBe("NON_COMPLIANT");
      expect(e.monthlySavingsUsd).toBeGreaterThan(0);
      expect(Math.round((e.monthlySavingsUsd ?? 0) * 100) / 100).toBe(e.monthlySavingsUsd);
    }
  });

  it("Then it prints exactly what the core evaluates for the snapshot (nothing dropped or invented)", () => {
    const expected = evaluateSnapshot(demo);
    expect(result.evaluations).toEqual(expected.evaluations.map((e) => ({ ...e })));
    expect(result.errors).toEqual(expected.errors);
  });
});

describe("evaluate --snapshot demo (table, the default)", () => {
  let run: CliRun;
  let json: JsonResult;
  beforeAll(async () => {
    [run, json] = await Promise.all([
      runCli(["evaluate", "--snapshot", DEMO, "--status", "all"], { env }),
      runCli(["evaluate", "--snapshot", DEMO, "--format", "json"], { env }).then((r) => JSON.parse(r.stdout) as JsonResult),
    ]);
  });

  it("Given no --format and --status all, Then it prints a plain table (no ANSI colour when stdout is not a terminal)", () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout.includes("\u001b[")).toBe(false);
    expect(run.stdout.split("\n")[0]).toBe("Account 123456789012 · regions us-east-1, eu-west-1 · evaluated at 2026-11-23T06:00:00.000Z");
  });

  it("Then each rule is a section (title and id) with its counts, in registry order", () => {
    let last = -1;
    for (const rule of RULES) {
      const heading = `${rule.metadata.title} (${rule.metadata.id})`;
      const at = run.stdout.indexOf(`\n${heading}\n`);
      expect(at, heading).toBeGreaterThan(last);
      last = at;
      const evaluations = json.evaluations.filter((e) => e.ruleId === rule.metadata.id);
      const count = (c: string): number => evaluations.filter((e) => e.compliance === c).length;
      const counts = run.stdout.slice(at + heading.length + 2).split("\n")[0] ?? "";
      expect(counts).toContain(`${count("NON_COMPLIANT")} non-compliant, ${count("COMPLIANT")} compliant, ${count("NOT_APPLICABLE")} not applicable`);
    }
  });

  it("Then within each rule NON_COMPLIANT rows come first, then COMPLIANT, then NOT_APPLICABLE, one row per evaluation", () => {
    const sections = run.stdout.split(/\n(?=\S.* \((?:[a-z0-9-]+)\)\n)/);
    for (const ruleId of RULE_IDS) {
      const section = sections.find((s) => s.split("\n")[0]?.endsWith(`(${ruleId})`));
      expect(section, ruleId).toBeDefined();
      const statuses = (section ?? "")
        .split("\n")
        .map((line) => /^ {2}\S+\s+\S+\s+(NON_COMPLIANT|COMPLIANT|NOT_APPLICABLE)\b/.exec(line)?.[1])
        .filter((s): s is string => s !== undefined);
      expect(statuses.length).toBe(json.evaluations.filter((e) => e.ruleId === ruleId).length);
      const rank = statuses.map((s) => ["NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE"].indexOf(s));
      expect(rank).toEqual([...rank].sort((a, b) => a - b));
    }
  });

  it("Then every line fits the width from COLUMNS (annotations wrap)", () => {
    for (const line of run.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(120);
  });

  it("Then the last line is the total monthly savings of all NON_COMPLIANT evaluations", () => {
    const total = json.evaluations.reduce((sum, e) => sum + Math.round((e.monthlySavingsUsd ?? 0) * 100), 0) / 100;
    expect(total).toBeGreaterThan(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^Total potential savings: ${formatUsd(total).replace("$", "\\$")}/month \\(`));
  });

  it("Given a terminal width of 60, Then every line fits, each finding is a block (ids and status, then its annotation) and nothing is split or lost", async () => {
    const args = ["evaluate", "--snapshot", DEMO, "--status", "all"];
    const [narrow, jsonRun] = await Promise.all([cli(args, { COLUMNS: "60" }), cli([...args, "--format", "json"])]);
    expect(narrow.code).toBe(0);
    const lines = narrow.stdout.split("\n");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60);
    const words = new Set(narrow.stdout.split(/\s+/));
    const sections = narrow.stdout.split(/\n(?=\S.*\n?.*\((?:[a-z0-9-]+)\)\n)/);
    for (const e of (JSON.parse(jsonRun.stdout) as JsonResult).evaluations) {
      const section = (sections.find((s) => s.includes(`(${e.ruleId})\n`)) ?? "").split("\n");
      const start = section.findIndex((l) => l.startsWith(`  ${e.resourceId}  ${e.region}  ${e.compliance}`));
      expect(start, `${e.ruleId} ${e.resourceId}`).toBeGreaterThan(0);
      // Every word of the annotation (ids, amounts, service names) appears whole.
      for (const word of e.annotation.split(/\s+/)) expect(words.has(word), word).toBe(true);
      if (e.monthlySavingsUsd !== undefined) expect(words.has(`${formatUsd(e.monthlySavingsUsd)}/month`)).toBe(true);
      const pieces: string[] = [];
      for (let i = start + 1; i < section.length && /^( {6}\S| {2}\()/.test(section[i] ?? ""); i++) pieces.push((section[i] ?? "").trim());
      expect(pieces.join(" ").replace(/^\$[\d,.]+\/month /, "")).toBe(e.annotation);
    }
  });
});

describe("npm start (the demo, findings first)", () => {
  it("Given the demo without --status, Then only non-compliant findings are listed, with one line counting the rest, in a few lines per finding", async () => {
    const [run, jsonRun] = await Promise.all([runCli(["evaluate", "--snapshot", DEMO], { env }), runCli(["evaluate", "--snapshot", DEMO, "--format", "json"], { env })]);
    const json = JSON.parse(jsonRun.stdout) as JsonResult;
    expect(run.code).toBe(0);
    const count = (c: string): number => json.evaluations.filter((e) => e.compliance === c).length;
    const failing = new Set(json.evaluations.filter((e) => e.compliance === "NON_COMPLIANT").map((e) => e.resourceId));
    const rows = run.stdout.split("\n");
    for (const e of json.evaluations) expect(rows.some((l) => l.startsWith(`  ${e.resourceId}  `)), e.resourceId).toBe(failing.has(e.resourceId));
    expect(failing.size).toBeGreaterThan(5);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.at(-2)).toBe(`Not shown: ${count("COMPLIANT")} compliant, ${count("NOT_APPLICABLE")} not applicable (--status all shows them)`);
    // A heading and counts per rule, at most three lines per finding, the totals.
    expect(lines.length).toBeLessThanOrEqual(3 * failing.size + 4 * RULES.length + 6);
    expect(lines.length).toBeLessThan(json.evaluations.length);
  });
});

describe("evaluate --snapshot demo --format markdown", () => {
  // The default status (NON_COMPLIANT): the whole demo with --status all is over GitHub's comment limit,
  // so it is summarized (tested in render.test.ts).
  it("Given --format markdown, Then each rule is a section with a GFM table row per finding and the total last", async () => {
    const [run, jsonRun] = await Promise.all([
      runCli(["evaluate", "--snapshot", DEMO, "--format", "markdown"], { env }),
      runCli(["evaluate", "--snapshot", DEMO, "--format", "json"], { env }),
    ]);
    const json = JSON.parse(jsonRun.stdout) as JsonResult;
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout.startsWith("# endpoint-auditor report\n")).toBe(true);
    for (const rule of RULES) expect(run.stdout).toContain(`## ${rule.metadata.title} (\`${rule.metadata.id}\`)`);
    const rows = run.stdout.split("\n").filter((l) => /^\| `(vpce|subnet|vpc)-/.test(l));
    expect(rows.length).toBe(json.evaluations.filter((e) => e.compliance === "NON_COMPLIANT").length);
    expect(rows.length).toBeGreaterThan(RULES.length);
    for (const row of rows) {
      // Exactly six cell separators: any | inside a cell is escaped.
      expect(row.replace(/\\\|/g, "").split("|").length - 1, row).toBe(6);
    }
    expect(run.stdout.split("\n").filter((l) => l === "| Resource | Region | Status | $/month | Annotation |").length).toBe(RULES.length);
    expect(run.stdout.trimEnd().split("\n").pop()).toMatch(/^\*\*Total potential savings: \$[\d,]+\.\d{2}\/month \(.*\)\*\*$/);
  });
});

describe("selection and time", () => {
  it("Given --rules, Then only those rules are evaluated and shown", async () => {
    const run = await cli(["evaluate", "--snapshot", DEMO, "--rules", "vpc-flow-logs-enabled,nat-subnet-has-gateway-endpoints", "--format", "json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(new Set(result.evaluations.map((e) => e.ruleId))).toEqual(new Set(["vpc-flow-logs-enabled", "nat-subnet-has-gateway-endpoints"]));
  });

  it("Given --param interface-endpoint-in-use.lookbackDays=60, Then the endpoint idle for 30 days but used 35–60 days ago becomes COMPLIANT", async () => {
    const b = new InventoryBuilder({ now: new Date("2026-11-23T06:00:00.000Z") }).metrics({ lookbackDays: 90 });
    const vpcId = b.vpc();
    const athenaId = b.interfaceEndpoint({ vpcId, service: "athena", subnetIds: [b.subnet({ vpcId })], createdAt: new Date("2025-01-01T00:00:00.000Z") });
    b.traffic(athenaId, [35, 41, 52, 59].map((daysAgo) => ({ daysAgo, bytes: 5_000_000 })));
    const snapshot = await builtSnapshot("athena.json", b);
    const args = ["evaluate", "--snapshot", snapshot, "--rules", "interface-endpoint-in-use", "--format", "json"];
    const [base, longer] = await Promise.all([cli(args), cli([...args, "--param", "interface-endpoint-in-use.lookbackDays=60"])]);
    const athena = (r: CliRun) => (JSON.parse(r.stdout) as JsonResult).evaluations.find((e) => e.annotation.includes("com.amazonaws.us-east-1.athena"));
    expect(athena(base)?.compliance).toBe("NON_COMPLIANT");
    expect(athena(longer)?.compliance).toBe("COMPLIANT");
    expect(athena(longer)?.annotation).toContain("in the last 60 days");
  });

  it("Given --param vpc-flow-logs-enabled.trafficType=ALL, Then the VPC logging only REJECT traffic becomes NON_COMPLIANT", async () => {
    const b = new InventoryBuilder();
    const vpcId = b.vpc();
    b.subnet({ vpcId });
    b.flowLog({ resourceId: vpcId, trafficType: "REJECT" });
    const args = ["evaluate", "--snapshot", await builtSnapshot("rejects.json", b), "--rules", "vpc-flow-logs-enabled", "--format", "json"];
    const [base, all] = await Promise.all([cli(args), cli([...args, "--param", "vpc-flow-logs-enabled.trafficType=ALL"])]);
    const verdicts = (r: CliRun) => (JSON.parse(r.stdout) as JsonResult).evaluations.map((e) => e.compliance);
    expect(verdicts(base)).toEqual(["COMPLIANT"]);
    expect(verdicts(all)).toEqual(["NON_COMPLIANT"]);
  });

  it("Given --now before the capture time, Then the evaluation refers to that time instead of the capture time", async () => {
    const b = new InventoryBuilder({ now: new Date("2026-11-23T06:00:00.000Z") });
    const vpcId = b.vpc();
    b.interfaceEndpoint({ vpcId, service: "sts", subnetIds: [b.subnet({ vpcId })], createdAt: new Date("2026-11-20T08:00:00.000Z") });
    const snapshot = await builtSnapshot("new-endpoint.json", b);
    const run = await cli(["evaluate", "--snapshot", snapshot, "--now", "2026-11-22T06:00:00Z", "--rules", "interface-endpoint-in-use", "--format", "json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.scannedAt).toBe("2026-11-22T06:00:00.000Z");
    // The endpoint created 2.9 days before the capture was 1.9 days old a day earlier.
    expect(result.evaluations.some((e) => e.annotation.startsWith("Too new to judge") && e.annotation.includes("created 1 day ago"))).toBe(true);
  });

  it("Given --now after the capture time, Then endpoint traffic is not judged (the snapshot has no metrics for the missing day) and it exits 1 naming the window", async () => {
    const run = await cli(["evaluate", "--snapshot", DEMO, "--now", "2026-11-24T06:00:00Z", "--rules", "interface-endpoint-in-use", "--format", "json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.evaluations).toEqual([]);
    expect(result.errors.map((e) => e.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
    for (const e of result.errors) {
      expect(e.ruleId).toBe("interface-endpoint-in-use");
      const window = demo.regions.find((r) => r.region === e.region)?.endpointMetrics;
      expect(e.message).toContain(`collected ${window?.startTime} to ${window?.endTime}`);
    }
  });
});

describe("exit codes", () => {
  it("Given --fail-on-noncompliant and NON_COMPLIANT resources, Then it exits 3 and still prints the whole result", async () => {
    const run = await cli(["evaluate", "--snapshot", DEMO, "--fail-on-noncompliant", "--format", "json"]);
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.evaluations.some((e) => e.compliance === "NON_COMPLIANT")).toBe(true);
    expect(run.stderr).toBe("");
  });

  it("Given --fail-on-noncompliant and nothing NON_COMPLIANT, Then it exits 0", async () => {
    const b = new InventoryBuilder();
    const vpcId = b.vpc();
    b.flowLog({ resourceId: vpcId });
    const clean = await builtSnapshot("clean.json", b);
    const run = await cli(["evaluate", "--snapshot", clean, "--rules", "vpc-flow-logs-enabled", "--fail-on-noncompliant", "--format", "json"]);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.evaluations.map((e) => e.compliance)).toEqual(["COMPLIANT"]);
    expect(run.code).toBe(0);
  });

  describe("Given a snapshot in which DescribeFlowLogs failed in us-east-1", () => {
    let path: string;
    beforeAll(async () => {
      const regions = demo.regions.map((r) => {
        if (r.region !== "us-east-1") return r;
        const { flowLogs: _dropped, ...rest } = r;
        return {
          ...rest,
          errors: [
            {
              part: "flowLogs",
              call: "ec2:DescribeFlowLogs",
              message: "You are not authorized to perform this operation.",
              code: "UnauthorizedOperation",
            },
          ],
        };
      });
      path = await writeSnapshot("failed-list.json", { ...demo, regions });
    });

    it("Then it exits 1, lists the error for that rule and region, and still prints everything else", async () => {
      const run = await cli(["evaluate", "--snapshot", path, "--format", "json"]);
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as JsonResult;
      expect(result.errors).toHaveLength(1);
      expect(Object.keys(result.errors[0] ?? {})).toEqual(["accountId", "region", "ruleId", "message", "failedParts"]);
      expect(result.errors[0]?.failedParts).toEqual([
        { part: "flowLogs", call: "ec2:DescribeFlowLogs", code: "UnauthorizedOperation", message: "You are not authorized to perform this operation." },
      ]);
      expect(result.errors[0]).toMatchObject({ region: "us-east-1", ruleId: "vpc-flow-logs-enabled" });
      expect(result.errors[0]?.message).toContain("ec2:DescribeFlowLogs");
      expect(result.errors[0]?.message).toContain("not authorized");
      // No flow-log verdict for us-east-1 (never a guess), but eu-west-1 and the other rules are there.
      const flowLogRegions = result.evaluations.filter((e) => e.ruleId === "vpc-flow-logs-enabled").map((e) => e.region);
      expect(flowLogRegions.length).toBeGreaterThan(0);
      expect(new Set(flowLogRegions)).toEqual(new Set(["eu-west-1"]));
      for (const ruleId of RULE_IDS.filter((id) => id !== "vpc-flow-logs-enabled")) {
        expect(result.evaluations.some((e) => e.ruleId === ruleId && e.region === "us-east-1")).toBe(true);
      }
    });

    it("Then the table shows the rule as not evaluated in us-east-1 and an Errors section", async () => {
      const run = await cli(["evaluate", "--snapshot", path]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("not evaluated in us-east-1 (see Errors)");
      expect(run.stdout).toMatch(/\nErrors \(1\)\n {2}us-east-1: ec2:DescribeFlowLogs failed: You are not authorized to perform this operation\. \(UnauthorizedOperation\)\n {6}not evaluated: vpc-flow-logs-enabled\n/);
      expect(run.stdout.trimEnd().split("\n").pop()).toMatch(/; 1 error\)$/);
    });

    it("Then exit code 1 wins over 3 with --fail-on-noncompliant", async () => {
      const run = await cli(["evaluate", "--snapshot", path, "--fail-on-noncompliant", "--format", "json"]);
      expect((JSON.parse(run.stdout) as JsonResult).evaluations.some((e) => e.compliance === "NON_COMPLIANT")).toBe(true);
      expect(run.code).toBe(1);
    });
  });

  const usageCases: { name: string; args: (string | (() => string))[]; names: string[] }[] = [
    { name: "no command", args: [], names: ["Usage:"] },
    { name: "an unknown command", args: ["audit"], names: ["unknown command 'audit'"] },
    { name: "a misspelt command", args: ["evalute", "--snapshot", DEMO], names: ["unknown command 'evalute' (did you mean 'evaluate'?)"] },
    { name: "a misspelt flag", args: ["evaluate", "--snapshot", DEMO, "--staus", "all"], names: ["unknown option '--staus' (did you mean '--status'?)"] },
    { name: "a misspelt rule id", args: ["evaluate", "--snapshot", DEMO, "--rules", "vpc-flowlogs-enabled"], names: ["(did you mean 'vpc-flow-logs-enabled'?)"] },
    { name: "an unknown --status", args: ["evaluate", "--snapshot", DEMO, "--status", "failing"], names: ["unknown --status 'failing'"] },
    { name: "several formats without --output-dir", args: ["evaluate", "--snapshot", DEMO, "--format", "json", "--format", "csv"], names: ["need --output-dir DIR"] },
    { name: "an unknown flag", args: ["evaluate", "--snapshot", DEMO, "--colour"], names: ["unknown option '--colour'", "evaluate --help"] },
    { name: "a flag without its value", args: ["evaluate", "--snapshot"], names: ["'--snapshot' needs a value"] },
    { name: "a positional argument", args: ["rules", "extra"], names: ["unexpected argument 'extra'"] },
    { name: "a --param without RULE.KEY=VALUE", args: ["evaluate", "--snapshot", DEMO, "--param", "lookbackDays=60"], names: ["bad --param 'lookbackDays=60'", "RULE.KEY=VALUE"] },
    { name: "an unknown rule in --rules", args: ["evaluate", "--snapshot", DEMO, "--rules", "idle-endpoints"], names: ["unknown rule 'idle-endpoints'", "endpoint-auditor rules"] },
    { name: "an unknown rule in --param", args: ["evaluate", "--snapshot", DEMO, "--param", "idle.lookbackDays=3"], names: ["unknown rule 'idle'"] },
    {
      name: "a parameter value out of bounds",
      args: ["evaluate", "--snapshot", DEMO, "--param", "interface-endpoint-in-use.lookbackDays=999"],
      names: ['"lookbackDays"', "interface-endpoint-in-use", "from 1 to 455"],
    },
    {
      name: "an unknown parameter",
      args: ["evaluate", "--snapshot", DEMO, "--param", "nat-subnet-has-gateway-endpoints.service=s3"],
      names: ['"service"', "known: services"],
    },
    { name: "a missing snapshot file", args: ["evaluate", "--snapshot", "no-such-snapshot.json"], names: ["no-such-snapshot.json", "no such file"] },
    { name: "a file that is not a snapshot", args: ["evaluate", "--snapshot", "package.json"], names: ["'package.json' is not a valid snapshot"] },
    { name: "evaluate without --snapshot", args: ["evaluate"], names: ["needs --snapshot FILE"] },
    { name: "an unknown format", args: ["evaluate", "--snapshot", DEMO, "--format", "yaml"], names: ["--format 'yaml'", "table, json, markdown, csv, ocsf, html"] },
    { name: "a --now that is not a date", args: ["evaluate", "--snapshot", DEMO, "--now", "yesterday"], names: ["--now 'yesterday'"] },
    { name: "a region that is not a region name", args: ["scan", "--region", "useast1"], names: ["'useast1' is not a region name"] },
  ];
  for (const c of usageCases) {
    it(`Given ${c.name}, Then it exits 2 with one line on stderr naming the problem and a hint, and nothing on stdout`, async () => {
      const run = await cli(c.args.map((a) => (typeof a === "string" ? a : a())));
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      for (const name of c.names) expect(run.stderr).toContain(name);
      if (c.args.length > 0) {
        expect(run.stderr.endsWith("\n")).toBe(true);
        expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(run.stderr).toMatch(/^endpoint-auditor: .+ \(.+\)$/m);
      }
    });
  }
});

describe("rules", () => {
  it("Given `rules`, Then each rule is listed with title, resource type, severity, parameters with defaults, and IAM actions", async () => {
    const run = await cli(["rules"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const { metadata } of RULES) {
      expect(run.stdout).toContain(`${metadata.id} — ${metadata.title}`);
      const block = run.stdout.slice(run.stdout.indexOf(`${metadata.id} — `)).split("\n\n")[0] ?? "";
      expect(block).toContain(`resource type  ${metadata.resourceType}`);
      expect(block).toContain(`severity       ${metadata.severity}`);
      for (const name of Object.keys(metadata.parameters)) expect(block.replace(/\s+/g, " ")).toContain(`${name}: `);
      for (const action of permissionsFor(metadata.requires)) expect(block.replace(/\s+/g, " ")).toContain(action);
    }
    expect(run.stdout.replace(/\s+/g, " ")).toContain("lookbackDays: an integer from 1 to 455; default 30.");
  });

  it("Given `rules --format json`, Then it is the registry: ids, parameters with allowed values and defaults, permissions", async () => {
    const run = await cli(["rules", "--format", "json"]);
    expect(run.code).toBe(0);
    const rules = JSON.parse(run.stdout) as {
      id: string;
      title: string;
      resourceType: string;
      severity: string;
      parameters: { name: string; type: string; allowed: string; default?: string; values?: string[] }[];
      permissions: string[];
    }[];
    expect(rules.map((r) => r.id)).toEqual(RULE_IDS);
    for (const rule of rules) {
      const { metadata } = RULES.find((r) => r.metadata.id === rule.id) ?? { metadata: undefined };
      expect(metadata).toBeDefined();
      expect(rule.title).toBe(metadata?.title);
      expect(rule.resourceType).toBe(metadata?.resourceType);
      expect(rule.permissions).toEqual(permissionsFor(metadata?.requires ?? []));
      expect(rule.parameters.map((p) => p.name)).toEqual(Object.keys(metadata?.parameters ?? {}));
    }
    const services = rules.find((r) => r.id === "nat-subnet-has-gateway-endpoints")?.parameters.find((p) => p.name === "services");
    expect(services).toMatchObject({ type: "enumList", values: ["s3", "dynamodb"], default: "s3" });
    const trafficType = rules.find((r) => r.id === "vpc-flow-logs-enabled")?.parameters.find((p) => p.name === "trafficType");
    expect(trafficType).toBeDefined();
    expect(trafficType?.default).toBeUndefined();
  });

  it("Given `rules --format markdown`, Then each rule is a section with a parameter table", async () => {
    const run = await cli(["rules", "--format", "markdown"]);
    expect(run.code).toBe(0);
    for (const { metadata } of RULES) expect(run.stdout).toContain(`## \`${metadata.id}\``);
    expect(run.stdout).toContain("| `lookbackDays` | an integer from 1 to 455 | 30 |");
  });
});

describe("help, version and the bin", () => {
  it("Given --help, Then it documents the commands and exit codes (1 wins over 3) on stdout and exits 0", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    for (const text of ["endpoint-auditor scan", "endpoint-auditor evaluate", "endpoint-auditor rules", "Exit codes:", "1 wins over 3"]) {
      expect(run.stdout).toContain(text);
    }
  });

  it("Given `scan --help` and `evaluate -h`, Then each command documents its flags", async () => {
    const [scan, evaluate] = await Promise.all([cli(["scan", "--help"]), cli(["evaluate", "-h"])]);
    expect(scan.code).toBe(0);
    for (const flag of ["--region", "--profile", "--rules", "--param", "--format", "--save-snapshot", "--fail-on-noncompliant"]) {
      expect(scan.stdout).toContain(flag);
    }
    expect(evaluate.code).toBe(0);
    for (const flag of ["--snapshot", "--now", "--rules", "--param", "--format", "--fail-on-noncompliant"]) expect(evaluate.stdout).toContain(flag);
  });

  it("Given --version, Then it prints the package version", async () => {
    const run = await cli(["--version"]);
    expect(run).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: "" });
  });

  it("Given the bin is executed directly, Then its shebang and mode make it runnable (what npx and node_modules/.bin use)", async () => {
    await access(BIN, constants.X_OK);
    expect((await readFile(BIN, "utf8")).startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(packageJson.bin).toEqual({ "endpoint-auditor": "./bin/endpoint-auditor.mjs" });
  });

  it("Given the reader of stdout goes away (as with `| head`), Then it stops quietly instead of crashing on EPIPE", async () => {
    const child = spawn(process.execPath, [BIN, "evaluate", "--snapshot", DEMO, "--format", "markdown"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("Given the bundle was never built, Then the bin says to run npm run build", async () => {
    const dir = join(home.path, "unbuilt");
    await mkdir(join(dir, "bin"), { recursive: true });
    const bin = join(dir, "bin", "endpoint-auditor.mjs");
    await copyFile(BIN, bin);
    await chmod(bin, 0o755);
    const run = await runCli(["rules"], { env, bin });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("dist/endpoint-auditor.mjs is missing");
    expect(run.stderr).toContain("npm run build");
  });
});
