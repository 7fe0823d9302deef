import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createHistoryTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { Compliance, type Evaluation } from "../evaluation";
import { RuleEvaluationError } from "../errors";
import { HistoryReadError, HistoryWriteError } from "./errors";
import {
  FAILURE_REASON_MAX_LENGTH,
  failureReason,
  heartbeatSortKey,
  loadHeartbeats,
  recordHeartbeat,
  recordRunFailure,
  reportingStatus,
  type Heartbeat,
} from "./heartbeats";
import { loadDigestState } from "./queries";
import { recordEvaluations } from "./record";
import { HISTORY_RETENTION_DAYS, historyPartitionKey } from "./schema";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const HOUR = 3_600_000;
const FLOW = { accountId: ACCOUNT, region: REGION, ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled" };
const IDLE = { accountId: ACCOUNT, region: REGION, ruleId: "interface-endpoint-in-use", configRuleName: "endpoint-auditor-prod-interface-endpoint-in-use" };

describe("heartbeats on dynalite", () => {
  let dynamo: LocalDynamo;
  let tables = 0;
  const newTable = async (): Promise<string> => {
    const name = `heartbeats-${++tables}`;
    await createHistoryTable(dynamo.client, name);
    return name;
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it("Given a successful run and then a failed one, Then the heartbeat keeps the last success and adds the failure's reason", async () => {
    const table = await newTable();
    const success = new Date("2024-01-07T06:00:12.000Z");
    const failure = new Date("2024-01-08T06:00:40.000Z");
    await recordHeartbeat(dynamo.doc, table, FLOW, { at: success, evaluated: 42, frequency: "TwentyFour_Hours" });
    await recordRunFailure(dynamo.doc, table, FLOW, {
      at: failure,
      error: new RuleEvaluationError({ ruleId: FLOW.ruleId, region: REGION }, "not evaluated, nothing written: ec2:DescribeFlowLogs failed: UnauthorizedOperation"),
    });

    const [heartbeat] = await loadHeartbeats(dynamo.doc, table, { accountId: ACCOUNT, region: REGION });
    expect(heartbeat).toEqual<Heartbeat>({
      ...FLOW,
      lastSuccessAt: success.toISOString(),
      lastSuccessEvaluated: 42,
      frequency: "TwentyFour_Hours",
      lastFailureAt: failure.toISOString(),
      lastFailureReason: "RuleEvaluationError: Rule vpc-flow-logs-enabled in eu-west-1: not evaluated, nothing written: ec2:DescribeFlowLogs failed: UnauthorizedOperation",
    });
    const item = (
      await dynamo.doc.send(new GetCommand({ TableName: table, Key: { pk: historyPartitionKey(ACCOUNT, REGION), sk: heartbeatSortKey(FLOW.ruleId) } }))
    ).Item;
    // Expires 90 days after its last write; never in the status index.
    expect(item?.ttl).toBe(failure.getTime() / 1000 + HISTORY_RETENTION_DAYS * 86_400);
    expect(item?.statusPk).toBeUndefined();
  });

  it("Given heartbeats and open findings in one partition, Then the digest's finding queries do not see the heartbeats and loadHeartbeats sees only them", async () => {
    const table = await newTable();
    const finding: Evaluation = {
      accountId: ACCOUNT,
      region: REGION,
      ruleId: FLOW.ruleId,
      resourceId: "vpc-0a1",
      resourceType: "AWS::EC2::VPC",
      compliance: Compliance.NON_COMPLIANT,
      annotation: "No flow log.",
    };
    await recordEvaluations(dynamo.doc, table, [finding], new Date("2024-01-07T06:00:00Z"));
    await recordHeartbeat(dynamo.doc, table, FLOW, { at: new Date("2024-01-07T06:00:12Z"), evaluated: 1 });
    await recordHeartbeat(dynamo.doc, table, IDLE, { at: new Date("2024-01-07T06:00:15Z"), evaluated: 0 });
    // Another region's heartbeat stays in its own partition.
    await recordHeartbeat(dynamo.doc, table, { ...FLOW, region: "us-east-1" }, { at: new Date("2024-01-07T06:00:12Z"), evaluated: 9 });

    const state = await loadDigestState(dynamo.doc, table, { accountId: ACCOUNT, region: REGION, since: new Date("2024-01-01T00:00:00Z"), until: new Date("2024-01-08T00:00:00Z") });
    expect(state.open.map((r) => r.resourceId)).toEqual(["vpc-0a1"]);
    const heartbeats = await loadHeartbeats(dynamo.doc, table, { accountId: ACCOUNT, region: REGION });
    expect(heartbeats.map((h) => [h.ruleId, h.lastSuccessEvaluated]).sort()).toEqual([
      ["interface-endpoint-in-use", 0],
      ["vpc-flow-logs-enabled", 1],
    ]);
  });

  it("Given a heartbeat item without its rule id, Then loadHeartbeats fails with a HistoryReadError naming the item", async () => {
    const table = await newTable();
    const pk = historyPartitionKey(ACCOUNT, REGION);
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { pk, sk: heartbeatSortKey("x"), accountId: ACCOUNT, region: REGION } }));
    const error = await loadHeartbeats(dynamo.doc, table, { accountId: ACCOUNT, region: REGION }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryReadError);
    expect((error as Error).message).toContain(`malformed heartbeat ${pk} / HEARTBEAT#x`);
  });

  it("Given DynamoDB refuses the update or the query, Then typed errors name the table and keep the cause", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    const cause = Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" });
    mock.on(UpdateCommand).rejects(cause);
    mock.on(QueryCommand).rejects(cause);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    try {
      const write = await recordHeartbeat(doc, "gone", FLOW, { at: new Date(), evaluated: 1 }).catch((e: unknown) => e);
      expect(write).toBeInstanceOf(HistoryWriteError);
      expect(write).toMatchObject({ tableName: "gone", written: 0, unwritten: 1, cause });
      const read = await loadHeartbeats(doc, "gone", { accountId: ACCOUNT, region: REGION }).catch((e: unknown) => e);
      expect(read).toBeInstanceOf(HistoryReadError);
      expect((read as HistoryReadError).message).toContain(`gone (account ${ACCOUNT}, ${REGION})`);
    } finally {
      mock.restore();
    }
  });
});

