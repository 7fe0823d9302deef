import { ResourceTypes } from "../../evaluation";
import type { ParameterSchema } from "../../parameters";
import type { RuleMetadata } from "../rule";

const parameters = {
  trafficType: {
    type: "enum",
    description: "Traffic the flow log must record: ACCEPT, REJECT or ALL (a flow log of type ALL always counts). Absent: any.",
    values: ["ALL", "ACCEPT", "REJECT"],
  },
} as const satisfies ParameterSchema;

export const metadata: RuleMetadata<typeof parameters> = {
  id: "vpc-flow-logs-enabled",
  title: "VPC flow logs are enabled and delivering",
  resourceType: ResourceTypes.Vpc,
  severity: "medium",
  description:
    "A flow log counts when its status is ACTIVE, its delivery has not FAILED, and (when trafficType is set) its " +
    "traffic type equals trafficType or is ALL. A VPC is COMPLIANT when a counting flow log is on the VPC itself or " +
    "every one of its subnets has one. A VPC owned by another account and shared to this one is NOT_APPLICABLE.",
  risk:
    "Without flow logs there is no record of who talked to what in the VPC: incident response, egress-cost analysis " +
    "and security-group troubleshooting all start blind. A flow log whose delivery fails records nothing.",
  parameters,
  requires: ["vpcs", "subnets", "flowLogs"],
  remediation: {
    text:
      "Create a VPC-level flow log (traffic type ALL) delivering to S3 (cheapest) or CloudWatch Logs. When delivery " +
      "fails, fix the delivery role's permissions (Access error) or the log group quota (Rate limited).",
    cli: [
      "aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-0123456789abcdef0 --traffic-type ALL \\",
      "  --log-destination-type s3 --log-destination arn:aws:s3:::my-flow-logs-bucket/",
      "# Find failing deliveries",
      "aws ec2 describe-flow-logs --filter Name=deliver-log-status,Values=FAILED",
    ].join("\n"),
    terraform: [
      'resource "aws_flow_log" "vpc" {',
      "  vpc_id               = aws_vpc.main.id",
      '  traffic_type         = "ALL"',
      '  log_destination_type = "s3"',
      "  log_destination      = aws_s3_bucket.flow_logs.arn",
      "}",
    ].join("\n"),
  },
};
