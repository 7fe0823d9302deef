/**
 * The EC2 Describe calls the collector makes, served from `RawRegion` data with the real API's
 * pagination (MaxResults bounds, nextToken), explicit id lists, documented filters and EC2 XML.
 */
import {
  DescribeFlowLogs$,
  DescribeVpcAttribute$,
  DescribeVpcEndpointServices$,
  DescribeNatGateways$,
  DescribeRouteTables$,
  DescribeSecurityGroups$,
  DescribeSubnets$,
  DescribeTransitGatewayVpcAttachments$,
  DescribeVpcEndpoints$,
  DescribeVpcPeeringConnections$,
  DescribeVpcs$,
  DescribeVpnGateways$,
  type Filter,
  type FlowLog,
  type NatGateway,
  type RouteTable,
  type ServiceDetail,
  type SecurityGroup,
  type Subnet,
  type Tag,
  type TransitGatewayVpcAttachment,
  type Vpc,
  type VpcEndpoint,
  type VpcPeeringConnection,
  type VpnGateway,
} from "@aws-sdk/client-ec2";
import type { StaticOperationSchema } from "@smithy/types";
import { createHash } from "node:crypto";
import type { InventoryPart, RawRegion } from "@endpoint-auditor/core";
import { FakeApiError, ec2ResponseBody } from "./protocol";
import { FormValueError, outputSchema, readEc2QueryInput, structToXml } from "./schema";

/** Raw list keys of a region that an EC2 Describe call serves. */
/** The inventory part a served EC2 list fills (floor.test.ts checks every EC2 list record is served). */
export type Ec2ListKey = InventoryPart;

type Extractor<T> = (item: T) => readonly (string | number | boolean | Date | undefined)[];

/** MaxResults bounds of one API as the EC2 API reference states them. */
export interface PageLimits {
  min: number;
  max: number;
  /** What a MaxResults above `max` does: an `InvalidParameterValue` error, or a page capped at `max`. */
  overMax: "error" | "cap";
}

interface ListSpec<T> {
  action: string;
  op: StaticOperationSchema;
  list: Ec2ListKey;
  /** Output member that carries the items. */
  output: string;
  /** Input member with explicit ids. */
  idsInput: string;
  id: (item: T) => string | undefined;
  /** Error code when an explicit id does not exist (undefined: unknown ids are silently absent). */
  notFound?: string;
  /** Pagination bounds; undefined for APIs without pagination (DescribeVpnGateways). */
  limits?: PageLimits;
  filters: Record<string, Extractor<T>>;
  /** Other output members derived from a page (DescribeVpcEndpointServices also answers `ServiceNames`). */
  alsoOutput?: (page: T[]) => Record<string, unknown>;
}

const tagFilters = <T extends { Tags?: Tag[] }>(): Record<string, Extractor<T>> => ({
  "tag-key": (i) => (i.Tags ?? []).map((t) => t.Key),
  "tag-value": (i) => (i.Tags ?? []).map((t) => t.Value),
});

function spec<T>(s: ListSpec<T>): ListSpec<T> {
  return s;
}

