/**
 * The evidence behind a resource's verdicts, read from the parsed inventory: the resource itself and what
 * the rules looked at — routes and gateway endpoints for a subnet, endpoint state, zones, traffic and the
 * VPC's hybrid reach for an endpoint, flow logs for a VPC.
 */
import {
  effectiveRouteTable,
  endpointBytesBetween,
  endpointsOf,
  flowLogsOn,
  gatewayEndpointsOn,
  peeringConnectionsOf,
  subnetsOf,
  transitGatewayAttachmentsOf,
  vpnGatewaysOf,
  type Inventory,
  type Route,
  type Tags,
} from "@endpoint-auditor/core";

/** One labelled block of evidence. */
export interface EvidenceSection {
  title: string;
  lines: string[];
}

const DAY_MS = 86_400_000;

function tags(t: Tags): string {
  const entries = Object.entries(t);
  return entries.length === 0 ? "(none)" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}

function target(route: Route): string {
  return (
    route.natGatewayId ??
    route.gatewayId ??
    route.transitGatewayId ??
    route.vpcPeeringConnectionId ??
    route.instanceId ??
    route.networkInterfaceId ??
    route.egressOnlyInternetGatewayId ??
    route.localGatewayId ??
    route.carrierGatewayId ??
    route.coreNetworkArn ??
    "?"
  );
}

function destination(route: Route): string {
  return route.destinationCidrBlock ?? route.destinationIpv6CidrBlock ?? route.destinationPrefixListId ?? "?";
}

function isoDay(d: Date): string {
  return d.toISOString().replace(".000Z", "Z");
}

/** What the VPC is reachable from besides itself (the S3/DynamoDB rule's hybrid evidence). */
function reach(inventory: Inventory, vpcId: string): string[] {
  const lines: string[] = [];
  for (const g of vpnGatewaysOf(inventory, vpcId)) {
    const state = g.attachments.find((a) => a.vpcId === vpcId)?.state ?? "?";
    lines.push(`VPN gateway ${g.id} (attachment ${state})`);
  }
  for (const a of transitGatewayAttachmentsOf(inventory, vpcId)) lines.push(`transit gateway attachment ${a.id} to ${a.transitGatewayId ?? "?"} (${a.state ?? "?"})`);
  for (const p of peeringConnectionsOf(inventory, vpcId)) {
    const other = p.requester.vpcId === vpcId ? p.accepter : p.requester;
    lines.push(`peering ${p.id} with ${other.vpcId ?? "?"} in ${other.region ?? inventory.region} (${p.status ?? "?"})`);
  }
  return lines.length > 0 ? lines : ["no VPN gateway, transit gateway attachment or peering connection"];
}

/**
 * The evidence for a resource, or undefined when the inventory does not hold it.
 *
 * @param lookbackDays the traffic window(s) to report for an interface endpoint.
 * @example
 * ```ts
 * evidenceFor(inventory, "subnet-0123456789abcdef0", new Date(), [30]);
 * ```
 */
