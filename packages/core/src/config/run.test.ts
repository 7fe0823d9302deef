import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type EvaluationResult,
} from "@aws-sdk/client-config-service";
import { DescribeFlowLogsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ParameterValidationError, RuleEvaluationError, UnknownRuleError } from "../errors";
import { InventoryBuilder, createHistoryTable, startDynalite, type LocalDynamo, awsError, putEvaluationsRequests, serveInventory, writtenEvaluations, changeEventFor, eventWith, exampleEvent, scheduledEventFor } from "@endpoint-auditor/core/testing";
import { ConfigEventError, PutEvaluationsError } from "./errors";
import { runConfigRule } from "./run";
import { UndeployedRuleError } from "./deployed";
import { loadHeartbeats } from "../history/heartbeats";
import { HistoryWriteError } from "../history/errors";
import { NO_LONGER_EXISTS_ANNOTATION, OUT_OF_SCOPE_ANNOTATION } from "./stale";

const ACCOUNT = "123456789012"; // the account of the documented example events
const REGION = "us-east-2"; // the region of the documented periodic and change examples
const NOW = new Date("2026-11-02T06:00:00.000Z");
const NOTIFICATION_TIME = "2016-07-13T21:50:00.373Z";
const FLOW_LOGS = { ruleId: "vpc-flow-logs-enabled" };

const ec2 = mockClient(EC2Client);
const cloudwatch = mockClient(CloudWatchClient);
const config = mockClient(ConfigServiceClient);
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
const clients = {
  ec2: new EC2Client({ region: REGION, credentials }),
  cloudwatch: new CloudWatchClient({ region: REGION, credentials }),
  config: new ConfigServiceClient({ region: REGION, credentials }),
};
const noWait = async () => {};

/** Three VPCs: one with a VPC flow log, one without, one shared from another account. */
function threeVpcs(): { b: InventoryBuilder; logged: string; bare: string; shared: string } {
  const b = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: NOW });
  const logged = b.vpc({ id: "vpc-0aaaaaaaaaaaaaaa1" });
  b.subnet({ vpcId: logged });
  b.flowLog({ resourceId: logged, id: "fl-0aaaaaaaaaaaaaaa1" });
  const bare = b.vpc({ id: "vpc-0bbbbbbbbbbbbbbb2" });
  b.subnet({ vpcId: bare });
  const shared = b.vpc({ id: "vpc-0ccccccccccccccc3", ownerId: "210987654321" });
  return { b, logged, bare, shared };
}

function previousResult(resourceId: string, complianceType: "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE", resourceType = "AWS::EC2::VPC"): EvaluationResult {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: { ConfigRuleName: "periodic-config-rule", ResourceType: resourceType, ResourceId: resourceId, EvaluationMode: "DETECTIVE" },
      OrderingTimestamp: new Date("2016-07-12T21:50:00.000Z"),
    },
    ComplianceType: complianceType,
    ResultRecordedTime: new Date("2016-07-12T21:50:03.000Z"),
    ConfigRuleInvokedTime: new Date("2016-07-12T21:50:01.000Z"),
    Annotation: "previous",
  };
}

