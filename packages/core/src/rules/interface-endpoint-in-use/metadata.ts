import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {
  lookbackDays: {
    type: "integer",
    description: "Days of CloudWatch BytesProcessed to look at (hourly data is kept 455 days).",
    default: 30,
    minimum: 1,
    maximum: 455,
  },
  minAgeDays: {
    type: "integer",
    description: "Endpoints created fewer than this many days ago are too new to judge.",
    default: 7,
    minimum: 0,
    maximum: 455,
  },
  maxBytes: {
    type: "integer",
    description: "An endpoint that processed at most this many bytes in the window counts as idle.",
    default: 0,
    minimum: 0,
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "interface-endpoint-in-use",
  title: "Interface VPC endpoints carry traffic",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "low",
  description:
    "Interface VPC endpoints that processed at most maxBytes bytes (CloudWatch AWS/PrivateLinkEndpoints BytesProcessed) " +
    "in the last lookbackDays days are NON_COMPLIANT, as are endpoints that were rejected, failed or expired and can never " +
    "carry traffic. Endpoints waiting for acceptance and endpoints younger than minAgeDays are NOT_APPLICABLE; endpoints " +
    "being deleted are not reported. Gateway and other endpoint types are not evaluated.",
  risk:
    "An interface endpoint is billed per AZ-hour whether or not anything uses it (about $7.30 per AZ per month in " +
    "us-east-1). Idle endpoints repeated across VPCs and accounts add up to a steady, invisible cost.",
  parameters,
  requires: ["vpcEndpoints", "endpointMetrics"],
  metrics: (params) => ({ days: params.lookbackDays, names: ["BytesProcessed"] }),
  remediation: {
    text:
      "Delete endpoints nothing uses. When several VPCs need the same service, keep one endpoint in a hub VPC and " +
      "share it (transit gateway or peering, plus a Route 53 private hosted zone associated with the spoke VPCs) " +
      "instead of one endpoint per VPC.",
    cli: [
      "# Confirm it is idle: BytesProcessed over the last 30 days",
      "aws cloudwatch get-metric-statistics --namespace AWS/PrivateLinkEndpoints --metric-name BytesProcessed \\",
      "  --dimensions Name='Endpoint Type',Value=Interface Name='Service Name',Value=com.amazonaws.us-east-1.ssm \\",
      "    Name='VPC Endpoint Id',Value=vpce-0123456789abcdef0 Name='VPC Id',Value=vpc-0123456789abcdef0 \\",
      "  --statistics Sum --period 86400 --start-time $(date -u -d '-30 days' +%FT%TZ) --end-time $(date -u +%FT%TZ)",
      "# Delete it",
      "aws ec2 delete-vpc-endpoints --vpc-endpoint-ids vpce-0123456789abcdef0",
    ].join("\n"),
    terraform: [
      "# Remove the idle endpoint: drop its block, or switch it off where nothing uses it.",
      'resource "aws_vpc_endpoint" "ssm" {',
      "  count               = var.ssm_endpoint_enabled ? 1 : 0",
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
