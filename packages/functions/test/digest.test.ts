/**
 * The digest Lambda end to end: the real handler (middy + Powertools Logger/Metrics/Tracer + Idempotency),
 * real history and idempotency tables on dynalite (DynamoDB wire protocol on 127.0.0.1), a local HTTP
 * server playing the Slack webhook, and for the production wiring a local server answering SSM
 * GetParameter and IAM ListAccountAliases as the AWS APIs do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DigestConfigurationError,
  type DigestRunResult,
  type DigestSettings,
  type Evaluation,
  recordEvaluations,
  recordHeartbeat,
  type SlackMessage,
  SlackDeliveryError,
} from "@endpoint-auditor/core";
import { createHistoryTable, createIdempotencyTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { createDigestHandler, type DigestDependencies } from "../src/digest";
import { lambdaContext } from "./helpers";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const DAY = 86_400_000;
const TOKEN = "Zk3vQ8LmN2pR7sT1wX4yB9cD";
const WEBHOOK_PATH = `/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}`;
const MONDAY = "2024-01-08T09:00:00Z"; // ISO week 2024-W02
const context: Context = lambdaContext(REGION, ACCOUNT, "endpoint-auditor-digest");

/** The scheduled event EventBridge sends (AWS docs' example, with our account, region and rule). */
function scheduledEvent(time: string, id = "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa") {
  return {
    version: "0",
    id,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/endpoint-auditor-prod-digest`],
    detail: {},
  };
}

// ---- local Slack webhook -------------------------------------------------------------------------
type Answer = { status: number; body: string; headers?: Record<string, string> } | "hang";
const hung: ServerResponse[] = [];
let slack: Server;
let slackUrl: string;
let slackScript: Answer[] = [];
let slackRequests: { body: string; answered: number }[] = [];
const delivered = (): SlackMessage[] =>
  slackRequests.filter((r) => r.answered === 200).map((r) => JSON.parse(r.body) as SlackMessage);
/** The rules the stack deployed in these tests. */
const DEPLOYED = [
  { ruleId: "interface-endpoint-in-use", configRuleName: "endpoint-auditor-prod-interface-endpoint-in-use" },
  { ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled" },
];

// ---- raw output capture (every byte Powertools or anything else writes) ---------------------------
let output = "";
function captureRaw(): () => void {
  const collect = ((chunk: unknown) => {
    output += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, "write").mockImplementation(collect);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(collect);
  return () => {
    out.mockRestore();
    err.mockRestore();
  };
}

let dynamo: LocalDynamo;
let tables = 0;

function evaluation(ruleId: string, resourceId: string, compliance: Evaluation["compliance"], monthlySavingsUsd?: number): Evaluation {
  return {
    accountId: ACCOUNT,
    region: REGION,
    ruleId,
    resourceId,
    resourceType: ruleId === "vpc-flow-logs-enabled" ? "AWS::EC2::VPC" : "AWS::EC2::VPCEndpoint",
    compliance,
    annotation:
      compliance === "NON_COMPLIANT"
        ? ruleId === "vpc-flow-logs-enabled"
          ? "No flow log is attached to this VPC."
          : "No traffic in the last 30 days (0 B processed); 2 AZs × $0.01/h ≈ $14.60/month."
        : "OK",
    ...(monthlySavingsUsd ? { monthlySavingsUsd } : {}),
  };
}

/** Two weeks of daily evaluations before MONDAY: a, b open; c new this week; d resolved this week. */
async function seedHistory(table: string): Promise<void> {
  const start = Date.parse(MONDAY) - 14 * DAY;
  for (let day = 0; day < 14; day++) {
    const at = new Date(start + day * DAY);
    const thisWeek = day >= 7;
    await recordEvaluations(
      dynamo.doc,
      table,
      [
        evaluation("interface-endpoint-in-use", "vpce-0aaaaaaaaaaaaaaaa", "NON_COMPLIANT", 14.6),
        evaluation("vpc-flow-logs-enabled", "vpc-0bbbbbbbbbbbbbbbb", "NON_COMPLIANT"),
        evaluation("interface-endpoint-in-use", "vpce-0cccccccccccccccc", day >= 9 ? "NON_COMPLIANT" : "COMPLIANT", 21.9),
        evaluation("vpc-flow-logs-enabled", "vpc-0dddddddddddddddd", thisWeek && day >= 10 ? "COMPLIANT" : "NON_COMPLIANT"),
      ],
      at,
      { configRuleNames: { "interface-endpoint-in-use": "endpoint-auditor-prod-interface-endpoint-in-use" } },
    );
  }
}

interface Setup {
  settings: DigestSettings;
  deps: DigestDependencies;
  urlReads: number;
  handler: (event: unknown, context: Context) => Promise<DigestRunResult>;
}

async function setup(
  overrides: Partial<DigestSettings> = {},
  seed = true,
  alias: () => Promise<string | undefined> = async () => "payments-prod",
  heartbeats = true,
): Promise<Setup> {
  const n = ++tables;
  const settings: DigestSettings = {
    historyTableName: `history-${n}`,
    idempotencyTableName: `idempotency-${n}`,
    webhookParameterName: "/endpoint-auditor/prod/slack-webhook-url",
    onAllClear: "send",
    topOffenders: 10,
    configRuleNamePrefix: "endpoint-auditor-prod-",
    webhookCacheSeconds: 300,
    slackTimeoutMs: 2_000,
    deployedRules: DEPLOYED,
    frequency: "TwentyFour_Hours",
    ...overrides,
  };
  await createHistoryTable(dynamo.client, settings.historyTableName);
  await createIdempotencyTable(dynamo.client, settings.idempotencyTableName);
  if (seed) await seedHistory(settings.historyTableName);
  // Each deployed rule ran on Monday morning, before the digest.
  if (heartbeats) {
    for (const rule of DEPLOYED) {
      await recordHeartbeat(dynamo.doc, settings.historyTableName, { accountId: ACCOUNT, region: REGION, ...rule }, { at: new Date("2024-01-08T06:00:00Z"), evaluated: 4 });
    }
  }
  const s: Setup = {
    settings,
    urlReads: 0,
    deps: undefined as unknown as DigestDependencies,
    handler: undefined as unknown as Setup["handler"],
  };
  s.deps = {
    settings,
    region: REGION,
    history: dynamo.doc,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: settings.idempotencyTableName, awsSdkV3Client: dynamo.client }),
    getWebhookUrl: async (name) => {
      expect(name).toBe(settings.webhookParameterName);
      s.urlReads += 1;
      return slackUrl;
    },
    getAccountAlias: alias,
    postOptions: { sleep: async () => undefined },
  };
  s.handler = createDigestHandler(s.deps) as unknown as Setup["handler"];
  return s;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  slack = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const answer = slackScript.shift() ?? { status: 200, body: "ok" };
      if (answer === "hang") {
        slackRequests.push({ body, answered: 0 });
        hung.push(res);
        return;
      }
      slackRequests.push({ body, answered: answer.status });
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}${WEBHOOK_PATH}`;
});

