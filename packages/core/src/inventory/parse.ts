/**
 * Raw API responses → the indexed {@link Inventory}. Live scans and replayed snapshots both go through
 * {@link parseRegion}, so a snapshot evaluates exactly as the scan that saved it.
 */
import type { Tag } from "@aws-sdk/client-ec2";
import { SnapshotError } from "../errors";
import type {
  Datapoint,
  EndpointState,
  EndpointTraffic,
  FlowLog,
  Inventory,
  InventoryIndex,
  NatGateway,
  PartFailure,
  RouteTable,
  Subnet,
  Tags,
  TransitGatewayVpcAttachment,
  Vpc,
  VpcEndpoint,
  VpcPeeringConnection,
  VpnGateway,
} from "./model";
import { ALL_PARTS, type InventoryPart } from "./parts";
import type { RawRegion } from "./raw";

const ENDPOINT_STATES: Readonly<Record<string, EndpointState>> = {
  pendingacceptance: "pendingAcceptance",
  pending: "pending",
  available: "available",
  deleting: "deleting",
  deleted: "deleted",
  rejected: "rejected",
  failed: "failed",
  expired: "expired",
  partial: "partial",
};

/** Normalises an endpoint state (`Available`, `available`, `pendingAcceptance`, …). */
export function normaliseEndpointState(state: string | undefined): EndpointState {
  return ENDPOINT_STATES[(state ?? "").toLowerCase()] ?? "unknown";
}

function tags(list: readonly Tag[] | undefined): Tags {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
  return out;
}

/** Accepts a `Date` (live SDK output) or an ISO string (snapshot JSON). */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "string" || typeof value === "number") {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

function requireId(value: string | undefined, what: string, region: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new SnapshotError(`${region}: a ${what} without an id in the API response`);
  }
  return value;
}