describe("reportingStatus", () => {
  const now = new Date("2024-01-08T09:00:00.000Z");
  const deployed = [FLOW, IDLE];
  const hoursAgo = (h: number): string => new Date(now.getTime() - h * HOUR).toISOString();

  it("Given daily rules whose last success is 47 h and 49 h old, Then the first reports and the second does not (twice the period)", () => {
    const status = reportingStatus(
      deployed,
      [
        { ...FLOW, lastSuccessAt: hoursAgo(47), lastSuccessEvaluated: 12 },
        { ...IDLE, lastSuccessAt: hoursAgo(49), lastSuccessEvaluated: 3 },
      ],
      now,
      "TwentyFour_Hours",
    );
    expect(status).toEqual([
      { ruleId: FLOW.ruleId, configRuleName: FLOW.configRuleName, reporting: true, lastSuccessAt: hoursAgo(47), lastSuccessEvaluated: 12, allowedSilenceHours: 48 },
      { ruleId: IDLE.ruleId, configRuleName: IDLE.configRuleName, reporting: false, lastSuccessAt: hoursAgo(49), lastSuccessEvaluated: 3, allowedSilenceHours: 48 },
    ]);
  });

  it("Given a deployed rule without any heartbeat (never ran, or expired), Then it is not reporting and has no last success", () => {
    const [, idle] = reportingStatus(deployed, [{ ...FLOW, lastSuccessAt: hoursAgo(1) }], now, "TwentyFour_Hours");
    expect(idle).toEqual({ ruleId: IDLE.ruleId, configRuleName: IDLE.configRuleName, reporting: false, allowedSilenceHours: 48 });
  });

  it("Given a failure newer than the last success, Then its reason is kept; an older failure is not", () => {
    const [flow, idle] = reportingStatus(
      deployed,
      [
        { ...FLOW, lastSuccessAt: hoursAgo(60), lastFailureAt: hoursAgo(10), lastFailureReason: "CollectionError: access denied" },
        { ...IDLE, lastSuccessAt: hoursAgo(2), lastFailureAt: hoursAgo(30), lastFailureReason: "old" },
      ],
      now,
      "TwentyFour_Hours",
    );
    expect(flow).toMatchObject({ reporting: false, lastFailureAt: hoursAgo(10), lastFailureReason: "CollectionError: access denied" });
    expect(idle?.reporting).toBe(true);
    expect(idle?.lastFailureReason).toBeUndefined();
  });

  it("Given an hourly deployment, Then 3 hours of silence is not reporting; the heartbeat's own period applies only when the deployment's is unknown", () => {
    const beats = [{ ...FLOW, lastSuccessAt: hoursAgo(3), frequency: "TwentyFour_Hours" as const }];
    expect(reportingStatus([FLOW], beats, now, "One_Hour")[0]).toMatchObject({ reporting: false, allowedSilenceHours: 2 });
    expect(reportingStatus([FLOW], beats, now)[0]).toMatchObject({ reporting: true, allowedSilenceHours: 48 });
  });

  it("Given a heartbeat of a rule that is not deployed, Then it is ignored", () => {
    const status = reportingStatus([FLOW], [{ ...IDLE, lastSuccessAt: hoursAgo(1) }], now, "TwentyFour_Hours");
    expect(status.map((s) => [s.ruleId, s.reporting])).toEqual([[FLOW.ruleId, false]]);
  });
});

describe("failureReason", () => {
  it("Given an error with a long message, Then the reason is its name and message cut to the limit", () => {
    const reason = failureReason(new RuleEvaluationError({ ruleId: "r", region: REGION }, "x".repeat(1_000)));
    expect(reason.startsWith("RuleEvaluationError: Rule r in eu-west-1: xxx")).toBe(true);
    expect(reason).toHaveLength(FAILURE_REASON_MAX_LENGTH);
    expect(failureReason("plain text")).toBe("plain text");
  });
});
