import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InventoryBuilder, findingFor, inbound, runRule } from "@endpoint-auditor/core/testing";
import { cidrsOverlap, parseCidr } from "./cidr";
import { rule } from "./rule";

/** A VPC (10.20.0.0/16 unless told) with two subnets and an SSM interface endpoint guarded by one group. */
function endpointVpc(
  b: InventoryBuilder,
  ingress: Parameters<InventoryBuilder["securityGroup"]>[0]["ingress"],
  options: { service?: string; secondaryCidrs?: string[]; ipv6Cidrs?: string[] } = {},
) {
  const vpcId = b.vpc({ cidr: "10.20.0.0/16", secondaryCidrs: options.secondaryCidrs, ipv6Cidrs: options.ipv6Cidrs });
  const subnetIds = [b.subnet({ vpcId }), b.subnet({ vpcId })];
  const sg = b.securityGroup({ vpcId, name: "endpoints", ingress });
  const endpointId = b.interfaceEndpoint({ vpcId, service: options.service ?? "ssm", subnetIds, securityGroupIds: [sg] });
  return { vpcId, subnetIds, sg, endpointId };
}

describe("interface-endpoint-reachable-from-vpc", () => {
  describe("scope", () => {
    it("Given gateway and Gateway Load Balancer endpoints next to an interface endpoint, Then only the interface endpoint is judged", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = endpointVpc(b, [inbound.tcp(443, { cidrs: ["10.20.0.0/16"] })]);
      b.gatewayEndpoint({ vpcId, service: "s3" });
      b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718", type: "GatewayLoadBalancer", securityGroupIds: [] });

      expect(runRule(rule, b.build()).map((f) => f.resourceId)).toEqual([endpointId]);
    });

    it.each(["deleting", "deleted"] as const)("Given an interface endpoint in state %s, Then it is not reported", (state) => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      b.interfaceEndpoint({ vpcId, service: "ssm", state, securityGroupIds: [b.securityGroup({ vpcId })] });
      expect(runRule(rule, b.build())).toEqual([]);
    });

    it.each(["pendingAcceptance", "pending", "rejected", "failed", "expired"] as const)("Given an interface endpoint in state %s, Then NOT_APPLICABLE naming the state", (state) => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", state, securityGroupIds: [b.securityGroup({ vpcId })] });
      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `Interface endpoint ${id} (ssm) is ${state}: judged once available.`,
      });
    });
  });

  describe("admitted from the VPC", () => {
    it("Given TCP 443 from the VPC's block, Then COMPLIANT naming the group, the block and the VPC", () => {
      const b = new InventoryBuilder();
      const { vpcId, sg, endpointId } = endpointVpc(b, [inbound.tcp(443, { cidrs: ["10.20.0.0/16"] })]);
      expect(findingFor(runRule(rule, b.build()), endpointId)).toEqual({
        resourceId: endpointId,
        compliance: "COMPLIANT",
        annotation: `${sg} admits TCP 443 to ${endpointId} (ssm) from 10.20.0.0/16 (${vpcId}).`,
      });
    });

    it.each([
      ["a subnet's block inside the VPC", [inbound.tcp(443, { cidrs: ["10.20.3.0/24"] })]],
      ["a wider block that contains the VPC", [inbound.tcp(443, { cidrs: ["10.0.0.0/8"] })]],
      ["a port range around 443", [inbound.tcp(0, { cidrs: ["10.20.0.0/16"] }, 65535)]],
      ["all traffic (-1)", [inbound.all({ cidrs: ["10.20.0.0/16"] })]],
      ["the secondary block", [inbound.tcp(443, { cidrs: ["100.64.0.0/20"] })]],
      ["the IPv6 block", [inbound.tcp(443, { ipv6: ["2600:1f18:abcd:1234::/64"] })]],
      ["a referenced client security group", [inbound.tcp(443, { groups: ["sg-0c11e575000000001"] })]],
      ["a prefix list", [inbound.tcp(443, { prefixLists: ["pl-0123456789abcdef0"] })]],
      ["the whole internet (allowAnySource defaults to true)", [inbound.tcp(443, { cidrs: ["0.0.0.0/0"] })]],
    ] as const)("Given TCP 443 from %s, Then COMPLIANT", (_name, ingress) => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, ingress, { secondaryCidrs: ["100.64.0.0/16"], ipv6Cidrs: ["2600:1f18:abcd:1200::/56"] });
      expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("COMPLIANT");
    });

    it("Given two groups of which only the second admits the VPC, Then COMPLIANT naming the second", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc({ cidr: "10.30.0.0/16" });
      const closed = b.securityGroup({ vpcId, ingress: [inbound.tcp(22, { cidrs: ["10.30.0.0/16"] })] });
      const open = b.securityGroup({ vpcId, ingress: [inbound.tcp(443, { cidrs: ["10.30.0.0/16"] })] });
      const id = b.interfaceEndpoint({ vpcId, service: "logs", securityGroupIds: [closed, open] });
      expect(findingFor(runRule(rule, b.build()), id).annotation).toBe(`${open} admits TCP 443 to ${id} (logs) from 10.30.0.0/16 (${vpcId}).`);
    });

    it("Given an endpoint service of another account, Then any TCP port counts (8443 here)", () => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, [inbound.tcp(8443, { cidrs: ["10.20.0.0/16"] })], { service: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718" });
      expect(findingFor(runRule(rule, b.build()), endpointId).annotation).toMatch(/admits TCP on any port to .* \(vpce-svc-0a1b2c3d4e5f60718\) from 10\.20\.0\.0\/16/);
    });
  });

  describe("not admitted", () => {
    it("Given only SSH from the VPC, Then NON_COMPLIANT naming the group, the VPC's block and the rule to add", () => {
      const b = new InventoryBuilder();
      const { vpcId, sg, endpointId } = endpointVpc(b, [inbound.tcp(22, { cidrs: ["10.20.0.0/16"] })]);
      expect(findingFor(runRule(rule, b.build()), endpointId)).toEqual({
        resourceId: endpointId,
        compliance: "NON_COMPLIANT",
        annotation: `Clients in ${vpcId} (10.20.0.0/16) cannot reach ${endpointId} (ssm): ${sg} admits no TCP 443 from the VPC. Add an inbound rule for 443 from 10.20.0.0/16.`,
      });
    });

    it.each([
      ["UDP 443", [inbound.udp(443, ["10.20.0.0/16"])]],
      ["TCP 443 from another network", [inbound.tcp(443, { cidrs: ["192.168.0.0/16"] })]],
      ["TCP 443 from an IPv6 block (the VPC has none)", [inbound.tcp(443, { ipv6: ["::/0"] })]],
      ["TCP 80–442 and 444–1024", [inbound.tcp(80, { cidrs: ["10.20.0.0/16"] }, 442), inbound.tcp(444, { cidrs: ["10.20.0.0/16"] }, 1024)]],
      ["no inbound rule at all", []],
    ] as const)("Given %s, Then NON_COMPLIANT", (_name, ingress) => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, ingress);
      expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
    });

    it("Given the admitting block is a disassociated secondary block, Then it does not count: NON_COMPLIANT naming the VPC's associated blocks only", () => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, [inbound.tcp(443, { cidrs: ["172.31.0.0/16"] })]);
      const vpc = b.vpcs[0];
      vpc?.CidrBlockAssociationSet?.push({ AssociationId: "vpc-cidr-assoc-0dead", CidrBlock: "172.31.0.0/16", CidrBlockState: { State: "disassociated" } });
      const f = findingFor(runRule(rule, b.build()), endpointId);
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain("(10.20.0.0/16)");
    });

    it("Given an endpoint service of another account and only UDP, Then NON_COMPLIANT asking for the service's port", () => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, [inbound.udp(53, ["10.20.0.0/16"])], { service: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718" });
      expect(findingFor(runRule(rule, b.build()), endpointId).annotation).toMatch(/admits no TCP on any port from the VPC\. Add an inbound rule for the service's port from 10\.20\.0\.0\/16\.$/);
    });

    it("Given three groups and IPv4 and IPv6 blocks, Then the annotation names one group, two blocks and counts the rest, within 256 characters", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc({ cidr: "10.20.0.0/16", secondaryCidrs: ["100.64.0.0/16"], ipv6Cidrs: ["2600:1f18:abcd:1200::/56"] });
      const groups = [1, 2, 3].map(() => b.securityGroup({ vpcId, ingress: [inbound.tcp(22, { cidrs: ["10.20.0.0/16"] })] }));
      const id = b.interfaceEndpoint({ vpcId, service: "secretsmanager", securityGroupIds: groups });
      const f = findingFor(runRule(rule, b.build()), id);
      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain("(10.20.0.0/16, 100.64.0.0/16 (+1 more))");
      expect(f.annotation).toContain(`${groups[0]} (+2 more) admit no TCP 443`);
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });
  });

  describe("allowAnySource", () => {
    it("Given allowAnySource false and TCP 443 from 0.0.0.0/0, Then NON_COMPLIANT asking to narrow the group to the VPC's blocks", () => {
      const b = new InventoryBuilder();
      const { sg, endpointId } = endpointVpc(b, [inbound.tcp(443, { cidrs: ["10.20.0.0/16"] }), inbound.tcp(443, { cidrs: ["0.0.0.0/0"] })]);
      expect(findingFor(runRule(rule, b.build(), { allowAnySource: "false" }), endpointId)).toEqual({
        resourceId: endpointId,
        compliance: "NON_COMPLIANT",
        annotation: `${sg} admits TCP 443 to ${endpointId} (ssm) from 0.0.0.0/0: narrow ${sg} to 10.20.0.0/16 or client security groups.`,
      });
    });

    it("Given allowAnySource false and all traffic from ::/0, Then NON_COMPLIANT too", () => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, [inbound.all({ ipv6: ["::/0"] })], { ipv6Cidrs: ["2600:1f18:abcd:1200::/56"] });
      expect(findingFor(runRule(rule, b.build(), { allowAnySource: false }), endpointId).annotation).toContain("from ::/0: narrow");
    });

    it("Given allowAnySource false and 0.0.0.0/0 only on SSH, Then the HTTPS rule from the VPC decides: COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { endpointId } = endpointVpc(b, [inbound.tcp(22, { cidrs: ["0.0.0.0/0"] }), inbound.tcp(443, { cidrs: ["10.20.0.0/16"] })]);
      expect(findingFor(runRule(rule, b.build(), { allowAnySource: false }), endpointId).compliance).toBe("COMPLIANT");
    });
  });

  describe("missing data", () => {
    it("Given a group that is not listed and a listed one that admits nothing, Then NOT_APPLICABLE naming the unlisted group, never COMPLIANT", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc({ cidr: "10.20.0.0/16" });
      const listed = b.securityGroup({ vpcId, ingress: [] });
      const id = b.interfaceEndpoint({ vpcId, service: "kms", securityGroupIds: [listed, "sg-0a5ba7ed00000000f"] });
      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `Security group sg-0a5ba7ed00000000f of ${id} (kms) is not listed in this account: cannot tell whether ${vpcId} reaches it.`,
      });
    });

    it("Given a group that is not listed but a listed one that admits the VPC, Then COMPLIANT (what is known suffices)", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc({ cidr: "10.20.0.0/16" });
      const listed = b.securityGroup({ vpcId, ingress: [inbound.tcp(443, { cidrs: ["10.20.0.0/16"] })] });
      const id = b.interfaceEndpoint({ vpcId, service: "kms", securityGroupIds: ["sg-0a5ba7ed00000000f", listed] });
      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("COMPLIANT");
    });

    it("Given an endpoint that names no security group, Then NOT_APPLICABLE", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const id = b.interfaceEndpoint({ vpcId, service: "sts", securityGroupIds: [] });
      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("NOT_APPLICABLE");
    });

    it("Given the endpoint's VPC is not listed and its group admits only by CIDR, Then NOT_APPLICABLE (the VPC's blocks are unknown)", () => {
      const b = new InventoryBuilder();
      const sg = b.securityGroup({ vpcId: "vpc-0ffffffffffffffff", ingress: [inbound.tcp(443, { cidrs: ["10.20.0.0/16"] })] });
      const id = b.interfaceEndpoint({ vpcId: "vpc-0ffffffffffffffff", service: "sts", securityGroupIds: [sg] });
      expect(findingFor(runRule(rule, b.build()), id).annotation).toBe(`vpc-0ffffffffffffffff of ${id} (sts) is not listed: its CIDR blocks are unknown.`);
    });
  });
});