afterAll(async () => {
  slack.closeAllConnections();
  await new Promise<void>((resolve) => slack.close(() => resolve()));
  await dynamo.close();
});

let restore: () => void = () => undefined;
beforeEach(() => {
  slackScript = [];
  slackRequests = [];
  output = "";
  restore = captureRaw();
});
afterEach(() => {
  restore();
  for (const res of hung.splice(0)) res.destroy();
  // Whatever happened in the test, the webhook URL was never written anywhere.
  expect(output).not.toContain(TOKEN);
  expect(output).not.toContain(WEBHOOK_PATH);
});

describe("digest handler", () => {
  it("Given two weeks of history and Monday's scheduled event, Then one Slack message with the week's counts, waste and console links", async () => {
    const s = await setup();
    const result = await s.handler(scheduledEvent(MONDAY), context);

    expect(result).toMatchObject({
      status: "sent",
      accountId: ACCOUNT,
      region: REGION,
      isoWeek: "2024-W02",
      openFindings: 3,
      newThisWeek: 1,
      resolvedThisWeek: 1,
      monthlyWasteUsd: 36.5,
      attempts: 1,
    });
    expect(delivered()).toHaveLength(1);
    const message = delivered()[0] as SlackMessage;
    const json = JSON.stringify(message);
    expect(message.text).toBe(
      "Endpoint audit payments-prod (123456789012) eu-west-1: 3 open findings (1 new, 1 resolved this week), $36.50/month estimated waste.",
    );
    expect(message.blocks[0]).toMatchObject({ type: "header", text: { text: "Endpoint audit: payments-prod (123456789012) · eu-west-1" } });
    expect(json).toContain("2024-01-01 → 2024-01-08 (UTC)");
    // The stored Config rule name is used when known; otherwise the stack's prefix + rule id.
    expect(json).toContain("configRuleName=endpoint-auditor-prod-interface-endpoint-in-use|interface-endpoint-in-use");
    expect(json).toContain("configRuleName=endpoint-auditor-prod-vpc-flow-logs-enabled|vpc-flow-logs-enabled");
    expect(json).toContain("1 non-compliant · 0 new · 1 resolved");
    expect(json).toContain("• *$21.90/mo* `vpce-0cccccccccccccccc` (interface-endpoint-in-use) :new: — No traffic in the last 30 days");
    expect(message.blocks.length).toBeLessThanOrEqual(50);

    const logLines = output.split("\n").filter((l) => l.startsWith("{"));
    const sentLog = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === "Digest sent");
    expect(sentLog).toMatchObject({ account: ACCOUNT, region: REGION, isoWeek: "2024-W02", openFindings: 3 });
  });

  it("Given the same event delivered again (a Lambda retry), Then nothing new is sent and the first result is returned", async () => {
    const s = await setup();
    const first = await s.handler(scheduledEvent(MONDAY), context);
    const again = await s.handler(scheduledEvent(MONDAY), context);

    expect(delivered()).toHaveLength(1);
    expect(slackRequests).toHaveLength(1);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(output).toContain("nothing sent");
    // One idempotency record, keyed by the week, holding the result.
    const records = await dynamo.doc.send(new ScanCommand({ TableName: s.settings.idempotencyTableName }));
    expect(records.Items).toHaveLength(1);
    expect(records.Items?.[0]).toMatchObject({ status: "COMPLETED" });
    expect(String(records.Items?.[0]?.id)).toMatch(/^endpoint-auditor-digest#/);
  });

  it("Given a second run later in the same ISO week, Then nothing is sent; Given next week's event, Then one more message", async () => {
    const s = await setup();
    await s.handler(scheduledEvent(MONDAY), context);
    const wednesday = await s.handler(scheduledEvent("2024-01-10T15:00:00Z", "another-event-id"), context);
    expect(wednesday.duplicate).toBe(true);
    expect(delivered()).toHaveLength(1);

    const nextWeek = await s.handler(scheduledEvent("2024-01-15T09:00:00Z", "next-week"), context);
    expect(nextWeek).toMatchObject({ status: "sent", isoWeek: "2024-W03" });
    expect(delivered()).toHaveLength(2);
  });

  it("Given Slack answers 400 invalid_blocks, Then the run fails with Slack's error and no URL, and the retry sends exactly one message", async () => {
    const s = await setup();
    slackScript = [{ status: 400, body: "invalid_blocks" }];
    const error = await s.handler(scheduledEvent(MONDAY), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ slackError: "invalid_blocks", status: 400 });
    const trace = `${String(error)}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
    expect(trace).not.toContain(TOKEN);
    expect(output).toContain("invalid_blocks"); // the failure is logged…
    expect(output).toContain("DigestFailures"); // …and counted, as the stack's failure alarm watches it:
    const failure = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { _aws?: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }; DigestFailures?: number; service?: string })
      .find((l) => l.DigestFailures !== undefined);
    // One dimension, service (the stack sets POWERTOOLS_SERVICE_NAME; test/infra checks the alarm uses that value).
    expect(failure).toMatchObject({ DigestFailures: 1, service: expect.any(String) });
    expect(failure?._aws?.CloudWatchMetrics[0]).toMatchObject({ Namespace: "EndpointAuditor", Dimensions: [["service"]] });

    const retried = await s.handler(scheduledEvent(MONDAY), context);
    expect(retried.status).toBe("sent");
    expect(retried.duplicate).toBeUndefined();
    expect(delivered()).toHaveLength(1);
    expect(slackRequests).toHaveLength(2);
  });

  it("Given Slack rate limits once with Retry-After, Then it waits and exactly one message is delivered", async () => {
    const s = await setup();
    const delays: number[] = [];
    s.deps.postOptions = { sleep: async (ms) => void delays.push(ms) };
    slackScript = [{ status: 429, body: "rate_limited", headers: { "retry-after": "1" } }];
    const result = await s.handler(scheduledEvent(MONDAY), context);
    expect(result).toMatchObject({ status: "sent", attempts: 2 });
    expect(delays).toEqual([1000]);
    expect(delivered()).toHaveLength(1);
  });

  it("Given an all-clear week and DIGEST_ON_ALL_CLEAR=skip, Then nothing is sent and the skip holds for the week", async () => {
    const s = await setup({ onAllClear: "skip" }, false);
    const result = await s.handler(scheduledEvent(MONDAY), context);
    expect(result).toMatchObject({ status: "skipped", openFindings: 0, blocks: 0 });
    expect(s.urlReads).toBe(0);
    const again = await s.handler(scheduledEvent(MONDAY), context);
    expect(again.duplicate).toBe(true);
    expect(slackRequests).toHaveLength(0);
  });

  it("Given an all-clear week and the default setting, Then a short all-clear message is sent", async () => {
    const s = await setup({}, false);
    await s.handler(scheduledEvent(MONDAY), context);
    expect(delivered()).toHaveLength(1);
    expect(delivered()[0]?.text).toBe("Endpoint audit payments-prod (123456789012) eu-west-1: all clear, no open findings.");
  });

  it("Given the alias lookup is denied, Then the digest names the account id only and a warning is logged", async () => {
    const denied = Object.assign(new Error("User is not authorized to perform: iam:ListAccountAliases"), { name: "AccessDenied" });
    const s = await setup({}, true, async () => {
      throw denied;
    });
    await s.handler(scheduledEvent(MONDAY), context);
    expect(delivered()[0]?.blocks[0]).toMatchObject({ text: { text: "Endpoint audit: 123456789012 · eu-west-1" } });
    expect(output).toContain("Account alias not available");
  });

  it("Given the webhook parameter has no value, Then a DigestConfigurationError naming the parameter, and nothing is recorded", async () => {
    const s = await setup();
    s.deps.getWebhookUrl = async () => undefined;
    const error = await s.handler(scheduledEvent(MONDAY), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestConfigurationError);
    expect((error as Error).message).toContain("/endpoint-auditor/prod/slack-webhook-url");
    const records = await dynamo.doc.send(new ScanCommand({ TableName: s.settings.idempotencyTableName }));
    expect(records.Items).toHaveLength(0);
  });

  it("Given Slack takes longer than the timeout, Then the week is recorded as possibly sent: no error, and the retried event sends nothing more", async () => {
    const s = await setup({ slackTimeoutMs: 200 });
    slackScript = ["hang"];
    const result = await s.handler(scheduledEvent(MONDAY), context);
    expect(result).toMatchObject({ status: "possibly-sent", attempts: 1, openFindings: 3 });
    expect(output).toContain("DigestPossiblySent");
    expect(output).toContain("it may have been posted, so it is not sent again this week");

    const retried = await s.handler(scheduledEvent(MONDAY), context);
    expect(retried).toMatchObject({ status: "possibly-sent", duplicate: true });
    expect(slackRequests).toHaveLength(1);
  });

  it("Given an empty history and no heartbeat (the evaluator never ran), Then the message names both rules as not reporting — not all clear, even with DIGEST_ON_ALL_CLEAR=skip", async () => {
    const s = await setup({ onAllClear: "skip" }, false, async () => "payments-prod", false);
    const result = await s.handler(scheduledEvent(MONDAY), context);
    expect(result).toMatchObject({ status: "sent", openFindings: 0, notReporting: ["interface-endpoint-in-use", "vpc-flow-logs-enabled"] });
    const message = delivered()[0] as SlackMessage;
    expect(message.text).toBe("Endpoint audit payments-prod (123456789012) eu-west-1: 2 rules NOT REPORTING; 0 open findings (0 new, 0 resolved this week).");
    expect(JSON.stringify(message)).toContain("not reporting: no successful run on record");
    expect(output).toContain("DigestRulesNotReporting");
  });
});
