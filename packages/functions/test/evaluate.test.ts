/**
 * The Config rule Lambda end to end: the real handler module (middy + Powertools), the real core, the
 * real rules; only the AWS clients are mocked (`aws-sdk-client-mock`), answering with realistic
 * EC2 / CloudWatch / Config response shapes. Events are the AWS Config developer guide's examples with the
 * rule's input parameters set as the stack sets them.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type EvaluationResult,
} from "@aws-sdk/client-config-service";
import { DescribeRouteTablesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { awsError, putEvaluationsRequests, serveInventory, writtenEvaluations, changeEventFor, scheduledEventFor, type RawConfigEvent, InventoryBuilder, routeTo } from "@endpoint-auditor/core/testing";
import { NO_LONGER_EXISTS_ANNOTATION, OUT_OF_SCOPE_ANNOTATION, type RefusedInvocation } from "@endpoint-auditor/core";
import type { ConfigRunResult } from "../src/lib/config-rule";
import { captureOutput, lambdaContext, type Captured, type EmfBlob } from "./helpers";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const NOW = new Date("2026-11-02T06:00:00.000Z");
/** When Config scheduled this run (a moment before the function starts). */
const NOTIFIED = "2026-11-02T05:59:58.120Z";
const context = lambdaContext(REGION, ACCOUNT);

const ec2 = mockClient(EC2Client);
const cloudwatch = mockClient(CloudWatchClient);
const config = mockClient(ConfigServiceClient);

let handler: (event: unknown, context: Context) => Promise<ConfigRunResult | RefusedInvocation>;
let output: Captured;

