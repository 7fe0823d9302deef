/**
 * The organization digest stack, synthesized by SST offline (`stacks/synth.ts`) from settings, and its
 * settings' validation: resources, the exact IAM of the function and of the aggregator role, the
 * environment core's parser reads, and that the webhook URL never reaches the template.
 */
import { rmSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { getStack } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AGGREGATOR_READ_ACTIONS, EnvironmentVariables, orgDigestSettingsFromEnv } from "@endpoint-auditor/core";
import { ORG_DIGEST_STACK_ID, createOrgDigestStack } from "../../stacks/OrgDigestStack";
import { ORGANIZATION_AGGREGATOR_ACTIONS } from "../../stacks/org/OrgDigest";
import type { SettingsFile } from "../../stacks/settings/schema";
import { SettingsError, settingsFor } from "../../stacks/settings/validate";
import { initOfflineProject, scratchProjectRoot, synthesizeApp } from "../../stacks/synth";

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const FAKE_WEBHOOK = "https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/Or9gDiGeSt1nFr4T3sT0k3n";
const AGGREGATOR_ARN = "arn:aws:config:us-east-1:111122223333:config-aggregator/config-aggregator-abcd1234";
const KMS_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SST_VARIABLES = ["AWS_NODEJS_CONNECTION_REUSE_ENABLED", "SST_APP", "SST_STAGE", "SST_SSM_PREFIX"];

const LOGS_KEY = "arn:aws:kms:us-east-1:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab";

const FILE: SettingsFile = {
  defaults: {},
  stages: {
    existing: { orgDigest: { enabled: true, aggregatorName: "org-aggregator", aggregatorArn: AGGREGATOR_ARN, topAccounts: 20 } },
    created: {
      maximumExecutionFrequency: "Twelve_Hours",
      orgDigest: {
        enabled: true,
        aggregatorName: "endpoint-auditor-org",
        createAggregator: true,
        memberRuleNamePrefix: "endpoint-auditor-prod-",
        webhookParameterName: "/endpoint-auditor/org/slack-webhook-url",
        webhookKmsKeyArn: KMS_KEY,
        schedule: "cron(0 7 ? * MON *)",
      },
      logs: { kmsKeyArn: LOGS_KEY },
      alarms: { snsTopic: "arn:aws:sns:us-east-1:111122223333:org-alerts" },
    },
    regional: { orgDigest: { enabled: true, aggregatorName: "org", createAggregator: true, aggregatorRegions: ["eu-west-1", "us-east-1", "eu-west-1"] } },
  },
};

