/**
 * The organization digest as deployed, end to end, over two weeks. Its Lambda bundle — built by `npm run
 * bundle` and by `sst deploy` (SST's own esbuild, from the synthesized OrgDigestStack, whose template also
 * gives the function's environment and handler) — runs in a plain `node` process as Lambda runs it, against:
 *
 * - fake-aws's AWS Config aggregator (`DescribeAggregateComplianceByConfigRules`,
 *   `GetAggregateComplianceDetailsByConfigRule`, real response shapes and page limits) holding a synthetic
 *   organization judged by the real rules — through `AWS_ENDPOINT_URL`, SigV4 checked;
 * - dynalite for the state and idempotency tables — `AWS_ENDPOINT_URL_DYNAMODB`;
 * - the SSM stand-in for the webhook parameter — `AWS_ENDPOINT_URL_SSM`;
 * - a Slack incoming-webhook stand-in on 127.0.0.1.
 *
 * Week 1 is the first run (no comparison), sent once although invoked twice. In week 2 some findings are
 * fixed, some appear, one rule stops evaluating in one account-region and one disappears from another:
 * the message must be exactly the one core renders from the same aggregator and last week's state, with
 * those counts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import {
  RULES,
  buildOrgDigest,
  clientConfig,
  deployedRules,
  isoWeek,
  readAggregator,
  readPreviousState,
  renderOrgSlackMessage,
  type OrgState,
  type SlackMessage,
} from "@endpoint-auditor/core";
import { createIdempotencyTable, createOrgStateTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { bundleHandlers } from "../../packages/functions/scripts/bundle.mjs";
import { ORG_DIGEST_STACK_ID, createOrgDigestStack } from "../../stacks/OrgDigestStack";
import type { SettingsFile } from "../../stacks/settings/schema";
import { settingsFor } from "../../stacks/settings/validate";
import { initOfflineProject, scratchProjectRoot, synthesizeApp } from "../../stacks/synth";
import { FAKE_CREDENTIALS, startFakeAws, type AggregatedResult, type FakeAws, type FakeCall } from "../support/fake-aws";
import { bundleOfHandler, invokeBundle, lambdaContextFor, lambdaRuntimeEnv, type ChildRun, type LambdaBundle } from "../support/lambda-process";
import { syntheticOrganization } from "../support/organization";
import { startLocalServer, startSsmIamStub, type LocalServer, type SsmIamStub } from "../support/ssm-iam-stub";

const ACCOUNT = "999988887777";
const STAGE = "e2e-org";
const AGGREGATOR = "org-aggregator";
const MEMBER_PREFIX = "endpoint-auditor-prod-";
const WEEK1 = "2026-03-02T09:00:00Z";
const WEEK2 = "2026-03-09T09:00:00Z";
const TOKEN = "orgE2eWebhookToken0123456789";
const FILE: SettingsFile = {
  defaults: {},
  stages: {
    [STAGE]: {
      orgDigest: {
        enabled: true,
        aggregatorName: AGGREGATOR,
        aggregatorArn: `arn:aws:config:us-east-1:${ACCOUNT}:config-aggregator/config-aggregator-e2e00001`,
        memberRuleNamePrefix: MEMBER_PREFIX,
        webhookParameterName: "/endpoint-auditor/org/slack-webhook-url",
      },
    },
  },
};

interface Build {
  label: string;
  region: string;
  bundle: LambdaBundle;
}

const BUILDS: Build[] = [
  { label: "npm run bundle (the project's esbuild)", region: "us-east-1", bundle: { file: "", exportName: "" } },
  { label: "the sst deploy build (SST's esbuild 0.18)", region: "us-east-2", bundle: { file: "", exportName: "" } },
];

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const week1 = syntheticOrganization({ accounts: 6, regions: REGIONS, evaluatedAt: new Date("2026-03-02T06:00:00Z"), prefix: MEMBER_PREFIX, seed: 21 });
const week2Base = syntheticOrganization({ accounts: 6, regions: REGIONS, evaluatedAt: new Date("2026-03-08T06:00:00Z"), prefix: MEMBER_PREFIX, seed: 21 });
const IDLE = `${MEMBER_PREFIX}interface-endpoint-in-use`;
const FLOW = `${MEMBER_PREFIX}vpc-flow-logs-enabled`;

/** Week 2: three idle endpoints fixed, two new ones, one rule stale in one account-region, one source gone. */
function week2Results(): { results: AggregatedResult[]; fixed: string[]; added: string[]; stale: AggregatedResult; gone: AggregatedResult } {
  const results = week2Base.results.map((r) => ({ ...r }));
  const idleOpen = results.filter((r) => r.ruleName === IDLE && r.complianceType === "NON_COMPLIANT");
  const fixed = idleOpen.slice(0, 3);
  for (const r of fixed) Object.assign(r, { complianceType: "COMPLIANT", annotation: `In use: ${r.resourceId} processed 3.1 GB in the last 30 days.` });
  const template = idleOpen[3]!;
  const added = ["vpce-0e2e0000000000new1", "vpce-0e2e0000000000new2"].map((resourceId) => ({ ...template, resourceId, annotation: `No traffic in 30 days; about $21.90/month for 3 AZs. Delete ${resourceId} or share it via a hub VPC.` }));
  // A source with results of the flow-logs rule stops evaluating (its results keep an old time) …
  const stale = results.find((r) => r.ruleName === FLOW && r.accountId === week2Base.accountIds[1])!;
  for (const r of results) if (r.ruleName === FLOW && r.accountId === stale.accountId && r.region === stale.region) r.orderingTimestamp = new Date("2026-03-04T06:00:00Z");
  // … and another source of it disappears from the aggregator.
  const gone = results.find((r) => r.ruleName === FLOW && r.accountId === week2Base.accountIds[2])!;
  const kept = results.filter((r) => !(r.ruleName === FLOW && r.accountId === gone.accountId && r.region === gone.region));
  return { results: [...kept, ...added], fixed: fixed.map((r) => r.resourceId), added: added.map((r) => r.resourceId), stale, gone };
}
const CHANGES = week2Results();

