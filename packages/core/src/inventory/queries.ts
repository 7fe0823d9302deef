/**
 * How rules read the inventory: lookups by relation (the subnets of a VPC, the route table that governs a
 * subnet, the flow logs on a resource, an endpoint's metric over a window). Each index is built once per
 * inventory, the first time a rule asks, so an inventory parsed for one rule pays only for what it reads.
 * Rules import this module and the model types, never the parser or the part records.
 */
import type {
  Datapoint,
  FlowLog,
  Inventory,
  NatGateway,
  PrivateHostedZone,
  RouteTable,
  Subnet,
  TransitGatewayVpcAttachment,
  VpcDnsAttributes,
  VpcEndpoint,
  VpcPeeringConnection,
  VpnGateway,
} from "./model";
import { NO_ITEMS } from "./part";

const indexes = new WeakMap<Inventory, Map<string, ReadonlyMap<string, unknown>>>();

/**
 * An index of an inventory, built on first use and kept with the inventory.
 *
 * @example
 * ```ts
 * const byVpc = memoIndex(inventory, "subnetsByVpc", (inv) => groupBy(inv.subnets.values(), (s) => [s.vpcId]));
 * ```
 */
export function memoIndex<V>(inventory: Inventory, name: string, build: (inventory: Inventory) => ReadonlyMap<string, V>): ReadonlyMap<string, V> {
  let cache = indexes.get(inventory);
  if (!cache) indexes.set(inventory, (cache = new Map()));
  let index = cache.get(name) as ReadonlyMap<string, V> | undefined;
  if (!index) cache.set(name, (index = build(inventory)));
  return index;
}

/**
 * Groups items under each key `keys` gives (an item may have several keys, or none).
 *
 * @example
 * ```ts
 * groupBy(inventory.subnets.values(), (s) => [s.vpcId]).get("vpc-0a1b2c3d");
 * ```
 */
export function groupBy<T>(items: Iterable<T>, keys: (item: T) => Iterable<string | undefined>): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keys(item)) {
      if (key === undefined) continue;
      const list = map.get(key);
      if (list) list.push(item);
      else map.set(key, [item]);
    }
  }
  return map;
}

const EMPTY_MAP: ReadonlyMap<string, readonly Subnet[]> = new Map<string, readonly Subnet[]>();

// Index builders, defined once (no closure per lookup: rules call the queries once per resource).
const bySubnetVpc = (inv: Inventory) => groupBy(inv.subnets.values(), (s) => [s.vpcId]);
const byEndpointVpc = (inv: Inventory) => groupBy(inv.vpcEndpoints.values(), (e) => [e.vpcId]);
const gatewaysByRouteTable = (inv: Inventory) => groupBy(inv.vpcEndpoints.values(), (e) => (e.type === "Gateway" ? e.routeTableIds : NO_ITEMS));
const byFlowLogResource = (inv: Inventory) => groupBy(inv.flowLogs.values(), (f) => [f.resourceId]);
const byVpnVpc = (inv: Inventory) => groupBy(inv.vpnGateways.values(), (g) => g.attachments.map((a) => a.vpcId));
const byAttachmentVpc = (inv: Inventory) => groupBy(inv.transitGatewayAttachments.values(), (a) => [a.vpcId]);
const byPeeringVpc = (inv: Inventory) =>
  groupBy(inv.vpcPeeringConnections.values(), (p) => (p.accepter.vpcId !== p.requester.vpcId ? [p.requester.vpcId, p.accepter.vpcId] : [p.requester.vpcId]));
const routeTableBySubnet = (inv: Inventory) => {
  const map = new Map<string, RouteTable>();
  for (const rt of inv.routeTables.values()) for (const s of rt.subnetIds) map.set(s, rt);
  return map;
};
/** Filled per VPC on first lookup (from the subnets-by-VPC index other queries share). */
const zonesByVpc = (): Map<string, ReadonlyMap<string, readonly Subnet[]>> => new Map();
const byNatGatewayVpc = (inv: Inventory) => groupBy(inv.natGateways.values(), (n) => [n.vpcId]);
const mainRouteTableByVpc = (inv: Inventory) => {
  const map = new Map<string, RouteTable>();
  for (const rt of inv.routeTables.values()) if (rt.isMain) map.set(rt.vpcId, rt);
  return map;
};

