/**
 * `endpoint-auditor scan` against the local fake AWS (test/support/fake-aws): the real bin as a child
 * process with `AWS_ENDPOINT_URL` pointing at 127.0.0.1 and the fake's static credentials, so the real
 * SDK stack (credential and region chains, SigV4, EC2 query / STS query / CloudWatch JSON protocols)
 * runs and nothing leaves the machine. Progress on a terminal is checked in-process with a fake TTY.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RULES, parseSnapshot, partsFor, prepareRules, resolveParts, type Snapshot } from "@endpoint-auditor/core";
import { FAKE_CREDENTIALS, clientsFor, startFakeAws, type FakeAws } from "../../../test/support/fake-aws/index";
import { run } from "../src/main";
import type { CliIo, OutputStream } from "../src/io";
import { DEMO, runCli, sealedEnv, tempDir, type JsonResult } from "./support";

const REGIONS = ["us-east-1", "eu-west-1"];
const EC2_LISTS = [
  "DescribeVpcs",
  "DescribeSubnets",
  "DescribeRouteTables",
  "DescribeNatGateways",
  "DescribeVpcEndpoints",
  "DescribeFlowLogs",
  "DescribeVpnGateways",
  "DescribeTransitGatewayVpcAttachments",
  "DescribeVpcPeeringConnections",
];

let fake: FakeAws;
let demo: Snapshot;
let dir: { path: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  demo = parseSnapshot(await readFile(DEMO, "utf8"));
  fake = await startFakeAws({ data: { accountId: demo.accountId, regions: demo.regions } });
  dir = await tempDir();
});
afterAll(async () => {
  await fake.close();
  await dir.cleanup();
});
beforeEach(() => {
  fake.setFaults([]);
  fake.calls.reset();
});

/** The environment of a user whose credentials are in the environment and whose endpoint is the fake. */
function awsEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return sealedEnv(dir.path, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    // Keep failing calls quick: the SDK's retries still run, against a server that answers at once.
    AWS_MAX_ATTEMPTS: "2",
    ...extra,
  });
}

function regionsCalled(): string[] {
  return [...new Set(fake.calls.log.filter((c) => c.service === "EC2").map((c) => c.region))].sort();
}

describe("scan against a fake AWS account", () => {
  let result: JsonResult;
  let snapshotPath: string;
  let stderr: string;
  let code: number | null;
  let calls: Record<string, number>;

  beforeAll(async () => {
    fake.calls.reset();
    snapshotPath = join(dir.path, "scan.json");
    const scan = await runCli(["scan", "--region", "us-east-1", "--region", "eu-west-1", "--format", "json", "--save-snapshot", snapshotPath], {
      env: awsEnv(),
    });
    calls = fake.calls.counts();
    code = scan.code;
    stderr = scan.stderr;
    result = JSON.parse(scan.stdout) as JsonResult;
  });

  it("Given AWS_ENDPOINT_URL and credentials in the environment, Then it scans both regions of the account and exits 0 with nothing on stderr", () => {
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(result.accountId).toBe(demo.accountId);
    expect(result.regions).toEqual(REGIONS);
    expect(result.errors).toEqual([]);
    for (const rule of RULES) {
      for (const region of REGIONS) {
        // The s3-dynamodb rule has nothing in scope in eu-west-1.
        if (rule.metadata.id === "s3-dynamodb-endpoint-is-gateway" && region === "eu-west-1") continue;
        expect(result.evaluations.some((e) => e.ruleId === rule.metadata.id && e.region === region), `${rule.metadata.id} ${region}`).toBe(true);
      }
    }
  });

  it("Then it called STS once for the account id and each EC2 list exactly once per region", () => {
    expect(calls["STS:GetCallerIdentity"]).toBe(1);
    for (const action of EC2_LISTS) expect(calls[`EC2:${action}`], action).toBe(REGIONS.length);
    expect(calls["CloudWatch:GetMetricData"]).toBe(REGIONS.length);
  });

  it("Then it saved the raw responses, and `evaluate --snapshot` of that file prints the same result", async () => {
    const saved = parseSnapshot(await readFile(snapshotPath, "utf8"));
    expect(saved.accountId).toBe(demo.accountId);
    expect(saved.capturedAt).toBe(result.scannedAt);
    expect(saved.regions.map((r) => r.region)).toEqual(REGIONS);
    expect(saved.regions[0]?.vpcs?.map((v) => v.VpcId)).toEqual(demo.regions[0]?.vpcs?.map((v) => v.VpcId));
    const replay = await runCli(["evaluate", "--snapshot", snapshotPath, "--format", "json"], { env: awsEnv() });
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toEqual(result);
  });
});