/** The documented periodic example, as the stack configures the rule `ruleId`. */
function scheduled(ruleId: string, params: Record<string, string> = {}): RawConfigEvent {
  return scheduledEventFor({ ruleId, ...params }, NOTIFIED, {
    configRuleName: `endpoint-auditor-${ruleId}`,
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-q1w2e3`,
    configRuleId: "config-rule-q1w2e3",
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
  });
}

function builder(): InventoryBuilder {
  return new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: NOW });
}

function previous(ruleName: string, resourceType: string, resourceId: string, complianceType: "COMPLIANT" | "NON_COMPLIANT"): EvaluationResult {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: { ConfigRuleName: ruleName, ResourceType: resourceType, ResourceId: resourceId, EvaluationMode: "DETECTIVE" },
      OrderingTimestamp: new Date("2026-11-01T05:59:57.000Z"),
    },
    ComplianceType: complianceType,
    ResultRecordedTime: new Date("2026-11-01T06:00:09.000Z"),
    ConfigRuleInvokedTime: new Date("2026-11-01T06:00:01.000Z"),
    Annotation: "from yesterday",
  };
}

/**
 * An annotation that names every given fact (ids, amounts, states), whatever the rule's wording around
 * them; the wording itself belongs to the rule's own tests.
 */
function naming(...facts: string[]): unknown {
  const escaped = facts.map((f) => `(?=[\\s\\S]*${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`);
  return expect.stringMatching(new RegExp(`^${escaped.join("")}[\\s\\S]{1,256}$`));
}

/** What was written, as [type, id, compliance, annotation] rows (OrderingTimestamp checked separately). */
function rows(): [string?, string?, string?, string?][] {
  return writtenEvaluations(config).map((e) => [e.ComplianceResourceType, e.ComplianceResourceId, e.ComplianceType, e.Annotation]);
}

function orderingTimestamps(): string[] {
  return [...new Set(writtenEvaluations(config).map((e) => e.OrderingTimestamp?.toISOString() ?? "missing"))];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function metricValues(): EmfBlob[] {
  return output.emf().filter((b) => b._aws.CloudWatchMetrics.some((m) => m.Namespace === "EndpointAuditor"));
}

/** What the stack passes: the four rules, named as {@link scheduled} names them. */
const DEPLOYED_CONFIG_RULES = JSON.stringify(
  Object.fromEntries(["interface-endpoint-in-use", "s3-dynamodb-endpoint-is-gateway", "nat-subnet-has-gateway-endpoints", "vpc-flow-logs-enabled"].map((id) => [id, `endpoint-auditor-${id}`])),
);

beforeAll(async () => {
  vi.stubEnv("AWS_REGION", REGION);
  vi.stubEnv("DEPLOYED_CONFIG_RULES", DEPLOYED_CONFIG_RULES);
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  vi.stubEnv("EVALUATIONS_TEST_MODE", "");
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  ({ handler } = (await import("../src/evaluate")) as unknown as { handler: typeof handler });
});

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

beforeEach(() => {
  ec2.reset();
  cloudwatch.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  vi.stubEnv("EVALUATIONS_TEST_MODE", "");
  vi.stubEnv("DEPLOYED_CONFIG_RULES", DEPLOYED_CONFIG_RULES);
  vi.stubEnv("METRICS_SCOPE", "");
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

describe("evaluate handler: the four rules on a ScheduledNotification", () => {
  it("Given vpc-flow-logs-enabled (trafficType REJECT) and two VPCs, Then exactly their verdicts are written, with logs and metrics", async () => {
    const b = builder();
    const logged = b.vpc({ id: "vpc-0a1b2c3d4e5f60011" });
    b.subnet({ vpcId: logged });
    b.flowLog({ resourceId: logged, id: "fl-0a1b2c3d4e5f60012", trafficType: "ALL" });
    const acceptOnly = b.vpc({ id: "vpc-0a1b2c3d4e5f60021" });
    b.subnet({ vpcId: acceptOnly });
    b.flowLog({ resourceId: acceptOnly, id: "fl-0a1b2c3d4e5f60022", trafficType: "ACCEPT" });
    serveInventory(ec2, cloudwatch, b);

    const result = await handler(scheduled("vpc-flow-logs-enabled", { trafficType: "REJECT" }), context);

    expect(rows()).toEqual([
      ["AWS::EC2::VPC", logged, "COMPLIANT", naming("fl-0a1b2c3d4e5f60012", logged, "active")],
      ["AWS::EC2::VPC", acceptOnly, "NON_COMPLIANT", naming(acceptOnly, "fl-0a1b2c3d4e5f60022", "ACCEPT", "REJECT")],
    ]);
    expect(orderingTimestamps()).toEqual([NOTIFIED]);
    expect(putEvaluationsRequests(config).map((r) => [r.ResultToken, r.TestMode])).toEqual([["myResultToken", undefined]]);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input.ConfigRuleName)).toEqual([
      "endpoint-auditor-vpc-flow-logs-enabled",
    ]);
    expect(result).toMatchObject({ ruleId: "vpc-flow-logs-enabled", written: 2, byCompliance: { COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 0 } });

    // Structured log: rule, account, region, counts, and the Lambda context.
    const log = output.logs().find((l) => l.message === "Config rule evaluated");
    expect(log).toMatchObject({
      level: "INFO",
      service: "endpoint-auditor",
      rule: "vpc-flow-logs-enabled",
      configRuleName: "endpoint-auditor-vpc-flow-logs-enabled",
      account: ACCOUNT,
      region: REGION,
      messageType: "ScheduledNotification",
      evaluated: 2,
      stale: 0,
      written: 2,
      byCompliance: { COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 0 },
      apiCalls: { ec2: 3, config: 2 },
      function_name: "endpoint-auditor-evaluate",
      function_request_id: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    });

    // EMF metrics in the EndpointAuditor namespace, per rule.
    const blob = metricValues().find((b) => "CompliantEvaluations" in b);
    expect(blob).toBeDefined();
    expect(blob?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "rule"]]);
    expect(blob?._aws.CloudWatchMetrics[0]?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: "CompliantEvaluations", Unit: "Count" },
        { Name: "NonCompliantEvaluations", Unit: "Count" },
        { Name: "NotApplicableEvaluations", Unit: "Count" },
        { Name: "ApiCalls", Unit: "Count" },
        { Name: "Duration", Unit: "Milliseconds" },
      ]),
    );
    expect(blob).toMatchObject({
      service: "endpoint-auditor",
      rule: "vpc-flow-logs-enabled",
      CompliantEvaluations: 1,
      NonCompliantEvaluations: 1,
      NotApplicableEvaluations: 0,
      StaleEvaluationsCleaned: 0,
      PutEvaluationsCalls: 1,
      ApiCalls: 5,
    });
    expect(typeof blob?.Duration).toBe("number");
    // The first invocation of the module is a cold start.
    expect(output.emf().find((b) => "ColdStart" in b)).toMatchObject({ ColdStart: 1, function_name: "endpoint-auditor-evaluate" });
  });

  it("Given interface-endpoint-in-use, Then the busy, idle and waiting endpoints get exact verdicts and gateway endpoints none", async () => {
    const b = builder();
    const vpc = b.vpc({ id: "vpc-0a1b2c3d4e5f60031" });
    const s1 = b.subnet({ vpcId: vpc });
    const s2 = b.subnet({ vpcId: vpc });
    const busy = b.interfaceEndpoint({ vpcId: vpc, service: "ssm", subnetIds: [s1, s2], id: "vpce-0a1b2c3d4e5f60032" });
    b.traffic(busy, [
      { daysAgo: 1, bytes: 2_500_000_000 },
      { daysAgo: 3, bytes: 1_000_000_000 },
    ]);
    const idle = b.interfaceEndpoint({ vpcId: vpc, service: "logs", subnetIds: [s1, s2], id: "vpce-0a1b2c3d4e5f60033" });
    const waiting = b.interfaceEndpoint({
      vpcId: vpc,
      service: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
      state: "pendingAcceptance",
      subnetIds: [s1],
      id: "vpce-0a1b2c3d4e5f60034",
    });
    b.gatewayEndpoint({ vpcId: vpc, service: "s3", id: "vpce-0a1b2c3d4e5f60035" });
    serveInventory(ec2, cloudwatch, b);

    await handler(scheduled("interface-endpoint-in-use"), context);

    expect(rows()).toEqual([
      ["AWS::EC2::VPCEndpoint", busy, "COMPLIANT", naming(busy, "3.5 GB", "30 days")],
      ["AWS::EC2::VPCEndpoint", idle, "NON_COMPLIANT", naming(idle, "No traffic", "30 days", "$14.60/month", "2 AZs")],
      ["AWS::EC2::VPCEndpoint", waiting, "NOT_APPLICABLE", naming(waiting, "pendingAcceptance")],
    ]);
    expect(orderingTimestamps()).toEqual([NOTIFIED]);
    // Traffic of the three interface endpoints in one GetMetricData call, daily sums over 30 days.
    const metricCalls = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(metricCalls).toHaveLength(1);
    expect(metricCalls[0]?.args[0].input.MetricDataQueries).toHaveLength(3);
    expect(metricCalls[0]?.args[0].input.EndTime).toEqual(NOW);
  });

  it("Given s3-dynamodb-endpoint-is-gateway and previous results, Then current verdicts, then gone and out-of-scope endpoints as NOT_APPLICABLE", async () => {
    const b = builder();
    const plain = b.vpc({ id: "vpc-0a1b2c3d4e5f60041" });
    const plainSubnets = [b.subnet({ vpcId: plain }), b.subnet({ vpcId: plain })];
    const s3 = b.interfaceEndpoint({ vpcId: plain, service: "s3", subnetIds: plainSubnets, id: "vpce-0a1b2c3d4e5f60042" });
    const ssm = b.interfaceEndpoint({ vpcId: plain, service: "ssm", subnetIds: plainSubnets, id: "vpce-0a1b2c3d4e5f60043" });
    const hybrid = b.vpc({ id: "vpc-0a1b2c3d4e5f60044" });
    const hybridSubnet = b.subnet({ vpcId: hybrid });
    const attachment = b.transitGatewayAttachment({ vpcId: hybrid, id: "tgw-attach-0a1b2c3d4e5f60045", subnetIds: [hybridSubnet] });
    const dynamodb = b.interfaceEndpoint({ vpcId: hybrid, service: "dynamodb", subnetIds: [hybridSubnet], id: "vpce-0a1b2c3d4e5f60046" });
    serveInventory(ec2, cloudwatch, b);
    const rule = "endpoint-auditor-s3-dynamodb-endpoint-is-gateway";
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [previous(rule, "AWS::EC2::VPCEndpoint", s3, "NON_COMPLIANT"), previous(rule, "AWS::EC2::VPCEndpoint", "vpce-0deadbeefdeadbeef", "NON_COMPLIANT")],
        NextToken: "eyJuZXh0IjoyfQ==",
      })
      .resolvesOnce({ EvaluationResults: [previous(rule, "AWS::EC2::VPCEndpoint", ssm, "COMPLIANT")] });

    const result = await handler(scheduled("s3-dynamodb-endpoint-is-gateway"), context);

    expect(rows()).toEqual([
      ["AWS::EC2::VPCEndpoint", s3, "NON_COMPLIANT", naming(plain, s3, "gateway endpoint", "$14.60/month")],
      ["AWS::EC2::VPCEndpoint", dynamodb, "COMPLIANT", naming(hybrid, attachment, "DynamoDB gateway endpoint", "PrivateDnsOnlyForInboundResolverEndpoint")],
      ["AWS::EC2::VPCEndpoint", "vpce-0deadbeefdeadbeef", "NOT_APPLICABLE", NO_LONGER_EXISTS_ANNOTATION],
      ["AWS::EC2::VPCEndpoint", ssm, "NOT_APPLICABLE", OUT_OF_SCOPE_ANNOTATION],
    ]);
    expect(putEvaluationsRequests(config).map((r) => r.Evaluations.length)).toEqual([2, 2]);
    expect(orderingTimestamps()).toEqual([NOTIFIED]);
    expect(result).toMatchObject({ evaluated: 2, stale: 2, written: 4, staleListPages: 2 });
  });

  it("Given nat-subnet-has-gateway-endpoints, Then public, isolated, covered and uncovered NAT subnets get exact verdicts", async () => {
    const b = builder();
    const vpc = b.vpc({ id: "vpc-0a1b2c3d4e5f60051" });
    const main = b.routeTable({ vpcId: vpc, main: true, id: "rtb-0a1b2c3d4e5f60052" });
    const pub = b.subnet({ vpcId: vpc, id: "subnet-0a1b2c3d4e5f60053" });
    b.routeTable({ vpcId: vpc, subnetIds: [pub], routes: [routeTo.internetGateway("igw-0a1b2c3d4e5f60054")], id: "rtb-0a1b2c3d4e5f60055" });
    const nat = b.natGateway({ vpcId: vpc, subnetId: pub, id: "nat-0a1b2c3d4e5f60056" });
    const covered = b.subnet({ vpcId: vpc, id: "subnet-0a1b2c3d4e5f60057" });
    const coveredTable = b.routeTable({ vpcId: vpc, subnetIds: [covered], routes: [routeTo.nat(nat)], id: "rtb-0a1b2c3d4e5f60058" });
    const uncovered = b.subnet({ vpcId: vpc, id: "subnet-0a1b2c3d4e5f60059" });
    const uncoveredTable = b.routeTable({ vpcId: vpc, subnetIds: [uncovered], routes: [routeTo.nat(nat)], id: "rtb-0a1b2c3d4e5f6005a" });
    const gateway = b.gatewayEndpoint({ vpcId: vpc, service: "s3", routeTableIds: [coveredTable], id: "vpce-0a1b2c3d4e5f6005b" });
    const isolated = b.subnet({ vpcId: vpc, id: "subnet-0a1b2c3d4e5f6005c" });
    serveInventory(ec2, cloudwatch, b);

    await handler(scheduled("nat-subnet-has-gateway-endpoints", { services: "s3" }), context);

    expect(rows()).toEqual([
      ["AWS::EC2::Subnet", pub, "NOT_APPLICABLE", naming("rtb-0a1b2c3d4e5f60055", "igw-0a1b2c3d4e5f60054")],
      ["AWS::EC2::Subnet", covered, "COMPLIANT", naming(nat, coveredTable, gateway, "S3")],
      ["AWS::EC2::Subnet", uncovered, "NON_COMPLIANT", naming(nat, uncoveredTable, gateway, "S3")],
      ["AWS::EC2::Subnet", isolated, "NOT_APPLICABLE", naming(main, "no default route")],
    ]);
    expect(orderingTimestamps()).toEqual([NOTIFIED]);
  });
});

describe("evaluate handler: change notifications", () => {
  it("Given a configuration change of one VPC, Then only that VPC is written at the item's capture time", async () => {
    const b = builder();
    const vpc = b.vpc({ id: "vpc-0a1b2c3d4e5f60061" });
    b.subnet({ vpcId: vpc });
    b.vpc({ id: "vpc-0a1b2c3d4e5f60062" });
    serveInventory(ec2, cloudwatch, b);
    const event = changeEventFor(
      "change",
      { ruleId: "vpc-flow-logs-enabled" },
      {
        configurationItemCaptureTime: "2026-11-02T05:41:07.318Z",
        resourceType: "AWS::EC2::VPC",
        resourceId: vpc,
        ARN: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${vpc}`,
        awsRegion: REGION,
        availabilityZone: "Multiple Availability Zones",
      },
      { configRuleName: "endpoint-auditor-vpc-flow-logs-enabled" },
    );

    await handler(event, context);

    expect(rows()).toEqual([["AWS::EC2::VPC", vpc, "NON_COMPLIANT", naming(vpc, "flow log")]]);
    expect(orderingTimestamps()).toEqual(["2026-11-02T05:41:07.318Z"]);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
  });
});

