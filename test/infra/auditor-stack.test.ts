/**
 * CDK assertions on the synthesized SST stack, offline: the app is loaded from sst.config.ts with SST's own
 * loader, synthesized in-process with the repository's one synthesis helper (`stacks/synth.ts`:
 * `initProject` + `App` + `app.finish()`, NODE_ENV=test so SST skips its bootstrap lookup), and the
 * template is checked against the rule registry.
 *
 * All SST syntheses live in this one file: they build the functions into the same .sst/artifacts directory,
 * so they must not run in parallel.
 *
 * With the default settings the stack includes the weekly digest and the findings history (issue 5); the
 * evaluator then also holds exactly BatchGetItem/BatchWriteItem on the history table. A stage with
 * `digest: { enabled: false }` deploys neither, and the evaluator holds nothing on DynamoDB.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import {
  EnvironmentVariables,
  RULES,
  allRulePermissions,
  getRule,
  defaultAsString,
  digestSettingsFromEnv,
  evaluatorSettingsFromEnv,
  parseConfigEvent,
  rulePermissions,
  type DigestSettings,
} from "@endpoint-auditor/core";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { useProject } from "sst/project.js";
import { load } from "sst/stacks/build.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
// The Config event parser the evaluator uses (core's config module is not re-exported by the package index).
import { AUDITOR_STACK_ID, EVALUATOR_HANDLER, createAuditorStack } from "../../stacks/AuditorStack";
import { SETTINGS } from "../../stacks/settings";
import type { SettingsFile } from "../../stacks/settings/schema";
import { SettingsError, settingsFor } from "../../stacks/settings/validate";
import { writeStandalone, type StandaloneManifest } from "../../stacks/standalone";
import { initOfflineProject, synthesizeApp } from "../../stacks/synth";
import { bundleHandlers, type HandlerBundle } from "../../packages/functions/scripts/bundle.mjs";
import { LAMBDA_BANNER } from "../../esbuild.config.mjs";

const CONFIG_ACTIONS = ["config:GetComplianceDetailsByConfigRule", "config:PutEvaluations"];
/** What the evaluator needs to record the findings history (issue 5) and its heartbeats, on the history table only. */
const HISTORY_ACTIONS = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"];
/** What each function needs to hand a failed invocation to the on-failure destination, on that queue only. */
const FAILURE_ACTIONS = ["sqs:SendMessage"];
/** What each function may do with logs: write to its own log group (no CreateLogGroup, nothing on "*"). */
const LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];
/** What Lambda active tracing needs (X-Ray offers no resource-level permissions for them): only with `evaluator.tracing`. */
const XRAY_ACTIONS = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"];
/** A webhook URL in Slack's format, present in the environment while synthesizing: it must never reach a template. */
const FAKE_WEBHOOK = "https://hooks.slack.com/services/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";
const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The resource types of a stack without the digest, with `rules` Config rules (sorted). */
function coreResourceTypes(rules: number): string[] {
  return [
    ...Array<string>(rules).fill("AWS::Config::ConfigRule"),
    // The evaluator's default policy and the ConfigRules construct's compliance-history policy.
    "AWS::IAM::Policy",
    "AWS::IAM::Policy",
    "AWS::IAM::Role",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    // Failures seen: the on-failure destination (a queue with its TLS-only policy), the evaluator's async
    // invoke config and its two alarms (Errors, Failures).
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Alarm",
  ].sort();
}
const CORE_RESOURCE_TYPES = coreResourceTypes(RULES.length);

/** What the digest adds: history + idempotency tables, its function, role, policy, log group, schedule and invoke permission. */
const DIGEST_RESOURCE_TYPES = [
  "AWS::DynamoDB::Table",
  "AWS::DynamoDB::Table",
  "AWS::Events::Rule",
  "AWS::IAM::Policy",
  "AWS::IAM::Role",
  "AWS::Lambda::Function",
  "AWS::Lambda::Permission",
  "AWS::Logs::LogGroup",
  "AWS::Lambda::EventInvokeConfig",
  "AWS::CloudWatch::Alarm",
  "AWS::CloudWatch::Alarm",
];