describe("regions and profiles", () => {
  it("Given no --region and AWS_REGION=eu-west-1, Then it scans eu-west-1 only", async () => {
    const scan = await runCli(["scan", "--rules", "vpc-flow-logs-enabled", "--format", "json"], { env: awsEnv({ AWS_REGION: "eu-west-1" }) });
    expect(scan.stderr).toBe("");
    expect(scan.code).toBe(0);
    expect((JSON.parse(scan.stdout) as JsonResult).regions).toEqual(["eu-west-1"]);
    expect(regionsCalled()).toEqual(["eu-west-1"]);
  });

  it("Given --profile naming a profile with a region and credentials in ~/.aws, Then it uses that region and those credentials", async () => {
    const home = join(dir.path, "profile-home");
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), "[profile audit]\nregion = eu-west-1\noutput = json\n");
    await writeFile(
      join(home, ".aws", "credentials"),
      `[audit]\naws_access_key_id = ${FAKE_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${FAKE_CREDENTIALS.secretAccessKey}\n`,
    );
    const env = sealedEnv(home, { AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: "2" });
    const scan = await runCli(["scan", "--profile", "audit", "--rules", "vpc-flow-logs-enabled", "--format", "json"], { env });
    expect(scan.stderr).toBe("");
    expect(scan.code).toBe(0);
    expect((JSON.parse(scan.stdout) as JsonResult).regions).toEqual(["eu-west-1"]);
    expect(regionsCalled()).toEqual(["eu-west-1"]);
  });

  it("Given no --region, no AWS_REGION and no profile region, Then it exits 2 before calling AWS", async () => {
    const scan = await runCli(["scan"], { env: awsEnv() });
    expect(scan.code).toBe(2);
    expect(scan.stdout).toBe("");
    expect(scan.stderr).toBe(
      "endpoint-auditor: no region to scan: none given and none configured (pass --region (e.g. --region us-east-1 or --region all), set AWS_REGION or AWS_DEFAULT_REGION, or set a region in your AWS profile)\n",
    );
    expect(fake.calls.count()).toBe(0);
  });

  it("Given --save-snapshot in a directory that does not exist, Then it exits 2 before calling AWS", async () => {
    const scan = await runCli(["scan", "--region", "us-east-1", "--save-snapshot", join(dir.path, "missing", "out.json")], { env: awsEnv() });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toContain("its directory does not exist");
    expect(fake.calls.count()).toBe(0);
  });
});

