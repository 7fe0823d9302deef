/**
 * Least privilege, pinned for every function of the synthesized auditor stack (the evaluator and the
 * digest, which the stack deploys by default): the exact actions AND resources of each role, statement by
 * statement, with `*` allowed only for the actions AWS offers no resource-level permissions for.
 *
 * What test/infra/*.test.ts already pins is not repeated here (the evaluator's action set against the
 * registry, the digest role's statements in the stand-alone construct, the webhook URL's absence from the
 * template). This file adds: the whole IAM surface of the deployed stack in one table (no other role, no
 * other policy, trust policies), the resource of every statement of both functions in the real stack,
 * the list of `*`-resource actions with the reason each needs it, and the log-group scoping.
 *
 * Synthesized in a temporary SST project root, so its build artifacts never meet those of the infra tests
 * (the handler paths resolve from the working directory, the repository).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditorStack, evaluatorCollectionActions } from "../../stacks/AuditorStack";
import { settingsFor, type AuditorSettings } from "../../stacks/settings";

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Effect: string; Action?: string | string[]; NotAction?: unknown; Resource?: unknown; NotResource?: unknown; Condition?: unknown };

/**
 * Actions granted on "*" because the service offers no resource-level permission for them (Service
 * Authorization Reference: the action's "Resource types" column is empty).
 */
const NO_RESOURCE_LEVEL: Readonly<Record<string, string>> = {
  "cloudwatch:GetMetricData": "GetMetricData has no resource types",
  "config:PutEvaluations": "PutEvaluations has no resource types",
  "iam:ListAccountAliases": "ListAccountAliases has no resource types",
  // Every ec2:Describe* list call: no resource types (ec2:Region condition only).
};

const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

let root: string;
let template: Template;
let settings: AuditorSettings;

beforeAll(async () => {
  process.env.npm_config_offline = "true";
  process.env.npm_config_audit = "false";
  root = mkdtempSync(join(tmpdir(), "reliability-iam-"));
  writeFileSync(join(root, "package.json"), '{ "name": "reliability-iam", "private": true, "type": "module" }\n');
  writeFileSync(join(root, "sst.config.mjs"), 'export default { config() { return { name: "endpoint-auditor", region: "us-east-1" }; }, stacks() {} };\n');
  await initProject({ stage: "test", root });
  settings = settingsFor("test", { defaults: { digest: { enabled: true } }, stages: {} });
  const app = new App({ mode: "deploy", stage: "test", name: "endpoint-auditor", region: "us-east-1" });
  const stack = createAuditorStack({ settings });
  app.stack(stack);
  await app.finish();
  template = Template.fromStack(getStack(stack));
}, 240_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function resources(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Resolves `Fn::Join` of partition/region/account pseudo parameters to readable text, refs to `<Ref:Id>`. */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("Ref" in v) return `<${String(v.Ref)}>`;
    if ("Fn::GetAtt" in v) return `<${(v["Fn::GetAtt"] as string[]).join(".")}>`;
    if ("Fn::Join" in v) {
      const [sep, parts] = v["Fn::Join"] as [string, unknown[]];
      return parts.map(text).join(sep);
    }
  }
  return JSON.stringify(value);
}

interface FunctionIam {
  functionId: string;
  roleId: string;
  trust: unknown;
  managed: string[];
  statements: Statement[];
}

