/**
 * `explain RESOURCE_ID`, `--show-fix`, `--stage`, and snapshots a user brings: newer formats, partial
 * snapshots, several accounts.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES, effectiveRouteTable, evaluateSnapshot, flowLogsOn, parseRegion, parseSnapshot, type ComplianceType, type Inventory, type Snapshot } from "@endpoint-auditor/core";
import { buildDemo, loadRuleDemos, type DemoExpectation } from "@endpoint-auditor/core/testing";
import { stageRules, stageSelections } from "../src/commands/stage";
import { EXAMPLE_IDS, fillFix } from "../src/explain/fixes";
import { DEMO, runCli, sealedEnv, tempDir, type JsonResult } from "./support";

let home: { path: string; cleanup: () => Promise<void> };
let demo: Snapshot;
let cases: DemoExpectation[];
let east: Inventory;
beforeAll(async () => {
  home = await tempDir();
  demo = parseSnapshot(await readFile(DEMO, "utf8"));
  cases = buildDemo(await loadRuleDemos()).expectations;
  const raw = demo.regions.find((r) => r.region === "us-east-1");
  east = parseRegion(raw as NonNullable<typeof raw>, demo.accountId, new Date(demo.capturedAt));
});

/** The resource a rule's demo case promises a verdict for (packages/core/src/rules/<id>/demo.ts). */
const demoCase = (ruleId: string, compliance: ComplianceType): string => {
  const found = cases.find((c) => c.ruleId === ruleId && c.compliance === compliance);
  if (!found) throw new Error(`no ${compliance} demo case for ${ruleId}`);
  return found.resourceId;
};
afterAll(async () => {
  await home.cleanup();
});
const cli = (args: readonly string[]) => runCli(args, { env: sealedEnv(home.path, { COLUMNS: "120" }) });

