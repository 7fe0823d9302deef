import { describe, expect, it } from "vitest";
import { FIXTURE_ACCOUNT_ID, InventoryBuilder, findingFor, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

const ME = FIXTURE_ACCOUNT_ID; // 111122223333
const ORG = "o-a1b2c3d4e5";
const OUTSIDE = "444455556666";
const PARTNER = "777788889999";

/** AWS's default endpoint policy, as DescribeVpcEndpoints returns it for an interface endpoint. */
const AWS_DEFAULT = '{\n  "Statement": [\n    {\n      "Action": "*",\n      "Effect": "Allow",\n      "Principal": "*",\n      "Resource": "*"\n    }\n  ]\n}';

/** The article's seed policy: read one bucket, and deny every S3 call to a bucket another account owns. */
const seed = (account: string): string =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AllowReadOfAppBucket", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::app-artifacts/*" },
      { Sid: "DenyOtherAccounts", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringNotEquals: { "s3:ResourceAccount": account } } },
    ],
  });

/** aws-samples/data-perimeter-policy-examples vpc_endpoint_policies/default_endpoint_policy.json, placeholders filled. */
const PERIMETER_DEFAULT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "AllowRequestsByOrgsIdentitiesToOrgsResources", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG } } },
    { Sid: "AllowRequestsByAWSServicePrincipals", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { Bool: { "aws:PrincipalIsAWSService": "true" } } },
    { Sid: "AllowRequestsByOrgsIdentitiesToAnyResources", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:PrincipalTag/dp:exclude:resource": "true" } } },
  ],
});

