import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {
  allowAnySource: {
    type: "boolean",
    description:
      "Whether an inbound rule open to 0.0.0.0/0 or ::/0 may be what admits the VPC's clients. With false, such a rule makes the endpoint NON_COMPLIANT: narrow it to the VPC's blocks or client security groups.",
    default: true,
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "interface-endpoint-reachable-from-vpc",
  title: "Interface endpoints admit their VPC's clients",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "medium",
  description:
    "An available interface endpoint is COMPLIANT when at least one of its security groups has an inbound rule admitting " +
    "TCP on the service's port — 443 for AWS services, any TCP port for endpoint services of other accounts — from the " +
    "VPC: a source block that overlaps one of the VPC's associated IPv4 or IPv6 blocks (primary or secondary), a " +
    "referenced security group, or a prefix list. Otherwise it is NON_COMPLIANT, naming its groups and the VPC's blocks. " +
    "Gateway and Gateway Load Balancer endpoints are not evaluated; interface endpoints being deleted are not reported, " +
    "in any other state than available they are NOT_APPLICABLE.",
  risk:
    "Clients whose traffic the endpoint's security groups drop do not fail fast: connections time out, and with private " +
    "DNS on, every call to the service from the VPC hangs. The endpoint is billed all the same.",
  parameters,
  requires: ["vpcs", "vpcEndpoints", "securityGroups"],
  remediation: {
    text:
      "Add an inbound rule to one of the endpoint's security groups for TCP 443 (the endpoint service's port for other " +
      "endpoint services) from the VPC's CIDR blocks, or from the security groups of the clients. Keep 0.0.0.0/0 out of " +
      "endpoint security groups: the endpoint only needs its VPC's clients.",
    cli: [
      "aws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 \\",
      "  --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/16,Description=clients in the VPC}]'",
      "# Or attach a group that already admits the VPC:",
      "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0123456789abcdef0 --add-security-group-ids sg-0fedcba9876543210",
    ].join("\n"),
    terraform: [
      'resource "aws_vpc_security_group_ingress_rule" "endpoint_https" {',
      "  security_group_id = aws_security_group.endpoints.id",
      "  cidr_ipv4         = aws_vpc.main.cidr_block",
      '  ip_protocol       = "tcp"',
      "  from_port         = 443",
      "  to_port           = 443",
      '  description       = "HTTPS from clients in the VPC"',
      "}",
    ].join("\n"),
  },
};
