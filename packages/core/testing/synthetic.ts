/**
 * A deterministic generator of synthetic inventories: a {@link RawRegion} whose items have the same
 * shapes as the real EC2 / CloudWatch API responses, with realistic ratios per VPC (public / private /
 * isolated subnets, a main route table plus explicit ones, 1–3 NAT gateways, S3 and DynamoDB gateway
 * endpoints, interface endpoints spread over the VPCs, flow logs on most VPCs, some VPN gateways,
 * transit-gateway attachments and peering connections), the endpoint services those endpoints use (with
 * the zones each is offered in), the DNS attributes and private hosted zones of the VPCs that hold an
 * endpoint with private DNS off (what the collector reads for them), and daily `BytesProcessed` and
 * `PacketsDropped` datapoints.
 *
 * Generation is O(number of resources) with a seeded PRNG, so the same options always give the same
 * inventory; it is meant for tests and for benchmarks of 10k–100k resources.
 *
 * Also here: helpers that serve a list the way the EC2 API pages it ({@link pageAt}, {@link toPages})
 * and the datapoints of each endpoint ({@link endpointDatapoints}) for fake CloudWatch answers.
 */
import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type {
  DescribeVpcAttributeResult,
  FlowLog,
  NatGateway,
  RouteTable,
  ServiceDetail,
  SecurityGroup,
  Subnet,
  TransitGatewayVpcAttachment,
  Vpc,
  VpcEndpoint,
  VpcPeeringConnection,
  VpnGateway,
} from "@aws-sdk/client-ec2";
import { normaliseEndpointState } from "../src/inventory/parse";
import { hubZoneVpcs, privateDnsOffVpcs } from "../src/inventory/parts/vpc-dns-attributes";
import type { RawVpcHostedZones } from "../src/inventory/parts/vpc-hosted-zones";
import { SNAPSHOT_FORMAT, type RawRegion, type Snapshot } from "../src/inventory/raw";

export interface SyntheticOptions {
  /** PRNG seed (default 1). The same seed and options always give the same inventory. */
  seed?: number;
  region?: string;
  accountId?: string;
  /** The "now" of the inventory: end of the metric window, upper bound of creation times. */
  now?: Date;
  /** Number of VPCs (default 10). */
  vpcs?: number;
  /** Subnets per VPC (default 6): a third public, a third private (behind NAT), a third isolated. */
  subnetsPerVpc?: number;
  /** Route tables per VPC including the main one (default 4: main, public, two private). */
  routeTablesPerVpc?: number;
  /** NAT gateways per VPC with public subnets, inclusive range (default [1, 3]). */
  natGatewaysPerVpc?: readonly [number, number];
  /** Interface endpoints in total, spread over the account's own VPCs (default 3 per VPC). */
  interfaceEndpoints?: number;
  /** Share of interface endpoints for S3 or DynamoDB (default 0.08). */
  s3DynamoInterfaceRatio?: number;
  /** Share of VPCs with an S3 gateway endpoint (default 0.7). */
  s3GatewayRatio?: number;
  /** Share of VPCs with a DynamoDB gateway endpoint (default 0.3). */
  dynamodbGatewayRatio?: number;
  /** Share of VPCs with a VPC-level flow log (default 0.85). */
  flowLogRatio?: number;
  /** Share of VPCs with an attached VPN gateway (default 0.05). */
  vpnRatio?: number;
  /** Share of VPCs attached to a transit gateway (default 0.1). */
  transitGatewayRatio?: number;
  /** Peering connections per VPC (default 0.05); a third of them cross-region. */
  peeringRatio?: number;
  /** Share of VPCs shared into this account by another one (default 0.03). */
  sharedVpcRatio?: number;
  /** Days of daily `BytesProcessed` (default 30); 0 leaves `endpointMetrics` out. */
  metricDays?: number;
  /** Share of metered endpoints with no datapoints at all, i.e. idle (default 0.25). */
  idleEndpointRatio?: number;
  /**
   * Share of VPCs that are DNS hubs (default 0.05): their AWS-service endpoints keep private DNS off and a
   * hub account's private hosted zone for each service name is associated with them (hub-and-spoke).
   */
  hubVpcRatio?: number;
  /** Share of the other AWS-service interface endpoints (not S3/DynamoDB) with private DNS off, no zone (default 0.03). */
  privateDnsOffRatio?: number;
  /** Share of available endpoints that dropped packets on a few days (default 0.04). */
  droppingEndpointRatio?: number;
  /** Share of endpoint security groups that admit no HTTPS from their VPC (default 0.1). */
  closedEndpointGroupRatio?: number;
  /** Share of S3/DynamoDB/SQS/SNS endpoints whose policy keeps writes in the account (default 0.5). */
  perimeterPolicyRatio?: number;
  /** S3 buckets the account owns (default: one per five VPCs, at least 3). */
  buckets?: number;
}

