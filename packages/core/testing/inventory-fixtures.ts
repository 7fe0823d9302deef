/**
 * Test support: builds realistic raw API items (the shapes `DescribeVpcs`, `DescribeSubnets`,
 * `DescribeRouteTables`, `DescribeNatGateways`, `DescribeVpcEndpoints`, `DescribeFlowLogs`,
 * `DescribeVpnGateways`, `DescribeTransitGatewayVpcAttachments`, `DescribeVpcPeeringConnections`,
 * `DescribeVpcEndpointServices`, `DescribeVpcAttribute`, Route 53 `ListHostedZonesByVPC` and `GetMetricData`
 * return) and turns them into an {@link Inventory} through the real {@link parseRegion}, so
 * rule tests exercise the same parsing as a live scan or a replayed snapshot.
 *
 * Values are spelled as the EC2 Query API returns them, which is not always what the SDK's TypeScript
 * enums say: endpoint `State` is `available` / `pendingAcceptance` (the SDK types list `Available`), flow
 * log `FlowLogStatus` is `ACTIVE`, `DeliverLogsStatus` `SUCCESS` / `FAILED`, VPN attachment `State`
 * `attached`, transit-gateway attachment `State` `available`, peering `Status.Code` `active`.
 *
 * @example
 * ```ts
 * const b = new InventoryBuilder();
 * const vpc = b.vpc();
 * const subnet = b.subnet({ vpcId: vpc });
 * const nat = b.natGateway({ vpcId: vpc, subnetId: b.subnet({ vpcId: vpc }) });
 * b.routeTable({ vpcId: vpc, subnetIds: [subnet], routes: [routeTo.nat(nat)] });
 * const inventory = b.build();
 * ```
 */
import { createHash } from "node:crypto";
import type {
  DescribeVpcAttributeResult,
  FlowLog as Ec2FlowLog,
  NatGateway as Ec2NatGateway,
  Route as Ec2Route,
  RouteTable as Ec2RouteTable,
  RouteTableAssociation as Ec2RouteTableAssociation,
  ServiceDetail,
  IpPermission,
  SecurityGroup as Ec2SecurityGroup,
  Subnet as Ec2Subnet,
  Tag,
  TransitGatewayVpcAttachment as Ec2TransitGatewayVpcAttachment,
  Vpc as Ec2Vpc,
  VpcEndpoint as Ec2VpcEndpoint,
  VpcPeeringConnection as Ec2VpcPeeringConnection,
  VpnGateway as Ec2VpnGateway,
} from "@aws-sdk/client-ec2";
import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { HostedZoneSummary } from "@aws-sdk/client-route-53";
import type { Bucket } from "@aws-sdk/client-s3";
import type { Finding } from "../src/evaluation";
import type { Inventory } from "../src/inventory/model";
import { parseRegion } from "../src/inventory/parse";
import { PARTS, type InventoryPart } from "../src/inventory/parts/index";
import { VPC_DNS_ATTRIBUTES, hubZoneVpcs, privateDnsOffVpcs } from "../src/inventory/parts/vpc-dns-attributes";
import type { RawVpcHostedZones } from "../src/inventory/parts/vpc-hosted-zones";
import type { RawCollectionError, RawEndpointMetrics, RawRegion } from "../src/inventory/raw";
import { parseParameters, type ParameterSchema } from "../src/parameters";
import type { Rule } from "../src/rules/rule";
import { RULES } from "../src/rules/index";

export const FIXTURE_ACCOUNT_ID = "111122223333";
/** The account that owns the partner endpoint services of fixtures (`com.amazonaws.vpce.…`). */
export const FIXTURE_PARTNER_ACCOUNT_ID = "444455556666";
export const FIXTURE_REGION = "us-east-1";
/** A fixed "now" for rule tests. */
export const FIXTURE_NOW = new Date("2026-11-02T06:00:00.000Z");
export const DAY_MS = 86_400_000;

/** `now` minus `days` days. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** Midnight UTC of the day `date` falls in (where CloudWatch puts a daily datapoint). */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** EC2 prefix-list ids of the S3 and DynamoDB gateway endpoints in us-east-1 (as DescribeRouteTables shows them). */
const PREFIX_LISTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "us-east-1": { s3: "pl-63a5400a", dynamodb: "pl-02cd2c6b" },
};

function tagList(tags: Readonly<Record<string, string>> | undefined): Tag[] {
  return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/** Default routes (or any destination) to each kind of target, as DescribeRouteTables returns them. */
export const routeTo = {
  local: (cidr: string): Ec2Route => ({ DestinationCidrBlock: cidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active" }),
  internetGateway: (igwId: string, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    GatewayId: igwId,
    Origin: "CreateRoute",
    State: "active",
  }),
  nat: (natGatewayId: string, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    NatGatewayId: natGatewayId,
    Origin: "CreateRoute",
    State: "active",
  }),
  transitGateway: (tgwId: string, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    TransitGatewayId: tgwId,
    Origin: "CreateRoute",
    State: "active",
  }),
  peering: (pcxId: string, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    VpcPeeringConnectionId: pcxId,
    Origin: "CreateRoute",
    State: "active",
  }),
  networkInterface: (eniId: string, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    NetworkInterfaceId: eniId,
    Origin: "CreateRoute",
    State: "active",
  }),
  /** A route to an instance (e.g. a NAT instance): the API names the instance, its owner and its ENI. */
  instance: (instanceId: string, eniId: string, ownerId = FIXTURE_ACCOUNT_ID, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    InstanceId: instanceId,
    InstanceOwnerId: ownerId,
    NetworkInterfaceId: eniId,
    Origin: "CreateRoute",
    State: "active",
  }),
  virtualPrivateGateway: (vgwId: string, cidr = "0.0.0.0/0", propagated = false): Ec2Route => ({
    DestinationCidrBlock: cidr,
    GatewayId: vgwId,
    Origin: propagated ? "EnableVgwRoutePropagation" : "CreateRoute",
    State: "active",
  }),
  /** A Gateway Load Balancer endpoint as a route target (inspection VPCs). */
  gatewayLoadBalancerEndpoint: (vpceId: string, cidr = "0.0.0.0/0"): Ec2Route => ({
    DestinationCidrBlock: cidr,
    GatewayId: vpceId,
    Origin: "CreateRoute",
    State: "active",
  }),
  /** The prefix-list route a gateway endpoint adds to each route table it is attached to. */
  gatewayEndpoint: (vpceId: string, prefixListId: string): Ec2Route => ({
    DestinationPrefixListId: prefixListId,
    GatewayId: vpceId,
    Origin: "CreateRoute",
    State: "active",
  }),
  /** The same route after its target was deleted. */
  blackhole: (route: Ec2Route): Ec2Route => ({ ...route, State: "blackhole" }),
} as const;

