import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

/** The services probed and the write each probe attempts. */
export const WRITE_PROBES = {
  s3: { action: "s3:PutObject", label: "S3", noun: "buckets" },
  dynamodb: { action: "dynamodb:PutItem", label: "DynamoDB", noun: "tables" },
  sqs: { action: "sqs:SendMessage", label: "SQS", noun: "queues" },
  sns: { action: "sns:Publish", label: "SNS", noun: "topics" },
  "kinesis-streams": { action: "kinesis:PutRecord", label: "Kinesis", noun: "streams" },
  lambda: { action: "lambda:InvokeFunction", label: "Lambda", noun: "functions" },
} as const;
export type ProbedService = keyof typeof WRITE_PROBES;
const SERVICES = Object.keys(WRITE_PROBES) as ProbedService[];

const parameters = {
  services: {
    type: "enumList",
    description: "Endpoints of these services are probed, each with one write: s3 PutObject, dynamodb PutItem, sqs SendMessage, sns Publish, kinesis-streams PutRecord, lambda InvokeFunction.",
    values: SERVICES,
    default: SERVICES,
  },
  trustedAccounts: {
    type: "stringList",
    description: "Accounts whose resources may receive writes, besides the audited account (always trusted).",
    item: "a 12-digit account id",
    pattern: /^\d{12}$/,
    default: [],
    emptyMeans: "the audited account only",
  },
  trustedOrgIds: {
    type: "stringList",
    description:
      "Organizations whose accounts' resources may receive writes, besides the audited account's own organization (trusted when organizations:DescribeOrganization names it).",
    item: "an organization id (o- and 10 to 32 lower-case letters or digits)",
    pattern: /^o-[a-z0-9]{10,32}$/,
    default: [],
    emptyMeans: "the audited account's organization, when DescribeOrganization names it",
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "endpoint-policy-blocks-exfiltration",
  title: "Endpoint policies keep writes inside the trusted accounts",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "high",
  description:
    "Evaluates the policy of every available gateway and interface endpoint of S3, DynamoDB, SQS, SNS, Kinesis Data " +
    "Streams and Lambda with IAM's rules (explicit Deny wins, an Allow is needed; every condition operator, …IfExists, " +
    "ForAnyValue/ForAllValues, NotAction/NotResource/NotPrincipal, wildcards and policy variables), for writes a " +
    "principal of the audited account would make to resources of accounts outside the trusted set: a fresh account in a " +
    "fresh organization, every account and organization the policy names that is not trusted, and every S3 bucket an " +
    "Allow names that the account does not own. Each request carries aws:PrincipalAccount, aws:PrincipalArn, " +
    "aws:PrincipalOrgID, aws:ResourceAccount, aws:ResourceOrgID, s3:ResourceAccount, aws:SourceVpce and aws:SourceVpc. " +
    "NON_COMPLIANT when any such write is allowed (no policy means AWS's full-access default); COMPLIANT otherwise; " +
    "other endpoints NOT_APPLICABLE.",
  risk:
    "An endpoint that lets any principal write to any account's resources is an exfiltration path that does not touch " +
    "the internet: stolen credentials (or an insider) can copy data to a bucket, queue or table the attacker owns, and " +
    "no NAT gateway, firewall or flow log shows it as leaving the network.",
  parameters,
  requires: ["vpcEndpoints", "s3Buckets", "organization"],
  remediation: {
    text:
      "Add a Deny to the endpoint policy for requests to resources outside your accounts or organization, e.g. Deny s3:* " +
      "where s3:ResourceAccount is not your account id (or, for an organization, aws:ResourceOrgID is not your " +
      "organization id), keeping the Allows the workloads need. AWS's data-perimeter examples " +
      "(aws-samples/data-perimeter-policy-examples, vpc_endpoint_policies) show one per service.",
    cli: [
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0123456789abcdef0 --policy-document file://endpoint-policy.json",
      "# endpoint-policy.json: the Allows you need plus",
      '#   {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",',
      '#    "Condition":{"StringNotEquals":{"s3:ResourceAccount":"123456789012"}}}',
    ].join("\n"),
    terraform: [
      'resource "aws_vpc_endpoint_policy" "s3" {',
      "  vpc_endpoint_id = aws_vpc_endpoint.s3.id",
      "  policy = jsonencode({",
      '    Version = "2012-10-17"',
      "    Statement = [",
      "      {",
      '        Sid       = "AllowAll"',
      '        Effect    = "Allow"',
      '        Principal = "*"',
      '        Action    = "*"',
      '        Resource  = "*"',
      "      },",
      "      {",
      '        Sid       = "DenyOtherAccounts"',
      '        Effect    = "Deny"',
      '        Principal = "*"',
      '        Action    = "s3:*"',
      '        Resource  = "*"',
      "        Condition = {",
      '          StringNotEquals = { "s3:ResourceAccount" = "123456789012" }',
      "        }",
      "      }",
      "    ]",
      "  })",
      "}",
    ].join("\n"),
  },
};
