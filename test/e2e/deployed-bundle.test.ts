/**
 * The deployed artifacts, end to end. Each Lambda bundle is loaded by a plain `node` child process — so it
 * runs its own bundled AWS SDK, built with the esbuild plugins (schema keys rewritten, env-only
 * credentials) — and invoked the way Lambda invokes it, with the environment the stack gives it, against
 * local stand-ins that speak the real wire protocols:
 *
 * - fake-aws (test/support/fake-aws): EC2 (query/XML, real pagination), CloudWatch (JSON), AWS Config
 *   (JSON 1.1) and SigV4 checks — through `AWS_ENDPOINT_URL`;
 * - dynalite (DynamoDB's wire protocol) for the findings history and the digest's idempotency records —
 *   `AWS_ENDPOINT_URL_DYNAMODB`;
 * - the SSM/IAM stand-in (test/support/ssm-iam-stub) for SSM `GetParameter` (JSON 1.1) and IAM
 *   `ListAccountAliases` (query/XML), with the documented response shapes — `AWS_ENDPOINT_URL_SSM` /
 *   `AWS_ENDPOINT_URL_IAM`;
 * - a Slack incoming-webhook stand-in on 127.0.0.1.
 *
 * Two builds run the same scenario, each in a region of its own: `npm run bundle`'s (the project's
 * esbuild, `bundleHandlers`) and the one `sst deploy` uploads (the auditor stack synthesized by SST, whose
 * own esbuild 0.18 builds the functions; its template also provides each function's environment and
 * handler path). The evaluator is invoked with the documented `ScheduledNotification` event once per rule
 * (`ruleParameters` `{"ruleId": …}`), and what the fake Config service recorded must equal what core's
 * `evaluateRawRegions` computes for the same inventory, plus the stale clean-up of previous results that
 * are gone (listed over two pages, written in two batches). The digest then reads the history the
 * evaluator wrote and must send exactly the message core renders from it, once per week.
 *
 * The only thing replaced in the child process is the clock: it stands still at the event's time (as
 * `vi.setSystemTime` does in the in-process tests), so the metric window the rule asks CloudWatch for is
 * the synthetic inventory's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES, prepareRules, type Evaluation, NO_LONGER_EXISTS_ANNOTATION, buildDigest, renderSlackMessage, weekWindow, type SlackMessage, loadDigestState, type RawRegion, evaluateRawRegions } from "@endpoint-auditor/core";
import { scheduledEventFor, createHistoryTable, createIdempotencyTable, startDynalite, type LocalDynamo, syntheticRegion } from "@endpoint-auditor/core/testing";
import { bundleHandlers } from "../../packages/functions/scripts/bundle.mjs";
import { AUDITOR_STACK_ID, createAuditorStack } from "../../stacks/AuditorStack";
import { settingsFor } from "../../stacks/settings/validate";
import { initOfflineProject, scratchProjectRoot, synthesizeApp } from "../../stacks/synth";
import { FAKE_CREDENTIALS, startFakeAws, type FakeAws, type StoredEvaluation } from "../support/fake-aws";
import { bundleOfHandler, invokeBundle, lambdaContextFor, lambdaRuntimeEnv, type ChildRun, type LambdaBundle } from "../support/lambda-process";
import { startLocalServer, startSsmIamStub, type LocalServer, type SsmIamStub } from "../support/ssm-iam-stub";

const ACCOUNT = "123456789012";
const STAGE = "e2e";
/** The Config notification's time; a Monday. */
const NOW = new Date("2026-03-02T06:00:00.000Z");
/** The digest's EventBridge schedule fires the same Monday at 09:00 UTC. */
const DIGEST_TIME = "2026-03-02T09:00:00Z";
const ACCOUNT_ALIAS = "payments-e2e";
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE-lambda-role-session-token";
const RULE_IDS = RULES.map((r) => r.metadata.id);
const FLOW_LOGS_RULE = "vpc-flow-logs-enabled";
/** Previous results of VPCs that are gone: more than one page of GetComplianceDetailsByConfigRule, two PutEvaluations batches. */
const GONE_VPCS = Array.from({ length: 130 }, (_, i) => `vpc-0e2e${String(i).padStart(13, "0")}`);

