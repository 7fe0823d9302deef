import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "interface-endpoint-private-dns-enabled",
  title: "Interface VPC endpoints of AWS services answer the service's own DNS name",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "high",
  description:
    "An available Interface endpoint of an AWS service that has a private DNS name is COMPLIANT when private DNS is " +
    "enabled, or when a Route 53 private hosted zone named exactly like the service (e.g. ssm.us-east-1.amazonaws.com) " +
    "is associated with its VPC and the VPC has DNS support and DNS hostnames on (the hub-and-spoke pattern, zones of " +
    "any account; ListHostedZonesByVPC, which does not show associations made through Route 53 Profiles). Otherwise it " +
    "is NON_COMPLIANT. S3 and DynamoDB interface endpoints (reached by endpoint-specific names; see " +
    "s3-dynamodb-endpoint-is-gateway), other accounts' endpoint services, services without a private DNS name and " +
    "endpoints in any state other than available are NOT_APPLICABLE; endpoints being deleted are not reported.",
  risk:
    "Without private DNS, clients in the VPC resolve the service's public name to public addresses: they reach it " +
    "through a NAT gateway (paying NAT data processing) or not at all, while the endpoint is billed and carries nothing. " +
    "The failure is silent: everything works, through the wrong path.",
  parameters,
  requires: ["vpcEndpoints", "vpcEndpointServices", "vpcDnsAttributes", "vpcHostedZones", "natGateways"],
  remediation: {
    text:
      "Turn on DNS hostnames and DNS support on the VPC, then enable private DNS on the endpoint. When one hub VPC " +
      "shares its endpoints with spokes, keep private DNS off and associate a private hosted zone for the service's " +
      "name (an alias to the endpoint) with every spoke VPC instead.",
    cli: [
      "# The VPC needs both DNS attributes",
      "aws ec2 modify-vpc-attribute --vpc-id vpc-0123456789abcdef0 --enable-dns-support '{\"Value\":true}'",
      "aws ec2 modify-vpc-attribute --vpc-id vpc-0123456789abcdef0 --enable-dns-hostnames '{\"Value\":true}'",
      "# Then private DNS on the endpoint",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0123456789abcdef0 --private-dns-enabled",
    ].join("\n"),
    terraform: [
      'resource "aws_vpc" "main" {',
      '  cidr_block           = "10.0.0.0/16"',
      "  enable_dns_support   = true",
      "  enable_dns_hostnames = true",
      "}",
      "",
      'resource "aws_vpc_endpoint" "ssm" {',
      "  vpc_id              = aws_vpc.main.id",
      '  service_name        = "com.amazonaws.us-east-1.ssm"',
      '  vpc_endpoint_type   = "Interface"',
      "  subnet_ids          = aws_subnet.private[*].id",
      "  security_group_ids  = [aws_security_group.endpoints.id]",
      "  private_dns_enabled = true",
      "}",
    ].join("\n"),
  },
};