let workDir: string;
let fake: FakeAws;
let dynamo: LocalDynamo;
let ssm: SsmIamStub;
let slack: LocalServer;
const slackBodies: string[] = [];
let stackEnv: Record<string, string>;

function stateTableOf(build: Build): string {
  return `${stackEnv.ORG_STATE_TABLE_NAME}-${build.region}`;
}

function envFor(build: Build): Record<string, string> {
  return lambdaRuntimeEnv({
    region: build.region,
    functionName: `endpoint-auditor-${STAGE}-org-digest`,
    memory: "512",
    home: workDir,
    credentials: { ...FAKE_CREDENTIALS, sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE-org-digest" },
    own: { ...stackEnv, ORG_STATE_TABLE_NAME: stateTableOf(build), IDEMPOTENCY_TABLE_NAME: `${stackEnv.IDEMPOTENCY_TABLE_NAME}-${build.region}` },
    extra: { AWS_ENDPOINT_URL: fake.url, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SSM: ssm.url },
  });
}

function scheduledEvent(build: Build, time: string): unknown {
  return {
    version: "0",
    id: `53dc4d37-cffa-4f76-80c9-${time.slice(0, 10).replaceAll("-", "")}aaaa`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time,
    region: build.region,
    resources: [`arn:aws:events:${build.region}:${ACCOUNT}:rule/endpoint-auditor-${STAGE}-org-digest`],
    detail: {},
  };
}

/** What core renders from the aggregator as it is now and the given earlier state. */
async function expectedMessage(build: Build, now: string, previous?: OrgState): Promise<SlackMessage> {
  const client = new ConfigServiceClient({ ...clientConfig({ region: build.region }), endpoint: fake.url, credentials: { ...FAKE_CREDENTIALS } });
  const rules = deployedRules(MEMBER_PREFIX);
  const snapshot = await readAggregator(client, { aggregatorName: AGGREGATOR, rules });
  client.destroy();
  const { digest } = buildOrgDigest(
    { aggregatorName: AGGREGATOR, aggregatorRegion: build.region, now: new Date(now), snapshot, rules, ...(previous ? { previous } : {}), staleAfterHours: 48 },
    { ruleTitle: (id) => RULES.find((r) => r.metadata.id === id)?.metadata.title, topOffenders: 10, topAccounts: 10 },
  );
  return renderOrgSlackMessage(digest);
}

async function run(build: Build, time: string, times = 1): Promise<ChildRun> {
  const functionName = `endpoint-auditor-${STAGE}-org-digest`;
  const event = scheduledEvent(build, time);
  return invokeBundle(workDir, build.bundle, envFor(build), lambdaContextFor(build.region, ACCOUNT, functionName, "512"), Array.from({ length: times }, () => event), time);
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "endpoint-auditor-org-e2e-"));
  await initOfflineProject({ stage: STAGE, root: scratchProjectRoot("sst-root", workDir) });
  const stackFn = createOrgDigestStack({ settings: settingsFor(STAGE, FILE) });
  const app = await synthesizeApp({ stage: STAGE }, (a) => {
    a.stack(stackFn, { id: ORG_DIGEST_STACK_ID });
  });
  const stack = app.node.children.find((c): c is Stack => c instanceof Stack)!;
  const [fn] = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Function")) as Array<{ Properties: { Handler: string; Code: { S3Key: string }; Environment: { Variables: Record<string, string | { Ref: string }> } } }>;
  stackEnv = Object.fromEntries(Object.entries(fn!.Properties.Environment.Variables).map(([k, v]) => [k, typeof v === "string" ? v : v.Ref]));
  BUILDS[1]!.bundle = bundleOfHandler(join(app.outdir, `asset.${fn!.Properties.Code.S3Key.replace(/\.zip$/, "")}`), fn!.Properties.Handler);
  const [bundled] = await bundleHandlers({ names: ["org-digest"], outdir: join(workDir, "lambda") });
  BUILDS[0]!.bundle = { file: bundled!.outfile, exportName: "handler" };

  fake = await startFakeAws({ seed: 23, data: { accountId: ACCOUNT } });
  dynamo = await startDynalite();
  for (const build of BUILDS) {
    fake.aggregator.create(AGGREGATOR, build.region);
    fake.aggregator.add(AGGREGATOR, build.region, week1.results);
    await createOrgStateTable(dynamo.client, stateTableOf(build));
    await createIdempotencyTable(dynamo.client, `${stackEnv.IDEMPOTENCY_TABLE_NAME}-${build.region}`);
  }
  slack = await startLocalServer((_req, body, res) => {
    slackBodies.push(body);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  ssm = await startSsmIamStub({ accountId: ACCOUNT, accountAlias: "org-management", parameters: { [stackEnv.SLACK_WEBHOOK_PARAMETER_NAME!]: `${slack.url}/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}` } });
}, 300_000);