function resources(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.findResources(type)) as Array<[string, Resource]>;
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function statementsOfRole(template: Template, roleId: string): Statement[] {
  return resources(template, "AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function envOf(fn: Resource): Record<string, unknown> {
  return (fn.Properties.Environment as { Variables?: Record<string, unknown> }).Variables ?? {};
}

function fnOf(template: Template): [string, Resource] {
  return only(resources(template, "AWS::Lambda::Function"));
}

function ref(template: Template, type: string, idPart: string): { Ref: string } {
  return { Ref: only(resources(template, type).filter(([id]) => id.includes(idPart)))[0] };
}

function arnOf(template: Template, idPart: string): { "Fn::GetAtt": string[] } {
  return { "Fn::GetAtt": [only(resources(template, "AWS::DynamoDB::Table").filter(([id]) => id.includes(idPart)))[0], "Arn"] };
}

let root: string;
const templates: Record<string, Template> = {};

beforeAll(async () => {
  process.env.SLACK_WEBHOOK_URL = FAKE_WEBHOOK;
  root = scratchProjectRoot("org-digest-infra");
  for (const stage of ["existing", "created", "regional"]) {
    await initOfflineProject({ stage, root });
    const stackFn = createOrgDigestStack({ settings: settingsFor(stage, FILE) });
    await synthesizeApp({ stage }, (app) => {
      app.stack(stackFn, { id: ORG_DIGEST_STACK_ID });
    });
    templates[stage] = Template.fromStack(getStack(stackFn));
  }
}, 240_000);

afterAll(() => {
  delete process.env.SLACK_WEBHOOK_URL;
  rmSync(root, { recursive: true, force: true });
});

describe("Given a stage with a logs key and an alarm topic", () => {
  test("Then the function's log group is encrypted with the key and both alarms notify the topic", () => {
    const t = templates.created!;
    expect(only(resources(t, "AWS::Logs::LogGroup"))[1].Properties.KmsKeyId).toBe(LOGS_KEY);
    const alarms = resources(t, "AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(2);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual(["arn:aws:sns:us-east-1:111122223333:org-alerts"]);
    expect(only(resources(templates.existing!, "AWS::Logs::LogGroup"))[1].Properties.KmsKeyId).toBeUndefined();
  });
});

describe("Given an existing aggregator (name and ARN)", () => {
  test("Then the stack holds exactly the function, its role and log group, two tables, the schedule and its permission, and its failure destination and alarms — no aggregator, no other function", () => {
    const types = Object.values(templates.existing!.toJSON().Resources as Record<string, Resource>).map((r) => r.Type).sort();
    expect(types).toEqual(
      [
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::Table",
        "AWS::Events::Rule",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::Lambda::Permission",
        "AWS::Logs::LogGroup",
        "AWS::SQS::Queue",
        "AWS::SQS::QueuePolicy",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::Alarm",
      ].sort(),
    );
  });

  test("Then a failed run is retried twice, then goes to the failed-invocations queue, and two alarms watch Errors and OrgDigestFailures (service endpoint-auditor-org-digest)", () => {
    const t = templates.existing!;
    const [fnId] = fnOf(t);
    const [queueId] = only(resources(t, "AWS::SQS::Queue"));
    const [, config] = only(resources(t, "AWS::Lambda::EventInvokeConfig"));
    expect(config.Properties).toMatchObject({
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } },
    });
    const alarms = resources(t, "AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    expect(alarms.map((a) => [a.Namespace, a.MetricName, a.Dimensions]).sort()).toEqual(
      [
        ["AWS/Lambda", "Errors", [{ Name: "FunctionName", Value: { Ref: fnId } }]],
        ["EndpointAuditor", "OrgDigestFailures", [{ Name: "service", Value: "endpoint-auditor-org-digest" }]],
      ].sort(),
    );
    expect(envOf(fnOf(t)[1]).POWERTOOLS_SERVICE_NAME).toBe("endpoint-auditor-org-digest");
  });

  test("Then the function may read exactly that aggregator, query and put the state table, use the idempotency table, read the webhook parameter, send its failed runs to the queue and write its own logs — nothing else", () => {
    const t = templates.existing!;
    const [, fn] = fnOf(t);
    const roleId = (fn.Properties.Role as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0] as string;
    const [, role] = only(resources(t, "AWS::IAM::Role").filter(([id]) => id === roleId));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOfRole(t, roleId).map((s) => ({ Sid: s.Sid, Action: s.Action, Resource: s.Resource }));
    expect(statements).toEqual([
      { Sid: "WriteOwnLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: { "Fn::GetAtt": [ref(t, "AWS::Logs::LogGroup", "Logs").Ref, "Arn"] } },
      { Sid: "ReadAggregator", Action: [...AGGREGATOR_READ_ACTIONS], Resource: AGGREGATOR_ARN },
      { Sid: "State", Action: ["dynamodb:Query", "dynamodb:PutItem"], Resource: arnOf(t, "State") },
      { Sid: "Idempotency", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], Resource: arnOf(t, "Idempotency") },
      {
        Sid: "ReadWebhookParameter",
        Action: "ssm:GetParameter",
        Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":ssm:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":parameter/sst/endpoint-auditor/existing/Secret/SLACK_WEBHOOK_URL/value"]] },
      },
      // Its failed runs go to the failed-invocations queue, and only there.
      { Sid: "SendFailedInvocations", Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": [only(resources(t, "AWS::SQS::Queue"))[0], "Arn"] } },
    ]);
  });

  test("Then the environment is what core's parser reads (only names core's EnvironmentVariables names), with the stage's prefix and daily frequency by default", () => {
    const t = templates.existing!;
    const env = envOf(fnOf(t)[1]);
    const named = new Set<string>(Object.values(EnvironmentVariables));
    expect(Object.keys(env).filter((k) => !named.has(k) && !SST_VARIABLES.includes(k))).toEqual([]);
    const text = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === "string" ? v : `<${JSON.stringify(v)}>`]));
    expect(orgDigestSettingsFromEnv(text)).toMatchObject({
      aggregatorName: "org-aggregator",
      configRuleNamePrefix: "endpoint-auditor-existing-",
      evaluationFrequencyHours: 24,
      topAccounts: 20,
      topOffenders: 10,
      onAllClear: "send",
    });
    expect(env.POWERTOOLS_SERVICE_NAME).toBe("endpoint-auditor-org-digest");
    expect(env.POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS).toBe("false");
  });

  test("Then the function is arm64 nodejs22.x, named for the stage, runs on Mondays 09:00 UTC with 2 retries, and the state table expires items on ttl", () => {
    const t = templates.existing!;
    const [fnId, fn] = fnOf(t);
    expect(fn.Properties).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], FunctionName: "endpoint-auditor-existing-org-digest", Timeout: 900, MemorySize: 512 });
    expect(fn.Properties.TracingConfig).toBeUndefined();
    const [, rule] = only(resources(t, "AWS::Events::Rule"));
    expect(rule.Properties.ScheduleExpression).toBe("cron(0 9 ? * MON *)");
    expect((rule.Properties.Targets as Array<Record<string, unknown>>)[0]).toMatchObject({ Arn: { "Fn::GetAtt": [fnId, "Arn"] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 } });
    const [, state] = only(resources(t, "AWS::DynamoDB::Table").filter(([id]) => id.includes("State")));
    expect(state.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
    });
  });

  test("Then the webhook URL in the environment at synth time is nowhere in the template", () => {
    const json = JSON.stringify(templates.existing!.toJSON());
    expect(json).not.toContain(FAKE_WEBHOOK);
    expect(json).not.toContain("Or9gDiGeSt1nFr4T3sT0k3n");
  });
});