describe("digest from a live scan", () => {
  it("Given --region and no --snapshot, Then `digest` scans live (same path as scan) and previews that region", async () => {
    const run = await runCli(["digest", "--region", "eu-west-1", "--format", "text"], { env: awsEnv() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Endpoint audit: 123456789012 · eu-west-1");
    expect(regionsCalled()).toEqual(["eu-west-1"]);
  });
});

describe("failures", () => {
  it("Given DescribeFlowLogs is denied, Then it exits 1, reports the rule per region, and prints the other rules' results", async () => {
    fake.setFaults([{ service: "EC2", action: "DescribeFlowLogs", fail: true }]);
    const scan = await runCli(["scan", "--region", "us-east-1,eu-west-1", "--format", "json", "--fail-on-noncompliant"], { env: awsEnv() });
    expect(scan.code).toBe(1);
    expect(scan.stderr).toBe("");
    const result = JSON.parse(scan.stdout) as JsonResult;
    expect(result.errors.map((e) => [e.region, e.ruleId])).toEqual([
      ["us-east-1", "vpc-flow-logs-enabled"],
      ["eu-west-1", "vpc-flow-logs-enabled"],
    ]);
    for (const e of result.errors) {
      expect(e.message).toContain("ec2:DescribeFlowLogs");
      expect(e.message).toContain("not authorized");
    }
    expect(result.evaluations.some((e) => e.ruleId === "vpc-flow-logs-enabled")).toBe(false);
    expect(result.evaluations.some((e) => e.ruleId === "interface-endpoint-in-use")).toBe(true);
    expect(result.evaluations.some((e) => e.ruleId === "nat-subnet-has-gateway-endpoints")).toBe(true);
  });

  it("Given STS refuses GetCallerIdentity, Then it exits 1 with one line on stderr naming the call, and prints no result", async () => {
    fake.setFaults([{ service: "STS", action: "GetCallerIdentity", fail: true }]);
    const scan = await runCli(["scan", "--region", "us-east-1"], { env: awsEnv() });
    expect(scan.code).toBe(1);
    expect(scan.stdout).toBe("");
    expect(scan.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(scan.stderr).toMatch(/^endpoint-auditor: scan failed: sts:GetCallerIdentity in us-east-1 failed: .*not authorized/);
    expect(fake.calls.count("EC2:DescribeVpcs")).toBe(0);
  });
});


describe("errors that name the cause", () => {
  it("Given AWS_DEFAULT_REGION only (as the AWS CLI reads it), Then it scans that region", async () => {
    const scan = await runCli(["scan", "--rules", "vpc-flow-logs-enabled", "--format", "json"], { env: awsEnv({ AWS_DEFAULT_REGION: "eu-west-1" }) });
    expect(scan.stderr).toBe("");
    expect(scan.code).toBe(0);
    expect((JSON.parse(scan.stdout) as JsonResult).regions).toEqual(["eu-west-1"]);
    expect(regionsCalled()).toEqual(["eu-west-1"]);
  });

  it("Given --profile naming a profile that is not in ~/.aws, Then it exits 2 saying the profile was not found, suggesting a close one, before calling AWS", async () => {
    const home = join(dir.path, "typo-home");
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), "[default]\nregion = us-east-1\n[profile audit]\nregion = eu-west-1\n");
    const env = sealedEnv(home, { AWS_ENDPOINT_URL: fake.url });
    const scan = await runCli(["scan", "--profile", "adit"], { env });
    expect(scan.code).toBe(2);
    expect(scan.stdout).toBe("");
    expect(scan.stderr).toBe(
      `endpoint-auditor: profile 'adit' (--profile) not found in ${join(home, ".aws", "config")} or ${join(home, ".aws", "credentials")} (did you mean 'audit'?) (profiles there: default, audit)\n`,
    );
    const fromEnv = await runCli(["scan", "--region", "us-east-1"], { env: { ...env, AWS_PROFILE: "nosuch" } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain("profile 'nosuch' (AWS_PROFILE) not found in");
    expect(fake.calls.count()).toBe(0);
  });

  it("Given an endpoint that refuses connections, Then the error names the endpoint and the cause, once", async () => {
    const closed = await startFakeAws();
    const url = closed.url;
    await closed.close();
    const scan = await runCli(["scan", "--region", "us-east-1", "--format", "json"], { env: awsEnv({ AWS_ENDPOINT_URL: url, AWS_MAX_ATTEMPTS: "1" }) });
    expect(scan.code).toBe(1);
    expect(scan.stdout).toBe("");
    expect(scan.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(scan.stderr).toContain(`cannot reach ${url}: connection refused (ECONNREFUSED)`);
  });

  it("Given an endpoint that accepts requests and never answers, Then --timeout cuts each call and the error names the endpoint and the timeout", async () => {
    fake.setFaults([{ service: "EC2", action: "DescribeFlowLogs", hang: 1 }]);
    const started = Date.now();
    const scan = await runCli(["scan", "--region", "us-east-1", "--rules", "vpc-flow-logs-enabled", "--timeout", "2", "--format", "json"], { env: awsEnv() });
    const elapsed = Date.now() - started;
    expect(scan.code).toBe(1);
    const result = JSON.parse(scan.stdout) as JsonResult;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(new RegExp(`ec2:DescribeFlowLogs failed: (no answer from|cannot reach) ${fake.url.replace(/[.]/g, "\\.")}`));
    expect(result.errors[0]?.message).toMatch(/2 s|--timeout 2|timed out|no answer/);
    // Cut near the 2 s deadline, not after the SDK's 8 attempts of 15 s.
    expect(elapsed).toBeLessThan(20_000);
  });

  it("Given -v, Then every API call and attempt is logged on stderr even when it is not a terminal; -q alone keeps stderr empty", async () => {
    const verbose = await runCli(["scan", "--region", "eu-west-1", "--rules", "vpc-flow-logs-enabled", "--format", "json", "-v"], { env: awsEnv() });
    expect(verbose.code).toBe(0);
    const lines = verbose.stderr.trimEnd().split("\n");
    expect(lines).toContain(`eu-west-1  sts:GetCallerIdentity  attempt 1 → ${fake.url}`);
    expect(lines.some((l) => /^eu-west-1 {2}ec2:DescribeFlowLogs {2}attempt 1 ← 200 in \d+ ms$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes("→")).length).toBe(fake.calls.count());
    const quiet = await runCli(["scan", "--region", "eu-west-1", "--rules", "vpc-flow-logs-enabled", "--format", "json", "-q"], { env: awsEnv() });
    expect(quiet.stderr).toBe("");
  });

  it("Given throttling on one call and -v, Then the retry shows as a failed attempt followed by a successful one", async () => {
    fake.setFaults([{ service: "EC2", action: "DescribeVpcs", throttle: 1, times: 1 }]);
    const run = await runCli(["scan", "--region", "eu-west-1", "--rules", "vpc-flow-logs-enabled", "--format", "json", "--verbose"], { env: awsEnv() });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/eu-west-1 {2}ec2:DescribeVpcs {2}attempt 1 failed in \d+ ms: RequestLimitExceeded: Request limit exceeded\./);
    expect(run.stderr).toMatch(/eu-west-1 {2}ec2:DescribeVpcs {2}attempt 2 ← 200/);
  });
});

describe("output files", () => {
  it("Given --output-dir and several formats, Then one file per format is written and stdout shows the findings table", async () => {
    const out = join(dir.path, "reports");
    const run = await runCli(
      ["scan", "--region", "eu-west-1,us-east-1", "--format", "json", "--format", "csv", "--format", "html", "--format", "markdown", "--format", "ocsf", "--output-dir", out],
      { env: awsEnv() },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^Account 123456789012 · regions eu-west-1, us-east-1/);
    const json = JSON.parse(await readFile(join(out, "endpoint-auditor.json"), "utf8")) as JsonResult;
    const csv = await readFile(join(out, "endpoint-auditor.csv"), "utf8");
    expect(csv.split("\r\n").length - 2).toBe(json.evaluations.length);
    const ocsf = JSON.parse(await readFile(join(out, "endpoint-auditor.ocsf.json"), "utf8")) as unknown[];
    expect(ocsf).toHaveLength(json.evaluations.length);
    expect(await readFile(join(out, "endpoint-auditor.html"), "utf8")).toMatch(/^<!doctype html>/);
    expect(await readFile(join(out, "endpoint-auditor.md"), "utf8")).toMatch(/^# endpoint-auditor report/);
  });

  it("Given --format csv to stdout and a failed list, Then the CSV has the evaluations and the failed list is one line on stderr with the rules it blocked", async () => {
    fake.setFaults([{ service: "EC2", action: "DescribeVpcEndpoints", region: "us-east-1", fail: true }]);
    const run = await runCli(["scan", "--region", "us-east-1", "--format", "csv"], { env: awsEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout.split("\r\n")[0]).toBe("account_id,region,rule_id,resource_type,resource_id,compliance,monthly_savings_usd,annotation,evaluated_at");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    // The rules that read the endpoint list, in registry order.
    const blocked = RULES.filter((r) => resolveParts(r.metadata.requires).includes("vpcEndpoints")).map((r) => r.metadata.id);
    expect(blocked.length).toBeGreaterThan(2);
    expect(lines[0]).toBe(
      `endpoint-auditor: us-east-1: ec2:DescribeVpcEndpoints failed: You are not authorized to perform this operation. (UnauthorizedOperation) — not evaluated: ${blocked.join(", ")}`,
    );
  });
});

describe("progress (in-process, with a fake terminal)", () => {
  class Capture implements OutputStream {
    text = "";
    constructor(
      readonly isTTY: boolean,
      readonly columns = 120,
    ) {}
    write(chunk: string): boolean {
      this.text += chunk;
      return true;
    }
  }

  function io(stdoutTty: boolean, stderrTty: boolean): CliIo & { stdout: Capture; stderr: Capture } {
    return {
      stdout: new Capture(stdoutTty),
      stderr: new Capture(stderrTty),
      env: {},
      createClients: ({ region }) => clientsFor(fake, region, { maxAttempts: 2 }),
      resolveRegion: async () => undefined,
    };
  }

  it("Given stderr is a terminal, Then progress per region and step goes to stderr and stdout carries only the result", async () => {
    const terminal = io(false, true);
    const code = await run(["scan", "--region", "us-east-1", "--region", "eu-west-1", "--format", "json"], terminal);
    expect(code).toBe(0);
    const result = JSON.parse(terminal.stdout.text) as JsonResult;
    expect(result.regions).toEqual(REGIONS);
    const lines = terminal.stderr.text.trimEnd().split("\n");
    expect(lines[0]).toBe("Scanning us-east-1, eu-west-1…");
    for (const region of demo.regions) {
      expect(lines).toContain(`${region.region}  ec2:DescribeVpcs  ${region.vpcs?.length} items (1 call)`);
      expect(lines).toContain(`${region.region}  ec2:DescribeSubnets  ${region.subnets?.length} items (1 call)`);
      expect(lines).toContain(`${region.region}  cloudwatch:GetMetricData  ${new Set(region.endpointMetrics?.queries.map((q) => q.endpointId)).size} endpoints queried (1 call)`);
    }
    // One progress line per collected part of the registered rules, per region.
    // (An account in no organization: DescribeOrganization's refusal is shown as a failed attempt, and the step is still done.)
    const steps = lines.filter((l) => /^(us-east-1|eu-west-1) {2}/.test(l) && !/ attempt \d+ failed in /.test(l));
    expect(steps).toHaveLength(REGIONS.length * partsFor(prepareRules()).length);
  });

  it("Given a failing list on a terminal, Then its progress line says FAILED with the error", async () => {
    fake.setFaults([{ service: "EC2", action: "DescribeNatGateways", region: "eu-west-1", fail: true }]);
    const terminal = io(false, true);
    const code = await run(["scan", "--region", "eu-west-1", "--rules", "nat-subnet-has-gateway-endpoints", "--format", "json"], terminal);
    expect(code).toBe(1);
    expect(terminal.stderr.text).toMatch(/\neu-west-1 {2}ec2:DescribeNatGateways {2}FAILED \(\d+ calls?\): .*not authorized/);
  });

  it("Given neither stream is a terminal, Then stderr stays empty", async () => {
    const piped = io(false, false);
    expect(await run(["scan", "--region", "us-east-1", "--format", "json"], piped)).toBe(0);
    expect(piped.stderr.text).toBe("");
    expect((JSON.parse(piped.stdout.text) as JsonResult).regions).toEqual(["us-east-1"]);
  });

  it("Given stdout is a terminal without NO_COLOR, Then the table is coloured; with NO_COLOR it is not", async () => {
    const coloured = io(true, false);
    await run(["scan", "--region", "us-east-1", "--rules", "vpc-flow-logs-enabled"], coloured);
    expect(coloured.stdout.text).toContain("\u001b[31mNON_COMPLIANT");
    const plain = { ...io(true, false), env: { NO_COLOR: "1" } };
    await run(["scan", "--region", "us-east-1", "--rules", "vpc-flow-logs-enabled"], plain);
    expect(plain.stdout.text).toContain("NON_COMPLIANT");
    expect(plain.stdout.text.includes("\u001b[")).toBe(false);
  });
});