type Lambda = LambdaBundle;
interface Build {
  label: string;
  region: string;
  raw: RawRegion;
  evaluate: Lambda;
  digest: Lambda;
}

function region(name: string, seed: number): RawRegion {
  return syntheticRegion({
    seed,
    region: name,
    accountId: ACCOUNT,
    now: NOW,
    vpcs: 12,
    interfaceEndpoints: 60,
    s3DynamoInterfaceRatio: 0.2,
    flowLogRatio: 0.6,
    peeringRatio: 0.2,
    transitGatewayRatio: 0.2,
    vpnRatio: 0.2,
  });
}

const BUILDS: Build[] = [
  { label: "npm run bundle (the project's esbuild)", region: "eu-west-1", raw: region("eu-west-1", 4101), evaluate: { file: "", exportName: "" }, digest: { file: "", exportName: "" } },
  { label: "the sst deploy build (SST's esbuild 0.18)", region: "us-east-2", raw: region("us-east-2", 4102), evaluate: { file: "", exportName: "" }, digest: { file: "", exportName: "" } },
];
const expected = evaluateRawRegions(ACCOUNT, BUILDS.map((b) => b.raw), prepareRules(), NOW);

let workDir: string;
let fake: FakeAws;
let dynamo: LocalDynamo;
let ssmIam: SsmIamStub;
let slack: LocalServer;
const slackBodies: string[] = [];
/** Each function's environment as the synthesized stack sets it (table names resolved to local tables). */
let stackEnv: { evaluate: Record<string, string>; digest: Record<string, string> };
let evaluatorMemory = "";
let digestParameterName = "";

type CfnValue = string | { Ref: string };
type CfnFunction = { Properties: { Handler: string; MemorySize?: number; FunctionName?: string; Code: { S3Key: string }; Environment: { Variables: Record<string, CfnValue> } } };

/** A function's environment from the template; `Ref`s (table names) become the logical id, used as the local table's name. */
function environmentOf(fn: CfnFunction): Record<string, string> {
  return Object.fromEntries(Object.entries(fn.Properties.Environment.Variables).map(([k, v]) => [k, typeof v === "string" ? v : v.Ref]));
}