function push<K, V>(map: Map<K, V[]>, key: K | undefined, value: V): void {
  if (key === undefined) return;
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

function parseTraffic(raw: NonNullable<RawRegion["endpointMetrics"]>, region: string): EndpointTraffic {
  const start = toDate(raw.startTime);
  const end = toDate(raw.endTime);
  if (!start || !end) throw new SnapshotError(`${region}: endpoint metrics without a valid window`);
  const endpointByQuery = new Map(raw.queries.map((q) => [q.id, q.endpointId]));
  const datapoints = new Map<string, Datapoint[]>();
  for (const result of raw.results) {
    const endpointId = result.Id !== undefined ? endpointByQuery.get(result.Id) : undefined;
    if (endpointId === undefined) continue;
    const ts = result.Timestamps ?? [];
    const vs = result.Values ?? [];
    let list = datapoints.get(endpointId);
    if (!list) {
      list = [];
      datapoints.set(endpointId, list);
    }
    for (let i = 0; i < ts.length && i < vs.length; i++) {
      const timestamp = toDate(ts[i]);
      const value = vs[i];
      if (timestamp && typeof value === "number" && Number.isFinite(value)) list.push({ timestamp, value });
    }
  }
  return { window: { start, end }, period: raw.period, queried: new Set(endpointByQuery.values()), datapoints };
}

/**
 * Parses and indexes the raw responses of one region.
 *
 * @example
 * ```ts
 * const inventory = parseRegion(raw, "123456789012", new Date());
 * inventory.index.mainRouteTableByVpc.get("vpc-0a1b2c3d");
 * ```
 */
export function parseRegion(raw: RawRegion, accountId: string, collectedAt: Date): Inventory {
  const region = raw.region;
  const vpcs: Vpc[] = (raw.vpcs ?? []).map((v) => ({
    id: requireId(v.VpcId, "VPC", region),
    ownerId: v.OwnerId ?? accountId,
    cidrBlock: v.CidrBlock,
    isDefault: v.IsDefault === true,
    state: v.State,
    tags: tags(v.Tags),
  }));
  const subnets: Subnet[] = (raw.subnets ?? []).map((s) => ({
    id: requireId(s.SubnetId, "subnet", region),
    vpcId: requireId(s.VpcId, "subnet VPC", region),
    ownerId: s.OwnerId,
    availabilityZone: s.AvailabilityZone,
    cidrBlock: s.CidrBlock,
    tags: tags(s.Tags),
  }));
  const routeTables: RouteTable[] = (raw.routeTables ?? []).map((rt) => {
    const associations = rt.Associations ?? [];
    return {
      id: requireId(rt.RouteTableId, "route table", region),
      vpcId: requireId(rt.VpcId, "route table VPC", region),
      isMain: associations.some((a) => a.Main === true),
      subnetIds: associations
        .filter((a) => a.SubnetId !== undefined && (a.AssociationState?.State ?? "associated") === "associated")
        .map((a) => a.SubnetId as string),
      routes: (rt.Routes ?? []).map((r) => ({
        destinationCidrBlock: r.DestinationCidrBlock,
        destinationIpv6CidrBlock: r.DestinationIpv6CidrBlock,
        destinationPrefixListId: r.DestinationPrefixListId,
        gatewayId: r.GatewayId,
        natGatewayId: r.NatGatewayId,
        transitGatewayId: r.TransitGatewayId,
        vpcPeeringConnectionId: r.VpcPeeringConnectionId,
        networkInterfaceId: r.NetworkInterfaceId,
        instanceId: r.InstanceId,
        egressOnlyInternetGatewayId: r.EgressOnlyInternetGatewayId,
        localGatewayId: r.LocalGatewayId,
        carrierGatewayId: r.CarrierGatewayId,
        coreNetworkArn: r.CoreNetworkArn,
        state: r.State,
      })),
      tags: tags(rt.Tags),
    };
  });
  const natGateways: NatGateway[] = (raw.natGateways ?? []).map((n) => ({
    id: requireId(n.NatGatewayId, "NAT gateway", region),
    vpcId: requireId(n.VpcId, "NAT gateway VPC", region),
    subnetId: n.SubnetId,
    state: (n.State ?? "unknown").toLowerCase(),
    connectivityType: n.ConnectivityType,
    tags: tags(n.Tags),
  }));
  const vpcEndpoints: VpcEndpoint[] = (raw.vpcEndpoints ?? []).map((e) => ({
    id: requireId(e.VpcEndpointId, "VPC endpoint", region),
    vpcId: requireId(e.VpcId, "VPC endpoint VPC", region),
    ownerId: e.OwnerId,
    serviceName: e.ServiceName ?? "",
    type: e.VpcEndpointType ?? "",
    state: normaliseEndpointState(e.State),
    rawState: e.State,
    creationTimestamp: toDate(e.CreationTimestamp),
    subnetIds: e.SubnetIds ?? [],
    routeTableIds: e.RouteTableIds ?? [],
    privateDnsEnabled: e.PrivateDnsEnabled === true,
    privateDnsOnlyForInboundResolverEndpoint: e.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === true,
    tags: tags(e.Tags),
  }));
  const flowLogs: FlowLog[] = (raw.flowLogs ?? []).map((f) => ({
    id: requireId(f.FlowLogId, "flow log", region),
    resourceId: requireId(f.ResourceId, "flow log resource", region),
    status: f.FlowLogStatus,
    trafficType: f.TrafficType,
    deliverLogsStatus: f.DeliverLogsStatus,
    deliverLogsErrorMessage: f.DeliverLogsErrorMessage,
    logDestinationType: f.LogDestinationType,
    logDestination: f.LogDestination ?? f.LogGroupName,
    tags: tags(f.Tags),
  }));
  const vpnGateways: VpnGateway[] = (raw.vpnGateways ?? []).map((g) => ({
    id: requireId(g.VpnGatewayId, "VPN gateway", region),
    state: g.State,
    attachments: (g.VpcAttachments ?? [])
      .filter((a) => a.VpcId !== undefined)
      .map((a) => ({ vpcId: a.VpcId as string, state: a.State })),
    tags: tags(g.Tags),
  }));
  const transitGatewayAttachments: TransitGatewayVpcAttachment[] = (raw.transitGatewayAttachments ?? []).map((a) => ({
    id: requireId(a.TransitGatewayAttachmentId, "transit gateway attachment", region),
    transitGatewayId: a.TransitGatewayId,
    vpcId: requireId(a.VpcId, "transit gateway attachment VPC", region),
    state: a.State,
    tags: tags(a.Tags),
  }));
  const vpcPeeringConnections: VpcPeeringConnection[] = (raw.vpcPeeringConnections ?? []).map((p) => ({
    id: requireId(p.VpcPeeringConnectionId, "VPC peering connection", region),
    status: p.Status?.Code,
    requester: { vpcId: p.RequesterVpcInfo?.VpcId, ownerId: p.RequesterVpcInfo?.OwnerId, region: p.RequesterVpcInfo?.Region },
    accepter: { vpcId: p.AccepterVpcInfo?.VpcId, ownerId: p.AccepterVpcInfo?.OwnerId, region: p.AccepterVpcInfo?.Region },
    tags: tags(p.Tags),
  }));

  const subnetsByVpc = new Map<string, Subnet[]>();
  for (const s of subnets) push(subnetsByVpc, s.vpcId, s);
  const routeTableBySubnet = new Map<string, RouteTable>();
  const mainRouteTableByVpc = new Map<string, RouteTable>();
  for (const rt of routeTables) {
    for (const s of rt.subnetIds) routeTableBySubnet.set(s, rt);
    if (rt.isMain) mainRouteTableByVpc.set(rt.vpcId, rt);
  }
  const endpointsByVpc = new Map<string, VpcEndpoint[]>();
  const gatewayEndpointsByRouteTable = new Map<string, VpcEndpoint[]>();
  for (const e of vpcEndpoints) {
    push(endpointsByVpc, e.vpcId, e);
    if (e.type === "Gateway") for (const rt of e.routeTableIds) push(gatewayEndpointsByRouteTable, rt, e);
  }
  const flowLogsByResource = new Map<string, FlowLog[]>();
  for (const f of flowLogs) push(flowLogsByResource, f.resourceId, f);
  const vpnGatewaysByVpc = new Map<string, VpnGateway[]>();
  for (const g of vpnGateways) for (const a of g.attachments) push(vpnGatewaysByVpc, a.vpcId, g);
  const transitGatewayAttachmentsByVpc = new Map<string, TransitGatewayVpcAttachment[]>();
  for (const a of transitGatewayAttachments) push(transitGatewayAttachmentsByVpc, a.vpcId, a);
  const peeringConnectionsByVpc = new Map<string, VpcPeeringConnection[]>();
  for (const p of vpcPeeringConnections) {
    push(peeringConnectionsByVpc, p.requester.vpcId, p);
    if (p.accepter.vpcId !== p.requester.vpcId) push(peeringConnectionsByVpc, p.accepter.vpcId, p);
  }
  const index: InventoryIndex = {
    subnetsByVpc,
    routeTableBySubnet,
    mainRouteTableByVpc,
    endpointsByVpc,
    gatewayEndpointsByRouteTable,
    flowLogsByResource,
    vpnGatewaysByVpc,
    transitGatewayAttachmentsByVpc,
    peeringConnectionsByVpc,
  };

  const failures = new Map<InventoryPart, PartFailure>();
  for (const e of raw.errors ?? []) failures.set(e.part, { call: e.call, message: e.message, code: e.code });
  const present: Record<InventoryPart, boolean> = {
    vpcs: raw.vpcs !== undefined,
    subnets: raw.subnets !== undefined,
    routeTables: raw.routeTables !== undefined,
    natGateways: raw.natGateways !== undefined,
    vpcEndpoints: raw.vpcEndpoints !== undefined,
    flowLogs: raw.flowLogs !== undefined,
    vpnGateways: raw.vpnGateways !== undefined,
    transitGatewayAttachments: raw.transitGatewayAttachments !== undefined,
    vpcPeeringConnections: raw.vpcPeeringConnections !== undefined,
    endpointMetrics: raw.endpointMetrics !== undefined,
  };
  const parts = new Set(ALL_PARTS.filter((p) => present[p] && !failures.has(p)));

  return {
    accountId,
    region,
    collectedAt,
    parts,
    failures,
    vpcs: byId(vpcs),
    subnets: byId(subnets),
    routeTables: byId(routeTables),
    natGateways: byId(natGateways),
    vpcEndpoints: byId(vpcEndpoints),
    flowLogs: byId(flowLogs),
    vpnGateways: byId(vpnGateways),
    transitGatewayAttachments: byId(transitGatewayAttachments),
    vpcPeeringConnections: byId(vpcPeeringConnections),
    endpointTraffic: raw.endpointMetrics ? parseTraffic(raw.endpointMetrics, region) : undefined,
    index,
  };
}

/**
 * The route table that governs a subnet: its explicit association, else the main route table of the
 * subnet's **own** VPC.
 *
 * @example
 * ```ts
 * const rt = effectiveRouteTable(inventory, subnet); // undefined when the VPC has no main table listed
 * ```
 */
export function effectiveRouteTable(inventory: Inventory, subnet: Subnet): RouteTable | undefined {
  return inventory.index.routeTableBySubnet.get(subnet.id) ?? inventory.index.mainRouteTableByVpc.get(subnet.vpcId);
}

/**
 * Bytes an endpoint processed in `[start, end)`, or `undefined` when it was not queried or the
 * collected window does not cover the requested one.
 */
export function endpointBytesBetween(traffic: EndpointTraffic, endpointId: string, start: Date, end: Date): number | undefined {
  if (!traffic.queried.has(endpointId)) return undefined;
  // The collected window must cover the requested one (a minute of tolerance for clocks): a window that
  // starts late or ends early could miss the only traffic and make a used endpoint look idle.
  const tolerance = 60_000;
  if (traffic.window.start.getTime() > start.getTime() + tolerance || traffic.window.end.getTime() < end.getTime() - tolerance) {
    return undefined;
  }
  // A daily datapoint that starts before `start` still overlaps the window.
  const slack = traffic.period * 1000;
  let total = 0;
  for (const d of traffic.datapoints.get(endpointId) ?? []) {
    // A datapoint stamped t covers [t, t + period): it counts when that overlaps [start, end).
    const t = d.timestamp.getTime();
    if (t > start.getTime() - slack && t < end.getTime()) total += d.value;
  }
  return total;
}
