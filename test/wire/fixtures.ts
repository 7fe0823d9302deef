/**
 * Small, hand-written regions in the SDK's output shapes (as DescribeX returns them), covering every
 * field `parseRegion` reads, several states and route targets, tags with XML-special characters, and
 * endpoint traffic. `manyVpcs` builds larger regions for pagination tests.
 */
import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import type { RawRegion } from "@endpoint-auditor/core";

/**
 * EC2 answers endpoint states in lower camel case (`available`, `pendingAcceptance`) although the SDK's
 * enum type spells them `Available`…; fixtures keep what the API sends.
 */
const endpointState = (state: string): VpcEndpoint["State"] => state as VpcEndpoint["State"];

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "210987654321";
export const NOW = new Date("2026-03-02T00:00:00.000Z");
const DAY = 86_400_000;

/** A region with one of everything the rules look at. */
export function richRegion(region = "eu-west-1"): RawRegion {
  const vpcA = "vpc-0a000000000000001";
  const vpcB = "vpc-0b000000000000002";
  const vpcShared = "vpc-0c000000000000003";
  return {
    region,
    vpcs: [
      {
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        CidrBlock: "10.0.0.0/16",
        IsDefault: false,
        State: "available",
        DhcpOptionsId: "dopt-0123",
        InstanceTenancy: "default",
        CidrBlockAssociationSet: [
          { AssociationId: "vpc-cidr-assoc-1", CidrBlock: "10.0.0.0/16", CidrBlockState: { State: "associated" } },
          { AssociationId: "vpc-cidr-assoc-2", CidrBlock: "100.64.0.0/16", CidrBlockState: { State: "associated" } },
          { AssociationId: "vpc-cidr-assoc-3", CidrBlock: "10.99.0.0/16", CidrBlockState: { State: "disassociated" } },
        ],
        Ipv6CidrBlockAssociationSet: [
          { AssociationId: "vpc-cidr-assoc-6a", Ipv6CidrBlock: "2600:1f18:abcd:1200::/56", Ipv6CidrBlockState: { State: "associated" }, NetworkBorderGroup: region, Ipv6Pool: "Amazon" },
        ],
        Tags: [
          { Key: "Name", Value: "prod <core> & \"data\" 'lake'" },
          { Key: "endpoint-auditor:exempt", Value: "" },
          { Key: "Team", Value: "plateforme réseau ✓" },
        ],
      },
      { VpcId: vpcB, OwnerId: ACCOUNT, CidrBlock: "172.31.0.0/16", IsDefault: true, State: "available" },
      { VpcId: vpcShared, OwnerId: OTHER_ACCOUNT, CidrBlock: "10.9.0.0/16", IsDefault: false, State: "pending", Tags: [] },
    ],
    subnets: [
      {
        SubnetId: "subnet-0a01",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        AvailabilityZone: `${region}a`,
        AvailabilityZoneId: "euw1-az1",
        CidrBlock: "10.0.1.0/24",
        State: "available",
        AvailableIpAddressCount: 251,
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        Tags: [{ Key: "Name", Value: "private-a" }],
      },
      { SubnetId: "subnet-0a02", VpcId: vpcA, OwnerId: ACCOUNT, AvailabilityZone: `${region}b`, CidrBlock: "10.0.2.0/24", State: "available" },
      { SubnetId: "subnet-0a03", VpcId: vpcA, OwnerId: ACCOUNT, AvailabilityZone: `${region}c`, CidrBlock: "10.0.3.0/24", State: "available" },
      { SubnetId: "subnet-0b01", VpcId: vpcB, OwnerId: ACCOUNT, AvailabilityZone: `${region}a`, CidrBlock: "172.31.0.0/20", State: "available" },
      { SubnetId: "subnet-0c01", VpcId: vpcShared, OwnerId: OTHER_ACCOUNT, AvailabilityZone: `${region}a`, CidrBlock: "10.9.1.0/24", State: "available" },
    ],
    routeTables: [
      {
        RouteTableId: "rtb-0a-main",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-0a-main", RouteTableId: "rtb-0a-main", AssociationState: { State: "associated" } }],
        Routes: [
          { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active", Origin: "CreateRouteTable" },
          { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0a", State: "active", Origin: "CreateRoute" },
          { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-0a", State: "active" },
        ],
        PropagatingVgws: [{ GatewayId: "vgw-0a" }],
        Tags: [{ Key: "Name", Value: "main" }],
      },
      {
        RouteTableId: "rtb-0a-private",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        Associations: [
          { Main: false, SubnetId: "subnet-0a01", RouteTableAssociationId: "rtbassoc-0a01", RouteTableId: "rtb-0a-private", AssociationState: { State: "associated" } },
          { Main: false, SubnetId: "subnet-0a02", RouteTableAssociationId: "rtbassoc-0a02", RouteTableId: "rtb-0a-private", AssociationState: { State: "disassociated" } },
        ],
        Routes: [
          { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0a01", State: "active" },
          { DestinationPrefixListId: "pl-6da54004", GatewayId: "vpce-0a-s3gw", State: "active" },
          { DestinationCidrBlock: "192.168.0.0/16", TransitGatewayId: "tgw-0a", State: "active" },
          { DestinationCidrBlock: "10.8.0.0/16", VpcPeeringConnectionId: "pcx-0a", State: "blackhole" },
          { DestinationCidrBlock: "10.7.0.0/16", NetworkInterfaceId: "eni-0a", InstanceId: "i-0a", InstanceOwnerId: ACCOUNT, State: "active" },
          { DestinationCidrBlock: "10.6.0.0/16", LocalGatewayId: "lgw-0a", State: "active" },
          { DestinationCidrBlock: "10.5.0.0/16", CarrierGatewayId: "cagw-0a", State: "active" },
          { DestinationCidrBlock: "10.4.0.0/16", CoreNetworkArn: "arn:aws:networkmanager::123456789012:core-network/core-network-0a", State: "active" },
        ],
        Tags: [],
      },
      {
        RouteTableId: "rtb-0b-main",
        VpcId: vpcB,
        OwnerId: ACCOUNT,
        Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-0b-main", RouteTableId: "rtb-0b-main", AssociationState: { State: "associated" } }],
        Routes: [{ DestinationCidrBlock: "172.31.0.0/16", GatewayId: "local", State: "active" }],
      },
    ],
    natGateways: [
      {
        NatGatewayId: "nat-0a01",
        VpcId: vpcA,
        SubnetId: "subnet-0a03",
        State: "available",
        ConnectivityType: "public",
        CreateTime: new Date("2025-01-10T08:00:00.000Z"),
        NatGatewayAddresses: [{ AllocationId: "eipalloc-1", PublicIp: "203.0.113.10", PrivateIp: "10.0.3.10", NetworkInterfaceId: "eni-nat", IsPrimary: true, Status: "succeeded" }],
        Tags: [{ Key: "Name", Value: "nat-a" }],
      },
      { NatGatewayId: "nat-0a02", VpcId: vpcA, SubnetId: "subnet-0a03", State: "deleted", ConnectivityType: "private", DeleteTime: new Date("2025-02-01T00:00:00.000Z") },
    ],
    securityGroups: [
      {
        GroupId: "sg-0a",
        GroupName: "endpoints",
        Description: "HTTPS to <endpoints> & \"friends\"",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        IpPermissions: [
          {
            IpProtocol: "tcp",
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: "10.0.0.0/16", Description: "the VPC" }],
            Ipv6Ranges: [{ CidrIpv6: "2600:1f18:abcd:1200::/56", Description: "the VPC (IPv6)" }],
            PrefixListIds: [{ PrefixListId: "pl-0123456789abcdef0", Description: "on premises" }],
            UserIdGroupPairs: [{ GroupId: "sg-0a-clients", UserId: ACCOUNT, Description: "clients" }],
          },
          { IpProtocol: "-1", IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: "sg-0a", UserId: ACCOUNT }] },
        ],
        IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
        Tags: [{ Key: "Name", Value: "endpoints" }],
      },
      { GroupId: "sg-0a-clients", GroupName: "clients", Description: "app servers", VpcId: vpcA, OwnerId: ACCOUNT, IpPermissions: [], IpPermissionsEgress: [] },
    ],
    vpcEndpoints: [
      {
        VpcEndpointId: "vpce-0a-s3if",
        VpcEndpointType: "Interface",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        ServiceName: `com.amazonaws.${region}.s3`,
        State: endpointState("available"),
        CreationTimestamp: new Date("2025-06-01T12:34:56.000Z"),
        SubnetIds: ["subnet-0a01", "subnet-0a02"],
        RouteTableIds: [],
        Groups: [{ GroupId: "sg-0a", GroupName: "endpoints" }],
        NetworkInterfaceIds: ["eni-0a1", "eni-0a2"],
        PrivateDnsEnabled: true,
        RequesterManaged: false,
        IpAddressType: "ipv4",
        DnsOptions: { DnsRecordIpType: "ipv4", PrivateDnsOnlyForInboundResolverEndpoint: true },
        DnsEntries: [{ DnsName: `*.vpce-0a-s3if.s3.${region}.vpce.amazonaws.com`, HostedZoneId: "Z7HUB22UULQXV" }],
        PolicyDocument: '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
        Tags: [{ Key: "Name", Value: "s3 interface" }],
      },
      {
        VpcEndpointId: "vpce-0a-s3gw",
        VpcEndpointType: "Gateway",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        ServiceName: `com.amazonaws.${region}.s3`,
        State: endpointState("available"),
        CreationTimestamp: new Date("2024-01-01T00:00:00.000Z"),
        RouteTableIds: ["rtb-0a-private", "rtb-0a-main"],
        SubnetIds: [],
        PrivateDnsEnabled: false,
      },
      {
        VpcEndpointId: "vpce-0a-idle",
        VpcEndpointType: "Interface",
        VpcId: vpcA,
        OwnerId: ACCOUNT,
        ServiceName: `com.amazonaws.${region}.ssm`,
        State: endpointState("available"),
        CreationTimestamp: new Date("2025-01-01T00:00:00.000Z"),
        SubnetIds: ["subnet-0a01"],
        PrivateDnsEnabled: true,
        DnsOptions: { DnsRecordIpType: "ipv4", PrivateDnsOnlyForInboundResolverEndpoint: false },
      },
      {
        VpcEndpointId: "vpce-0b-pending",
        VpcEndpointType: "Interface",
        VpcId: vpcB,
        OwnerId: ACCOUNT,
        ServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
        State: endpointState("pendingAcceptance"),
        CreationTimestamp: new Date(NOW.getTime() - 2 * DAY),
        SubnetIds: ["subnet-0b01"],
      },
      {
        VpcEndpointId: "vpce-0b-failed",
        VpcEndpointType: "Interface",
        VpcId: vpcB,
        ServiceName: `com.amazonaws.${region}.dynamodb`,
        State: endpointState("failed"),
        LastError: { Code: "InsufficientCapacity", Message: "no capacity in AZ" },
        FailureReason: "InsufficientCapacity",
      },
    ],
    flowLogs: [
      {
        FlowLogId: "fl-0a-vpc",
        ResourceId: vpcA,
        FlowLogStatus: "ACTIVE",
        TrafficType: "ALL",
        DeliverLogsStatus: "SUCCESS",
        LogDestinationType: "cloud-watch-logs",
        LogGroupName: "/vpc/flow-logs",
        DeliverLogsPermissionArn: "arn:aws:iam::123456789012:role/flow-logs",
        CreationTime: new Date("2024-05-05T05:05:05.000Z"),
        MaxAggregationInterval: 600,
        LogFormat: "${version} ${account-id} ${interface-id}",
        Tags: [{ Key: "Name", Value: "vpc-a" }],
      },
      {
        FlowLogId: "fl-0b-subnet",
        ResourceId: "subnet-0b01",
        FlowLogStatus: "ACTIVE",
        TrafficType: "REJECT",
        DeliverLogsStatus: "FAILED",
        DeliverLogsErrorMessage: "Access error: bucket policy denies s3:PutObject",
        LogDestinationType: "s3",
        LogDestination: "arn:aws:s3:::flow-log-bucket/prefix",
      },
    ],
    vpnGateways: [
      {
        VpnGatewayId: "vgw-0a",
        State: "available",
        Type: "ipsec.1",
        AmazonSideAsn: 64512,
        VpcAttachments: [
          { VpcId: vpcA, State: "attached" },
          { VpcId: vpcB, State: "detached" },
        ],
        Tags: [{ Key: "Name", Value: "to-datacenter" }],
      },
      { VpnGatewayId: "vgw-0z", State: "deleted", Type: "ipsec.1", VpcAttachments: [] },
    ],
    transitGatewayAttachments: [
      {
        TransitGatewayAttachmentId: "tgw-attach-0a",
        TransitGatewayId: "tgw-0a",
        VpcId: vpcA,
        VpcOwnerId: ACCOUNT,
        State: "available",
        SubnetIds: ["subnet-0a01", "subnet-0a02"],
        CreationTime: new Date("2024-02-02T02:02:02.000Z"),
        Options: { DnsSupport: "enable", Ipv6Support: "disable", ApplianceModeSupport: "disable" },
        Tags: [{ Key: "Name", Value: "hub" }],
      },
      { TransitGatewayAttachmentId: "tgw-attach-0b", TransitGatewayId: "tgw-0a", VpcId: vpcB, State: "pendingAcceptance" },
    ],
    vpcPeeringConnections: [
      {
        VpcPeeringConnectionId: "pcx-0a",
        Status: { Code: "active", Message: "Active" },
        RequesterVpcInfo: { VpcId: vpcA, OwnerId: ACCOUNT, Region: region, CidrBlock: "10.0.0.0/16" },
        AccepterVpcInfo: { VpcId: "vpc-0remote", OwnerId: OTHER_ACCOUNT, Region: "us-east-1", CidrBlock: "10.8.0.0/16" },
        Tags: [{ Key: "Name", Value: "cross-region" }],
      },
      {
        VpcPeeringConnectionId: "pcx-0b",
        Status: { Code: "deleted", Message: "Deleted by requester" },
        ExpirationTime: new Date("2025-03-03T03:03:03.000Z"),
        RequesterVpcInfo: { VpcId: vpcB, OwnerId: ACCOUNT, Region: region },
        AccepterVpcInfo: { VpcId: vpcA, OwnerId: ACCOUNT, Region: region },
      },
    ],
    // DescribeVpcEndpointServices ServiceDetails as the EC2 API reference's ServiceDetail lists them.
    vpcEndpointServices: [
      {
        ServiceName: `com.amazonaws.${region}.ssm`,
        ServiceId: "vpce-svc-0a1b2c3d4e5f60718",
        ServiceType: [{ ServiceType: "Interface" }],
        ServiceRegion: region,
        AvailabilityZones: [`${region}a`, `${region}b`, `${region}c`],
        AvailabilityZoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
        Owner: "amazon",
        BaseEndpointDnsNames: [`ssm.${region}.vpce.amazonaws.com`],
        PrivateDnsName: `ssm.${region}.amazonaws.com`,
        PrivateDnsNames: [{ PrivateDnsName: `ssm.${region}.amazonaws.com` }],
        VpcEndpointPolicySupported: true,
        AcceptanceRequired: false,
        ManagesVpcEndpoints: false,
        PrivateDnsNameVerificationState: "verified",
        SupportedIpAddressTypes: ["ipv4", "ipv6"],
        Tags: [],
      },
      {
        ServiceName: `com.amazonaws.${region}.s3`,
        ServiceId: "vpce-svc-0b1c2d3e4f5a60719",
        ServiceType: [{ ServiceType: "Interface" }],
        AvailabilityZones: [`${region}a`, `${region}b`, `${region}c`],
        Owner: "amazon",
        BaseEndpointDnsNames: [`s3.${region}.vpce.amazonaws.com`],
        PrivateDnsName: `*.s3.${region}.amazonaws.com`,
        PrivateDnsNames: [{ PrivateDnsName: `*.s3.${region}.amazonaws.com` }],
        VpcEndpointPolicySupported: true,
        AcceptanceRequired: false,
        ManagesVpcEndpoints: false,
        PrivateDnsNameVerificationState: "verified",
        SupportedIpAddressTypes: ["ipv4"],
      },
      {
        ServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
        ServiceId: "vpce-svc-0123456789abcdef0",
        ServiceType: [{ ServiceType: "Interface" }],
        AvailabilityZones: [`${region}a`, `${region}b`],
        Owner: OTHER_ACCOUNT,
        BaseEndpointDnsNames: ["vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com"],
        VpcEndpointPolicySupported: false,
        AcceptanceRequired: true,
        ManagesVpcEndpoints: false,
        PayerResponsibility: "ServiceOwner",
        SupportedIpAddressTypes: ["ipv4"],
        Tags: [{ Key: "Name", Value: "partner <payments> & \"ledger\"" }],
      },
    ],
    endpointMetrics: {
      startTime: new Date(NOW.getTime() - 30 * DAY).toISOString(),
      endTime: NOW.toISOString(),
      period: 86_400,
      queries: [
        { id: "e0", endpointId: "vpce-0a-s3if" },
        { id: "e1", endpointId: "vpce-0a-idle" },
      ],
      results: [
        {
          Id: "e0",
          Label: "BytesProcessed",
          StatusCode: "Complete",
          Timestamps: [new Date(NOW.getTime() - DAY), new Date(NOW.getTime() - 2 * DAY), new Date(NOW.getTime() - 3 * DAY)],
          Values: [1_048_576, 2_000_000.5, 0],
        },
        { Id: "e1", Label: "BytesProcessed", StatusCode: "Complete", Timestamps: [], Values: [] },
      ],
    },
  };
}

