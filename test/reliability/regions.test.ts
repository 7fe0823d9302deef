/**
 * Region isolation: one region failing entirely (every EC2, CloudWatch, STS and Config call refused)
 * leaves the other regions' evaluations intact, in each front door:
 *
 * - core `scanAccount`: the failing region's rules report errors, the others' evaluations equal a clean
 *   run's — even when the failing region is the first one asked for the account id;
 * - the CLI, run as a child process against fake-aws (`AWS_ENDPOINT_URL`, dummy credentials, `--region`
 *   twice): exit code 1, the error listed per rule and region, the healthy region's evaluations printed;
 * - the Config rule Lambda, the real handler module (middy + Powertools + real SDK clients built at cold
 *   start, pointed at fake-aws through `AWS_ENDPOINT_URL`). A Lambda evaluates one rule in its own region
 *   per invocation, so "writing what it could judge" means: in the failing region every invocation fails
 *   with a RuleEvaluationError and writes nothing; in a healthy region every rule is written in full; and
 *   when only one list fails, the rules that do not need it are written in full while the one that does
 *   fails its invocation having written nothing.
 */
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { RULES, prepareRules, RuleEvaluationError, type Evaluation, evaluateRawRegions, scanAccount } from "@endpoint-auditor/core";
import { scheduledEventFor } from "@endpoint-auditor/core/testing";
import { FAKE_CREDENTIALS, destroyClients, startFakeAws, type FakeAws, type FakeClients, type StoredEvaluation } from "../support/fake-aws";
import { ACCOUNT, AP, EU, NOW, US, quickClients, rejectionOf, smallRegion } from "./support";