function ec2CallCount(): number {
  return ec2.calls().length;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  ec2.reset();
  cloudwatch.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

describe("runConfigRule: ScheduledNotification", () => {
  it("Given three VPCs and a previous result for a deleted VPC, Then all three are written at notificationCreationTime, then the deleted one becomes NOT_APPLICABLE", async () => {
    const { b, logged, bare, shared } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [previousResult(logged, "COMPLIANT"), previousResult("vpc-0ddddddddddddddd4", "NON_COMPLIANT")],
    });

    const result = await runConfigRule({ event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME), clients, region: REGION, now: NOW });

    const requests = putEvaluationsRequests(config);
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.ResultToken === "myResultToken" && r.TestMode === undefined)).toBe(true);
    const ordering = new Date(NOTIFICATION_TIME);
    expect(requests[0]?.Evaluations.map((e) => [e.ComplianceResourceType, e.ComplianceResourceId, e.ComplianceType, e.OrderingTimestamp])).toEqual([
      ["AWS::EC2::VPC", logged, "COMPLIANT", ordering],
      ["AWS::EC2::VPC", bare, "NON_COMPLIANT", ordering],
      ["AWS::EC2::VPC", shared, "NOT_APPLICABLE", ordering],
    ]);
    expect(requests[1]?.Evaluations).toEqual([
      {
        ComplianceResourceType: "AWS::EC2::VPC",
        ComplianceResourceId: "vpc-0ddddddddddddddd4",
        ComplianceType: "NOT_APPLICABLE",
        Annotation: NO_LONGER_EXISTS_ANNOTATION,
        OrderingTimestamp: ordering,
      },
    ]);
    // Only the lists this rule needs, each once.
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeFlowLogsCommand)).toHaveLength(1);
    expect(ec2CallCount()).toBe(3);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(result).toEqual({
      ruleId: "vpc-flow-logs-enabled",
      configRuleName: "periodic-config-rule",
      accountId: ACCOUNT,
      region: REGION,
      messageType: "ScheduledNotification",
      resourceType: "AWS::EC2::VPC",
      orderingTimestamp: NOTIFICATION_TIME,
      testMode: false,
      evaluated: 3,
      stale: 1,
      written: 4,
      byCompliance: { COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 2 },
      putEvaluationsCalls: 2,
      staleListPages: 1,
    });
  });

  it("Given test mode, Then TestMode: true is sent and previous results are not even listed", async () => {
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    const result = await runConfigRule({
      event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME),
      clients,
      region: REGION,
      now: NOW,
      env: { testMode: true },
    });
    expect(putEvaluationsRequests(config).map((r) => [r.TestMode, r.Evaluations.length])).toEqual([[true, 3]]);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
    expect(result).toMatchObject({ testMode: true, written: 3, stale: 0, staleSkipped: "test mode" });
  });

  it("Given 250 VPCs, Then 3 PutEvaluations calls of at most 100", async () => {
    const b = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: NOW });
    for (let i = 0; i < 250; i++) b.vpc();
    serveInventory(ec2, cloudwatch, b);
    const result = await runConfigRule({ event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME), clients, region: REGION, now: NOW });
    expect(putEvaluationsRequests(config).map((r) => r.Evaluations.length)).toEqual([100, 100, 50]);
    expect(new Set(writtenEvaluations(config).map((e) => e.ComplianceResourceId)).size).toBe(250);
    expect(result.byCompliance).toEqual({ COMPLIANT: 0, NON_COMPLIANT: 250, NOT_APPLICABLE: 0 });
  });

  it("Given DescribeFlowLogs is denied, Then RuleEvaluationError naming the call and nothing is written or cleaned up", async () => {
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b, {
      flowLogs: awsError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403),
    });
    const error = await rejection(runConfigRule({ event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME), clients, region: REGION, now: NOW }));
    expect(error).toBeInstanceOf(RuleEvaluationError);
    expect(error).toMatchObject({ ruleId: "vpc-flow-logs-enabled", region: REGION, accountId: ACCOUNT });
    expect((error as Error).message).toContain("ec2:DescribeFlowLogs");
    expect((error as Error).message).toContain("not authorized");
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
  });

  it("Given idle-endpoint traffic that cannot be read, Then RuleEvaluationError and nothing is written (never COMPLIANT by default)", async () => {
    const b = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: NOW });
    const vpc = b.vpc();
    b.interfaceEndpoint({ vpcId: vpc, service: "ssm", subnetIds: [b.subnet({ vpcId: vpc })] });
    serveInventory(ec2, cloudwatch, b, { endpointMetrics: awsError("AccessDenied", "User is not authorized to perform: cloudwatch:GetMetricData", 403) });
    const error = await rejection(
      runConfigRule({ event: scheduledEventFor({ ruleId: "interface-endpoint-in-use" }, NOTIFICATION_TIME), clients, region: REGION, now: NOW }),
    );
    expect(error).toBeInstanceOf(RuleEvaluationError);
    expect((error as Error).message).toContain("cloudwatch:GetMetricData");
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });

  it("Given FailedEvaluations that never clear, Then PutEvaluationsError and no clean-up", async () => {
    const { b, bare } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    config.on(PutEvaluationsCommand).callsFake((input: { Evaluations: { ComplianceResourceId?: string }[] }) => ({
      FailedEvaluations: input.Evaluations.filter((e) => e.ComplianceResourceId === bare),
    }));
    const error = await rejection(
      runConfigRule({
        event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME),
        clients,
        region: REGION,
        now: NOW,
        writer: { maxRetries: 2, sleep: noWait },
      }),
    );
    expect(error).toBeInstanceOf(PutEvaluationsError);
    expect((error as PutEvaluationsError).notWritten).toEqual([{ resourceType: "AWS::EC2::VPC", resourceId: bare, compliance: "NON_COMPLIANT" }]);
    expect(putEvaluationsRequests(config).map((r) => r.Evaluations.length)).toEqual([3, 1, 1]);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
  });

  it("Given the clean-up listing is denied, Then the run's evaluations are written and a CollectionError names the call", async () => {
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    config.on(GetComplianceDetailsByConfigRuleCommand).rejects(awsError("AccessDeniedException", "not authorized to perform config:GetComplianceDetailsByConfigRule"));
    const error = await rejection(runConfigRule({ event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME), clients, region: REGION, now: NOW }));
    expect(error).toMatchObject({ name: "CollectionError", call: "config:GetComplianceDetailsByConfigRule", code: "AccessDeniedException" });
    expect(writtenEvaluations(config)).toHaveLength(3);
  });
});