/** Every served action, with the filter names the EC2 API reference documents for it. */
export const EC2_LISTS = {
  DescribeVpcs: spec<Vpc>({
    action: "DescribeVpcs",
    op: DescribeVpcs$,
    list: "vpcs",
    output: "Vpcs",
    idsInput: "VpcIds",
    id: (v) => v.VpcId,
    notFound: "InvalidVpcID.NotFound",
    limits: { min: 5, max: 1000, overMax: "error" },
    filters: {
      "vpc-id": (v) => [v.VpcId],
      state: (v) => [v.State],
      "is-default": (v) => [v.IsDefault],
      "owner-id": (v) => [v.OwnerId],
      "cidr": (v) => [v.CidrBlock],
      "cidr-block-association.cidr-block": (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock),
      "dhcp-options-id": (v) => [v.DhcpOptionsId],
      ...tagFilters<Vpc>(),
    },
  }),
  DescribeSubnets: spec<Subnet>({
    action: "DescribeSubnets",
    op: DescribeSubnets$,
    list: "subnets",
    output: "Subnets",
    idsInput: "SubnetIds",
    id: (s) => s.SubnetId,
    notFound: "InvalidSubnetID.NotFound",
    limits: { min: 5, max: 1000, overMax: "error" },
    filters: {
      "vpc-id": (s) => [s.VpcId],
      "subnet-id": (s) => [s.SubnetId],
      state: (s) => [s.State],
      "availability-zone": (s) => [s.AvailabilityZone],
      "availability-zone-id": (s) => [s.AvailabilityZoneId],
      "owner-id": (s) => [s.OwnerId],
      "cidr-block": (s) => [s.CidrBlock],
      "default-for-az": (s) => [s.DefaultForAz],
      "map-public-ip-on-launch": (s) => [s.MapPublicIpOnLaunch],
      ...tagFilters<Subnet>(),
    },
  }),
  DescribeRouteTables: spec<RouteTable>({
    action: "DescribeRouteTables",
    op: DescribeRouteTables$,
    list: "routeTables",
    output: "RouteTables",
    idsInput: "RouteTableIds",
    id: (r) => r.RouteTableId,
    notFound: "InvalidRouteTableID.NotFound",
    limits: { min: 5, max: 100, overMax: "error" },
    filters: {
      "vpc-id": (r) => [r.VpcId],
      "route-table-id": (r) => [r.RouteTableId],
      "owner-id": (r) => [r.OwnerId],
      "association.main": (r) => (r.Associations ?? []).map((a) => a.Main === true),
      "association.subnet-id": (r) => (r.Associations ?? []).map((a) => a.SubnetId),
      "association.route-table-association-id": (r) => (r.Associations ?? []).map((a) => a.RouteTableAssociationId),
      "association.gateway-id": (r) => (r.Associations ?? []).map((a) => a.GatewayId),
      "route.destination-cidr-block": (r) => (r.Routes ?? []).map((x) => x.DestinationCidrBlock),
      "route.gateway-id": (r) => (r.Routes ?? []).map((x) => x.GatewayId),
      "route.nat-gateway-id": (r) => (r.Routes ?? []).map((x) => x.NatGatewayId),
      "route.transit-gateway-id": (r) => (r.Routes ?? []).map((x) => x.TransitGatewayId),
      "route.vpc-peering-connection-id": (r) => (r.Routes ?? []).map((x) => x.VpcPeeringConnectionId),
      "route.state": (r) => (r.Routes ?? []).map((x) => x.State),
      ...tagFilters<RouteTable>(),
    },
  }),
  DescribeNatGateways: spec<NatGateway>({
    action: "DescribeNatGateways",
    op: DescribeNatGateways$,
    list: "natGateways",
    output: "NatGateways",
    idsInput: "NatGatewayIds",
    id: (n) => n.NatGatewayId,
    notFound: "NatGatewayNotFound",
    limits: { min: 5, max: 1000, overMax: "error" },
    filters: {
      "nat-gateway-id": (n) => [n.NatGatewayId],
      state: (n) => [n.State],
      "subnet-id": (n) => [n.SubnetId],
      "vpc-id": (n) => [n.VpcId],
      ...tagFilters<NatGateway>(),
    },
  }),
  DescribeVpcEndpoints: spec<VpcEndpoint>({
    action: "DescribeVpcEndpoints",
    op: DescribeVpcEndpoints$,
    list: "vpcEndpoints",
    output: "VpcEndpoints",
    idsInput: "VpcEndpointIds",
    id: (e) => e.VpcEndpointId,
    notFound: "InvalidVpcEndpointId.NotFound",
    // "Constraint: If the value is greater than 1,000, we return only 1,000 items."
    limits: { min: 5, max: 1000, overMax: "cap" },
    filters: {
      "vpc-id": (e) => [e.VpcId],
      "vpc-endpoint-id": (e) => [e.VpcEndpointId],
      "vpc-endpoint-state": (e) => [e.State],
      "vpc-endpoint-type": (e) => [e.VpcEndpointType],
      "service-name": (e) => [e.ServiceName],
      "ip-address-type": (e) => [e.IpAddressType],
      ...tagFilters<VpcEndpoint>(),
    },
  }),
  DescribeFlowLogs: spec<FlowLog>({
    action: "DescribeFlowLogs",
    op: DescribeFlowLogs$,
    list: "flowLogs",
    output: "FlowLogs",
    idsInput: "FlowLogIds",
    id: (f) => f.FlowLogId,
    // "This value can be between 5 and 1000; if MaxResults is given a value larger than 1000, only 1000 results are returned."
    limits: { min: 5, max: 1000, overMax: "cap" },
    filters: {
      "resource-id": (f) => [f.ResourceId],
      "flow-log-id": (f) => [f.FlowLogId],
      "deliver-log-status": (f) => [f.DeliverLogsStatus],
      "log-destination-type": (f) => [f.LogDestinationType],
      "log-group-name": (f) => [f.LogGroupName],
      "traffic-type": (f) => [f.TrafficType],
      ...tagFilters<FlowLog>(),
    },
  }),
  DescribeVpnGateways: spec<VpnGateway>({
    action: "DescribeVpnGateways",
    op: DescribeVpnGateways$,
    list: "vpnGateways",
    output: "VpnGateways",
    idsInput: "VpnGatewayIds",
    id: (g) => g.VpnGatewayId,
    notFound: "InvalidVpnGatewayID.NotFound",
    filters: {
      "vpn-gateway-id": (g) => [g.VpnGatewayId],
      state: (g) => [g.State],
      type: (g) => [g.Type],
      "availability-zone": (g) => [g.AvailabilityZone],
      "amazon-side-asn": (g) => [g.AmazonSideAsn],
      "attachment.state": (g) => (g.VpcAttachments ?? []).map((a) => a.State),
      "attachment.vpc-id": (g) => (g.VpcAttachments ?? []).map((a) => a.VpcId),
      ...tagFilters<VpnGateway>(),
    },
  }),
  DescribeTransitGatewayVpcAttachments: spec<TransitGatewayVpcAttachment>({
    action: "DescribeTransitGatewayVpcAttachments",
    op: DescribeTransitGatewayVpcAttachments$,
    list: "transitGatewayAttachments",
    output: "TransitGatewayVpcAttachments",
    idsInput: "TransitGatewayAttachmentIds",
    id: (a) => a.TransitGatewayAttachmentId,
    notFound: "InvalidTransitGatewayAttachmentID.NotFound",
    limits: { min: 5, max: 1000, overMax: "error" },
    filters: {
      "transit-gateway-attachment-id": (a) => [a.TransitGatewayAttachmentId],
      "transit-gateway-id": (a) => [a.TransitGatewayId],
      "vpc-id": (a) => [a.VpcId],
      state: (a) => [a.State],
      ...tagFilters<TransitGatewayVpcAttachment>(),
    },
  }),
  DescribeVpcPeeringConnections: spec<VpcPeeringConnection>({
    action: "DescribeVpcPeeringConnections",
    op: DescribeVpcPeeringConnections$,
    list: "vpcPeeringConnections",
    output: "VpcPeeringConnections",
    idsInput: "VpcPeeringConnectionIds",
    id: (p) => p.VpcPeeringConnectionId,
    notFound: "InvalidVpcPeeringConnectionID.NotFound",
    limits: { min: 5, max: 1000, overMax: "error" },
    filters: {
      "vpc-peering-connection-id": (p) => [p.VpcPeeringConnectionId],
      "status-code": (p) => [p.Status?.Code],
      "status-message": (p) => [p.Status?.Message],
      "expiration-time": (p) => [p.ExpirationTime],
      "accepter-vpc-info.vpc-id": (p) => [p.AccepterVpcInfo?.VpcId],
      "accepter-vpc-info.owner-id": (p) => [p.AccepterVpcInfo?.OwnerId],
      "accepter-vpc-info.cidr-block": (p) => [p.AccepterVpcInfo?.CidrBlock],
      "requester-vpc-info.vpc-id": (p) => [p.RequesterVpcInfo?.VpcId],
      "requester-vpc-info.owner-id": (p) => [p.RequesterVpcInfo?.OwnerId],
      "requester-vpc-info.cidr-block": (p) => [p.RequesterVpcInfo?.CidrBlock],
      ...tagFilters<VpcPeeringConnection>(),
    },
  }),
  DescribeVpcEndpointServices: spec<ServiceDetail>({
    action: "DescribeVpcEndpointServices",
    op: DescribeVpcEndpointServices$,
    list: "vpcEndpointServices",
    output: "ServiceDetails",
    idsInput: "ServiceNames",
    id: (s) => s.ServiceName,
    notFound: "InvalidServiceName",
    // "Constraint: If the value is greater than 1,000, we return only 1,000 items."
    limits: { min: 5, max: 1000, overMax: "cap" },
    filters: {
      owner: (s) => [s.Owner],
      "service-name": (s) => [s.ServiceName],
      "service-region": (s) => [s.ServiceRegion],
      "service-type": (s) => (s.ServiceType ?? []).map((t) => t.ServiceType),
      "supported-ip-address-types": (s) => s.SupportedIpAddressTypes ?? [],
      ...tagFilters<ServiceDetail>(),
    },
    // The API answers the names of the page's services beside their details.
    alsoOutput: (page) => ({ ServiceNames: page.map((s) => s.ServiceName) }),
  }),
  DescribeSecurityGroups: spec<SecurityGroup>({
    action: "DescribeSecurityGroups",
    op: DescribeSecurityGroups$,
    list: "securityGroups",
    output: "SecurityGroups",
    idsInput: "GroupIds",
    id: (g) => g.GroupId,
    notFound: "InvalidGroup.NotFound",
    // "This value can be between 5 and 1000."
    limits: { min: 5, max: 1000, overMax: "error" },
    filters: {
      "group-id": (g) => [g.GroupId],
      "group-name": (g) => [g.GroupName],
      description: (g) => [g.Description],
      "owner-id": (g) => [g.OwnerId],
      "vpc-id": (g) => [g.VpcId],
      "ip-permission.protocol": (g) => (g.IpPermissions ?? []).map((p) => p.IpProtocol),
      "ip-permission.from-port": (g) => (g.IpPermissions ?? []).map((p) => p.FromPort),
      "ip-permission.to-port": (g) => (g.IpPermissions ?? []).map((p) => p.ToPort),
      "ip-permission.cidr": (g) => (g.IpPermissions ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp)),
      "ip-permission.ipv6-cidr": (g) => (g.IpPermissions ?? []).flatMap((p) => (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)),
      "ip-permission.group-id": (g) => (g.IpPermissions ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupId)),
      "ip-permission.prefix-list-id": (g) => (g.IpPermissions ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((l) => l.PrefixListId)),
      ...tagFilters<SecurityGroup>(),
    },
  }),
} as const;

