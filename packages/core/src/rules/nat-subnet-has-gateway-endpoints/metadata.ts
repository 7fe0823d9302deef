import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {
  services: {
    type: "enumList",
    description: "Services whose traffic must bypass the NAT gateway through a gateway endpoint: s3, dynamodb or s3,dynamodb.",
    values: ["s3", "dynamodb"],
    default: ["s3"],
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "nat-subnet-has-gateway-endpoints",
  title: "Subnets behind a NAT gateway reach S3/DynamoDB through gateway endpoints",
  resourceType: ResourceTypes.Subnet,
  severity: "medium",
  description:
    "For each subnet, finds its effective route table (the explicit association, else the main route table of the " +
    "subnet's own VPC). When its default route (0.0.0.0/0) goes to a NAT gateway, the table must be attached to an " +
    "available gateway endpoint of each service in `services` in the same VPC; otherwise that traffic pays NAT " +
    "processing. Public subnets (default route to an internet gateway), isolated subnets (no default route) and " +
    "subnets whose default route goes elsewhere (transit gateway, peering, instance, …) are NOT_APPLICABLE.",
  risk:
    "Without a gateway endpoint, S3 and DynamoDB traffic from private subnets goes through the NAT gateway and is " +
    "billed per GB processed ($0.045/GB in us-east-1), while a gateway endpoint is free and keeps the traffic off " +
    "the internet path.",
  parameters,
  requires: ["subnets", "routeTables", "vpcEndpoints", "natGateways"],
  remediation: {
    text:
      "Attach the subnet's route table to the VPC's S3 (and DynamoDB) gateway endpoint, creating the endpoint if the " +
      "VPC has none. Gateway endpoints are free and add a prefix-list route that takes precedence over the NAT route.",
    cli: [
      "# The VPC already has a gateway endpoint: attach the route table",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0123456789abcdef0 --add-route-table-ids rtb-0123456789abcdef0",
      "# Or create one",
      "aws ec2 create-vpc-endpoint --vpc-endpoint-type Gateway --vpc-id vpc-0123456789abcdef0 \\",
      "  --service-name com.amazonaws.us-east-1.s3 --route-table-ids rtb-0123456789abcdef0",
    ].join("\n"),
    terraform: [
      'resource "aws_vpc_endpoint" "s3" {',
      "  vpc_id            = aws_vpc.main.id",
      '  service_name      = "com.amazonaws.us-east-1.s3"',
      '  vpc_endpoint_type = "Gateway"',
      "}",
      "",
      'resource "aws_vpc_endpoint_route_table_association" "private_s3" {',
      "  count           = length(aws_route_table.private)",
      "  vpc_endpoint_id = aws_vpc_endpoint.s3.id",
      "  route_table_id  = aws_route_table.private[count.index].id",
      "}",
    ].join("\n"),
  },
};
