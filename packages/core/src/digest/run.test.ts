/**
 * One digest run without the Lambda around it: the week and account an EventBridge scheduled event asks
 * for, and `runDigest` over a real history table (dynalite on 127.0.0.1) with an injected `fetch` playing
 * the Slack webhook (answers as Slack documents them: `200 ok`, plain-text errors). The Lambda's
 * once-per-week behaviour is tested with the handler (packages/functions/test/digest.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHistoryTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { EndpointAuditorError } from "../errors";
import type { Evaluation } from "../evaluation";
import { recordEvaluations } from "../history/record";
import { SlackDeliveryError } from "../slack/webhook";
import type { SlackMessage } from "./blocks";
import { digestKeyFor, runDigest, type DigestRunOptions } from "./run";
import { DigestConfigurationError, type DigestSettings } from "./settings";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const URL = "https://hooks.slack.com/services/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";
const MONDAY = new Date("2024-01-08T09:00:00Z"); // ISO week 2024-W02

/** The scheduled event EventBridge sends (AWS docs' example, with our account, region and rule). */
function scheduledEvent(time: unknown, account: unknown = ACCOUNT) {
  return {
    version: "0",
    id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account,
    time,
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/endpoint-auditor-prod-digest`],
    detail: {},
  };
}

describe("digestKeyFor", () => {
  it("Given a scheduled event and the function's account, Then the key is that account, the region and the event time's ISO week", () => {
    const { key, now } = digestKeyFor(scheduledEvent("2024-01-08T09:00:00Z", "999999999999"), { region: REGION, functionAccountId: ACCOUNT });
    expect(key).toEqual({ accountId: ACCOUNT, region: REGION, isoWeek: "2024-W02" });
    expect(now.toISOString()).toBe("2024-01-08T09:00:00.000Z");
  });

  it("Given no account in the function's ARN, Then the event's account is used", () => {
    expect(digestKeyFor(scheduledEvent("2024-01-08T09:00:00Z"), { region: REGION }).key.accountId).toBe(ACCOUNT);
  });

  it("Given neither the ARN nor the event names a 12-digit account, Then a DigestConfigurationError", () => {
    expect(() => digestKeyFor(scheduledEvent("2024-01-08T09:00:00Z", "not-an-account"), { region: REGION })).toThrow(DigestConfigurationError);
    expect(() => digestKeyFor(null, { region: REGION })).toThrow(/Cannot tell the account/);
  });

  it("Given an event without a readable time, Then the clock decides the week", () => {
    const clock = () => new Date("2021-01-03T12:00:00Z");
    for (const time of [undefined, "yesterday", 1704704400000]) {
      const { key } = digestKeyFor(scheduledEvent(time), { region: REGION, functionAccountId: ACCOUNT, now: clock });
      expect(key.isoWeek).toBe("2020-W53");
    }
  });
});

describe("runDigest on a history table", () => {
  let dynamo: LocalDynamo;
  let tables = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  function finding(resourceId: string, compliance: Evaluation["compliance"]): Evaluation {
    return {
      accountId: ACCOUNT,
      region: REGION,
      ruleId: "interface-endpoint-in-use",
      resourceId,
      resourceType: "AWS::EC2::VPCEndpoint",
      compliance,
      annotation: compliance === "NON_COMPLIANT" ? "No traffic in the last 30 days (0 B processed)." : "In use.",
      ...(compliance === "NON_COMPLIANT" ? { monthlySavingsUsd: 14.6 } : {}),
    };
  }

  interface Run {
    options: DigestRunOptions;
    posted: SlackMessage[];
    urlReads: string[];
    warnings: string[];
  }

  async function prepare(open: number, settings: Partial<DigestSettings> = {}): Promise<Run> {
    const table = `digest-run-${++tables}`;
    await createHistoryTable(dynamo.client, table);
    const evaluations = Array.from({ length: open }, (_, i) => finding(`vpce-0${String(i).padStart(16, "0")}`, "NON_COMPLIANT"));
    if (open > 0) await recordEvaluations(dynamo.doc, table, evaluations, new Date("2024-01-05T09:00:00Z"));
    const run: Run = { posted: [], urlReads: [], warnings: [], options: undefined as unknown as DigestRunOptions };
    run.options = {
      key: { accountId: ACCOUNT, region: REGION, isoWeek: "2024-W02" },
      now: MONDAY,
      settings: {
        historyTableName: table,
        webhookParameterName: "/endpoint-auditor/prod/slack-webhook-url",
        onAllClear: "send",
        topOffenders: 10,
        configRuleNamePrefix: "endpoint-auditor-prod-",
        webhookCacheSeconds: 300,
        slackTimeoutMs: 2_000,
        ...settings,
      },
      history: dynamo.doc,
      getWebhookUrl: async (name) => {
        run.urlReads.push(name);
        return URL;
      },
      getAccountAlias: async () => "payments-prod",
      log: { warn: (message) => void run.warnings.push(message) },
      postOptions: {
        sleep: async () => undefined,
        fetch: (async (_url: string, init: RequestInit) => {
          run.posted.push(JSON.parse(String(init.body)) as SlackMessage);
          return new Response("ok", { status: 200 });
        }) as typeof fetch,
      },
    };
    return run;
  }

  it("Given open findings, Then one message is posted and the result counts them", async () => {
    const run = await prepare(3);
    const result = await runDigest(run.options);
    expect(result).toMatchObject({ status: "sent", isoWeek: "2024-W02", openFindings: 3, newThisWeek: 3, monthlyWasteUsd: 43.8, attempts: 1 });
    expect(result.blocks).toBe(run.posted[0]?.blocks.length);
    expect(run.posted).toHaveLength(1);
    expect(run.urlReads).toEqual(["/endpoint-auditor/prod/slack-webhook-url"]);
  });

  it("Given an all-clear week and onAllClear skip, Then nothing is posted and the webhook URL is not read", async () => {
    const run = await prepare(0, { onAllClear: "skip" });
    expect(await runDigest(run.options)).toMatchObject({ status: "skipped", openFindings: 0, blocks: 0, attempts: 0 });
    expect(run.urlReads).toEqual([]);
    expect(run.posted).toEqual([]);
  });

  it("Given the alias lookup fails, Then the message names the account id only and a warning is logged", async () => {
    const run = await prepare(1);
    run.options.getAccountAlias = () => Promise.reject(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
    await runDigest(run.options);
    expect(run.posted[0]?.blocks[0]).toMatchObject({ text: { text: "Endpoint audit: 123456789012 · eu-west-1" } });
    expect(run.warnings).toEqual(["Account alias not available; the digest shows the account id only"]);
  });

  it("Given Slack answers 404 channel_not_found, Then the SlackDeliveryError is thrown as is", async () => {
    const run = await prepare(1);
    run.options.postOptions = { fetch: (async () => new Response("channel_not_found", { status: 404 })) as typeof fetch };
    const error = await runDigest(run.options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ slackError: "channel_not_found", status: 404 });
  });

  it("Given a failure outside Slack's client that quotes the URL, Then an EndpointAuditorError with the URL redacted and no cause", async () => {
    const run = await prepare(1);
    run.options.postOptions = {
      fetch: (async () => new Response("", { status: 503 })) as typeof fetch,
      sleep: async () => {
        throw new TypeError(`retry of POST ${URL} cancelled`);
      },
    };
    const error = await runDigest(run.options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointAuditorError);
    expect(error).not.toBeInstanceOf(SlackDeliveryError);
    expect((error as Error).message).toBe("Sending the digest failed: retry of POST [redacted webhook URL] cancelled");
    expect((error as Error).cause).toBeUndefined();
  });

  it("Given the webhook parameter has no value, Then a DigestConfigurationError naming the parameter and nothing is posted", async () => {
    const run = await prepare(1);
    run.options.getWebhookUrl = async () => undefined;
    await expect(runDigest(run.options)).rejects.toThrow(
      new DigestConfigurationError("SSM parameter /endpoint-auditor/prod/slack-webhook-url has no value"),
    );
    expect(run.posted).toEqual([]);
  });
});
