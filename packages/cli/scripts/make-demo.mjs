#!/usr/bin/env node
/**
 * Generates packages/cli/demo/demo-account.json: the built-in demo snapshot that `npm start` evaluates.
 *
 * A realistic account (123456789012) in us-east-1 and eu-west-1: production, staging, a network hub
 * (VPN + transit gateway, centralised endpoints), a data platform VPC peered to eu-west-1, a VPC shared
 * from the network account, and the default VPC. Items have the shapes of the EC2 / CloudWatch API
 * responses (as a live `scan --save-snapshot` writes them), dates as ISO strings. With default
 * parameters every rule has COMPLIANT, NON_COMPLIANT and NOT_APPLICABLE resources, and one endpoint
 * carries the exemption tag.
 *
 * Deterministic: ids come from a hash of a name, traffic from a seeded PRNG.
 *
 *   node packages/cli/scripts/make-demo.mjs            # (re)writes the demo file
 *   node packages/cli/scripts/make-demo.mjs --check    # exits 1 when the committed file is stale
 *   node packages/cli/scripts/make-demo.mjs --out FILE # writes elsewhere
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DEMO_FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "demo", "demo-account.json");

const ACCOUNT = "123456789012";
/** Owns the VPC shared into the demo account (AWS RAM). */
const NETWORK_ACCOUNT = "210987654321";
/** A vendor's account, peered in the same region (not hybrid reach). */
const VENDOR_ACCOUNT = "345678901234";
const CAPTURED_AT = "2026-11-23T06:00:00.000Z";
const CAPTURED_MS = Date.parse(CAPTURED_AT);
const DAY_MS = 86_400_000;
/** Days of daily BytesProcessed in the snapshot (rules may look back at most this far). */
const METRIC_DAYS = 90;
const GB = 1_000_000_000;

const PREFIX_LISTS = {
  "us-east-1": { s3: "pl-63a5400a", dynamodb: "pl-02cd2c6b" },
  "eu-west-1": { s3: "pl-6da54004", dynamodb: "pl-6fa54006" },
};
const AZ_IDS = {
  "us-east-1a": "use1-az1",
  "us-east-1b": "use1-az2",
  "us-east-1c": "use1-az4",
  "eu-west-1a": "euw1-az1",
  "eu-west-1b": "euw1-az2",
};
/** Hosted zone of the regional `*.vpce.amazonaws.com` names. */
const VPCE_ZONES = { "us-east-1": "Z7HUB22UULQXV", "eu-west-1": "Z38GZ743OKFT7T" };
const DEFAULT_POLICY = JSON.stringify({
  Version: "2008-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
});

/** `prefix-0` + 16 hex digits derived from a name: stable, realistic-looking AWS ids. */
function id(prefix, name) {
  return `${prefix}-0${createHash("sha256").update(`${prefix}:${name}`).digest("hex").slice(0, 16)}`;
}

/** A Route 53 private hosted zone id (`Z` + 20 upper-case characters). */
function zoneId(name) {
  return `Z${createHash("sha256").update(`zone:${name}`).digest("hex").slice(0, 20).toUpperCase()}`;
}

function daysAgo(days, hour = 0) {
  return new Date(CAPTURED_MS - days * DAY_MS + hour * 3_600_000).toISOString();
}

function tags(name, extra = {}) {
  const list = name === undefined ? [] : [{ Key: "Name", Value: name }];
  for (const [Key, Value] of Object.entries(extra)) list.push({ Key, Value });
  return list;
}

