/**
 * CDK assertions on the digest construct inside a synthesized SST stack, offline (the repository's
 * synthesis helper, `stacks/synth.ts`). The SST project root is a scratch directory with its own
 * sst.config.mjs, so this file's build artifacts never meet those of the auditor stack tests (vitest runs
 * test files in parallel); the handler path is resolved from the repository (the working directory).
 */
import { rmSync } from "node:fs";
import { App as CdkApp, CfnParameter, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Function as SstFunction, getStack, type StackContext } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_DIGEST_SCHEDULE, Digest, checkScheduleExpression, type DigestProps } from "../../stacks/digest/Digest";
import { initOfflineProject, scratchProjectRoot, synthesizeApp } from "../../stacks/synth";

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const FAKE_WEBHOOK = "https://hooks.slack.com/services/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";
const PARAMETER = "/sst/endpoint-auditor/test/Secret/SLACK_WEBHOOK_URL/value";

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

function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

let root: string;
let defaults: Template;
let custom: Template;
let names: Template;

/** What the auditor stack passes: its deployed rules and their period. */
const DEPLOYED = { deployedRules: '{"vpc-flow-logs-enabled":"endpoint-auditor-test-vpc-flow-logs-enabled"}', evaluationFrequency: "TwentyFour_Hours" };

async function synth(name: string, build: (ctx: StackContext) => void): Promise<Template> {
  const fn = { [name]: (ctx: StackContext) => build(ctx) }[name] as (ctx: StackContext) => void;
  await synthesizeApp({ stage: "test" }, (app) => {
    app.stack(fn);
  });
  return Template.fromStack(getStack(fn));
}

beforeAll(async () => {
  // A webhook URL in the environment at synth time must not leak into the template.
  process.env.SLACK_WEBHOOK_URL = FAKE_WEBHOOK;
  root = scratchProjectRoot("digest-infra");
  await initOfflineProject({ stage: "test", root });
  defaults = await synth("DigestDefaults", ({ stack }) => {
    // As the auditor stack does: without SST's custom-resource Lambda, the digest's role is the only role.
    stack.node.tryRemoveChild("CustomResourceHandler");
    new Digest(stack, "Digest", { configRuleNamePrefix: "endpoint-auditor-test-", ...DEPLOYED });
  });
  custom = await synth("DigestCustom", ({ stack }) => {
    const digest = new Digest(stack, "Digest", {
      configRuleNamePrefix: "endpoint-auditor-test-",
      ...DEPLOYED,
      schedule: "cron(30 7 ? * FRI *)",
      webhookParameterName: "/endpoint-auditor/slack-webhook-url",
      webhookKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      onAllClear: "skip",
      topOffenders: 5,
    } satisfies DigestProps);
    // Stands in for the evaluator: the lead calls grantHistoryWrite on it.
    const evaluator = new SstFunction(stack, "Evaluator", {
      handler: "packages/functions/src/digest.handler",
      runtime: "nodejs22.x",
      nodejs: { format: "esm", sourcemap: false },
      environment: digest.historyEnvironment,
    });
    digest.grantHistoryWrite(evaluator);
  });
  names = await synth("DigestNames", ({ stack }) => {
    // As the stand-alone template does it: the name is a CloudFormation parameter's value (a token).
    const name = new CfnParameter(stack, "WebhookName", { type: "String", default: "/org/slack/webhook" });
    new Digest(stack, "FromParameter", { configRuleNamePrefix: "p-", ...DEPLOYED, webhookParameterName: name.valueAsString });
    // A simple name (no "/"): its ARN is …:parameter/<name>.
    new Digest(stack, "Simple", { configRuleNamePrefix: "s-", ...DEPLOYED, webhookParameterName: "slack-webhook" });
    // X-Ray tracing on: the one case where the Tracer could record outgoing requests.
    new Digest(stack, "Traced", { configRuleNamePrefix: "t-", ...DEPLOYED, webhookParameterName: "/org/slack/webhook", tracing: true });
  });
}, 240_000);