/** The subnets of a VPC. */
export function subnetsOf(inventory: Inventory, vpcId: string): readonly Subnet[] {
  return memoIndex(inventory, "subnetsByVpc", bySubnetVpc).get(vpcId) ?? NO_ITEMS;
}

/**
 * The subnets of a VPC by Availability Zone name (subnets without a zone are left out), zones in name order.
 *
 * @example
 * ```ts
 * [...subnetsByZone(inventory, "vpc-0a1b2c3d").keys()]; // ["us-east-1a", "us-east-1b"]
 * ```
 */
export function subnetsByZone(inventory: Inventory, vpcId: string): ReadonlyMap<string, readonly Subnet[]> {
  const cache = memoIndex(inventory, "subnetsByVpcAndZone", zonesByVpc) as Map<string, ReadonlyMap<string, readonly Subnet[]>>;
  let zones = cache.get(vpcId);
  if (!zones) {
    const byZone = new Map<string, Subnet[]>();
    for (const s of subnetsOf(inventory, vpcId)) {
      if (s.availabilityZone === undefined) continue;
      const list = byZone.get(s.availabilityZone);
      if (list) list.push(s);
      else byZone.set(s.availabilityZone, [s]);
    }
    const names = [...byZone.keys()];
    // Zones in name order (most VPCs list their subnets zone by zone already).
    zones = names.some((z, i) => i > 0 && z < (names[i - 1] as string)) ? new Map(names.sort().map((z) => [z, byZone.get(z) as Subnet[]])) : byZone;
    cache.set(vpcId, zones.size > 0 ? zones : EMPTY_MAP);
  }
  return zones;
}

/** The NAT gateways in a VPC (any state). */
export function natGatewaysOf(inventory: Inventory, vpcId: string): readonly NatGateway[] {
  return memoIndex(inventory, "natGatewaysByVpc", byNatGatewayVpc).get(vpcId) ?? NO_ITEMS;
}

/**
 * A VPC's DNS attributes, or `undefined` when they were not read (they are read only for VPCs with a private
 * hosted zone named like the service of an endpoint whose private DNS is off).
 */
export function vpcDnsAttributesOf(inventory: Inventory, vpcId: string): VpcDnsAttributes | undefined {
  return inventory.vpcDnsAttributes.get(vpcId);
}

/**
 * The private hosted zones associated with a VPC, or `undefined` when they were not listed (they are listed
 * only for VPCs holding an endpoint with private DNS off) — never "none" for "not asked".
 */
export function privateHostedZonesOf(inventory: Inventory, vpcId: string): readonly PrivateHostedZone[] | undefined {
  return inventory.vpcHostedZones.get(vpcId);
}

/**
 * A DNS name as zones and service names are compared: lower case, without the trailing dot or a leading
 * `*.` (a wildcard service name is served by the zone of its parent).
 *
 * @example
 * ```ts
 * dnsName("*.execute-api.us-east-1.amazonaws.com."); // "execute-api.us-east-1.amazonaws.com"
 * ```
 */
export function dnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "").replace(/^\*\./, "");
}

/** Every endpoint (of any type) in a VPC. */
export function endpointsOf(inventory: Inventory, vpcId: string): readonly VpcEndpoint[] {
  return memoIndex(inventory, "endpointsByVpc", byEndpointVpc).get(vpcId) ?? NO_ITEMS;
}

/** The gateway endpoints attached to a route table. */
export function gatewayEndpointsOn(inventory: Inventory, routeTableId: string): readonly VpcEndpoint[] {
  return memoIndex(inventory, "gatewayEndpointsByRouteTable", gatewaysByRouteTable).get(routeTableId) ?? NO_ITEMS;
}

/** The flow logs that record a VPC, subnet or network interface. */
export function flowLogsOn(inventory: Inventory, resourceId: string): readonly FlowLog[] {
  return memoIndex(inventory, "flowLogsByResource", byFlowLogResource).get(resourceId) ?? NO_ITEMS;
}

/** The VPN gateways attached to a VPC (any attachment state). */
export function vpnGatewaysOf(inventory: Inventory, vpcId: string): readonly VpnGateway[] {
  return memoIndex(inventory, "vpnGatewaysByVpc", byVpnVpc).get(vpcId) ?? NO_ITEMS;
}

/** The transit-gateway attachments of a VPC. */
export function transitGatewayAttachmentsOf(inventory: Inventory, vpcId: string): readonly TransitGatewayVpcAttachment[] {
  return memoIndex(inventory, "transitGatewayAttachmentsByVpc", byAttachmentVpc).get(vpcId) ?? NO_ITEMS;
}

