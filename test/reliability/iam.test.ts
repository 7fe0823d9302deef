/**
 * Least privilege, pinned for every function of the synthesized auditor stack (the evaluator and the
 * digest, which the stack deploys by default): the exact actions AND resources of each role, statement by
 * statement, with `*` allowed only for the actions AWS offers no resource-level permissions for.
 *
 * What test/infra/*.test.ts already pins is not repeated here (the evaluator's action set against the
 * registry, the digest role's statements in the stand-alone construct, the webhook URL's absence from the
 * template). This file adds: the whole IAM surface of the deployed stack in one table (no other role, no
 * other policy, trust policies), the resource of every statement of both functions in the real stack,
 * the list of `*`-resource actions with the reason each needs it, and the log-group scoping (no managed
 * policy: each role writes only to its own function's log group).
 *
 * Synthesized in a temporary SST project root, so its build artifacts never meet those of the infra tests
 * (the handler paths resolve from the working directory, the repository).
 */
import { rmSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { getStack } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARTS } from "@endpoint-auditor/core";
import { createAuditorStack, evaluatorCollectionActions } from "../../stacks/AuditorStack";
import type { AuditorSettings } from "../../stacks/settings/schema";
import { settingsFor } from "../../stacks/settings/validate";
import { initOfflineProject, scratchProjectRoot, synthesizeApp } from "../../stacks/synth";

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
  "route53:ListHostedZonesByVPC": "ListHostedZonesByVPC has no resource types (the route53:VPCs condition key only)",
  "organizations:DescribeOrganization": "DescribeOrganization has no resource types",
  "s3:ListAllMyBuckets": "ListAllMyBuckets has no resource types",
  // Every ec2:Describe* list call: no resource types (ec2:Region condition only).
};

let root: string;
let template: Template;
let settings: AuditorSettings;