afterAll(() => {
  delete process.env.SLACK_WEBHOOK_URL;
  rmSync(root, { recursive: true, force: true });
});

function historyTable(template: Template): [string, Resource] {
  return only(resources(template, "AWS::DynamoDB::Table").filter(([id]) => id.includes("History")));
}

function digestFunction(template: Template): [string, Resource] {
  return only(
    resources(template, "AWS::Lambda::Function").filter(
      ([, f]) => (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.SLACK_WEBHOOK_PARAMETER_NAME !== undefined,
    ),
  );
}

function digestRoleId(template: Template): string {
  const [, fn] = digestFunction(template);
  return ((fn.Properties.Role as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0]) as string;
}

function envOf(fn: Resource): Record<string, unknown> {
  return (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
}

/** The digest function of the `names` stack whose CONFIG_RULE_NAME_PREFIX is `prefix`. */
function namedDigest(prefix: string): [string, Resource] {
  return only(resources(names, "AWS::Lambda::Function").filter(([, f]) => envOf(f).CONFIG_RULE_NAME_PREFIX === prefix));
}

function roleIdOf(fn: Resource): string {
  return (fn.Properties.Role as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0] as string;
}

/**
 * The function's role has no managed policy (no AWSLambdaBasicExecutionRole, whose logs actions are on
 * "*"), and its only logs statement is CreateLogStream + PutLogEvents on the function's own log group —
 * CloudFormation's `Arn` of a log group is `arn:…:log-group:<name>:*`, the group and its streams.
 */
function expectLogsOnOwnGroupOnly(template: Template, [fnId, fn]: [string, Resource]): void {
  const roleId = roleIdOf(fn);
  const [, role] = only(resources(template, "AWS::IAM::Role").filter(([id]) => id === roleId));
  expect(role.Properties.ManagedPolicyArns, fnId).toBeUndefined();
  expect(role.Properties.Policies, fnId).toBeUndefined();
  expect(role.Properties.AssumeRolePolicyDocument).toEqual({
    Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }],
    Version: "2012-10-17",
  });
  const groupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  expect(resources(template, "AWS::Logs::LogGroup").map(([id]) => id)).toContain(groupId);
  const logs = only(statementsOfRole(template, roleId).filter((s) => actions(s).some((a) => a.startsWith("logs:"))));
  expect(logs).toEqual({
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: { "Fn::GetAtt": [groupId, "Arn"] },
  });
  // The function is created after its role and the policy holding that statement.
  const policyId = only(
    resources(template, "AWS::IAM::Policy").filter(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some((s) => s.Sid === "WriteOwnLogs") &&
      JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    ),
  )[0];
  expect((fn as Resource & { DependsOn?: string[] }).DependsOn, fnId).toEqual(expect.arrayContaining([roleId, policyId]));
}

