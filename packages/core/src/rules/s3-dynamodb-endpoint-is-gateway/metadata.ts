import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "s3-dynamodb-endpoint-is-gateway",
  title: "S3 and DynamoDB endpoints are gateway endpoints unless hybrid clients need them",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "low",
  description:
    "Interface endpoints for com.amazonaws.<region>.s3 and com.amazonaws.<region>.dynamodb are NON_COMPLIANT unless their " +
    "VPC has hybrid or transit reach (a VPN gateway attached to it, an available transit-gateway VPC attachment, or an " +
    "active peering connection to a VPC in another region), because a free gateway endpoint serves every client inside " +
    "the VPC. Hybrid VPCs are COMPLIANT: gateway endpoints cannot serve on-premises, transit-gateway or cross-region " +
    "peered clients. Other endpoints are not evaluated; endpoints being deleted are not reported, and endpoints in any " +
    "state other than available are NOT_APPLICABLE.",
  risk:
    "An S3 or DynamoDB interface endpoint costs per AZ-hour plus per GB processed, while a gateway endpoint for the " +
    "same service is free. In a VPC with no hybrid or transit clients the interface endpoint is pure cost.",
  parameters,
  requires: ["vpcEndpoints", "vpnGateways", "transitGatewayAttachments", "vpcPeeringConnections"],
  remediation: {
    text:
      "Create a gateway endpoint for the service, attach it to the route tables of the VPC's subnets, move clients " +
      "that use the interface endpoint's endpoint-specific DNS names to the regional name, then delete the interface " +
      "endpoint. In a hybrid VPC keep both and set PrivateDnsOnlyForInboundResolverEndpoint on the interface " +
      "endpoint, so in-VPC traffic goes to the free gateway endpoint and only on-premises traffic to the interface one.",
    cli: [
      "aws ec2 create-vpc-endpoint --vpc-endpoint-type Gateway --vpc-id vpc-0123456789abcdef0 \\",
      "  --service-name com.amazonaws.us-east-1.s3 --route-table-ids rtb-0123456789abcdef0 rtb-0fedcba9876543210",
      "aws ec2 delete-vpc-endpoints --vpc-endpoint-ids vpce-0123456789abcdef0",
      "# Hybrid VPC: keep the interface endpoint for on-premises clients only",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0123456789abcdef0 \\",
      "  --dns-options PrivateDnsOnlyForInboundResolverEndpoint=true",
    ].join("\n"),
    terraform: [
      'resource "aws_vpc_endpoint" "s3_gateway" {',
      "  vpc_id            = aws_vpc.main.id",
      '  service_name      = "com.amazonaws.us-east-1.s3"',
      '  vpc_endpoint_type = "Gateway"',
      "  route_table_ids   = aws_route_table.private[*].id",
      "}",
      "",
      "# Hybrid VPC only: keep the interface endpoint for on-premises clients.",
      'resource "aws_vpc_endpoint" "s3_interface" {',
      "  vpc_id              = aws_vpc.main.id",
      '  service_name        = "com.amazonaws.us-east-1.s3"',
      '  vpc_endpoint_type   = "Interface"',
      "  subnet_ids          = aws_subnet.private[*].id",
      "  private_dns_enabled = true",
      "  dns_options {",
      "    private_dns_only_for_inbound_resolver_endpoint = true",
      "  }",
      "  depends_on = [aws_vpc_endpoint.s3_gateway]",
      "}",
    ].join("\n"),
  },
};