/** mulberry32: a seeded PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds one region's raw API items. */
function regionBuilder(region) {
  const r = {
    region,
    vpcs: [],
    subnets: [],
    routeTables: [],
    natGateways: [],
    vpcEndpoints: [],
    flowLogs: [],
    vpnGateways: [],
    transitGatewayAttachments: [],
    vpcPeeringConnections: [],
  };
  /** Traffic profile per endpoint id (see `traffic`). */
  const profiles = new Map();
  const vpcIds = new Map();
  const subnetIds = new Map();

  const b = {
    raw: r,
    profiles,
    vpc(key, { name, cidr, owner = ACCOUNT, isDefault = false, extraTags = {} }) {
      const vpcId = id("vpc", `${region}:${key}`);
      vpcIds.set(key, vpcId);
      r.vpcs.push({
        CidrBlock: cidr,
        DhcpOptionsId: id("dopt", region),
        State: "available",
        VpcId: vpcId,
        OwnerId: owner,
        InstanceTenancy: "default",
        CidrBlockAssociationSet: [
          { AssociationId: id("vpc-cidr-assoc", `${region}:${key}`), CidrBlock: cidr, CidrBlockState: { State: "associated" } },
        ],
        IsDefault: isDefault,
        BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
        Tags: tags(name, extraTags),
      });
      return vpcId;
    },
    subnet(key, vpcKey, { name, cidr, az, owner = ACCOUNT, isPublic = false, defaultForAz = false, free = 250 }) {
      const subnetId = id("subnet", `${region}:${key}`);
      subnetIds.set(key, subnetId);
      r.subnets.push({
        AvailabilityZone: az,
        AvailabilityZoneId: AZ_IDS[az],
        AvailableIpAddressCount: free,
        CidrBlock: cidr,
        DefaultForAz: defaultForAz,
        MapPublicIpOnLaunch: isPublic,
        MapCustomerOwnedIpOnLaunch: false,
        State: "available",
        SubnetId: subnetId,
        VpcId: vpcIds.get(vpcKey),
        OwnerId: owner,
        AssignIpv6AddressOnCreation: false,
        Ipv6CidrBlockAssociationSet: [],
        SubnetArn: `arn:aws:ec2:${region}:${owner}:subnet/${subnetId}`,
        EnableDns64: false,
        Ipv6Native: false,
        PrivateDnsNameOptionsOnLaunch: {
          HostnameType: "ip-name",
          EnableResourceNameDnsARecord: false,
          EnableResourceNameDnsAAAARecord: false,
        },
        BlockPublicAccessStates: { InternetGatewayBlockMode: "off" },
        Tags: tags(name, name && !defaultForAz ? { tier: isPublic ? "public" : "private" } : {}),
      });
      return subnetId;
    },
    subnetId: (key) => subnetIds.get(key),
    vpcId: (key) => vpcIds.get(key),
    routeTable(key, vpcKey, { name, main = false, subnets = [], routes = [] }) {
      const rtbId = id("rtb", `${region}:${key}`);
      const vpc = r.vpcs.find((v) => v.VpcId === vpcIds.get(vpcKey));
      const associations = [];
      if (main) {
        associations.push({
          Main: true,
          RouteTableAssociationId: id("rtbassoc", `${region}:${key}:main`),
          RouteTableId: rtbId,
          AssociationState: { State: "associated" },
        });
      }
      for (const s of subnets) {
        associations.push({
          Main: false,
          RouteTableAssociationId: id("rtbassoc", `${region}:${key}:${s}`),
          RouteTableId: rtbId,
          SubnetId: subnetIds.get(s),
          AssociationState: { State: "associated" },
        });
      }
      r.routeTables.push({
        Associations: associations,
        PropagatingVgws: [],
        RouteTableId: rtbId,
        Routes: [
          { DestinationCidrBlock: vpc.CidrBlock, GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
          ...routes,
        ],
        Tags: tags(name),
        VpcId: vpc.VpcId,
        OwnerId: ACCOUNT,
      });
      return rtbId;
    },
    natGateway(key, vpcKey, subnetKey, { name, created }) {
      const natId = id("nat", `${region}:${key}`);
      r.natGateways.push({
        CreateTime: created,
        NatGatewayAddresses: [
          {
            AllocationId: id("eipalloc", `${region}:${key}`),
            NetworkInterfaceId: id("eni", `${region}:${key}`),
            // An address inside its (public) subnet, and an Elastic IP.
            PrivateIp: r.subnets.find((s) => s.SubnetId === subnetIds.get(subnetKey)).CidrBlock.replace(/\.0\/\d+$/, `.${37 + r.natGateways.length * 11}`),
            PublicIp: `52.${region === "eu-west-1" ? 49 : 4}.${17 + r.natGateways.length * 23}.${101 + r.natGateways.length * 7}`,
            AssociationId: id("eipassoc", `${region}:${key}`),
            IsPrimary: true,
            Status: "succeeded",
          },
        ],
        NatGatewayId: natId,
        State: "available",
        SubnetId: subnetIds.get(subnetKey),
        VpcId: vpcIds.get(vpcKey),
        Tags: tags(name),
        ConnectivityType: "public",
      });
      return natId;
    },
    gatewayEndpoint(key, vpcKey, service, { name, created, routeTables }) {
      const endpointId = id("vpce", `${region}:${key}`);
      r.vpcEndpoints.push({
        VpcEndpointId: endpointId,
        VpcEndpointType: "Gateway",
        VpcId: vpcIds.get(vpcKey),
        ServiceName: `com.amazonaws.${region}.${service}`,
        State: "available",
        PolicyDocument: DEFAULT_POLICY,
        RouteTableIds: routeTables,
        SubnetIds: [],
        Groups: [],
        IpAddressType: "ipv4",
        PrivateDnsEnabled: false,
        RequesterManaged: false,
        NetworkInterfaceIds: [],
        DnsEntries: [],
        CreationTimestamp: created,
        Tags: tags(name),
        OwnerId: ACCOUNT,
      });
      return endpointId;
    },
    /**
     * An interface endpoint. `traffic`: "busy" (GB per weekday), "idle" (no datapoints), or
     * { between: [fromDaysAgo, toDaysAgo], gbPerDay } for traffic only in that span.
     */
    interfaceEndpoint(key, vpcKey, service, { name, created, subnets, state = "available", traffic, privateDns = true, inboundResolverOnly, extraTags = {} }) {
      const endpointId = id("vpce", `${region}:${key}`);
      const serviceName = service.startsWith("com.") ? service : `com.amazonaws.${region}.${service}`;
      const shortName = service.startsWith("com.") ? undefined : service;
      const dnsOptions = { DnsRecordIpType: "ipv4" };
      if (inboundResolverOnly !== undefined) dnsOptions.PrivateDnsOnlyForInboundResolverEndpoint = inboundResolverOnly;
      const suffix = createHash("sha256").update(`dns:${region}:${key}`).digest("hex").slice(0, 8);
      const regional = `${endpointId}-${suffix}.${shortName ?? "vpce-svc"}.${region}.vpce.amazonaws.com`;
      const dnsEntries = state === "available" ? [{ DnsName: regional, HostedZoneId: VPCE_ZONES[region] }] : [];
      if (state === "available" && privateDns && shortName) {
        const host = shortName === "s3" ? `*.s3.${region}.amazonaws.com` : `${shortName}.${region}.amazonaws.com`;
        dnsEntries.push({ DnsName: host, HostedZoneId: zoneId(`${region}:${key}`) });
      }
      r.vpcEndpoints.push({
        VpcEndpointId: endpointId,
        VpcEndpointType: "Interface",
        VpcId: vpcIds.get(vpcKey),
        ServiceName: serviceName,
        State: state,
        PolicyDocument: DEFAULT_POLICY,
        RouteTableIds: [],
        SubnetIds: subnets.map((s) => subnetIds.get(s)),
        Groups: [{ GroupId: id("sg", `${region}:${vpcKey}:endpoints`), GroupName: `${vpcKey}-vpc-endpoints` }],
        IpAddressType: "ipv4",
        DnsOptions: dnsOptions,
        PrivateDnsEnabled: privateDns && shortName !== undefined,
        RequesterManaged: false,
        NetworkInterfaceIds: state === "available" ? subnets.map((s) => id("eni", `${region}:${key}:${s}`)) : [],
        DnsEntries: dnsEntries,
        CreationTimestamp: created,
        Tags: tags(name, extraTags),
        OwnerId: ACCOUNT,
      });
      if (traffic !== undefined) profiles.set(endpointId, { traffic, created, seed: r.vpcEndpoints.length });
      return endpointId;
    },
    flowLog(key, resourceId, { name, created, trafficType = "ALL", destination, deliverStatus = "SUCCESS", deliverError, status = "ACTIVE" }) {
      const flowLogId = id("fl", `${region}:${key}`);
      const item = {
        CreationTime: created,
        DeliverLogsStatus: deliverStatus,
        FlowLogId: flowLogId,
        FlowLogStatus: status,
        ResourceId: resourceId,
        TrafficType: trafficType,
        LogFormat: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
        MaxAggregationInterval: 600,
        Tags: tags(name),
      };
      if (deliverError !== undefined) item.DeliverLogsErrorMessage = deliverError;
      if (destination.type === "cloud-watch-logs") {
        item.LogDestinationType = "cloud-watch-logs";
        item.LogGroupName = destination.logGroup;
        item.LogDestination = `arn:aws:logs:${region}:${ACCOUNT}:log-group:${destination.logGroup}`;
        item.DeliverLogsPermissionArn = `arn:aws:iam::${ACCOUNT}:role/vpc-flow-logs-delivery`;
      } else {
        item.LogDestinationType = "s3";
        item.LogDestination = `arn:aws:s3:::${destination.bucket}`;
      }
      r.flowLogs.push(item);
      return flowLogId;
    },
  };
  return b;
}

/** Daily BytesProcessed values for one endpoint, ascending from the start of the metric window. */
function traffic(profile, startMs) {
  const next = rng(profile.seed * 7919 + 17);
  const createdMs = Date.parse(profile.created);
  const timestamps = [];
  const values = [];
  for (let day = 0; day < METRIC_DAYS; day++) {
    const t = startMs + day * DAY_MS;
    if (t < createdMs) continue;
    const ageDays = (CAPTURED_MS - t) / DAY_MS;
    let gb;
    if (profile.traffic === "idle") continue;
    if (typeof profile.traffic === "object") {
      const [from, to] = profile.traffic.between;
      if (ageDays > from || ageDays < to) continue;
      gb = profile.traffic.gbPerDay;
    } else {
      const weekday = new Date(t).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      gb = profile.traffic * (weekend ? 0.35 : 1);
    }
    timestamps.push(new Date(t).toISOString());
    values.push(Math.round(gb * GB * (0.8 + next() * 0.4)));
  }
  return { timestamps, values };
}

/** The raw GetMetricData exchange the collector would record for this region. */
function endpointMetrics(b) {
  const end = new Date(CAPTURED_MS);
  const startMs = CAPTURED_MS - METRIC_DAYS * DAY_MS;
  // The collector queries every Interface endpoint that is not being deleted.
  const metered = b.raw.vpcEndpoints.filter((e) => e.VpcEndpointType === "Interface" && !["deleting", "deleted"].includes(e.State));
  const queries = metered.map((e, i) => ({ id: `e${i}`, endpointId: e.VpcEndpointId }));
  const results = metered.map((e, i) => {
    const profile = b.profiles.get(e.VpcEndpointId) ?? { traffic: "idle", created: e.CreationTimestamp, seed: i };
    const { timestamps, values } = traffic(profile, startMs);
    return { Id: `e${i}`, Label: "BytesProcessed", Timestamps: timestamps, Values: values, StatusCode: "Complete" };
  });
  return { startTime: new Date(startMs).toISOString(), endTime: end.toISOString(), period: 86_400, queries, results };
}

function usEast1() {
  const region = "us-east-1";
  const pl = PREFIX_LISTS[region];
  const b = regionBuilder(region);
  const igw = (key) => id("igw", `${region}:${key}`);
  const tgwId = id("tgw", `${region}:core`);

  // --- prod-app: private subnets behind two NAT gateways, S3 gateway endpoint on two of three tables.
  b.vpc("prod", { name: "prod-app", cidr: "10.10.0.0/16", extraTags: { env: "prod", team: "payments" } });
  b.subnet("prod-public-a", "prod", { name: "prod-public-a", cidr: "10.10.0.0/24", az: "us-east-1a", isPublic: true, free: 246 });
  b.subnet("prod-public-b", "prod", { name: "prod-public-b", cidr: "10.10.1.0/24", az: "us-east-1b", isPublic: true, free: 247 });
  b.subnet("prod-private-a", "prod", { name: "prod-private-a", cidr: "10.10.16.0/20", az: "us-east-1a", free: 3870 });
  b.subnet("prod-private-b", "prod", { name: "prod-private-b", cidr: "10.10.32.0/20", az: "us-east-1b", free: 3902 });
  b.subnet("prod-private-c", "prod", { name: "prod-private-c", cidr: "10.10.48.0/20", az: "us-east-1c", free: 4011 });
  b.subnet("prod-db-a", "prod", { name: "prod-db-a", cidr: "10.10.64.0/24", az: "us-east-1a", free: 243 });
  b.subnet("prod-db-b", "prod", { name: "prod-db-b", cidr: "10.10.65.0/24", az: "us-east-1b", free: 244 });
  const natProdA = b.natGateway("prod-a", "prod", "prod-public-a", { name: "prod-nat-a", created: "2023-03-14T09:21:07.000Z" });
  const natProdB = b.natGateway("prod-b", "prod", "prod-public-b", { name: "prod-nat-b", created: "2023-03-14T09:21:44.000Z" });
  const prodS3Gateway = id("vpce", `${region}:prod-s3-gateway`);
  // The database subnets have no explicit association: they use the main table (local route only).
  b.routeTable("prod-main", "prod", { name: "prod-main", main: true });
  b.routeTable("prod-public", "prod", {
    name: "prod-public",
    subnets: ["prod-public-a", "prod-public-b"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw("prod"), Origin: "CreateRoute", State: "active" }],
  });
  const rtbProdA = b.routeTable("prod-private-a", "prod", {
    name: "prod-private-a",
    subnets: ["prod-private-a"],
    routes: [
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natProdA, Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: pl.s3, GatewayId: prodS3Gateway, Origin: "CreateRoute", State: "active" },
    ],
  });
  const rtbProdB = b.routeTable("prod-private-b", "prod", {
    name: "prod-private-b",
    subnets: ["prod-private-b"],
    routes: [
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natProdB, Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: pl.s3, GatewayId: prodS3Gateway, Origin: "CreateRoute", State: "active" },
    ],
  });
  // Added later for a third AZ; nobody attached it to the S3 gateway endpoint.
  b.routeTable("prod-private-c", "prod", {
    name: "prod-private-c",
    subnets: ["prod-private-c"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natProdB, Origin: "CreateRoute", State: "active" }],
  });
  b.gatewayEndpoint("prod-s3-gateway", "prod", "s3", { name: "prod-s3", created: "2023-03-14T09:40:12.000Z", routeTables: [rtbProdA, rtbProdB] });
  const prodApp = ["prod-private-a", "prod-private-b", "prod-private-c"];
  b.interfaceEndpoint("prod-ssm", "prod", "ssm", { name: "prod-ssm", created: "2023-03-15T11:02:33.000Z", subnets: prodApp, traffic: 0.8 });
  b.interfaceEndpoint("prod-ssmmessages", "prod", "ssmmessages", { name: "prod-ssmmessages", created: "2023-03-15T11:02:41.000Z", subnets: prodApp, traffic: 0.3 });
  b.interfaceEndpoint("prod-ecr-api", "prod", "ecr.api", { name: "prod-ecr-api", created: "2023-06-02T14:10:09.000Z", subnets: prodApp, traffic: 1.2 });
  b.interfaceEndpoint("prod-ecr-dkr", "prod", "ecr.dkr", { name: "prod-ecr-dkr", created: "2023-06-02T14:10:15.000Z", subnets: prodApp, traffic: 38 });
  b.interfaceEndpoint("prod-logs", "prod", "logs", { name: "prod-logs", created: "2023-06-02T14:11:02.000Z", subnets: prodApp, traffic: 6.5 });
  // Created for a Spark job; the VPC has no hybrid reach and already has an S3 gateway endpoint.
  b.interfaceEndpoint("prod-s3-interface", "prod", "s3", {
    name: "prod-s3-spark",
    created: "2025-02-10T16:45:51.000Z",
    subnets: ["prod-private-a", "prod-private-b"],
    traffic: 12,
    privateDns: false,
  });
  b.interfaceEndpoint("prod-kinesis", "prod", "kinesis-streams", { name: "prod-kinesis", created: "2024-04-22T08:12:40.000Z", subnets: prodApp, traffic: "idle" });
  b.interfaceEndpoint("prod-sts", "prod", "sts", { name: "prod-sts", created: daysAgo(3, 2.5), subnets: prodApp, traffic: 0.02 });
  b.flowLog("prod", b.vpcId("prod"), {
    name: "prod-app-flow-logs",
    created: "2023-03-14T09:05:31.000Z",
    destination: { type: "cloud-watch-logs", logGroup: "/vpc/prod-app/flow-logs" },
  });
  // A vendor's VPC peered in the same region: not hybrid reach.
  b.raw.vpcPeeringConnections.push({
    AccepterVpcInfo: { CidrBlock: "172.20.0.0/16", CidrBlockSet: [{ CidrBlock: "172.20.0.0/16" }], OwnerId: VENDOR_ACCOUNT, VpcId: id("vpc", "vendor"), Region: region },
    RequesterVpcInfo: {
      CidrBlock: "10.10.0.0/16",
      CidrBlockSet: [{ CidrBlock: "10.10.0.0/16" }],
      OwnerId: ACCOUNT,
      PeeringOptions: { AllowDnsResolutionFromRemoteVpc: false, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false },
      VpcId: b.vpcId("prod"),
      Region: region,
    },
    Status: { Code: "active", Message: "Active" },
    Tags: tags("prod-to-payments-vendor"),
    VpcPeeringConnectionId: id("pcx", "prod-vendor"),
  });

  // --- staging-app: NAT without any gateway endpoint, flow log on one subnet only.
  b.vpc("staging", { name: "staging-app", cidr: "10.20.0.0/16", extraTags: { env: "staging", team: "payments" } });
  b.subnet("staging-public-a", "staging", { name: "staging-public-a", cidr: "10.20.0.0/24", az: "us-east-1a", isPublic: true, free: 249 });
  b.subnet("staging-private-a", "staging", { name: "staging-private-a", cidr: "10.20.16.0/20", az: "us-east-1a", free: 4051 });
  b.subnet("staging-private-b", "staging", { name: "staging-private-b", cidr: "10.20.32.0/20", az: "us-east-1b", free: 4070 });
  const natStaging = b.natGateway("staging", "staging", "staging-public-a", { name: "staging-nat", created: "2024-01-09T10:30:00.000Z" });
  // staging-private-b has no explicit association: the main table (default route to the NAT) governs it.
  b.routeTable("staging-main", "staging", {
    name: "staging-main",
    main: true,
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natStaging, Origin: "CreateRoute", State: "active" }],
  });
  b.routeTable("staging-public", "staging", {
    name: "staging-public",
    subnets: ["staging-public-a"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw("staging"), Origin: "CreateRoute", State: "active" }],
  });
  b.routeTable("staging-private-a", "staging", {
    name: "staging-private-a",
    subnets: ["staging-private-a"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natStaging, Origin: "CreateRoute", State: "active" }],
  });
  const stagingApp = ["staging-private-a", "staging-private-b"];
  b.interfaceEndpoint("staging-dynamodb", "staging", "dynamodb", { name: "staging-dynamodb", created: "2024-05-17T13:03:22.000Z", subnets: stagingApp, traffic: 2.4, privateDns: false });
  b.interfaceEndpoint("staging-s3", "staging", "s3", {
    name: "staging-s3-migration",
    created: "2025-09-30T12:00:41.000Z",
    subnets: stagingApp,
    traffic: "idle",
    privateDns: false,
    extraTags: { "endpoint-auditor:exempt": "Used by the on-prem migration test (MIG-311); remove after 2027-01-31" },
  });
  b.interfaceEndpoint("staging-secretsmanager", "staging", "secretsmanager", { name: "staging-secretsmanager", created: "2024-01-09T11:15:03.000Z", subnets: stagingApp, traffic: 0.05 });
  b.interfaceEndpoint("staging-execute-api", "staging", "execute-api", { name: "staging-execute-api", created: "2025-03-03T09:44:10.000Z", subnets: stagingApp, traffic: "idle" });
  b.interfaceEndpoint("staging-observability", "staging", `com.amazonaws.vpce.${region}.${id("vpce-svc", "observability-vendor")}`, {
    name: "staging-observability-vendor",
    created: "2025-10-06T15:20:18.000Z",
    subnets: stagingApp,
    state: "rejected",
    privateDns: false,
  });
  b.interfaceEndpoint("staging-sqs", "staging", "sqs", { name: "staging-sqs-old", created: "2024-01-09T11:15:40.000Z", subnets: stagingApp, state: "deleting" });
  b.flowLog("staging-private-a", b.subnetId("staging-private-a"), {
    name: "staging-private-a-debug",
    created: "2025-06-18T07:55:02.000Z",
    destination: { type: "s3", bucket: "acme-network-logs-123456789012" },
  });

  // --- network-hub: VPN + transit gateway, centralised endpoints, subnet-level flow logs everywhere.
  b.vpc("hub", { name: "network-hub", cidr: "10.0.0.0/16", extraTags: { env: "shared-services", team: "network" } });
  b.subnet("hub-public-a", "hub", { name: "hub-public-a", cidr: "10.0.0.0/24", az: "us-east-1a", isPublic: true, free: 250 });
  b.subnet("hub-endpoints-a", "hub", { name: "hub-endpoints-a", cidr: "10.0.16.0/22", az: "us-east-1a", free: 980 });
  b.subnet("hub-endpoints-b", "hub", { name: "hub-endpoints-b", cidr: "10.0.20.0/22", az: "us-east-1b", free: 982 });
  b.subnet("hub-tgw-a", "hub", { name: "hub-tgw-attach-a", cidr: "10.0.255.0/28", az: "us-east-1a", free: 10 });
  b.subnet("hub-tgw-b", "hub", { name: "hub-tgw-attach-b", cidr: "10.0.255.16/28", az: "us-east-1b", free: 10 });
  b.routeTable("hub-main", "hub", { name: "hub-main", main: true });
  b.routeTable("hub-public", "hub", {
    name: "hub-public",
    subnets: ["hub-public-a"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw("hub"), Origin: "CreateRoute", State: "active" }],
  });
  const hubS3Gateway = id("vpce", `${region}:hub-s3-gateway`);
  const rtbHubEndpoints = b.routeTable("hub-endpoints", "hub", {
    name: "hub-endpoints",
    subnets: ["hub-endpoints-a", "hub-endpoints-b"],
    routes: [
      { DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: tgwId, Origin: "CreateRoute", State: "active" },
      { DestinationCidrBlock: "192.168.0.0/16", GatewayId: id("vgw", `${region}:hub`), Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: pl.s3, GatewayId: hubS3Gateway, Origin: "CreateRoute", State: "active" },
    ],
  });
  b.routeTable("hub-tgw", "hub", {
    name: "hub-tgw-attach",
    subnets: ["hub-tgw-a", "hub-tgw-b"],
    routes: [{ DestinationCidrBlock: "10.0.0.0/8", TransitGatewayId: tgwId, Origin: "CreateRoute", State: "active" }],
  });
  b.raw.vpnGateways.push({
    State: "available",
    Type: "ipsec.1",
    VpcAttachments: [{ State: "attached", VpcId: b.vpcId("hub") }],
    VpnGatewayId: id("vgw", `${region}:hub`),
    AmazonSideAsn: 64512,
    Tags: tags("hub-vgw-datacenter"),
  });
  b.raw.transitGatewayAttachments.push({
    CreationTime: "2023-02-01T10:12:55.000Z",
    Options: { DnsSupport: "enable", SecurityGroupReferencingSupport: "enable", Ipv6Support: "disable", ApplianceModeSupport: "disable" },
    State: "available",
    SubnetIds: [b.subnetId("hub-tgw-a"), b.subnetId("hub-tgw-b")],
    Tags: tags("hub-tgw-attachment"),
    TransitGatewayAttachmentId: id("tgw-attach", `${region}:hub`),
    TransitGatewayId: tgwId,
    VpcId: b.vpcId("hub"),
    VpcOwnerId: ACCOUNT,
  });
  const hubEndpoints = ["hub-endpoints-a", "hub-endpoints-b"];
  b.gatewayEndpoint("hub-s3-gateway", "hub", "s3", { name: "hub-s3-gateway", created: "2024-08-12T09:00:03.000Z", routeTables: [rtbHubEndpoints] });
  // The AWS-recommended hybrid setup: gateway for in-VPC clients, interface for on-premises ones.
  b.interfaceEndpoint("hub-s3", "hub", "s3", { name: "hub-s3-onprem", created: "2024-08-12T09:02:47.000Z", subnets: hubEndpoints, traffic: 55, inboundResolverOnly: true });
  b.interfaceEndpoint("hub-dynamodb", "hub", "dynamodb", { name: "hub-dynamodb-onprem", created: "2024-08-12T09:03:30.000Z", subnets: hubEndpoints, traffic: 4.2, privateDns: false });
  b.interfaceEndpoint("hub-ssm", "hub", "ssm", { name: "hub-ssm", created: "2023-02-01T11:30:10.000Z", subnets: hubEndpoints, traffic: 2.1 });
  b.interfaceEndpoint("hub-ec2", "hub", "ec2", { name: "hub-ec2", created: "2023-02-01T11:30:25.000Z", subnets: hubEndpoints, traffic: 0.9 });
  b.interfaceEndpoint("hub-sts", "hub", "sts", { name: "hub-sts", created: "2023-02-01T11:30:31.000Z", subnets: hubEndpoints, traffic: 0.4 });
  b.interfaceEndpoint("hub-kms", "hub", "kms", { name: "hub-kms", created: "2023-02-01T11:30:46.000Z", subnets: hubEndpoints, traffic: 0.7 });
  b.interfaceEndpoint("hub-sns", "hub", "sns", { name: "hub-sns", created: "2024-11-04T10:20:00.000Z", subnets: hubEndpoints, traffic: "idle" });
  // Traffic inspection appliance (Gateway Load Balancer endpoint): not an interface endpoint.
  b.raw.vpcEndpoints.push({
    VpcEndpointId: id("vpce", `${region}:hub-inspection`),
    VpcEndpointType: "GatewayLoadBalancer",
    VpcId: b.vpcId("hub"),
    ServiceName: `com.amazonaws.vpce.${region}.${id("vpce-svc", "inspection")}`,
    State: "available",
    RouteTableIds: [],
    SubnetIds: [b.subnetId("hub-tgw-a")],
    Groups: [],
    IpAddressType: "ipv4",
    PrivateDnsEnabled: false,
    RequesterManaged: false,
    NetworkInterfaceIds: [id("eni", `${region}:hub-inspection`)],
    DnsEntries: [],
    CreationTimestamp: "2023-02-02T08:15:00.000Z",
    Tags: tags("hub-inspection-gwlbe"),
    OwnerId: ACCOUNT,
  });
  for (const s of ["hub-public-a", "hub-endpoints-a", "hub-endpoints-b", "hub-tgw-a", "hub-tgw-b"]) {
    b.flowLog(`hub-${s}`, b.subnetId(s), {
      name: `${s}-flow-logs`,
      created: "2023-02-01T10:40:00.000Z",
      destination: { type: "s3", bucket: "acme-network-logs-123456789012" },
    });
  }

  // --- data-platform: NAT with S3 + DynamoDB gateways, an S3 interface endpoint for the eu-west-1 peer.
  b.vpc("data", { name: "data-platform", cidr: "10.30.0.0/16", extraTags: { env: "prod", team: "data" } });
  b.subnet("data-public-a", "data", { name: "data-public-a", cidr: "10.30.0.0/24", az: "us-east-1a", isPublic: true, free: 248 });
  b.subnet("data-private-a", "data", { name: "data-private-a", cidr: "10.30.16.0/20", az: "us-east-1a", free: 3640 });
  b.subnet("data-private-b", "data", { name: "data-private-b", cidr: "10.30.32.0/20", az: "us-east-1b", free: 3702 });
  const natData = b.natGateway("data", "data", "data-public-a", { name: "data-nat", created: "2024-02-20T15:00:09.000Z" });
  const dataS3Gateway = id("vpce", `${region}:data-s3-gateway`);
  const dataDynamoGateway = id("vpce", `${region}:data-dynamodb-gateway`);
  const pcxData = id("pcx", "data-analytics-eu");
  b.routeTable("data-main", "data", { name: "data-main", main: true });
  b.routeTable("data-public", "data", {
    name: "data-public",
    subnets: ["data-public-a"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw("data"), Origin: "CreateRoute", State: "active" }],
  });
  const rtbData = b.routeTable("data-private", "data", {
    name: "data-private",
    subnets: ["data-private-a", "data-private-b"],
    routes: [
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: natData, Origin: "CreateRoute", State: "active" },
      { DestinationCidrBlock: "10.50.0.0/16", VpcPeeringConnectionId: pcxData, Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: pl.s3, GatewayId: dataS3Gateway, Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: pl.dynamodb, GatewayId: dataDynamoGateway, Origin: "CreateRoute", State: "active" },
    ],
  });
  b.gatewayEndpoint("data-s3-gateway", "data", "s3", { name: "data-s3-gateway", created: "2024-02-20T15:10:44.000Z", routeTables: [rtbData] });
  b.gatewayEndpoint("data-dynamodb-gateway", "data", "dynamodb", { name: "data-dynamodb-gateway", created: "2024-02-20T15:11:02.000Z", routeTables: [rtbData] });
  const dataPrivate = ["data-private-a", "data-private-b"];
  b.interfaceEndpoint("data-s3", "data", "s3", { name: "data-s3-for-eu-peer", created: "2024-07-01T12:30:00.000Z", subnets: dataPrivate, traffic: 140 });
  b.interfaceEndpoint("data-glue", "data", "glue", { name: "data-glue", created: "2024-02-21T09:00:00.000Z", subnets: dataPrivate, traffic: 0.6 });
  // Used by a quarterly report: traffic five to eight weeks ago, nothing in the last 30 days.
  b.interfaceEndpoint("data-athena", "data", "athena", {
    name: "data-athena",
    created: "2024-02-21T09:00:30.000Z",
    subnets: dataPrivate,
    traffic: { between: [60, 35], gbPerDay: 0.15 },
  });
  b.interfaceEndpoint("data-warehouse", "data", `com.amazonaws.vpce.${region}.${id("vpce-svc", "warehouse-vendor")}`, {
    name: "data-warehouse-privatelink",
    created: daysAgo(2, 4),
    subnets: dataPrivate,
    state: "pendingAcceptance",
    privateDns: false,
  });
  b.flowLog("data", b.vpcId("data"), {
    name: "data-platform-flow-logs",
    created: "2024-02-20T15:02:18.000Z",
    destination: { type: "cloud-watch-logs", logGroup: "/vpc/data-platform/flow-logs" },
    deliverStatus: "FAILED",
    deliverError: "Access error",
  });
  b.raw.vpcPeeringConnections.push({
    AccepterVpcInfo: {
      CidrBlock: "10.50.0.0/16",
      CidrBlockSet: [{ CidrBlock: "10.50.0.0/16" }],
      OwnerId: ACCOUNT,
      VpcId: id("vpc", "eu-west-1:analytics"),
      Region: "eu-west-1",
    },
    RequesterVpcInfo: {
      CidrBlock: "10.30.0.0/16",
      CidrBlockSet: [{ CidrBlock: "10.30.0.0/16" }],
      OwnerId: ACCOUNT,
      PeeringOptions: { AllowDnsResolutionFromRemoteVpc: true, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false },
      VpcId: b.vpcId("data"),
      Region: region,
    },
    Status: { Code: "active", Message: "Active" },
    Tags: tags("data-platform-to-analytics-eu"),
    VpcPeeringConnectionId: pcxData,
  });

  // --- shared-dev: shared from the network account through AWS RAM (its owner manages it).
  b.vpc("shared-dev", { name: "shared-dev", cidr: "10.40.0.0/16", owner: NETWORK_ACCOUNT });
  b.subnet("shared-dev-app-a", "shared-dev", { name: "shared-dev-app-a", cidr: "10.40.16.0/20", az: "us-east-1a", owner: NETWORK_ACCOUNT, free: 4080 });
  b.subnet("shared-dev-app-b", "shared-dev", { name: "shared-dev-app-b", cidr: "10.40.32.0/20", az: "us-east-1b", owner: NETWORK_ACCOUNT, free: 4085 });

  // --- the default VPC: untouched, public default subnets, no flow logs.
  b.vpc("default", { cidr: "172.31.0.0/16", isDefault: true });
  b.subnet("default-a", "default", { cidr: "172.31.0.0/20", az: "us-east-1a", isPublic: true, defaultForAz: true, free: 4091 });
  b.subnet("default-b", "default", { cidr: "172.31.16.0/20", az: "us-east-1b", isPublic: true, defaultForAz: true, free: 4091 });
  b.subnet("default-c", "default", { cidr: "172.31.32.0/20", az: "us-east-1c", isPublic: true, defaultForAz: true, free: 4091 });
  b.routeTable("default-main", "default", {
    main: true,
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw("default"), Origin: "CreateRoute", State: "active" }],
  });

  return b;
}

