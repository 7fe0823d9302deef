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
import { loadDigestState } from "../history/queries";
import { recordHeartbeat, recordRunFailure } from "../history/heartbeats";
import { CollectionError } from "../errors";
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

  const IDLE_RULE = { ruleId: "interface-endpoint-in-use", configRuleName: "endpoint-auditor-prod-interface-endpoint-in-use" };
  const FLOW_RULE = { ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled" };
  /** The Monday morning run of each deployed rule (a day before the digest): every rule reports. */
  const LAST_RUN = new Date("2024-01-07T06:00:00Z");

  async function prepare(open: number, settings: Partial<DigestSettings> = {}, options: { heartbeats?: boolean } = {}): Promise<Run & { table: string }> {
    const table = `digest-run-${++tables}`;
    await createHistoryTable(dynamo.client, table);
    const evaluations = Array.from({ length: open }, (_, i) => finding(`vpce-0${String(i).padStart(16, "0")}`, "NON_COMPLIANT"));
    if (open > 0) await recordEvaluations(dynamo.doc, table, evaluations, new Date("2024-01-05T09:00:00Z"));
    if (options.heartbeats !== false) {
      for (const rule of [IDLE_RULE, FLOW_RULE]) {
        await recordHeartbeat(dynamo.doc, table, { accountId: ACCOUNT, region: REGION, ...rule }, { at: LAST_RUN, evaluated: 10, frequency: "TwentyFour_Hours" });
      }
    }
    const run: Run & { table: string } = { table, posted: [], urlReads: [], warnings: [], options: undefined as unknown as DigestRunOptions };
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
        deployedRules: [IDLE_RULE, FLOW_RULE],
        frequency: "TwentyFour_Hours",
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

  const sectionTexts = (message: SlackMessage | undefined): string =>
    (message?.blocks ?? []).map((b) => (b.type === "section" ? b.text.text : b.type === "context" ? b.elements.map((e) => e.text).join(" ") : "")).join("\n");

  it("Given an empty history and no heartbeat at all (the evaluator never ran), Then the message names every deployed rule as not reporting and is never all clear, even with onAllClear skip", async () => {
    const run = await prepare(0, { onAllClear: "skip" }, { heartbeats: false });
    const result = await runDigest(run.options);
    expect(result).toMatchObject({ status: "sent", openFindings: 0, notReporting: ["interface-endpoint-in-use", "vpc-flow-logs-enabled"] });
    const text = sectionTexts(run.posted[0]);
    expect(text).not.toMatch(/all clear/i);
    expect(text).toContain("*2 rules not reporting*");
    expect(text).toContain("`endpoint-auditor-prod-vpc-flow-logs-enabled` (vpc-flow-logs-enabled): not reporting: no successful run on record");
    expect(run.posted[0]?.text).toContain("2 rules NOT REPORTING");
  });

  it("Given one rule whose last success is 3 days old and whose runs since failed, Then it is named with since when and the failure's reason; the other rule reports", async () => {
    const run = await prepare(1);
    const flow = { accountId: ACCOUNT, region: REGION, ...FLOW_RULE };
    await recordHeartbeat(dynamo.doc, run.table, flow, { at: new Date("2024-01-05T06:00:00Z"), evaluated: 7 });
    await recordRunFailure(dynamo.doc, run.table, flow, {
      at: new Date("2024-01-08T06:00:00Z"),
      error: new CollectionError({ region: REGION, call: "ec2:DescribeFlowLogs", code: "UnauthorizedOperation" }, "You are not authorized to perform this operation."),
    });
    const result = await runDigest(run.options);
    expect(result.notReporting).toEqual(["vpc-flow-logs-enabled"]);
    expect(sectionTexts(run.posted[0])).toContain(
      "`endpoint-auditor-prod-vpc-flow-logs-enabled` (vpc-flow-logs-enabled): not reporting since 2024-01-05 06:00 UTC (no successful run within 48 h); " +
        "last failure 2024-01-08 06:00 UTC: CollectionError: ec2:DescribeFlowLogs in eu-west-1 failed: You are not authorized to perform this operation.",
    );
  });

  it("Given every rule reporting and nothing open, Then the all-clear message is sent", async () => {
    const run = await prepare(0);
    expect(await runDigest(run.options)).toMatchObject({ status: "sent", notReporting: [] });
    expect(sectionTexts(run.posted[0])).toContain("*All clear.*");
  });

  it("Given Slack never answers within the timeout, Then the result is possibly-sent after one request (not an error, not retried) and a warning says why", async () => {
    const run = await prepare(1);
    let requests = 0;
    run.options.postOptions = {
      fetch: (async (_url: string, init: RequestInit) => {
        requests += 1;
        return new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        });
      }) as typeof fetch,
    };
    run.options.settings = { ...run.options.settings, slackTimeoutMs: 100 };
    const result = await runDigest(run.options);
    expect(result).toMatchObject({ status: "possibly-sent", openFindings: 1, attempts: 1 });
    expect(result.deliveryError).toContain("Slack did not answer within 100 ms");
    expect(result.deliveryError).not.toContain("hooks.slack.com");
    expect(requests).toBe(1);
    expect(run.warnings).toEqual(["Slack did not confirm the digest; it may have been posted, so it is not sent again this week"]);
  });

  it("Given open findings of a rule that is no longer deployed, Then they are closed (not resolved, not counted) and the message says so once", async () => {
    const run = await prepare(2, { deployedRules: [FLOW_RULE] });
    const result = await runDigest(run.options);
    expect(result).toMatchObject({ status: "sent", openFindings: 0, resolvedThisWeek: 0, retired: 2 });
    expect(sectionTexts(run.posted[0])).toContain("Closed 2 open findings of rules no longer deployed (interface-endpoint-in-use).");
    const after = await loadDigestState(dynamo.doc, run.table, { accountId: ACCOUNT, region: REGION, since: new Date("2024-01-01T00:00:00Z"), until: new Date("2024-02-01T00:00:00Z") });
    expect(after).toMatchObject({ open: [], resolved: [], exempt: [] });
    // The next week has nothing left to close.
    const next = await prepare(0, { deployedRules: [FLOW_RULE], historyTableName: run.table });
    expect((await runDigest(next.options)).retired).toBe(0);
  });

  it("Given an exemption granted this week and one expiring within 14 days, Then both are listed in their own sections and neither as resolved", async () => {
    const run = await prepare(2);
    const exempt = (id: string, until: string): Evaluation => ({
      ...finding(id, "NOT_APPLICABLE"),
      annotation: `Exempt until ${until}: DR standby`,
      exemption: { reason: "DR standby", until },
    });
    await recordEvaluations(dynamo.doc, run.table, [exempt("vpce-00000000000000000", "2024-06-30"), exempt("vpce-00000000000000001", "2024-01-15")], new Date("2024-01-06T09:00:00Z"));
    const result = await runDigest(run.options);
    expect(result).toMatchObject({ openFindings: 0, resolvedThisWeek: 0, exemptedThisWeek: 2 });
    const text = sectionTexts(run.posted[0]);
    expect(text).toContain("*Exempted this week*");
    expect(text).toContain("• vpce-00000000000000000 (interface-endpoint-in-use) until 2024-06-30: DR standby");
    expect(text).toMatch(/Exemptions expiring soon\* \(judged again after their last day\)\n• vpce-00000000000000001 \(interface-endpoint-in-use\) until 2024-01-15: DR standby$/m);
    expect(text).toContain("*0 open findings* · 0 new this week · 0 resolved this week · 2 exempt");
  });
});