beforeAll(async () => {
  root = scratchProjectRoot("reliability-iam");
  await initOfflineProject({ stage: "test", root });
  settings = settingsFor("test", { defaults: { digest: { enabled: true } }, stages: {} });
  const stack = createAuditorStack({ settings });
  await synthesizeApp({ stage: "test" }, (app) => {
    app.stack(stack);
  });
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

/** The on-failure destination queue (one for both functions). */
function failureQueue(): string {
  const queues = resources("AWS::SQS::Queue");
  expect(queues).toHaveLength(1);
  return (queues[0] as [string, Resource])[0];
}

/** The log group a function writes to (its LoggingConfig). */
function logGroupOf(functionId: string): string {
  const fn = template.toJSON().Resources[functionId] as Resource;
  return (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
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

  it("Then the evaluator's grants are exactly: the rules' list calls and GetMetricData and PutEvaluations on *, its own rules' results, item batches and heartbeat updates on the history table, sending to the failed-invocations queue, and log writes to its log group", () => {
    const { evaluator } = functionIds();
    const ruleArns = resources("AWS::Config::ConfigRule")
      .map(([id]) => `<${id}.Arn>`)
      .sort();
    expect(ruleArns).toHaveLength(settings.rules.filter((r) => r.enabled).length);
    const [historyId] = resources("AWS::DynamoDB::Table").find(([id]) => id.includes("History")) as [string, Resource];
    const expected = [
      ...evaluatorCollectionActions(settings).map((a) => `${a} → *`),
      "config:PutEvaluations → *",
      ...ruleArns.map((arn) => `config:GetComplianceDetailsByConfigRule → ${arn}`),
      `dynamodb:BatchGetItem → <${historyId}.Arn>`,
      `dynamodb:BatchWriteItem → <${historyId}.Arn>`,
      `dynamodb:UpdateItem → <${historyId}.Arn>`,
      `sqs:SendMessage → <${failureQueue()}.Arn>`,
      `logs:CreateLogStream → <${logGroupOf(evaluator)}.Arn>`,
      `logs:PutLogEvents → <${logGroupOf(evaluator)}.Arn>`,
    ].sort();
    expect(grants(iamOf(evaluator).statements)).toEqual(expected);
    // The collection actions are the part records' read calls, nothing else.
    const readCalls = new Set(PARTS.flatMap((p) => p.iamActions));
    expect(evaluatorCollectionActions(settings).every((a) => readCalls.has(a))).toBe(true);
    expect(evaluatorCollectionActions(settings).every((a) => /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]+$/.test(a))).toBe(true);
  });

  it("Then the digest's grants are exactly: GetParameter on the one webhook parameter, Query on the history table's status index and on the table (heartbeats), BatchWriteItem on the table (closing findings of removed rules), item access on the idempotency table, ListAccountAliases, sending to the failed-invocations queue, and log writes to its log group", () => {
    const { digest } = functionIds();
    const tables = resources("AWS::DynamoDB::Table");
    const [historyId] = tables.find(([id]) => id.includes("History")) as [string, Resource];
    const [idempotencyId] = tables.find(([id]) => id.includes("Idempotency")) as [string, Resource];
    const parameter = "/sst/endpoint-auditor/test/Secret/SLACK_WEBHOOK_URL/value";
    expect(grants(iamOf(digest).statements)).toEqual(
      [
        `ssm:GetParameter → arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${parameter}`,
        `dynamodb:Query → <${historyId}.Arn>/index/byStatus`,
        `dynamodb:Query → <${historyId}.Arn>`,
        `dynamodb:BatchWriteItem → <${historyId}.Arn>`,
        `dynamodb:GetItem → <${idempotencyId}.Arn>`,
        `dynamodb:PutItem → <${idempotencyId}.Arn>`,
        `dynamodb:UpdateItem → <${idempotencyId}.Arn>`,
        `dynamodb:DeleteItem → <${idempotencyId}.Arn>`,
        "iam:ListAccountAliases → *",
        `sqs:SendMessage → <${failureQueue()}.Arn>`,
        `logs:CreateLogStream → <${logGroupOf(digest)}.Arn>`,
        `logs:PutLogEvents → <${logGroupOf(digest)}.Arn>`,
      ].sort(),
    );
    // The digest reads the history by key and index only (no scan), and writes no single item.
    const actions = iamOf(digest).statements.flatMap((s) => asList(s.Action));
    for (const forbidden of ["dynamodb:Scan", "ssm:GetParameters", "ssm:GetParametersByPath", "kms:Decrypt", "logs:CreateLogGroup"]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it("Then each function's logs go to its own log group with a retention", () => {
    const { evaluator, digest } = functionIds();
    const groups = resources("AWS::Logs::LogGroup");
    for (const id of [evaluator, digest]) {
      const ref = logGroupOf(id);
      const group = groups.find(([gid]) => gid === ref);
      expect(group, id).toBeDefined();
      expect(typeof (group as [string, Resource])[1].Properties.RetentionInDays).toBe("number");
    }
  });

  it("Then each role has no managed policy and may write logs only to its own log group: CreateLogStream and PutLogEvents on that group's ARN, nothing else on logs", () => {
    const { evaluator, digest } = functionIds();
    const groups = new Set<string>();
    for (const id of [evaluator, digest]) {
      const iam = iamOf(id);
      // No AWSLambdaBasicExecutionRole (logs:CreateLogGroup/CreateLogStream/PutLogEvents on "*"), nor any other.
      expect(iam.managed, id).toEqual([]);
      const role = template.toJSON().Resources[iam.roleId] as Resource;
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
      expect(role.Properties.Policies, id).toBeUndefined();
      const groupId = logGroupOf(id);
      groups.add(groupId);
      const logs = grants(iam.statements.filter((s) => asList(s.Action).some((a) => a.startsWith("logs:"))));
      // <Group.Arn> is CloudFormation's arn:…:log-group:<name>:* — the group and its streams, no other group.
      expect(logs, id).toEqual([`logs:CreateLogStream → <${groupId}.Arn>`, `logs:PutLogEvents → <${groupId}.Arn>`]);
    }
    // Two functions, two log groups: neither may write into the other's.
    expect(groups.size).toBe(2);
  });

  it("Then each function is created after its role's policy (first invocation already has its log permissions)", () => {
    const { evaluator, digest } = functionIds();
    for (const id of [evaluator, digest]) {
      const { roleId } = iamOf(id);
      const fn = template.toJSON().Resources[id] as Resource & { DependsOn?: string[] };
      const logPolicies = resources("AWS::IAM::Policy")
        .filter(([, p]) => asList(p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
        .filter(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some((s) => asList(s.Action).some((a) => a.startsWith("logs:"))));
      const [policyId] = logPolicies.map(([pid]) => pid);
      expect(logPolicies, id).toHaveLength(1);
      expect(fn.DependsOn, id).toEqual(expect.arrayContaining([roleId, policyId]));
    }
  });
});
