/**
 * The parts an inventory is made of. A rule declares the parts it needs; the collector fetches only
 * those, and each part implies the IAM actions listed here.
 */
export const InventoryParts = {
  vpcs: "vpcs",
  subnets: "subnets",
  routeTables: "routeTables",
  natGateways: "natGateways",
  vpcEndpoints: "vpcEndpoints",
  flowLogs: "flowLogs",
  vpnGateways: "vpnGateways",
  transitGatewayAttachments: "transitGatewayAttachments",
  vpcPeeringConnections: "vpcPeeringConnections",
  /** Daily `BytesProcessed` of interface endpoints (needs `vpcEndpoints`). */
  endpointMetrics: "endpointMetrics",
} as const;

export type InventoryPart = (typeof InventoryParts)[keyof typeof InventoryParts];

export const ALL_PARTS: readonly InventoryPart[] = Object.values(InventoryParts);

/** The API call that fetches each part, as an IAM action. */
export const PART_CALLS: Readonly<Record<InventoryPart, string>> = {
  vpcs: "ec2:DescribeVpcs",
  subnets: "ec2:DescribeSubnets",
  routeTables: "ec2:DescribeRouteTables",
  natGateways: "ec2:DescribeNatGateways",
  vpcEndpoints: "ec2:DescribeVpcEndpoints",
  flowLogs: "ec2:DescribeFlowLogs",
  vpnGateways: "ec2:DescribeVpnGateways",
  transitGatewayAttachments: "ec2:DescribeTransitGatewayVpcAttachments",
  vpcPeeringConnections: "ec2:DescribeVpcPeeringConnections",
  endpointMetrics: "cloudwatch:GetMetricData",
};

/** Parts that must be collected before another part can be (metrics need the endpoint list). */
export const PART_DEPENDENCIES: Readonly<Partial<Record<InventoryPart, readonly InventoryPart[]>>> = {
  endpointMetrics: ["vpcEndpoints"],
};

/**
 * The closure of `parts` under {@link PART_DEPENDENCIES}, in a stable order.
 *
 * @example
 * ```ts
 * resolveParts(["endpointMetrics"]); // ["vpcEndpoints", "endpointMetrics"]
 * ```
 */
export function resolveParts(parts: Iterable<InventoryPart>): InventoryPart[] {
  const wanted = new Set<InventoryPart>();
  const add = (p: InventoryPart): void => {
    if (wanted.has(p)) return;
    for (const d of PART_DEPENDENCIES[p] ?? []) add(d);
    wanted.add(p);
  };
  for (const p of parts) add(p);
  return ALL_PARTS.filter((p) => wanted.has(p));
}

/**
 * The IAM actions needed to collect `parts` (sorted, unique).
 *
 * @example
 * ```ts
 * permissionsFor(["vpcs", "flowLogs"]); // ["ec2:DescribeFlowLogs", "ec2:DescribeVpcs"]
 * ```
 */
export function permissionsFor(parts: Iterable<InventoryPart>): string[] {
  return [...new Set(resolveParts(parts).map((p) => PART_CALLS[p]))].sort();
}
