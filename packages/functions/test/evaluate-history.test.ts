/**
 * The evaluator records its written evaluations in the findings history (dynalite on 127.0.0.1, reached
 * through AWS_ENDPOINT_URL_DYNAMODB exactly as the handler builds its client); EC2, CloudWatch and Config
 * are mocked as in evaluate.test.ts.
 */
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { awsError, serveInventory, scheduledEventFor, createHistoryTable, startDynalite, type LocalDynamo, InventoryBuilder } from "@endpoint-auditor/core/testing";
import { historyPartitionKey, historySortKey, loadHeartbeats } from "@endpoint-auditor/core";
import { captureOutput, lambdaContext, type Captured } from "./helpers";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const context = lambdaContext(REGION, ACCOUNT);
const ec2 = mockClient(EC2Client);
const cloudwatch = mockClient(CloudWatchClient);
const config = mockClient(ConfigServiceClient);
let dynamo: LocalDynamo;
let handler: (event: unknown, context: Context) => Promise<unknown>;
let output: Captured;

function scheduled(notified: string) {
  return scheduledEventFor({ ruleId: "vpc-flow-logs-enabled" }, notified, {
    configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled",
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-q1w2e3`,
    configRuleId: "config-rule-q1w2e3",
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
  });
}

async function item(resourceId: string) {
  return (
    await dynamo.doc.send(
      new GetCommand({
        TableName: "history",
        Key: { pk: historyPartitionKey(ACCOUNT, REGION), sk: historySortKey("vpc-flow-logs-enabled", resourceId) },
        ConsistentRead: true,
      }),
    )
  ).Item;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await createHistoryTable(dynamo.client, "history");
  vi.stubEnv("AWS_REGION", REGION);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
  vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint);
  vi.stubEnv("HISTORY_TABLE_NAME", "history");
  vi.stubEnv("DEPLOYED_CONFIG_RULES", JSON.stringify({ "vpc-flow-logs-enabled": "endpoint-auditor-prod-vpc-flow-logs-enabled" }));
  vi.stubEnv("EVALUATION_FREQUENCY", "Twelve_Hours");
  vi.stubEnv("EVALUATIONS_TEST_MODE", "");
  ({ handler } = (await import("../src/evaluate")) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo.close();
});

beforeEach(() => {
  ec2.reset();
  cloudwatch.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  output = captureOutput();
  return () => output.restore();
});

describe("evaluator → findings history", () => {
  it("Given a VPC without flow logs, Then it is recorded open; Given flow logs the next day, Then it is recorded resolved with a TTL", async () => {
    const day1 = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: new Date("2026-11-02T06:00:00Z") });
    const vpc = day1.vpc({ id: "vpc-0a1b2c3d4e5f60099" });
    day1.subnet({ vpcId: vpc });
    serveInventory(ec2, cloudwatch, day1);
    await handler(scheduled("2026-11-02T05:59:58.120Z"), context);
    expect(await item(vpc)).toMatchObject({
      compliance: "NON_COMPLIANT",
      firstNonCompliantAt: "2026-11-02T05:59:58.120Z",
      configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled",
      statusPk: `ACCOUNT#${ACCOUNT}#REGION#${REGION}#OPEN`,
    });
    expect(output.logs().find((l) => l.message === "Findings history recorded")).toMatchObject({ written: 1 });

    ec2.reset();
    cloudwatch.reset();
    const day2 = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: new Date("2026-11-03T06:00:00Z") });
    day2.vpc({ id: vpc });
    day2.subnet({ vpcId: vpc });
    day2.flowLog({ resourceId: vpc, id: "fl-0a1b2c3d4e5f60098", trafficType: "ALL" });
    serveInventory(ec2, cloudwatch, day2);
    await handler(scheduled("2026-11-03T05:59:58.120Z"), context);
    const resolved = await item(vpc);
    expect(resolved).toMatchObject({ compliance: "COMPLIANT", resolvedAt: "2026-11-03T05:59:58.120Z" });
    expect(resolved?.ttl).toBe(Math.floor(Date.parse("2026-11-03T05:59:58.120Z") / 1000) + 90 * 86_400);
  });

  it("Given a complete run, Then the rule's heartbeat records when and how many; Given the next run fails, Then its reason is added and the success kept", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const b = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: new Date("2026-11-04T06:00:00Z") });
      b.subnet({ vpcId: b.vpc() });
      b.subnet({ vpcId: b.vpc() });
      serveInventory(ec2, cloudwatch, b);
      vi.setSystemTime(new Date("2026-11-04T06:00:03Z"));
      await handler(scheduled("2026-11-04T06:00:00.000Z"), context);

      ec2.reset();
      serveInventory(ec2, cloudwatch, b, { flowLogs: awsError("UnauthorizedOperation", "You are not authorized to perform this operation.") });
      vi.setSystemTime(new Date("2026-11-04T18:00:03Z"));
      await expect(handler(scheduled("2026-11-04T18:00:00.000Z"), context)).rejects.toMatchObject({ name: "RuleEvaluationError" });
    } finally {
      vi.useRealTimers();
    }
    const [heartbeat] = await loadHeartbeats(dynamo.doc, "history", { accountId: ACCOUNT, region: REGION });
    expect(heartbeat).toMatchObject({
      ruleId: "vpc-flow-logs-enabled",
      configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled",
      lastSuccessAt: "2026-11-04T06:00:03.000Z",
      lastSuccessEvaluated: 2,
      frequency: "Twelve_Hours",
      lastFailureAt: "2026-11-04T18:00:03.000Z",
    });
    expect(heartbeat?.lastFailureReason).toContain("ec2:DescribeFlowLogs failed: You are not authorized to perform this operation.");
  });
});