/** Counts of what was generated, for assertions and benchmark reports. */
export interface SyntheticCounts {
  vpcs: number;
  subnets: number;
  routeTables: number;
  natGateways: number;
  vpcEndpoints: number;
  interfaceEndpoints: number;
  meteredEndpoints: number;
  flowLogs: number;
  vpnGateways: number;
  transitGatewayAttachments: number;
  vpcPeeringConnections: number;
  vpcEndpointServices: number;
  /** VPCs whose private hosted zones were read (an endpoint with private DNS off). */
  dnsCheckedVpcs: number;
  /** Of those, VPCs whose DNS attributes were read (a zone named like such an endpoint's service). */
  hubZoneVpcs: number;
  securityGroups: number;
  s3Buckets: number;
  datapoints: number;
}

/**
 * mulberry32: a small, fast, seeded PRNG returning floats in [0, 1).
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng(); // always the same first value for seed 42
 * ```
 */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const OTHER_ACCOUNT = "210987654321";
/** The account of the hub whose private hosted zones spoke VPCs resolve AWS service names through. */
const HUB_ACCOUNT = "111100002222";
/** The endpoint metrics generated per metered endpoint, in the collector's query order (`e<i>`, `e<i>m1`). */
const METRICS = ["BytesProcessed", "PacketsDropped"] as const;
const PEER_REGION = "us-west-2";
const S3_PREFIX_LIST = "pl-63a5400a";
const DYNAMODB_PREFIX_LIST = "pl-02cd2c6b";
const INTERFACE_SERVICES = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "ecr.api",
  "ecr.dkr",
  "logs",
  "sts",
  "kms",
  "secretsmanager",
  "monitoring",
  "execute-api",
  "sqs",
  "sns",
  "elasticloadbalancing",
] as const;

/** Interface endpoint states with their weights (most are available). */
const ENDPOINT_STATES: readonly (readonly [string, number])[] = [
  ["available", 0.9],
  ["pendingAcceptance", 0.02],
  ["pending", 0.01],
  ["rejected", 0.02],
  ["failed", 0.015],
  ["expired", 0.005],
  ["deleting", 0.02],
  ["deleted", 0.01],
];

/**
 * Generates a synthetic region. Deterministic for a given seed and options; O(resources).
 *
 * @example
 * ```ts
 * const raw = syntheticRegion({ seed: 7, vpcs: 200, interfaceEndpoints: 1000 });
 * const inventory = parseRegion(raw, "123456789012", new Date("2025-06-02T00:00:00Z"));
 * ```
 */
export function syntheticRegion(options: SyntheticOptions = {}): RawRegion {
  return generate(options).raw;
}

/**
 * Like {@link syntheticRegion}, also returning what was generated.
 *
 * @example
 * ```ts
 * const { raw, counts } = syntheticRegionWithCounts({ vpcs: 400 });
 * counts.subnets; // 2400
 * ```
 */
export function syntheticRegionWithCounts(options: SyntheticOptions = {}): { raw: RawRegion; counts: SyntheticCounts } {
  return generate(options);
}

/**
 * A one-region snapshot around {@link syntheticRegion}, captured at `options.now`.
 *
 * @example
 * ```ts
 * const text = serializeSnapshot(syntheticSnapshot({ vpcs: 50 }));
 * ```
 */
export function syntheticSnapshot(options: SyntheticOptions = {}): Snapshot {
  const { raw } = generate(options);
  return {
    format: SNAPSHOT_FORMAT,
    accountId: options.accountId ?? "123456789012",
    capturedAt: (options.now ?? DEFAULT_NOW).toISOString(),
    regions: [raw],
  };
}

const DEFAULT_NOW = new Date("2025-06-02T00:00:00.000Z");

