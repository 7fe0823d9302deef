/**
 * The ConfigRules construct on its own, in a bare cdk.App (no SST): the raw AWS::Config::ConfigRule and
 * AWS::Lambda::Permission resources and the evaluator's Config IAM.
 */
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { describe, expect, test } from "vitest";
import { ConfigRules, type ConfigRuleSpec, type ConfigRulesProps } from "../../stacks/constructs/ConfigRules";

const SPECS: ConfigRuleSpec[] = [
  {
    id: "vpc-flow-logs-enabled",
    title: "VPC flow logs are enabled",
    description: "A VPC is COMPLIANT when an active flow log records its traffic.",
    resourceType: "AWS::EC2::VPC",
    inputParameters: { ruleId: "vpc-flow-logs-enabled" },
  },
  {
    id: "nat-subnet-has-gateway-endpoints",
    title: "NAT subnets use gateway endpoints",
    description: "x".repeat(400),
    resourceType: "AWS::EC2::Subnet",
    inputParameters: { ruleId: "nat-subnet-has-gateway-endpoints", services: "s3,dynamodb" },
  },
];

function synth(overrides: Partial<ConfigRulesProps> = {}): { template: Template; construct: ConfigRules } {
  const app = new App();
  const stack = new Stack(app, "Bare", { env: { account: "123456789012", region: "eu-west-1" } });
  const fn = new LambdaFunction(stack, "Evaluator", {
    code: Code.fromInline("exports.handler = async () => undefined;"),
    handler: "index.handler",
    runtime: Runtime.NODEJS_22_X,
  });
  const construct = new ConfigRules(stack, "ConfigRules", {
    namePrefix: "endpoint-auditor-dev",
    evaluator: fn,
    evaluatorRole: fn.role!,
    rules: SPECS,
    maximumExecutionFrequency: "Six_Hours",
    ...overrides,
  });
  return { template: Template.fromStack(stack), construct };
}

function resourcesOf(template: Template, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(template.findResources(type)) as Array<[string, Record<string, unknown>]>;
}

describe("ConfigRules in a bare cdk.App", () => {
  test("Given two rule specs, Then two periodic CUSTOM_LAMBDA rules are created with name, scope, schedule and input parameters", () => {
    const { template } = synth();
    template.resourceCountIs("AWS::Config::ConfigRule", 2);
    template.hasResourceProperties("AWS::Config::ConfigRule", {
      ConfigRuleName: "endpoint-auditor-dev-vpc-flow-logs-enabled",
      Description: "VPC flow logs are enabled. A VPC is COMPLIANT when an active flow log records its traffic.",
      InputParameters: { ruleId: "vpc-flow-logs-enabled" },
      Scope: { ComplianceResourceTypes: ["AWS::EC2::VPC"] },
      MaximumExecutionFrequency: "Six_Hours",
      Source: {
        Owner: "CUSTOM_LAMBDA",
        SourceIdentifier: { "Fn::GetAtt": [Match.stringLikeRegexp("^Evaluator"), "Arn"] },
        SourceDetails: [
          { EventSource: "aws.config", MessageType: "ScheduledNotification", MaximumExecutionFrequency: "Six_Hours" },
        ],
      },
    });
    template.hasResourceProperties("AWS::Config::ConfigRule", {
      ConfigRuleName: "endpoint-auditor-dev-nat-subnet-has-gateway-endpoints",
      InputParameters: { ruleId: "nat-subnet-has-gateway-endpoints", services: "s3,dynamodb" },
      Scope: { ComplianceResourceTypes: ["AWS::EC2::Subnet"] },
    });
  });

  test("Given a description longer than AWS Config allows, Then it is cut to 256 characters ending in …", () => {
    const { template } = synth();
    const nat = resourcesOf(template, "AWS::Config::ConfigRule").find(
      ([, r]) => (r.Properties as { ConfigRuleName: string }).ConfigRuleName.endsWith("nat-subnet-has-gateway-endpoints"),
    );
    const description = (nat?.[1].Properties as { Description: string }).Description;
    expect(description).toHaveLength(256);
    expect(description.startsWith("NAT subnets use gateway endpoints. xxx")).toBe(true);
    expect(description.endsWith("…")).toBe(true);
  });

  test("Then one Lambda permission lets config.amazonaws.com invoke the evaluator from this account only, and every rule depends on it", () => {
    const { template } = synth();
    const permissions = resourcesOf(template, "AWS::Lambda::Permission");
    expect(permissions).toHaveLength(1);
    const [permissionId, permission] = permissions[0]!;
    expect(permission.Properties).toEqual({
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [expect.stringMatching(/^Evaluator/), "Arn"] },
      Principal: "config.amazonaws.com",
      SourceAccount: { Ref: "AWS::AccountId" },
    });
    for (const [, rule] of resourcesOf(template, "AWS::Config::ConfigRule")) {
      expect(rule.DependsOn).toContain(permissionId);
    }
  });

  test("Then the role may PutEvaluations (no resource-level permissions) and read compliance details of these rules only", () => {
    const { template } = synth();
    const policies = resourcesOf(template, "AWS::IAM::Policy");
    const statements = policies.flatMap(
      ([, p]) => (p.Properties as { PolicyDocument: { Statement: Array<Record<string, unknown>> } }).PolicyDocument.Statement,
    );
    expect(statements).toContainEqual({
      Sid: "ConfigPutEvaluations",
      Action: "config:PutEvaluations",
      Effect: "Allow",
      Resource: "*",
    });
    const ruleIds = resourcesOf(template, "AWS::Config::ConfigRule").map(([id]) => id);
    const read = statements.find((s) => s.Action === "config:GetComplianceDetailsByConfigRule");
    expect(read?.Resource).toEqual(ruleIds.map((id) => ({ "Fn::GetAtt": [id, "Arn"] })));
    // The scoped statement lives outside the role's default policy, which the function depends on (no cycle).
    const [fnId, fn] = resourcesOf(template, "AWS::Lambda::Function")[0]!;
    const scoped = policies.find(([, p]) => JSON.stringify(p).includes("GetComplianceDetailsByConfigRule"));
    expect(scoped).toBeDefined();
    expect(fn.DependsOn).not.toContain(scoped![0]);
    expect(fnId).toMatch(/^Evaluator/);
  });

  test("Then ruleNames lists the deployed names in order", () => {
    const { construct } = synth();
    expect(construct.ruleNames).toEqual([
      "endpoint-auditor-dev-vpc-flow-logs-enabled",
      "endpoint-auditor-dev-nat-subnet-has-gateway-endpoints",
    ]);
  });

  test("Given no rules, Then construction fails", () => {
    expect(() => synth({ rules: [] })).toThrow(/no rules/);
  });

  test("Given InputParameters whose ruleId differs from the rule id, Then construction fails naming both", () => {
    const bad = [{ ...SPECS[0]!, inputParameters: { ruleId: "other-rule" } }];
    expect(() => synth({ rules: bad })).toThrow(/vpc-flow-logs-enabled has InputParameters.ruleId other-rule/);
  });

  test("Given the same rule twice, Then construction fails", () => {
    expect(() => synth({ rules: [SPECS[0]!, SPECS[0]!] })).toThrow(/listed twice/);
  });

  test("Given a name prefix that makes a rule name longer than 128 characters, Then construction fails", () => {
    expect(() => synth({ namePrefix: "p".repeat(120) })).toThrow(/longer than 128 characters/);
  });
});