function pad(n: number, width = 6): string {
  return String(n).padStart(width, "0");
}

/** A region with `vpcCount` VPCs, each with `subnetsPerVpc` subnets and one route table per subnet plus a main one. */
export function manyVpcs(region: string, vpcCount: number, subnetsPerVpc = 2): RawRegion {
  const vpcs: NonNullable<RawRegion["vpcs"]> = [];
  const subnets: NonNullable<RawRegion["subnets"]> = [];
  const routeTables: NonNullable<RawRegion["routeTables"]> = [];
  const natGateways: NonNullable<RawRegion["natGateways"]> = [];
  const vpcEndpoints: NonNullable<RawRegion["vpcEndpoints"]> = [];
  const flowLogs: NonNullable<RawRegion["flowLogs"]> = [];
  const transitGatewayAttachments: NonNullable<RawRegion["transitGatewayAttachments"]> = [];
  const vpcPeeringConnections: NonNullable<RawRegion["vpcPeeringConnections"]> = [];
  const vpcEndpointServices: NonNullable<RawRegion["vpcEndpointServices"]> = [];
  const securityGroups: NonNullable<RawRegion["securityGroups"]> = [];
  for (let v = 0; v < vpcCount; v++) {
    const vpcId = `vpc-${pad(v)}`;
    vpcs.push({ VpcId: vpcId, OwnerId: ACCOUNT, CidrBlock: `10.${v % 256}.0.0/16`, IsDefault: false, State: v % 7 === 0 ? "pending" : "available" });
    routeTables.push({
      RouteTableId: `rtb-${pad(v)}-main`,
      VpcId: vpcId,
      Associations: [{ Main: true, RouteTableAssociationId: `rtbassoc-${pad(v)}-main`, AssociationState: { State: "associated" } }],
      Routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: `igw-${pad(v)}`, State: "active" }],
    });
    natGateways.push({ NatGatewayId: `nat-${pad(v)}`, VpcId: vpcId, SubnetId: `subnet-${pad(v)}-0`, State: v % 3 === 0 ? "deleted" : "available" });
    vpcEndpoints.push({
      VpcEndpointId: `vpce-${pad(v)}`,
      VpcEndpointType: v % 2 === 0 ? "Interface" : "Gateway",
      VpcId: vpcId,
      ServiceName: `com.amazonaws.${region}.${v % 2 === 0 ? "ssm" : "s3"}`,
      State: endpointState("available"),
      CreationTimestamp: new Date(Date.UTC(2025, 0, 1 + (v % 300))),
    });
    flowLogs.push({ FlowLogId: `fl-${pad(v)}`, ResourceId: vpcId, FlowLogStatus: "ACTIVE", TrafficType: "ALL" });
    // One endpoint service shared with the account per VPC (other accounts' services, as a large partner catalogue).
    vpcEndpointServices.push({
      ServiceName: `com.amazonaws.vpce.${region}.vpce-svc-0${pad(v, 16)}`,
      ServiceId: `vpce-svc-0${pad(v, 16)}`,
      ServiceType: [{ ServiceType: "Interface" }],
      AvailabilityZones: [`${region}a`, `${region}b`],
      Owner: OTHER_ACCOUNT,
    });
    securityGroups.push({
      GroupId: `sg-${pad(v)}`,
      GroupName: "default",
      VpcId: vpcId,
      OwnerId: ACCOUNT,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: `10.${v % 256}.0.0/16` }] }],
    });
    transitGatewayAttachments.push({ TransitGatewayAttachmentId: `tgw-attach-${pad(v)}`, TransitGatewayId: "tgw-hub", VpcId: vpcId, State: v % 5 === 0 ? "deleted" : "available" });
    vpcPeeringConnections.push({
      VpcPeeringConnectionId: `pcx-${pad(v)}`,
      Status: { Code: v % 4 === 0 ? "deleted" : "active" },
      RequesterVpcInfo: { VpcId: vpcId, OwnerId: ACCOUNT, Region: region },
      AccepterVpcInfo: { VpcId: `vpc-peer-${pad(v)}`, OwnerId: OTHER_ACCOUNT, Region: v % 2 === 0 ? region : "us-east-1" },
    });
    for (let s = 0; s < subnetsPerVpc; s++) {
      const subnetId = `subnet-${pad(v)}-${s}`;
      subnets.push({ SubnetId: subnetId, VpcId: vpcId, AvailabilityZone: `${region}${"abc"[s % 3]}`, CidrBlock: `10.${v % 256}.${s}.0/24`, State: "available" });
      routeTables.push({
        RouteTableId: `rtb-${pad(v)}-${s}`,
        VpcId: vpcId,
        Associations: [{ Main: false, SubnetId: subnetId, RouteTableAssociationId: `rtbassoc-${pad(v)}-${s}`, AssociationState: { State: "associated" } }],
        Routes: [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: `nat-${pad(v)}`, State: "active" }],
      });
    }
  }
  return { region, vpcs, subnets, routeTables, natGateways, vpcEndpoints, flowLogs, vpnGateways: [], transitGatewayAttachments, vpcPeeringConnections, vpcEndpointServices, securityGroups };
}
