import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {
  lookbackDays: {
    type: "integer",
    description: "Days of CloudWatch PacketsDropped to add up (1-minute data is kept 15 days, hourly 455).",
    default: 7,
    minimum: 1,
    maximum: 455,
  },
  maxPacketsDropped: {
    type: "integer",
    description: "Packets an endpoint may drop in the window and still be COMPLIANT.",
    default: 0,
    minimum: 0,
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "interface-endpoint-healthy",
  title: "Interface VPC endpoints do not drop packets",
  resourceType: ResourceTypes.VpcEndpoint,
  severity: "medium",
  description:
    "An available Interface endpoint created at least lookbackDays days ago is NON_COMPLIANT when its CloudWatch " +
    "PacketsDropped (AWS/PrivateLinkEndpoints) summed over the last lookbackDays days exceeds maxPacketsDropped, and " +
    "COMPLIANT otherwise (an endpoint that published no datapoint dropped nothing). Younger endpoints and endpoints in " +
    "any state other than available are NOT_APPLICABLE; endpoints being deleted are not reported. When the metric was " +
    "not collected for the whole window the rule reports an error, never a verdict.",
  risk:
    "Dropped packets fail silently: clients retry, time out or fall back to other paths. Endpoints drop packets larger " +
    "than their 8,500-byte MTU without an ICMP 'fragmentation needed' answer (no path MTU discovery), packets their " +
    "security groups refuse, and traffic the service behind them cannot take.",
  parameters,
  requires: ["vpcEndpoints", "endpointMetrics"],
  metrics: (params) => ({ days: params.lookbackDays, names: ["PacketsDropped"] }),
  remediation: {
    text:
      "Find the day and the flows: check the MTU along the path (tunnels, VPN, transit gateway and appliances that " +
      "add headers; clients must send packets of at most 8,500 bytes, or clamp TCP MSS), the endpoint's security " +
      "groups (inbound from the clients on the service's ports) and the health of the service behind the endpoint.",
    cli: [
      "# Daily PacketsDropped of the last 7 days",
      "aws cloudwatch get-metric-statistics --namespace AWS/PrivateLinkEndpoints --metric-name PacketsDropped \\",
      "  --dimensions Name='Endpoint Type',Value=Interface Name='Service Name',Value=com.amazonaws.us-east-1.ssm \\",
      "    Name='VPC Endpoint Id',Value=vpce-0123456789abcdef0 Name='VPC Id',Value=vpc-0123456789abcdef0 \\",
      "  --statistics Sum --period 86400 --start-time $(date -u -d '-7 days' +%FT%TZ) --end-time $(date -u +%FT%TZ)",
      "# The endpoint's security groups",
      "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0123456789abcdef0 --query 'VpcEndpoints[].Groups'",
    ].join("\n"),
    terraform: [
      "# Let the clients in: HTTPS from the VPC's CIDR to the endpoint's interfaces.",
      'resource "aws_security_group" "endpoints" {',
      '  name   = "vpc-endpoints"',
      "  vpc_id = aws_vpc.main.id",
      "  ingress {",
      "    from_port   = 443",
      "    to_port     = 443",
      '    protocol    = "tcp"',
      "    cidr_blocks = [aws_vpc.main.cidr_block]",
      "  }",
      "}",
    ].join("\n"),
  },
};