function generate(options: SyntheticOptions): { raw: RawRegion; counts: SyntheticCounts } {
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "123456789012";
  const now = options.now ?? DEFAULT_NOW;
  const vpcCount = nonNegativeInt(options.vpcs ?? 10, "vpcs");
  const subnetsPerVpc = nonNegativeInt(options.subnetsPerVpc ?? 6, "subnetsPerVpc");
  const routeTablesPerVpc = Math.max(1, nonNegativeInt(options.routeTablesPerVpc ?? 4, "routeTablesPerVpc"));
  const [natMin, natMax] = options.natGatewaysPerVpc ?? [1, 3];
  const interfaceTotal = nonNegativeInt(options.interfaceEndpoints ?? vpcCount * 3, "interfaceEndpoints");
  const metricDays = nonNegativeInt(options.metricDays ?? 30, "metricDays");
  const ratio = {
    s3DynamoInterface: options.s3DynamoInterfaceRatio ?? 0.08,
    s3Gateway: options.s3GatewayRatio ?? 0.7,
    dynamodbGateway: options.dynamodbGatewayRatio ?? 0.3,
    flowLog: options.flowLogRatio ?? 0.85,
    vpn: options.vpnRatio ?? 0.05,
    tgw: options.transitGatewayRatio ?? 0.1,
    peering: options.peeringRatio ?? 0.05,
    shared: options.sharedVpcRatio ?? 0.03,
    idle: options.idleEndpointRatio ?? 0.25,
    hubVpc: options.hubVpcRatio ?? 0.05,
    privateDnsOff: options.privateDnsOffRatio ?? 0.03,
    dropping: options.droppingEndpointRatio ?? 0.04,
  };

  // Ids: a seed-derived 8-hex-digit stem plus an 8-hex-digit counter per resource type (unique, 17 digits).
  const stem = (Math.imul(seed >>> 0, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0");
  const counters = new Map<string, number>();
  const id = (prefix: string): string => {
    const n = counters.get(prefix) ?? 0;
    counters.set(prefix, n + 1);
    return `${prefix}-0${stem}${n.toString(16).padStart(8, "0")}`;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  const intBetween = (min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
  const daysAgo = (min: number, max: number): Date =>
    new Date(now.getTime() - (min + rng() * (max - min)) * DAY_MS - Math.floor(rng() * 3600) * 1000);
  const tags = (name: string): { Key: string; Value: string }[] => [
    { Key: "Name", Value: name },
    { Key: "team", Value: pick(["platform", "payments", "data", "search", "identity"]) },
  ];
  const azs = ["a", "b", "c"].map((s) => `${region}${s}`);

  const vpcs: Vpc[] = [];
  const subnets: Subnet[] = [];
  const routeTables: RouteTable[] = [];
  const natGateways: NatGateway[] = [];
  const vpcEndpoints: VpcEndpoint[] = [];
  const flowLogs: FlowLog[] = [];
  const vpnGateways: VpnGateway[] = [];
  const tgwAttachments: TransitGatewayVpcAttachment[] = [];
  const peerings: VpcPeeringConnection[] = [];
  const transitGatewayId = id("tgw");

  /** Per own VPC: what interface endpoints need (id, cidr, private subnets, all subnets). */
  const ownVpcs: { vpcId: string; cidr: string; privateSubnets: string[]; subnets: string[] }[] = [];

  for (let v = 0; v < vpcCount; v++) {
    const vpcId = id("vpc");
    const cidr = `10.${(v >> 8) & 255}.${v & 255}.0/24`;
    const shared = rng() < ratio.shared;
    const owner = shared ? OTHER_ACCOUNT : accountId;
    const name = `${pick(["prod", "staging", "dev", "shared"])}-${v}`;
    vpcs.push({
      VpcId: vpcId,
      OwnerId: owner,
      CidrBlock: cidr,
      CidrBlockAssociationSet: [{ AssociationId: id("vpc-cidr-assoc"), CidrBlock: cidr, CidrBlockState: { State: "associated" } }],
      DhcpOptionsId: "dopt-0c1f2e3d4c5b6a798",
      InstanceTenancy: "default",
      IsDefault: false,
      State: "available",
      Tags: tags(name),
    });

    // Subnets: k % 3 = 0 public, 1 private, 2 isolated, each tier spread over the zones (a, a, a, b, b, b, …);
    // /27 each inside the VPC's /24 (first 8).
    const publicSubnets: string[] = [];
    const privateSubnets: string[] = [];
    const vpcSubnets: string[] = [];
    for (let k = 0; k < subnetsPerVpc; k++) {
      const subnetId = id("subnet");
      const role = k % 3 === 0 ? "public" : k % 3 === 1 ? "private" : "isolated";
      const zone = Math.floor(k / 3) % azs.length;
      const az = azs[zone] as string;
      subnets.push({
        SubnetId: subnetId,
        SubnetArn: `arn:aws:ec2:${region}:${owner}:subnet/${subnetId}`,
        VpcId: vpcId,
        OwnerId: owner,
        AvailabilityZone: az,
        AvailabilityZoneId: `use1-az${zone + 1}`,
        AvailableIpAddressCount: 27 - Math.floor(rng() * 20),
        CidrBlock: `10.${(v >> 8) & 255}.${v & 255}.${(k % 8) * 32}/27`,
        DefaultForAz: false,
        MapPublicIpOnLaunch: role === "public",
        AssignIpv6AddressOnCreation: false,
        Ipv6CidrBlockAssociationSet: [],
        State: "available",
        Tags: tags(`${name}-${role}-${az.slice(-1)}`),
      });
      vpcSubnets.push(subnetId);
      if (role === "public") publicSubnets.push(subnetId);
      else if (role === "private") privateSubnets.push(subnetId);
    }
    // Resources of a VPC shared into this account live in the owner's account: not listed here.
    if (shared) continue;
    ownVpcs.push({ vpcId, cidr, privateSubnets, subnets: vpcSubnets });

    // NAT gateways in the public subnets.
    const nats: string[] = [];
    if (publicSubnets.length > 0) {
      const count = intBetween(natMin, natMax);
      for (let n = 0; n < count; n++) {
        const natId = id("nat");
        nats.push(natId);
        const subnetId = publicSubnets[n % publicSubnets.length] as string;
        natGateways.push({
          NatGatewayId: natId,
          VpcId: vpcId,
          SubnetId: subnetId,
          State: "available",
          ConnectivityType: "public",
          CreateTime: daysAgo(30, 900),
          NatGatewayAddresses: [
            {
              AllocationId: id("eipalloc"),
              NetworkInterfaceId: id("eni"),
              PrivateIp: `10.${(v >> 8) & 255}.${v & 255}.${10 + n}`,
              PublicIp: `3.${intBetween(0, 255)}.${intBetween(0, 255)}.${intBetween(1, 254)}`,
              AssociationId: id("eipassoc"),
              IsPrimary: true,
              Status: "succeeded",
            },
          ],
          Tags: tags(`${name}-nat-${n}`),
        });
      }
    }

    // Route tables: main (local only, used implicitly by isolated subnets), public (IGW), private (NAT).
    const igwId = id("igw");
    const local = { DestinationCidrBlock: cidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active" } as const;
    const tables: RouteTable[] = [];
    for (let r = 0; r < routeTablesPerVpc; r++) {
      const rtId = id("rtb");
      const role = r === 0 ? "main" : r === 1 ? "public" : "private";
      const routes: NonNullable<RouteTable["Routes"]> = [{ ...local }];
      if (role === "public") routes.push({ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId, Origin: "CreateRoute", State: "active" });
      if (role === "private" && nats.length > 0) {
        routes.push({ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nats[(r - 2) % nats.length], Origin: "CreateRoute", State: "active" });
      }
      const associations: NonNullable<RouteTable["Associations"]> = [];
      if (role === "main") {
        associations.push({ Main: true, RouteTableAssociationId: id("rtbassoc"), RouteTableId: rtId, AssociationState: { State: "associated" } });
      }
      tables.push({ RouteTableId: rtId, VpcId: vpcId, OwnerId: accountId, Associations: associations, PropagatingVgws: [], Routes: routes, Tags: tags(`${name}-${role}`) });
    }
    const publicTable = tables[1];
    const privateTables = tables.slice(2);
    for (const s of publicTable ? publicSubnets : []) {
      publicTable?.Associations?.push({ Main: false, RouteTableAssociationId: id("rtbassoc"), RouteTableId: publicTable.RouteTableId, SubnetId: s, AssociationState: { State: "associated" } });
    }
    privateSubnets.forEach((s, i) => {
      const table = privateTables.length > 0 ? privateTables[i % privateTables.length] : undefined;
      table?.Associations?.push({ Main: false, RouteTableAssociationId: id("rtbassoc"), RouteTableId: table.RouteTableId, SubnetId: s, AssociationState: { State: "associated" } });
    });

    // Gateway endpoints, attached to the private tables (sometimes one is forgotten).
    const gateway = (service: "s3" | "dynamodb", prefixList: string): void => {
      const attached = privateTables.length > 1 && rng() < 0.2 ? privateTables.slice(0, -1) : privateTables;
      const endpointId = id("vpce");
      for (const t of attached) {
        t.Routes?.push({ DestinationPrefixListId: prefixList, GatewayId: endpointId, Origin: "CreateRoute", State: "active" });
      }
      vpcEndpoints.push({
        VpcEndpointId: endpointId,
        VpcEndpointType: "Gateway",
        VpcId: vpcId,
        ServiceName: `com.amazonaws.${region}.${service}`,
        // The wire value is lower-case (the SDK's enum spells it "Available"); the parser accepts both.
        State: "available" as VpcEndpoint["State"],
        PolicyDocument: '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
        RouteTableIds: attached.map((t) => t.RouteTableId as string),
        SubnetIds: [],
        Groups: [],
        IpAddressType: "ipv4",
        PrivateDnsEnabled: false,
        RequesterManaged: false,
        NetworkInterfaceIds: [],
        DnsEntries: [],
        CreationTimestamp: daysAgo(30, 900),
        OwnerId: accountId,
        Tags: tags(`${name}-${service}-gateway`),
      });
    };
    if (rng() < ratio.s3Gateway) gateway("s3", S3_PREFIX_LIST);
    if (rng() < ratio.dynamodbGateway) gateway("dynamodb", DYNAMODB_PREFIX_LIST);
    routeTables.push(...tables);

    // Flow logs: on the VPC for most; otherwise sometimes on (some of) its subnets.
    const flowLog = (resourceId: string, trafficType: string, failed: boolean): void => {
      const logGroup = `/vpc/flow-logs/${name}`;
      flowLogs.push({
        FlowLogId: id("fl"),
        ResourceId: resourceId,
        FlowLogStatus: "ACTIVE",
        TrafficType: trafficType as FlowLog["TrafficType"],
        DeliverLogsStatus: failed ? "FAILED" : "SUCCESS",
        ...(failed ? { DeliverLogsErrorMessage: "Access error" } : {}),
        DeliverLogsPermissionArn: `arn:aws:iam::${accountId}:role/flow-logs-delivery`,
        LogDestinationType: "cloud-watch-logs",
        LogGroupName: logGroup,
        LogDestination: `arn:aws:logs:${region}:${accountId}:log-group:${logGroup}`,
        LogFormat: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
        MaxAggregationInterval: 600,
        CreationTime: daysAgo(30, 900),
        Tags: [],
      });
    };
    if (rng() < ratio.flowLog) {
      const t = rng();
      flowLog(vpcId, t < 0.1 ? "REJECT" : t < 0.15 ? "ACCEPT" : "ALL", rng() < 0.05);
    } else if (rng() < 0.5) {
      const all = rng() < 0.5;
      vpcSubnets.forEach((s, i) => {
        if (all || i % 2 === 0) flowLog(s, "ALL", false);
      });
    }

    if (rng() < ratio.vpn) {
      vpnGateways.push({
        VpnGatewayId: id("vgw"),
        State: "available",
        Type: "ipsec.1",
        AmazonSideAsn: 64512,
        VpcAttachments: [{ VpcId: vpcId, State: "attached" }],
        Tags: tags(`${name}-vgw`),
      });
    }
    if (rng() < ratio.tgw) {
      tgwAttachments.push({
        TransitGatewayAttachmentId: id("tgw-attach"),
        TransitGatewayId: transitGatewayId,
        VpcId: vpcId,
        VpcOwnerId: accountId,
        State: "available",
        SubnetIds: privateSubnets.slice(0, 3),
        CreationTime: daysAgo(30, 900),
        Options: { DnsSupport: "enable", Ipv6Support: "disable", ApplianceModeSupport: "disable", SecurityGroupReferencingSupport: "enable" },
        Tags: tags(`${name}-tgw-attachment`),
      });
    }
  }

  // Peering: about peeringRatio per own VPC, a third of them to another region.
  const peeringCount = Math.round(ownVpcs.length * ratio.peering);
  for (let p = 0; p < peeringCount && ownVpcs.length > 0; p++) {
    const r = Math.floor(rng() * ownVpcs.length);
    const requester = ownVpcs[r] as (typeof ownVpcs)[number];
    const crossRegion = rng() < 1 / 3 || ownVpcs.length < 2;
    // A same-region peer is another of the account's VPCs (a VPC cannot peer with itself).
    const accepter = crossRegion
      ? { vpcId: id("vpc-peer"), cidr: `172.${16 + (p % 16)}.0.0/16` }
      : (ownVpcs[(r + 1 + Math.floor(rng() * (ownVpcs.length - 1))) % ownVpcs.length] as (typeof ownVpcs)[number]);
    const info = (vpcId: string, cidr: string, r: string) => ({
      VpcId: vpcId,
      CidrBlock: cidr,
      CidrBlockSet: [{ CidrBlock: cidr }],
      OwnerId: accountId,
      Region: r,
      PeeringOptions: { AllowDnsResolutionFromRemoteVpc: false, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false },
    });
    peerings.push({
      VpcPeeringConnectionId: id("pcx"),
      RequesterVpcInfo: info(requester.vpcId, requester.cidr, region),
      AccepterVpcInfo: info(accepter.vpcId, accepter.cidr, crossRegion ? PEER_REGION : region),
      Status: { Code: "active", Message: "Active" },
      Tags: [],
    });
  }

  // Interface endpoints, spread at random over the account's own VPCs (decided on first use: DNS hubs).
  const hubVpcs = new Map<string, boolean>();
  let interfaceCount = 0;
  for (let e = 0; e < interfaceTotal && ownVpcs.length > 0; e++) {
    const vpc = pick(ownVpcs);
    const pool = vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.subnets;
    const azCount = Math.min(pool.length, intBetween(2, 3));
    const start = pool.length > 0 ? Math.floor(rng() * pool.length) : 0;
    const subnetIds = Array.from({ length: azCount }, (_, i) => pool[(start + i) % pool.length] as string);
    const service = rng() < ratio.s3DynamoInterface ? pick(["s3", "dynamodb"] as const) : pick(INTERFACE_SERVICES);
    const endpointId = id("vpce");
    let roll = rng();
    let state = "available";
    for (const [s, w] of ENDPOINT_STATES) {
      if (roll < w) {
        state = s;
        break;
      }
      roll -= w;
    }
    const serviceName = `com.amazonaws.${region}.${service}`;
    let hub = hubVpcs.get(vpc.vpcId);
    if (hub === undefined) hubVpcs.set(vpc.vpcId, (hub = rng() < ratio.hubVpc));
    const privateDns = service !== "s3" && service !== "dynamodb" && !hub && rng() >= ratio.privateDnsOff;
    vpcEndpoints.push({
      VpcEndpointId: endpointId,
      VpcEndpointType: "Interface",
      VpcId: vpc.vpcId,
      ServiceName: serviceName,
      State: state as VpcEndpoint["State"],
      PolicyDocument: '{\n  "Statement": [\n    {\n      "Action": "*", \n      "Effect": "Allow", \n      "Principal": "*", \n      "Resource": "*"\n    }\n  ]\n}',
      RouteTableIds: [],
      SubnetIds: subnetIds,
      Groups: [{ GroupId: id("sg"), GroupName: "endpoints" }],
      IpAddressType: "ipv4",
      DnsOptions: { DnsRecordIpType: "ipv4", PrivateDnsOnlyForInboundResolverEndpoint: false },
      PrivateDnsEnabled: privateDns,
      RequesterManaged: false,
      NetworkInterfaceIds: subnetIds.map(() => id("eni")),
      DnsEntries: [
        { DnsName: `${endpointId}-${stem}.${service}.${region}.vpce.amazonaws.com`, HostedZoneId: "Z7HUB22UULQXV" },
        ...(privateDns ? [{ DnsName: `${service}.${region}.amazonaws.com`, HostedZoneId: "ZONEIDPENDING" }] : []),
      ],
      CreationTimestamp: daysAgo(1, 700),
      OwnerId: accountId,
      Tags: tags(`${service}-endpoint-${e}`),
    });
    interfaceCount++;
  }

  // The Interface services of the region as DescribeVpcEndpointServices lists them (service-type Interface).
  // A few are offered in two of the three zones, as some AWS services are.
  const vpcEndpointServices: ServiceDetail[] = [...INTERFACE_SERVICES, "s3", "dynamodb"].map((service, i) => {
    const dnsName = service === "s3" || service === "dynamodb" ? `*.${service}.${region}.amazonaws.com` : `${service.split(".").reverse().join(".")}.${region}.amazonaws.com`;
    return {
      ServiceName: `com.amazonaws.${region}.${service}`,
      ServiceId: id("vpce-svc"),
      ServiceType: [{ ServiceType: "Interface" }],
      ServiceRegion: region,
      AvailabilityZones: i % 5 === 4 ? azs.slice(0, 2) : [...azs],
      Owner: "amazon",
      BaseEndpointDnsNames: [`${service}.${region}.vpce.amazonaws.com`],
      PrivateDnsName: dnsName,
      PrivateDnsNames: [{ PrivateDnsName: dnsName }],
      VpcEndpointPolicySupported: true,
      AcceptanceRequired: false,
      ManagesVpcEndpoints: false,
      PrivateDnsNameVerificationState: "verified",
      SupportedIpAddressTypes: ["ipv4"],
      Tags: [],
    };
  });

  // What the collector reads for VPCs holding an endpoint with private DNS off: the private hosted zones
  // associated with the VPC (in a DNS hub, the hub account's zone for each of those services' names; here
  // and there an unrelated zone of the account), and for the VPCs with such a zone two DNS attributes
  // (hostnames off in a few).
  const checked = privateDnsOffVpcs(vpcEndpoints, vpcEndpointServices, region);
  const vpcDnsAttributes: DescribeVpcAttributeResult[] = [];
  const vpcHostedZones: RawVpcHostedZones[] = [];
  const dnsNameOf = new Map(vpcEndpointServices.map((s) => [s.ServiceName, s.PrivateDnsName]));
  for (const vpcId of checked) {
    const zones: RawVpcHostedZones["HostedZoneSummaries"] = [];
    if (hubVpcs.get(vpcId)) {
      const names = new Set<string>();
      for (const e of vpcEndpoints) {
        const name = e.VpcId === vpcId && e.VpcEndpointType === "Interface" && e.PrivateDnsEnabled === false ? dnsNameOf.get(e.ServiceName) : undefined;
        if (name && !/\.(s3|dynamodb)\./.test(name)) names.add(name.replace(/^\*\./, ""));
      }
      for (const name of names) zones.push({ HostedZoneId: `Z0${id("zone").slice(-16).toUpperCase()}`, Name: `${name}.`, Owner: { OwningAccount: HUB_ACCOUNT } });
    }
    if (rng() < 0.3) zones.push({ HostedZoneId: `Z0${id("zone").slice(-16).toUpperCase()}`, Name: "internal.example.com.", Owner: { OwningAccount: accountId } });
    vpcHostedZones.push({ VPCId: vpcId, VPCRegion: region, HostedZoneSummaries: zones });
  }
  const hubs = hubZoneVpcs(vpcEndpoints, vpcEndpointServices, vpcHostedZones, region);
  for (const vpcId of hubs) {
    vpcDnsAttributes.push({ VpcId: vpcId, EnableDnsSupport: { Value: true } }, { VpcId: vpcId, EnableDnsHostnames: { Value: rng() >= 0.1 } });
  }
  // Security: its own PRNG, so adding it left every earlier draw (and so every earlier resource) as it was.
  const sec = createRng(seed ^ 0x5ec0de);
  const securityGroups: SecurityGroup[] = [];
  const vpcCidr = new Map(ownVpcs.map((v) => [v.vpcId, v.cidr]));
  const closedRatio = options.closedEndpointGroupRatio ?? 0.1;
  const perimeterRatio = options.perimeterPolicyRatio ?? 0.5;
  for (const v of ownVpcs) {
    const groupId = id("sg");
    securityGroups.push({
      GroupId: groupId,
      GroupName: "default",
      Description: "default VPC security group",
      VpcId: v.vpcId,
      OwnerId: accountId,
      IpPermissions: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: groupId, UserId: accountId }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }],
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      Tags: [],
    });
  }
  for (const e of vpcEndpoints) {
    const service = (e.ServiceName ?? "").split(".").pop() ?? "";
    if (["s3", "dynamodb", "sqs", "sns"].includes(service) && sec() < perimeterRatio) {
      e.PolicyDocument = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AllowAll", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
          { Sid: "DenyOtherAccounts", Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceAccount": accountId } } },
        ],
      });
    }
    if (e.VpcEndpointType !== "Interface") continue;
    for (const g of e.Groups ?? []) {
      const closed = sec() < closedRatio;
      securityGroups.push({
        GroupId: g.GroupId,
        GroupName: g.GroupName,
        Description: "VPC endpoints",
        VpcId: e.VpcId,
        OwnerId: accountId,
        IpPermissions: [
          closed
            ? { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "192.0.2.0/24" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }
            : { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: vpcCidr.get(e.VpcId ?? "") ?? "10.0.0.0/8", Description: "HTTPS from the VPC" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
        ],
        IpPermissionsEgress: [],
        Tags: tags("vpc-endpoints"),
      });
    }
  }
  const bucketCount = nonNegativeInt(options.buckets ?? Math.max(3, Math.floor(vpcCount / 5)), "buckets");
  const s3Buckets = Array.from({ length: bucketCount }, (_, i) => ({ Name: `data-${stem}-${i}`, CreationDate: daysAgo(30, 900), BucketRegion: region }));

  const raw: RawRegion = {
    region,
    vpcs,
    subnets,
    routeTables,
    natGateways,
    vpcEndpoints,
    flowLogs,
    vpnGateways,
    transitGatewayAttachments: tgwAttachments,
    vpcPeeringConnections: peerings,
    vpcEndpointServices,
    vpcDnsAttributes,
    vpcHostedZones,
    securityGroups,
    s3Buckets,
    organization: { Organization: { Id: `o-${stem}ab`, Arn: `arn:aws:organizations::${accountId}:organization/o-${stem}ab`, MasterAccountId: accountId, FeatureSet: "ALL" } },
  };

  // Daily BytesProcessed and PacketsDropped of the endpoints the collector would query, ids e0, e0m1, e1…
  // in list order (the collector's own query ids).
  let metered = 0;
  let datapoints = 0;
  if (metricDays > 0) {
    const start = new Date(now.getTime() - metricDays * DAY_MS);
    const queries: { id: string; endpointId: string; metric?: string }[] = [];
    const results: MetricDataResult[] = [];
    for (const e of vpcEndpoints) {
      if (e.VpcEndpointType !== "Interface") continue;
      const state = normaliseEndpointState(e.State);
      if (state === "deleting" || state === "deleted") continue;
      const queryId = `e${metered}`;
      metered++;
      queries.push({ id: queryId, endpointId: e.VpcEndpointId as string });
      const timestamps: Date[] = [];
      const values: number[] = [];
      // Only available endpoints can carry traffic; some of those are idle and publish nothing.
      if (state === "available" && rng() >= ratio.idle) {
        const scale = 10 ** intBetween(4, 10);
        for (let d = 0; d < metricDays; d++) {
          if (rng() < 0.15) continue; // quiet days publish no datapoint
          timestamps.push(new Date(start.getTime() + d * DAY_MS));
          values.push(Math.round(scale * (0.2 + rng())));
        }
      }
      datapoints += values.length;
      results.push({ Id: queryId, Label: METRICS[0], Timestamps: timestamps, Values: values, StatusCode: "Complete", Messages: [] });
      // PacketsDropped: nothing for most (no datapoint is no drop); a few drop packets on one to three days.
      const dropped: { t: Date; v: number }[] = [];
      if (state === "available" && rng() < ratio.dropping) {
        // Distinct days: CloudWatch answers one datapoint per period.
        const days = new Set<number>();
        for (let k = intBetween(1, 3); k > 0; k--) days.add(intBetween(0, metricDays - 1));
        for (const d of [...days].sort((a, b) => a - b)) dropped.push({ t: new Date(start.getTime() + d * DAY_MS), v: intBetween(1, 5000) });
      }
      datapoints += dropped.length;
      queries.push({ id: `${queryId}m1`, endpointId: e.VpcEndpointId as string, metric: METRICS[1] });
      results.push({ Id: `${queryId}m1`, Label: METRICS[1], Timestamps: dropped.map((d) => d.t), Values: dropped.map((d) => d.v), StatusCode: "Complete", Messages: [] });
    }
    raw.endpointMetrics = { startTime: start.toISOString(), endTime: now.toISOString(), period: 86_400, queries, results };
  }

  return {
    raw: asDelivered(raw),
    counts: {
      vpcs: vpcs.length,
      subnets: subnets.length,
      routeTables: routeTables.length,
      natGateways: natGateways.length,
      vpcEndpoints: vpcEndpoints.length,
      interfaceEndpoints: interfaceCount,
      meteredEndpoints: metered,
      flowLogs: flowLogs.length,
      vpnGateways: vpnGateways.length,
      transitGatewayAttachments: tgwAttachments.length,
      vpcPeeringConnections: peerings.length,
      vpcEndpointServices: vpcEndpointServices.length,
      dnsCheckedVpcs: checked.length,
      hubZoneVpcs: hubs.length,
      securityGroups: securityGroups.length,
      s3Buckets: s3Buckets.length,
      datapoints,
    },
  };
}

/**
 * The region as a parsed API response or snapshot holds it: each string one flat run of characters. The
 * generator joins ids and names from pieces (`${prefix}-0${stem}…`), which V8 keeps as trees of those pieces
 * (cons strings) until something flattens them; parsed responses hold flat strings (the SDK's XML parser at
 * most an already flattened one: one indirection, not a tree of pieces), and hashing or comparing a tree costs
 * several times more (26,724 subnet ids into a Map: 17–19 ms as generated, 3–4 ms flat,
 * measured on this machine), so benchmarks and tests would otherwise measure the generator. `structuredClone`
 * copies every string flat (and keeps the `Date`s the SDK returns); list by list, so the peak holds one list
 * twice, not the region.
 */
function asDelivered(raw: RawRegion): RawRegion {
  const lists = raw as unknown as Record<string, unknown>;
  for (const key of Object.keys(lists)) lists[key] = structuredClone(lists[key]);
  return raw;
}

function nonNegativeInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** One page of a list as the API returns it. */
export interface ApiPage<T> {
  items: T[];
  /** Absent on the last page. */
  nextToken?: string;
}

const TOKEN_PREFIX = "synthetic-page:";

function encodeToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`).toString("base64");
}

function decodeToken(token: string): number {
  const text = Buffer.from(token, "base64").toString("utf8");
  const offset = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : Number.NaN;
  if (!Number.isInteger(offset) || offset < 0) {
    const error = new Error(`The token '${token}' is invalid.`);
    error.name = "InvalidNextToken";
    throw error;
  }
  return offset;
}

/**
 * The page of `items` the API would return for a request with `maxResults` and `nextToken`
 * (an opaque token; an unknown token throws an `InvalidNextToken` error like EC2's).
 *
 * @example
 * ```ts
 * const first = pageAt(subnets, 1000);
 * const second = pageAt(subnets, 1000, first.nextToken);
 * ```
 */
export function pageAt<T>(items: readonly T[], maxResults: number, nextToken?: string): ApiPage<T> {
  if (!Number.isInteger(maxResults) || maxResults < 1) throw new RangeError(`maxResults must be a positive integer, got ${maxResults}`);
  const offset = nextToken === undefined ? 0 : decodeToken(nextToken);
  const end = Math.min(items.length, offset + maxResults);
  const page: ApiPage<T> = { items: items.slice(offset, end) };
  if (end < items.length) page.nextToken = encodeToken(end);
  return page;
}

/**
 * Cuts a list into the pages the API would return at `pageSize` (at least one page, possibly empty).
 *
 * @example
 * ```ts
 * toPages(routeTables, 100).length; // Math.max(1, Math.ceil(routeTables.length / 100))
 * ```
 */
export function toPages<T>(items: readonly T[], pageSize: number): ApiPage<T>[] {
  const pages: ApiPage<T>[] = [];
  let token: string | undefined;
  do {
    const page = pageAt(items, pageSize, token);
    pages.push(page);
    token = page.nextToken;
  } while (token !== undefined);
  return pages;
}

/**
 * The datapoints of one metric (default `BytesProcessed`) of each queried endpoint in a synthetic region, keyed by endpoint id, in the
 * `Timestamps` / `Values` shape of a `MetricDataResult` (for fake `GetMetricData` answers).
 *
 * @example
 * ```ts
 * const byEndpoint = endpointDatapoints(syntheticRegion({ interfaceEndpoints: 1000 }));
 * ```
 */
export function endpointDatapoints(raw: RawRegion, metric = "BytesProcessed"): Map<string, { Timestamps: Date[]; Values: number[] }> {
  const out = new Map<string, { Timestamps: Date[]; Values: number[] }>();
  const metrics = raw.endpointMetrics;
  if (!metrics) return out;
  const endpointByQuery = new Map(metrics.queries.filter((q) => (q.metric ?? "BytesProcessed") === metric).map((q) => [q.id, q.endpointId]));
  for (const r of metrics.results) {
    const endpointId = r.Id !== undefined ? endpointByQuery.get(r.Id) : undefined;
    if (endpointId === undefined) continue;
    const entry = out.get(endpointId) ?? { Timestamps: [], Values: [] };
    for (const t of r.Timestamps ?? []) entry.Timestamps.push(t instanceof Date ? t : new Date(t));
    entry.Values.push(...(r.Values ?? []));
    out.set(endpointId, entry);
  }
  return out;
}
