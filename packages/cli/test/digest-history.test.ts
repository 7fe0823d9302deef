/**
 * `endpoint-auditor digest --history-table NAME`: the real bin as a child process reading a findings history
 * on dynalite (DynamoDB's wire protocol on 127.0.0.1, through `AWS_ENDPOINT_URL_DYNAMODB`) and asking the
 * fake AWS server who the caller is (STS, through `AWS_ENDPOINT_URL`). The history is written by core's own
 * recorder, as the evaluator writes it; the preview must be the message the deployed digest would send.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES, recordEvaluations, recordHeartbeat, recordRunFailure, RuleEvaluationError, type Evaluation } from "@endpoint-auditor/core";
import { createHistoryTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { FAKE_CREDENTIALS, startFakeAws, type FakeAws } from "../../../test/support/fake-aws/index";
import { runCli, sealedEnv, tempDir } from "./support";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TABLE = "prod-endpoint-auditor-history";
const PREFIX = "endpoint-auditor-prod-";
const MONDAY = "2024-01-08T09:00:00.000Z";

let dynamo: LocalDynamo;
let fake: FakeAws;
let home: { path: string; cleanup: () => Promise<void> };

function finding(ruleId: string, resourceId: string, compliance: Evaluation["compliance"], extra: Partial<Evaluation> = {}): Evaluation {
  return {
    accountId: ACCOUNT,
    region: REGION,
    ruleId,
    resourceId,
    resourceType: ruleId === "vpc-flow-logs-enabled" ? "AWS::EC2::VPC" : "AWS::EC2::VPCEndpoint",
    compliance,
    annotation: compliance === "NON_COMPLIANT" ? "No traffic in the last 30 days." : "In use.",
    ...extra,
  };
}

beforeAll(async () => {
  home = await tempDir();
  dynamo = await startDynalite();
  fake = await startFakeAws({ data: { accountId: ACCOUNT, regions: [{ region: REGION }] } });
  await createHistoryTable(dynamo.client, TABLE);
  // The week: one endpoint open since before the week, one exempted on Wednesday.
  await recordEvaluations(dynamo.doc, TABLE, [finding("interface-endpoint-in-use", "vpce-0aaaaaaaaaaaaaaaa", "NON_COMPLIANT", { monthlySavingsUsd: 14.6 })], new Date("2023-12-20T06:00:00Z"));
  await recordEvaluations(
    dynamo.doc,
    TABLE,
    [finding("interface-endpoint-in-use", "vpce-0bbbbbbbbbbbbbbbb", "NOT_APPLICABLE", { annotation: "Exempt until 2024-01-12: DR standby", exemption: { reason: "DR standby", until: "2024-01-12" } })],
    new Date("2024-01-03T06:00:00Z"),
  );
  // The endpoint rule ran on Monday; the flow-log rule last ran on Thursday and has failed since.
  const key = (ruleId: string) => ({ accountId: ACCOUNT, region: REGION, ruleId, configRuleName: `${PREFIX}${ruleId}` });
  await recordHeartbeat(dynamo.doc, TABLE, key("interface-endpoint-in-use"), { at: new Date("2024-01-08T06:00:00Z"), evaluated: 12 });
  await recordHeartbeat(dynamo.doc, TABLE, key("vpc-flow-logs-enabled"), { at: new Date("2024-01-04T06:00:00Z"), evaluated: 3 });
  await recordRunFailure(dynamo.doc, TABLE, key("vpc-flow-logs-enabled"), {
    at: new Date("2024-01-08T06:00:00Z"),
    error: new RuleEvaluationError({ ruleId: "vpc-flow-logs-enabled", region: REGION }, "nothing written: ec2:DescribeFlowLogs failed: access denied"),
  });
});

afterAll(async () => {
  await fake.close();
  await dynamo.close();
  await home.cleanup();
});

function env(): Record<string, string> {
  return sealedEnv(home.path, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_MAX_ATTEMPTS: "2",
  });
}

describe("digest --history-table", () => {
  it("Given a deployed history where one rule stopped reporting, Then the preview names it (since when, last failure) and is not all clear, with the open and exempted findings", async () => {
    const args = ["digest", "--history-table", TABLE, "--region", REGION, "--now", MONDAY, "--format", "text", "--config-rule-prefix", PREFIX];
    const run = await runCli([...args, "--rules", "interface-endpoint-in-use,vpc-flow-logs-enabled"], { env: env() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Endpoint audit: 123456789012 · eu-west-1");
    expect(run.stdout).toContain("1 open finding · 0 new this week · 0 resolved this week · 1 exempt");
    expect(run.stdout).toContain(
      "endpoint-auditor-prod-vpc-flow-logs-enabled (vpc-flow-logs-enabled): not reporting since 2024-01-04 06:00 UTC (no successful run within 48 h); " +
        "last failure 2024-01-08 06:00 UTC: RuleEvaluationError: Rule vpc-flow-logs-enabled in eu-west-1: nothing written: ec2:DescribeFlowLogs failed: access denied",
    );
    expect(run.stdout).not.toMatch(/interface-endpoint-in-use\): not reporting/);
    expect(run.stdout).toContain("Exempted this week (not counted as resolved)\n  vpce-0bbbbbbbbbbbbbbbb (interface-endpoint-in-use) until 2024-01-12: DR standby");
    expect(run.stdout).toContain("Exemptions expiring soon");
    expect(run.stdout).not.toMatch(/all clear/i);
  });

  it("Given the same history as Block Kit, Then the message says NOT REPORTING in its notification text", async () => {
    const run = await runCli(["digest", "--history-table", TABLE, "--region", REGION, "--now", MONDAY, "--config-rule-prefix", PREFIX], { env: env() });
    expect(run.code).toBe(0);
    const message = JSON.parse(run.stdout) as { text: string };
    // Every registered rule is deployed by default: all but interface-endpoint-in-use (which sent its heartbeat) are not reporting.
    expect(message.text).toMatch(new RegExp(`^Endpoint audit 123456789012 eu-west-1: ${RULES.length - 1} rules NOT REPORTING; 1 open finding`));
  });

  it("Given a table that does not exist, Then exit 1 naming the table, nothing on stdout", async () => {
    const run = await runCli(["digest", "--history-table", "no-such-table", "--region", REGION, "--now", MONDAY], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("history table no-such-table");
  });

  it("Given --history-table with --snapshot, or without a region, Then a usage error (exit 2)", async () => {
    const both = await runCli(["digest", "--history-table", TABLE, "--snapshot", "x.json", "--region", REGION], { env: env() });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--history-table and --snapshot exclude each other");
    const noRegion = await runCli(["digest", "--history-table", TABLE], { env: env() });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain("needs the table's name and at least one --region");
  });
});