describe("Given createAggregator", () => {
  test("Then an organization aggregator of all regions is created with a role only AWS Config may assume, holding the four read-only Organizations actions", () => {
    const t = templates.created!;
    const [, aggregator] = only(resources(t, "AWS::Config::ConfigurationAggregator"));
    const roleRef = (aggregator.Properties.OrganizationAggregationSource as { RoleArn: { "Fn::GetAtt": string[] } }).RoleArn["Fn::GetAtt"][0] as string;
    const { Tags: _tags, ...properties } = aggregator.Properties;
    expect(properties).toEqual({ ConfigurationAggregatorName: "endpoint-auditor-org", OrganizationAggregationSource: { AllAwsRegions: true, RoleArn: { "Fn::GetAtt": [roleRef, "Arn"] } } });
    const [, role] = only(resources(t, "AWS::IAM::Role").filter(([id]) => id === roleRef));
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({ Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "config.amazonaws.com" } }], Version: "2012-10-17" });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toEqual([
      { PolicyName: "ReadOrganization", PolicyDocument: { Statement: [{ Action: [...ORGANIZATION_AGGREGATOR_ACTIONS], Effect: "Allow", Resource: "*" }], Version: "2012-10-17" } },
    ]);
    expect(statementsOfRole(t, roleRef)).toEqual([]);
  });

  test("Then the function may read exactly the created aggregator (its ARN from CloudFormation), and decrypt the webhook with the given key via SSM only", () => {
    const t = templates.created!;
    const [, fn] = fnOf(t);
    const roleId = (fn.Properties.Role as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0] as string;
    const statements = statementsOfRole(t, roleId);
    const aggregatorId = only(resources(t, "AWS::Config::ConfigurationAggregator"))[0];
    expect(statements.find((s) => s.Sid === "ReadAggregator")?.Resource).toEqual({ "Fn::GetAtt": [aggregatorId, "ConfigurationAggregatorArn"] });
    expect(statements.find((s) => s.Sid === "DecryptWebhookParameter")).toMatchObject({
      Action: "kms:Decrypt",
      Resource: KMS_KEY,
      Condition: { StringEquals: { "kms:ViaService": { "Fn::Join": ["", ["ssm.", { Ref: "AWS::Region" }, ".amazonaws.com"]] } } },
    });
    const env = envOf(fn);
    expect(env).toMatchObject({ CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-prod-", EVALUATION_FREQUENCY_HOURS: "12", SLACK_WEBHOOK_PARAMETER_NAME: "/endpoint-auditor/org/slack-webhook-url" });
    expect(only(resources(t, "AWS::Events::Rule"))[1].Properties.ScheduleExpression).toBe("cron(0 7 ? * MON *)");
  });

  test("Then aggregatorRegions become the aggregator's AwsRegions (each once)", () => {
    const [, aggregator] = only(resources(templates.regional!, "AWS::Config::ConfigurationAggregator"));
    expect((aggregator.Properties.OrganizationAggregationSource as Record<string, unknown>).AwsRegions).toEqual(["eu-west-1", "us-east-1"]);
    expect((aggregator.Properties.OrganizationAggregationSource as Record<string, unknown>).AllAwsRegions).toBeUndefined();
  });
});