describe("Given the digest construct with its defaults", () => {
  test("Then the history table is on-demand, has point-in-time recovery, TTL on ttl, keys pk/sk, the sparse byStatus index, and is retained", () => {
    const [, table] = historyTable(defaults);
    expect(table.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: "byStatus",
          KeySchema: [
            { AttributeName: "statusPk", KeyType: "HASH" },
            { AttributeName: "statusSk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    });
    expect(table.DeletionPolicy).toBe("Retain");
  });

  test("Then the idempotency table is keyed by id with TTL on expiration", () => {
    const [, table] = only(resources(defaults, "AWS::DynamoDB::Table").filter(([id]) => id.includes("Idempotency")));
    expect(table.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiration", Enabled: true },
    });
  });

  test("Then the function is nodejs22.x on arm64 and gets the parameter NAME, the table names and the settings in its environment", () => {
    const [, fn] = digestFunction(defaults);
    expect(fn.Properties).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], Timeout: 300, MemorySize: 256 });
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      SLACK_WEBHOOK_PARAMETER_NAME: PARAMETER,
      DIGEST_ON_ALL_CLEAR: "send",
      DIGEST_TOP_OFFENDERS: "10",
      CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-test-",
      POWERTOOLS_TRACE_ENABLED: "false",
      // Even if tracing is turned on, the Tracer must not record outgoing HTTPS requests (their URL is the webhook's).
      POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: "false",
    });
    const [historyId] = historyTable(defaults);
    expect(env.HISTORY_TABLE_NAME).toEqual({ Ref: historyId });
    expect(JSON.stringify(env.IDEMPOTENCY_TABLE_NAME)).toContain("Idempotency");
  });

  test("Then an EventBridge rule runs it Mondays 09:00 UTC, and only that rule may invoke it", () => {
    const [ruleId, rule] = only(resources(defaults, "AWS::Events::Rule"));
    const [fnId] = digestFunction(defaults);
    expect(rule.Properties.ScheduleExpression).toBe(DEFAULT_DIGEST_SCHEDULE);
    expect(rule.Properties.State).toBe("ENABLED");
    const target = only(rule.Properties.Targets as Array<Record<string, unknown>>);
    expect(target.Arn).toEqual({ "Fn::GetAtt": [fnId, "Arn"] });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 });
    const permission = only(
      resources(defaults, "AWS::Lambda::Permission").filter(([, p]) => p.Properties.Principal === "events.amazonaws.com"),
    )[1];
    expect(permission.Properties.SourceArn).toEqual({ "Fn::GetAtt": [ruleId, "Arn"] });
  });

  test("Then its role may read exactly the webhook parameter, query the status index and the heartbeats, close findings of removed rules, use the idempotency table, list account aliases and write its own logs — nothing else", () => {
    const statements = statementsOfRole(defaults, digestRoleId(defaults));
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    expect(statements).toHaveLength(6);
    expect([...bySid.keys()].sort()).toEqual(["AccountAlias", "CloseRetiredFindings", "Idempotency", "QueryHistory", "ReadWebhookParameter", "WriteOwnLogs"]);
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);

    const ssm = bySid.get("ReadWebhookParameter") as Statement;
    expect(actions(ssm)).toEqual(["ssm:GetParameter"]);
    expect(ssm.Resource).toEqual({
      "Fn::Join": [
        "",
        ["arn:", { Ref: "AWS::Partition" }, ":ssm:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, `:parameter${PARAMETER}`],
      ],
    });
    // No other statement touches SSM or KMS (no ssm:GetParameters on a path, no wildcard).
    const otherActions = statements.filter((s) => s !== ssm).flatMap(actions);
    expect(otherActions.filter((a) => a.startsWith("ssm:") || a.startsWith("kms:"))).toEqual([]);

    const [historyId] = historyTable(defaults);
    const query = bySid.get("QueryHistory") as Statement;
    expect(actions(query)).toEqual(["dynamodb:Query"]);
    // The status index (findings) and the table itself (heartbeats, by key prefix).
    expect(query.Resource).toEqual([{ "Fn::Join": ["", [{ "Fn::GetAtt": [historyId, "Arn"] }, "/index/byStatus"]] }, { "Fn::GetAtt": [historyId, "Arn"] }]);
    const close = bySid.get("CloseRetiredFindings") as Statement;
    expect(actions(close)).toEqual(["dynamodb:BatchWriteItem"]);
    expect(close.Resource).toEqual({ "Fn::GetAtt": [historyId, "Arn"] });

    const idem = bySid.get("Idempotency") as Statement;
    expect(actions(idem).sort()).toEqual(["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
    expect(JSON.stringify(idem.Resource)).toContain("Idempotency");

    expect(actions(bySid.get("AccountAlias") as Statement)).toEqual(["iam:ListAccountAliases"]);
    expect(statements.flatMap(actions)).not.toContain("dynamodb:Scan");

    expect(statements.flatMap(actions).filter((a) => a.startsWith("logs:")).sort()).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  test("Then its role is its own, with no managed policy, and writes logs only to the function's log group (no logs:CreateLogGroup, nothing on *)", () => {
    expectLogsOnOwnGroupOnly(defaults, digestFunction(defaults));
    // The template's only role is the digest's: CDK's default role (with AWSLambdaBasicExecutionRole) is not created.
    expect(resources(defaults, "AWS::IAM::Role").map(([id]) => id)).toEqual([digestRoleId(defaults)]);
    expect(JSON.stringify(defaults.toJSON())).not.toContain("AWSLambdaBasicExecutionRole");
  });

  test("Then the webhook URL is nowhere in the template (only the parameter name is)", () => {
    const text = JSON.stringify(defaults.toJSON());
    expect(text).not.toContain(FAKE_WEBHOOK);
    expect(text).not.toContain("hooks.slack.com");
    expect(text).toContain(PARAMETER);
  });
});

describe("Given the digest construct with custom settings", () => {
  test("Then the schedule, all-clear mode, top offenders and parameter name follow the props", () => {
    expect(only(resources(custom, "AWS::Events::Rule"))[1].Properties.ScheduleExpression).toBe("cron(30 7 ? * FRI *)");
    const env = (digestFunction(custom)[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      SLACK_WEBHOOK_PARAMETER_NAME: "/endpoint-auditor/slack-webhook-url",
      DIGEST_ON_ALL_CLEAR: "skip",
      DIGEST_TOP_OFFENDERS: "5",
    });
  });

  test("Then a customer-managed key adds kms:Decrypt on that key only, through SSM only", () => {
    const decrypt = only(statementsOfRole(custom, digestRoleId(custom)).filter((s) => s.Sid === "DecryptWebhookParameter"));
    expect(actions(decrypt)).toEqual(["kms:Decrypt"]);
    expect(decrypt.Resource).toBe("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(decrypt.Condition).toEqual({
      StringEquals: { "kms:ViaService": { "Fn::Join": ["", ["ssm.", { Ref: "AWS::Region" }, ".amazonaws.com"]] } },
    });
  });

  test("Then grantHistoryWrite gives the evaluator BatchGetItem, BatchWriteItem (findings) and UpdateItem (heartbeats) on the history table only", () => {
    const evaluatorRoleId = only(
      resources(custom, "AWS::Lambda::Function").filter(
        ([, f]) => envOf(f).HISTORY_TABLE_NAME !== undefined && envOf(f).SLACK_WEBHOOK_PARAMETER_NAME === undefined,
      ),
    )[1].Properties.Role as { "Fn::GetAtt": string[] };
    const record = only(statementsOfRole(custom, evaluatorRoleId["Fn::GetAtt"][0] as string).filter((s) => s.Sid === "RecordFindingsHistory"));
    const [historyId] = historyTable(custom);
    expect(actions(record).sort()).toEqual(["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"]);
    expect(record.Resource).toEqual({ "Fn::GetAtt": [historyId, "Arn"] });
  });
});

describe("Given a webhook parameter name that is a token or a simple name", () => {
  function ssmResourceOf(prefix: string): unknown {
    const [, fn] = namedDigest(prefix);
    return only(statementsOfRole(names, roleIdOf(fn)).filter((s) => s.Sid === "ReadWebhookParameter")).Resource;
  }
  const head = ["arn:", { Ref: "AWS::Partition" }, ":ssm:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }];

  test("Then a CloudFormation parameter's value becomes …:parameter<name> (a fully qualified name) and the function's environment refers to it", () => {
    expect(ssmResourceOf("p-")).toEqual({ "Fn::Join": ["", [...head, ":parameter", { Ref: "WebhookName" }]] });
    expect(envOf(namedDigest("p-")[1]).SLACK_WEBHOOK_PARAMETER_NAME).toEqual({ Ref: "WebhookName" });
  });

  test("Then a simple name becomes …:parameter/<name>", () => {
    expect(ssmResourceOf("s-")).toEqual({ "Fn::Join": ["", [...head, ":parameter/slack-webhook"]] });
  });

  test("Then three digests in one stack have three roles, each writing only to its own function's log group", () => {
    const digests = ["p-", "s-", "t-"].map(namedDigest);
    for (const digest of digests) expectLogsOnOwnGroupOnly(names, digest);
    const groups = digests.map(([, fn]) => (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(new Set(groups).size).toBe(3);
    expect(new Set(digests.map(([, fn]) => roleIdOf(fn))).size).toBe(3);
  });
});

describe("Given the digest construct with X-Ray tracing on", () => {
  test("Then the function traces, the Tracer is told not to capture HTTPS requests (the webhook URL), and the X-Ray actions join its own role — still no managed policy", () => {
    const traced = namedDigest("t-");
    const [, fn] = traced;
    expect(fn.Properties.TracingConfig).toEqual({ Mode: "Active" });
    expect(envOf(fn)).toMatchObject({ POWERTOOLS_TRACE_ENABLED: "true", POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: "false" });
    const granted = statementsOfRole(names, roleIdOf(fn)).flatMap(actions);
    expect(granted).toEqual(expect.arrayContaining(["xray:PutTelemetryRecords", "xray:PutTraceSegments"]));
    expectLogsOnOwnGroupOnly(names, traced);
  });

  test("Then, without tracing, no X-Ray action is granted", () => {
    for (const prefix of ["p-", "s-"]) {
      const [, fn] = namedDigest(prefix);
      expect(fn.Properties.TracingConfig).toBeUndefined();
      expect(statementsOfRole(names, roleIdOf(fn)).flatMap(actions).filter((a) => a.startsWith("xray:"))).toEqual([]);
    }
  });
});

describe("Given invalid digest props", () => {
  test("Then schedules EventBridge would refuse are rejected at synth time", () => {
    expect(checkScheduleExpression("cron(0 9 ? * MON *)")).toBe("cron(0 9 ? * MON *)");
    expect(checkScheduleExpression("rate(7 days)")).toBe("rate(7 days)");
    expect(checkScheduleExpression("rate(1 hour)")).toBe("rate(1 hour)");
    expect(() => checkScheduleExpression("cron(0 9 * * MON)")).toThrow(/needs 6/);
    expect(() => checkScheduleExpression("cron(0 9 * * MON *)")).toThrow(/"\?"/);
    expect(() => checkScheduleExpression("every monday")).toThrow(/not an EventBridge/);
    expect(() => checkScheduleExpression("rate(1 days)")).toThrow(/singular unit for 1/);
    expect(() => checkScheduleExpression("rate(5 hour)")).toThrow(/plural one otherwise/);
    expect(() => checkScheduleExpression("rate(0 days)")).toThrow(/not an EventBridge/);
  });

  test("Then names Systems Manager would refuse, an alias ARN as the key, and unknown all-clear modes or top-offender counts are refused", () => {
    const stack = new Stack(new CdkApp(), "Bare");
    const base = { configRuleNamePrefix: "x-", ...DEPLOYED, webhookParameterName: "/org/slack/webhook" };
    expect(() => new Digest(stack, "A", { ...base, webhookParameterName: "org/slack" })).toThrow(/must start with "\/"/);
    expect(() => new Digest(stack, "B", { ...base, webhookParameterName: "/org//slack" })).toThrow(/empty level/);
    expect(() => new Digest(stack, "C", { ...base, webhookKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/slack" })).toThrow(
      /not an alias ARN/,
    );
    expect(() => new Digest(stack, "D", { ...base, onAllClear: "never" as "send" })).toThrow(/onAllClear must be "send" or "skip"/);
    expect(() => new Digest(stack, "E", { ...base, topOffenders: 51 })).toThrow(/topOffenders must be an integer from 1 to 50/);
  });

  test("Then a webhook URL given as the parameter name, or no parameter name outside SST, is refused", () => {
    const stack = new Stack(new CdkApp(), "Bare");
    expect(() => new Digest(stack, "Digest", { configRuleNamePrefix: "x-", ...DEPLOYED })).toThrow(/webhookParameterName is required/);
    expect(() => new Digest(stack, "Digest2", { configRuleNamePrefix: "x-", ...DEPLOYED, webhookParameterName: FAKE_WEBHOOK })).toThrow(
      /NAME of an SSM parameter, not the webhook URL/,
    );
  });
});