describe("explain", () => {
  it("Given a NAT-only subnet of the demo, Then it prints the verdict, the route table and gateway endpoints it was judged on, and the fix with its own ids", async () => {
    const subnetId = demoCase("nat-subnet-has-gateway-endpoints", "NON_COMPLIANT");
    const table = effectiveRouteTable(east, east.subnets.get(subnetId) as NonNullable<ReturnType<typeof east.subnets.get>>);
    const nat = table?.routes.find((r) => r.destinationCidrBlock === "0.0.0.0/0")?.natGatewayId;
    expect(nat).toMatch(/^nat-/);
    const run = await cli(["explain", subnetId, "--snapshot", DEMO]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const out = run.stdout;
    expect(out.startsWith(`${subnetId} — AWS::EC2::Subnet in us-east-1, account 123456789012`)).toBe(true);
    expect(out).toContain("nat-subnet-has-gateway-endpoints  NON_COMPLIANT");
    expect(out).toContain(`${table?.id} (explicit association)`);
    expect(out).toContain(`0.0.0.0/0 → ${nat}`);
    expect(out).toContain("gateway endpoints attached: none");
    expect(out).toContain(`route_table_id  = "${table?.id}"`);
    expect(out).not.toContain("0123456789abcdef0");
  });

  it("Given an idle interface endpoint, Then the evidence names the traffic window and bytes, and the fix deletes that endpoint", async () => {
    const endpointId = demoCase("interface-endpoint-in-use", "NON_COMPLIANT");
    const run = await cli(["explain", endpointId, "--snapshot", DEMO, "--format", "json"]);
    expect(run.code).toBe(0);
    const [x] = JSON.parse(run.stdout) as { verdicts: { ruleId: string; evaluation?: { compliance: string } }[]; evidence: { title: string; lines: string[] }[]; fixes: { ruleId: string; cli: string; terraform: string }[] }[];
    expect(x?.verdicts.find((v) => v.ruleId === "interface-endpoint-in-use")?.evaluation?.compliance).toBe("NON_COMPLIANT");
    const traffic = x?.evidence.find((s) => s.title === "Traffic")?.lines ?? [];
    expect(traffic).toContain("last 30 days: 0 bytes");
    const window = east.endpointMetrics.window;
    const iso = (d: Date | undefined): string => (d ? d.toISOString().replace(".000Z", "Z") : "?");
    expect(traffic[0]).toContain(`collected ${iso(window?.start)} to ${iso(window?.end)}`);
    const fix = x?.fixes.find((f) => f.ruleId === "interface-endpoint-in-use");
    expect(fix?.cli).toContain(`aws ec2 delete-vpc-endpoints --vpc-endpoint-ids ${endpointId}`);
    expect(fix?.cli).toContain(`Value=${east.vpcEndpoints.get(endpointId)?.serviceName}`);
  });

  it("Given a VPC whose flow log fails to deliver, Then the evidence quotes the flow log and its error", async () => {
    const vpcId = demoCase("vpc-flow-logs-enabled", "NON_COMPLIANT");
    const failing = flowLogsOn(east, vpcId).find((f) => f.deliverLogsStatus === "FAILED");
    expect(failing).toBeDefined();
    const run = await cli(["explain", vpcId, "--snapshot", DEMO]);
    expect(run.stdout).toContain(`${failing?.id} on ${vpcId}`);
    expect(run.stdout).toContain('("Access error")');
    expect(run.stdout).toContain(`aws ec2 create-flow-logs --resource-type VPC --resource-ids ${vpcId}`);
  });

  it("Given a misspelt id, Then it exits 2 suggesting the closest id", async () => {
    const subnetId = demoCase("nat-subnet-has-gateway-endpoints", "NON_COMPLIANT");
    const last = subnetId.at(-1) === "0" ? "1" : "0";
    const misspelt = `${subnetId.slice(0, -1)}${last}`;
    expect(east.subnets.has(misspelt) || east.vpcEndpoints.has(misspelt) || east.vpcs.has(misspelt)).toBe(false);
    const run = await cli(["explain", misspelt, "--snapshot", DEMO]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`no VPC endpoint, subnet or VPC '${misspelt}' in the snapshot (did you mean '${subnetId}'?)`);
  });

  it("Given every non-compliant finding of the demo, Then each rule's fix is filled in: the resource's id appears and no example id is left", () => {
    const now = new Date(demo.capturedAt);
    const result = evaluateSnapshot(demo);
    const failing = result.evaluations.filter((e) => e.compliance === "NON_COMPLIANT");
    expect(new Set(failing.map((e) => e.ruleId))).toEqual(new Set(RULES.map((r) => r.metadata.id)));
    for (const e of failing) {
      const raw = demo.regions.find((r) => r.region === e.region);
      const inventory = parseRegion(raw as NonNullable<typeof raw>, demo.accountId, now);
      const rule = RULES.find((r) => r.metadata.id === e.ruleId);
      const fix = fillFix(e, rule?.metadata as NonNullable<typeof rule>["metadata"], inventory, { lookbackDays: 30, services: ["s3"] });
      expect(fix, e.resourceId).toBeDefined();
      const text = `${fix?.cli}\n${fix?.terraform}`;
      for (const example of Object.values(EXAMPLE_IDS)) expect(text, `${e.ruleId} ${e.resourceId}`).not.toContain(example);
      expect(text, `${e.ruleId} ${e.resourceId}`).not.toContain("aws_vpc.main.id");
      if (e.resourceType !== "AWS::EC2::Subnet") expect(text).toContain(e.resourceId);
    }
  });
});

describe("--show-fix", () => {
  it("Given --show-fix, Then each non-compliant finding in the table and in Markdown carries its filled-in fix", async () => {
    const [table, markdown, json] = await Promise.all([
      cli(["evaluate", "--snapshot", DEMO, "--rules", "vpc-flow-logs-enabled", "--show-fix"]),
      cli(["evaluate", "--snapshot", DEMO, "--rules", "vpc-flow-logs-enabled", "--show-fix", "--format", "markdown"]),
      cli(["evaluate", "--snapshot", DEMO, "--rules", "vpc-flow-logs-enabled", "--format", "json"]),
    ]);
    const failing = (JSON.parse(json.stdout) as JsonResult).evaluations.filter((e) => e.compliance === "NON_COMPLIANT");
    expect(failing.length).toBeGreaterThan(0);
    expect(table.stdout.match(/Fix \(Terraform\):/g)).toHaveLength(failing.length);
    for (const e of failing) {
      expect(table.stdout).toContain(`      Fix (AWS CLI):\n        aws ec2 create-flow-logs --resource-type VPC --resource-ids ${e.resourceId} --traffic-type ALL \\`);
      expect(markdown.stdout).toContain(`<details><summary>Fix \`${e.resourceId}\` (${e.region})</summary>\n\n\`\`\`sh\naws ec2 create-flow-logs --resource-type VPC --resource-ids ${e.resourceId}`);
      expect(markdown.stdout).toContain(`\`\`\`hcl\nresource "aws_flow_log" "vpc" {\n  vpc_id               = "${e.resourceId}"`);
    }
  });
});

describe("--stage", () => {
  const file = {
    defaults: {},
    stages: {
      prod: {
        rules: {
          "interface-endpoint-in-use": { parameters: { lookbackDays: 60, maxBytes: 1048576 } },
          "vpc-flow-logs-enabled": { enabled: false },
        },
      },
    },
  };

  it("Given a stage with overrides, Then its selection is the enabled rules with the deployed parameters; --param overrides; a disabled rule is refused", () => {
    const selections = stageSelections("prod", false, [], file);
    expect(selections.map((s) => s.ruleId)).toEqual(RULES.map((r) => r.metadata.id).filter((id) => id !== "vpc-flow-logs-enabled"));
    expect(selections[0]?.params).toMatchObject({ lookbackDays: "60", maxBytes: "1048576", minAgeDays: "7" });
    const overridden = stageSelections("prod", false, [{ ruleId: "interface-endpoint-in-use", params: { lookbackDays: "90" } }], file);
    expect(overridden[0]?.params).toMatchObject({ lookbackDays: "90", maxBytes: "1048576" });
    expect(() => stageSelections("prod", true, [{ ruleId: "vpc-flow-logs-enabled" }], file)).toThrow("rule 'vpc-flow-logs-enabled' is disabled in stage 'prod'");
    expect(() => stageRules("prd", file)).toThrow("unknown --stage 'prd' (did you mean 'prod'?)");
    // A stage the file does not name deploys the defaults, as `sst deploy --stage` does.
    expect(stageRules("staging", file).every((r) => r.enabled)).toBe(true);
  });

  it("Given `rules --stage NAME` and `evaluate --stage NAME` on the repository's settings, Then they show and use what settingsFor gives that stage", async () => {
    const [rules, staged, plain] = await Promise.all([
      cli(["rules", "--stage", "dev", "--format", "json"]),
      cli(["evaluate", "--snapshot", DEMO, "--stage", "dev", "--format", "json"]),
      cli(["evaluate", "--snapshot", DEMO, "--format", "json"]),
    ]);
    const list = JSON.parse(rules.stdout) as { id: string; stage: { name: string; enabled: boolean; parameters: Record<string, string> } }[];
    expect(list.map((r) => [r.id, r.stage.name, r.stage.enabled])).toEqual(RULES.map((r) => [r.metadata.id, "dev", true]));
    expect(list[0]?.stage.parameters).toMatchObject({ lookbackDays: "30" });
    expect((JSON.parse(staged.stdout) as JsonResult).evaluations).toEqual((JSON.parse(plain.stdout) as JsonResult).evaluations);
  });
});

describe("snapshots a user brings", () => {
  it("Given a snapshot from a newer endpoint-auditor, Then it exits 2 saying to upgrade", async () => {
    const path = join(home.path, "newer.json");
    await writeFile(path, JSON.stringify({ ...demo, format: "endpoint-auditor/snapshot@3" }));
    const run = await cli(["evaluate", "--snapshot", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("it is a snapshot@3, written by a newer endpoint-auditor; this version reads snapshot@1 and @2. Upgrade endpoint-auditor to read it");
  });

  it("Given a snapshot taken with --rules vpc-flow-logs-enabled, Then evaluating another rule names the --rules it was taken with", async () => {
    const path = join(home.path, "partial.json");
    const regions = demo.regions.map((r) => ({ region: r.region, vpcs: r.vpcs, subnets: r.subnets, flowLogs: r.flowLogs }));
    await writeFile(path, JSON.stringify({ format: "endpoint-auditor/snapshot@1", accountId: demo.accountId, capturedAt: demo.capturedAt, rules: ["vpc-flow-logs-enabled"], regions }));
    const run = await cli(["evaluate", "--snapshot", path, "--rules", "nat-subnet-has-gateway-endpoints,vpc-flow-logs-enabled", "--format", "json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.evaluations.every((e) => e.ruleId === "vpc-flow-logs-enabled")).toBe(true);
    expect(result.errors.map((e) => [e.region, e.ruleId])).toEqual([["us-east-1", "nat-subnet-has-gateway-endpoints"], ["eu-west-1", "nat-subnet-has-gateway-endpoints"]]);
    expect(result.errors[0]?.message).toBe(
      "not evaluated: the snapshot holds no ec2:DescribeRouteTables, ec2:DescribeNatGateways, ec2:DescribeVpcEndpoints data; it was taken with --rules vpc-flow-logs-enabled. Scan again with this rule, or evaluate with --rules vpc-flow-logs-enabled",
    );
  });

  it("Given the built-in demo (snapshot@1 without a rules list), Then it still replays unchanged", async () => {
    const run = await cli(["evaluate", "--snapshot", DEMO, "--format", "json"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonResult).evaluations).toEqual(evaluateSnapshot(demo).evaluations);
  });
});