/** …/s3_endpoint_policy.json (AWS-owned buckets shortened), third parties 777788889999 and 444455556666, action s3:PutObject. */
const PERIMETER_S3 = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "AllowRequestsByOrgsIdentitiesToOrgsResources", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG } } },
    { Sid: "AllowRequestsByAWSServicePrincipals", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*", Condition: { Bool: { "aws:PrincipalIsAWSService": "true" } } },
    { Sid: "AllowRequestsToAWSOwnedResources", Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::packages.us-east-1.amazonaws.com/*", "arn:aws:s3:::amazonlinux-2-repos-us-east-1/*", "arn:aws:s3:::aws-ssm-us-east-1/*"] },
    {
      Sid: "AllowRequestsByThirdPartyIdentitiesToThirdPartyResources",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::partner-dropbox/*",
      Condition: { StringEquals: { "aws:PrincipalAccount": [PARTNER, OUTSIDE], "aws:ResourceAccount": [PARTNER, OUTSIDE] } },
    },
    {
      Sid: "AllowRequestsByOrgsIdentitiesToThirdPartyResources",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::partner-dropbox/*",
      Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:ResourceAccount": [PARTNER, OUTSIDE] } },
    },
    { Sid: "AllowRequestsByOrgsIdentitiesToAnyResources", Effect: "Allow", Principal: { AWS: "*" }, Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:PrincipalTag/resource-perimeter-exception": "true" } } },
  ],
});

/** …/lambda_endpoint_policy.json, AWS's layer account 580247275435 for <service-account-id>. */
const PERIMETER_LAMBDA = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "AllowRequestsByOrgsIdentitiesToOrgsResources", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG } } },
    { Sid: "AllowRequestsByAWSServicePrincipals", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { Bool: { "aws:PrincipalIsAWSService": "true" } } },
    { Sid: "AllowRequestsByOrgsIdentitiesToAWSResources", Effect: "Allow", Principal: "*", Action: "*", Resource: ["arn:aws:lambda:*:580247275435:layer:*"], Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } },
    { Sid: "AllowRequestsByOrgsIdentitiesToAnyResources", Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:PrincipalTag/dp:exclude:resource": "true" } } },
  ],
});

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
const allowAll = { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" };

/** One endpoint of `service` with `policyDocument` (null: none) in a fresh VPC; `org` sets what DescribeOrganization answers. */
function endpoint(
  policyDocument: string | null,
  options: { service?: string; type?: "Gateway" | "Interface"; org?: string | { errorCode: string }; buckets?: string[]; state?: "available" | "pending" } = {},
) {
  const b = new InventoryBuilder();
  const vpcId = b.vpc();
  const service = options.service ?? "s3";
  if (typeof options.org === "string") b.organization({ id: options.org });
  else if (options.org) b.organization(options.org);
  for (const name of options.buckets ?? []) b.bucket({ name });
  const id =
    options.type === "Gateway"
      ? b.gatewayEndpoint({ vpcId, service: service as "s3" | "dynamodb", policyDocument, state: options.state })
      : b.interfaceEndpoint({ vpcId, service, policyDocument, state: options.state, subnetIds: [b.subnet({ vpcId })] });
  return { b, id, run: (params: Record<string, unknown> = {}) => findingFor(runRule(rule, b.build(), params), id) };
}

describe("endpoint-policy-blocks-exfiltration", () => {
  describe("scope", () => {
    it("Given endpoints of services that take no probed write, another region's S3 and a Gateway Load Balancer endpoint, Then each is NOT_APPLICABLE", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const ssm = b.interfaceEndpoint({ vpcId, service: "ssm" });
      const otherRegion = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.eu-west-1.s3" });
      const gwlb = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718", type: "GatewayLoadBalancer" });
      const findings = runRule(rule, b.build());
      for (const id of [ssm, otherRegion, gwlb]) expect(findingFor(findings, id).compliance).toBe("NOT_APPLICABLE");
      expect(findingFor(findings, ssm).annotation).toBe(`${ssm} (com.amazonaws.us-east-1.ssm) is not an endpoint whose writes this rule probes.`);
    });

    it("Given services=s3 only, Then an SQS endpoint is NOT_APPLICABLE and an S3 one is judged", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const sqs = b.interfaceEndpoint({ vpcId, service: "sqs" });
      const s3 = b.gatewayEndpoint({ vpcId, service: "s3" });
      const findings = runRule(rule, b.build(), { services: "s3" });
      expect(findingFor(findings, sqs).compliance).toBe("NOT_APPLICABLE");
      expect(findingFor(findings, s3).compliance).toBe("NON_COMPLIANT");
    });

    it("Given an endpoint being deleted, Then it is not reported; Given one pending, Then NOT_APPLICABLE", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      b.interfaceEndpoint({ vpcId, service: "sqs", state: "deleting" });
      const pending = b.interfaceEndpoint({ vpcId, service: "sqs", state: "pending" });
      const findings = runRule(rule, b.build());
      expect(findings.map((f) => f.resourceId)).toEqual([pending]);
      expect(findings[0]?.annotation).toBe(`${pending} is pending: it carries no request yet; judged once available.`);
    });
  });

  describe("full access", () => {
    it("Given an S3 gateway endpoint without a policy document, Then NON_COMPLIANT: any principal may write to any account's buckets", () => {
      const { id, run } = endpoint(null, { type: "Gateway" });
      expect(run()).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation:
          `S3 gateway endpoint lets any principal s3:PutObject to buckets of any account: it has no policy (full access). ` +
          `Add a Deny on s3:* where s3:ResourceAccount is not ${ME}.`,
      });
    });

    it("Given the account in no organization (the builder's default), When DescribeOrganization is refused instead, Then the same finding ends '(org unknown)'", () => {
      const none = endpoint(null, { type: "Gateway" }).run();
      const refused = endpoint(null, { type: "Gateway", org: { errorCode: "AccessDeniedException" } }).run();
      expect(none.annotation).not.toContain("org unknown");
      expect(refused.annotation).toBe(`${none.annotation} (org unknown)`);
    });

    it("Given AWS's default policy on an SQS interface endpoint and a known organization, Then NON_COMPLIANT naming the missing limit and a Deny on aws:ResourceOrgID", () => {
      const { id, run } = endpoint(AWS_DEFAULT, { service: "sqs", org: ORG });
      expect(run()).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation: `SQS interface endpoint lets any principal sqs:SendMessage to queues of any account: nothing limits aws:ResourceAccount or aws:ResourceOrgID. Add a Deny on sqs:* where aws:ResourceOrgID is not ${ORG}.`,
      });
    });

    it.each(["dynamodb", "sns", "kinesis-streams", "lambda"])("Given AWS's default policy on a %s endpoint, Then NON_COMPLIANT", (service) => {
      expect(endpoint(AWS_DEFAULT, { service }).run().compliance).toBe("NON_COMPLIANT");
    });
  });

  describe("real policies", () => {
    it("Given the seed policy with the account's own id, Then COMPLIANT", () => {
      const { run } = endpoint(seed(ME), { type: "Gateway" });
      const f = run();
      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toMatch(new RegExp(`^S3 gateway endpoint allows no s3:PutObject outside ${ME} \\(\\d+ resources of other accounts probed\\)`));
    });

    it("Given the seed policy with another account's id, Then COMPLIANT all the same: its only Allow is GetObject, so no write is allowed anywhere", () => {
      expect(endpoint(seed(OUTSIDE), { type: "Gateway" }).run().compliance).toBe("COMPLIANT");
    });

    it("Given Allow * and the seed's Deny naming another account, Then NON_COMPLIANT: writes go to that account's buckets; trusting it, COMPLIANT", () => {
      const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringNotEquals: { "s3:ResourceAccount": OUTSIDE } } });
      const { run } = endpoint(document, { type: "Gateway" });
      expect(run().annotation).toBe(
        `S3 gateway endpoint lets any principal s3:PutObject to buckets of account ${OUTSIDE}: allowed by an Allow. Add a Deny on s3:* where s3:ResourceAccount is not ${ME}.`,
      );
      expect(run({ trustedAccounts: OUTSIDE }).compliance).toBe("COMPLIANT");
    });

    it.each([
      ["default_endpoint_policy.json on SQS", PERIMETER_DEFAULT, "sqs"],
      ["default_endpoint_policy.json on DynamoDB", PERIMETER_DEFAULT, "dynamodb"],
      ["lambda_endpoint_policy.json on Lambda", PERIMETER_LAMBDA, "lambda"],
    ])("Given AWS's data-perimeter example %s with the account's organization, Then COMPLIANT", (_name, document, service) => {
      expect(endpoint(document, { service, org: ORG }).run().compliance).toBe("COMPLIANT");
    });

    it("Given AWS's s3_endpoint_policy.json allowing the organization's writes to two third parties, Then NON_COMPLIANT naming one; trusting both, COMPLIANT", () => {
      const { run } = endpoint(PERIMETER_S3, { org: ORG });
      const f = run();
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toMatch(new RegExp(`^S3 interface endpoint lets any principal s3:PutObject to buckets of (account ${OUTSIDE}|account ${PARTNER}|bucket partner-dropbox \\(not the account's\\)): allowed by AllowRequestsByOrgsIdentitiesToThirdPartyResources\\.`));
      expect(run({ trustedAccounts: `${PARTNER},${OUTSIDE}` }).compliance).toBe("COMPLIANT");
    });

    it("Given the data-perimeter default policy but DescribeOrganization was refused, Then the policy's organization is not trusted (NON_COMPLIANT, saying the organization is unknown) unless trustedOrgIds names it", () => {
      const refused = endpoint(PERIMETER_DEFAULT, { service: "sqs", org: { errorCode: "AccessDeniedException" } });
      const f = refused.run();
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`sqs:SendMessage to queues of an account of ${ORG}: allowed by AllowRequestsByOrgsIdentitiesToOrgsResources.`);
      expect(f.annotation).toMatch(/\(org unknown\)$/);
      expect(f.annotation.length).toBeLessThanOrEqual(256);
      expect(refused.run({ trustedOrgIds: ORG }).compliance).toBe("COMPLIANT");
    });
  });

  describe("policy semantics", () => {
    it("Given an Allow with NotAction s3:Delete* (writes included) and nothing limiting accounts, Then NON_COMPLIANT", () => {
      expect(endpoint(policy({ Effect: "Allow", Principal: "*", NotAction: "s3:Delete*", Resource: "*" })).run().compliance).toBe("NON_COMPLIANT");
    });

    it("Given an Allow with NotAction s3:Put* (the write excluded), Then COMPLIANT", () => {
      expect(endpoint(policy({ Effect: "Allow", Principal: "*", NotAction: "s3:Put*", Resource: "*" })).run().compliance).toBe("COMPLIANT");
    });

    it("Given Allow * and a Deny with NotResource on the account's own bucket, Then writes to other buckets are denied: COMPLIANT", () => {
      const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "s3:*", NotResource: ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"] });
      expect(endpoint(document, { buckets: ["app-data"] }).run().compliance).toBe("COMPLIANT");
    });

    it("Given an Allow of PutObject on a bucket the account does not own, Then NON_COMPLIANT naming the bucket; when it owns it, COMPLIANT", () => {
      const document = policy({ Sid: "UploadsToDropbox", Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::dropbox-7f3a/*" });
      const foreign = endpoint(document);
      expect(foreign.run().annotation).toContain("s3:PutObject to buckets of bucket dropbox-7f3a (not the account's): allowed by UploadsToDropbox.");
      expect(endpoint(document, { buckets: ["dropbox-7f3a"] }).run().compliance).toBe("COMPLIANT");
    });

    it("Given a Deny with StringNotEqualsIfExists on aws:ResourceAccount, Then COMPLIANT (the key is always present and not the account)", () => {
      const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEqualsIfExists: { "aws:ResourceAccount": [ME] } } });
      expect(endpoint(document, { service: "sns" }).run().compliance).toBe("COMPLIANT");
    });

    it("Given a Deny with StringNotEqualsIfExists on aws:ResourceOrgID, Then an account in no organization is caught too (IfExists holds when the key is absent): COMPLIANT", () => {
      const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEqualsIfExists: { "aws:ResourceOrgID": ORG } } });
      expect(endpoint(document, { service: "sns", org: ORG }).run().compliance).toBe("COMPLIANT");
    });

    it("Given an Allow with StringEqualsIfExists on aws:ResourceOrgID, Then an account in no organization is allowed (key absent): NON_COMPLIANT", () => {
      const document = policy({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEqualsIfExists: { "aws:ResourceOrgID": ORG } } });
      const f = endpoint(document, { service: "sns", org: ORG }).run();
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain("sns:Publish to topics of any account");
    });

    it("Given an Allow with ForAnyValue:StringLike on aws:ResourceAccount matching the account only, Then COMPLIANT; with a pattern matching any account, NON_COMPLIANT", () => {
      const only = policy({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringLike": { "aws:ResourceAccount": ["1111222233*"] } } });
      const any = policy({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringLike": { "aws:ResourceAccount": ["*"] } } });
      expect(endpoint(only, { service: "dynamodb" }).run().compliance).toBe("COMPLIANT");
      expect(endpoint(any, { service: "dynamodb" }).run().compliance).toBe("NON_COMPLIANT");
    });

    it("Given an Allow listing several accounts in aws:ResourceAccount, Then each untrusted one is probed: NON_COMPLIANT naming it; trusting it, COMPLIANT", () => {
      const document = policy({ Effect: "Allow", Principal: "*", Action: "kinesis:*", Resource: "*", Condition: { StringEquals: { "aws:ResourceAccount": [ME, OUTSIDE] } } });
      expect(endpoint(document, { service: "kinesis-streams" }).run().annotation).toContain(`kinesis:PutRecord to streams of account ${OUTSIDE}: allowed by an Allow.`);
      expect(endpoint(document, { service: "kinesis-streams" }).run({ trustedAccounts: OUTSIDE }).compliance).toBe("COMPLIANT");
    });

    it("Given a Deny on other accounts that exempts one outside account, Then NON_COMPLIANT naming the exempted account", () => {
      const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceAccount": [ME, OUTSIDE] } } });
      expect(endpoint(document, { service: "sqs" }).run().annotation).toContain(`sqs:SendMessage to queues of account ${OUTSIDE}`);
    });

    it("Given an Allow naming a queue ARN in another account, Then NON_COMPLIANT; a layer ARN for Lambda is not a function: COMPLIANT", () => {
      const queue = policy({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:${OUTSIDE}:ingest` });
      expect(endpoint(queue, { service: "sqs" }).run().annotation).toContain(`to queues of account ${OUTSIDE}`);
      const layer = policy({ Effect: "Allow", Principal: "*", Action: "*", Resource: `arn:aws:lambda:*:${OUTSIDE}:layer:*` });
      expect(endpoint(layer, { service: "lambda" }).run().compliance).toBe("COMPLIANT");
    });

    it("Given an Allow for one named role of the account to write anywhere, Then NON_COMPLIANT naming the role", () => {
      const document = policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ME}:role/etl` }, Action: "s3:PutObject", Resource: "*" });
      expect(endpoint(document).run().annotation).toContain("lets role/etl s3:PutObject to buckets of any account");
    });

    it("Given Principal {AWS: account} on a gateway endpoint, Then only the root user is allowed (AWS's documented meaning): COMPLIANT; on an interface endpoint every principal of the account: NON_COMPLIANT", () => {
      const document = policy({ Effect: "Allow", Principal: { AWS: ME }, Action: "*", Resource: "*" });
      expect(endpoint(document, { type: "Gateway" }).run().compliance).toBe("COMPLIANT");
      expect(endpoint(document, { type: "Interface" }).run().compliance).toBe("NON_COMPLIANT");
    });

    it("Given a Deny on aws:ResourceOrgID with the account's organization known, Then COMPLIANT; the same policy for an organization DescribeOrganization does not name, NON_COMPLIANT", () => {
      const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceOrgID": ORG } } });
      expect(endpoint(document, { service: "sqs", org: ORG }).run().compliance).toBe("COMPLIANT");
      // The policy's org is a different one: its accounts are outside ours.
      const f = endpoint(document, { service: "sqs", org: "o-ffffffffff" }).run();
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`queues of an account of ${ORG}`);
    });

    it("Given a policy that is not valid JSON, Then NOT_APPLICABLE naming the problem", () => {
      const f = endpoint('{"Statement": [ {"Effect": "Allow"').run();
      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toMatch(/its policy cannot be evaluated: the policy is not JSON/);
    });
  });

  describe("annotation length", () => {
    it("Given the longest annotation (a named role, a bucket, the org note), Then it fits AWS Config's 256 characters", () => {
      const document = policy({ Sid: "AllowTheEtlPipelineToUploadEverywhereItWantsToGo", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ME}:role/service-role/etl-pipeline-uploader-with-a-long-name` }, Action: "s3:PutObject", Resource: "arn:aws:s3:::a-bucket-with-a-name-that-is-as-long-as-they-come-0123456789/*" });
      const f = endpoint(document).run();
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain("etl-pipeline-uploader");
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });
  });
});