function iamOf(functionId: string): FunctionIam {
  const fn = template.toJSON().Resources[functionId] as Resource;
  const roleId = (fn.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  const role = template.toJSON().Resources[roleId] as Resource;
  const statements = resources("AWS::IAM::Policy")
    .filter(([, p]) => asList(p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return {
    functionId,
    roleId,
    trust: role.Properties.AssumeRolePolicyDocument,
    managed: asList(role.Properties.ManagedPolicyArns as unknown[]).map(text),
    statements,
  };
}

/** Each function by what it runs. */
function functionIds(): { evaluator: string; digest: string } {
  const fns = resources("AWS::Lambda::Function");
  const byHandler = (suffix: string) => {
    const found = fns.filter(([, f]) => String(f.Properties.Handler).endsWith(suffix));
    expect(found, suffix).toHaveLength(1);
    return (found[0] as [string, Resource])[0];
  };
  return { evaluator: byHandler("evaluate.handler"), digest: byHandler("digest.handler") };
}

/** A role's statements as sorted "action → resource" lines (one per pair): the whole grant, readable. */
function grants(statements: readonly Statement[]): string[] {
  return statements
    .flatMap((s) => asList(s.Action).flatMap((a) => asList(s.Resource as unknown).map((r) => `${a} → ${text(r)}${s.Condition ? ` if ${JSON.stringify(s.Condition)}` : ""}`)))
    .sort();
}

describe("Given the synthesized auditor stack (evaluator + digest)", () => {
  it("Then exactly two functions exist, each with its own role, and there is no other role or IAM policy in the template", () => {
    const { evaluator, digest } = functionIds();
    expect(resources("AWS::Lambda::Function")).toHaveLength(2);
    const roles = resources("AWS::IAM::Role").map(([id]) => id).sort();
    expect(roles).toEqual([iamOf(evaluator).roleId, iamOf(digest).roleId].sort());
    expect(iamOf(evaluator).roleId).not.toBe(iamOf(digest).roleId);
    for (const [, policy] of resources("AWS::IAM::Policy")) {
      const attached = asList(policy.Properties.Roles as unknown[]).map((r) => (r as { Ref: string }).Ref);
      expect(attached.every((id) => roles.includes(id))).toBe(true);
      expect(policy.Properties.Users).toBeUndefined();
      expect(policy.Properties.Groups).toBeUndefined();
    }
    expect(resources("AWS::IAM::ManagedPolicy")).toEqual([]);
    expect(resources("AWS::IAM::User")).toEqual([]);
  });

  it("Then each role can be assumed by the Lambda service only", () => {
    const { evaluator, digest } = functionIds();
    for (const id of [evaluator, digest]) {
      expect(iamOf(id).trust).toEqual({
        Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }],
        Version: "2012-10-17",
      });
    }
  });

  it("Then no statement uses a wildcard action, NotAction, NotResource or Deny, and '*' resources are only for actions without resource-level permissions", () => {
    const { evaluator, digest } = functionIds();
    for (const id of [evaluator, digest]) {
      for (const s of iamOf(id).statements) {
        expect(s.Effect).toBe("Allow");
        expect(s.NotAction).toBeUndefined();
        expect(s.NotResource).toBeUndefined();
        for (const action of asList(s.Action)) {
          expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
          expect(action).not.toContain("*");
          if (asList(s.Resource as unknown).includes("*")) {
            const allowed = action.startsWith("ec2:Describe") || action in NO_RESOURCE_LEVEL;
            expect(allowed, `${action} on *`).toBe(true);
          }
        }
      }
    }
  });

  it("Then the evaluator's grants are exactly: the rules' list calls and GetMetricData and PutEvaluations on *, its own four rules' results, and item batches on the history table", () => {
    const { evaluator } = functionIds();
    const ruleArns = resources("AWS::Config::ConfigRule")
      .map(([id]) => `<${id}.Arn>`)
      .sort();
    expect(ruleArns).toHaveLength(4);
    const [historyId] = resources("AWS::DynamoDB::Table").find(([id]) => id.includes("History")) as [string, Resource];
    const expected = [
      ...evaluatorCollectionActions(settings).map((a) => `${a} → *`),
      "config:PutEvaluations → *",
      ...ruleArns.map((arn) => `config:GetComplianceDetailsByConfigRule → ${arn}`),
      `dynamodb:BatchGetItem → <${historyId}.Arn>`,
      `dynamodb:BatchWriteItem → <${historyId}.Arn>`,
    ].sort();
    expect(grants(iamOf(evaluator).statements)).toEqual(expected);
    // The collection actions are the registry's list calls: Describe* and GetMetricData only.
    expect(evaluatorCollectionActions(settings).every((a) => a.startsWith("ec2:Describe") || a === "cloudwatch:GetMetricData")).toBe(true);
  });

  it("Then the digest's grants are exactly: GetParameter on the one webhook parameter, Query on the history table's status index, item access on the idempotency table, and ListAccountAliases", () => {
    const { digest } = functionIds();
    const tables = resources("AWS::DynamoDB::Table");
    const [historyId] = tables.find(([id]) => id.includes("History")) as [string, Resource];
    const [idempotencyId] = tables.find(([id]) => id.includes("Idempotency")) as [string, Resource];
    const parameter = "/sst/endpoint-auditor/test/Secret/SLACK_WEBHOOK_URL/value";
    expect(grants(iamOf(digest).statements)).toEqual(
      [
        `ssm:GetParameter → arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${parameter}`,
        `dynamodb:Query → <${historyId}.Arn>/index/byStatus`,
        `dynamodb:GetItem → <${idempotencyId}.Arn>`,
        `dynamodb:PutItem → <${idempotencyId}.Arn>`,
        `dynamodb:UpdateItem → <${idempotencyId}.Arn>`,
        `dynamodb:DeleteItem → <${idempotencyId}.Arn>`,
        "iam:ListAccountAliases → *",
      ].sort(),
    );
    // The digest can read the history only through the index it queries: no table-wide read, no write.
    const actions = iamOf(digest).statements.flatMap((s) => asList(s.Action));
    for (const forbidden of ["dynamodb:Scan", "dynamodb:BatchWriteItem", "ssm:GetParameters", "ssm:GetParametersByPath", "kms:Decrypt"]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it("Then each function's logs go to its own log group with a retention", () => {
    const { evaluator, digest } = functionIds();
    const groups = resources("AWS::Logs::LogGroup");
    for (const id of [evaluator, digest]) {
      const fn = template.toJSON().Resources[id] as Resource;
      const ref = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const group = groups.find(([gid]) => gid === ref);
      expect(group, id).toBeDefined();
      expect(typeof (group as [string, Resource])[1].Properties.RetentionInDays).toBe("number");
    }
  });

  /**
   * KNOWN GAP, reported to the stack's owners: both roles carry the AWS managed policy
   * AWSLambdaBasicExecutionRole (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents on "*"),
   * although each function has its own log group and CloudWatch Logs supports log-group ARNs. The scoped
   * grant is logs:CreateLogStream and logs:PutLogEvents on the function's log group only. This test
   * asserts that; `it.fails` keeps the suite green while the gap exists and turns red the day the stack
   * is fixed — then change `it.fails` to `it`.
   */
  it.fails("KNOWN GAP: Then each role may write logs only to its own log group (no AWSLambdaBasicExecutionRole, no logs:* on *)", () => {
    const { evaluator, digest } = functionIds();
    for (const id of [evaluator, digest]) {
      const iam = iamOf(id);
      expect(iam.managed).not.toContain(BASIC_EXECUTION);
      expect(iam.managed.some((arn) => arn.includes("AWSLambdaBasicExecutionRole"))).toBe(false);
      const fn = template.toJSON().Resources[id] as Resource;
      const groupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const logs = grants(iam.statements.filter((s) => asList(s.Action).some((a) => a.startsWith("logs:"))));
      expect(logs).toEqual([`logs:CreateLogStream → <${groupId}.Arn>`, `logs:PutLogEvents → <${groupId}.Arn>`]);
    }
  });

  it("Then, today, the only grant outside the pinned statements is that managed policy (so the gap above is the whole gap)", () => {
    const { evaluator, digest } = functionIds();
    for (const id of [evaluator, digest]) {
      const managed = iamOf(id).managed;
      expect(managed).toHaveLength(1);
      expect(managed[0]).toMatch(/^arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/);
      expect(iamOf(id).statements.some((s) => asList(s.Action).some((a) => a.startsWith("logs:")))).toBe(false);
    }
  });
});
