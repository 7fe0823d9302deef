/**
 * Parsing raw API items (SDK output shapes, as in the EC2 / CloudWatch API reference) into the indexed
 * inventory: every part, ISO-string dates from snapshot JSON, endpoint state spellings, each VPC's own
 * main route table, and endpoint traffic over a window.
 */
import type { RouteTable as Ec2RouteTable, VpcEndpoint as Ec2VpcEndpoint } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { SnapshotError } from "../errors";
import { syntheticRegion } from "@endpoint-auditor/core/testing";
import { normaliseEndpointState, parseRegion, toDate } from "./parse";
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
} from "./queries";
import type { RawRegion } from "./raw";

const ACCOUNT = "111122223333";
const NOW = new Date("2025-06-02T00:00:00.000Z");
const DAY = 86_400_000;

/** Two VPCs, each with its own main route table; VPC B's main table is listed after VPC A's. */
const VPC_A = "vpc-0a1b2c3d4e5f6a7b8";
const VPC_B = "vpc-0b1c2d3e4f5a6b7c8";
const routeTables: Ec2RouteTable[] = [
  {
    RouteTableId: "rtb-0aaa0000000000001",
    VpcId: VPC_A,
    OwnerId: ACCOUNT,
    Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-0aaa000000000001", RouteTableId: "rtb-0aaa0000000000001", AssociationState: { State: "associated" } }],
    PropagatingVgws: [],
    Routes: [
      { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
      { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0aaa0000000000001", Origin: "CreateRoute", State: "active" },
    ],
    Tags: [{ Key: "Name", Value: "a-main" }],
  },
  {
    RouteTableId: "rtb-0aaa0000000000002",
    VpcId: VPC_A,
    OwnerId: ACCOUNT,
    Associations: [
      { Main: false, RouteTableAssociationId: "rtbassoc-0aaa000000000002", RouteTableId: "rtb-0aaa0000000000002", SubnetId: "subnet-0aaa000000000002", AssociationState: { State: "associated" } },
      // Being removed: no longer governs that subnet.
      { Main: false, RouteTableAssociationId: "rtbassoc-0aaa000000000003", RouteTableId: "rtb-0aaa0000000000002", SubnetId: "subnet-0aaa000000000003", AssociationState: { State: "disassociating" } },
      // An edge association (gateway route table), not a subnet.
      { Main: false, RouteTableAssociationId: "rtbassoc-0aaa000000000004", RouteTableId: "rtb-0aaa0000000000002", GatewayId: "igw-0aaa0000000000001", AssociationState: { State: "associated" } },
    ],
    PropagatingVgws: [],
    Routes: [
      { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0aaa0000000000001", Origin: "CreateRoute", State: "active" },
      { DestinationPrefixListId: "pl-6da54004", GatewayId: "vpce-0aaa0000000000009", Origin: "CreateRoute", State: "active" },
    ],
    Tags: [],
  },
  {
    RouteTableId: "rtb-0bbb0000000000001",
    VpcId: VPC_B,
    OwnerId: ACCOUNT,
    Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-0bbb000000000001", RouteTableId: "rtb-0bbb0000000000001", AssociationState: { State: "associated" } }],
    PropagatingVgws: [{ GatewayId: "vgw-0bbb0000000000001" }],
    Routes: [
      { DestinationCidrBlock: "10.1.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
      { DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-0bbb0000000000001", Origin: "CreateRoute", State: "active" },
      { DestinationCidrBlock: "192.168.0.0/16", GatewayId: "vgw-0bbb0000000000001", Origin: "EnableVgwRoutePropagation", State: "active" },
    ],
    Tags: [],
  },
];

const endpoints: Ec2VpcEndpoint[] = [
  {
    VpcEndpointId: "vpce-0aaa0000000000009",
    VpcEndpointType: "Gateway",
    VpcId: VPC_A,
    ServiceName: "com.amazonaws.eu-west-1.s3",
    State: "available" as Ec2VpcEndpoint["State"],
    RouteTableIds: ["rtb-0aaa0000000000002"],
    SubnetIds: [],
    PrivateDnsEnabled: false,
    CreationTimestamp: new Date("2024-03-01T10:00:00.000Z"),
    OwnerId: ACCOUNT,
  },
  {
    VpcEndpointId: "vpce-0aaa0000000000010",
    VpcEndpointType: "Interface",
    VpcId: VPC_A,
    ServiceName: "com.amazonaws.eu-west-1.s3",
    State: "Available",
    SubnetIds: ["subnet-0aaa000000000002", "subnet-0aaa000000000003"],
    RouteTableIds: [],
    PrivateDnsEnabled: true,
    DnsOptions: { DnsRecordIpType: "ipv4", PrivateDnsOnlyForInboundResolverEndpoint: true },
    CreationTimestamp: new Date("2024-05-01T10:00:00.000Z"),
    OwnerId: ACCOUNT,
    PolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}',
    Groups: [{ GroupId: "sg-0aaa0000000000001", GroupName: "endpoints" }, { GroupId: "sg-0aaa0000000000002", GroupName: "monitoring" }],
    Tags: [{ Key: "endpoint-auditor:exempt", Value: "hybrid DNS" }],
  },
  {
    VpcEndpointId: "vpce-0bbb0000000000011",
    VpcEndpointType: "Interface",
    VpcId: VPC_B,
    ServiceName: "com.amazonaws.eu-west-1.ssm",
    State: "pendingAcceptance" as Ec2VpcEndpoint["State"],
    SubnetIds: ["subnet-0bbb000000000001"],
  },
];

const RAW: RawRegion = {
  region: "eu-west-1",
  vpcs: [
    { VpcId: VPC_A, OwnerId: ACCOUNT, CidrBlock: "10.0.0.0/16", IsDefault: false, State: "available", Tags: [{ Key: "Name", Value: "prod" }, { Key: "empty" }] },
    { VpcId: VPC_B, CidrBlock: "10.1.0.0/16", IsDefault: true, State: "available" },
    { VpcId: "vpc-0c0c0c0c0c0c0c0c0", OwnerId: "444455556666", CidrBlock: "10.9.0.0/16", State: "available" },
  ],
  subnets: [
    { SubnetId: "subnet-0aaa000000000001", VpcId: VPC_A, OwnerId: ACCOUNT, AvailabilityZone: "eu-west-1a", CidrBlock: "10.0.0.0/24", Tags: [] },
    { SubnetId: "subnet-0aaa000000000002", VpcId: VPC_A, OwnerId: ACCOUNT, AvailabilityZone: "eu-west-1b", CidrBlock: "10.0.1.0/24" },
    { SubnetId: "subnet-0aaa000000000003", VpcId: VPC_A, OwnerId: ACCOUNT, AvailabilityZone: "eu-west-1c", CidrBlock: "10.0.2.0/24" },
    { SubnetId: "subnet-0bbb000000000001", VpcId: VPC_B, OwnerId: ACCOUNT, AvailabilityZone: "eu-west-1a", CidrBlock: "10.1.0.0/24" },
  ],
  routeTables,
  natGateways: [
    { NatGatewayId: "nat-0aaa0000000000001", VpcId: VPC_A, SubnetId: "subnet-0aaa000000000001", State: "available", ConnectivityType: "public", CreateTime: new Date("2024-01-01T00:00:00Z") },
    { NatGatewayId: "nat-0aaa0000000000002", VpcId: VPC_A, SubnetId: "subnet-0aaa000000000001", State: "Failed" as never, ConnectivityType: "public" },
  ],
  vpcEndpoints: endpoints,
  flowLogs: [
    { FlowLogId: "fl-0aaa0000000000001", ResourceId: VPC_A, FlowLogStatus: "ACTIVE", TrafficType: "ALL", DeliverLogsStatus: "SUCCESS", LogDestinationType: "s3", LogDestination: "arn:aws:s3:::flow-logs-bucket/prod/" },
    { FlowLogId: "fl-0bbb0000000000001", ResourceId: "subnet-0bbb000000000001", FlowLogStatus: "ACTIVE", TrafficType: "REJECT", DeliverLogsStatus: "FAILED", DeliverLogsErrorMessage: "Access error", LogDestinationType: "cloud-watch-logs", LogGroupName: "/vpc/b" },
  ],
  vpnGateways: [
    { VpnGatewayId: "vgw-0bbb0000000000001", State: "available", Type: "ipsec.1", VpcAttachments: [{ VpcId: VPC_B, State: "attached" }, { VpcId: VPC_A, State: "detached" }, { State: "attached" }] },
  ],
  transitGatewayAttachments: [
    { TransitGatewayAttachmentId: "tgw-attach-0bbb000000000001", TransitGatewayId: "tgw-0bbb0000000000001", VpcId: VPC_B, VpcOwnerId: ACCOUNT, State: "available", SubnetIds: ["subnet-0bbb000000000001"] },
  ],
  vpcPeeringConnections: [
    {
      VpcPeeringConnectionId: "pcx-0aaa0000000000001",
      Status: { Code: "active", Message: "Active" },
      RequesterVpcInfo: { VpcId: VPC_A, OwnerId: ACCOUNT, Region: "eu-west-1", CidrBlock: "10.0.0.0/16" },
      AccepterVpcInfo: { VpcId: "vpc-0fff000000000001", OwnerId: ACCOUNT, Region: "us-east-1", CidrBlock: "172.16.0.0/16" },
    },
    {
      VpcPeeringConnectionId: "pcx-0aaa0000000000002",
      Status: { Code: "active", Message: "Active" },
      RequesterVpcInfo: { VpcId: VPC_A, OwnerId: ACCOUNT, Region: "eu-west-1" },
      AccepterVpcInfo: { VpcId: VPC_B, OwnerId: ACCOUNT, Region: "eu-west-1" },
    },
  ],
  endpointMetrics: {
    startTime: new Date(NOW.getTime() - 30 * DAY).toISOString(),
    endTime: NOW.toISOString(),
    period: 86400,
    queries: [
      { id: "e0", endpointId: "vpce-0aaa0000000000010" },
      { id: "e1", endpointId: "vpce-0bbb0000000000011" },
    ],
    results: [
      { Id: "e0", Label: "BytesProcessed", Timestamps: [new Date("2025-05-10T00:00:00Z"), new Date("2025-05-11T00:00:00Z")], Values: [1000, 2500], StatusCode: "PartialData" },
      { Id: "e0", Label: "BytesProcessed", Timestamps: [new Date("2025-05-30T00:00:00Z")], Values: [500], StatusCode: "Complete" },
      { Id: "e1", Label: "BytesProcessed", Timestamps: [], Values: [], StatusCode: "Complete" },
      { Id: "unrelated", Label: "BytesProcessed", Timestamps: [new Date("2025-05-10T00:00:00Z")], Values: [9e9], StatusCode: "Complete" },
    ],
  },
};

describe("parseRegion: every part", () => {
  const inventory = parseRegion(RAW, ACCOUNT, NOW);

  it("Given VPCs, Then ids, owners (defaulting to the scanned account), CIDR, default flag and tags are kept", () => {
    expect(inventory.vpcs.get(VPC_A)).toEqual({
      id: VPC_A,
      ownerId: ACCOUNT,
      cidrBlock: "10.0.0.0/16",
      // No association set in the response: the primary block is the only one known.
      ipv4CidrBlocks: ["10.0.0.0/16"],
      ipv6CidrBlocks: [],
      isDefault: false,
      state: "available",
      tags: { Name: "prod", empty: "" },
    });
    expect(inventory.vpcs.get(VPC_B)).toMatchObject({ ownerId: ACCOUNT, isDefault: true, tags: {} });
    expect(inventory.vpcs.get("vpc-0c0c0c0c0c0c0c0c0")?.ownerId).toBe("444455556666");
  });

  it("Given subnets, Then they are indexed by VPC", () => {
    expect(inventory.subnets.get("subnet-0bbb000000000001")).toEqual({ id: "subnet-0bbb000000000001", vpcId: VPC_B, ownerId: ACCOUNT, availabilityZone: "eu-west-1a", cidrBlock: "10.1.0.0/24", tags: {} });
    expect(subnetsOf(inventory, VPC_A).map((s) => s.id)).toEqual(["subnet-0aaa000000000001", "subnet-0aaa000000000002", "subnet-0aaa000000000003"]);
  });

  it("Given route tables, Then the main flag, the associated subnets (not disassociating ones, not edge associations) and every route target are kept", () => {
    const rt = inventory.routeTables.get("rtb-0aaa0000000000002");
    expect(rt).toMatchObject({ vpcId: VPC_A, isMain: false, subnetIds: ["subnet-0aaa000000000002"] });
    expect(rt?.routes).toEqual([
      expect.objectContaining({ destinationCidrBlock: "10.0.0.0/16", gatewayId: "local", state: "active" }),
      expect.objectContaining({ destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-0aaa0000000000001" }),
      expect.objectContaining({ destinationPrefixListId: "pl-6da54004", gatewayId: "vpce-0aaa0000000000009" }),
    ]);
    expect(inventory.routeTables.get("rtb-0bbb0000000000001")?.routes[1]).toMatchObject({ destinationCidrBlock: "0.0.0.0/0", transitGatewayId: "tgw-0bbb0000000000001" });
    // A disassociating association does not govern the subnet: its VPC's main table does.
    expect(effectiveRouteTable(inventory, inventory.subnets.get("subnet-0aaa000000000002")!)?.id).toBe("rtb-0aaa0000000000002");
    expect(effectiveRouteTable(inventory, inventory.subnets.get("subnet-0aaa000000000003")!)?.id).toBe("rtb-0aaa0000000000001");
  });

  it("Given two VPCs whose main tables are listed one after the other, Then each VPC gets its own main table", () => {
    expect(effectiveRouteTable(inventory, inventory.subnets.get("subnet-0aaa000000000001")!)?.id).toBe("rtb-0aaa0000000000001");
    expect(effectiveRouteTable(inventory, inventory.subnets.get("subnet-0bbb000000000001")!)?.id).toBe("rtb-0bbb0000000000001");
  });

  it("Given NAT gateways, Then their state is lower-cased", () => {
    expect(inventory.natGateways.get("nat-0aaa0000000000001")).toEqual({ id: "nat-0aaa0000000000001", vpcId: VPC_A, subnetId: "subnet-0aaa000000000001", state: "available", connectivityType: "public", tags: {} });
    expect(inventory.natGateways.get("nat-0aaa0000000000002")?.state).toBe("failed");
  });

  it("Given endpoints, Then type, service, subnets, route tables, DNS options and tags are kept and gateway endpoints are indexed by route table", () => {
    expect(inventory.vpcEndpoints.get("vpce-0aaa0000000000010")).toEqual({
      id: "vpce-0aaa0000000000010",
      vpcId: VPC_A,
      ownerId: ACCOUNT,
      serviceName: "com.amazonaws.eu-west-1.s3",
      type: "Interface",
      state: "available",
      rawState: "Available",
      creationTimestamp: new Date("2024-05-01T10:00:00.000Z"),
      subnetIds: ["subnet-0aaa000000000002", "subnet-0aaa000000000003"],
      routeTableIds: [],
      privateDnsEnabled: true,
      privateDnsOnlyForInboundResolverEndpoint: true,
      policyDocument: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}',
      securityGroupIds: ["sg-0aaa0000000000001", "sg-0aaa0000000000002"],
      tags: { "endpoint-auditor:exempt": "hybrid DNS" },
    });
    expect(inventory.vpcEndpoints.get("vpce-0bbb0000000000011")?.policyDocument).toBeUndefined();
    expect(inventory.vpcEndpoints.get("vpce-0bbb0000000000011")).toMatchObject({ securityGroupIds: [], state: "pendingAcceptance", subnetIds: ["subnet-0bbb000000000001"], routeTableIds: [], privateDnsEnabled: false, privateDnsOnlyForInboundResolverEndpoint: false, creationTimestamp: undefined });
    expect(endpointsOf(inventory, VPC_A).map((e) => e.id)).toEqual(["vpce-0aaa0000000000009", "vpce-0aaa0000000000010"]);
    expect(gatewayEndpointsOn(inventory, "rtb-0aaa0000000000002").map((e) => e.id)).toEqual(["vpce-0aaa0000000000009"]);
    // Only gateway endpoints are attached to route tables: the interface endpoints of VPC A are not.
    expect(gatewayEndpointsOn(inventory, "rtb-0aaa0000000000001")).toEqual([]);
  });

  it("Given flow logs, Then status, traffic type, delivery status and error, and destination (or log group) are kept, indexed by resource", () => {
    expect(inventory.flowLogs.get("fl-0aaa0000000000001")).toMatchObject({ resourceId: VPC_A, status: "ACTIVE", trafficType: "ALL", deliverLogsStatus: "SUCCESS", logDestinationType: "s3", logDestination: "arn:aws:s3:::flow-logs-bucket/prod/" });
    expect(inventory.flowLogs.get("fl-0bbb0000000000001")).toMatchObject({ trafficType: "REJECT", deliverLogsStatus: "FAILED", deliverLogsErrorMessage: "Access error", logDestination: "/vpc/b" });
    expect(flowLogsOn(inventory, "subnet-0bbb000000000001").map((f) => f.id)).toEqual(["fl-0bbb0000000000001"]);
  });

  it("Given a VPN gateway with attachments, Then it is indexed under every attached VPC with the attachment state (an attachment without a VPC is dropped)", () => {
    expect(inventory.vpnGateways.get("vgw-0bbb0000000000001")?.attachments).toEqual([
      { vpcId: VPC_B, state: "attached" },
      { vpcId: VPC_A, state: "detached" },
    ]);
    expect(vpnGatewaysOf(inventory, VPC_B).map((g) => g.id)).toEqual(["vgw-0bbb0000000000001"]);
    expect(vpnGatewaysOf(inventory, VPC_A).map((g) => g.id)).toEqual(["vgw-0bbb0000000000001"]);
  });

  it("Given transit-gateway attachments and peering connections, Then they are indexed by VPC (peering on both sides, regions kept)", () => {
    expect(transitGatewayAttachmentsOf(inventory, VPC_B)).toEqual([
      { id: "tgw-attach-0bbb000000000001", transitGatewayId: "tgw-0bbb0000000000001", vpcId: VPC_B, state: "available", tags: {} },
    ]);
    expect(inventory.vpcPeeringConnections.get("pcx-0aaa0000000000001")).toEqual({
      id: "pcx-0aaa0000000000001",
      status: "active",
      requester: { vpcId: VPC_A, ownerId: ACCOUNT, region: "eu-west-1" },
      accepter: { vpcId: "vpc-0fff000000000001", ownerId: ACCOUNT, region: "us-east-1" },
      tags: {},
    });
    expect(peeringConnectionsOf(inventory, VPC_A).map((p) => p.id)).toEqual(["pcx-0aaa0000000000001", "pcx-0aaa0000000000002"]);
    expect(peeringConnectionsOf(inventory, VPC_B).map((p) => p.id)).toEqual(["pcx-0aaa0000000000002"]);
  });

  it("Given every part present and no errors, Then every part is marked collected and there are no failures", () => {
    expect([...inventory.parts].sort()).toEqual(
      ["endpointMetrics", "flowLogs", "natGateways", "routeTables", "subnets", "transitGatewayAttachments", "vpcEndpoints", "vpcPeeringConnections", "vpcs", "vpnGateways"],
    );
    expect(inventory.failures.size).toBe(0);
    expect(inventory).toMatchObject({ accountId: ACCOUNT, region: "eu-west-1", collectedAt: NOW });
  });
});

describe("parseRegion: parts and failures", () => {
  it("Given a region with some parts absent and one recorded failure, Then only present, non-failed parts count as collected", () => {
    const inventory = parseRegion(
      {
        region: "eu-west-1",
        vpcs: [],
        subnets: [],
        errors: [{ part: "flowLogs", call: "ec2:DescribeFlowLogs", message: "You are not authorized to perform this operation.", code: "UnauthorizedOperation" }],
      },
      ACCOUNT,
      NOW,
    );

    expect([...inventory.parts].sort()).toEqual(["subnets", "vpcs"]);
    expect(inventory.failures.get("flowLogs")).toEqual({ call: "ec2:DescribeFlowLogs", message: "You are not authorized to perform this operation.", code: "UnauthorizedOperation" });
    expect(inventory.endpointMetrics.window).toBeUndefined();
    expect(inventory.flowLogs.size).toBe(0);
  });

  it("Given an item without its id, Then a SnapshotError names the region and the kind of item", () => {
    expect(() => parseRegion({ region: "eu-west-1", subnets: [{ VpcId: VPC_A, CidrBlock: "10.0.0.0/24" }] }, ACCOUNT, NOW)).toThrow(SnapshotError);
    expect(() => parseRegion({ region: "eu-west-1", subnets: [{ VpcId: VPC_A }] }, ACCOUNT, NOW)).toThrow("eu-west-1: a subnet without an id in the API response");
    expect(() => parseRegion({ region: "eu-west-1", routeTables: [{ RouteTableId: "rtb-0aaa0000000000001" }] }, ACCOUNT, NOW)).toThrow("eu-west-1: a route table VPC without an id");
  });

  it("Given endpoint metrics without a valid window, Then a SnapshotError says so", () => {
    const raw: RawRegion = { region: "eu-west-1", endpointMetrics: { startTime: "yesterday", endTime: NOW.toISOString(), period: 86400, queries: [], results: [] } };
    expect(() => parseRegion(raw, ACCOUNT, NOW)).toThrow("eu-west-1: endpoint metrics without a valid window");
  });
});

describe("parseRegion: dates from snapshot JSON", () => {
  it("Given the region passed through JSON (dates become ISO strings), Then it parses to the same inventory", () => {
    const fromJson = JSON.parse(JSON.stringify(RAW)) as RawRegion;
    expect(typeof (fromJson.vpcEndpoints?.[1] as Record<string, unknown>).CreationTimestamp).toBe("string");

    expect(parseRegion(fromJson, ACCOUNT, NOW)).toEqual(parseRegion(RAW, ACCOUNT, NOW));
  });

  it("Given toDate, Then Dates, ISO strings and epoch numbers are accepted and anything else is undefined", () => {
    expect(toDate("2025-05-10T00:00:00.000Z")).toEqual(new Date("2025-05-10T00:00:00.000Z"));
    expect(toDate(new Date("2025-05-10T00:00:00.000Z"))).toEqual(new Date("2025-05-10T00:00:00.000Z"));
    expect(toDate(1746835200000)).toEqual(new Date("2025-05-10T00:00:00.000Z"));
    expect(toDate("not a date")).toBeUndefined();
    expect(toDate(new Date(Number.NaN))).toBeUndefined();
    expect(toDate(undefined)).toBeUndefined();
    expect(toDate({})).toBeUndefined();
  });
});

describe("normaliseEndpointState", () => {
  it.each([
    ["available", "available"],
    ["Available", "available"],
    ["pendingAcceptance", "pendingAcceptance"],
    ["PendingAcceptance", "pendingAcceptance"],
    ["pending", "pending"],
    ["Deleting", "deleting"],
    ["deleted", "deleted"],
    ["Rejected", "rejected"],
    ["failed", "failed"],
    ["Expired", "expired"],
    ["partial", "partial"],
    ["somethingNew", "unknown"],
    [undefined, "unknown"],
  ] as const)("Given the state %s, Then it normalises to %s", (input, expected) => {
    expect(normaliseEndpointState(input)).toBe(expected);
  });
});

describe("effectiveRouteTable", () => {
  const inventory = parseRegion(RAW, ACCOUNT, NOW);
  const subnet = (id: string) => {
    const s = inventory.subnets.get(id);
    if (!s) throw new Error(`fixture lacks ${id}`);
    return s;
  };

  it("Given a subnet with an explicit association, Then that table governs it", () => {
    expect(effectiveRouteTable(inventory, subnet("subnet-0aaa000000000002"))?.id).toBe("rtb-0aaa0000000000002");
  });

  it("Given a subnet without an explicit association, Then its own VPC's main table governs it (not the first main table found)", () => {
    expect(effectiveRouteTable(inventory, subnet("subnet-0aaa000000000001"))?.id).toBe("rtb-0aaa0000000000001");
    expect(effectiveRouteTable(inventory, subnet("subnet-0bbb000000000001"))?.id).toBe("rtb-0bbb0000000000001");
  });

  it("Given a subnet whose association is being removed, Then its VPC's main table governs it", () => {
    expect(effectiveRouteTable(inventory, subnet("subnet-0aaa000000000003"))?.id).toBe("rtb-0aaa0000000000001");
  });

  it("Given a VPC whose main table is not in the list, Then there is no effective table (never another VPC's)", () => {
    const partial = parseRegion({ ...RAW, routeTables: routeTables.slice(0, 2) }, ACCOUNT, NOW);
    const s = partial.subnets.get("subnet-0bbb000000000001");
    expect(s && effectiveRouteTable(partial, s)).toBeUndefined();
  });

  it("Given a synthetic region, Then every subnet of an own VPC resolves to a table of its own VPC", () => {
    const inv = parseRegion(syntheticRegion({ seed: 9, vpcs: 50 }), "123456789012", NOW);
    let resolved = 0;
    for (const s of inv.subnets.values()) {
      const rt = effectiveRouteTable(inv, s);
      if (inv.vpcs.get(s.vpcId)?.ownerId !== "123456789012") continue; // shared VPC: tables live in the owner account
      expect(rt?.vpcId, s.id).toBe(s.vpcId);
      resolved++;
    }
    expect(resolved).toBeGreaterThan(250);
  });
});

describe("endpointBytesBetween", () => {
  const traffic = parseRegion(RAW, ACCOUNT, NOW);
  const from = new Date(NOW.getTime() - 30 * DAY);

  it("Given datapoints split over several result pages (strings or Dates), Then the bytes in the window add up; results of unknown query ids are ignored", () => {
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", from, NOW)).toBe(4000);
  });

  it("Given a queried endpoint with no datapoints, Then it processed zero bytes", () => {
    expect(endpointBytesBetween(traffic, "vpce-0bbb0000000000011", from, NOW)).toBe(0);
  });

  it("Given an endpoint that was not queried, Then the bytes are unknown (undefined), never zero", () => {
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000009", from, NOW)).toBeUndefined();
  });

  it("Given a window wider than the collected one, Then the bytes are unknown", () => {
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", new Date(NOW.getTime() - 60 * DAY), NOW)).toBeUndefined();
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", from, new Date(NOW.getTime() + 3 * DAY))).toBeUndefined();
  });

  it("Given a requested window that ends an hour after the collected one (or starts an hour before it), Then the bytes are unknown: the missing hour could hold the only traffic", () => {
    const hour = 3_600_000;
    const end = new Date(NOW.getTime() + hour);
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", new Date(end.getTime() - 30 * DAY), end)).toBeUndefined();
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", new Date(from.getTime() - hour), NOW)).toBeUndefined();
    // Within a minute of clock tolerance the window still counts as covered.
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", new Date(from.getTime() - 30_000), NOW)).toBe(4000);
  });

  it("Given a narrower window inside the collected one, Then only the datapoints of that window count", () => {
    // The last 7 days hold only the 2025-05-30 datapoint.
    expect(endpointBytesBetween(traffic, "vpce-0aaa0000000000010", new Date(NOW.getTime() - 7 * DAY), NOW)).toBe(500);
  });

  it("Given a daily datapoint that ends exactly where the window starts, Then it is not counted; one that overlaps the window start is", () => {
    const raw: RawRegion = {
      region: "eu-west-1",
      endpointMetrics: {
        startTime: new Date(NOW.getTime() - 90 * DAY).toISOString(),
        endTime: NOW.toISOString(),
        period: 86400,
        queries: [{ id: "e0", endpointId: "vpce-0aaa0000000000010" }],
        results: [
          {
            Id: "e0",
            // 31 days ago covers [−31 d, −30 d): entirely before a 30-day window.
            // 30 days and 1 hour ago covers [−30 d −1 h, −29 d −1 h): mostly inside it.
            Timestamps: [new Date(NOW.getTime() - 31 * DAY), new Date(NOW.getTime() - 30 * DAY - 3_600_000)],
            Values: [7_000_000, 5],
            StatusCode: "Complete",
          },
        ],
      },
    };
    const t = parseRegion(raw, ACCOUNT, NOW);
    expect(endpointBytesBetween(t, "vpce-0aaa0000000000010", from, NOW)).toBe(5);
  });

  it("Given non-numeric values or unparsable timestamps in a snapshot, Then those datapoints are skipped", () => {
    const raw = JSON.parse(
      JSON.stringify({
        region: "eu-west-1",
        endpointMetrics: {
          startTime: from.toISOString(),
          endTime: NOW.toISOString(),
          period: 86400,
          queries: [{ id: "e0", endpointId: "vpce-0aaa0000000000010" }],
          results: [{ Id: "e0", Timestamps: ["2025-05-20T00:00:00Z", "garbage", "2025-05-22T00:00:00Z"], Values: [10, 20, "30"], StatusCode: "Complete" }],
        },
      }),
    ) as RawRegion;
    const t = parseRegion(raw, ACCOUNT, NOW);
    expect(endpointBytesBetween(t, "vpce-0aaa0000000000010", from, NOW)).toBe(10);
  });
});

describe("parseRegion: security groups, VPC blocks, buckets and the organization", () => {
  it("Given a VPC with secondary, disassociated and IPv6 blocks, Then only associated (or associating) blocks are kept, primary first", () => {
    const inventory = parseRegion(
      {
        region: "eu-west-1",
        vpcs: [
          {
            VpcId: VPC_A,
            OwnerId: ACCOUNT,
            CidrBlock: "10.0.0.0/16",
            CidrBlockAssociationSet: [
              { AssociationId: "vpc-cidr-assoc-01", CidrBlock: "10.0.0.0/16", CidrBlockState: { State: "associated" } },
              { AssociationId: "vpc-cidr-assoc-02", CidrBlock: "100.64.0.0/16", CidrBlockState: { State: "associating" } },
              { AssociationId: "vpc-cidr-assoc-03", CidrBlock: "10.9.0.0/16", CidrBlockState: { State: "disassociated" } },
              { AssociationId: "vpc-cidr-assoc-04", CidrBlock: "10.8.0.0/16", CidrBlockState: { State: "failed", StatusMessage: "overlaps" } },
            ],
            Ipv6CidrBlockAssociationSet: [
              { AssociationId: "vpc-cidr-assoc-61", Ipv6CidrBlock: "2600:1f18:abcd:1200::/56", Ipv6CidrBlockState: { State: "associated" }, Ipv6Pool: "Amazon" },
              { AssociationId: "vpc-cidr-assoc-62", Ipv6CidrBlock: "2600:1f18:abcd:9900::/56", Ipv6CidrBlockState: { State: "disassociating" } },
            ],
          },
        ],
      },
      ACCOUNT,
      NOW,
    );
    expect(inventory.vpcs.get(VPC_A)).toMatchObject({ ipv4CidrBlocks: ["10.0.0.0/16", "100.64.0.0/16"], ipv6CidrBlocks: ["2600:1f18:abcd:1200::/56"] });
  });

  it("Given security groups as DescribeSecurityGroups returns them, Then each inbound permission keeps protocol, ports, IPv4/IPv6 ranges, referenced groups and prefix lists", () => {
    const inventory = parseRegion(
      {
        region: "eu-west-1",
        securityGroups: [
          {
            GroupId: "sg-0aaa0000000000001",
            GroupName: "endpoints",
            VpcId: VPC_A,
            OwnerId: ACCOUNT,
            Description: "endpoints",
            IpPermissions: [
              {
                IpProtocol: "tcp",
                FromPort: 443,
                ToPort: 443,
                IpRanges: [{ CidrIp: "10.0.0.0/16", Description: "vpc" }],
                Ipv6Ranges: [{ CidrIpv6: "2600:1f18:abcd:1200::/56" }],
                UserIdGroupPairs: [{ GroupId: "sg-0aaa0000000000002", UserId: ACCOUNT }],
                PrefixListIds: [{ PrefixListId: "pl-0123456789abcdef0" }],
              },
              { IpProtocol: "-1", IpRanges: [], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: [] },
            ],
            IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
            Tags: [{ Key: "Name", Value: "endpoints" }],
          },
        ],
      },
      ACCOUNT,
      NOW,
    );
    expect(inventory.securityGroups.get("sg-0aaa0000000000001")).toEqual({
      id: "sg-0aaa0000000000001",
      name: "endpoints",
      vpcId: VPC_A,
      ownerId: ACCOUNT,
      ingress: [
        {
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          ipv4Ranges: ["10.0.0.0/16"],
          ipv6Ranges: ["2600:1f18:abcd:1200::/56"],
          groupIds: ["sg-0aaa0000000000002"],
          prefixListIds: ["pl-0123456789abcdef0"],
        },
        { protocol: "-1", ipv4Ranges: [], ipv6Ranges: [], groupIds: [], prefixListIds: [] },
      ],
      tags: { Name: "endpoints" },
    });
  });

  it("Given ListBuckets' buckets, Then they are mapped by name with their region", () => {
    const inventory = parseRegion({ region: "eu-west-1", s3Buckets: [{ Name: "amzn-s3-demo-bucket", CreationDate: new Date("2024-01-01T00:00:00Z"), BucketRegion: "eu-west-1" }] }, ACCOUNT, NOW);
    expect(inventory.s3Buckets.get("amzn-s3-demo-bucket")).toEqual({ id: "amzn-s3-demo-bucket", region: "eu-west-1", tags: {} });
    expect(inventory.parts.has("s3Buckets")).toBe(true);
  });

  it("Given DescribeOrganization answered, Then the organization id and management account are known; Given it failed, Then the reason is kept and the part still counts as collected", () => {
    const known = parseRegion({ region: "eu-west-1", organization: { Organization: { Id: "o-a1b2c3d4e5", MasterAccountId: "999988887777" } } }, ACCOUNT, NOW);
    expect(known.organization).toEqual({ id: "o-a1b2c3d4e5", managementAccountId: "999988887777" });
    const refused = parseRegion(
      { region: "eu-west-1", organization: { error: { code: "AccessDeniedException", message: "You don't have permissions to access this resource." } } },
      ACCOUNT,
      NOW,
    );
    expect(refused.organization).toEqual({ unknown: "AccessDeniedException: You don't have permissions to access this resource." });
    expect(refused.parts.has("organization")).toBe(true);
    expect(parseRegion({ region: "eu-west-1" }, ACCOUNT, NOW).organization).toEqual({ unknown: "DescribeOrganization was not called" });
  });

  it("Given DescribeOrganization answered AWSOrganizationsNotInUseException, Then the account is known to be in no organization: neither an id nor an unknown reason", () => {
    const none = parseRegion(
      { region: "eu-west-1", organization: { error: { code: "AWSOrganizationsNotInUseException", message: "Your account is not a member of an organization." } } },
      ACCOUNT,
      NOW,
    );
    expect(none.organization).toEqual({});
    expect(none.parts.has("organization")).toBe(true);
  });
});
