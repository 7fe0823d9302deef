/**
 * The inventory model: the types rules read. One account and one region, every list fetched once and
 * mapped by id; the records of `parts/` turn raw API items into these types.
 * Rules read only this model (through `queries.ts`); they never see the SDK.
 */
import type { InventoryPart, ParsedOf } from "./parts/index";

export type Tags = Readonly<Record<string, string>>;

export interface Vpc {
  id: string;
  ownerId: string;
  cidrBlock?: string;
  /** Every associated IPv4 block (`CidrBlockAssociationSet`, primary and secondary). */
  ipv4CidrBlocks: readonly string[];
  /** Every associated IPv6 block (`Ipv6CidrBlockAssociationSet`). */
  ipv6CidrBlocks: readonly string[];
  isDefault: boolean;
  state?: string;
  tags: Tags;
}

export interface Subnet {
  id: string;
  vpcId: string;
  ownerId?: string;
  availabilityZone?: string;
  cidrBlock?: string;
  tags: Tags;
}

export interface Route {
  destinationCidrBlock?: string;
  destinationIpv6CidrBlock?: string;
  destinationPrefixListId?: string;
  /** `igw-…`, `vgw-…`, `local`, or a gateway endpoint `vpce-…`. */
  gatewayId?: string;
  natGatewayId?: string;
  transitGatewayId?: string;
  vpcPeeringConnectionId?: string;
  networkInterfaceId?: string;
  instanceId?: string;
  egressOnlyInternetGatewayId?: string;
  localGatewayId?: string;
  carrierGatewayId?: string;
  coreNetworkArn?: string;
  /** `active` or `blackhole`. */
  state?: string;
}

export interface RouteTable {
  id: string;
  vpcId: string;
  /** This is its VPC's main route table. */
  isMain: boolean;
  /** Subnets explicitly associated with this table. */
  subnetIds: readonly string[];
  routes: readonly Route[];
  tags: Tags;
}

export interface NatGateway {
  id: string;
  vpcId: string;
  subnetId?: string;
  /** `pending`, `failed`, `available`, `deleting`, `deleted`. */
  state: string;
  connectivityType?: string;
  tags: Tags;
}

/** Canonical endpoint states (the API's spelling varies in case; the parser normalises to these). */
export type EndpointState =
  | "pendingAcceptance"
  | "pending"
  | "available"
  | "deleting"
  | "deleted"
  | "rejected"
  | "failed"
  | "expired"
  | "partial"
  | "unknown";

export interface VpcEndpoint {
  id: string;
  vpcId: string;
  ownerId?: string;
  serviceName: string;
  /** `Interface`, `Gateway`, `GatewayLoadBalancer`, `Resource`, `ServiceNetwork`. */
  type: string;
  state: EndpointState;
  /** The state exactly as the API spelled it (kept so a state this version does not know can be named). */
  rawState?: string;
  creationTimestamp?: Date;
  /** Interface endpoints: one subnet (and so one billed AZ) each. */
  subnetIds: readonly string[];
  /** Gateway endpoints: the route tables they are attached to. */
  routeTableIds: readonly string[];
  privateDnsEnabled: boolean;
  /** `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`: the AWS-recommended hybrid setup. */
  privateDnsOnlyForInboundResolverEndpoint: boolean;
  /** The endpoint policy as the API returns it (a JSON string); absent when the API sent none. */
  policyDocument?: string;
  /** Interface endpoints: the security groups of its network interfaces. */
  securityGroupIds: readonly string[];
  tags: Tags;
}

