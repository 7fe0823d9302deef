/**
 * The inventory model: one account and one region, every list fetched once and indexed by id.
 * Rules read only this model; they never see the SDK.
 */
import type { InventoryPart } from "./parts";

export type Tags = Readonly<Record<string, string>>;

export interface Vpc {
  id: string;
  ownerId: string;
  cidrBlock?: string;
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
  tags: Tags;
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

export interface Datapoint {
  timestamp: Date;
  value: number;
}

/** Daily `BytesProcessed` sums of interface endpoints. */
export interface EndpointTraffic {
  window: { start: Date; end: Date };
  period: number;
  /** Endpoints that were queried. A queried endpoint without datapoints processed zero bytes. */
  queried: ReadonlySet<string>;
  datapoints: ReadonlyMap<string, readonly Datapoint[]>;
}

/** Lookups built once while parsing; every rule join goes through a map. */
export interface InventoryIndex {
  subnetsByVpc: ReadonlyMap<string, readonly Subnet[]>;
  /** Explicit subnet → route table associations. */
  routeTableBySubnet: ReadonlyMap<string, RouteTable>;
  /** Each VPC's own main route table. */
  mainRouteTableByVpc: ReadonlyMap<string, RouteTable>;
  endpointsByVpc: ReadonlyMap<string, readonly VpcEndpoint[]>;
  /** Gateway endpoints by the route tables they are attached to. */
  gatewayEndpointsByRouteTable: ReadonlyMap<string, readonly VpcEndpoint[]>;
  flowLogsByResource: ReadonlyMap<string, readonly FlowLog[]>;
  /** VPN gateways by the VPCs they are attached to (any attachment state). */
  vpnGatewaysByVpc: ReadonlyMap<string, readonly VpnGateway[]>;
  transitGatewayAttachmentsByVpc: ReadonlyMap<string, readonly TransitGatewayVpcAttachment[]>;
  /** Peering connections by each side's VPC id. */
  peeringConnectionsByVpc: ReadonlyMap<string, readonly VpcPeeringConnection[]>;
}

/** A failed part: the call and the error message. */
export interface PartFailure {
  call: string;
  message: string;
  code?: string;
}

/** One account + one region, parsed and indexed. */
export interface Inventory {
  accountId: string;
  region: string;
  collectedAt: Date;
  /** Parts that were collected successfully. */
  parts: ReadonlySet<InventoryPart>;
  /** Parts whose collection failed. */
  failures: ReadonlyMap<InventoryPart, PartFailure>;
  vpcs: ReadonlyMap<string, Vpc>;
  subnets: ReadonlyMap<string, Subnet>;
  routeTables: ReadonlyMap<string, RouteTable>;
  natGateways: ReadonlyMap<string, NatGateway>;
  vpcEndpoints: ReadonlyMap<string, VpcEndpoint>;
  flowLogs: ReadonlyMap<string, FlowLog>;
  vpnGateways: ReadonlyMap<string, VpnGateway>;
  transitGatewayAttachments: ReadonlyMap<string, TransitGatewayVpcAttachment>;
  vpcPeeringConnections: ReadonlyMap<string, VpcPeeringConnection>;
  endpointTraffic?: EndpointTraffic;
  index: InventoryIndex;
}