describe("orgDigest settings", () => {
  const stage = (orgDigest: Record<string, unknown>): SettingsFile => ({ defaults: {}, stages: { s: { orgDigest } } });
  const errorOf = (orgDigest: Record<string, unknown>): string => {
    try {
      settingsFor("s", stage(orgDigest));
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      return (error as Error).message;
    }
    throw new Error("expected a SettingsError");
  };

  test("Given no orgDigest settings, Then it is off, with the digest's schedule and limits as defaults", () => {
    expect(settingsFor("dev", { defaults: {}, stages: {} }).orgDigest).toEqual({
      enabled: false,
      createAggregator: false,
      schedule: "cron(0 9 ? * MON *)",
      onAllClear: "send",
      topOffenders: 10,
      topAccounts: 10,
      memberEvaluationFrequency: "TwentyFour_Hours",
    });
  });

  test("Given the committed settings file, Then no stage enables the organization digest (it is opt-in)", () => {
    expect(settingsFor("any-stage").orgDigest.enabled).toBe(false);
  });

  test("Given invalid orgDigest settings, Then a SettingsError names the stage, the field and what it accepts", () => {
    expect(errorOf({ enabled: true })).toMatch(/stage "s": orgDigest\.aggregatorName must name the AWS Config aggregator/);
    expect(errorOf({ enabled: true, aggregatorName: "org" })).toContain("orgDigest.aggregatorArn must be the ARN of the existing aggregator");
    expect(errorOf({ enabled: true, aggregatorName: "org", aggregatorArn: "arn:aws:config:us-east-1:111122223333:config-rule/x" })).toContain("orgDigest.aggregatorArn");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, aggregatorArn: AGGREGATOR_ARN })).toContain("aggregatorArn must not be set with createAggregator");
    expect(errorOf({ enabled: true, aggregatorName: "org", aggregatorArn: AGGREGATOR_ARN, aggregatorRegions: ["eu-west-1"] })).toContain("aggregatorRegions applies only with createAggregator");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, aggregatorRegions: ["Europe"] })).toContain("orgDigest.aggregatorRegions must be a non-empty list");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, topAccounts: 51 })).toContain("orgDigest.topAccounts must be an integer from 1 to 50");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, schedule: "weekly" })).toContain("orgDigest.schedule must be an EventBridge schedule expression");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, webhookParameterName: FAKE_WEBHOOK })).toContain("orgDigest.webhookParameterName must be the NAME of an SSM parameter");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, webhookParameterName: FAKE_WEBHOOK })).not.toContain("Or9gDiGeSt1nFr4T3sT0k3n");
    expect(errorOf({ enabled: true, aggregatorName: "org", createAggregator: true, memberRuleNamePrefix: "has space " })).toContain("orgDigest.memberRuleNamePrefix must be");
    expect(errorOf({ enabled: "yes" })).toContain("orgDigest.enabled must be true or false");
  });

  test("Given a stage without orgDigest enabled, Then the org digest stack refuses to synthesize with a SettingsError", () => {
    const stackFn = createOrgDigestStack({ settings: settingsFor("dev", { defaults: {}, stages: {} }) });
    expect(() => stackFn({ app: { stage: "dev", name: "endpoint-auditor" }, stack: {} } as unknown as Parameters<typeof stackFn>[0])).toThrow(SettingsError);
  });
});