/** One inbound (or outbound) permission of a security group, as `IpPermissions` holds it. */
export interface SecurityGroupPermission {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` (all). */
  protocol: string;
  /** Undefined for `-1` and protocols without ports. */
  fromPort?: number;
  toPort?: number;
  ipv4Ranges: readonly string[];
  ipv6Ranges: readonly string[];
  /** Referenced security groups (`UserIdGroupPairs`). */
  groupIds: readonly string[];
  prefixListIds: readonly string[];
}

export interface SecurityGroup {
  id: string;
  name?: string;
  vpcId?: string;
  ownerId?: string;
  ingress: readonly SecurityGroupPermission[];
  tags: Tags;
}

/** An S3 general purpose bucket the audited account owns (`ListBuckets` lists only those). */
export interface S3Bucket {
  /** The bucket name. */
  id: string;
  region?: string;
  tags: Tags;
}

/**
 * What `organizations:DescribeOrganization` said about the audited account's organization: `id` when the
 * account is in one and the call was allowed; `unknown` when the call was refused or failed; neither when the
 * account is in no organization.
 */
export interface OrganizationInfo {
  /** The organization id (`o-…`), when the account is in one and the call was allowed. */
  id?: string;
  managementAccountId?: string;
  /** Why the organization is unknown (the call was refused or failed). */
  unknown?: string;
}

export interface FlowLog {
  id: string;
  /** The VPC, subnet or network interface it records. */
  resourceId: string;
  /** `ACTIVE` when it is on. */
  status?: string;
  /** `ACCEPT`, `REJECT` or `ALL`. */
  trafficType?: string;
  /** `SUCCESS` or `FAILED`. */
  deliverLogsStatus?: string;
  deliverLogsErrorMessage?: string;
  logDestinationType?: string;
  logDestination?: string;
  tags: Tags;
}

export interface VpnGateway {
  id: string;
  state?: string;
  attachments: readonly { vpcId: string; state?: string }[];
  tags: Tags;
}

export interface TransitGatewayVpcAttachment {
  id: string;
  transitGatewayId?: string;
  vpcId: string;
  state?: string;
  tags: Tags;
}

export interface PeeringSide {
  vpcId?: string;
  ownerId?: string;
  region?: string;
}

export interface VpcPeeringConnection {
  id: string;
  /** `Status.Code`: `active`, `pending-acceptance`, `deleted`, … */
  status?: string;
  requester: PeeringSide;
  accepter: PeeringSide;
  tags: Tags;
}

/** An endpoint service (`DescribeVpcEndpointServices`, Interface type): where it is offered and its DNS name. */
export interface EndpointService {
  /** The service name, e.g. `com.amazonaws.us-east-1.ssm` (one Interface entry per name). */
  id: string;
  /** `amazon` for AWS services, else the account id of the service's owner. */
  owner?: string;
  /** Availability Zones (names) in which the service is offered to this account. */
  availabilityZones: readonly string[];
  /** Its private DNS name, e.g. `ssm.us-east-1.amazonaws.com` or `*.execute-api.us-east-1.amazonaws.com`. */
  privateDnsName?: string;
  tags: Tags;
}

/** A VPC's DNS attributes (`DescribeVpcAttribute`); undefined when the answer did not say. */
export interface VpcDnsAttributes {
  vpcId: string;
  enableDnsSupport?: boolean;
  enableDnsHostnames?: boolean;
}

/** A private hosted zone a VPC is associated with (`ListHostedZonesByVPC`), of any owner. */
export interface PrivateHostedZone {
  id: string;
  /** The zone's name, lower case, without the trailing dot: `ssm.us-east-1.amazonaws.com`. */
  name: string;
  /** The account that owns it (a hub account in hub-and-spoke DNS), or … */
  owningAccount?: string;
  /** … the AWS service that created it (e.g. `efs.amazonaws.com`). */
  owningService?: string;
}

export interface Datapoint {
  timestamp: Date;
  value: number;
}

/** Daily sums of endpoint metrics (CloudWatch `AWS/PrivateLinkEndpoints`) over one window. */
export interface EndpointMetrics {
  /** The collected window; undefined when no metrics were collected. */
  window: { start: Date; end: Date } | undefined;
  /** Period of the datapoints in seconds. */
  period: number;
  /** Endpoints that were queried, per metric name. A queried endpoint without datapoints had zero. */
  queried: ReadonlyMap<string, ReadonlySet<string>>;
  /** Datapoints per metric name and endpoint id (a queried endpoint without datapoints has no entry). */
  datapoints: ReadonlyMap<string, MetricSeries>;
}

/**
 * The datapoints of one metric by endpoint id. A sum over a time range reads the collected values as they are
 * (a large account has hundreds of thousands of datapoints: no object per datapoint is made to add them up).
 */
export interface MetricSeries extends ReadonlyMap<string, readonly Datapoint[]> {
  /** The sum of the endpoint's values stamped after `fromMs` and before `toMs` (0 when it has no datapoint). */
  sumBetween(endpointId: string, fromMs: number, toMs: number): number;
}

/** A failed part: the call and the error message. */
export interface PartFailure {
  call: string;
  message: string;
  code?: string;
}

/** What every inventory has besides its parts. */
export interface InventoryBase {
  accountId: string;
  region: string;
  collectedAt: Date;
  /** Parts that were collected successfully. */
  parts: ReadonlySet<InventoryPart>;
  /** Parts whose collection failed. */
  failures: ReadonlyMap<InventoryPart, PartFailure>;
}

/**
 * One account + one region, parsed: every part of the table (`parts/index.ts`) as its record parses it —
 * a map by id for each list (empty when not collected; `parts` says what was). Rules read it through
 * the helpers of `queries.ts`.
 */
export type Inventory = InventoryBase & { readonly [K in InventoryPart]: ParsedOf<K> };