function euWest1() {
  const region = "eu-west-1";
  const pl = PREFIX_LISTS[region];
  const b = regionBuilder(region);
  b.vpc("analytics", { name: "analytics-eu", cidr: "10.50.0.0/16", extraTags: { env: "prod", team: "data" } });
  b.subnet("eu-public-a", "analytics", { name: "analytics-eu-public-a", cidr: "10.50.0.0/24", az: "eu-west-1a", isPublic: true, free: 249 });
  b.subnet("eu-private-a", "analytics", { name: "analytics-eu-private-a", cidr: "10.50.16.0/20", az: "eu-west-1a", free: 3980 });
  b.subnet("eu-private-b", "analytics", { name: "analytics-eu-private-b", cidr: "10.50.32.0/20", az: "eu-west-1b", free: 3991 });
  const nat = b.natGateway("analytics", "analytics", "eu-public-a", { name: "analytics-eu-nat", created: "2024-06-28T08:00:00.000Z" });
  const s3Gateway = id("vpce", `${region}:analytics-s3-gateway`);
  const pcxData = id("pcx", "data-analytics-eu");
  b.routeTable("analytics-main", "analytics", { name: "analytics-eu-main", main: true });
  b.routeTable("analytics-public", "analytics", {
    name: "analytics-eu-public",
    subnets: ["eu-public-a"],
    routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: id("igw", `${region}:analytics`), Origin: "CreateRoute", State: "active" }],
  });
  const rtbPrivate = b.routeTable("analytics-private", "analytics", {
    name: "analytics-eu-private",
    subnets: ["eu-private-a", "eu-private-b"],
    routes: [
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: nat, Origin: "CreateRoute", State: "active" },
      { DestinationCidrBlock: "10.30.0.0/16", VpcPeeringConnectionId: pcxData, Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: pl.s3, GatewayId: s3Gateway, Origin: "CreateRoute", State: "active" },
    ],
  });
  b.gatewayEndpoint("analytics-s3-gateway", "analytics", "s3", { name: "analytics-eu-s3", created: "2024-06-28T08:05:00.000Z", routeTables: [rtbPrivate] });
  const privateSubnets = ["eu-private-a", "eu-private-b"];
  b.interfaceEndpoint("analytics-ssm", "analytics", "ssm", { name: "analytics-eu-ssm", created: "2024-06-28T08:06:00.000Z", subnets: privateSubnets, traffic: 0.5 });
  b.interfaceEndpoint("analytics-monitoring", "analytics", "monitoring", { name: "analytics-eu-monitoring", created: "2024-06-28T08:06:30.000Z", subnets: privateSubnets, traffic: "idle" });
  // Only rejected traffic is logged: enough by default, not with --param vpc-flow-logs-enabled.trafficType=ALL.
  b.flowLog("analytics", b.vpcId("analytics"), {
    name: "analytics-eu-rejects",
    created: "2024-06-28T08:01:00.000Z",
    trafficType: "REJECT",
    destination: { type: "cloud-watch-logs", logGroup: "/vpc/analytics-eu/rejects" },
  });
  b.raw.vpcPeeringConnections.push({
    AccepterVpcInfo: {
      CidrBlock: "10.50.0.0/16",
      CidrBlockSet: [{ CidrBlock: "10.50.0.0/16" }],
      OwnerId: ACCOUNT,
      PeeringOptions: { AllowDnsResolutionFromRemoteVpc: true, AllowEgressFromLocalClassicLinkToRemoteVpc: false, AllowEgressFromLocalVpcToRemoteClassicLink: false },
      VpcId: b.vpcId("analytics"),
      Region: region,
    },
    RequesterVpcInfo: { CidrBlock: "10.30.0.0/16", CidrBlockSet: [{ CidrBlock: "10.30.0.0/16" }], OwnerId: ACCOUNT, VpcId: id("vpc", "us-east-1:data"), Region: "us-east-1" },
    Status: { Code: "active", Message: "Active" },
    Tags: tags("data-platform-to-analytics-eu"),
    VpcPeeringConnectionId: pcxData,
  });
  return b;
}

/** The demo snapshot as an object. */
export function makeDemo() {
  const regions = [usEast1(), euWest1()].map((b) => ({ ...b.raw, endpointMetrics: endpointMetrics(b) }));
  return { format: "endpoint-auditor/snapshot@1", accountId: ACCOUNT, capturedAt: CAPTURED_AT, regions };
}

/** The demo snapshot as the committed file's text. */
export function demoText() {
  return `${JSON.stringify(makeDemo(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? args[outIndex + 1] : DEMO_FILE;
  const text = demoText();
  if (args.includes("--check")) {
    const current = await readFile(DEMO_FILE, "utf8").catch(() => "");
    if (current !== text) {
      process.stderr.write(`${DEMO_FILE} is stale: run node packages/cli/scripts/make-demo.mjs\n`);
      process.exit(1);
    }
  } else {
    await writeFile(out, text);
    process.stderr.write(`wrote ${out}\n`);
  }
}