describe("evaluate handler: test mode and failures", () => {
  it("Given EVALUATIONS_TEST_MODE=true, Then TestMode: true is sent and stale results are not cleaned up", async () => {
    vi.stubEnv("EVALUATIONS_TEST_MODE", "true");
    const b = builder();
    b.vpc({ id: "vpc-0a1b2c3d4e5f60071" });
    serveInventory(ec2, cloudwatch, b);
    const result = await handler(scheduled("vpc-flow-logs-enabled"), context);
    expect(putEvaluationsRequests(config).map((r) => [r.TestMode, r.Evaluations.length])).toEqual([[true, 1]]);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
    expect(result).toMatchObject({ testMode: true, staleSkipped: "test mode" });
  });

  it("Given DescribeRouteTables throttled beyond the SDK's retries, Then the invocation fails (so Lambda retries it) naming the call and nothing is written", async () => {
    const b = builder();
    const vpc = b.vpc();
    b.subnet({ vpcId: vpc });
    serveInventory(ec2, cloudwatch, b, { routeTables: awsError("RequestLimitExceeded", "Request limit exceeded.", 503) });

    const error = await rejection(handler(scheduled("nat-subnet-has-gateway-endpoints"), context));

    expect(error).toMatchObject({ name: "RuleEvaluationError", ruleId: "nat-subnet-has-gateway-endpoints", region: REGION, accountId: ACCOUNT });
    expect((error as Error).message).toContain("ec2:DescribeRouteTables failed: Request limit exceeded.");
    expect(ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(1);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
    expect(output.logs().find((l) => l.level === "ERROR")).toMatchObject({
      rule: "nat-subnet-has-gateway-endpoints",
      account: ACCOUNT,
      region: REGION,
      retried: true,
      error: { name: "RuleEvaluationError" },
    });
    expect(metricValues().find((m) => "Failures" in m)).toMatchObject({ Failures: 1 });
  });

  // A retry would fail the same way: refused (answered, so Lambda does not retry), logged and counted.
  const bad: [string, () => unknown, string][] = [
    ["a malformed invokingEvent", () => ({ ...scheduled("vpc-flow-logs-enabled"), invokingEvent: "{not json" }), "ConfigEventError"],
    ["a ConfigurationSnapshotDeliveryCompleted event", () => ({
      ...scheduled("vpc-flow-logs-enabled"),
      invokingEvent: JSON.stringify({ messageType: "ConfigurationSnapshotDeliveryCompleted", notificationCreationTime: NOTIFIED }),
    }), "ConfigEventError"],
    ['lookbackDays "abc"', () => scheduled("interface-endpoint-in-use", { lookbackDays: "abc" }), "ParameterValidationError"],
    ["an unknown ruleId on a deployed rule", () => ({ ...scheduled("vpc-flow-logs-enabled"), ruleParameters: JSON.stringify({ ruleId: "idle-endpoints" }) }), "UnknownRuleError"],
    ["a Config rule the stack did not create", () => ({ ...scheduled("vpc-flow-logs-enabled"), configRuleName: "someone-elses-rule" }), "UndeployedRuleError"],
    ["an event of another account", () => ({ ...scheduled("vpc-flow-logs-enabled"), accountId: "210987654321" }), "ConfigEventError"],
  ];
  for (const [name, event, errorName] of bad) {
    it(`Given ${name}, Then it is refused with ${errorName}: not retried, no AWS call, logged as an error and counted as a failure`, async () => {
      const b = builder();
      b.vpc();
      serveInventory(ec2, cloudwatch, b);
      const result = await handler(event(), context);
      expect(result).toMatchObject({ refused: true, error: errorName });
      expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
      expect(ec2.calls()).toHaveLength(0);
      const failure = metricValues().find((m) => "Failures" in m);
      expect(failure).toMatchObject({ Failures: 1, ApiCalls: 0, service: "endpoint-auditor" });
      // Exactly what the stack's failure alarm watches: EndpointAuditor / Failures / service=endpoint-auditor.
      expect(failure?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service"]]);
      expect(output.logs().find((l) => l.level === "ERROR")).toMatchObject({
        message: "Config rule event refused and not retried (a retry would fail the same way); nothing was written",
        retried: false,
        error: { name: errorName },
      });
    });
  }

  it("Given the stack's DEPLOYED_CONFIG_RULES is missing, Then every event is refused naming the variable (no rule is served by default)", async () => {
    vi.stubEnv("DEPLOYED_CONFIG_RULES", "");
    const result = await handler(scheduled("vpc-flow-logs-enabled"), context);
    expect(result).toMatchObject({ refused: true, error: "DeploymentConfigurationError" });
    expect((result as RefusedInvocation).message).toContain("DEPLOYED_CONFIG_RULES is not set");
    expect(ec2.calls()).toHaveLength(0);
  });

  it("Given METRICS_SCOPE=failures, Then a successful run publishes no custom metric and a failed one still publishes Failures", async () => {
    vi.stubEnv("METRICS_SCOPE", "failures");
    const b = builder();
    b.subnet({ vpcId: b.vpc() });
    serveInventory(ec2, cloudwatch, b);
    await handler(scheduled("vpc-flow-logs-enabled"), context);
    expect(metricValues()).toEqual([]);

    serveInventory(ec2, cloudwatch, b, { flowLogs: awsError("UnauthorizedOperation", "You are not authorized to perform this operation.") });
    await rejection(handler(scheduled("vpc-flow-logs-enabled"), context));
    expect(metricValues().map((m) => m._aws.CloudWatchMetrics[0]?.Metrics.map((x) => x.Name))).toEqual([["Failures"]]);
  });
});
