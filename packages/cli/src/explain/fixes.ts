/**
 * A rule's remediation snippets (AWS CLI and Terraform, from its metadata) filled in with one finding's
 * ids: the example ids and names of the metadata (`vpce-0123456789abcdef0`, `aws_vpc.main.id`,
 * `com.amazonaws.us-east-1.s3`, …) are replaced by the resource's own, read from the parsed inventory.
 * What the inventory cannot tell (a bucket name, a security group) stays as in the metadata.
 */
import { effectiveRouteTable, endpointsOf, gatewayEndpointsOn, type Evaluation, type Inventory, type RuleMetadata, type VpcEndpoint } from "@endpoint-auditor/core";

/** A filled-in fix. */
export interface FilledFix {
  cli: string;
  terraform: string;
}

/** The example ids the rules' metadata uses. */
export const EXAMPLE_IDS = {
  endpoint: "vpce-0123456789abcdef0",
  vpc: "vpc-0123456789abcdef0",
  routeTable: "rtb-0123456789abcdef0",
  routeTables: "rtb-0123456789abcdef0 rtb-0fedcba9876543210",
} as const;

type Substitution = readonly [string | RegExp, string];

function apply(text: string, substitutions: readonly Substitution[]): string {
  let out = text;
  for (const [from, to] of substitutions) out = typeof from === "string" ? out.split(from).join(to) : out.replace(from, to);
  return out;
}

const hcl = (value: string): string => JSON.stringify(value);
const hclList = (values: readonly string[]): string => `[${values.map(hcl).join(", ")}]`;

/** The service name for a gateway-capable service in a region, e.g. `com.amazonaws.eu-west-1.s3`. */
function serviceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

function endpointFix(metadata: RuleMetadata, endpoint: VpcEndpoint, inventory: Inventory, params: Readonly<Record<string, unknown>>): FilledFix {
  const lookback = typeof params.lookbackDays === "number" ? params.lookbackDays : undefined;
  const vpcTables = [...inventory.routeTables.values()].filter((t) => t.vpcId === endpoint.vpcId).map((t) => t.id);
  const subs: Substitution[] = [
    [EXAMPLE_IDS.routeTables, vpcTables.length > 0 ? vpcTables.join(" ") : EXAMPLE_IDS.routeTables],
    [EXAMPLE_IDS.endpoint, endpoint.id],
    [EXAMPLE_IDS.vpc, endpoint.vpcId],
    [/com\.amazonaws\.us-east-1\.(ssm|s3)\b/g, endpoint.serviceName],
    ["aws_vpc.main.id", hcl(endpoint.vpcId)],
    ["aws_subnet.private[*].id", hclList(endpoint.subnetIds)],
    ...(vpcTables.length > 0 ? ([["aws_route_table.private[*].id", hclList(vpcTables)]] as const) : []),
    ...(lookback !== undefined ? ([["'-30 days'", `'-${lookback} days'`], ["over the last 30 days", `over the last ${lookback} days`]] as const) : []),
  ];
  return { cli: apply(metadata.remediation.cli, subs), terraform: apply(metadata.remediation.terraform, subs) };
}

function subnetFix(metadata: RuleMetadata, subnetId: string, inventory: Inventory, params: Readonly<Record<string, unknown>>): FilledFix | undefined {
  const subnet = inventory.subnets.get(subnetId);
  if (!subnet) return undefined;
  const table = effectiveRouteTable(inventory, subnet);
  const services = Array.isArray(params.services) ? (params.services as string[]) : ["s3"];
  const attached = new Set((table ? gatewayEndpointsOn(inventory, table.id) : []).map((e) => e.serviceName));
  const missing = services.filter((s) => !attached.has(serviceName(inventory.region, s)));
  const fixes = (missing.length > 0 ? missing : services).map((service) => {
    const name = serviceName(inventory.region, service);
    const existing = endpointsOf(inventory, subnet.vpcId).find((e) => e.type === "Gateway" && e.serviceName === name);
    const subs: Substitution[] = [
      [EXAMPLE_IDS.endpoint, existing?.id ?? EXAMPLE_IDS.endpoint],
      [EXAMPLE_IDS.routeTable, table?.id ?? EXAMPLE_IDS.routeTable],
      [EXAMPLE_IDS.vpc, subnet.vpcId],
      [/com\.amazonaws\.us-east-1\.s3\b/g, name],
      ["aws_vpc.main.id", hcl(subnet.vpcId)],
      [/^\s*count\s*=\s*length\(aws_route_table\.private\)\n/m, ""],
      ["aws_route_table.private[count.index].id", hcl(table?.id ?? EXAMPLE_IDS.routeTable)],
      [/"s3"/g, hcl(service)],
      ["aws_vpc_endpoint.s3.id", existing ? hcl(existing.id) : `aws_vpc_endpoint.${service}.id`],
      ['"private_s3"', hcl(`${subnet.id}_${service}`)],
    ];
    let cli = apply(metadata.remediation.cli, subs);
    // Only the applicable alternative: attach the existing endpoint, or create one.
    const lines = cli.split("\n");
    const create = lines.findIndex((l) => l.startsWith("# Or create one"));
    if (create > 0) cli = (existing ? lines.slice(0, create) : lines.slice(create + 1)).filter((l) => !l.startsWith("# The VPC already has")).join("\n");
    const terraform = apply(metadata.remediation.terraform, subs);
    return { cli, terraform: existing ? terraform.split("\n\n").slice(1).join("\n\n") || terraform : terraform };
  });
  return { cli: fixes.map((f) => f.cli).join("\n"), terraform: fixes.map((f) => f.terraform).join("\n\n") };
}

function vpcFix(metadata: RuleMetadata, vpcId: string, params: Readonly<Record<string, unknown>>): FilledFix {
  const traffic = typeof params.trafficType === "string" ? params.trafficType : undefined;
  const subs: Substitution[] = [
    [EXAMPLE_IDS.vpc, vpcId],
    ["aws_vpc.main.id", hcl(vpcId)],
    ...(traffic !== undefined ? ([["--traffic-type ALL", `--traffic-type ${traffic}`], ['traffic_type         = "ALL"', `traffic_type         = ${hcl(traffic)}`]] as const) : []),
  ];
  return { cli: apply(metadata.remediation.cli, subs), terraform: apply(metadata.remediation.terraform, subs) };
}

/**
 * The rule's remediation snippets filled in for one evaluation, or undefined when the resource is not in
 * the inventory.
 *
 * @example
 * ```ts
 * fillFix(evaluation, rule.metadata, inventory, { lookbackDays: 30 })?.cli; // "… --vpc-endpoint-ids vpce-0a1b…"
 * ```
 */
export function fillFix(
  evaluation: Pick<Evaluation, "resourceId" | "resourceType">,
  metadata: RuleMetadata,
  inventory: Inventory,
  params: Readonly<Record<string, unknown>> = {},
): FilledFix | undefined {
  switch (evaluation.resourceType) {
    case "AWS::EC2::VPCEndpoint": {
      const endpoint = inventory.vpcEndpoints.get(evaluation.resourceId);
      return endpoint ? endpointFix(metadata, endpoint, inventory, params) : undefined;
    }
    case "AWS::EC2::Subnet":
      return subnetFix(metadata, evaluation.resourceId, inventory, params);
    case "AWS::EC2::VPC":
      return inventory.vpcs.has(evaluation.resourceId) ? vpcFix(metadata, evaluation.resourceId, params) : undefined;
  }
}