afterAll(async () => {
  await fake?.close();
  await dynamo?.close();
  await ssm?.close();
  await slack?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe.each(BUILDS)("Given the organization digest bundle of $label, run by node as Lambda runs it", (build) => {
  const openWeek1 = week1.evaluations.filter((e) => e.compliance === "NON_COMPLIANT").length;

  describe("When the week-1 schedule fires and Lambda retries the same event", () => {
    let result: ChildRun;
    let sent: SlackMessage;
    let lambdaCalls: FakeCall[];

    beforeAll(async () => {
      const before = slackBodies.length;
      fake.calls.reset();
      result = await run(build, WEEK1, 2);
      lambdaCalls = fake.calls.log.filter((c) => c.region === build.region);
      expect(slackBodies.length - before).toBe(1);
      sent = JSON.parse(slackBodies.at(-1)!) as SlackMessage;
    }, 120_000);

    it("Then the first invocation sends one message — exactly the one core renders as a first run — and the retry is suppressed", async () => {
      expect(result.exports).toContain(build.bundle.exportName);
      expect(result.results.map((r) => r.error ?? "ok")).toEqual(["ok", "ok"]);
      expect(result.results[0]!.value).toMatchObject({ status: "sent", aggregatorName: AGGREGATOR, isoWeek: "2026-W10", openFindings: openWeek1, newThisWeek: 0, resolvedThisWeek: 0, accounts: 6, notReporting: 0, unread: 0 });
      expect(result.results[1]!.value).toMatchObject({ status: "sent", duplicate: true });
      expect(sent).toEqual(await expectedMessage(build, WEEK1));
      expect(JSON.stringify(sent)).toContain("First run");
    });

    it("Then the aggregator was read through its two APIs only, every call signed and answered", () => {
      const calls = lambdaCalls;
      expect(new Set(calls.map((c) => c.key))).toEqual(new Set(["Config:DescribeAggregateComplianceByConfigRules", "Config:GetAggregateComplianceDetailsByConfigRule"]));
      expect(calls.every((c) => c.outcome === "ok")).toBe(true);
      expect(calls.filter((c) => c.key === "Config:DescribeAggregateComplianceByConfigRules")).toHaveLength(RULES.length);
      expect(result.results[0]!.value!.aggregatorCalls).toBe(calls.length);
    });

    it("Then the week's state was kept in the state table, and the webhook URL appears nowhere in the output", async () => {
      const { state } = await readPreviousState(dynamo.doc, stateTableOf(build), AGGREGATOR, "2026-W11");
      expect(state?.isoWeek).toBe("2026-W10");
      expect(state?.open).toHaveLength(openWeek1);
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
      expect(result.stdout).toContain("Organization digest sent");
      for (const read of ssm.calls.filter((c) => c.operation === "GetParameter")) expect(read.input).toEqual({ Name: stackEnv.SLACK_WEBHOOK_PARAMETER_NAME, WithDecryption: true });
    });
  });

  describe("When the week-2 schedule fires after findings were fixed and added, one rule stopped evaluating and one disappeared", () => {
    let result: ChildRun;
    let sent: SlackMessage;
    let previous: OrgState | undefined;

    beforeAll(async () => {
      previous = (await readPreviousState(dynamo.doc, stateTableOf(build), AGGREGATOR, isoWeek(new Date(WEEK2)))).state;
      fake.aggregator.create(AGGREGATOR, build.region);
      fake.aggregator.add(AGGREGATOR, build.region, CHANGES.results);
      const before = slackBodies.length;
      result = await run(build, WEEK2);
      expect(slackBodies.length - before).toBe(1);
      sent = JSON.parse(slackBodies.at(-1)!) as SlackMessage;
    }, 120_000);

    it("Then it counts the 2 new and 3 fixed findings against last week, and reports the stale and the vanished rule source as not reporting (the vanished one's findings not counted as resolved)", () => {
      const goneOpen = week1.results.filter((r) => r.ruleName === FLOW && r.accountId === CHANGES.gone.accountId && r.region === CHANGES.gone.region && r.complianceType === "NON_COMPLIANT").length;
      expect(result.results.map((r) => r.error ?? "ok")).toEqual(["ok"]);
      expect(result.results[0]!.value).toMatchObject({ status: "sent", isoWeek: "2026-W11", newThisWeek: 2, resolvedThisWeek: 3, notReporting: 2, unread: 0, openFindings: openWeek1 - 3 + 2 - goneOpen });
      const text = JSON.stringify(sent);
      expect(text).toContain(`vpc-flow-logs-enabled in ${CHANGES.stale.accountId} · ${CHANGES.stale.region}: last evaluation 2026-03-04 06:00 UTC`);
      expect(text).toContain(`vpc-flow-logs-enabled in ${CHANGES.gone.accountId} · ${CHANGES.gone.region}: no results any more`);
      for (const id of CHANGES.added) expect(text).toContain(id);
    });

    it("Then the message is exactly the one core renders from the aggregator and last week's state", async () => {
      expect(previous?.isoWeek).toBe("2026-W10");
      expect(sent).toEqual(await expectedMessage(build, WEEK2, previous));
    });
  });
});
