import { describe, expect, it } from "vitest";
import { ParameterValidationError } from "../../errors";
import { InventoryBuilder, findingFor, routeTo, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

/**
 * A VPC with a public subnet holding a NAT gateway, and a private subnet explicitly associated with a
 * route table whose default route goes to that NAT gateway.
 */
function natVpc(b: InventoryBuilder) {
  const vpcId = b.vpc();
  const publicSubnet = b.subnet({ vpcId });
  const privateSubnet = b.subnet({ vpcId });
  const igw = b.id("igw");
  b.routeTable({ vpcId, main: true, subnetIds: [publicSubnet], routes: [routeTo.internetGateway(igw)] });
  const natId = b.natGateway({ vpcId, subnetId: publicSubnet });
  const rtb = b.routeTable({ vpcId, subnetIds: [privateSubnet], routes: [routeTo.nat(natId)] });
  return { vpcId, publicSubnet, privateSubnet, igw, natId, rtb };
}

describe("nat-subnet-has-gateway-endpoints", () => {
  describe("NAT subnets", () => {
    it("Given a NAT subnet whose route table is attached to an available S3 gateway endpoint, Then COMPLIANT naming the endpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, natId, rtb } = natVpc(b);
      const vpce = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });

      const f = findingFor(runRule(rule, b.build()), privateSubnet);

      expect(f).toEqual({
        resourceId: privateSubnet,
        compliance: "COMPLIANT",
        annotation: `Behind ${natId}, ${rtb} sends S3 via ${vpce} (gateway endpoint, free).`,
      });
    });

    it("Given two NAT subnets on one route table, one of them shared from another account, Then each gets its own finding and the table's verdict is the same for both of its own", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, natId, rtb } = natVpc(b);
      const second = b.subnet({ vpcId });
      const foreign = b.subnet({ vpcId, ownerId: "210987654321" });
      b.routeTable({ vpcId, subnetIds: [second, foreign], routes: [routeTo.nat(natId)] });
      const findings = runRule(rule, b.build());

      const mine = findingFor(findings, privateSubnet);
      const other = findingFor(findings, second);

      expect(mine).toEqual({ resourceId: privateSubnet, compliance: "NON_COMPLIANT", annotation: `Reaches S3 only through ${natId}; attach ${rtb} to an S3 gateway endpoint (free).` });
      expect(other.resourceId).toBe(second);
      expect(other.compliance).toBe("NON_COMPLIANT");
      expect(findingFor(findings, foreign).compliance).toBe("NOT_APPLICABLE");
    });

    it("Given two subnets on one route table whose NAT gateway is deleted, Then each finding names its own subnet", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const one = b.subnet({ vpcId });
      const two = b.subnet({ vpcId });
      const natId = b.natGateway({ vpcId, subnetId: one, state: "deleted" });
      b.routeTable({ vpcId, subnetIds: [one, two], routes: [routeTo.nat(natId)] });
      const findings = runRule(rule, b.build());

      expect(findingFor(findings, one).annotation).toContain(`${one} has no working NAT egress`);
      expect(findingFor(findings, two).annotation).toContain(`${two} has no working NAT egress`);
    });

    it("Given a NAT subnet and no S3 gateway endpoint in the VPC, Then NON_COMPLIANT: reaches S3 only through the NAT gateway", () => {
      const b = new InventoryBuilder();
      const { privateSubnet, natId, rtb } = natVpc(b);

      const f = findingFor(runRule(rule, b.build()), privateSubnet);

      expect(f).toEqual({
        resourceId: privateSubnet,
        compliance: "NON_COMPLIANT",
        annotation: `Reaches S3 only through ${natId}; attach ${rtb} to an S3 gateway endpoint (free).`,
      });
    });

    it("Given an S3 gateway endpoint in the VPC attached to other tables only, Then NON_COMPLIANT saying it exists but is not attached", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, natId, rtb } = natVpc(b);
      const otherRtb = b.routeTable({ vpcId, routes: [routeTo.nat(natId)] });
      const vpce = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [otherRtb] });

      const f = findingFor(runRule(rule, b.build()), privateSubnet);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `Reaches S3 only through ${natId}; attach ${rtb} to an S3 gateway endpoint (free). ` +
          `S3 gateway endpoint ${vpce} exists in ${vpcId} but is not attached to ${rtb}.`,
      );
    });

    it("Given an S3 gateway endpoint attached to the table but still pending, Then it does not count", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, rtb } = natVpc(b);
      b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb], state: "pending" });

      const f = findingFor(runRule(rule, b.build()), privateSubnet);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).not.toContain("exists in");
    });

    it("Given an S3 *interface* endpoint in the VPC, Then it does not count as a gateway endpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, publicSubnet } = natVpc(b);
      b.interfaceEndpoint({ vpcId, service: "s3", subnetIds: [publicSubnet] });

      expect(findingFor(runRule(rule, b.build()), privateSubnet).compliance).toBe("NON_COMPLIANT");
    });

    it("Given services s3,dynamodb and both gateway endpoints attached, Then COMPLIANT naming both", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, natId, rtb } = natVpc(b);
      const s3 = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      const ddb = b.gatewayEndpoint({ vpcId, service: "dynamodb", routeTableIds: [rtb] });

      const f = findingFor(runRule(rule, b.build(), { services: "s3,dynamodb" }), privateSubnet);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toBe(`Behind ${natId}, ${rtb} sends S3 via ${s3} and DynamoDB via ${ddb} (gateway endpoints, free).`);
    });

    it("Given services s3,dynamodb and only S3 attached, Then NON_COMPLIANT about DynamoDB, noting S3 is fine", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, natId, rtb } = natVpc(b);
      const s3 = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });

      const f = findingFor(runRule(rule, b.build(), { services: "s3,dynamodb" }), privateSubnet);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `Reaches DynamoDB only through ${natId}; attach ${rtb} to a DynamoDB gateway endpoint (free). S3 via ${s3} already.`,
      );
    });

    it("Given services s3,dynamodb and neither attached, Then NON_COMPLIANT naming both services", () => {
      const b = new InventoryBuilder();
      const { privateSubnet, natId, rtb } = natVpc(b);

      const f = findingFor(runRule(rule, b.build(), { services: ["dynamodb", "s3"] }), privateSubnet);

      expect(f.annotation).toBe(
        `Reaches DynamoDB and S3 only through ${natId}; attach ${rtb} to DynamoDB and S3 gateway endpoints (free).`,
      );
    });

    it("Given services s3,dynamodb with both gateway endpoints in the VPC but not on this table, Then the annotation names both within 256 characters", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, natId, rtb } = natVpc(b);
      const otherRtb = b.routeTable({ vpcId, routes: [routeTo.nat(natId)] });
      const s3 = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [otherRtb] });
      const ddb = b.gatewayEndpoint({ vpcId, service: "dynamodb", routeTableIds: [otherRtb] });

      const f = findingFor(runRule(rule, b.build(), { services: "s3,dynamodb" }), privateSubnet);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `Reaches S3 and DynamoDB only through ${natId}; attach ${rtb} to S3 and DynamoDB gateway endpoints (free). ` +
          `Existing in ${vpcId}, not attached: ${s3} (S3), ${ddb} (DynamoDB).`,
      );
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });

    it("Given services dynamodb only, Then a missing S3 gateway endpoint is not required", () => {
      const b = new InventoryBuilder();
      const { vpcId, privateSubnet, rtb } = natVpc(b);
      b.gatewayEndpoint({ vpcId, service: "dynamodb", routeTableIds: [rtb] });

      expect(findingFor(runRule(rule, b.build(), { services: "dynamodb" }), privateSubnet).compliance).toBe("COMPLIANT");
      expect(findingFor(runRule(rule, b.build()), privateSubnet).compliance).toBe("NON_COMPLIANT");
    });

    it("Given an unknown service in the parameter, Then the parameters are refused", () => {
      const b = new InventoryBuilder();
      natVpc(b);
      expect(() => runRule(rule, b.build(), { services: "s3,sqs" })).toThrow(ParameterValidationError);
    });

    it("Given the NAT gateway is not in the NAT gateway list, Then the route still decides: judged as a NAT subnet", () => {
      const b = new InventoryBuilder();
      const { privateSubnet } = natVpc(b);
      b.natGateways.length = 0;

      expect(findingFor(runRule(rule, b.build()), privateSubnet).compliance).toBe("NON_COMPLIANT");
    });

    it.each(["failed", "deleting", "deleted"] as const)(
      "Given the default route's NAT gateway is %s, Then NOT_APPLICABLE: no working NAT egress",
      (state) => {
        const b = new InventoryBuilder();
        const { privateSubnet, natId, rtb } = natVpc(b);
        (b.natGateways[0] as { State?: string }).State = state;

        const f = findingFor(runRule(rule, b.build()), privateSubnet);

        expect(f.compliance).toBe("NOT_APPLICABLE");
        expect(f.annotation).toBe(`The default route of ${rtb} goes to ${natId}, which is ${state}: ${privateSubnet} has no working NAT egress.`);
      },
    );
  });

  describe("effective route table", () => {
    it("Given a subnet without an explicit association and another VPC's main table listed first, Then its own VPC's main table decides", () => {
      const b = new InventoryBuilder();
      // Another VPC whose main table (public) comes first in DescribeRouteTables.
      const otherVpc = b.vpc();
      b.routeTable({ vpcId: otherVpc, main: true, routes: [routeTo.internetGateway("igw-0aaaabbbbccccdddd")] });
      const vpcId = b.vpc();
      const natSubnet = b.subnet({ vpcId });
      const privateSubnet = b.subnet({ vpcId });
      const natId = b.natGateway({ vpcId, subnetId: natSubnet });
      const mainRtb = b.routeTable({ vpcId, main: true, routes: [routeTo.nat(natId)] });

      const f = findingFor(runRule(rule, b.build()), privateSubnet);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(`Reaches S3 only through ${natId}; attach ${mainRtb} to an S3 gateway endpoint (free).`);
    });

    it("Given an explicit association, Then it wins over the VPC's main table", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const natSubnet = b.subnet({ vpcId });
      const subnet = b.subnet({ vpcId });
      const natId = b.natGateway({ vpcId, subnetId: natSubnet });
      b.routeTable({ vpcId, main: true, routes: [routeTo.nat(natId)] });
      const isolated = b.routeTable({ vpcId, subnetIds: [subnet] });

      const f = findingFor(runRule(rule, b.build()), subnet);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toContain(`Isolated subnet: ${isolated} has no default route`);
    });

    it("Given an association in state disassociated, Then the subnet falls back to its VPC's main table", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const natSubnet = b.subnet({ vpcId });
      const subnet = b.subnet({ vpcId });
      const natId = b.natGateway({ vpcId, subnetId: natSubnet });
      const mainRtb = b.routeTable({ vpcId, main: true, routes: [routeTo.nat(natId)] });
      b.routeTable({ vpcId, disassociatedSubnetIds: [subnet], routes: [routeTo.internetGateway("igw-0aaaabbbbccccdddd")] });

      const f = findingFor(runRule(rule, b.build()), subnet);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`attach ${mainRtb}`);
    });

    it("Given a subnet whose VPC has no main route table in the inventory, Then NOT_APPLICABLE saying the table was not found — never COMPLIANT", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnet = b.subnet({ vpcId });

      const f = findingFor(runRule(rule, b.build()), subnet);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toBe(
        `No route table found for ${subnet}: no explicit association and no main route table of ${vpcId} in the inventory; not judged.`,
      );
    });

    it("Given a subnet shared from another account, Then NOT_APPLICABLE: its owner manages its route table", () => {
      const b = new InventoryBuilder();
      const { vpcId } = natVpc(b);
      const shared = b.subnet({ vpcId, ownerId: "999988887777" });

      const f = findingFor(runRule(rule, b.build()), shared);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toBe(`${shared} is shared from account 999988887777; its owner manages its route table.`);
    });
  });

  describe("subnets without a NAT default route", () => {
    it("Given a default route to an internet gateway, Then NOT_APPLICABLE: public subnet", () => {
      const b = new InventoryBuilder();
      const { publicSubnet, igw } = natVpc(b);

      const f = findingFor(runRule(rule, b.build()), publicSubnet);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toMatch(new RegExp(`^Public subnet: the default route of rtb-\\w+ goes to internet gateway ${igw}`));
    });

    it("Given no default route, Then NOT_APPLICABLE: isolated subnet", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnet = b.subnet({ vpcId });
      const rtb = b.routeTable({ vpcId, main: true, routes: [routeTo.transitGateway("tgw-0123abcd4567ef890", "10.0.0.0/8")] });

      const f = findingFor(runRule(rule, b.build()), subnet);

      expect(f).toEqual({
        resourceId: subnet,
        compliance: "NOT_APPLICABLE",
        annotation: `Isolated subnet: ${rtb} has no default route (0.0.0.0/0), so no traffic goes through a NAT gateway.`,
      });
    });

    it("Given only an IPv6 default route (::/0) to an egress-only internet gateway, Then NOT_APPLICABLE: isolated for IPv4", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnet = b.subnet({ vpcId });
      b.routeTable({
        vpcId,
        main: true,
        routes: [{ DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-0123456789abcdef0", Origin: "CreateRoute", State: "active" }],
      });

      expect(findingFor(runRule(rule, b.build()), subnet).annotation).toMatch(/^Isolated subnet/);
    });

    it.each([
      ["a transit gateway", routeTo.transitGateway("tgw-0123abcd4567ef890"), "transit gateway tgw-0123abcd4567ef890"],
      ["a peering connection", routeTo.peering("pcx-0123abcd4567ef890"), "peering connection pcx-0123abcd4567ef890"],
      ["a network interface", routeTo.networkInterface("eni-0123abcd4567ef890"), "network interface eni-0123abcd4567ef890"],
      ["a virtual private gateway", routeTo.virtualPrivateGateway("vgw-0123abcd4567ef890"), "virtual private gateway vgw-0123abcd4567ef890"],
      ["a NAT instance", routeTo.instance("i-0123abcd4567ef890", "eni-0fedcba987654321f"), "instance i-0123abcd4567ef890"],
      [
        "a Gateway Load Balancer endpoint",
        routeTo.gatewayLoadBalancerEndpoint("vpce-0123abcd4567ef890"),
        "Gateway Load Balancer endpoint vpce-0123abcd4567ef890",
      ],
      [
        "a local gateway",
        { DestinationCidrBlock: "0.0.0.0/0", LocalGatewayId: "lgw-0123abcd4567ef890", Origin: "CreateRoute", State: "active" } as const,
        "local gateway lgw-0123abcd4567ef890",
      ],
      [
        "a Cloud WAN core network",
        {
          DestinationCidrBlock: "0.0.0.0/0",
          CoreNetworkArn: "arn:aws:networkmanager::111122223333:core-network/core-network-0123abcd4567ef890",
          Origin: "CreateRoute",
          State: "active",
        } as const,
        "Cloud WAN core network arn:aws:networkmanager::111122223333:core-network/core-network-0123abcd4567ef890",
      ],
    ])("Given a default route to %s, Then NOT_APPLICABLE naming the target", (_kind, route, target) => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnet = b.subnet({ vpcId });
      const rtb = b.routeTable({ vpcId, main: true, routes: [route] });

      const f = findingFor(runRule(rule, b.build()), subnet);

      expect(f).toEqual({
        resourceId: subnet,
        compliance: "NOT_APPLICABLE",
        annotation: `The default route of ${rtb} goes to ${target}, not to a NAT gateway in this VPC; not judged.`,
      });
    });

    it("Given a default route to a deleted NAT gateway (blackhole), Then NOT_APPLICABLE saying it is a blackhole", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnet = b.subnet({ vpcId });
      const rtb = b.routeTable({ vpcId, main: true, routes: [routeTo.blackhole(routeTo.nat("nat-0dead0dead0dead01"))] });

      const f = findingFor(runRule(rule, b.build()), subnet);

      expect(f).toEqual({
        resourceId: subnet,
        compliance: "NOT_APPLICABLE",
        annotation:
          `The default route of ${rtb} to NAT gateway nat-0dead0dead0dead01 is a blackhole (target gone): ` +
          `nothing leaves ${subnet} that way; fix or remove the route.`,
      });
    });

    it("Given a blackhole default route to a detached internet gateway, Then it is reported as a blackhole, not as public", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnet = b.subnet({ vpcId });
      b.routeTable({ vpcId, main: true, routes: [routeTo.blackhole(routeTo.internetGateway("igw-0aaaabbbbccccdddd"))] });

      expect(findingFor(runRule(rule, b.build()), subnet).annotation).toContain("is a blackhole");
    });
  });

  it("Given a realistic VPC with public, NAT, isolated and transit subnets, Then each subnet gets exactly one finding", () => {
    const b = new InventoryBuilder();
    const { vpcId, publicSubnet, privateSubnet, rtb } = natVpc(b);
    b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
    const isolated = b.subnet({ vpcId });
    b.routeTable({ vpcId, subnetIds: [isolated] });
    const transit = b.subnet({ vpcId });
    b.routeTable({ vpcId, subnetIds: [transit], routes: [routeTo.transitGateway("tgw-0123abcd4567ef890")] });

    const findings = runRule(rule, b.build());

    expect(Object.fromEntries(findings.map((f) => [f.resourceId, f.compliance]))).toEqual({
      [publicSubnet]: "NOT_APPLICABLE",
      [privateSubnet]: "COMPLIANT",
      [isolated]: "NOT_APPLICABLE",
      [transit]: "NOT_APPLICABLE",
    });
    for (const f of findings) expect(f.annotation.length).toBeLessThanOrEqual(256);
  });
});