const RULE_IDS = RULES.map((r) => r.metadata.id);
const BIN = fileURLToPath(new URL("../../packages/cli/bin/endpoint-auditor.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const sources = [smallRegion(EU, 801), smallRegion(US, 802), smallRegion(AP, 803)];
const expected = evaluateRawRegions(ACCOUNT, sources, prepareRules(), NOW);

function inRegion(evaluations: readonly Evaluation[], region: string): Evaluation[] {
  return evaluations.filter((e) => e.region === region);
}

let fake: FakeAws;
const opened: FakeClients[] = [];

beforeAll(async () => {
  fake = await startFakeAws({ seed: 11, data: { accountId: ACCOUNT, regions: sources } });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  for (const c of opened.splice(0)) destroyClients(c);
  fake.setFaults([]);
  fake.calls.reset();
});

describe("scanAccount", () => {
  it("Given us-east-1 failing entirely and asked first, When three regions are scanned, Then the account id comes from the next region, us-east-1 reports an error for every rule, and the other two regions' evaluations equal a clean run's", async () => {
    fake.setFaults([{ region: US, fail: true }]);
    const out = await scanAccount({
      regions: [US, EU, AP],
      now: NOW,
      clientsFor: (region) => {
        const c = quickClients(fake, region);
        opened.push(c);
        return c;
      },
    });
    expect(out.accountId).toBe(ACCOUNT);
    expect(out.errors.map((e) => [e.region, e.ruleId]).sort()).toEqual(RULE_IDS.map((id) => [US, id]).sort());
    for (const e of out.errors) expect(e.message).toContain("not authorized");
    expect(inRegion(out.evaluations, US)).toEqual([]);
    expect(out.evaluations.filter((e) => e.region !== US)).toEqual(expected.evaluations.filter((e) => e.region !== US));
    expect(inRegion(out.evaluations, EU).length).toBeGreaterThan(0);
    expect(inRegion(out.evaluations, AP).length).toBeGreaterThan(0);
    expect(fake.calls.log.filter((c) => c.region === US).every((c) => c.outcome === "failed")).toBe(true);
  });
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args], { env, cwd: ROOT, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** A user's environment with nothing from this machine: the fake as endpoint, its dummy credentials. */
function cliEnv(): Record<string, string> {
  const home = tmpdir();
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    AWS_CONFIG_FILE: `${home}/endpoint-auditor-reliability-no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/endpoint-auditor-reliability-no-credentials`,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
  };
}

describe("the CLI", () => {
  it("Given us-east-1 failing entirely, When `scan --region eu-west-1 --region us-east-1 --format json` runs, Then it exits 1, lists an error per rule for us-east-1, and prints eu-west-1's evaluations", async () => {
    fake.setFaults([{ region: US, fail: true }]);
    const run = await runCli(["scan", "--region", EU, "--region", US, "--format", "json"], cliEnv());
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { regions: string[]; evaluations: Evaluation[]; errors: { region: string; ruleId?: string; message: string }[] };
    expect(result.regions).toEqual([EU, US]);
    expect(result.errors.map((e) => [e.region, e.ruleId]).sort()).toEqual(RULE_IDS.map((id) => [US, id]).sort());
    for (const e of result.errors) expect(e.message).toMatch(/^not evaluated: (ec2|cloudwatch):\w+ failed: /);
    expect(inRegion(result.evaluations, US)).toEqual([]);
    // The CLI scans at the real time: compare what does not depend on the clock (every rule but those that
    // read metrics, whose window ends now).
    const clockBound = new Set(RULES.filter((r) => r.metadata.metrics !== undefined).map((r) => r.metadata.id));
    expect(clockBound.size).toBeLessThan(RULES.length);
    const timeless = (list: readonly Evaluation[]) =>
      inRegion(list, EU)
        .filter((e) => !clockBound.has(e.ruleId))
        .map((e) => [e.ruleId, e.resourceId, e.compliance, e.annotation]);
    expect(timeless(result.evaluations)).toEqual(timeless(expected.evaluations));
    expect(new Set(inRegion(result.evaluations, EU).map((e) => e.ruleId))).toEqual(new Set(inRegion(expected.evaluations, EU).map((e) => e.ruleId)));
  });

  it("Given us-east-1 failing entirely, When the default table is printed, Then it exits 1 and the Errors section names the region, the rule and the failed call", async () => {
    fake.setFaults([{ region: US, fail: true }]);
    const run = await runCli(["scan", "--region", EU, "--region", US], cliEnv());
    expect(run.code).toBe(1);
    // Each failed list once (not once per rule it blocked), with the rules it blocked.
    const errors = run.stdout.slice(run.stdout.indexOf("\nErrors ("));
    const failedCalls = [...errors.matchAll(new RegExp(`\\n {2}${US}: ([a-z0-9]+:[A-Za-z]+) failed`, "g"))].map((m) => m[1]);
    expect(errors).toContain(`Errors (${failedCalls.length})`);
    expect(new Set(failedCalls).size).toBe(failedCalls.length);
    expect(failedCalls).toContain("ec2:DescribeVpcs");
    const blocked = errors.replace(/\s+/g, " ");
    for (const id of RULE_IDS) expect(blocked).toMatch(new RegExp(`not evaluated: [a-z0-9, -]*${id}`));
  });
});

describe("the Config rule Lambda (real handler, real SDK clients, fake-aws as endpoint)", () => {
  type Handler = (event: unknown, context: Context) => Promise<{ written: number; evaluated: number }>;
  let restoreOutput: () => void = () => undefined;

  beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    vi.stubEnv("AWS_ENDPOINT_URL", fake.url);
    vi.stubEnv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    vi.stubEnv("EVALUATIONS_TEST_MODE", "");
    vi.stubEnv("HISTORY_TABLE_NAME", "");
    vi.stubEnv("DEPLOYED_CONFIG_RULES", JSON.stringify(Object.fromEntries(RULES.map((r) => [r.metadata.id, `endpoint-auditor-test-${r.metadata.id}`]))));
    // Powertools writes a JSON line per log and metric; keep the test output readable.
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    restoreOutput = () => {
      out.mockRestore();
      err.mockRestore();
    };
  });
  afterAll(() => {
    restoreOutput();
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  /** The handler module as Lambda loads it in `region` (a fresh module: clients are built at cold start). */
  async function coldStart(region: string): Promise<Handler> {
    vi.stubEnv("AWS_REGION", region);
    vi.resetModules();
    const mod = (await import("../../packages/functions/src/evaluate")) as unknown as { handler: Handler };
    return mod.handler;
  }

  function context(region: string): Context {
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: "endpoint-auditor-test-evaluator",
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:endpoint-auditor-test-evaluator`,
      memoryLimitInMB: "1024",
      awsRequestId: "5a7c1e52-0c1b-4e0a-9d9f-3f0b8c1d2e3f",
      logGroupName: "/aws/lambda/endpoint-auditor-test-evaluator",
      logStreamName: "2026/03/02/[$LATEST]0123456789abcdef",
      getRemainingTimeInMillis: () => 600_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }

  function event(ruleId: string, region: string): unknown {
    const configRuleName = `endpoint-auditor-test-${ruleId}`;
    const token = fake.config.resultTokenFor(configRuleName, region);
    return scheduledEventFor({ ruleId }, NOW.toISOString(), {
      configRuleName,
      configRuleArn: `arn:aws:config:${region}:${ACCOUNT}:config-rule/config-rule-${ruleId.length}abc`,
      accountId: ACCOUNT,
      resultToken: token,
    });
  }

  function rows(list: readonly StoredEvaluation[]): string[][] {
    return list.map((w) => [w.resourceType, w.resourceId, w.complianceType, w.annotation ?? ""]);
  }

  function expectedRows(ruleId: string, region: string): string[][] {
    return expected.evaluations.filter((e) => e.ruleId === ruleId && e.region === region).map((e) => [e.resourceType, e.resourceId, e.compliance, e.annotation]);
  }

  it("Given us-east-1 failing entirely, When each of the four rules is invoked there, Then every invocation fails with a RuleEvaluationError naming us-east-1 and nothing is written; the same rules in eu-west-1 write every evaluation", async () => {
    fake.setFaults([{ region: US, fail: true }]);
    const usHandler = await coldStart(US);
    for (const ruleId of RULE_IDS) {
      const error = await rejectionOf(usHandler(event(ruleId, US), context(US)));
      expect(error, ruleId).toBeInstanceOf(Error);
      expect((error as Error).name, ruleId).toBe(RuleEvaluationError.name);
      expect(error, ruleId).toMatchObject({ ruleId, region: US, accountId: ACCOUNT });
      expect((error as Error).message).toContain("nothing written");
    }
    expect(fake.config.writes({ region: US })).toEqual([]);
    expect(fake.calls.count("Config:PutEvaluations")).toBe(0);

    const euHandler = await coldStart(EU);
    for (const ruleId of RULE_IDS) {
      const result = await euHandler(event(ruleId, EU), context(EU));
      const written = fake.config.writes({ ruleName: `endpoint-auditor-test-${ruleId}`, region: EU });
      expect(rows(written), ruleId).toEqual(expectedRows(ruleId, EU));
      expect(result.written, ruleId).toBe(written.length);
      expect(written.length, ruleId).toBeGreaterThan(0);
    }
  });

  it("Given DescribeFlowLogs denied in eu-west-1 only, When the four rules are invoked there, Then the three rules that do not read flow logs write every evaluation and vpc-flow-logs-enabled fails its invocation having written nothing", async () => {
    fake.setFaults([{ service: "EC2", action: "DescribeFlowLogs", region: EU, fail: true }]);
    const euHandler = await coldStart(EU);
    const before = fake.config.writes().length;
    for (const ruleId of RULE_IDS) {
      const ruleName = `endpoint-auditor-test-${ruleId}`;
      const already = fake.config.writes({ ruleName, region: EU }).length;
      const outcome = await euHandler(event(ruleId, EU), context(EU)).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      const written = fake.config.writes({ ruleName, region: EU }).slice(already);
      if (ruleId === "vpc-flow-logs-enabled") {
        expect(outcome.ok).toBe(false);
        expect(!outcome.ok && outcome.e).toMatchObject({ name: "RuleEvaluationError", ruleId, region: EU });
        expect(!outcome.ok && (outcome.e as Error).message).toContain("ec2:DescribeFlowLogs");
        expect(written).toEqual([]);
      } else {
        expect(outcome.ok, ruleId).toBe(true);
        expect(rows(written), ruleId).toEqual(expectedRows(ruleId, EU));
      }
    }
    expect(fake.config.writes().length).toBeGreaterThan(before);
  });
});