function resources(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.findResources(type)) as Array<[string, Resource]>;
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** Every statement of every IAM policy attached to `roleId`. */
function statementsOf(template: Template, roleId: string): Statement[] {
  return resources(template, "AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actionsOf(statements: Statement[]): string[] {
  return [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

function resourceTypes(template: Template | Record<string, unknown>): string[] {
  const json = template instanceof Template ? template.toJSON() : template;
  return Object.values(json.Resources as Record<string, Resource>).map((r) => r.Type).sort();
}

function envOf(fn: Resource): Record<string, unknown> {
  return (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
}

/** The evaluator function (named `<app>-<stage>-evaluator`). */
function evaluatorOf(template: Template, stage: string): [string, Resource] {
  return only(
    resources(template, "AWS::Lambda::Function").filter(
      ([, f]) => f.Properties.FunctionName === `endpoint-auditor-${stage}-evaluator`,
    ),
  );
}

/**
 * Every environment variable of every function in `template` is one of core's `EnvironmentVariables` —
 * the one module that names what the stacks set and the functions read. A name typed into a stack by hand
 * (and so, most likely, never read) fails here.
 */
function expectOnlyNamedEnvironment(template: Template): void {
  const named: ReadonlySet<string> = new Set(Object.values(EnvironmentVariables));
  const functions = resources(template, "AWS::Lambda::Function");
  expect(functions.length).toBeGreaterThan(0);
  for (const [id, fn] of functions) {
    const names = Object.keys(envOf(fn));
    // SST's Function adds these four to every function by itself; none of our code reads them.
    expect(names.filter((name) => SST_VARIABLES.includes(name)).sort(), id).toEqual([...SST_VARIABLES].sort());
    const unnamed = names.filter((name) => !named.has(name) && !SST_VARIABLES.includes(name));
    expect(unnamed, `${id} sets environment variables core's EnvironmentVariables does not name`).toEqual([]);
  }
}

/** What SST v2's `Function` sets on every function, whatever the stack says. */
const SST_VARIABLES: readonly string[] = ["AWS_NODEJS_CONNECTION_REUSE_ENABLED", "SST_APP", "SST_STAGE", "SST_SSM_PREFIX"];

/**
 * What the digest function makes of the environment the stack gives it (core's own parser, as at cold
 * start), with each CloudFormation reference standing in as the text `<Ref …>`.
 */
function digestSettingsOf(template: Template): DigestSettings {
  const env = Object.fromEntries(
    Object.entries(envOf(digestFunctionOf(template)[1])).map(([k, v]) => [k, typeof v === "string" ? v : `<Ref ${JSON.stringify(v)}>`]),
  );
  return digestSettingsFromEnv(env);
}

/** The digest function: the one that reads the webhook parameter. */
function digestFunctionOf(template: Template): [string, Resource] {
  return only(
    resources(template, "AWS::Lambda::Function").filter(([, f]) => envOf(f).SLACK_WEBHOOK_PARAMETER_NAME !== undefined),
  );
}

function roleIdOf(fn: Resource): string {
  return (fn.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
}

function failureQueueOf(template: Template): [string, Resource] {
  return only(resources(template, "AWS::SQS::Queue"));
}

function historyTableOf(template: Template): [string, Resource] {
  return only(resources(template, "AWS::DynamoDB::Table").filter(([id]) => id.startsWith("DigestHistory")));
}

/** The SSM parameter ARN the digest may read: the stack's own partition, region and account. */
function parameterArn(name: unknown): unknown {
  const parts: unknown[] = ["arn:", { Ref: "AWS::Partition" }, ":ssm:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }];
  return { "Fn::Join": ["", typeof name === "string" ? [...parts, `:parameter${name}`] : [...parts, ":parameter", name]] };
}

function logGroupIdOf(fn: Resource): string {
  return (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
}

/**
 * Every role of the template: no managed policy (no AWSLambdaBasicExecutionRole, whose logs actions are on
 * "*"), no inline policy, assumable by Lambda only, the role of exactly one function; and each function's
 * only logs statement is CreateLogStream + PutLogEvents on its own log group (CloudFormation's `Arn` of a
 * log group: `arn:…:log-group:<name>:*`), in a policy the function depends on.
 */
function expectOwnRolesWithLogsOnOwnGroup(template: Template): void {
  const functions = resources(template, "AWS::Lambda::Function");
  const roles = resources(template, "AWS::IAM::Role");
  expect(roles.map(([id]) => id).sort()).toEqual(functions.map(([, fn]) => roleIdOf(fn)).sort());
  expect(new Set(roles.map(([id]) => id)).size).toBe(functions.length);
  for (const [roleId, role] of roles) {
    expect(role.Properties.ManagedPolicyArns, roleId).toBeUndefined();
    expect(role.Properties.Policies, roleId).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument, roleId).toEqual({
      Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }],
      Version: "2012-10-17",
    });
  }
  expect(resources(template, "AWS::IAM::ManagedPolicy")).toEqual([]);
  expect(JSON.stringify(template.toJSON())).not.toContain("AWSLambdaBasicExecutionRole");
  const groups = new Set<string>();
  for (const [fnId, fn] of functions) {
    const groupId = logGroupIdOf(fn);
    groups.add(groupId);
    expect(template.toJSON().Resources[groupId]?.Type, fnId).toBe("AWS::Logs::LogGroup");
    const roleId = roleIdOf(fn);
    const logs = only(statementsOf(template, roleId).filter((s) => actionsOf([s]).some((a) => a.startsWith("logs:"))));
    expect(logs, fnId).toEqual({ Sid: "WriteOwnLogs", Effect: "Allow", Action: LOG_ACTIONS, Resource: { "Fn::GetAtt": [groupId, "Arn"] } });
    const [policyId] = only(
      resources(template, "AWS::IAM::Policy").filter(
        ([, p]) =>
          JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]) &&
          (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some((st) => st.Sid === "WriteOwnLogs"),
      ),
    );
    expect(fn.DependsOn, fnId).toEqual(expect.arrayContaining([roleId, policyId]));
  }
  expect(groups.size).toBe(functions.length);
}

/** The evaluator's IAM with the digest on: registry + Config actions + exactly the history actions on exactly the history table + its logs. */
function expectEvaluatorIamWithHistory(template: Template, stage: string, registryActions: readonly string[]): void {
  const [, evaluator] = evaluatorOf(template, stage);
  const statements = statementsOf(template, roleIdOf(evaluator));
  expect(actionsOf(statements)).toEqual([...new Set([...registryActions, ...CONFIG_ACTIONS, ...HISTORY_ACTIONS, ...FAILURE_ACTIONS, ...LOG_ACTIONS])].sort());
  const dynamo = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith("dynamodb:")));
  const history = only(dynamo);
  expect(actionsOf([history])).toEqual(HISTORY_ACTIONS);
  expect(history.Resource).toEqual({ "Fn::GetAtt": [historyTableOf(template)[0], "Arn"] });
  expect(history.Condition).toBeUndefined();
  expect(envOf(evaluator).HISTORY_TABLE_NAME).toEqual({ Ref: historyTableOf(template)[0] });
}

/** Finds `name` in a ZIP's central directory and inflates it. */
function zipEntry(zip: Buffer, name: string): string {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  let at = zip.readUInt32LE(eocd + 16);
  const count = zip.readUInt16LE(eocd + 10);
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.subarray(at + 46, at + 46 + nameLength).toString("utf8") === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      return inflateRawSync(zip.subarray(start, start + compressedSize)).toString("utf8");
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${name} is not in the zip`);
}

function rulesByName(template: Template): Map<string, [string, Resource]> {
  return new Map(
    resources(template, "AWS::Config::ConfigRule").map((entry) => [entry[1].Properties.ConfigRuleName as string, entry]),
  );
}

/** The cloud assembly directory of each synthesized template (where CDK staged the function code). */
const assemblyOf = new WeakMap<Template, string>();

/** The staged code directory of a function of a template made by {@link synthSst} (what is zipped and deployed). */
function assetDirOf(template: Template, fn: Resource): string {
  const assembly = assemblyOf.get(template);
  if (!assembly) throw new Error("not a template from synthSst");
  const key = (fn.Properties.Code as { S3Key: string }).S3Key;
  return join(assembly, `asset.${key.replace(/\.zip$/, "")}`);
}

/** Every file under `dir`, relative to it, with forward slashes. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

async function synthSst(stage: string, add: (app: App) => Promise<void> | void): Promise<Template> {
  const app = await synthesizeApp({ stage }, add);
  const stack = only(app.node.children.filter((c): c is Stack => c instanceof Stack));
  expect(stack.stackName).toBe(`${stage}-endpoint-auditor-${AUDITOR_STACK_ID}`);
  const template = Template.fromStack(stack);
  assemblyOf.set(template, app.outdir);
  return template;
}

let defaults: Template;

const previousWebhook = process.env.SLACK_WEBHOOK_URL;

beforeAll(async () => {
  // Where a careless stack would pick the webhook URL up from (the CLI reads it there).
  process.env.SLACK_WEBHOOK_URL = FAKE_WEBHOOK;
  await initOfflineProject({ stage: "test" });
  // sst.config.ts as `sst deploy` loads it (bundled by SST's esbuild, stacks included).
  const [, config] = await load(useProject().paths.config, false);
  expect(config.config({})).toMatchObject({ name: "endpoint-auditor" });
  defaults = await synthSst("test", (app) => config.stacks(app));
});

afterAll(() => {
  if (previousWebhook === undefined) delete process.env.SLACK_WEBHOOK_URL;
  else process.env.SLACK_WEBHOOK_URL = previousWebhook;
});

describe("Given sst.config.ts with the default settings", () => {
  test("Then there is one Config rule per registry rule: CUSTOM_LAMBDA, periodic every 24 h, scoped to the rule's resource type, named app-stage-ruleId", () => {
    const rules = rulesByName(defaults);
    expect(rules.size).toBe(RULES.length);
    const [evaluatorId] = evaluatorOf(defaults, "test");
    for (const rule of RULES) {
      const entry = rules.get(`endpoint-auditor-test-${rule.metadata.id}`);
      expect(entry, rule.metadata.id).toBeDefined();
      const props = entry![1].Properties;
      expect(props.Scope).toEqual({ ComplianceResourceTypes: [rule.metadata.resourceType] });
      expect(props.MaximumExecutionFrequency).toBe("TwentyFour_Hours");
      expect(props.Source).toEqual({
        Owner: "CUSTOM_LAMBDA",
        SourceIdentifier: { "Fn::GetAtt": [evaluatorId, "Arn"] },
        SourceDetails: [
          { EventSource: "aws.config", MessageType: "ScheduledNotification", MaximumExecutionFrequency: "TwentyFour_Hours" },
        ],
      });
      expect(String(props.Description).startsWith(rule.metadata.title)).toBe(true);
      expect(String(props.Description).length).toBeLessThanOrEqual(256);
    }
  });

  test("Then each rule's InputParameters carry its ruleId and every parameter default as text", () => {
    const rules = rulesByName(defaults);
    for (const rule of RULES) {
      const expected: Record<string, string> = { ruleId: rule.metadata.id };
      for (const [name, spec] of Object.entries(rule.metadata.parameters)) {
        const text = defaultAsString(spec);
        if (text !== undefined) expected[name] = text;
      }
      expect(rules.get(`endpoint-auditor-test-${rule.metadata.id}`)![1].Properties.InputParameters).toEqual(expected);
    }
  });

  test("Then one Lambda permission lets config.amazonaws.com invoke the evaluator for this account only, and every rule depends on it", () => {
    const [evaluatorId] = evaluatorOf(defaults, "test");
    const [permissionId, permission] = only(
      resources(defaults, "AWS::Lambda::Permission").filter(([, p]) => p.Properties.Principal === "config.amazonaws.com"),
    );
    expect(permission.Properties).toEqual({
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [evaluatorId, "Arn"] },
      Principal: "config.amazonaws.com",
      SourceAccount: { Ref: "AWS::AccountId" },
    });
    for (const [id, rule] of resources(defaults, "AWS::Config::ConfigRule")) {
      expect(rule.DependsOn, id).toContain(permissionId);
    }
  });

  test("Then the evaluator is nodejs22.x on arm64, sized for large accounts, built code, Powertools settings, own log group with retention", () => {
    const [, fn] = evaluatorOf(defaults, "test");
    const props = fn.Properties;
    expect(props.Runtime).toBe("nodejs22.x");
    expect(props.Architectures).toEqual(["arm64"]);
    expect(props.MemorySize).toBe(1024);
    expect(props.Timeout).toBe(600);
    expect(props.Handler).toBe(EVALUATOR_HANDLER);
    expect(props.FunctionName).toBe("endpoint-auditor-test-evaluator");
    // A built asset in S3, not SST's inline placeholder.
    expect(props.Code).toEqual({ S3Bucket: expect.anything(), S3Key: expect.stringMatching(/^[0-9a-f]{64}\.zip$/) });
    expect(props.TracingConfig).toBeUndefined();
    expect((props.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: "endpoint-auditor",
      POWERTOOLS_METRICS_NAMESPACE: "EndpointAuditor",
      POWERTOOLS_TRACE_ENABLED: "false",
      METRICS_SCOPE: "all",
      EVALUATION_FREQUENCY: "TwentyFour_Hours",
      EXEMPTION_REQUIRE_EXPIRY: "false",
      // Exactly the Config rules of this stack, each with its rule id: the only events the evaluator accepts.
      DEPLOYED_CONFIG_RULES: JSON.stringify(Object.fromEntries(RULES.map((r) => [r.metadata.id, `endpoint-auditor-test-${r.metadata.id}`]))),
    });
    expect(envOf(fn).POWERTOOLS_METRICS_DISABLED).toBeUndefined();
    const logGroup = defaults.toJSON().Resources[logGroupIdOf(fn)] as Resource;
    expect(logGroup.Properties).toMatchObject({ LogGroupName: "/aws/lambda/endpoint-auditor-test-evaluator", RetentionInDays: 30 });
    expect(logGroup).toMatchObject({ DeletionPolicy: "Delete" });
  });

  test("Then every environment variable of both functions is named in core's EnvironmentVariables", () => {
    expectOnlyNamedEnvironment(defaults);
  });

  test("Then the template holds exactly the auditor's resources plus the digest's (on by default) — no log-retention, sourcemap or other custom resource, no SST binding parameter", () => {
    expect(resourceTypes(defaults)).toEqual([...CORE_RESOURCE_TYPES, ...DIGEST_RESOURCE_TYPES].sort());
  });

  test("Then the evaluator's actions are exactly the registry's permissions, PutEvaluations, GetComplianceDetailsByConfigRule, the history table's BatchGetItem/BatchWriteItem and its log writes — no wildcard action, no managed policy", () => {
    const [, evaluator] = evaluatorOf(defaults, "test");
    const roleId = roleIdOf(evaluator);
    const [, role] = only(resources(defaults, "AWS::IAM::Role").filter(([id]) => id === roleId));
    const statements = statementsOf(defaults, roleId);
    const actions = actionsOf(statements);
    expect(actions).toEqual([...allRulePermissions(), ...CONFIG_ACTIONS, ...HISTORY_ACTIONS, ...FAILURE_ACTIONS, ...LOG_ACTIONS].sort());
    expectEvaluatorIamWithHistory(defaults, "test", allRulePermissions());
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test("Then every role (the evaluator's, the digest's) is the function's own: no managed policy, and logs written only to that function's log group", () => {
    expect(resources(defaults, "AWS::Lambda::Function")).toHaveLength(2);
    expectOwnRolesWithLogsOnOwnGroup(defaults);
    const [, evaluator] = evaluatorOf(defaults, "test");
    const group = defaults.toJSON().Resources[logGroupIdOf(evaluator)] as Resource;
    expect(group.Properties.LogGroupName).toBe("/aws/lambda/endpoint-auditor-test-evaluator");
  });

  test("Then GetComplianceDetailsByConfigRule is limited to the four rules' ARNs, the history actions to the history table, the log writes to its log group, and only the collection actions and PutEvaluations are on * (no resource-level support)", () => {
    const [, evaluator] = evaluatorOf(defaults, "test");
    const statements = statementsOf(defaults, roleIdOf(evaluator));
    const ruleIds = resources(defaults, "AWS::Config::ConfigRule").map(([id]) => id);
    const read = only(statements.filter((s) => s.Action === "config:GetComplianceDetailsByConfigRule"));
    expect(read.Resource).toEqual(ruleIds.map((id) => ({ "Fn::GetAtt": [id, "Arn"] })));
    const history = only(statements.filter((s) => s.Sid === "RecordFindingsHistory"));
    expect(history.Resource).toEqual({ "Fn::GetAtt": [historyTableOf(defaults)[0], "Arn"] });
    const logs = only(statements.filter((s) => s.Sid === "WriteOwnLogs"));
    expect(logs.Resource).toEqual({ "Fn::GetAtt": [logGroupIdOf(evaluator), "Arn"] });
    const failed = only(statements.filter((s) => s.Sid === "SendFailedInvocations"));
    expect(failed.Resource).toEqual({ "Fn::GetAtt": [failureQueueOf(defaults)[0], "Arn"] });
    const onStar = statements.filter((st) => st !== read && st !== history && st !== logs && st !== failed);
    for (const s of onStar) expect(s.Resource).toBe("*");
    expect(actionsOf(onStar)).toEqual([...allRulePermissions(), "config:PutEvaluations"].sort());
  });
});

describe("Given sst.config.ts with the default settings: tracing off (evaluator.tracing defaults to false)", () => {
  test("Then the evaluator has no TracingConfig (Lambda's default, PassThrough: it starts no trace of its own) and POWERTOOLS_TRACE_ENABLED is false", () => {
    const [, evaluator] = evaluatorOf(defaults, "test");
    expect(evaluator.Properties.TracingConfig).toBeUndefined();
    expect(envOf(evaluator).POWERTOOLS_TRACE_ENABLED).toBe("false");
  });

  test("Then no role of the template holds any X-Ray action and no function traces actively", () => {
    const allActions = resources(defaults, "AWS::IAM::Policy").flatMap(([, p]) =>
      actionsOf((p.Properties.PolicyDocument as { Statement: Statement[] }).Statement),
    );
    expect(allActions.length).toBeGreaterThan(0);
    expect(allActions.filter((a) => a.toLowerCase().startsWith("xray:"))).toEqual([]);
    expect(JSON.stringify(defaults.toJSON())).not.toMatch(/xray:/i);
    for (const [id, fn] of resources(defaults, "AWS::Lambda::Function")) expect(fn.Properties.TracingConfig, id).toBeUndefined();
  });
});

describe("Given sst.config.ts with the default settings: the weekly digest and the findings history", () => {
  test("Then the history table is on-demand with point-in-time recovery and TTL, retained with the stack; the idempotency table has TTL on expiration", () => {
    const [, history] = historyTableOf(defaults);
    expect(history.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: "byStatus" })],
    });
    expect(history.DeletionPolicy).toBe("Retain");
    const [, idempotency] = only(resources(defaults, "AWS::DynamoDB::Table").filter(([id]) => id.startsWith("DigestIdempotency")));
    expect(idempotency.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiration", Enabled: true },
    });
  });

  test("Then the digest runs Mondays 09:00 UTC, sends an all-clear, lists 10 top offenders, and reads the SST secret's parameter of this app and stage — exactly that one", () => {
    const [digestId, digest] = digestFunctionOf(defaults);
    expect(digest.Properties).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"] });
    const parameter = "/sst/endpoint-auditor/test/Secret/SLACK_WEBHOOK_URL/value";
    expect(envOf(digest)).toMatchObject({
      SLACK_WEBHOOK_PARAMETER_NAME: parameter,
      DIGEST_ON_ALL_CLEAR: "send",
      DIGEST_TOP_OFFENDERS: "10",
      CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-test-",
      HISTORY_TABLE_NAME: { Ref: historyTableOf(defaults)[0] },
      // If tracing were turned on, the Tracer still would not record outgoing HTTPS requests (the webhook URL).
      POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: "false",
    });
    const [, schedule] = only(resources(defaults, "AWS::Events::Rule"));
    expect(schedule.Properties.ScheduleExpression).toBe("cron(0 9 ? * MON *)");
    expect(only(schedule.Properties.Targets as Array<{ Arn: unknown }>).Arn).toEqual({ "Fn::GetAtt": [digestId, "Arn"] });
    const statements = statementsOf(defaults, roleIdOf(digest));
    const ssm = only(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith("ssm:"))));
    expect(actionsOf([ssm])).toEqual(["ssm:GetParameter"]);
    expect(ssm.Resource).toEqual(parameterArn(parameter));
    expect(actionsOf(statements).filter((a) => a.startsWith("kms:"))).toEqual([]);
  });

  test("Then the digest function's own settings parser accepts that environment: send, 10 top offenders, the stack's tables and prefix", () => {
    expect(digestSettingsOf(defaults)).toMatchObject({
      historyTableName: `<Ref ${JSON.stringify({ Ref: historyTableOf(defaults)[0] })}>`,
      idempotencyTableName: expect.stringContaining("DigestIdempotency"),
      webhookParameterName: "/sst/endpoint-auditor/test/Secret/SLACK_WEBHOOK_URL/value",
      onAllClear: "send",
      topOffenders: 10,
      configRuleNamePrefix: "endpoint-auditor-test-",
    });
  });

  test("Then the stack outputs the digest function, the history table and the webhook parameter's name", () => {
    const outputs = defaults.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.DigestFunctionName?.Value).toEqual({ Ref: digestFunctionOf(defaults)[0] });
    expect(outputs.HistoryTableName?.Value).toEqual({ Ref: historyTableOf(defaults)[0] });
    expect(outputs.SlackWebhookParameterName?.Value).toBe("/sst/endpoint-auditor/test/Secret/SLACK_WEBHOOK_URL/value");
  });

  test("Then the webhook URL, though set in the environment while synthesizing, is nowhere in the template", () => {
    expect(process.env.SLACK_WEBHOOK_URL).toBe(FAKE_WEBHOOK);
    const text = JSON.stringify(defaults.toJSON());
    expect(text).not.toContain(FAKE_WEBHOOK);
    expect(text).not.toContain("hooks.slack.com");
  });
});

describe("Registry ↔ stack IAM", () => {
  test("Given each registered rule, Then every permission it declares is granted, and nothing beyond the rules' permissions, the two Config actions, the two history actions and the two log actions is", () => {
    const granted = new Set(actionsOf(statementsOf(defaults, roleIdOf(evaluatorOf(defaults, "test")[1]))));
    const declared = new Set<string>();
    for (const rule of RULES) {
      const permissions = rulePermissions(rule);
      expect(permissions.length, rule.metadata.id).toBeGreaterThan(0);
      for (const action of permissions) {
        expect(granted.has(action), `${rule.metadata.id} needs ${action}`).toBe(true);
        declared.add(action);
      }
    }
    const extra = [...granted].filter((a) => !declared.has(a) && !CONFIG_ACTIONS.includes(a));
    expect(extra.sort()).toEqual([...HISTORY_ACTIONS, ...FAILURE_ACTIONS, ...LOG_ACTIONS].sort());
  });
});

describe("Given sst.config.ts with the default settings: failures are seen", () => {
  test("Then each function's asynchronous invocations are retried twice, kept 6 hours, and a failed one goes to the one failed-invocations queue (14 days, encrypted, TLS only)", () => {
    const [queueId, queue] = failureQueueOf(defaults);
    expect(queue.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
    const [, policy] = only(resources(defaults, "AWS::SQS::QueuePolicy"));
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    const configs = resources(defaults, "AWS::Lambda::EventInvokeConfig");
    const functionIds = [evaluatorOf(defaults, "test")[0], digestFunctionOf(defaults)[0]];
    expect(configs.map(([, c]) => (c.Properties.FunctionName as { Ref: string }).Ref).sort()).toEqual([...functionIds].sort());
    for (const [id, config] of configs) {
      expect(config.Properties, id).toMatchObject({
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3_600,
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } },
      });
    }
    for (const fnId of functionIds) {
      const fn = defaults.toJSON().Resources[fnId] as Resource;
      const send = only(statementsOf(defaults, roleIdOf(fn)).filter((st) => st.Sid === "SendFailedInvocations"));
      expect(send).toEqual({ Sid: "SendFailedInvocations", Effect: "Allow", Action: "sqs:SendMessage", Resource: { "Fn::GetAtt": [queueId, "Arn"] } });
    }
    expect((defaults.toJSON().Outputs as Record<string, { Value: unknown }>).FailedInvocationsQueueUrl?.Value).toEqual({ Ref: queueId });
  });

  test("Then four alarms watch the functions: each one's Errors and its EndpointAuditor failure metric (the metric its code publishes), one in 5 minutes, silence not a failure, notifying nobody by default", () => {
    const alarms = new Map(resources(defaults, "AWS::CloudWatch::Alarm").map(([, a]) => [a.Properties.AlarmName as string, a.Properties]));
    expect([...alarms.keys()].sort()).toEqual([
      "endpoint-auditor-test-digest-errors",
      "endpoint-auditor-test-digest-failures",
      "endpoint-auditor-test-evaluator-errors",
      "endpoint-auditor-test-evaluator-failures",
    ]);
    const common = { Threshold: 1, EvaluationPeriods: 1, Period: 300, Statistic: "Sum", ComparisonOperator: "GreaterThanOrEqualToThreshold", TreatMissingData: "notBreaching" };
    expect(alarms.get("endpoint-auditor-test-evaluator-errors")).toMatchObject({
      ...common,
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: evaluatorOf(defaults, "test")[0] } }],
    });
    expect(alarms.get("endpoint-auditor-test-digest-errors")).toMatchObject({
      ...common,
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: digestFunctionOf(defaults)[0] } }],
    });
    // Powertools publishes the failure metrics with the one default dimension, service = the function's service name.
    expect(alarms.get("endpoint-auditor-test-evaluator-failures")).toMatchObject({
      ...common,
      Namespace: "EndpointAuditor",
      MetricName: "Failures",
      Dimensions: [{ Name: "service", Value: envOf(evaluatorOf(defaults, "test")[1]).POWERTOOLS_SERVICE_NAME }],
    });
    expect(alarms.get("endpoint-auditor-test-digest-failures")).toMatchObject({
      ...common,
      Namespace: "EndpointAuditor",
      MetricName: "DigestFailures",
      Dimensions: [{ Name: "service", Value: envOf(digestFunctionOf(defaults)[1]).POWERTOOLS_SERVICE_NAME }],
    });
    for (const [name, alarm] of alarms) expect(alarm.AlarmActions, name).toBeUndefined();
  });

  test("Then the history table cannot be deleted (deletion protection, and retained with the stack)", () => {
    const [, history] = historyTableOf(defaults);
    expect(history.Properties.DeletionProtectionEnabled).toBe(true);
    expect(history.DeletionPolicy).toBe("Retain");
  });

  test("Then both functions get the deployed Config rules (exactly the template's rule names) and their period, and core's parsers accept them", () => {
    const names = Object.fromEntries([...rulesByName(defaults).keys()].map((name) => [name.replace("endpoint-auditor-test-", ""), name]));
    const [, evaluator] = evaluatorOf(defaults, "test");
    expect(JSON.parse(envOf(evaluator).DEPLOYED_CONFIG_RULES as string)).toEqual(names);
    expect(envOf(digestFunctionOf(defaults)[1]).DEPLOYED_CONFIG_RULES).toBe(envOf(evaluator).DEPLOYED_CONFIG_RULES);
    expect(digestSettingsOf(defaults)).toMatchObject({ frequency: "TwentyFour_Hours", deployedRules: Object.entries(names).map(([ruleId, configRuleName]) => ({ ruleId, configRuleName })) });
    const env = Object.fromEntries(Object.entries(envOf(evaluator)).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    expect(evaluatorSettingsFromEnv(env)).toMatchObject({ frequency: "TwentyFour_Hours", exemptions: { requireExpiry: false }, metricsScope: "all", testMode: false });
  });
});

describe("Given alarms, exemption, log-encryption and code-signing settings", () => {
  const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const PROFILE = "arn:aws:signer:us-east-1:111122223333:/signing-profiles/EndpointAuditor/a1B2c3D4e5";
  let hardened: Template;

  beforeAll(async () => {
    const file: SettingsFile = {
      defaults: {},
      stages: {
        hardened: {
          alarms: { snsTopic: "ops-alerts" },
          exemptions: { requireExpiry: true, maxDays: 90 },
          logs: { kmsKeyArn: KEY },
          codeSigning: { signingProfileVersionArns: [PROFILE] },
        },
      },
    };
    const stackFn = createAuditorStack({ settings: settingsFor("hardened", file) });
    hardened = await synthSst("hardened", (app) => {
      app.stack(stackFn, { id: AUDITOR_STACK_ID });
    });
  });

  test("Then every alarm notifies the topic of that name in the stack's own account and region", () => {
    const topic = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":sns:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":ops-alerts"]] };
    const alarms = resources(hardened, "AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(4);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([topic]);
  });

  test("Then both log groups are encrypted with the key", () => {
    const groups = resources(hardened, "AWS::Logs::LogGroup");
    expect(groups).toHaveLength(2);
    for (const [id, group] of groups) expect(group.Properties.KmsKeyId, id).toBe(KEY);
  });

  test("Then the evaluator requires an expiry of at most 90 days, as its own settings parser reads it", () => {
    const [, evaluator] = evaluatorOf(hardened, "hardened");
    expect(envOf(evaluator)).toMatchObject({ EXEMPTION_REQUIRE_EXPIRY: "true", EXEMPTION_MAX_DAYS: "90" });
    const env = Object.fromEntries(Object.entries(envOf(evaluator)).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    expect(evaluatorSettingsFromEnv(env).exemptions).toEqual({ requireExpiry: true, maxDays: 90 });
    expectOnlyNamedEnvironment(hardened);
  });

  test("Then both functions accept only code signed by the profile (Enforce)", () => {
    const [configId, config] = only(resources(hardened, "AWS::Lambda::CodeSigningConfig"));
    expect(config.Properties).toMatchObject({
      AllowedPublishers: { SigningProfileVersionArns: [PROFILE] },
      CodeSigningPolicies: { UntrustedArtifactOnDeployment: "Enforce" },
    });
    for (const [id, fn] of resources(hardened, "AWS::Lambda::Function")) {
      expect(fn.Properties.CodeSigningConfigArn, id).toEqual({ "Fn::GetAtt": [configId, "CodeSigningConfigArn"] });
    }
  });

  test("Given a topic, key or profile AWS would refuse, Then settingsFor refuses it naming the setting", () => {
    const stage = (override: SettingsFile["defaults"]): SettingsFile => ({ defaults: override, stages: {} });
    expect(() => settingsFor("x", stage({ alarms: { snsTopic: "arn:aws:sqs:us-east-1:111122223333:queue" } }))).toThrow(/alarms.snsTopic must be an SNS topic name/);
    expect(() => settingsFor("x", stage({ logs: { kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:alias/logs" } }))).toThrow(/logs.kmsKeyArn must be a key ARN/);
    expect(() => settingsFor("x", stage({ codeSigning: { signingProfileVersionArns: ["arn:aws:signer:us-east-1:111122223333:/signing-profiles/EndpointAuditor"] } }))).toThrow(
      /signing profile VERSION ARN/,
    );
    expect(() => settingsFor("x", stage({ codeSigning: { signingProfileVersionArns: [] } }))).toThrow(/1 to 20 signing profile version ARNs/);
    expect(() => settingsFor("x", stage({ exemptions: { maxDays: 0 } }))).toThrow(/exemptions.maxDays must be an integer from 1 to 3650/);
    expect(() => settingsFor("x", stage({ exemptions: { requireExpiry: "yes" as unknown as boolean } }))).toThrow(/exemptions.requireExpiry must be true or false/);
  });
});

/**
 * The functions' code as SST built it for deployment (the staged assets the template points at), against
 * `npm run bundle`'s output for the same handlers. Both use LAMBDA_ESBUILD_OPTIONS and its plugins, but SST
 * builds with its own esbuild (0.18.13) and `npm run bundle` with the project's (0.28): the same modules go
 * in (the same classes, whose names keepNames preserves), while the two minifiers print the code a little
 * differently, so the sizes agree within 1% rather than to the byte.
 */
describe("Given sst.config.ts with the default settings: the functions' code is the `npm run bundle` build", () => {
  const HANDLERS = [
    { name: "evaluate", functionOf: (t: Template) => evaluatorOf(t, "test") },
    { name: "digest", functionOf: (t: Template) => digestFunctionOf(t) },
  ] as const;
  const NAMES = HANDLERS.map((h) => h.name);
  // 600 KiB each (README, Performance; the evaluator without tracing, as the default settings deploy it).
  const MAX_BYTES = (_name: string): number => 600 * 1024;
  const code = new Map<string, { dir: string; files: string[]; text: string }>();
  const local = new Map<string, HandlerBundle>();
  let bundleDir: string;

  /** Class names esbuild's keepNames pins in the bundle (`static{n(this,"DescribeVpcsCommand")}` …). */
  function keptClassNames(text: string): Set<string> {
    return new Set([...text.matchAll(/\(this,"([A-Z][A-Za-z0-9_]*)"\)/g)].map((m) => m[1]!));
  }

  beforeAll(async () => {
    for (const { name, functionOf } of HANDLERS) {
      const dir = assetDirOf(defaults, functionOf(defaults)[1]);
      code.set(name, { dir, files: filesUnder(dir).sort(), text: readFileSync(join(dir, `packages/functions/src/${name}.mjs`), "utf8") });
    }
    bundleDir = mkdtempSync(join(tmpdir(), "auditor-infra-bundle-"));
    for (const bundle of await bundleHandlers({ names: [...NAMES], outdir: bundleDir })) local.set(bundle.name, bundle);
  });

  afterAll(() => {
    rmSync(bundleDir, { recursive: true, force: true });
  });

  test.each(NAMES)(
    "Then the %s function's asset is one minified ESM file within its size budget with the shared banner and the `handler` export, no sourcemap and no node_modules",
    (name) => {
      const { files, text, dir } = code.get(name)!;
      // SST's deploy build runs `npm install` for packages it left external: there are none, so its
      // package.json lists no dependencies and nothing was installed.
      expect(files).toEqual(["package-lock.json", "package.json", `packages/functions/src/${name}.mjs`]);
      expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))).toEqual({ dependencies: {} });
      expect(text.startsWith(`${LAMBDA_BANNER}\n`)).toBe(true);
      expect(text).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(text).not.toContain("sourceMappingURL");
      // Minified: a few dozen very long lines (unminified, the evaluator is tens of thousands of lines).
      expect(text.split("\n").length).toBeLessThan(200);
      expect(Buffer.byteLength(text)).toBeLessThan(MAX_BYTES(name));
    },
  );

  test("Then the evaluator was built with literalSchemaKeys: the EC2 and Config schemas of the calls it makes are in it, those of operations it never calls are not", () => {
    const { text } = code.get("evaluate")!;
    for (const used of ["DescribeVpcsRequest", "DescribeRouteTablesRequest", "DescribeFlowLogsRequest", "DescribeVpcEndpointsResult", "PutEvaluationsRequest", "GetComplianceDetailsByConfigRuleRequest"]) {
      expect(text, used).toContain(`"${used}"`);
    }
    // Without the plugin every EC2 schema stays in (packages/functions/test/bundle-esbuild.test.ts shows it).
    for (const unused of ["RunInstancesRequest", "TerminateInstancesRequest", "CreateVpcRequest", "PutConfigRuleRequest"]) {
      expect(text, unused).not.toContain(unused);
    }
  });

  test.each(NAMES)(
    "Then the %s function was built with lambdaCredentials: the environment provider is in it, the default chain's SSO, SSO-OIDC, web-identity and INI providers are not",
    (name) => {
      const { text } = code.get(name)!;
      expect(text).toContain("AWS_SECRET_ACCESS_KEY");
      expect(text).toContain("AWS_SESSION_TOKEN");
      for (const chain of ["SSOClient", "SSOOIDCClient", "GetRoleCredentials", "AssumeRoleWithWebIdentity", "AWS_WEB_IDENTITY_TOKEN_FILE", "sso_start_url", "credential_process"]) {
        expect(text, chain).not.toContain(chain);
      }
    },
  );

  test.each(NAMES)(
    "Then the %s function's asset holds the same code as `npm run bundle` writes: the same classes, and a size within 1%%",
    (name) => {
      const deployed = code.get(name)!.text;
      const bundled = local.get(name)!;
      const deployedClasses = keptClassNames(deployed);
      expect(deployedClasses.size).toBeGreaterThan(100);
      expect([...deployedClasses].sort()).toEqual([...keptClassNames(readFileSync(bundled.outfile, "utf8"))].sort());
      const bytes = Buffer.byteLength(deployed);
      expect(Math.abs(bytes - bundled.bytes) / bundled.bytes).toBeLessThan(0.01);
      expect(bundled.bytes).toBeLessThan(MAX_BYTES(name));
    },
  );
});

describe("Given per-stage overrides", () => {
  const file: SettingsFile = {
    defaults: {},
    stages: {
      staging: {
        maximumExecutionFrequency: "One_Hour",
        rules: {
          "interface-endpoint-in-use": { enabled: false },
          "nat-subnet-has-gateway-endpoints": { parameters: { services: "s3,dynamodb" } },
          "vpc-flow-logs-enabled": { parameters: { trafficType: "ALL" } },
        },
        evaluator: { memorySize: 2048, timeout: 300, logRetention: 90, metrics: false },
        digest: { enabled: false },
      },
    },
  };
  let overridden: Template;

  beforeAll(async () => {
    const stackFn = createAuditorStack({ settings: settingsFor("staging", file) });
    overridden = await synthSst("staging", (app) => {
      app.stack(stackFn, { id: AUDITOR_STACK_ID });
      expect(getStack(stackFn).stackName).toBe("staging-endpoint-auditor-AuditorStack");
    });
  });

  test("Then the evaluator (metrics off, no digest) still sets only variables core's EnvironmentVariables names", () => {
    expectOnlyNamedEnvironment(overridden);
  });

  test("Then a disabled rule is not deployed and the others are, every one on the overridden schedule", () => {
    const rules = rulesByName(overridden);
    expect([...rules.keys()].sort()).toEqual(
      RULES.filter((r) => r.metadata.id !== "interface-endpoint-in-use")
        .map((r) => `endpoint-auditor-staging-${r.metadata.id}`)
        .sort(),
    );
    expect(rules.has("endpoint-auditor-staging-interface-endpoint-in-use")).toBe(false);
    for (const [, [, rule]] of rules) {
      expect(rule.Properties.MaximumExecutionFrequency).toBe("One_Hour");
      expect(rule.Properties.Source).toMatchObject({ SourceDetails: [{ MaximumExecutionFrequency: "One_Hour" }] });
    }
  });

  test("Then overridden parameters reach the rules' InputParameters", () => {
    const rules = rulesByName(overridden);
    expect(rules.get("endpoint-auditor-staging-nat-subnet-has-gateway-endpoints")![1].Properties.InputParameters).toEqual({
      ruleId: "nat-subnet-has-gateway-endpoints",
      services: "s3,dynamodb",
    });
    expect(rules.get("endpoint-auditor-staging-vpc-flow-logs-enabled")![1].Properties.InputParameters).toEqual({
      ruleId: "vpc-flow-logs-enabled",
      trafficType: "ALL",
    });
  });

  test("Then the role loses the permissions only the disabled rule needed, and with the digest off holds no history action", () => {
    const [roleId] = only(resources(overridden, "AWS::IAM::Role"));
    const enabledRules = RULES.filter((r) => r.metadata.id !== "interface-endpoint-in-use");
    const expected = [...new Set([...enabledRules.flatMap(rulePermissions), ...CONFIG_ACTIONS, ...FAILURE_ACTIONS, ...LOG_ACTIONS])].sort();
    const actions = actionsOf(statementsOf(overridden, roleId));
    expect(actions).toEqual(expected);
    expectOwnRolesWithLogsOnOwnGroup(overridden);
    expect(actions.filter((a) => a.startsWith("dynamodb:"))).toEqual([]);
    // What only the disabled rule reads is gone; every action of the registry is granted with every rule on.
    const onlyDisabled = rulePermissions(getRule("interface-endpoint-in-use")).filter((a) => !enabledRules.some((r) => rulePermissions(r).includes(a)));
    for (const action of onlyDisabled) expect(actions).not.toContain(action);
    expect(allRulePermissions()).toEqual(expect.arrayContaining(rulePermissions(getRule("interface-endpoint-in-use"))));
  });

  test("Then with the digest off the template holds exactly the auditor's resources: no tables, no schedule, no digest function, and the evaluator records no history", () => {
    // Three rules: interface-endpoint-in-use is disabled in this stage.
    expect(resourceTypes(overridden)).toEqual(coreResourceTypes(RULES.length - 1));
    expect(envOf(evaluatorOf(overridden, "staging")[1]).HISTORY_TABLE_NAME).toBeUndefined();
    const outputs = overridden.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).filter((k) => !k.startsWith("SST"))).toEqual(["EvaluatorFunctionName", "ConfigRuleNames", "FailedInvocationsQueueUrl"]);
  });

  test("Then the evaluator's event parser accepts each rule's InputParameters as Config delivers them and runs that rule with those parameters", () => {
    for (const [name, [, rule]] of rulesByName(overridden)) {
      // A ScheduledNotification event as AWS Config sends it (AWS Config Developer Guide, example events).
      const event = {
        invokingEvent: JSON.stringify({
          awsAccountId: "123456789012",
          notificationCreationTime: "2024-05-06T09:00:00.000Z",
          messageType: "ScheduledNotification",
          recordVersion: "1.0",
        }),
        ruleParameters: JSON.stringify(rule.Properties.InputParameters),
        resultToken: "token",
        eventLeftScope: false,
        executionRoleArn: "arn:aws:iam::123456789012:role/config-role",
        configRuleArn: "arn:aws:config:us-east-1:123456789012:config-rule/config-rule-0123456",
        configRuleName: name,
        configRuleId: "config-rule-0123456",
        accountId: "123456789012",
        version: "1.0",
      };
      const parsed = parseConfigEvent(event);
      const ruleId = name.replace("endpoint-auditor-staging-", "");
      expect(parsed.rule.rule.metadata.id).toBe(ruleId);
      if (ruleId === "nat-subnet-has-gateway-endpoints") expect(parsed.rule.params).toEqual({ services: ["s3", "dynamodb"] });
      if (ruleId === "vpc-flow-logs-enabled") expect(parsed.rule.params).toEqual({ trafficType: "ALL" });
    }
  });

  test("Then the evaluator's memory, timeout, metrics switch and log retention follow the settings", () => {
    const [, fn] = evaluatorOf(overridden, "staging");
    expect(fn.Properties).toMatchObject({
      MemorySize: 2048,
      Timeout: 300,
      // Metrics off keeps the failure metric (published only on a failure): the failure alarm still sees it.
      Environment: { Variables: { METRICS_SCOPE: "failures", EVALUATION_FREQUENCY: "One_Hour" } },
    });
    expect(only(resources(overridden, "AWS::Logs::LogGroup"))[1].Properties.RetentionInDays).toBe(90);
  });
});

describe("Given digest overrides for a stage", () => {
  const file: SettingsFile = {
    defaults: { digest: { topOffenders: 25 } },
    stages: {
      weekly: {
        digest: {
          schedule: "cron(30 7 ? * FRI *)",
          onAllClear: "skip",
          webhookParameterName: "/endpoint-auditor/slack-webhook-url",
          webhookKmsKeyArn: KMS_KEY_ARN,
        },
      },
    },
  };
  let weekly: Template;

  beforeAll(async () => {
    const stackFn = createAuditorStack({ settings: settingsFor("weekly", file) });
    weekly = await synthSst("weekly", (app) => {
      app.stack(stackFn, { id: AUDITOR_STACK_ID });
    });
  });

  test("Then the schedule follows the settings", () => {
    const [, schedule] = only(resources(weekly, "AWS::Events::Rule"));
    expect(schedule.Properties.ScheduleExpression).toBe("cron(30 7 ? * FRI *)");
  });

  test("Then onAllClear and topOffenders (from the defaults layer) reach the digest's environment, with the custom parameter name", () => {
    expect(envOf(digestFunctionOf(weekly)[1])).toMatchObject({
      DIGEST_ON_ALL_CLEAR: "skip",
      DIGEST_TOP_OFFENDERS: "25",
      SLACK_WEBHOOK_PARAMETER_NAME: "/endpoint-auditor/slack-webhook-url",
      CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-weekly-",
    });
    const outputs = weekly.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.SlackWebhookParameterName?.Value).toBe("/endpoint-auditor/slack-webhook-url");
  });

  test("Then the digest function's own settings parser reads skip and 25 from it, and every variable is a named one", () => {
    expect(digestSettingsOf(weekly)).toMatchObject({ onAllClear: "skip", topOffenders: 25, webhookParameterName: "/endpoint-auditor/slack-webhook-url" });
    expectOnlyNamedEnvironment(weekly);
  });

  test("Then ssm:GetParameter is granted on exactly the custom parameter (not the SST secret), and kms:Decrypt on exactly the key, via SSM only", () => {
    const statements = statementsOf(weekly, roleIdOf(digestFunctionOf(weekly)[1]));
    const ssm = only(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith("ssm:"))));
    expect(actionsOf([ssm])).toEqual(["ssm:GetParameter"]);
    expect(ssm.Resource).toEqual(parameterArn("/endpoint-auditor/slack-webhook-url"));
    expect(JSON.stringify(weekly.toJSON())).not.toContain("Secret/SLACK_WEBHOOK_URL");
    const kms = only(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith("kms:"))));
    expect(actionsOf([kms])).toEqual(["kms:Decrypt"]);
    expect(kms.Resource).toBe(KMS_KEY_ARN);
    expect(kms.Condition).toEqual({
      StringEquals: { "kms:ViaService": { "Fn::Join": ["", ["ssm.", { Ref: "AWS::Region" }, ".amazonaws.com"]] } },
    });
  });

  test("Then the evaluator's IAM is unchanged by the digest options: registry + Config + the history actions on the history table", () => {
    expectEvaluatorIamWithHistory(weekly, "weekly", allRulePermissions());
    expectOwnRolesWithLogsOnOwnGroup(weekly);
  });

  test("Then the webhook URL is nowhere in the template", () => {
    expect(JSON.stringify(weekly.toJSON())).not.toContain("hooks.slack.com");
  });

  test("Given a webhook URL where the parameter NAME belongs, Then settingsFor refuses it with SettingsError without repeating the URL", () => {
    const bad: SettingsFile = { defaults: { digest: { webhookParameterName: FAKE_WEBHOOK } }, stages: {} };
    let error: unknown;
    try {
      settingsFor("weekly", bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/stage "weekly".*digest.webhookParameterName must be the NAME of an SSM parameter, not the webhook URL/);
    expect((error as Error).message).not.toContain("hooks.slack.com");
  });
});

describe("Given evaluator.tracing true (otherwise the committed settings, same stage as the defaults)", () => {
  let traced: Template;

  beforeAll(async () => {
    const file: SettingsFile = {
      ...SETTINGS,
      defaults: { ...SETTINGS.defaults, evaluator: { ...SETTINGS.defaults.evaluator, tracing: true } },
    };
    const settings = settingsFor("test", file);
    expect(settings.evaluator.tracing).toBe(true);
    const stackFn = createAuditorStack({ settings });
    traced = await synthSst("test", (app) => {
      app.stack(stackFn, { id: AUDITOR_STACK_ID });
    });
  });

  test("Then the tracing variables it adds are named in core's EnvironmentVariables too", () => {
    expectOnlyNamedEnvironment(traced);
  });

  /** The X-Ray statements of a role (any statement naming an xray: action). */
  function xrayStatements(template: Template, roleId: string): Statement[] {
    return statementsOf(template, roleId).filter((s) => actionsOf([s]).some((a) => a.toLowerCase().startsWith("xray:")));
  }

  test("Then the evaluator traces actively and POWERTOOLS_TRACE_ENABLED is true", () => {
    const [, evaluator] = evaluatorOf(traced, "test");
    expect(evaluator.Properties.TracingConfig).toEqual({ Mode: "Active" });
    expect(envOf(evaluator).POWERTOOLS_TRACE_ENABLED).toBe("true");
  });

  test("Then the evaluator's role gains exactly one statement: xray:PutTraceSegments and xray:PutTelemetryRecords on *, unconditional", () => {
    const [, evaluator] = evaluatorOf(traced, "test");
    const roleId = roleIdOf(evaluator);
    const xray = only(xrayStatements(traced, roleId));
    expect(xray).toEqual({ Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" });
    // The pinned default set plus the two X-Ray actions, nothing else.
    expect(actionsOf(statementsOf(traced, roleId))).toEqual(
      [...allRulePermissions(), ...CONFIG_ACTIONS, ...HISTORY_ACTIONS, ...FAILURE_ACTIONS, ...LOG_ACTIONS, ...XRAY_ACTIONS].sort(),
    );
    const [, untraced] = evaluatorOf(defaults, "test");
    expect(statementsOf(traced, roleId).filter((s) => s !== xray)).toEqual(statementsOf(defaults, roleIdOf(untraced)));
    expectOwnRolesWithLogsOnOwnGroup(traced);
  });

  test("Then the digest is untouched: no active tracing, no X-Ray action on its role", () => {
    const [, digest] = digestFunctionOf(traced);
    expect(digest.Properties.TracingConfig).toBeUndefined();
    expect(envOf(digest).POWERTOOLS_TRACE_ENABLED).toBe("false");
    expect(xrayStatements(traced, roleIdOf(digest))).toEqual([]);
  });

  test("Then the evaluator's code is the traced build: the Powertools Tracer and the X-Ray SDK are in it (the default stage's build has neither), still one file", () => {
    const [, evaluator] = evaluatorOf(traced, "test");
    const [, untraced] = evaluatorOf(defaults, "test");
    const tracedText = readFileSync(join(assetDirOf(traced, evaluator), "packages/functions/src/evaluate.mjs"), "utf8");
    const untracedText = readFileSync(join(assetDirOf(defaults, untraced), "packages/functions/src/evaluate.mjs"), "utf8");
    for (const xray of ["AWS_XRAY_CONTEXT_MISSING", "AWS_XRAY_DAEMON_ADDRESS", "POWERTOOLS_TRACER_CAPTURE_RESPONSE"]) {
      expect(tracedText, xray).toContain(xray);
      expect(untracedText, xray).not.toContain(xray);
    }
    expect(filesUnder(assetDirOf(traced, evaluator)).sort()).toEqual(["package-lock.json", "package.json", "packages/functions/src/evaluate.mjs"]);
  });

  test("Then nothing else in the template changes: without the TracingConfig, the environment switch, the X-Ray statement and its code asset it equals the default stack", () => {
    const json = structuredClone(traced.toJSON()) as { Resources: Record<string, Resource> };
    const [evaluatorId, evaluator] = evaluatorOf(traced, "test");
    const fn = json.Resources[evaluatorId]!;
    expect(fn.Properties.Code).not.toEqual(evaluatorOf(defaults, "test")[1].Properties.Code);
    fn.Properties.Code = evaluatorOf(defaults, "test")[1].Properties.Code;
    delete fn.Properties.TracingConfig;
    (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_TRACE_ENABLED = "false";
    let removed = 0;
    for (const resource of Object.values(json.Resources)) {
      if (resource.Type !== "AWS::IAM::Policy") continue;
      if (JSON.stringify(resource.Properties.Roles) !== JSON.stringify([{ Ref: roleIdOf(evaluator) }])) continue;
      const document = resource.Properties.PolicyDocument as { Statement: Statement[] };
      const kept = document.Statement.filter((s) => !actionsOf([s]).some((a) => a.startsWith("xray:")));
      removed += document.Statement.length - kept.length;
      document.Statement = kept;
    }
    expect(removed).toBe(1);
    expect(json).toEqual(defaults.toJSON());
  });
});

describe("Given a stage name too long for the evaluator's Lambda name", () => {
  test("Then the stack refuses it before building anything", () => {
    const stage = "s".repeat(40);
    const app = new App({ mode: "deploy", stage, name: "endpoint-auditor", region: "us-east-1" });
    const stackFn = createAuditorStack({ settings: settingsFor(stage, { defaults: {}, stages: {} }) });
    expect(() => app.stack(stackFn, { id: AUDITOR_STACK_ID })).toThrow(
      /endpoint-auditor-s{40}-evaluator is longer than Lambda's 64 characters; use a shorter stage name/,
    );
  });
});

describe("npm run synth: the stand-alone template for StackSets", () => {
  const ASSET_PARAMETERS = ["AssetsBucketAccountId", "AssetsBucketPrefix", "AssetsKeyPrefix"];
  const SST_SECRET_PATH = "/sst/endpoint-auditor/prod/Secret/SLACK_WEBHOOK_URL/value";
  let outDir: string;
  let workDir: string;
  let manifest: StandaloneManifest;
  let template: Record<string, unknown>;
  const previousNodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = "test";
    outDir = mkdtempSync(join(tmpdir(), "auditor-synth-out-"));
    workDir = mkdtempSync(join(tmpdir(), "auditor-synth-work-"));
    // A zip left by an earlier build, referenced by no manifest.
    mkdirSync(join(outDir, "assets"));
    writeFileSync(join(outDir, "assets", `${"0".repeat(64)}.zip`), "stale");
    manifest = await writeStandalone({ stage: "prod", outDir, workDir });
    template = JSON.parse(readFileSync(join(outDir, manifest.template), "utf8")) as Record<string, unknown>;
  });

  afterAll(() => {
    process.env.NODE_ENV = previousNodeEnv;
    rmSync(outDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  function functions(): Array<[string, Resource]> {
    return Object.entries(template.Resources as Record<string, Resource>).filter(([, r]) => r.Type === "AWS::Lambda::Function");
  }

  test("Then the template needs no bootstrap stack, names no account or region, and asks only for the code location and the webhook parameter's name", () => {
    expect(manifest.stackName).toBe("prod-endpoint-auditor-AuditorStack");
    expect(Object.keys(template.Parameters as object).sort()).toEqual([...ASSET_PARAMETERS, "SlackWebhookParameterName"]);
    expect(template.Rules).toBeUndefined();
    const text = JSON.stringify(template);
    for (const banned of ["BootstrapVersion", "cdk-hnb659fds", "my-account", "us-east-1", "SSTMetadata", "Custom::"]) {
      expect(text, banned).not.toContain(banned);
    }
    expect(manifest.capabilities).toEqual(["CAPABILITY_IAM"]);
  });

  test("Then the output holds the template, the manifest and exactly the zips the manifest lists — one per function, each referenced by the template", () => {
    expect(readdirSync(outDir).sort()).toEqual(
      ["assets", "prod-endpoint-auditor-AuditorStack.manifest.json", "prod-endpoint-auditor-AuditorStack.template.json"],
    );
    expect(readdirSync(join(outDir, "assets")).sort()).toEqual(manifest.assets.map((a) => a.file.replace("assets/", "")).sort());
    const written = JSON.parse(readFileSync(join(outDir, "prod-endpoint-auditor-AuditorStack.manifest.json"), "utf8"));
    expect(written).toEqual(manifest);
    expect(Object.keys(manifest.parameters).sort()).toEqual([...ASSET_PARAMETERS, "SlackWebhookParameterName"]);
    // Every function's code is a listed asset, and every listed asset is some function's code.
    const referenced = functions().map(([, fn]) => {
      expect(fn.Properties.Code).toEqual({
        // In the owning account's regional namespace: only that account can create a bucket of this name.
        S3Bucket: { "Fn::Sub": "${AssetsBucketPrefix}-${AssetsBucketAccountId}-${AWS::Region}-an" },
        S3Key: { "Fn::Sub": expect.stringMatching(/^\$\{AssetsKeyPrefix\}[0-9a-f]{64}\.zip$/) },
      });
      return ((fn.Properties.Code as { S3Key: { "Fn::Sub": string } }).S3Key["Fn::Sub"]).replace("${AssetsKeyPrefix}", "");
    });
    expect(functions()).toHaveLength(2);
    expect(manifest.assets.map((a) => a.key).sort()).toEqual([...new Set(referenced)].sort());
    expect(manifest.assets).toHaveLength(2);
    for (const asset of manifest.assets) expect(asset.file).toBe(`assets/${asset.key}`);
  });

  test("Then each function's zip holds its built handler, byte for byte what the SST deployment uploads: the evaluator's and the digest's", () => {
    const codeOf = (fn: Resource): Buffer => {
      const key = (fn.Properties.Code as { S3Key: { "Fn::Sub": string } }).S3Key["Fn::Sub"].replace("${AssetsKeyPrefix}", "");
      const asset = only(manifest.assets.filter((a) => a.key === key));
      return readFileSync(join(outDir, asset.file));
    };
    const evaluator = only(functions().filter(([, f]) => f.Properties.FunctionName === "endpoint-auditor-prod-evaluator"))[1];
    const digest = only(functions().filter(([, f]) => envOf(f).SLACK_WEBHOOK_PARAMETER_NAME !== undefined))[1];
    const evaluatorCode = zipEntry(codeOf(evaluator), "packages/functions/src/evaluate.mjs");
    expect(evaluator.Properties.Handler).toBe("packages/functions/src/evaluate.handler");
    expect(evaluatorCode).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(evaluatorCode).toContain("interface-endpoint-in-use");
    const digestCode = zipEntry(codeOf(digest), "packages/functions/src/digest.mjs");
    expect(digest.Properties.Handler).toBe("packages/functions/src/digest.handler");
    expect(digestCode).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(digestCode).toContain("SLACK_WEBHOOK_PARAMETER_NAME");
    // The same build as `sst deploy`'s (byte for byte): one set of bundling settings for both ways to deploy.
    expect(evaluatorCode).toBe(readFileSync(join(assetDirOf(defaults, evaluatorOf(defaults, "test")[1]), "packages/functions/src/evaluate.mjs"), "utf8"));
    expect(digestCode).toBe(readFileSync(join(assetDirOf(defaults, digestFunctionOf(defaults)[1]), "packages/functions/src/digest.mjs"), "utf8"));
  });

  test("Then SlackWebhookParameterName defaults to the SST secret's path, accepts only fully qualified names, and is what the digest reads and may read", () => {
    const parameter = (template.Parameters as Record<string, Record<string, unknown>>).SlackWebhookParameterName!;
    expect(parameter).toMatchObject({ Type: "String", Default: SST_SECRET_PATH, MaxLength: 1011 });
    const pattern = new RegExp(parameter.AllowedPattern as string);
    expect(pattern.test(SST_SECRET_PATH)).toBe(true);
    expect(pattern.test("/endpoint-auditor/slack-webhook-url")).toBe(true);
    for (const bad of ["endpoint-auditor/slack", "slack", "/a//b", "/a/", FAKE_WEBHOOK, "/with space"]) {
      expect(pattern.test(bad), bad).toBe(false);
    }
    const [, digest] = only(functions().filter(([, f]) => envOf(f).SLACK_WEBHOOK_PARAMETER_NAME !== undefined));
    expect(envOf(digest).SLACK_WEBHOOK_PARAMETER_NAME).toEqual({ Ref: "SlackWebhookParameterName" });
    const t = Template.fromJSON(template);
    const ssm = only(statementsOf(t, roleIdOf(digest)).filter((s) => actionsOf([s]).some((a) => a.startsWith("ssm:"))));
    expect(actionsOf([ssm])).toEqual(["ssm:GetParameter"]);
    // arn:<partition>:ssm:<the stack's region>:<the stack's account>:parameter<name>: resolved per target account.
    expect(ssm.Resource).toEqual(parameterArn({ Ref: "SlackWebhookParameterName" }));
    // An output may not reuse the parameter's logical id; the stack's parameters show the name.
    expect(Object.keys(template.Outputs as object)).not.toContain("SlackWebhookParameterName");
    const text = JSON.stringify(template);
    expect(text).not.toContain("hooks.slack.com");
  });

  test("Then the stand-alone template has the same rules, permission and IAM as the SST one, history actions included", () => {
    const t = Template.fromJSON(template);
    expect([...rulesByName(t).keys()].sort()).toEqual(RULES.map((r) => `endpoint-auditor-prod-${r.metadata.id}`).sort());
    const [permissionId] = only(
      resources(t, "AWS::Lambda::Permission").filter(([, p]) => p.Properties.Principal === "config.amazonaws.com"),
    );
    for (const [, rule] of resources(t, "AWS::Config::ConfigRule")) expect(rule.DependsOn).toContain(permissionId);
    expectEvaluatorIamWithHistory(t, "prod", allRulePermissions());
    expectOwnRolesWithLogsOnOwnGroup(t);
    expect(resourceTypes(template)).toEqual([...CORE_RESOURCE_TYPES, ...DIGEST_RESOURCE_TYPES].sort());
  });

  test("Given the digest disabled, Then the template has one zip, no webhook parameter, no tables, and the evaluator no history actions", async () => {
    const offOut = join(outDir, "digest-off");
    const off: SettingsFile = { defaults: { digest: { enabled: false } }, stages: {} };
    const offManifest = await writeStandalone({ stage: "prod", outDir: offOut, workDir, settingsFile: off });
    const offTemplate = JSON.parse(readFileSync(join(offOut, offManifest.template), "utf8")) as Record<string, unknown>;
    expect(Object.keys(offTemplate.Parameters as object).sort()).toEqual(ASSET_PARAMETERS);
    expect(offManifest.assets).toHaveLength(1);
    expect(readdirSync(join(offOut, "assets"))).toEqual([offManifest.assets[0]!.key]);
    expect(resourceTypes(offTemplate)).toEqual(CORE_RESOURCE_TYPES);
    const t = Template.fromJSON(offTemplate);
    const [, evaluator] = evaluatorOf(t, "prod");
    expect(actionsOf(statementsOf(t, roleIdOf(evaluator)))).toEqual([...allRulePermissions(), ...CONFIG_ACTIONS, ...FAILURE_ACTIONS, ...LOG_ACTIONS].sort());
    expectOwnRolesWithLogsOnOwnGroup(t);
    expect(envOf(evaluator).HISTORY_TABLE_NAME).toBeUndefined();
  });

  test("Then the code bucket's account is a required 12-digit parameter and the prefix leaves room for the -<account>-<region>-an suffix (63 characters in all)", () => {
    const parameters = template.Parameters as Record<string, Record<string, unknown>>;
    const account = parameters.AssetsBucketAccountId!;
    expect(account.Default).toBeUndefined();
    const accountPattern = new RegExp(account.AllowedPattern as string);
    expect(accountPattern.test("111122223333")).toBe(true);
    for (const bad of ["11112222333", "1111222233334", "acme", "", "111122223333 "]) expect(accountPattern.test(bad), bad).toBe(false);
    const prefix = parameters.AssetsBucketPrefix!;
    expect(prefix.MaxLength).toBe(32);
    const longest = `${"a".repeat(32)}-111122223333-ap-southeast-4-an`;
    expect(longest.length).toBeLessThanOrEqual(63);
    const prefixPattern = new RegExp(prefix.AllowedPattern as string);
    expect(prefixPattern.test("acme-endpoint-auditor")).toBe(true);
    for (const bad of ["Acme", "-acme", "acme-", "acme.auditor", "acme_auditor"]) expect(prefixPattern.test(bad), bad).toBe(false);
  });

  test("Given codeSigning in the settings, Then the template holds one code-signing configuration (Enforce) with exactly those profiles, and both functions use it; without it, none", async () => {
    expect(resources(Template.fromJSON(template), "AWS::Lambda::CodeSigningConfig")).toEqual([]);
    for (const [, fn] of functions()) expect(fn.Properties.CodeSigningConfigArn).toBeUndefined();
    const profile = "arn:aws:signer:us-east-1:111122223333:/signing-profiles/EndpointAuditor/a1B2c3D4e5";
    const signedOut = join(outDir, "signed");
    const signed: SettingsFile = { defaults: { codeSigning: { signingProfileVersionArns: [profile] } }, stages: {} };
    const signedManifest = await writeStandalone({ stage: "prod", outDir: signedOut, workDir, settingsFile: signed });
    const t = Template.fromJSON(JSON.parse(readFileSync(join(signedOut, signedManifest.template), "utf8")) as Record<string, unknown>);
    const [configId, config] = only(resources(t, "AWS::Lambda::CodeSigningConfig"));
    expect(config.Properties).toMatchObject({
      AllowedPublishers: { SigningProfileVersionArns: [profile] },
      CodeSigningPolicies: { UntrustedArtifactOnDeployment: "Enforce" },
    });
    const fns = resources(t, "AWS::Lambda::Function");
    expect(fns).toHaveLength(2);
    for (const [id, fn] of fns) expect(fn.Properties.CodeSigningConfigArn, id).toEqual({ "Fn::GetAtt": [configId, "CodeSigningConfigArn"] });
  });

  test("Given a custom webhook parameter name in the settings, Then it becomes the template parameter's default", async () => {
    const customOut = join(outDir, "custom");
    const custom: SettingsFile = { defaults: { digest: { webhookParameterName: "/org/slack/auditor-webhook" } }, stages: {} };
    const customManifest = await writeStandalone({ stage: "prod", outDir: customOut, workDir, settingsFile: custom });
    const customTemplate = JSON.parse(readFileSync(join(customOut, customManifest.template), "utf8")) as {
      Parameters: Record<string, { Default?: string }>;
    };
    expect(customTemplate.Parameters.SlackWebhookParameterName?.Default).toBe("/org/slack/auditor-webhook");
    expect(JSON.stringify(customTemplate)).not.toContain("Secret/SLACK_WEBHOOK_URL");
  });

  test("Given invalid settings, Then synthesis fails with SettingsError and writes nothing", async () => {
    const badOut = join(outDir, "bad");
    const bad: SettingsFile = { defaults: { rules: { "vpc-flow-logs-enabled": { parameters: { trafficType: "SOME" } } } }, stages: {} };
    await expect(writeStandalone({ stage: "prod", outDir: badOut, workDir, settingsFile: bad })).rejects.toThrow(SettingsError);
    await expect(writeStandalone({ stage: "prod", outDir: badOut, workDir, settingsFile: bad })).rejects.toThrow(
      /stage "prod".*Invalid parameter "trafficType" for rule vpc-flow-logs-enabled.*one of ALL, ACCEPT, REJECT/,
    );
    const badDigest: SettingsFile = { defaults: { digest: { topOffenders: 0 } }, stages: {} };
    await expect(writeStandalone({ stage: "prod", outDir: badOut, workDir, settingsFile: badDigest })).rejects.toThrow(
      /stage "prod".*digest.topOffenders must be an integer from 1 to 50; got 0/,
    );
    expect(existsSync(badOut)).toBe(false);
  });
});