export function evidenceFor(inventory: Inventory, resourceId: string, now: Date, lookbackDays: readonly number[] = []): EvidenceSection[] | undefined {
  const endpoint = inventory.vpcEndpoints.get(resourceId);
  if (endpoint) {
    const lines = [
      `${endpoint.type} endpoint for ${endpoint.serviceName} in ${endpoint.vpcId}, state ${endpoint.rawState ?? endpoint.state}`,
      `created ${endpoint.creationTimestamp ? isoDay(endpoint.creationTimestamp) : "(unknown)"}; private DNS ${endpoint.privateDnsEnabled ? "on" : "off"}` +
        (endpoint.privateDnsOnlyForInboundResolverEndpoint ? " (only for the inbound Resolver endpoint)" : ""),
    ];
    if (endpoint.subnetIds.length > 0) {
      const zones = endpoint.subnetIds.map((s) => `${s} (${inventory.subnets.get(s)?.availabilityZone ?? "zone unknown"})`);
      lines.push(`subnets: ${zones.join(", ")} — billed per AZ-hour`);
    }
    if (endpoint.routeTableIds.length > 0) lines.push(`route tables: ${endpoint.routeTableIds.join(", ")}`);
    lines.push(`tags: ${tags(endpoint.tags)}`);
    const sections: EvidenceSection[] = [{ title: "Endpoint", lines }];
    if (endpoint.type === "Interface") {
      const metrics = inventory.endpointMetrics;
      const t: string[] = [];
      if (!metrics.window) t.push("no CloudWatch data was collected (a rule that reads traffic was not selected)");
      else {
        t.push(`CloudWatch AWS/PrivateLinkEndpoints BytesProcessed, daily sums collected ${isoDay(metrics.window.start)} to ${isoDay(metrics.window.end)}`);
        const points = metrics.datapoints.get("BytesProcessed")?.get(endpoint.id) ?? [];
        t.push(metrics.queried.get("BytesProcessed")?.has(endpoint.id) ? `${points.length} daily datapoint${points.length === 1 ? "" : "s"} (no datapoint = no traffic that day)` : "this endpoint was not queried");
        for (const days of lookbackDays) {
          const bytes = endpointBytesBetween(inventory, endpoint.id, new Date(now.getTime() - days * DAY_MS), now);
          t.push(`last ${days} days: ${bytes === undefined ? "not covered by the collected window" : `${bytes.toLocaleString("en-US")} bytes`}`);
        }
      }
      sections.push({ title: "Traffic", lines: t });
    }
    sections.push({ title: `Reach of ${endpoint.vpcId}`, lines: reach(inventory, endpoint.vpcId) });
    return sections;
  }

  const subnet = inventory.subnets.get(resourceId);
  if (subnet) {
    const table = effectiveRouteTable(inventory, subnet);
    const lines = [
      `in ${subnet.vpcId}, ${subnet.availabilityZone ?? "zone unknown"}, ${subnet.cidrBlock ?? "no IPv4 CIDR"}${subnet.ownerId ? `, owner ${subnet.ownerId}` : ""}`,
      `tags: ${tags(subnet.tags)}`,
    ];
    const routes: string[] = [];
    if (!table) routes.push("no explicit association and no main route table of its VPC in the inventory");
    else {
      const explicit = table.subnetIds.includes(subnet.id);
      routes.push(`${table.id} (${explicit ? "explicit association" : `main route table of ${subnet.vpcId}`})`);
      for (const r of table.routes) routes.push(`${destination(r).padEnd(18)} → ${target(r)}${r.state && r.state !== "active" ? ` (${r.state})` : ""}`);
      const gateways = gatewayEndpointsOn(inventory, table.id);
      routes.push(`gateway endpoints attached: ${gateways.length > 0 ? gateways.map((g) => `${g.id} (${g.serviceName}, ${g.state})`).join(", ") : "none"}`);
      const inVpc = endpointsOf(inventory, subnet.vpcId).filter((e) => e.type === "Gateway" && !gateways.includes(e));
      if (inVpc.length > 0) routes.push(`other gateway endpoints in ${subnet.vpcId}: ${inVpc.map((g) => `${g.id} (${g.serviceName})`).join(", ")}`);
      const nats = table.routes.flatMap((r) => (r.natGatewayId ? [inventory.natGateways.get(r.natGatewayId)] : [])).filter((n) => n !== undefined);
      for (const n of nats) routes.push(`NAT gateway ${n.id}: ${n.state}${n.connectivityType ? `, ${n.connectivityType}` : ""}, in ${n.subnetId ?? "?"}`);
    }
    return [
      { title: "Subnet", lines },
      { title: "Effective route table", lines: routes },
    ];
  }

  const vpc = inventory.vpcs.get(resourceId);
  if (vpc) {
    const subnets = subnetsOf(inventory, vpc.id);
    const lines = [
      `${vpc.cidrBlock ?? "no IPv4 CIDR"}${vpc.isDefault ? ", default VPC" : ""}, owner ${vpc.ownerId}, ${subnets.length} subnet${subnets.length === 1 ? "" : "s"}`,
      `tags: ${tags(vpc.tags)}`,
    ];
    const logs: string[] = [];
    const describe = (resource: string): void => {
      for (const f of flowLogsOn(inventory, resource)) {
        logs.push(
          `${f.id} on ${resource}: ${f.status ?? "?"}, traffic ${f.trafficType ?? "?"}, to ${f.logDestinationType ?? "?"} ${f.logDestination ?? ""}`.trimEnd() +
            `, delivery ${f.deliverLogsStatus ?? "?"}${f.deliverLogsErrorMessage ? ` ("${f.deliverLogsErrorMessage}")` : ""}`,
        );
      }
    };
    describe(vpc.id);
    for (const s of subnets) describe(s.id);
    const uncovered = subnets.filter((s) => flowLogsOn(inventory, s.id).length === 0).map((s) => s.id);
    if (logs.length === 0) logs.push("no flow log on the VPC or any of its subnets");
    else if (flowLogsOn(inventory, vpc.id).length === 0 && uncovered.length > 0) logs.push(`subnets without a flow log: ${uncovered.join(", ")}`);
    return [
      { title: "VPC", lines },
      { title: "Flow logs", lines: logs },
    ];
  }
  return undefined;
}
