import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {
  minAzs: {
    type: "integer",
    description: "Availability Zones an endpoint must have a network interface in, at least (when its VPC and service allow).",
    default: 2,
    minimum: 1,
    maximum: 6,
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "interface-endpoint-multi-az",
  title: "Interface VPC endpoints are in every Availability Zone their clients are in",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "medium",
  description:
    "An available Interface endpoint is COMPLIANT when it has a network interface in every Availability Zone in which " +
    "its VPC has a subnet and its service is offered (DescribeVpcEndpointServices), and in at least minAzs zones. " +
    "Otherwise it is NON_COMPLIANT, naming the missing zones and a subnet of the VPC in each that could host the " +
    "interface. Endpoints whose service is offered in fewer than minAzs of the VPC's zones, or is not listed for the " +
    "account, and endpoints in any state other than available are NOT_APPLICABLE; endpoints being deleted are not " +
    "reported. Gateway and other endpoint types are not evaluated.",
  risk:
    "Clients in a zone without an interface of the endpoint cross zones to reach it (inter-AZ data transfer, about " +
    "$0.01/GB each way in us-east-1) and lose it when that other zone fails; an endpoint in one subnet also caps the " +
    "bandwidth at one network interface. Each added zone costs one more AZ-hour (about $7.30 a month in us-east-1).",
  parameters,
  requires: ["vpcEndpoints", "vpcEndpointServices", "subnets"],
  remediation: {
    text:
      "Add a subnet in each missing zone to the endpoint (one network interface per zone). Where the VPC has no subnet " +
      "in a second zone the service is offered in, create one first. Weigh the cost of each added zone against the " +
      "inter-AZ traffic and the outage it prevents.",
    cli: [
      "# The zones the service is offered in",
      "aws ec2 describe-vpc-endpoint-services --service-names com.amazonaws.us-east-1.ssm \\",
      "  --query 'ServiceDetails[].AvailabilityZones'",
      "# Add a subnet (one network interface) in each missing zone",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0123456789abcdef0 --add-subnet-ids subnet-0123456789abcdef1",
    ].join("\n"),
    terraform: [
      "# One subnet per zone the VPC uses, e.g. every private subnet.",
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
