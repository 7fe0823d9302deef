/**
 * The rule registry: every rule folder under `rules/` is listed here (a registry test checks it).
 * Adding a rule = adding a folder with `metadata.ts`, `rule.ts`, `rule.test.ts`, and one line below.
 */
import { UnknownRuleError } from "../errors";
import { permissionsFor } from "../inventory/parts";
import type { AnyRule } from "./rule";
import { rule as endpointPolicyBlocksExfiltration } from "./endpoint-policy-blocks-exfiltration/rule";
import { rule as interfaceEndpointHealthy } from "./interface-endpoint-healthy/rule";
import { rule as interfaceEndpointInUse } from "./interface-endpoint-in-use/rule";
import { rule as interfaceEndpointMultiAz } from "./interface-endpoint-multi-az/rule";
import { rule as interfaceEndpointPrivateDnsEnabled } from "./interface-endpoint-private-dns-enabled/rule";
import { rule as interfaceEndpointReachableFromVpc } from "./interface-endpoint-reachable-from-vpc/rule";
import { rule as natSubnetHasGatewayEndpoints } from "./nat-subnet-has-gateway-endpoints/rule";
import { rule as s3DynamodbEndpointIsGateway } from "./s3-dynamodb-endpoint-is-gateway/rule";
import { rule as vpcFlowLogsEnabled } from "./vpc-flow-logs-enabled/rule";

/** Every rule, in a stable order. */
export const RULES: readonly AnyRule[] = Object.freeze([
  interfaceEndpointInUse,
  s3DynamodbEndpointIsGateway,
  natSubnetHasGatewayEndpoints,
  vpcFlowLogsEnabled,
  interfaceEndpointMultiAz,
  interfaceEndpointPrivateDnsEnabled,
  interfaceEndpointHealthy,
  interfaceEndpointReachableFromVpc,
  endpointPolicyBlocksExfiltration,
]);

/**
 * The ids of every registered rule, in registry order.
 *
 * @example
 * ```ts
 * ruleIds(); // ["interface-endpoint-in-use", "s3-dynamodb-endpoint-is-gateway", …]
 * ```
 */
export function ruleIds(): string[] {
  return RULES.map((r) => r.metadata.id);
}

/**
 * A registered rule by id.
 *
 * @throws UnknownRuleError naming the known ids.
 * @example
 * ```ts
 * getRule("vpc-flow-logs-enabled").metadata.resourceType; // "AWS::EC2::VPC"
 * ```
 */
export function getRule(id: string): AnyRule {
  const rule = RULES.find((r) => r.metadata.id === id);
  if (!rule) throw new UnknownRuleError(id, ruleIds());
  return rule;
}

/**
 * The IAM actions a rule's inventory parts need (sorted, unique).
 *
 * @example
 * ```ts
 * rulePermissions(getRule("vpc-flow-logs-enabled")); // ["ec2:DescribeFlowLogs", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]
 * ```
 */
export function rulePermissions(rule: AnyRule): string[] {
  return permissionsFor(rule.metadata.requires);
}

/**
 * The IAM actions of every registered rule (sorted, unique): what the Config Lambda's role needs.
 *
 * @example
 * ```ts
 * allRulePermissions().includes("cloudwatch:GetMetricData"); // true
 * ```
 */
export function allRulePermissions(): string[] {
  return [...new Set(RULES.flatMap(rulePermissions))].sort();
}