describe("interface-endpoint-reachable-from-vpc CIDR blocks", () => {
  it("Given IPv4 and IPv6 blocks in the forms AWS writes them, Then they parse to their first and last address", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ version: 4, first: 0x0a000000n, last: 0x0a00ffffn });
    expect(parseCidr("10.0.1.7/24")).toEqual({ version: 4, first: 0x0a000100n, last: 0x0a0001ffn });
    expect(parseCidr("0.0.0.0/0")).toEqual({ version: 4, first: 0n, last: 0xffffffffn });
    expect(parseCidr("2600:1f18:abcd:1200::/56")).toEqual({ version: 6, first: 0x26001f18abcd12000000000000000000n, last: 0x26001f18abcd12ffffffffffffffffffn });
    expect(parseCidr("::/0")?.last).toBe((1n << 128n) - 1n);
  });

  it.each(["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "2600::1f18::/56", "2600:1f18/56", "::/129", "sg-0123/16", ""])(
    "Given %j, Then it is not a block (undefined) and overlaps nothing",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
      expect(cidrsOverlap(text, "0.0.0.0/0")).toBe(false);
      expect(cidrsOverlap(text, "::/0")).toBe(false);
    },
  );

  it("Given any two IPv4 blocks, Then overlap is symmetric, a block overlaps every block inside it, and blocks of different IP versions never overlap", () => {
    const block = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([n, bits]) => {
      const ip = [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
      return `${ip}/${bits}`;
    });
    fc.assert(
      fc.property(block, block, fc.integer({ min: 0, max: 32 }), (a, b, extra) => {
        expect(cidrsOverlap(a, b)).toBe(cidrsOverlap(b, a));
        const [ip, bits] = a.split("/");
        const inner = `${ip}/${Math.min(32, Number(bits) + extra)}`;
        expect(cidrsOverlap(a, inner)).toBe(true);
        expect(cidrsOverlap(a, "2600:1f18::/32")).toBe(false);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
