/**
 * CDK assertions on the synthesized SST stack, offline: the app is loaded from sst.config.ts with SST's own
 * loader, synthesized in-process (`initProject` + `App` + `app.finish()`, NODE_ENV=test so SST skips its
 * bootstrap lookup), and the template is checked against the rule registry.
 *
 * All SST syntheses live in this one file: they build the evaluator into the same .sst/artifacts directory,
 * so they must not run in parallel.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { RULES, allRulePermissions, defaultAsString, rulePermissions } from "@endpoint-auditor/core";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { load } from "sst/stacks/build.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
// The Config event parser the evaluator uses (core's config module is not re-exported by the package index).
import { parseConfigEvent } from "../../packages/core/src/config/events";
import { AUDITOR_STACK_ID, EVALUATOR_HANDLER, createAuditorStack } from "../../stacks/AuditorStack";
import { SettingsError, settingsFor, type SettingsFile } from "../../stacks/settings";
import { writeStandalone, type StandaloneManifest } from "../../stacks/standalone";

const CONFIG_ACTIONS = ["config:GetComplianceDetailsByConfigRule", "config:PutEvaluations"];
const BASIC_EXECUTION_ROLE = ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };

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

function rulesByName(template: Template): Map<string, [string, Resource]> {
  return new Map(
    resources(template, "AWS::Config::ConfigRule").map((entry) => [entry[1].Properties.ConfigRuleName as string, entry]),
  );
}

async function synthSst(stage: string, add: (app: App) => Promise<void> | void): Promise<Template> {
  const app = new App({ mode: "deploy", stage, name: "endpoint-auditor", region: "us-east-1" });
  await add(app);
  await app.finish();
  const stack = only(app.node.children.filter((c): c is Stack => c instanceof Stack));
  expect(stack.stackName).toBe(`${stage}-endpoint-auditor-${AUDITOR_STACK_ID}`);
  return Template.fromStack(stack);
}

let defaults: Template;

beforeAll(async () => {
  // SST runs `npm install` (of nothing) in the function's build directory: keep it off the network.
  process.env.npm_config_offline = "true";
  process.env.npm_config_audit = "false";
  await initProject({ stage: "test" });
  // sst.config.ts as `sst deploy` loads it (bundled by SST's esbuild, stacks included).
  const [, config] = await load(useProject().paths.config, false);
  expect(config.config({})).toMatchObject({ name: "endpoint-auditor" });
  defaults = await synthSst("test", (app) => config.stacks(app));
});

describe("Given sst.config.ts with the default settings", () => {
  test("Then there is one Config rule per registry rule: CUSTOM_LAMBDA, periodic every 24 h, scoped to the rule's resource type, named app-stage-ruleId", () => {
    const rules = rulesByName(defaults);
    expect(rules.size).toBe(RULES.length);
    expect(RULES).toHaveLength(4);
    const evaluatorId = only(resources(defaults, "AWS::Lambda::Function"))[0];
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
    const [evaluatorId] = only(resources(defaults, "AWS::Lambda::Function"));
    const [permissionId, permission] = only(resources(defaults, "AWS::Lambda::Permission"));
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

  test("Then the only function is the evaluator: nodejs22.x on arm64, sized for large accounts, built code, Powertools settings, own log group with retention", () => {
    const [, fn] = only(resources(defaults, "AWS::Lambda::Function"));
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
      POWERTOOLS_METRICS_DISABLED: "false",
    });
    const [logGroupId, logGroup] = only(resources(defaults, "AWS::Logs::LogGroup"));
    expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect(logGroup.Properties).toMatchObject({ LogGroupName: "/aws/lambda/endpoint-auditor-test-evaluator", RetentionInDays: 30 });
    expect(logGroup).toMatchObject({ DeletionPolicy: "Delete" });
    // No log-retention, sourcemap or other custom resources, and no SST binding parameter.
    expect(Object.values(defaults.toJSON().Resources as Record<string, Resource>).map((r) => r.Type).sort()).toEqual(
      [
        ...Array<string>(RULES.length).fill("AWS::Config::ConfigRule"),
        "AWS::IAM::Policy",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::Lambda::Permission",
        "AWS::Logs::LogGroup",
      ].sort(),
    );
  });

  test("Then the role's actions are exactly the registry's permissions plus PutEvaluations and GetComplianceDetailsByConfigRule, with no wildcard action and only the basic execution managed policy", () => {
    const [roleId, role] = only(resources(defaults, "AWS::IAM::Role"));
    const statements = statementsOf(defaults, roleId);
    const actions = actionsOf(statements);
    expect(actions).toEqual([...allRulePermissions(), ...CONFIG_ACTIONS].sort());
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
    expect(role.Properties.Policies).toBeUndefined();
    const managed = role.Properties.ManagedPolicyArns as Array<{ "Fn::Join": [string, unknown[]] }>;
    expect(managed).toHaveLength(1);
    expect(JSON.stringify(managed[0])).toContain(BASIC_EXECUTION_ROLE);
  });

  test("Then GetComplianceDetailsByConfigRule is limited to the four rules' ARNs and the collection actions are on * (no resource-level support)", () => {
    const [roleId] = only(resources(defaults, "AWS::IAM::Role"));
    const statements = statementsOf(defaults, roleId);
    const ruleIds = resources(defaults, "AWS::Config::ConfigRule").map(([id]) => id);
    const read = only(statements.filter((s) => s.Action === "config:GetComplianceDetailsByConfigRule"));
    expect(read.Resource).toEqual(ruleIds.map((id) => ({ "Fn::GetAtt": [id, "Arn"] })));
    for (const s of statements.filter((st) => st !== read)) expect(s.Resource).toBe("*");
  });
});

describe("Registry ↔ stack IAM", () => {
  test("Given each registered rule, Then every permission it declares is granted, and nothing beyond the rules' permissions and the two Config actions is", () => {
    const [roleId] = only(resources(defaults, "AWS::IAM::Role"));
    const granted = new Set(actionsOf(statementsOf(defaults, roleId)));
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
    expect(extra).toEqual([]);
  });
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

  test("Then a disabled rule is not deployed and the others are, every one on the overridden schedule", () => {
    const rules = rulesByName(overridden);
    expect([...rules.keys()].sort()).toEqual([
      "endpoint-auditor-staging-nat-subnet-has-gateway-endpoints",
      "endpoint-auditor-staging-s3-dynamodb-endpoint-is-gateway",
      "endpoint-auditor-staging-vpc-flow-logs-enabled",
    ]);
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

  test("Then the role loses the permissions only the disabled rule needed (cloudwatch:GetMetricData)", () => {
    const [roleId] = only(resources(overridden, "AWS::IAM::Role"));
    const enabledRules = RULES.filter((r) => r.metadata.id !== "interface-endpoint-in-use");
    const expected = [...new Set([...enabledRules.flatMap(rulePermissions), ...CONFIG_ACTIONS])].sort();
    expect(actionsOf(statementsOf(overridden, roleId))).toEqual(expected);
    expect(expected).not.toContain("cloudwatch:GetMetricData");
    expect(allRulePermissions()).toContain("cloudwatch:GetMetricData");
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
    const [, fn] = only(resources(overridden, "AWS::Lambda::Function"));
    expect(fn.Properties).toMatchObject({
      MemorySize: 2048,
      Timeout: 300,
      Environment: { Variables: { POWERTOOLS_METRICS_DISABLED: "true" } },
    });
    expect(only(resources(overridden, "AWS::Logs::LogGroup"))[1].Properties.RetentionInDays).toBe(90);
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

  test("Then the template needs no bootstrap stack, names no account or region, and asks only for the code location", () => {
    expect(manifest.stackName).toBe("prod-endpoint-auditor-AuditorStack");
    expect(Object.keys(template.Parameters as object).sort()).toEqual(["AssetsBucketPrefix", "AssetsKeyPrefix"]);
    expect(template.Rules).toBeUndefined();
    const text = JSON.stringify(template);
    for (const banned of ["BootstrapVersion", "cdk-hnb659fds", "my-account", "us-east-1", "SSTMetadata", "Custom::"]) {
      expect(text, banned).not.toContain(banned);
    }
    expect(manifest.capabilities).toEqual(["CAPABILITY_IAM"]);
  });

  test("Then the output holds the template, the manifest and only the zips a manifest references", () => {
    expect(readdirSync(outDir).sort()).toEqual(
      ["assets", "prod-endpoint-auditor-AuditorStack.manifest.json", "prod-endpoint-auditor-AuditorStack.template.json"],
    );
    expect(readdirSync(join(outDir, "assets"))).toEqual(manifest.assets.map((a) => a.file.replace("assets/", "")));
    const written = JSON.parse(readFileSync(join(outDir, "prod-endpoint-auditor-AuditorStack.manifest.json"), "utf8"));
    expect(written).toEqual(manifest);
    expect(Object.keys(manifest.parameters).sort()).toEqual(["AssetsBucketPrefix", "AssetsKeyPrefix"]);
  });

  test("Then the evaluator's code comes from <AssetsBucketPrefix>-<region>/<AssetsKeyPrefix><hash>.zip, and that zip is written with the built handler", () => {
    const resourcesMap = template.Resources as Record<string, Resource>;
    const fn = only(Object.values(resourcesMap).filter((r) => r.Type === "AWS::Lambda::Function"));
    const asset = only([...manifest.assets]);
    expect(fn.Properties.Code).toEqual({
      S3Bucket: { "Fn::Sub": "${AssetsBucketPrefix}-${AWS::Region}" },
      S3Key: { "Fn::Sub": `\${AssetsKeyPrefix}${asset.key}` },
    });
    const zip = readFileSync(join(outDir, asset.file));
    // Find the handler entry through the central directory and inflate it.
    const name = "packages/functions/src/evaluate.mjs";
    const central = zip.indexOf(Buffer.concat([Buffer.from([0x50, 0x4b, 0x01, 0x02])]));
    expect(central).toBeGreaterThan(0);
    const at = zip.indexOf(Buffer.from(name), central) - 46;
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const compressedSize = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const code = inflateRawSync(zip.subarray(start, start + compressedSize)).toString("utf8");
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(code).toContain("interface-endpoint-in-use");
  });

  test("Then the stand-alone template has the same rules, permission and IAM as the SST one", () => {
    const t = Template.fromJSON(template);
    expect([...rulesByName(t).keys()].sort()).toEqual(RULES.map((r) => `endpoint-auditor-prod-${r.metadata.id}`).sort());
    const [permissionId] = only(resources(t, "AWS::Lambda::Permission"));
    for (const [, rule] of resources(t, "AWS::Config::ConfigRule")) expect(rule.DependsOn).toContain(permissionId);
    const [roleId] = only(resources(t, "AWS::IAM::Role"));
    expect(actionsOf(statementsOf(t, roleId))).toEqual([...allRulePermissions(), ...CONFIG_ACTIONS].sort());
  });

  test("Given invalid settings, Then synthesis fails with SettingsError and writes nothing", async () => {
    const badOut = join(outDir, "bad");
    const bad: SettingsFile = { defaults: { rules: { "vpc-flow-logs-enabled": { parameters: { trafficType: "SOME" } } } }, stages: {} };
    await expect(writeStandalone({ stage: "prod", outDir: badOut, workDir, settingsFile: bad })).rejects.toThrow(SettingsError);
    await expect(writeStandalone({ stage: "prod", outDir: badOut, workDir, settingsFile: bad })).rejects.toThrow(
      /stage "prod".*Invalid parameter "trafficType" for rule vpc-flow-logs-enabled.*one of ALL, ACCEPT, REJECT/,
    );
    expect(existsSync(badOut)).toBe(false);
  });
});