/** Inbound permissions (`IpPermissions` items) as `DescribeSecurityGroups` returns them. */
export const inbound = {
  /** TCP on `from`–`to` (one port when `to` is left out) from IPv4 and/or IPv6 blocks. */
  tcp: (from: number, sources: { cidrs?: readonly string[]; ipv6?: readonly string[]; groups?: readonly string[]; prefixLists?: readonly string[] }, to = from): IpPermission => ({
    IpProtocol: "tcp",
    FromPort: from,
    ToPort: to,
    IpRanges: (sources.cidrs ?? []).map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: (sources.ipv6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    UserIdGroupPairs: (sources.groups ?? []).map((GroupId) => ({ GroupId, UserId: FIXTURE_ACCOUNT_ID })),
    PrefixListIds: (sources.prefixLists ?? []).map((PrefixListId) => ({ PrefixListId })),
  }),
  /** Every protocol and port (`IpProtocol` `-1`, no ports). */
  all: (sources: { cidrs?: readonly string[]; ipv6?: readonly string[]; groups?: readonly string[] }): IpPermission => ({
    IpProtocol: "-1",
    IpRanges: (sources.cidrs ?? []).map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: (sources.ipv6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    UserIdGroupPairs: (sources.groups ?? []).map((GroupId) => ({ GroupId, UserId: FIXTURE_ACCOUNT_ID })),
    PrefixListIds: [],
  }),
  /** UDP on `from`–`to`. */
  udp: (from: number, cidrs: readonly string[], to = from): IpPermission => ({
    IpProtocol: "udp",
    FromPort: from,
    ToPort: to,
    IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: [],
    UserIdGroupPairs: [],
    PrefixListIds: [],
  }),
} as const;

/** Endpoint states as the API spells them (the SDK's `State` type lists `Available`, … instead). */
export type ApiEndpointState =
  | "pendingAcceptance"
  | "pending"
  | "available"
  | "deleting"
  | "deleted"
  | "rejected"
  | "failed"
  | "expired"
  | "partial";

export interface BuilderOptions {
  region?: string;
  accountId?: string;
  now?: Date;
}

/** One day of `BytesProcessed` for an endpoint. */
export interface DailyBytes {
  /** Whole days before `now`; the datapoint sits at midnight UTC of that day. */
  daysAgo: number;
  bytes: number;
}

/** Every endpoint metric a registered rule reads with its default parameters (what a full scan collects). */
function registeredMetricNames(): string[] {
  const names: string[] = [];
  for (const rule of RULES) {
    const needs = rule.metadata.metrics?.(parseParameters(rule.metadata.id, rule.metadata.parameters, {}));
    for (const n of needs?.names ?? []) if (!names.includes(n)) names.push(n);
  }
  return names.length > 0 ? names : ["BytesProcessed"];
}

/**
 * Accumulates raw API items for one account + region and parses them with {@link parseRegion}.
 * Every `add` method returns the id of what it added. Ids are generated (17 hex digits, like real ones)
 * unless given.
 */
export class InventoryBuilder {
  public readonly region: string;
  public readonly accountId: string;
  public readonly now: Date;

  /** Raw items of every list part, by part key (what `toRaw` puts in the region). */
  private readonly lists = new Map<InventoryPart, unknown[]>();

  /** The raw items of a list part (the array itself: pushing to it adds items). */
  public items<T = unknown>(part: InventoryPart): T[] {
    let list = this.lists.get(part);
    if (!list) this.lists.set(part, (list = []));
    return list as T[];
  }

  public get vpcs(): Ec2Vpc[] {
    return this.items("vpcs");
  }
  public get subnets(): Ec2Subnet[] {
    return this.items("subnets");
  }
  public get routeTables(): Ec2RouteTable[] {
    return this.items("routeTables");
  }
  public get natGateways(): Ec2NatGateway[] {
    return this.items("natGateways");
  }
  public get vpcEndpoints(): Ec2VpcEndpoint[] {
    return this.items("vpcEndpoints");
  }
  public get flowLogs(): Ec2FlowLog[] {
    return this.items("flowLogs");
  }
  public get vpnGateways(): Ec2VpnGateway[] {
    return this.items("vpnGateways");
  }
  public get transitGatewayAttachments(): Ec2TransitGatewayVpcAttachment[] {
    return this.items("transitGatewayAttachments");
  }
  public get vpcPeeringConnections(): Ec2VpcPeeringConnection[] {
    return this.items("vpcPeeringConnections");
  }
  public get vpcEndpointServices(): ServiceDetail[] {
    return this.items("vpcEndpointServices");
  }
  public get securityGroups(): Ec2SecurityGroup[] {
    return this.items("securityGroups");
  }
  public get s3Buckets(): Bucket[] {
    return this.items("s3Buckets");
  }

  private counter = 0;
  private cidrCounter = 0;
  private readonly subnetCidrCounters = new Map<string, number>();
  private readonly metricData = new Map<string, Map<string, { at: Date; value: number }[]>>();
  private metricNames: string[] | undefined;
  private readonly rawValues = new Map<InventoryPart, unknown>();
  private metricsWindowDays = 30;
  private metricsEndpointIds: string[] | undefined;
  private readonly omitted = new Set<InventoryPart>();
  /** DNS attributes by VPC id (what `DescribeVpcAttribute` answers for it). */
  private readonly vpcDns = new Map<string, { enableDnsSupport: boolean; enableDnsHostnames: boolean }>();
  /** Private hosted zones and the VPCs each is associated with. */
  private readonly hostedZones: { summary: HostedZoneSummary; vpcIds: string[] }[] = [];
  private readonly errors: RawCollectionError[] = [];

  public constructor(options: BuilderOptions = {}) {
    this.region = options.region ?? FIXTURE_REGION;
    this.accountId = options.accountId ?? FIXTURE_ACCOUNT_ID;
    this.now = options.now ?? FIXTURE_NOW;
  }

  /**
   * A fresh id with the shape of a real one (`prefix-0` and 16 hex digits), derived from the region and a
   * counter: deterministic, unique, and as different from its neighbours as real ids are.
   */
  public id(prefix: string): string {
    this.counter += 1;
    return `${prefix}-0${createHash("sha256").update(`${this.region}:${this.counter}`).digest("hex").slice(0, 16)}`;
  }

  private vpcCidr(vpcId: string): string {
    return this.vpcs.find((v) => v.VpcId === vpcId)?.CidrBlock ?? "10.0.0.0/16";
  }

  /**
   * A VPC. Its DNS attributes (what `DescribeVpcAttribute` answers) default to both on, as the console's
   * VPC wizard creates them.
   */
  public vpc(
    options: {
      id?: string;
      cidr?: string;
      /** Secondary IPv4 blocks (associated). */
      secondaryCidrs?: readonly string[];
      /** IPv6 blocks (Amazon-provided, associated). */
      ipv6Cidrs?: readonly string[];
      ownerId?: string;
      isDefault?: boolean;
      dnsSupport?: boolean;
      dnsHostnames?: boolean;
      tags?: Record<string, string>;
    } = {},
  ): string {
    const id = options.id ?? this.id("vpc");
    this.vpcDns.set(id, { enableDnsSupport: options.dnsSupport ?? true, enableDnsHostnames: options.dnsHostnames ?? true });
    this.cidrCounter += 1;
    const cidr = options.cidr ?? `10.${this.cidrCounter}.0.0/16`;
    this.vpcs.push({
      CidrBlock: cidr,
      DhcpOptionsId: "dopt-0a1b2c3d4e5f60789",
      State: "available",
      VpcId: id,
      OwnerId: options.ownerId ?? this.accountId,
      InstanceTenancy: "default",
      CidrBlockAssociationSet: [
        { AssociationId: `vpc-cidr-assoc-0${id.slice(-16)}`, CidrBlock: cidr, CidrBlockState: { State: "associated" } },
        ...(options.secondaryCidrs ?? []).map((c) => ({ AssociationId: this.id("vpc-cidr-assoc"), CidrBlock: c, CidrBlockState: { State: "associated" as const } })),
      ],
      ...(options.ipv6Cidrs && options.ipv6Cidrs.length > 0
        ? {
            Ipv6CidrBlockAssociationSet: options.ipv6Cidrs.map((c) => ({
              AssociationId: this.id("vpc-cidr-assoc"),
              Ipv6CidrBlock: c,
              Ipv6CidrBlockState: { State: "associated" as const },
              NetworkBorderGroup: this.region,
              Ipv6Pool: "Amazon",
            })),
          }
        : {}),
      IsDefault: options.isDefault ?? false,
      BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
      Tags: tagList({ Name: `vpc-${this.vpcs.length + 1}`, ...options.tags }),
    });
    return id;
  }

  public subnet(options: {
    vpcId: string;
    id?: string;
    availabilityZone?: string;
    cidr?: string;
    ownerId?: string;
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("subnet");
    const n = (this.subnetCidrCounters.get(options.vpcId) ?? 0) + 1;
    this.subnetCidrCounters.set(options.vpcId, n);
    const base = this.vpcCidr(options.vpcId).split(".").slice(0, 2).join(".");
    const az = options.availabilityZone ?? `${this.region}${"abcdef"[(n - 1) % 6]}`;
    const owner = options.ownerId ?? this.accountId;
    this.subnets.push({
      AvailabilityZone: az,
      AvailabilityZoneId: `use1-az${((n - 1) % 6) + 1}`,
      AvailableIpAddressCount: 251,
      CidrBlock: options.cidr ?? `${base}.${n}.0/24`,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      MapCustomerOwnedIpOnLaunch: false,
      State: "available",
      SubnetId: id,
      VpcId: options.vpcId,
      OwnerId: owner,
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [],
      SubnetArn: `arn:aws:ec2:${this.region}:${owner}:subnet/${id}`,
      EnableDns64: false,
      Ipv6Native: false,
      PrivateDnsNameOptionsOnLaunch: { HostnameType: "ip-name", EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
      Tags: tagList(options.tags),
    });
    return id;
  }

  /**
   * A route table with its `local` route first. `main: true` adds the `Main` association that marks a
   * VPC's main table; `subnetIds` become explicit associations; `disassociatedSubnetIds` are associations
   * in state `disassociated` (the API still lists them for a while).
   */
  public routeTable(options: {
    vpcId: string;
    id?: string;
    main?: boolean;
    subnetIds?: readonly string[];
    disassociatedSubnetIds?: readonly string[];
    routes?: readonly Ec2Route[];
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("rtb");
    const associations: Ec2RouteTableAssociation[] = [];
    const assocId = (): string => this.id("rtbassoc");
    if (options.main) {
      associations.push({ Main: true, RouteTableAssociationId: assocId(), RouteTableId: id, AssociationState: { State: "associated" } });
    }
    for (const subnetId of options.subnetIds ?? []) {
      associations.push({
        Main: false,
        RouteTableAssociationId: assocId(),
        RouteTableId: id,
        SubnetId: subnetId,
        AssociationState: { State: "associated" },
      });
    }
    for (const subnetId of options.disassociatedSubnetIds ?? []) {
      associations.push({
        Main: false,
        RouteTableAssociationId: assocId(),
        RouteTableId: id,
        SubnetId: subnetId,
        AssociationState: { State: "disassociated" },
      });
    }
    this.routeTables.push({
      Associations: associations,
      PropagatingVgws: [],
      RouteTableId: id,
      Routes: [routeTo.local(this.vpcCidr(options.vpcId)), ...(options.routes ?? [])],
      Tags: tagList(options.tags),
      VpcId: options.vpcId,
      OwnerId: this.accountId,
    });
    return id;
  }

  /** Adds a route to an already-added route table. */
  public addRoute(routeTableId: string, route: Ec2Route): void {
    const table = this.routeTables.find((t) => t.RouteTableId === routeTableId);
    if (!table) throw new Error(`fixture: no route table ${routeTableId}`);
    table.Routes = [...(table.Routes ?? []), route];
  }

  public natGateway(options: {
    vpcId: string;
    subnetId: string;
    id?: string;
    state?: "pending" | "failed" | "available" | "deleting" | "deleted";
    connectivityType?: "public" | "private";
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("nat");
    const connectivityType = options.connectivityType ?? "public";
    this.natGateways.push({
      CreateTime: daysBefore(this.now, 200),
      NatGatewayAddresses: [
        {
          AllocationId: connectivityType === "public" ? this.id("eipalloc") : undefined,
          NetworkInterfaceId: this.id("eni"),
          PrivateIp: "10.0.0.140",
          PublicIp: connectivityType === "public" ? "198.51.100.23" : undefined,
          AssociationId: connectivityType === "public" ? this.id("eipassoc") : undefined,
          IsPrimary: true,
          Status: "succeeded",
        },
      ],
      NatGatewayId: id,
      State: options.state ?? "available",
      SubnetId: options.subnetId,
      VpcId: options.vpcId,
      ConnectivityType: connectivityType,
      Tags: tagList(options.tags),
    });
    return id;
  }

  /**
   * An interface endpoint. `service` is a short name (`ssm`, `s3`, …) completed to
   * `com.amazonaws.<region>.<service>`, or a full service name. One network interface per subnet. The
   * service is listed (`DescribeVpcEndpointServices`) with {@link endpointService}'s defaults unless it
   * already is.
   */
  public interfaceEndpoint(options: {
    vpcId: string;
    service: string;
    id?: string;
    state?: ApiEndpointState;
    subnetIds?: readonly string[];
    /** Default 120 days before `now`. */
    createdAt?: Date;
    privateDnsEnabled?: boolean;
    privateDnsOnlyForInboundResolverEndpoint?: boolean;
    ownerId?: string;
    /** The endpoint policy (a JSON string as the API returns it); `null` leaves `PolicyDocument` out. Default: AWS's full-access policy. */
    policyDocument?: string | null;
    /** Its security groups (default one shared `vpc-endpoints` group the builder does not list). */
    securityGroupIds?: readonly string[];
    /** `VpcEndpointType` other than `Interface` that has network interfaces (`GatewayLoadBalancer`). */
    type?: "Interface" | "GatewayLoadBalancer";
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("vpce");
    const serviceName = this.serviceName(options.service);
    if (!this.vpcEndpointServices.some((s) => s.ServiceName === serviceName)) this.endpointService({ service: serviceName });
    const subnetIds = [...(options.subnetIds ?? [])];
    const shortName = serviceName.split(".").pop() ?? "service";
    const state = options.state ?? "available";
    this.vpcEndpoints.push({
      VpcEndpointId: id,
      VpcEndpointType: options.type ?? "Interface",
      VpcId: options.vpcId,
      ServiceName: serviceName,
      // The API answers in camelCase ("available", "pendingAcceptance"); the SDK's enum type says otherwise.
      State: state as Ec2VpcEndpoint["State"],
      ...(options.policyDocument === null
        ? {}
        : {
            PolicyDocument:
              options.policyDocument ??
              '{\n  "Statement": [\n    {\n      "Action": "*",\n      "Effect": "Allow",\n      "Principal": "*",\n      "Resource": "*"\n    }\n  ]\n}',
          }),
      RouteTableIds: [],
      SubnetIds: subnetIds,
      Groups: (options.securityGroupIds ?? ["sg-0b1c2d3e4f5a67890"]).map((GroupId) => ({
        GroupId,
        GroupName: this.securityGroups.find((g) => g.GroupId === GroupId)?.GroupName ?? "vpc-endpoints",
      })),
      IpAddressType: "ipv4",
      DnsOptions: {
        DnsRecordIpType: "ipv4",
        PrivateDnsOnlyForInboundResolverEndpoint: options.privateDnsOnlyForInboundResolverEndpoint ?? false,
      },
      PrivateDnsEnabled: options.privateDnsEnabled ?? true,
      RequesterManaged: false,
      NetworkInterfaceIds: state === "available" ? subnetIds.map(() => this.id("eni")) : [],
      DnsEntries: [
        {
          DnsName: `${id}-a1b2c3d4.${shortName}.${this.region}.vpce.amazonaws.com`,
          HostedZoneId: "Z7HUB22UULQXV",
        },
      ],
      CreationTimestamp: options.createdAt ?? daysBefore(this.now, 120),
      Tags: tagList(options.tags),
      OwnerId: options.ownerId ?? this.accountId,
    });
    return id;
  }

  /** `ssm` → `com.amazonaws.<region>.ssm`; a full service name (`com.amazonaws.vpce.…`) is kept. */
  private serviceName(service: string): string {
    return service.startsWith("com.amazonaws.") || service.startsWith("aws.") ? service : `com.amazonaws.${this.region}.${service}`;
  }

  /**
   * An Interface endpoint service as `DescribeVpcEndpointServices` lists it (replacing a listed one of the
   * same name). An AWS service (`ssm`, `ecr.api`, `com.amazonaws.<region>.…`) is owned by `amazon`, offered
   * in every zone of the region (`<region>a`–`f` in us-east-1, `a`–`c` elsewhere) and has the private DNS
   * name its labels make (`ecr.api` → `api.ecr.<region>.amazonaws.com`; S3 and DynamoDB a wildcard name);
   * another account's service (`com.amazonaws.vpce.…`) has no private DNS name and is offered in `a`–`c`.
   */
  public endpointService(options: {
    service: string;
    zones?: readonly string[];
    /** `null`: the service has no private DNS name. */
    privateDnsName?: string | null;
    owner?: string;
    tags?: Record<string, string>;
  }): string {
    const name = this.serviceName(options.service);
    const aws = !name.startsWith("com.amazonaws.vpce.");
    const short = name.startsWith(`com.amazonaws.${this.region}.`) ? name.slice(`com.amazonaws.${this.region}.`.length) : undefined;
    const zoneCount = this.region === "us-east-1" ? 6 : 3;
    const zones = options.zones ?? Array.from({ length: aws ? zoneCount : 3 }, (_, i) => `${this.region}${"abcdef"[i]}`);
    const wildcard = short === "s3" || short === "dynamodb";
    const derivedDns = aws && short !== undefined ? `${wildcard ? "*." : ""}${short.split(".").reverse().join(".")}.${this.region}.amazonaws.com` : undefined;
    const privateDnsName = options.privateDnsName === null ? undefined : (options.privateDnsName ?? derivedDns);
    const serviceId = name.startsWith("com.amazonaws.vpce.") ? name.split(".").pop() : this.id("vpce-svc");
    const detail: ServiceDetail = {
      ServiceName: name,
      ServiceId: serviceId,
      ServiceType: [{ ServiceType: "Interface" }],
      ServiceRegion: this.region,
      AvailabilityZones: [...zones],
      Owner: options.owner ?? (aws ? "amazon" : FIXTURE_PARTNER_ACCOUNT_ID),
      BaseEndpointDnsNames: [`${short ?? serviceId}.${this.region}.vpce.amazonaws.com`],
      ...(privateDnsName !== undefined
        ? { PrivateDnsName: privateDnsName, PrivateDnsNames: [{ PrivateDnsName: privateDnsName }], PrivateDnsNameVerificationState: "verified" as const }
        : {}),
      VpcEndpointPolicySupported: aws,
      AcceptanceRequired: !aws,
      ManagesVpcEndpoints: false,
      SupportedIpAddressTypes: ["ipv4"],
      Tags: tagList(options.tags),
    };
    const list = this.vpcEndpointServices;
    const at = list.findIndex((s) => s.ServiceName === name);
    if (at >= 0) list[at] = detail;
    else list.push(detail);
    return name;
  }

  /**
   * A private hosted zone associated with `vpcIds` (what Route 53 `ListHostedZonesByVPC` lists for each of
   * them), owned by this account unless `owningAccount` (a hub account) or `owningService` says otherwise.
   */
  public privateHostedZone(options: { name: string; vpcIds: readonly string[]; id?: string; owningAccount?: string; owningService?: string }): string {
    const id = options.id ?? `Z0${createHash("sha256").update(`${this.region}:zone:${this.hostedZones.length}`).digest("hex").slice(0, 19).toUpperCase()}`;
    const owner = options.owningService !== undefined ? { OwningService: options.owningService } : { OwningAccount: options.owningAccount ?? this.accountId };
    this.hostedZones.push({ summary: { HostedZoneId: id, Name: options.name.endsWith(".") ? options.name : `${options.name}.`, Owner: owner }, vpcIds: [...options.vpcIds] });
    return id;
  }

  /** Changes a VPC's DNS attributes (what `DescribeVpcAttribute` answers). */
  public vpcDnsAttributes(vpcId: string, attributes: { dnsSupport?: boolean; dnsHostnames?: boolean }): this {
    const current = this.vpcDns.get(vpcId) ?? { enableDnsSupport: true, enableDnsHostnames: true };
    this.vpcDns.set(vpcId, {
      enableDnsSupport: attributes.dnsSupport ?? current.enableDnsSupport,
      enableDnsHostnames: attributes.dnsHostnames ?? current.enableDnsHostnames,
    });
    return this;
  }

  /** The raw `DescribeVpcAttribute` answers the collector would get: two per VPC with a zone for such an endpoint's service. */
  public vpcDnsAttributeAnswers(): DescribeVpcAttributeResult[] {
    return hubZoneVpcs(this.vpcEndpoints, this.vpcEndpointServices, this.hostedZoneAnswers(), this.region).flatMap((vpcId) => {
      const vpc = this.vpcDns.get(vpcId) ?? { enableDnsSupport: true, enableDnsHostnames: true };
      return VPC_DNS_ATTRIBUTES.map((attribute) =>
        attribute === "enableDnsSupport" ? { VpcId: vpcId, EnableDnsSupport: { Value: vpc.enableDnsSupport } } : { VpcId: vpcId, EnableDnsHostnames: { Value: vpc.enableDnsHostnames } },
      );
    });
  }

  /** The raw `ListHostedZonesByVPC` answers the collector would get: one per VPC holding an endpoint with private DNS off. */
  public hostedZoneAnswers(): RawVpcHostedZones[] {
    return privateDnsOffVpcs(this.vpcEndpoints, this.vpcEndpointServices, this.region).map((vpcId) => ({
      VPCId: vpcId,
      VPCRegion: this.region,
      HostedZoneSummaries: this.hostedZones.filter((z) => z.vpcIds.includes(vpcId)).map((z) => structuredClone(z.summary)),
    }));
  }

  /**
   * A gateway endpoint for `s3` or `dynamodb`, attached to `routeTableIds`. When `addRoutes` (default
   * true) and the state is `available`, each attached table gets the prefix-list route the service adds.
   */
  public gatewayEndpoint(options: {
    vpcId: string;
    service: "s3" | "dynamodb";
    routeTableIds?: readonly string[];
    id?: string;
    state?: ApiEndpointState;
    createdAt?: Date;
    addRoutes?: boolean;
    /** The endpoint policy (a JSON string); `null` leaves `PolicyDocument` out. Default: AWS's full-access policy. */
    policyDocument?: string | null;
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("vpce");
    const state = options.state ?? "available";
    const routeTableIds = [...(options.routeTableIds ?? [])];
    this.vpcEndpoints.push({
      VpcEndpointId: id,
      VpcEndpointType: "Gateway",
      VpcId: options.vpcId,
      ServiceName: `com.amazonaws.${this.region}.${options.service}`,
      State: state as Ec2VpcEndpoint["State"],
      ...(options.policyDocument === null
        ? {}
        : { PolicyDocument: options.policyDocument ?? '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}' }),
      RouteTableIds: routeTableIds,
      SubnetIds: [],
      Groups: [],
      PrivateDnsEnabled: false,
      RequesterManaged: false,
      NetworkInterfaceIds: [],
      DnsEntries: [],
      CreationTimestamp: options.createdAt ?? daysBefore(this.now, 300),
      Tags: tagList(options.tags),
      OwnerId: this.accountId,
    });
    if ((options.addRoutes ?? true) && state === "available") {
      const prefixList = PREFIX_LISTS[this.region]?.[options.service] ?? `pl-0${options.service === "s3" ? "5" : "d"}a1b2c3`;
      for (const rt of routeTableIds) {
        if (this.routeTables.some((t) => t.RouteTableId === rt)) this.addRoute(rt, routeTo.gatewayEndpoint(id, prefixList));
      }
    }
    return id;
  }

  /** A flow log on a VPC, subnet or network interface. */
  public flowLog(options: {
    resourceId: string;
    id?: string;
    trafficType?: "ALL" | "ACCEPT" | "REJECT";
    status?: string;
    destination?: "cloud-watch-logs" | "s3";
    deliverLogsStatus?: "SUCCESS" | "FAILED";
    deliverLogsErrorMessage?: string;
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("fl");
    const destination = options.destination ?? "cloud-watch-logs";
    const failed = options.deliverLogsStatus === "FAILED";
    const common: Ec2FlowLog = {
      CreationTime: daysBefore(this.now, 90),
      DeliverLogsStatus: options.deliverLogsStatus ?? "SUCCESS",
      FlowLogId: id,
      FlowLogStatus: options.status ?? "ACTIVE",
      ResourceId: options.resourceId,
      TrafficType: options.trafficType ?? "ALL",
      LogDestinationType: destination,
      LogFormat:
        "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
      MaxAggregationInterval: 600,
      Tags: tagList(options.tags),
    };
    if (failed) common.DeliverLogsErrorMessage = options.deliverLogsErrorMessage ?? "Access error";
    if (destination === "cloud-watch-logs") {
      this.flowLogs.push({
        ...common,
        DeliverLogsPermissionArn: `arn:aws:iam::${this.accountId}:role/vpc-flow-logs`,
        LogGroupName: "/vpc/flow-logs",
        LogDestination: `arn:aws:logs:${this.region}:${this.accountId}:log-group:/vpc/flow-logs`,
      });
    } else {
      this.flowLogs.push({ ...common, LogDestination: "arn:aws:s3:::example-flow-logs-bucket/AWSLogs/" });
    }
    return id;
  }

  /** A virtual private gateway with its VPC attachments (`attached` unless said otherwise). */
  public vpnGateway(options: {
    attachments: readonly { vpcId: string; state?: "attaching" | "attached" | "detaching" | "detached" }[];
    id?: string;
    state?: "pending" | "available" | "deleting" | "deleted";
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("vgw");
    this.vpnGateways.push({
      AmazonSideAsn: 64512,
      State: options.state ?? "available",
      Type: "ipsec.1",
      VpcAttachments: options.attachments.map((a) => ({ State: a.state ?? "attached", VpcId: a.vpcId })),
      VpnGatewayId: id,
      Tags: tagList(options.tags),
    });
    return id;
  }

  public transitGatewayAttachment(options: {
    vpcId: string;
    id?: string;
    transitGatewayId?: string;
    state?: NonNullable<Ec2TransitGatewayVpcAttachment["State"]>;
    subnetIds?: readonly string[];
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("tgw-attach");
    this.transitGatewayAttachments.push({
      TransitGatewayAttachmentId: id,
      TransitGatewayId: options.transitGatewayId ?? "tgw-0a9b8c7d6e5f40321",
      VpcId: options.vpcId,
      VpcOwnerId: this.accountId,
      State: options.state ?? "available",
      SubnetIds: [...(options.subnetIds ?? [])],
      CreationTime: daysBefore(this.now, 400),
      Options: { DnsSupport: "enable", Ipv6Support: "disable", ApplianceModeSupport: "disable", SecurityGroupReferencingSupport: "enable" },
      Tags: tagList(options.tags),
    });
    return id;
  }

  /** A peering connection; each side defaults to this builder's region and account. */
  public peering(options: {
    requesterVpcId: string;
    accepterVpcId: string;
    id?: string;
    requesterRegion?: string;
    accepterRegion?: string;
    requesterOwnerId?: string;
    accepterOwnerId?: string;
    /** `Status.Code`, default `active`. */
    status?: "initiating-request" | "pending-acceptance" | "active" | "deleted" | "rejected" | "failed" | "expired" | "provisioning" | "deleting";
    tags?: Record<string, string>;
  }): string {
    const id = options.id ?? this.id("pcx");
    const code = options.status ?? "active";
    const messages: Record<string, string> = {
      active: "Active",
      "pending-acceptance": `Pending Acceptance by ${options.accepterOwnerId ?? this.accountId}`,
      provisioning: "Provisioning",
      deleted: `Deleted by ${this.accountId}`,
      rejected: `Rejected by ${options.accepterOwnerId ?? this.accountId}`,
      failed: "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range",
      expired: "Expired",
    };
    this.vpcPeeringConnections.push({
      AccepterVpcInfo: {
        CidrBlock: "172.16.0.0/16",
        CidrBlockSet: [{ CidrBlock: "172.16.0.0/16" }],
        OwnerId: options.accepterOwnerId ?? this.accountId,
        PeeringOptions: { AllowDnsResolutionFromRemoteVpc: false, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false },
        VpcId: options.accepterVpcId,
        Region: options.accepterRegion ?? this.region,
      },
      RequesterVpcInfo: {
        CidrBlock: this.vpcCidr(options.requesterVpcId),
        CidrBlockSet: [{ CidrBlock: this.vpcCidr(options.requesterVpcId) }],
        OwnerId: options.requesterOwnerId ?? this.accountId,
        PeeringOptions: { AllowDnsResolutionFromRemoteVpc: false, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false },
        VpcId: options.requesterVpcId,
        Region: options.requesterRegion ?? this.region,
      },
      Status: { Code: code, Message: messages[code] ?? code },
      VpcPeeringConnectionId: id,
      Tags: tagList(options.tags),
    });
    return id;
  }

  /**
   * A security group with its inbound permissions as `DescribeSecurityGroups` returns them (`IpPermissions`),
   * built with {@link inbound}; egress is the default allow-all.
   */
  public securityGroup(options: { vpcId: string; id?: string; name?: string; ingress?: readonly IpPermission[]; ownerId?: string; tags?: Record<string, string> }): string {
    const id = options.id ?? this.id("sg");
    this.securityGroups.push({
      GroupId: id,
      GroupName: options.name ?? `sg-${this.securityGroups.length + 1}`,
      Description: "managed by fixtures",
      VpcId: options.vpcId,
      OwnerId: options.ownerId ?? this.accountId,
      IpPermissions: structuredClone([...(options.ingress ?? [])]),
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      Tags: tagList(options.tags),
    });
    return id;
  }

  /** An S3 bucket the account owns, as `ListBuckets` lists it. */
  public bucket(options: { name: string; region?: string; createdAt?: Date }): string {
    this.s3Buckets.push({ Name: options.name, CreationDate: options.createdAt ?? daysBefore(this.now, 400), BucketRegion: options.region ?? this.region });
    return options.name;
  }

  /**
   * The account's organization as `DescribeOrganization` answered (an id), or the error it failed with
   * (e.g. `AWSOrganizationsNotInUseException`, `AccessDeniedException`).
   */
  public organization(options: { id: string; managementAccountId?: string } | { errorCode: string; message?: string }): this {
    if ("id" in options) {
      const management = options.managementAccountId ?? this.accountId;
      return this.rawPart("organization", {
        Organization: {
          Id: options.id,
          Arn: `arn:aws:organizations::${management}:organization/${options.id}`,
          FeatureSet: "ALL",
          MasterAccountArn: `arn:aws:organizations::${management}:account/${options.id}/${management}`,
          MasterAccountId: management,
          MasterAccountEmail: `aws+${management}@example.com`,
          AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
        },
      });
    }
    return this.rawPart("organization", { error: { code: options.errorCode, message: options.message ?? `${options.errorCode}: refused` } });
  }

  /** Daily `BytesProcessed` sums for an endpoint (days without an entry publish no datapoint, like an idle endpoint). */
  public traffic(endpointId: string, days: readonly DailyBytes[]): this {
    return this.metric(endpointId, "BytesProcessed", days);
  }

  /**
   * Daily sums of any endpoint metric (`PacketsDropped`, …) for an endpoint; days without an entry publish
   * no datapoint (CloudWatch's "nothing happened").
   */
  public metric(endpointId: string, name: string, days: readonly DailyBytes[]): this {
    for (const d of days) this.point(name, endpointId, startOfUtcDay(daysBefore(this.now, d.daysAgo)), d.bytes);
    return this;
  }

  private point(name: string, endpointId: string, at: Date, value: number): void {
    let byEndpoint = this.metricData.get(name);
    if (!byEndpoint) this.metricData.set(name, (byEndpoint = new Map()));
    let list = byEndpoint.get(endpointId);
    if (!list) byEndpoint.set(endpointId, (list = []));
    list.push({ at, value });
  }

  /**
   * Adds everything of a raw region (e.g. a synthetic one) to this builder: every list part's items and
   * the datapoints of its endpoint metrics (re-queried in this builder's window when built).
   */
  public importRaw(raw: RawRegion): this {
    const values = raw as Record<string, unknown>;
    for (const part of PARTS) {
      const value = values[part.key];
      if (part.list !== undefined && Array.isArray(value)) this.items(part.key).push(...structuredClone(value));
    }
    for (const vpc of raw.vpcs ?? []) if (vpc.VpcId && !this.vpcDns.has(vpc.VpcId)) this.vpcDns.set(vpc.VpcId, { enableDnsSupport: true, enableDnsHostnames: vpc.IsDefault === true });
    for (const answer of raw.vpcDnsAttributes ?? []) {
      if (answer.VpcId === undefined) continue;
      this.vpcDnsAttributes(answer.VpcId, { dnsSupport: answer.EnableDnsSupport?.Value, dnsHostnames: answer.EnableDnsHostnames?.Value });
    }
    for (const answer of raw.vpcHostedZones ?? []) {
      for (const summary of answer.HostedZoneSummaries) {
        const known = this.hostedZones.find((z) => z.summary.HostedZoneId === summary.HostedZoneId);
        if (known) known.vpcIds.push(answer.VPCId);
        else this.hostedZones.push({ summary: structuredClone(summary), vpcIds: [answer.VPCId] });
      }
    }
    const metrics = raw.endpointMetrics;
    if (metrics) {
      const queries = new Map(metrics.queries.map((q) => [q.id, q]));
      for (const result of metrics.results) {
        const q = result.Id !== undefined ? queries.get(result.Id) : undefined;
        if (!q) continue;
        (result.Timestamps ?? []).forEach((t, i) => {
          const at = t instanceof Date ? t : new Date(t);
          const value = result.Values?.[i];
          if (typeof value === "number" && !Number.isNaN(at.getTime())) this.point(q.metric ?? "BytesProcessed", q.endpointId, at, value);
        });
      }
    }
    return this;
  }

  /**
   * How the metrics were collected: the window (default 30 days before `now`), which endpoints were
   * queried (default every interface endpoint that is not deleting/deleted) and which metrics (default
   * every metric a registered rule reads, plus any metric given data).
   */
  public metrics(options: { lookbackDays?: number; endpointIds?: readonly string[]; names?: readonly string[] }): this {
    if (options.lookbackDays !== undefined) this.metricsWindowDays = options.lookbackDays;
    if (options.endpointIds !== undefined) this.metricsEndpointIds = [...options.endpointIds];
    if (options.names !== undefined) this.metricNames = [...options.names];
    return this;
  }

  /** Sets the raw value of a part that is not a list (as its record's snapshot format holds it). */
  public rawPart(part: InventoryPart, value: unknown): this {
    this.rawValues.set(part, value);
    return this;
  }

  /** Leaves a part out of the raw region, as when no selected rule needed it. */
  public omit(...parts: InventoryPart[]): this {
    for (const p of parts) this.omitted.add(p);
    return this;
  }

  /** Records a failed list, as the collector does when a call fails after retries. */
  public fail(part: InventoryPart, call: string, message: string, code?: string): this {
    this.errors.push({ part, call, message, code });
    this.omitted.add(part);
    return this;
  }

  /**
   * The raw `GetMetricData` exchange: one query per endpoint and metric, results newest first, endpoints
   * without data empty.
   */
  public endpointMetrics(): RawEndpointMetrics {
    const queried =
      this.metricsEndpointIds ??
      this.vpcEndpoints
        .filter((e) => e.VpcEndpointType === "Interface" && !["deleting", "deleted"].includes(String(e.State).toLowerCase()))
        .map((e) => e.VpcEndpointId as string);
    const names = this.metricNames ?? [...new Set([...registeredMetricNames(), ...this.metricData.keys()])];
    const start = startOfUtcDay(daysBefore(this.now, this.metricsWindowDays));
    const queries: RawEndpointMetrics["queries"] = [];
    const results: MetricDataResult[] = [];
    queried.forEach((endpointId, i) => {
      names.forEach((metric, m) => {
        const id = m === 0 ? `m${i}` : `m${i}x${m}`;
        queries.push(metric === "BytesProcessed" ? { id, endpointId } : { id, endpointId, metric });
        const days = [...(this.metricData.get(metric)?.get(endpointId) ?? [])]
          .filter((d) => d.at.getTime() >= start.getTime() && d.at.getTime() < this.now.getTime())
          .sort((a, b) => b.at.getTime() - a.at.getTime());
        results.push({
          Id: id,
          Label: `${endpointId} ${metric}`,
          Timestamps: days.map((d) => d.at),
          Values: days.map((d) => d.value),
          StatusCode: "Complete",
        });
      });
    });
    return { startTime: start.toISOString(), endTime: this.now.toISOString(), period: 86400, queries, results };
  }

  /**
   * The raw region: every list part of the table (empty when nothing was added), the endpoint metrics,
   * the DNS attributes and hosted zones of the VPCs the collector would check (or what `rawPart` set),
   * except omitted or failed parts.
   */
  public toRaw(): RawRegion {
    const raw: Record<string, unknown> = { region: this.region };
    for (const part of PARTS) {
      if (this.omitted.has(part.key)) continue;
      if (part.list !== undefined) raw[part.key] = structuredClone(this.items(part.key));
      else if (this.rawValues.has(part.key)) raw[part.key] = structuredClone(this.rawValues.get(part.key));
      else if (part.key === "endpointMetrics") raw[part.key] = this.endpointMetrics();
      else if (part.key === "vpcDnsAttributes") raw[part.key] = this.vpcDnsAttributeAnswers();
      else if (part.key === "vpcHostedZones") raw[part.key] = this.hostedZoneAnswers();
      // An account in no organization, unless `organization()` said otherwise (what DescribeOrganization answers then).
      else if (part.key === "organization") raw[part.key] = { error: { code: "AWSOrganizationsNotInUseException", message: "Your account is not a member of an organization." } };
    }
    if (this.errors.length > 0) raw.errors = [...this.errors];
    return raw as RawRegion;
  }

  /** The raw region as a snapshot file would hold it (dates as ISO strings). */
  public toJsonRaw(): RawRegion {
    return JSON.parse(JSON.stringify(this.toRaw())) as RawRegion;
  }

  /** Parses the raw region with the real {@link parseRegion}. */
  public build(): Inventory {
    return parseRegion(this.toRaw(), this.accountId, this.now);
  }
}

/**
 * Runs one rule's pure `evaluate` the way the engine does: parameters go through the rule's own schema
 * (so strings as AWS Config sends them work). Exemption and annotation clamping are the engine's, not here.
 */
export function runRule<S extends ParameterSchema>(
  rule: Rule<S>,
  inventory: Inventory,
  params: Readonly<Record<string, unknown>> = {},
  now: Date = FIXTURE_NOW,
): Finding[] {
  return rule.evaluate({ inventory, params: parseParameters(rule.metadata.id, rule.metadata.parameters, params), now });
}

/** The single finding for `resourceId`; throws when there is none or more than one. */
export function findingFor(findings: readonly Finding[], resourceId: string): Finding {
  const matches = findings.filter((f) => f.resourceId === resourceId);
  if (matches.length !== 1) {
    throw new Error(`expected one finding for ${resourceId}, got ${matches.length}: ${JSON.stringify(findings, null, 2)}`);
  }
  return matches[0] as Finding;
}
