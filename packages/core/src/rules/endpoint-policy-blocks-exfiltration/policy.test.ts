/**
 * The endpoint-policy evaluator: each element and operator family on its own, then a differential test
 * against @cloud-copilot/iam-simulate (a dev dependency, never bundled) on generated policies.
 */
import fc from "fast-check";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { PolicyDocumentError, arnMatch, evaluatePolicy, parsePolicy, type PolicyRequest } from "./policy";

const ME = "111122223333";
const put = (context: PolicyRequest["context"], overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  principalArn: `arn:aws:iam::${ME}:role/app`,
  action: "s3:PutObject",
  resource: "arn:aws:s3:::drop-bucket/key.csv",
  context: { "aws:PrincipalAccount": ME, ...context },
  ...overrides,
});
const decide = (statements: unknown[], request: PolicyRequest, meaning: "account" | "root" = "account") =>
  evaluatePolicy(parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements })), request, meaning).decision;
const allow = (extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", ...extra });
const deny = (extra: Record<string, unknown> = {}) => ({ Effect: "Deny", Principal: "*", Action: "*", Resource: "*", ...extra });

describe("endpoint policy evaluation", () => {
  it("Given AWS's default policy (a single Statement object), Then every request is allowed; an empty Allow list implicitly denies; a Deny wins", () => {
    expect(evaluatePolicy(parsePolicy('{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}'), put({})).decision).toBe("Allowed");
    expect(decide([allow({ Action: "s3:GetObject" })], put({}))).toBe("ImplicitlyDenied");
    expect(decide([allow(), deny({ Action: "s3:Put*" })], put({}))).toBe("ExplicitlyDenied");
  });

  it("Given actions with wildcards in any case, and NotAction, Then they match as IAM matches actions", () => {
    expect(decide([allow({ Action: "S3:put*" })], put({}))).toBe("Allowed");
    expect(decide([allow({ Action: ["sqs:*", "s3:?utObject"] })], put({}))).toBe("Allowed");
    expect(decide([allow({ Action: undefined, NotAction: ["s3:Get*", "s3:List*"] })], put({}))).toBe("Allowed");
    expect(decide([allow({ Action: undefined, NotAction: "s3:*" })], put({}))).toBe("ImplicitlyDenied");
  });

  it("Given Resource and NotResource ARNs, Then components match one by one (a * stays inside its component)", () => {
    expect(decide([allow({ Resource: "arn:aws:s3:::drop-*/*" })], put({}))).toBe("Allowed");
    expect(decide([allow({ Resource: "arn:aws:s3:::other/*" })], put({}))).toBe("ImplicitlyDenied");
    expect(decide([allow(), deny({ Resource: undefined, NotResource: "arn:aws:s3:::drop-bucket/*" })], put({}))).toBe("Allowed");
    expect(decide([allow(), deny({ Resource: undefined, NotResource: ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"] })], put({}))).toBe("ExplicitlyDenied");
    expect(arnMatch("arn:aws:sqs:*:444455556666:*", "arn:aws:sqs:us-east-1:444455556666:q")).toBe(true);
    expect(arnMatch("arn:aws:sqs:*:444455556666", "arn:aws:sqs:us-east-1:444455556666:q")).toBe(false);
    expect(arnMatch("arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:1:layer:x")).toBe(false);
  });

  it("Given principals as endpoint policies write them, Then an account principal means every principal of the account on an interface endpoint and its root user only on a gateway endpoint", () => {
    const byAccount = [allow({ Principal: { AWS: ME } })];
    const byRoot = [allow({ Principal: { AWS: `arn:aws:iam::${ME}:root` } })];
    expect(decide(byAccount, put({}), "account")).toBe("Allowed");
    expect(decide(byRoot, put({}), "account")).toBe("Allowed");
    expect(decide(byAccount, put({}), "root")).toBe("ImplicitlyDenied");
    expect(decide(byAccount, put({}, { principalArn: `arn:aws:iam::${ME}:root` }), "root")).toBe("Allowed");
    expect(decide([allow({ Principal: { AWS: "arn:aws:iam::444455556666:role/app" } })], put({}))).toBe("ImplicitlyDenied");
    expect(decide([allow({ Principal: { AWS: `arn:aws:iam::${ME}:role/app` } })], put({}, { principalArn: `arn:aws:sts::${ME}:assumed-role/app/session-1` }))).toBe("Allowed");
    expect(decide([allow({ Principal: { Service: "s3.amazonaws.com" } })], put({}))).toBe("ImplicitlyDenied");
    expect(decide([allow({ Principal: { AWS: ["*"] } })], put({}))).toBe("Allowed");
    expect(decide([allow(), deny({ Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ME}:role/app` } })], put({}))).toBe("Allowed");
    expect(decide([allow(), deny({ Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ME}:role/other` } })], put({}))).toBe("ExplicitlyDenied");
  });

  it.each([
    ["StringEquals", "444455556666", true],
    ["StringNotEquals", "444455556666", false],
    ["StringEqualsIgnoreCase", "444455556666", true],
    ["StringLike", "4444*", true],
    ["StringNotLike", "4444*", false],
    ["StringEqualsIfExists", ME, false],
    ["StringNotEqualsIfExists", ME, true],
    ["ArnLike", "*", true],
    ["ForAnyValue:StringLike", "44445555????", true],
    ["ForAllValues:StringEquals", "444455556666", true],
  ])("Given a Deny with %s on aws:ResourceAccount = %s and the resource in 444455556666, Then denied = %s", (operator, value, denied) => {
    const d = decide([allow(), deny({ Condition: { [operator]: { "aws:ResourceAccount": value } } })], put({ "aws:ResourceAccount": "444455556666" }));
    expect(d).toBe(denied ? "ExplicitlyDenied" : "Allowed");
  });

  it("Given a condition key the request does not carry, Then positive operators fail, negated ones hold, …IfExists holds, ForAnyValue fails, ForAllValues holds, Null:true holds", () => {
    const missing = (operator: string, value = ME) => decide([allow({ Condition: { [operator]: { "aws:ResourceOrgID": value } } })], put({}));
    expect(missing("StringEquals")).toBe("ImplicitlyDenied");
    expect(missing("StringNotEquals")).toBe("Allowed");
    expect(missing("StringEqualsIfExists")).toBe("Allowed");
    expect(missing("ForAnyValue:StringEquals")).toBe("ImplicitlyDenied");
    expect(missing("ForAllValues:StringEquals")).toBe("Allowed");
    expect(missing("Null", "true")).toBe("Allowed");
    expect(missing("Null", "false")).toBe("ImplicitlyDenied");
  });

  it("Given multi-valued context keys, Then ForAnyValue needs one value to match and ForAllValues needs all", () => {
    const tags = put({ "aws:TagKeys": ["team", "cost-center"] });
    expect(decide([allow({ Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": "team" } } })], tags)).toBe("Allowed");
    expect(decide([allow({ Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": "team" } } })], tags)).toBe("ImplicitlyDenied");
    expect(decide([allow({ Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "cost-center", "owner"] } } })], tags)).toBe("Allowed");
  });

  it("Given numeric, date, Bool, IpAddress and Arn operators, Then each compares as the IAM reference says", () => {
    const ctx = put({ "s3:max-keys": "50", "aws:CurrentTime": "2026-11-02T06:00:00Z", "aws:SecureTransport": "true", "aws:VpcSourceIp": "10.0.3.7", "aws:PrincipalArn": `arn:aws:iam::${ME}:role/app` });
    const holds = (condition: Record<string, unknown>) => decide([allow({ Condition: condition })], ctx) === "Allowed";
    expect(holds({ NumericLessThan: { "s3:max-keys": "100" } })).toBe(true);
    expect(holds({ NumericGreaterThanEquals: { "s3:max-keys": "51" } })).toBe(false);
    expect(holds({ DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } })).toBe(true);
    expect(holds({ DateGreaterThan: { "aws:CurrentTime": "1798761600" } })).toBe(false);
    expect(holds({ Bool: { "aws:SecureTransport": "TRUE" } })).toBe(true);
    expect(holds({ IpAddress: { "aws:VpcSourceIp": "10.0.0.0/16" } })).toBe(true);
    expect(holds({ NotIpAddress: { "aws:VpcSourceIp": ["10.0.0.0/16", "192.0.2.0/24"] } })).toBe(false);
    expect(holds({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ME}:role/*` } })).toBe(true);
    expect(holds({ ArnNotEquals: { "aws:PrincipalArn": `arn:aws:iam::${ME}:role/app` } })).toBe(false);
  });

  it("Given several keys and operators in one Condition, Then all must hold; values within a key are alternatives", () => {
    const ctx = put({ "aws:ResourceAccount": ME, "s3:ResourceAccount": ME });
    expect(decide([allow({ Condition: { StringEquals: { "aws:ResourceAccount": ["999988887777", ME], "s3:ResourceAccount": ME } } })], ctx)).toBe("Allowed");
    expect(decide([allow({ Condition: { StringEquals: { "aws:ResourceAccount": ME }, StringLike: { "s3:ResourceAccount": "9*" } } })], ctx)).toBe("ImplicitlyDenied");
  });

  it("Given policy variables, Then ${aws:PrincipalAccount} takes the request's value and ${*} stays a literal *", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceAccount": "${aws:PrincipalAccount}" } } };
    expect(decide([allow(), deny], put({ "aws:ResourceAccount": ME }))).toBe("Allowed");
    expect(decide([allow(), deny], put({ "aws:ResourceAccount": "444455556666" }))).toBe("ExplicitlyDenied");
    expect(decide([allow({ Resource: "arn:aws:s3:::drop-bucket/${*}" })], put({}))).toBe("ImplicitlyDenied");
  });

  it("Given condition keys in another case, Then they still match (keys are case-insensitive)", () => {
    expect(decide([allow({ Condition: { StringEquals: { "AWS:resourceaccount": ME } } })], put({ "aws:ResourceAccount": ME }))).toBe("Allowed");
  });

  it("Given an operator IAM does not have, Then it never hides a write: an Allow applies, a Deny does not, and the operator is reported", () => {
    const policy = parsePolicy(JSON.stringify({ Statement: [allow({ Condition: { StringSortOf: { "aws:ResourceAccount": ME } } }), deny({ Condition: { Wobbly: { "aws:ResourceAccount": ME } } })] }));
    const d = evaluatePolicy(policy, put({ "aws:ResourceAccount": ME }));
    expect(d.decision).toBe("Allowed");
    expect(d.unknownOperators.sort()).toEqual(["StringSortOf", "Wobbly"]);
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["no statement", '{"Version":"2012-10-17"}', /no Statement/],
    ["a bad effect", '{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}', /Effect must be Allow or Deny/],
    ["Action and NotAction", '{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}', /exactly one of Action and NotAction/],
    ["a numeric action", '{"Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}', /Action must be a string/],
  ])("Given %s, Then PolicyDocumentError names the problem", (_name, text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyDocumentError);
    expect(() => parsePolicy(text)).toThrow(message);
  });
});

describe("endpoint policy evaluation against @cloud-copilot/iam-simulate", () => {
  const OUT = "444455556666";
  const ORG = "o-a1b2c3d4e5";
  const keyValues: Record<string, string[]> = {
    "aws:ResourceAccount": [ME, OUT, "4444*", "*"],
    "s3:ResourceAccount": [ME, OUT, "1111????3333"],
    "aws:ResourceOrgID": [ORG, "o-ffffffffff"],
    "aws:PrincipalOrgID": [ORG, "o-ffffffffff"],
    "aws:PrincipalAccount": [ME, OUT],
  };
  const operators = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIfExists", "StringNotEqualsIfExists", "StringNotLikeIfExists", "ForAnyValue:StringLike", "ForAnyValue:StringEquals", "ForAllValues:StringNotEquals"];
  const condition = fc.oneof(
    fc.constant(undefined),
    fc.tuple(fc.constantFrom(...operators), fc.constantFrom(...Object.keys(keyValues)), fc.integer({ min: 0, max: 3 })).map(([op, key, i]) => {
      const values = keyValues[key] as string[];
      return { [op]: { [key]: values.slice(i % values.length, (i % values.length) + 1 + (i % 2)) } };
    }),
    fc.constantFrom({ Null: { "aws:ResourceOrgID": "true" } }, { Null: { "aws:ResourceOrgID": "false" } }, { Bool: { "aws:PrincipalIsAWSService": "false" } }),
  );
  const statement = fc.record({
    effect: fc.constantFrom("Allow", "Deny"),
    action: fc.constantFrom(["*"], ["s3:*"], ["s3:Put*"], ["s3:GetObject"], ["s3:PutObject", "sqs:SendMessage"]),
    notAction: fc.boolean(),
    resource: fc.constantFrom(["*"], ["arn:aws:s3:::drop-bucket/*"], ["arn:aws:s3:::other/*"], ["arn:aws:s3:::*/*"], ["arn:aws:s3:::drop-*"]),
    notResource: fc.boolean(),
    condition,
  });
  const contexts = fc.record({
    account: fc.constantFrom(ME, OUT, "000000000000"),
    resourceOrg: fc.constantFrom(ORG, "o-ffffffffff", undefined),
    principalOrg: fc.constantFrom(ORG, undefined),
  });

  it("Given 300 generated endpoint policies (Principal *) and requests, Then this evaluator decides every request as iam-simulate's endpoint-policy analysis does", async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 4 }), contexts, async (statements, ctx) => {
        const document = {
          Version: "2012-10-17",
          Statement: statements.map((s) => ({
            Effect: s.effect,
            Principal: "*",
            ...(s.notAction ? { NotAction: s.action } : { Action: s.action }),
            ...(s.notResource ? { NotResource: s.resource } : { Resource: s.resource }),
            ...(s.condition ? { Condition: s.condition } : {}),
          })),
        };
        const context: Record<string, string> = { "aws:PrincipalAccount": ME, "aws:ResourceAccount": ctx.account, "s3:ResourceAccount": ctx.account, "aws:PrincipalIsAWSService": "false" };
        if (ctx.resourceOrg) context["aws:ResourceOrgID"] = ctx.resourceOrg;
        if (ctx.principalOrg) context["aws:PrincipalOrgID"] = ctx.principalOrg;
        const request: PolicyRequest = { principalArn: `arn:aws:iam::${ME}:role/app`, action: "s3:PutObject", resource: "arn:aws:s3:::drop-bucket/key.csv", context };
        const oracle = await runSimulation(
          {
            request: { principal: request.principalArn, action: request.action, resource: { resource: request.resource, accountId: ctx.account }, contextVariables: context },
            identityPolicies: [{ name: "admin", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            vpcEndpointPolicies: [{ name: "endpoint", policy: document }],
          },
          {},
        );
        if (oracle.resultType !== "single") return; // a document iam-simulate refuses: nothing to compare
        compared++;
        const ours = evaluatePolicy(parsePolicy(JSON.stringify(document)), request).decision;
        expect({ document, context, ours }).toEqual({ document, context, ours: oracle.result.analysis.endpointAnalysis?.result });
      }),
      { seed: 20261130, numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(250);
  }, 60_000);
});
