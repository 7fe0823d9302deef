/**
 * The real EC2 client (query protocol, SigV4, XML parsing) against fake-aws: every Describe list comes
 * back with every field, and the fake's XML uses the element names of the EC2 API reference.
 */
import { DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcsCommand, DescribeVpcEndpointsCommand, DescribeNatGatewaysCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRegion, type RawRegion } from "@endpoint-auditor/core";
import { clientsFor, destroyClients, startFakeAws, type FakeAws, type FakeClients } from "../support/fake-aws";
import { ACCOUNT, NOW, richRegion } from "./fixtures";
import { EC2_LIST_KEYS, MAX_PAGE, listAll, rawRegionViaSdk } from "./sdk-lists";

/** JSON round trip: Dates become ISO strings, undefined members disappear. */
function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

function withoutMetrics(raw: RawRegion): RawRegion {
  const { endpointMetrics: _m, ...rest } = raw;
  return rest;
}

describe("EC2 Describe calls through the real SDK", () => {
  let fake: FakeAws;
  let eu: FakeClients;
  let us: FakeClients;
  const source = richRegion("eu-west-1");
  const other = richRegion("us-east-1");

  beforeAll(async () => {
    other.vpcs = other.vpcs?.slice(0, 1).map((v) => ({ ...v, VpcId: "vpc-0us0000000000001" }));
    fake = await startFakeAws({ data: { accountId: ACCOUNT, regions: [source, other] } });
    eu = clientsFor(fake, "eu-west-1");
    us = clientsFor(fake, "us-east-1");
  });
  afterAll(async () => {
    destroyClients(eu);
    destroyClients(us);
    await fake.close();
  });

  it("Given a region with every field the parser reads, When each list is read through the SDK, Then parseRegion of the SDK output equals parseRegion of the source", async () => {
    const viaSdk = await rawRegionViaSdk(eu.ec2, "eu-west-1");
    const expected = parseRegion(withoutMetrics(source), ACCOUNT, NOW);
    const actual = parseRegion(viaSdk, ACCOUNT, NOW);
    expect(actual).toEqual(expected);
    // The comparison is not vacuous: the parsed inventory carries the fixture's content.
    expect(actual.vpcs.size).toBe(3);
    expect(actual.routeTables.get("rtb-0a-private")?.routes).toHaveLength(9);
    expect(actual.routeTables.get("rtb-0a-private")?.subnetIds).toEqual(["subnet-0a01"]);
    expect(actual.vpcEndpoints.get("vpce-0a-s3if")?.privateDnsOnlyForInboundResolverEndpoint).toBe(true);
    expect(actual.vpcEndpoints.get("vpce-0a-s3if")?.creationTimestamp).toEqual(new Date("2025-06-01T12:34:56.000Z"));
    expect(actual.vpcEndpoints.get("vpce-0b-pending")?.state).toBe("pendingAcceptance");
    expect(actual.flowLogs.get("fl-0b-subnet")?.deliverLogsErrorMessage).toContain("bucket policy");
    expect(actual.vpnGateways.get("vgw-0a")?.attachments).toEqual([
      { vpcId: "vpc-0a000000000000001", state: "attached" },
      { vpcId: "vpc-0b000000000000002", state: "detached" },
    ]);
    expect(actual.vpcPeeringConnections.get("pcx-0a")?.accepter.region).toBe("us-east-1");
    expect(actual.vpcs.get("vpc-0a000000000000001")?.tags).toEqual({
      Name: "prod <core> & \"data\" 'lake'",
      "endpoint-auditor:exempt": "",
      Team: "plateforme réseau ✓",
    });
  });

  it("Given SDK-shaped items, When read back through the SDK, Then every item equals its source field for field (not only the parsed ones)", async () => {
    for (const list of EC2_LIST_KEYS) {
      const { items } = await listAll(eu.ec2, list, MAX_PAGE[list]);
      expect(plain(items), list).toEqual(plain(source[list]));
    }
  });

  it("Given timestamps, When read through the SDK, Then they are Date objects with the source instant", async () => {
    const out = await eu.ec2.send(new DescribeVpcEndpointsCommand({ MaxResults: 1000 }));
    const ep = out.VpcEndpoints?.find((e) => e.VpcEndpointId === "vpce-0a-s3if");
    expect(ep?.CreationTimestamp).toBeInstanceOf(Date);
    expect(ep?.CreationTimestamp?.toISOString()).toBe("2025-06-01T12:34:56.000Z");
  });

  it("Given two regions, When each region's client lists VPCs, Then each sees only its own region (region taken from the SigV4 scope)", async () => {
    const a = await eu.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
    const b = await us.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
    expect(a.Vpcs?.map((v) => v.VpcId)).toEqual(source.vpcs?.map((v) => v.VpcId));
    expect(b.Vpcs?.map((v) => v.VpcId)).toEqual(["vpc-0us0000000000001"]);
    const regions = fake.calls.of("EC2:DescribeVpcs").slice(-2).map((c) => c.region);
    expect(regions).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("Given a region with no data, When it is listed, Then every list is empty (an unused region), not an error", async () => {
    const empty = clientsFor(fake, "ap-southeast-2");
    try {
      const raw = await rawRegionViaSdk(empty.ec2, "ap-southeast-2");
      for (const list of EC2_LIST_KEYS) expect(raw[list], list).toEqual([]);
    } finally {
      destroyClients(empty);
    }
  });

  describe("filters", () => {
    it("Given a vpc-id filter with two values, Then only subnets of those VPCs come back", async () => {
      const out = await eu.ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-0b000000000000002", "vpc-0c000000000000003"] }], MaxResults: 1000 }),
      );
      expect(out.Subnets?.map((s) => s.SubnetId)).toEqual(["subnet-0b01", "subnet-0c01"]);
      expect(fake.calls.of("EC2:DescribeSubnets").at(-1)?.params).toMatchObject({
        Filters: [{ Name: "vpc-id", Values: ["vpc-0b000000000000002", "vpc-0c000000000000003"] }],
        MaxResults: 1000,
      });
    });

    it("Given a NAT gateway state filter, Then deleted gateways are left out", async () => {
      const out = await eu.ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "state", Values: ["pending", "available"] }], MaxResults: 1000 }));
      expect(out.NatGateways?.map((n) => n.NatGatewayId)).toEqual(["nat-0a01"]);
    });

    it("Given two filters, Then both must match (AND), and a wildcard value matches by pattern", async () => {
      const out = await eu.ec2.send(
        new DescribeVpcEndpointsCommand({
          Filters: [
            { Name: "vpc-endpoint-type", Values: ["Interface"] },
            { Name: "service-name", Values: ["com.amazonaws.*.s3"] },
          ],
        }),
      );
      expect(out.VpcEndpoints?.map((e) => e.VpcEndpointId)).toEqual(["vpce-0a-s3if"]);
    });

    it("Given an association.main filter, Then only the main route tables come back", async () => {
      const out = await eu.ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: "association.main", Values: ["true"] }], MaxResults: 100 }));
      expect(out.RouteTables?.map((r) => r.RouteTableId)).toEqual(["rtb-0a-main", "rtb-0b-main"]);
    });

    it("Given a tag:<key> filter, Then it matches the tag value", async () => {
      const out = await eu.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Team", Values: ["plateforme*"] }] }));
      expect(out.Vpcs?.map((v) => v.VpcId)).toEqual(["vpc-0a000000000000001"]);
    });

    it("Given a misspelt filter name, Then the SDK raises InvalidParameterValue (400) as EC2 does", async () => {
      const error = await eu.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpcid", Values: ["x"] }] })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "InvalidParameterValue", $metadata: { httpStatusCode: 400 } });
      expect((error as Error).message).toContain("vpcid");
    });

    it("Given explicit ids, When one does not exist, Then the SDK raises the API's NotFound code", async () => {
      const ok = await eu.ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0b000000000000002"] }));
      expect(ok.Vpcs?.map((v) => v.VpcId)).toEqual(["vpc-0b000000000000002"]);
      const error = await eu.ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0b000000000000002", "vpc-nope"] })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "InvalidVpcID.NotFound" });
    });
  });
});