/** The peering connections with a VPC on either side. */
export function peeringConnectionsOf(inventory: Inventory, vpcId: string): readonly VpcPeeringConnection[] {
  return memoIndex(inventory, "peeringConnectionsByVpc", byPeeringVpc).get(vpcId) ?? NO_ITEMS;
}

/**
 * The route table that governs a subnet: its explicit association, else the main route table of the
 * subnet's **own** VPC (a known bug of other scanners takes the first main table found).
 *
 * @example
 * ```ts
 * const rt = effectiveRouteTable(inventory, subnet); // undefined when the VPC has no main table listed
 * ```
 */
export function effectiveRouteTable(inventory: Inventory, subnet: Subnet): RouteTable | undefined {
  return (
    memoIndex(inventory, "routeTableBySubnet", routeTableBySubnet).get(subnet.id) ??
    memoIndex(inventory, "mainRouteTableByVpc", mainRouteTableByVpc).get(subnet.vpcId)
  );
}

/** The window endpoint metrics were collected for, if they were. */
export function endpointMetricsWindow(inventory: Inventory): { start: Date; end: Date } | undefined {
  return inventory.endpointMetrics.window;
}

/**
 * The sum of an endpoint metric in `[start, end)`, or `undefined` when that metric of the endpoint was not
 * queried or the collected window does not cover the requested one (never a guess: no datapoints inside a
 * covering window is a real zero, because an idle endpoint publishes none).
 *
 * @example
 * ```ts
 * endpointMetricSum(inventory, "PacketsDropped", "vpce-0a1b2c3d", daysBefore(now, 7), now); // 0 when none dropped
 * ```
 */
export function endpointMetricSum(inventory: Inventory, metric: string, endpointId: string, start: Date, end: Date): number | undefined {
  if (!covers(inventory, metric, endpointId, start, end)) return undefined;
  // A daily datapoint stamped t covers [t, t + period): it counts when that overlaps [start, end).
  const from = start.getTime() - inventory.endpointMetrics.period * 1000;
  return inventory.endpointMetrics.datapoints.get(metric)?.sumBetween(endpointId, from, end.getTime()) ?? 0;
}

/** Whether the endpoint's metric was queried over a window that covers `[start, end)`. */
function covers(inventory: Inventory, metric: string, endpointId: string, start: Date, end: Date): boolean {
  const metrics = inventory.endpointMetrics;
  if (!metrics.window || !metrics.queried.get(metric)?.has(endpointId)) return false;
  // The collected window must cover the requested one (a minute of tolerance for clocks): a window that
  // starts late or ends early could miss the only traffic and make a used endpoint look idle.
  const tolerance = 60_000;
  return !(metrics.window.start.getTime() > start.getTime() + tolerance || metrics.window.end.getTime() < end.getTime() - tolerance);
}

/** The endpoint's datapoints of a metric when its window covers `[start, end)`; undefined otherwise. */
function covered(inventory: Inventory, metric: string, endpointId: string, start: Date, end: Date): readonly Datapoint[] | undefined {
  if (!covers(inventory, metric, endpointId, start, end)) return undefined;
  return inventory.endpointMetrics.datapoints.get(metric)?.get(endpointId) ?? NO_ITEMS;
}

/**
 * The datapoints of an endpoint metric that overlap `[start, end)` (a daily datapoint stamped t covers
 * `[t, t + period)`), or `undefined` when not queried or not covered — see {@link endpointMetricSum}.
 */
export function endpointMetricPoints(inventory: Inventory, metric: string, endpointId: string, start: Date, end: Date): Datapoint[] | undefined {
  const points = covered(inventory, metric, endpointId, start, end);
  if (points === undefined) return undefined;
  const from = start.getTime() - inventory.endpointMetrics.period * 1000;
  const to = end.getTime();
  return points.filter((d) => d.timestamp.getTime() > from && d.timestamp.getTime() < to);
}

/**
 * Bytes an endpoint processed in `[start, end)` (`BytesProcessed`), or `undefined` when not measured for
 * the whole window.
 */
export function endpointBytesBetween(inventory: Inventory, endpointId: string, start: Date, end: Date): number | undefined {
  return endpointMetricSum(inventory, "BytesProcessed", endpointId, start, end);
}