export type Ec2Action = keyof typeof EC2_LISTS;

/** The attributes `DescribeVpcAttribute` answers, by their input name and output member. */
const VPC_ATTRIBUTES: Readonly<Record<string, string>> = {
  enableDnsSupport: "EnableDnsSupport",
  enableDnsHostnames: "EnableDnsHostnames",
  enableNetworkAddressUsageMetrics: "EnableNetworkAddressUsageMetrics",
};

/**
 * `DescribeVpcAttribute`: one attribute of one VPC. Answers recorded in the region's `vpcDnsAttributes`
 * are served as they are; otherwise a VPC answers AWS's defaults (DNS support on, DNS hostnames on only
 * in a default VPC, address usage metrics off). An unknown VPC is `InvalidVpcID.NotFound`.
 */
function describeVpcAttribute(input: Record<string, unknown>, region: RawRegion | undefined): Record<string, unknown> {
  const vpcId = input.VpcId as string | undefined;
  const attribute = input.Attribute as string | undefined;
  const member = attribute !== undefined ? VPC_ATTRIBUTES[attribute] : undefined;
  if (!vpcId) throw new FakeApiError("MissingParameter", "The request must contain the parameter vpcId");
  if (!member) throw new FakeApiError("InvalidParameterValue", `Value (${attribute ?? ""}) for parameter attribute is invalid. Unknown attribute.`);
  const vpc = (region?.vpcs ?? []).find((v) => v.VpcId === vpcId);
  if (!vpc) throw new FakeApiError("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
  const recorded = (region?.vpcDnsAttributes ?? []).find((a) => a.VpcId === vpcId && (a as Record<string, unknown>)[member] !== undefined);
  const value = recorded
    ? (recorded as Record<string, { Value?: boolean }>)[member]?.Value
    : attribute === "enableDnsSupport" || (attribute === "enableDnsHostnames" && vpc.IsDefault === true);
  return { VpcId: vpcId, [member]: { Value: value === true } };
}

/** EC2 calls that are not lists: their operation schema and how they answer. */
const EC2_CALLS: Readonly<Record<string, { op: StaticOperationSchema; answer: (input: Record<string, unknown>, region: RawRegion | undefined) => Record<string, unknown> }>> = {
  DescribeVpcAttribute: { op: DescribeVpcAttribute$, answer: describeVpcAttribute },
};

/** Page bounds per action (undefined: the API does not paginate). */
export function pageLimits(action: Ec2Action): PageLimits | undefined {
  return (EC2_LISTS[action] as ListSpec<unknown>).limits;
}

function filterText(value: string | number | boolean | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** EC2 filter values accept `*` (any run of characters) and `?` (one character). */
function globMatch(pattern: string, text: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern === text;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
  return re.test(text);
}

function matchesFilter<T>(item: T, filter: Filter, extractor: Extractor<T>): boolean {
  const values = extractor(item).map(filterText).filter((v): v is string => v !== undefined);
  return (filter.Values ?? []).some((pattern) => values.some((v) => globMatch(pattern, v)));
}

function filterFor<T>(spec: ListSpec<T>, name: string): Extractor<T> | undefined {
  const direct = spec.filters[name];
  if (direct) return direct;
  if (name.startsWith("tag:")) {
    const key = name.slice(4);
    return (item) => ((item as { Tags?: Tag[] }).Tags ?? []).filter((t) => t.Key === key).map((t) => t.Value ?? "");
  }
  return undefined;
}

interface PageToken {
  a: string;
  o: number;
  f: string;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodeToken(text: string): PageToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<PageToken>;
    if (typeof t.a === "string" && typeof t.o === "number" && typeof t.f === "string") return t as PageToken;
  } catch {
    return undefined;
  }
  return undefined;
}

export interface Ec2Options {
  /** Page size when a paginated call sends no MaxResults: `"max"` (the API maximum, default) or `"all"`. */
  defaultPageSize: "max" | "all";
}

/** The parsed input of an EC2 call, in SDK shape, for the call log. */
export function parseEc2Input(action: string, params: URLSearchParams): Record<string, unknown> {
  const op = (EC2_LISTS as Record<string, ListSpec<unknown>>)[action]?.op ?? EC2_CALLS[action]?.op;
  if (!op) return Object.fromEntries(params);
  try {
    return readEc2QueryInput(op, params);
  } catch (e) {
    if (e instanceof FormValueError) throw new FakeApiError("InvalidParameterValue", e.message);
    throw e;
  }
}

/**
 * Answers one EC2 call. `input` is the SDK-shaped request (from {@link parseEc2Input}).
 * Throws {@link FakeApiError} for what the real API rejects.
 */
export function handleEc2(
  action: string,
  input: Record<string, unknown>,
  region: RawRegion | undefined,
  requestId: string,
  options: Ec2Options,
): string {
  const listSpec = (EC2_LISTS as Record<string, ListSpec<unknown>>)[action];
  const call = EC2_CALLS[action];
  if (!listSpec && !call) {
    throw new FakeApiError("InvalidAction", `The action ${action} is not valid for this web service.`);
  }
  if (input.DryRun === true) {
    throw new FakeApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
  }
  if (!listSpec) {
    const answer = (call as NonNullable<typeof call>).answer(input, region);
    return ec2ResponseBody(action, requestId, structToXml(outputSchema((call as NonNullable<typeof call>).op), answer));
  }
  const all = ((region?.[listSpec.list] ?? []) as unknown[]).slice();
  const ids = (input[listSpec.idsInput] as string[] | undefined) ?? [];
  const filters = ((input.Filters ?? input.Filter) as Filter[] | undefined) ?? [];
  const maxResults = input.MaxResults as number | undefined;
  const nextToken = input.NextToken as string | undefined;

  if (maxResults !== undefined && ids.length > 0) {
    throw new FakeApiError(
      "InvalidParameterCombination",
      `The parameter ${listSpec.idsInput} cannot be used with the parameter maxResults`,
    );
  }
  let pageSize = Number.POSITIVE_INFINITY;
  if (listSpec.limits) {
    const { min, max, overMax } = listSpec.limits;
    if (maxResults !== undefined) {
      if (!Number.isInteger(maxResults) || maxResults < min || (maxResults > max && overMax === "error")) {
        throw new FakeApiError(
          "InvalidParameterValue",
          `Value ( ${maxResults} ) for parameter maxResults is invalid. Parameter must be between ${min} and ${max}.`,
        );
      }
      pageSize = Math.min(maxResults, max);
    } else if (options.defaultPageSize === "max") {
      pageSize = max;
    }
  }

  for (const f of filters) {
    if (!f.Name || !filterFor(listSpec, f.Name)) {
      throw new FakeApiError("InvalidParameterValue", `The filter '${f.Name ?? ""}' is invalid`);
    }
    if (!f.Values || f.Values.length === 0) {
      throw new FakeApiError("InvalidParameterValue", `The filter '${f.Name}' has no values`);
    }
  }

  let items = all;
  if (ids.length > 0) {
    const wanted = new Set(ids);
    items = items.filter((i) => wanted.has(listSpec.id(i) ?? ""));
    if (listSpec.notFound) {
      const found = new Set(items.map((i) => listSpec.id(i)));
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw new FakeApiError(listSpec.notFound, `The ID '${missing.join("', '")}' does not exist`);
      }
    }
  }
  for (const f of filters) {
    const extractor = filterFor(listSpec, f.Name as string) as Extractor<unknown>;
    items = items.filter((i) => matchesFilter(i, f, extractor));
  }

  const fingerprint = createHash("sha256")
    .update(JSON.stringify({ action, ids, filters, region: region?.region }))
    .digest("hex")
    .slice(0, 16);
  let offset = 0;
  if (nextToken !== undefined && nextToken !== "") {
    const token = decodeToken(nextToken);
    if (!token || token.a !== action || token.f !== fingerprint || token.o < 0 || token.o > items.length) {
      throw new FakeApiError("InvalidPaginationToken", `Invalid pagination token: ${nextToken}`);
    }
    offset = token.o;
  }
  const page = items.slice(offset, offset + pageSize);
  const end = offset + page.length;
  const output: Record<string, unknown> = { ...listSpec.alsoOutput?.(page), [listSpec.output]: page };
  if (end < items.length) output.NextToken = encodeToken({ a: action, o: end, f: fingerprint });
  return ec2ResponseBody(action, requestId, structToXml(outputSchema(listSpec.op), output));
}