/** The file and export a function's `Handler` names inside its staged code. */
function lambdaOf(assembly: string, fn: CfnFunction): Lambda {
  return bundleOfHandler(join(assembly, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, "")}`), fn.Properties.Handler);
}

/** Synthesizes the auditor stack (SST, offline) in a project root of its own and returns its template and cloud assembly. */
async function synthesizeStack(): Promise<{ template: Template; assembly: string }> {
  await initOfflineProject({ stage: STAGE, root: scratchProjectRoot("sst-root", workDir) });
  const app = await synthesizeApp({ stage: STAGE }, (app) => {
    app.stack(createAuditorStack({ settings: settingsFor(STAGE) }), { id: AUDITOR_STACK_ID });
  });
  const stack = app.node.children.find((c): c is Stack => c instanceof Stack);
  if (!stack) throw new Error("no stack synthesized");
  return { template: Template.fromStack(stack), assembly: app.outdir };
}

function lambdaContext(build: Build, functionName: string, memory: string): Record<string, unknown> {
  return lambdaContextFor(build.region, ACCOUNT, functionName, memory);
}

/** What Lambda's runtime puts in the environment, plus the function's own variables and the local endpoints. */
function lambdaEnv(build: Build, functionName: string, memory: string, own: Record<string, string>): Record<string, string> {
  return lambdaRuntimeEnv({
    region: build.region,
    functionName,
    memory,
    home: workDir,
    // The execution role's temporary credentials, as Lambda provides them.
    credentials: { ...FAKE_CREDENTIALS, sessionToken: SESSION_TOKEN },
    own,
    extra: { AWS_ENDPOINT_URL: fake.url, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SSM: ssmIam.url, AWS_ENDPOINT_URL_IAM: ssmIam.url },
  });
}

/** Runs `lambda` in a fresh `node` process (a cold start) and invokes it once per event, in order. */
function invoke(lambda: Lambda, env: Record<string, string>, context: Record<string, unknown>, events: unknown[], now: string): Promise<ChildRun> {
  return invokeBundle(workDir, lambda, env, context, events, now);
}

function configRuleName(ruleId: string): string {
  return `endpoint-auditor-${STAGE}-${ruleId}`;
}

/** The ResultToken of each invocation's event, by region and rule. */
const resultTokens = new Map<string, string>();

function scheduledEvent(build: Build, ruleId: string): unknown {
  const resultToken = fake.config.resultTokenFor(configRuleName(ruleId), build.region);
  resultTokens.set(`${build.region}/${ruleId}`, resultToken);
  return scheduledEventFor({ ruleId }, NOW.toISOString(), {
    configRuleName: configRuleName(ruleId),
    configRuleArn: `arn:aws:config:${build.region}:${ACCOUNT}:config-rule/config-rule-${ruleId.slice(0, 6)}`,
    accountId: ACCOUNT,
    resultToken,
  });
}

function rows(list: readonly StoredEvaluation[]): string[][] {
  return list.map((w) => [w.resourceType, w.resourceId, w.complianceType, w.annotation ?? ""]);
}

function expectedOf(build: Build, ruleId?: string): Evaluation[] {
  return expected.evaluations.filter((e) => e.region === build.region && (ruleId === undefined || e.ruleId === ruleId));
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "endpoint-auditor-e2e-"));

  // The code sst deploy uploads, and the function environments of the stack.
  const { template, assembly } = await synthesizeStack();
  const functions = Object.values(template.findResources("AWS::Lambda::Function")) as CfnFunction[];
  const evaluatorFn = functions.find((f) => f.Properties.FunctionName === `endpoint-auditor-${STAGE}-evaluator`);
  const digestFn = functions.find((f) => f.Properties.Environment.Variables.SLACK_WEBHOOK_PARAMETER_NAME !== undefined);
  if (!evaluatorFn || !digestFn) throw new Error("the stack has no evaluator or digest function");
  stackEnv = { evaluate: environmentOf(evaluatorFn), digest: environmentOf(digestFn) };
  evaluatorMemory = String(evaluatorFn.Properties.MemorySize);
  digestParameterName = stackEnv.digest.SLACK_WEBHOOK_PARAMETER_NAME!;
  BUILDS[1]!.evaluate = lambdaOf(assembly, evaluatorFn);
  BUILDS[1]!.digest = lambdaOf(assembly, digestFn);

  // npm run bundle's build.
  const bundles = await bundleHandlers({ names: ["evaluate", "digest"], outdir: join(workDir, "lambda") });
  for (const b of bundles) BUILDS[0]![b.name as "evaluate" | "digest"] = { file: b.outfile, exportName: "handler" };

  fake = await startFakeAws({ seed: 17, data: { accountId: ACCOUNT, regions: BUILDS.map((b) => b.raw) } });
  for (const build of BUILDS) {
    const vpcs = new Set((build.raw.vpcs ?? []).map((v) => v.VpcId));
    expect(GONE_VPCS.some((id) => vpcs.has(id))).toBe(false);
    fake.config.seedResults(
      configRuleName(FLOW_LOGS_RULE),
      GONE_VPCS.map((resourceId) => ({ resourceType: "AWS::EC2::VPC", resourceId, complianceType: "NON_COMPLIANT" as const, annotation: "No flow log.", orderingTimestamp: new Date("2026-03-01T06:00:00Z") })),
      build.region,
    );
  }
  dynamo = await startDynalite();
  await createHistoryTable(dynamo.client, stackEnv.evaluate.HISTORY_TABLE_NAME!);
  await createIdempotencyTable(dynamo.client, stackEnv.digest.IDEMPOTENCY_TABLE_NAME!);
  slack = await startLocalServer((_req, body, res) => {
    slackBodies.push(body);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  const slackUrl = `${slack.url}/services/T0A1B2C3D/B4E5F6G7H/e2eWebhookToken0123456789`;
  ssmIam = await startSsmIamStub({ accountId: ACCOUNT, parameters: { [digestParameterName]: slackUrl }, accountAlias: ACCOUNT_ALIAS });
});

afterAll(async () => {
  await fake?.close();
  await dynamo?.close();
  await ssmIam?.close();
  await slack?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe.each(BUILDS)("Given the deployed bundles of $label, run by node as Lambda runs them", (build) => {
  let evaluatorRun: ChildRun;

  beforeAll(async () => {
    const functionName = `endpoint-auditor-${STAGE}-evaluator`;
    evaluatorRun = await invoke(
      build.evaluate,
      lambdaEnv(build, functionName, evaluatorMemory, stackEnv.evaluate),
      lambdaContext(build, functionName, evaluatorMemory),
      RULE_IDS.map((ruleId) => scheduledEvent(build, ruleId)),
      NOW.toISOString(),
    );
  });

  it("Then the evaluator bundle exports `handler`, and each of the four ScheduledNotification invocations succeeds", () => {
    expect(evaluatorRun.exports).toContain(build.evaluate.exportName);
    expect(evaluatorRun.results.map((r) => r.error ?? "ok")).toEqual(RULE_IDS.map(() => "ok"));
  });

  it.each(RULE_IDS)("Then for %s the fake AWS Config recorded exactly core's evaluations of the same inventory, at the notification time", (ruleId) => {
    const written = fake.config.writes({ ruleName: configRuleName(ruleId), region: build.region });
    const want = expectedOf(build, ruleId);
    expect(want.length).toBeGreaterThan(0);
    const fresh = written.slice(0, want.length);
    expect(rows(fresh)).toEqual(want.map((e) => [e.resourceType, e.resourceId, e.compliance, e.annotation]));
    for (const w of written) expect(w.orderingTimestamp.toISOString()).toBe(NOW.toISOString());
    const result = evaluatorRun.results[RULE_IDS.indexOf(ruleId)]!.value!;
    expect(result).toMatchObject({ ruleId, configRuleName: configRuleName(ruleId), accountId: ACCOUNT, region: build.region, evaluated: want.length, written: written.length });
    // Only the flow-logs rule had previous results of resources that are gone.
    expect(written.length - want.length).toBe(ruleId === FLOW_LOGS_RULE ? GONE_VPCS.length : 0);
  });

  it("Then every seeded result of a VPC that is gone was listed (two pages) and marked NOT_APPLICABLE, in batches of at most 100", () => {
    const ruleName = configRuleName(FLOW_LOGS_RULE);
    const fresh = expectedOf(build, FLOW_LOGS_RULE).length;
    const stale = fake.config.writes({ ruleName, region: build.region }).slice(fresh);
    expect(rows(stale).sort()).toEqual(GONE_VPCS.map((id) => ["AWS::EC2::VPC", id, "NOT_APPLICABLE", NO_LONGER_EXISTS_ANNOTATION]).sort());
    const result = evaluatorRun.results[RULE_IDS.indexOf(FLOW_LOGS_RULE)]!.value!;
    expect(result).toMatchObject({ stale: GONE_VPCS.length, staleListPages: 2 });
    const listed = fake.calls.of("Config:GetComplianceDetailsByConfigRule").filter((c) => c.region === build.region && c.params.ConfigRuleName === ruleName);
    expect(listed.map((c) => c.params.Limit)).toEqual([100, 100]);
    const token = resultTokens.get(`${build.region}/${FLOW_LOGS_RULE}`);
    const puts = fake.calls.of("Config:PutEvaluations").filter((c) => c.params.ResultToken === token);
    const sizes = puts.map((c) => (c.params.Evaluations as unknown[]).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(fresh + GONE_VPCS.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(puts).toHaveLength(result.putEvaluationsCalls as number);
  });

  it("Then the inventory came from EC2 Describe calls and CloudWatch GetMetricData, every request signed with the environment's credentials (SigV4 checked by the fake)", () => {
    const calls = fake.calls.log.filter((c) => c.region === build.region);
    const keys = new Set(calls.map((c) => c.key));
    for (const key of ["EC2:DescribeVpcs", "EC2:DescribeSubnets", "EC2:DescribeRouteTables", "EC2:DescribeVpcEndpoints", "EC2:DescribeFlowLogs", "CloudWatch:GetMetricData", "Config:GetComplianceDetailsByConfigRule"]) {
      expect(keys.has(key), key).toBe(true);
    }
    expect(calls.every((c) => c.outcome === "ok"), JSON.stringify(calls.filter((c) => c.outcome !== "ok").slice(0, 3))).toBe(true);
  });

  it("Then the evaluator logged structured JSON lines through Powertools, with no error", () => {
    const lines = evaluatorRun.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.level === "ERROR")).toEqual([]);
    expect(lines.some((l) => l.service === "endpoint-auditor" && l.function_name === `endpoint-auditor-${STAGE}-evaluator`)).toBe(true);
    expect(evaluatorRun.stderr).not.toMatch(/Error|Warning/);
  });

  it("Then the findings history the evaluator wrote to DynamoDB holds exactly core's NON_COMPLIANT findings as open", async () => {
    const state = await loadDigestState(dynamo.doc, stackEnv.evaluate.HISTORY_TABLE_NAME!, {
      accountId: ACCOUNT,
      region: build.region,
      ...weekWindow(new Date(DIGEST_TIME)),
    });
    const open = state.open.map((r) => [r.ruleId, r.resourceType, r.resourceId, r.annotation, r.monthlySavingsUsd ?? null]).sort();
    const want = expectedOf(build)
      .filter((e) => e.compliance === "NON_COMPLIANT")
      .map((e) => [e.ruleId, e.resourceType, e.resourceId, e.annotation, e.monthlySavingsUsd ?? null])
      .sort();
    expect(want.length).toBeGreaterThan(0);
    expect(open).toEqual(want);
  });

  describe("When the weekly digest bundle runs twice for the same EventBridge event", () => {
    let digestRun: ChildRun;
    let sentBefore: number;

    beforeAll(async () => {
      sentBefore = slackBodies.length;
      const functionName = `endpoint-auditor-${STAGE}-digest`;
      const event = {
        version: "0",
        id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: ACCOUNT,
        time: DIGEST_TIME,
        region: build.region,
        resources: [`arn:aws:events:${build.region}:${ACCOUNT}:rule/endpoint-auditor-${STAGE}-digest`],
        detail: {},
      };
      digestRun = await invoke(build.digest, lambdaEnv(build, functionName, "256", stackEnv.digest), lambdaContext(build, functionName, "256"), [event, event], DIGEST_TIME);
    });

    it("Then the first sends one message — exactly the one core renders from that history — and the retry is suppressed by the idempotency record", async () => {
      expect(digestRun.exports).toContain(build.digest.exportName);
      expect(digestRun.results.map((r) => r.error ?? "ok")).toEqual(["ok", "ok"]);
      const nonCompliant = expectedOf(build).filter((e) => e.compliance === "NON_COMPLIANT").length;
      expect(digestRun.results[0]!.value).toMatchObject({ status: "sent", accountId: ACCOUNT, region: build.region, openFindings: nonCompliant, newThisWeek: nonCompliant });
      expect(digestRun.results[1]!.value).toMatchObject({ status: "sent", duplicate: true });
      expect(slackBodies.length - sentBefore).toBe(1);

      const { since, until } = weekWindow(new Date(DIGEST_TIME));
      const state = await loadDigestState(dynamo.doc, stackEnv.digest.HISTORY_TABLE_NAME!, { accountId: ACCOUNT, region: build.region, since, until });
      const prefix = stackEnv.digest.CONFIG_RULE_NAME_PREFIX!;
      const want = renderSlackMessage(
        buildDigest(
          { accountId: ACCOUNT, accountAlias: ACCOUNT_ALIAS, region: build.region, since, until, open: state.open, resolved: state.resolved, hasHistory: true },
          {
            ruleTitle: (id) => RULES.find((r) => r.metadata.id === id)?.metadata.title,
            configRuleName: (id) => `${prefix}${id}`,
            topOffenders: Number(stackEnv.digest.DIGEST_TOP_OFFENDERS),
          },
        ),
      );
      const sent = JSON.parse(slackBodies.at(-1)!) as SlackMessage;
      expect(sent).toEqual(want);
      expect(JSON.stringify(sent)).toContain(`${ACCOUNT_ALIAS} (${ACCOUNT}) · ${build.region}`);
    });

    it("Then the webhook URL was read from SSM decrypted, and appears nowhere in the digest's output", () => {
      const reads = ssmIam.calls.filter((c) => c.operation === "GetParameter");
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) {
        expect(read.input).toEqual({ Name: digestParameterName, WithDecryption: true });
        expect(read.withDecryption).toBe(true);
      }
      expect(digestRun.stdout + digestRun.stderr).not.toContain("e2eWebhookToken0123456789");
      expect(digestRun.stdout).toContain("Digest sent");
    });
  });
});