describe("runConfigRule: bad events write nothing and call nothing", () => {
  const cases: [string, () => unknown, new (...args: never[]) => Error][] = [
    ["the documented example with its own parameters (no ruleId)", () => exampleEvent("scheduled"), ParameterValidationError],
    ["an unknown ruleId", () => eventWith("scheduled", { ruleId: "vpc-flow-logs" }), UnknownRuleError],
    ['lookbackDays "abc"', () => eventWith("scheduled", { ruleId: "interface-endpoint-in-use", lookbackDays: "abc" }), ParameterValidationError],
    ["an unsupported message type", () => eventWith("scheduled", FLOW_LOGS, { invokingEvent: '{"messageType":"ConfigurationSnapshotDeliveryCompleted"}' }), ConfigEventError],
    ["invokingEvent that is not JSON", () => eventWith("scheduled", FLOW_LOGS, { invokingEvent: "{" }), ConfigEventError],
    ["no resultToken", () => ({ ...eventWith("scheduled", FLOW_LOGS), resultToken: undefined }), ConfigEventError],
  ];
  for (const [name, event, type] of cases) {
    it(`Given ${name}, Then ${type.name} and no AWS call at all`, async () => {
      const { b } = threeVpcs();
      serveInventory(ec2, cloudwatch, b);
      const error = await rejection(runConfigRule({ event: event(), clients, region: REGION, now: NOW }));
      expect(error).toBeInstanceOf(type);
      expect(config.calls()).toHaveLength(0);
      expect(ec2.calls()).toHaveLength(0);
      expect(cloudwatch.calls()).toHaveLength(0);
    });
  }
});