describe("EC2 XML as the API reference documents it", () => {
  let fake: FakeAws;
  beforeAll(async () => {
    fake = await startFakeAws({ verifySignatures: false, data: { regions: [richRegion("us-east-1")] } });
  });
  afterAll(async () => {
    await fake.close();
  });

  async function post(body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(fake.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    return { status: res.status, text: await res.text() };
  }

  it("Given DescribeRouteTables, Then the answer is <DescribeRouteTablesResponse> with requestId, routeTableSet/item, routeSet, associationSet and main as the reference shows", async () => {
    const { status, text } = await post("Action=DescribeRouteTables&Version=2016-11-15&RouteTableId.1=rtb-0a-main");
    expect(status).toBe(200);
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeRouteTablesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><routeTableSet><item>/);
    expect(text).toContain("<routeTableId>rtb-0a-main</routeTableId>");
    expect(text).toContain("<routeSet><item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId>");
    expect(text).toContain("<associationSet><item><main>true</main><routeTableAssociationId>rtbassoc-0a-main</routeTableAssociationId>");
    expect(text).toContain("<associationState><state>associated</state></associationState>");
    expect(text).toContain("<tagSet><item><key>Name</key><value>main</value></item></tagSet>");
    expect(text).not.toContain("<nextToken>");
  });

  it("Given DescribeVpcEndpoints, Then ids, sets, dnsOptions and creationTimestamp use the reference's element names", async () => {
    const { text } = await post("Action=DescribeVpcEndpoints&Version=2016-11-15&VpcEndpointId.1=vpce-0a-s3if");
    expect(text).toContain("<vpcEndpointSet><item><vpcEndpointId>vpce-0a-s3if</vpcEndpointId><vpcEndpointType>Interface</vpcEndpointType>");
    expect(text).toContain("<subnetIdSet><item>subnet-0a01</item><item>subnet-0a02</item></subnetIdSet>");
    expect(text).toContain("<routeTableIdSet></routeTableIdSet>");
    expect(text).toContain("<privateDnsOnlyForInboundResolverEndpoint>true</privateDnsOnlyForInboundResolverEndpoint>");
    expect(text).toContain("<creationTimestamp>2025-06-01T12:34:56.000Z</creationTimestamp>");
    expect(text).toContain("<privateDnsEnabled>true</privateDnsEnabled>");
  });

  it("Given XML-special characters in a tag, Then they are escaped in the XML", async () => {
    const { text } = await post("Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0a000000000000001");
    expect(text).toContain("<value>prod &lt;core&gt; &amp; &quot;data&quot; &apos;lake&apos;</value>");
  });

  it("Given an error, Then it is <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>", async () => {
    const { status, text } = await post("Action=DescribeRouteTables&Version=2016-11-15&MaxResults=101");
    expect(status).toBe(400);
    expect(text).toMatch(/<Response><Errors><Error><Code>InvalidParameterValue<\/Code><Message>[^<]*maxResults[^<]*<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  it("Given an action the fake does not serve, Then it answers InvalidAction rather than pretending", async () => {
    const { status, text } = await post("Action=DescribeInstances&Version=2016-11-15");
    expect(status).toBe(400);
    expect(text).toContain("<Code>InvalidAction</Code>");
  });
});
