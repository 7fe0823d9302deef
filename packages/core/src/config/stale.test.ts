import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  type EvaluationResult,
} from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { NO_LONGER_EXISTS_ANNOTATION, OUT_OF_SCOPE_ANNOTATION, findStaleEvaluations } from "./stale";

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({ region: "us-east-2", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } });
const RULE = "endpoint-auditor-vpc-flow-logs-enabled";

/** One previous result, shaped as GetComplianceDetailsByConfigRule returns it. */
function previous(
  resourceType: string,
  resourceId: string,
  complianceType: "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE",
  annotation = "Flow logs are on.",
  evaluationMode = "DETECTIVE",
): EvaluationResult {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: { ConfigRuleName: RULE, ResourceType: resourceType, ResourceId: resourceId, EvaluationMode: evaluationMode as "DETECTIVE" },
      OrderingTimestamp: new Date("2024-05-01T09:00:00.000Z"),
      ResourceEvaluationId: undefined,
    },
    ComplianceType: complianceType,
    ResultRecordedTime: new Date("2024-05-01T09:00:05.120Z"),
    ConfigRuleInvokedTime: new Date("2024-05-01T09:00:01.004Z"),
    Annotation: annotation,
  };
}

const vpcId = (i: number) => `vpc-${i.toString(16).padStart(17, "0")}`;

beforeEach(() => {
  config.reset();
});

describe("findStaleEvaluations", () => {
  it("Given 237 previous results over three pages, Then every page is read and only gone VPCs become NOT_APPLICABLE", async () => {
    // 230 VPCs were judged before; this run judged 0..199. 200..209 still exist (out of scope now), 210..229 are gone.
    const results = Array.from({ length: 230 }, (_, i) => previous("AWS::EC2::VPC", vpcId(i), i % 2 ? "COMPLIANT" : "NON_COMPLIANT"));
    // Results of another resource type (a rule whose scope once included subnets) are never touched.
    for (let i = 0; i < 7; i++) results.push(previous("AWS::EC2::Subnet", `subnet-0${i}`, "NON_COMPLIANT"));
    const pages = [results.slice(0, 100), results.slice(100, 200), results.slice(200)];
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({ EvaluationResults: pages[0], NextToken: "page-2" })
      .resolvesOnce({ EvaluationResults: pages[1], NextToken: "page-3" })
      .resolvesOnce({ EvaluationResults: pages[2] });

    const out = await findStaleEvaluations(client, {
      configRuleName: RULE,
      resourceType: "AWS::EC2::VPC",
      evaluatedIds: Array.from({ length: 200 }, (_, i) => vpcId(i)),
      existingIds: Array.from({ length: 210 }, (_, i) => vpcId(i)),
    });

    const inputs = config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { ConfigRuleName: RULE, ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], Limit: 100, NextToken: undefined },
      { ConfigRuleName: RULE, ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], Limit: 100, NextToken: "page-2" },
      { ConfigRuleName: RULE, ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"], Limit: 100, NextToken: "page-3" },
    ]);
    expect(out.pages).toBe(3);
    expect(out.listed).toBe(237);
    expect(out.evaluations).toEqual([
      ...Array.from({ length: 10 }, (_, i) => ({
        resourceType: "AWS::EC2::VPC",
        resourceId: vpcId(200 + i),
        compliance: "NOT_APPLICABLE",
        annotation: OUT_OF_SCOPE_ANNOTATION,
      })),
      ...Array.from({ length: 20 }, (_, i) => ({
        resourceType: "AWS::EC2::VPC",
        resourceId: vpcId(210 + i),
        compliance: "NOT_APPLICABLE",
        annotation: NO_LONGER_EXISTS_ANNOTATION,
      })),
    ]);
  });

  it("Given a gone resource already marked 'no longer exists', Then it is not written again; another NOT_APPLICABLE is updated", async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        previous("AWS::EC2::VPC", "vpc-0aaaaaaaaaaaaaaaa", "NOT_APPLICABLE", NO_LONGER_EXISTS_ANNOTATION),
        previous("AWS::EC2::VPC", "vpc-0bbbbbbbbbbbbbbbb", "NOT_APPLICABLE", "Exempt: lab VPC"),
      ],
    });
    const out = await findStaleEvaluations(client, { configRuleName: RULE, resourceType: "AWS::EC2::VPC", evaluatedIds: [] });
    expect(out.evaluations.map((e) => e.resourceId)).toEqual(["vpc-0bbbbbbbbbbbbbbbb"]);
  });

  it("Given proactive results, Then they are not touched", async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [previous("AWS::EC2::VPC", "vpc-0ccccccccccccccccc", "NON_COMPLIANT", "x", "PROACTIVE")],
    });
    const out = await findStaleEvaluations(client, { configRuleName: RULE, resourceType: "AWS::EC2::VPC", evaluatedIds: [] });
    expect(out.evaluations).toEqual([]);
  });

  it("Given a run with errors, Then nothing is listed and nothing is cleaned up", async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [previous("AWS::EC2::VPC", "vpc-0d", "COMPLIANT")] });
    const out = await findStaleEvaluations(client, {
      configRuleName: RULE,
      resourceType: "AWS::EC2::VPC",
      evaluatedIds: [],
      runErrors: [{ region: "us-east-2", message: "ec2:DescribeFlowLogs failed" }],
    });
    expect(out.evaluations).toEqual([]);
    expect(out.skipped).toContain("errors");
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(0);
  });

  it("Given a NextToken that repeats, Then an error instead of an endless loop", async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [], NextToken: "same" });
    await expect(findStaleEvaluations(client, { configRuleName: RULE, resourceType: "AWS::EC2::VPC", evaluatedIds: [] })).rejects.toThrow(
      /same NextToken twice/,
    );
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(2);
  });

  it("Given the listing fails, Then the error propagates", async () => {
    const denied = Object.assign(new Error("User is not authorized to perform config:GetComplianceDetailsByConfigRule"), { name: "AccessDeniedException" });
    config.on(GetComplianceDetailsByConfigRuleCommand).rejects(denied);
    await expect(findStaleEvaluations(client, { configRuleName: RULE, resourceType: "AWS::EC2::VPC", evaluatedIds: [] })).rejects.toBe(denied);
  });
});