describe("runConfigRule: change notifications", () => {
  it("Given a configuration change of a VPC, Then only that VPC is written, at the capture time, without clean-up", async () => {
    const { b, bare } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    const event = changeEventFor("change", FLOW_LOGS, {
      resourceType: "AWS::EC2::VPC",
      resourceId: bare,
      ARN: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${bare}`,
    });
    const result = await runConfigRule({ event, clients, region: REGION, now: NOW });
    const written = writtenEvaluations(config);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      ComplianceResourceType: "AWS::EC2::VPC",
      ComplianceResourceId: bare,
      ComplianceType: "NON_COMPLIANT",
      OrderingTimestamp: new Date("2016-02-17T01:36:34.043Z"),
    });
    expect(written[0]?.Annotation).toContain(bare);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
    expect(result).toMatchObject({ messageType: "ConfigurationItemChangeNotification", evaluated: 1, written: 1, staleSkipped: "change-triggered run" });
  });

  it("Given an oversized change (summary only), Then the VPC is evaluated from a fresh inventory", async () => {
    const b = new InventoryBuilder({ region: "us-west-2", accountId: ACCOUNT, now: NOW });
    const vpc = b.vpc({ id: "vpc-0eeeeeeeeeeeeeee5" });
    b.subnet({ vpcId: vpc });
    b.flowLog({ resourceId: vpc, id: "fl-0eeeeeeeeeeeeeee5", trafficType: "REJECT" });
    serveInventory(ec2, cloudwatch, b);
    const event = changeEventFor("oversized", FLOW_LOGS, { resourceType: "AWS::EC2::VPC", resourceId: vpc });
    await runConfigRule({ event, clients, region: "us-west-2", now: NOW });
    expect(writtenEvaluations(config)).toEqual([
      {
        ComplianceResourceType: "AWS::EC2::VPC",
        ComplianceResourceId: vpc,
        ComplianceType: "COMPLIANT",
        Annotation: expect.stringContaining("fl-0eeeeeeeeeeeeeee5"),
        OrderingTimestamp: new Date("2016-10-06T16:46:16.261Z"),
      },
    ]);
    expect(ec2.commandCalls(DescribeFlowLogsCommand)).toHaveLength(1);
  });

  for (const status of ["ResourceDeleted", "ResourceDeletedNotRecorded"]) {
    it(`Given a ${status} configuration item, Then NOT_APPLICABLE without collecting anything`, async () => {
      const event = changeEventFor("change", FLOW_LOGS, {
        resourceType: "AWS::EC2::VPC",
        resourceId: "vpc-0fffffffffffffff6",
        configurationItemStatus: status,
        configuration: null,
      });
      await runConfigRule({ event, clients, region: REGION, now: NOW });
      expect(writtenEvaluations(config)).toEqual([
        {
          ComplianceResourceType: "AWS::EC2::VPC",
          ComplianceResourceId: "vpc-0fffffffffffffff6",
          ComplianceType: "NOT_APPLICABLE",
          Annotation: `Resource deleted (configuration item status ${status}).`,
          OrderingTimestamp: new Date("2016-02-17T01:36:34.043Z"),
        },
      ]);
      expect(ec2.calls()).toHaveLength(0);
    });
  }

  it("Given eventLeftScope: true, Then NOT_APPLICABLE without collecting anything", async () => {
    const event = changeEventFor("change", FLOW_LOGS, { resourceType: "AWS::EC2::VPC", resourceId: "vpc-0aaaaaaaaaaaaaaa1" }, { eventLeftScope: true });
    await runConfigRule({ event, clients, region: REGION, now: NOW });
    expect(writtenEvaluations(config).map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation])).toEqual([
      ["vpc-0aaaaaaaaaaaaaaa1", "NOT_APPLICABLE", "Left the scope of this rule."],
    ]);
    expect(ec2.calls()).toHaveLength(0);
  });

  it("Given a change for a VPC that is no longer listed, Then NOT_APPLICABLE 'no longer exists'", async () => {
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    const event = changeEventFor("change", FLOW_LOGS, { resourceType: "AWS::EC2::VPC", resourceId: "vpc-0999999999999999a" });
    await runConfigRule({ event, clients, region: REGION, now: NOW });
    expect(writtenEvaluations(config).map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation])).toEqual([
      ["vpc-0999999999999999a", "NOT_APPLICABLE", NO_LONGER_EXISTS_ANNOTATION],
    ]);
  });

  it("Given a change for an endpoint the rule does not judge (a gateway endpoint), Then NOT_APPLICABLE 'out of scope'", async () => {
    const b = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: NOW });
    const vpc = b.vpc();
    const gateway = b.gatewayEndpoint({ vpcId: vpc, service: "s3" });
    serveInventory(ec2, cloudwatch, b);
    const event = changeEventFor("change", { ruleId: "interface-endpoint-in-use" }, { resourceType: "AWS::EC2::VPCEndpoint", resourceId: gateway });
    await runConfigRule({ event, clients, region: REGION, now: NOW });
    expect(writtenEvaluations(config).map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation])).toEqual([
      [gateway, "NOT_APPLICABLE", OUT_OF_SCOPE_ANNOTATION],
    ]);
  });

  it("Given a change for an endpoint the API still lists as deleted, Then NOT_APPLICABLE 'no longer exists'", async () => {
    const b = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: NOW });
    const vpc = b.vpc();
    const gone = b.interfaceEndpoint({ vpcId: vpc, service: "ssm", state: "deleted" });
    serveInventory(ec2, cloudwatch, b);
    const event = changeEventFor("change", { ruleId: "interface-endpoint-in-use" }, { resourceType: "AWS::EC2::VPCEndpoint", resourceId: gone });
    await runConfigRule({ event, clients, region: REGION, now: NOW });
    expect(writtenEvaluations(config).map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation])).toEqual([
      [gone, "NOT_APPLICABLE", NO_LONGER_EXISTS_ANNOTATION],
    ]);
  });

  it("Given the documented change example (an EC2 instance) for a VPC rule, Then nothing is written and the result says why", async () => {
    const result = await runConfigRule({ event: eventWith("change", FLOW_LOGS), clients, region: REGION, now: NOW });
    expect(config.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
    expect(result.written).toBe(0);
    expect(result.skipped).toContain("AWS::EC2::Instance i-00000000 is not a AWS::EC2::VPC");
  });

  it("Given a change in another region than the function's, Then ConfigEventError and nothing is written", async () => {
    const event = changeEventFor("oversized", FLOW_LOGS, { resourceType: "AWS::EC2::VPC", resourceId: "vpc-0aaaaaaaaaaaaaaa1" });
    const error = await rejection(runConfigRule({ event, clients, region: REGION, now: NOW }));
    expect(error).toMatchObject({ name: "ConfigEventError", field: "invokingEvent.configurationItemSummary.awsRegion" });
    expect(config.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
  });

  it("Given a change whose subnet list fails, Then RuleEvaluationError and nothing is written", async () => {
    const { b, bare } = threeVpcs();
    serveInventory(ec2, cloudwatch, b, { subnets: awsError("RequestLimitExceeded", "Request limit exceeded.", 503) });
    const event = changeEventFor("change", FLOW_LOGS, { resourceType: "AWS::EC2::VPC", resourceId: bare });
    const error = await rejection(runConfigRule({ event, clients, region: REGION, now: NOW }));
    expect(error).toBeInstanceOf(RuleEvaluationError);
    expect((error as Error).message).toContain("ec2:DescribeSubnets");
    expect(config.calls()).toHaveLength(0);
  });
});

describe("runConfigRule: accounts", () => {
  it("Given the function runs in another account than the event's, Then ConfigEventError and no call", async () => {
    const error = await rejection(
      runConfigRule({ event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME), clients, region: REGION, now: NOW, functionAccountId: "999988887777" }),
    );
    expect(error).toMatchObject({ name: "ConfigEventError", field: "accountId" });
    expect(config.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
  });
});

describe("runConfigRule: only the deployed rules, with heartbeats", () => {
  const RULE_NAME = "endpoint-auditor-prod-vpc-flow-logs-enabled";
  const deployedRules = [
    { ruleId: "vpc-flow-logs-enabled", configRuleName: RULE_NAME },
    { ruleId: "interface-endpoint-in-use", configRuleName: "endpoint-auditor-prod-interface-endpoint-in-use" },
  ];
  let dynamo: LocalDynamo;
  let tables = 0;
  const heartbeatsIn = async () => {
    const tableName = `run-heartbeats-${++tables}`;
    await createHistoryTable(dynamo.client, tableName);
    return { client: dynamo.doc, tableName, frequency: "TwentyFour_Hours" as const };
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it("Given an event of a Config rule name the stack did not create, Then UndeployedRuleError naming the deployed rules, no AWS call and no heartbeat", async () => {
    const heartbeats = await heartbeatsIn();
    const event = scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME, { configRuleName: "someone-elses-rule" });
    const error = await rejection(runConfigRule({ event, clients, region: REGION, now: NOW, deployedRules, heartbeats }));
    expect(error).toBeInstanceOf(UndeployedRuleError);
    expect((error as UndeployedRuleError).configRuleName).toBe("someone-elses-rule");
    expect((error as Error).message).toContain(`not one of the rules this stack deployed (${RULE_NAME}, endpoint-auditor-prod-interface-endpoint-in-use)`);
    expect(ec2CallCount() + config.calls().length).toBe(0);
    expect(await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION })).toEqual([]);
  });

  it("Given a deployed rule name whose ruleId parameter names another rule, Then UndeployedRuleError, no AWS call, and the deployed rule's heartbeat records the failure", async () => {
    const heartbeats = await heartbeatsIn();
    const event = scheduledEventFor({ ruleId: "interface-endpoint-in-use" }, NOTIFICATION_TIME, { configRuleName: RULE_NAME });
    const error = await rejection(runConfigRule({ event, clients, region: REGION, now: NOW, deployedRules, heartbeats }));
    expect(error).toBeInstanceOf(UndeployedRuleError);
    expect((error as Error).message).toContain("its ruleId parameter is interface-endpoint-in-use, but this stack deployed it for vpc-flow-logs-enabled");
    expect(ec2CallCount() + config.calls().length).toBe(0);
    const [beat] = await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION });
    expect(beat).toMatchObject({ ruleId: "vpc-flow-logs-enabled", configRuleName: RULE_NAME, lastFailureAt: NOW.toISOString() });
    expect(beat?.lastFailureReason).toMatch(/^UndeployedRuleError: /);
    expect(beat?.lastSuccessAt).toBeUndefined();
  });

  it("Given a complete scheduled run of a deployed rule, Then its heartbeat holds the run's time, resource count and period", async () => {
    const heartbeats = await heartbeatsIn();
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    const event = scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME, { configRuleName: RULE_NAME });
    const result = await runConfigRule({ event, clients, region: REGION, now: NOW, deployedRules, heartbeats });
    expect(result.evaluated).toBe(3);
    expect(await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION })).toEqual([
      { accountId: ACCOUNT, region: REGION, ruleId: "vpc-flow-logs-enabled", configRuleName: RULE_NAME, lastSuccessAt: NOW.toISOString(), lastSuccessEvaluated: 3, frequency: "TwentyFour_Hours" },
    ]);
  });

  it("Given test mode or a change-triggered run, Then no heartbeat is recorded (neither is a complete run that Config keeps)", async () => {
    const heartbeats = await heartbeatsIn();
    const { b, bare } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    await runConfigRule({
      event: scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME, { configRuleName: RULE_NAME }),
      clients,
      region: REGION,
      now: NOW,
      deployedRules,
      heartbeats,
      env: { testMode: true },
    });
    await runConfigRule({
      event: changeEventFor("change", FLOW_LOGS, { resourceType: "AWS::EC2::VPC", resourceId: bare, awsRegion: REGION }, { configRuleName: RULE_NAME }),
      clients,
      region: REGION,
      now: NOW,
      deployedRules,
      heartbeats,
    });
    expect(await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION })).toEqual([]);
  });

  it("Given a run that fails (DescribeFlowLogs denied) after an earlier success, Then the heartbeat keeps the success and adds the failure with its reason", async () => {
    const heartbeats = await heartbeatsIn();
    const event = scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME, { configRuleName: RULE_NAME });
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    const yesterday = new Date(NOW.getTime() - 86_400_000);
    await runConfigRule({ event, clients, region: REGION, now: yesterday, deployedRules, heartbeats });
    ec2.reset();
    serveInventory(ec2, cloudwatch, b, { flowLogs: awsError("UnauthorizedOperation", "You are not authorized to perform this operation.") });

    const error = await rejection(runConfigRule({ event, clients, region: REGION, now: NOW, deployedRules, heartbeats }));

    expect(error).toBeInstanceOf(RuleEvaluationError);
    const [beat] = await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION });
    expect(beat).toMatchObject({ lastSuccessAt: yesterday.toISOString(), lastSuccessEvaluated: 3, lastFailureAt: NOW.toISOString() });
    expect(beat?.lastFailureReason).toContain("ec2:DescribeFlowLogs");
    expect(beat?.lastFailureReason).toContain("You are not authorized to perform this operation");
  });

  it("Given a deployed rule whose parameters are invalid, Then ParameterValidationError, no AWS call, and the heartbeat names the parameter", async () => {
    const heartbeats = await heartbeatsIn();
    const event = scheduledEventFor({ ruleId: "vpc-flow-logs-enabled", trafficType: "SOME" }, NOTIFICATION_TIME, { configRuleName: RULE_NAME });
    const error = await rejection(runConfigRule({ event, clients, region: REGION, now: NOW, deployedRules, heartbeats }));
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect(ec2CallCount() + config.calls().length).toBe(0);
    const [beat] = await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION });
    expect(beat?.lastFailureReason).toMatch(/^ParameterValidationError: Invalid parameter "trafficType" for rule vpc-flow-logs-enabled/);
  });

  it("Given the history cannot be written after AWS Config accepted the verdicts, Then the invocation fails (so Lambda retries it), the verdicts stay written, and no heartbeat says it succeeded", async () => {
    const heartbeats = await heartbeatsIn();
    const { b } = threeVpcs();
    serveInventory(ec2, cloudwatch, b);
    const cause = new HistoryWriteError({ tableName: "history", written: 0, unwritten: 3 }, "BatchWriteItem: throttled");
    const event = scheduledEventFor(FLOW_LOGS, NOTIFICATION_TIME, { configRuleName: RULE_NAME });
    const error = await rejection(
      runConfigRule({ event, clients, region: REGION, now: NOW, deployedRules, heartbeats, onWritten: () => Promise.reject(cause) }),
    );
    expect(error).toBe(cause);
    expect(writtenEvaluations(config)).toHaveLength(3);
    const [beat] = await loadHeartbeats(dynamo.doc, heartbeats.tableName, { accountId: ACCOUNT, region: REGION });
    expect(beat?.lastSuccessAt).toBeUndefined();
    expect(beat?.lastFailureReason).toContain("HistoryWriteError");
  });

  it("Given the failure cannot be recorded (no such table), Then the run's own error is thrown and the recording problem is logged", async () => {
    const warnings: string[] = [];
    const event = scheduledEventFor({ ruleId: "vpc-flow-logs-enabled", trafficType: "SOME" }, NOTIFICATION_TIME, { configRuleName: RULE_NAME });
    const error = await rejection(
      runConfigRule({
        event,
        clients,
        region: REGION,
        now: NOW,
        deployedRules,
        heartbeats: { client: dynamo.doc, tableName: "no-such-table" },
        log: { warn: (message, details) => void warnings.push(`${message}: ${String(details.error)}`) },
      }),
    );
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect(warnings).toEqual([expect.stringContaining("Could not record the failed run in the rule's heartbeat: Writing history table no-such-table")]);
  });
});
