import { describe, expect, it } from "vitest";
import { InventoryBuilder, findingFor, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

/** A VPC with two subnets (two AZs) and a main route table, plus an S3 interface endpoint in it. */
function s3InterfaceVpc(b: InventoryBuilder, options: { privateDnsOnlyForInboundResolverEndpoint?: boolean; privateDnsEnabled?: boolean } = {}) {
  const vpcId = b.vpc();
  const subnetIds = [b.subnet({ vpcId }), b.subnet({ vpcId })];
  const rtb = b.routeTable({ vpcId, main: true });
  const endpointId = b.interfaceEndpoint({ vpcId, service: "s3", subnetIds, ...options });
  return { vpcId, subnetIds, rtb, endpointId };
}

describe("s3-dynamodb-endpoint-is-gateway", () => {
  describe("scope", () => {
    it("Given gateway endpoints, other services and look-alike service names, Then only S3/DynamoDB interface endpoints of this region are evaluated", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const subnetIds = [b.subnet({ vpcId })];
      const rtb = b.routeTable({ vpcId, main: true });
      b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      b.gatewayEndpoint({ vpcId, service: "dynamodb", routeTableIds: [rtb] });
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.interfaceEndpoint({ vpcId, service: "com.amazonaws.us-west-2.s3", subnetIds });
      b.interfaceEndpoint({ vpcId, service: "com.amazonaws.s3-global.accesspoint", subnetIds });
      b.interfaceEndpoint({ vpcId, service: "com.amazonaws.us-east-1.dynamodb-streams", subnetIds });
      b.interfaceEndpoint({ vpcId, service: "com.amazonaws.us-east-1.s3express", subnetIds });
      const s3 = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.us-east-1.s3", subnetIds });
      const ddb = b.interfaceEndpoint({ vpcId, service: "dynamodb", subnetIds });

      const findings = runRule(rule, b.build());

      expect(findings.map((f) => f.resourceId).sort()).toEqual([s3, ddb].sort());
    });

    it.each(["deleting", "deleted"] as const)("Given an S3 interface endpoint in state %s, Then it is not reported", (state) => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      b.interfaceEndpoint({ vpcId, service: "s3", subnetIds: [b.subnet({ vpcId })], state });
      expect(runRule(rule, b.build())).toEqual([]);
    });

    it.each(["pendingAcceptance", "pending", "rejected", "failed", "expired"] as const)(
      "Given an S3 interface endpoint in state %s, Then NOT_APPLICABLE naming the state",
      (state) => {
        const b = new InventoryBuilder();
        const vpcId = b.vpc();
        const id = b.interfaceEndpoint({ vpcId, service: "s3", subnetIds: [b.subnet({ vpcId })], state });

        const f = findingFor(runRule(rule, b.build()), id);

        expect(f.compliance).toBe("NOT_APPLICABLE");
        expect(f.annotation).toBe(`S3 interface endpoint ${id} is ${state} and serves no clients; judged once available.`);
      },
    );

    it("Given an S3 interface endpoint in a state the API may add later, Then NOT_APPLICABLE naming the state as the API spelled it", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const id = b.interfaceEndpoint({ vpcId, service: "s3", subnetIds: [b.subnet({ vpcId })] });
      (b.vpcEndpoints[0] as { State?: string }).State = "provisioning";

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toBe(`S3 interface endpoint ${id} is provisioning and serves no clients; judged once available.`);
    });
  });

  describe("no hybrid or transit reach", () => {
    it("Given an S3 interface endpoint in 2 AZs and nothing reaching the VPC, Then NON_COMPLIANT with its hourly cost as the saving", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f).toEqual({
        resourceId: endpointId,
        compliance: "NON_COMPLIANT",
        annotation:
          `No VPN, transit gateway or cross-region peering reaches ${vpcId}: replace S3 interface endpoint ${endpointId} ` +
          "with a gateway endpoint (free; saves about $14.60/month).",
        monthlySavingsUsd: 14.6,
      });
    });

    it("Given an available S3 gateway endpoint already in the VPC, Then NON_COMPLIANT naming it", () => {
      const b = new InventoryBuilder();
      const { vpcId, rtb, endpointId } = s3InterfaceVpc(b);
      const gateway = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `No VPN, transit gateway or cross-region peering reaches ${vpcId}, and S3 gateway endpoint ${gateway} already serves it: ` +
          `delete interface endpoint ${endpointId} (saves about $14.60/month).`,
      );
      expect(f.monthlySavingsUsd).toBe(14.6);
    });

    it("Given only a pending S3 gateway endpoint, or a DynamoDB one, or one in another VPC, Then none is named as existing", () => {
      const b = new InventoryBuilder();
      const { vpcId, rtb, endpointId } = s3InterfaceVpc(b);
      b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb], state: "pending" });
      b.gatewayEndpoint({ vpcId, service: "dynamodb", routeTableIds: [rtb] });
      const otherVpc = b.vpc();
      b.gatewayEndpoint({ vpcId: otherVpc, service: "s3", routeTableIds: [b.routeTable({ vpcId: otherVpc, main: true })] });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`replace S3 interface endpoint ${endpointId} with a gateway endpoint`);
    });

    it("Given a DynamoDB interface endpoint in 1 AZ of eu-west-1, Then NON_COMPLIANT naming DynamoDB with eu-west-1's price", () => {
      const b = new InventoryBuilder({ region: "eu-west-1" });
      const vpcId = b.vpc();
      const id = b.interfaceEndpoint({ vpcId, service: "dynamodb", subnetIds: [b.subnet({ vpcId })] });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`replace DynamoDB interface endpoint ${id}`);
      expect(f.monthlySavingsUsd).toBe(8.03);
    });

    it.each(["attaching", "detaching", "detached"] as const)(
      "Given a VPN gateway whose attachment to the VPC is %s, Then it is not evidence: NON_COMPLIANT",
      (state) => {
        const b = new InventoryBuilder();
        const { vpcId, endpointId } = s3InterfaceVpc(b);
        b.vpnGateway({ attachments: [{ vpcId, state }] });
        expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
      },
    );

    it("Given a VPN gateway attached to another VPC only, Then it is not evidence for this one", () => {
      const b = new InventoryBuilder();
      const { endpointId } = s3InterfaceVpc(b);
      b.vpnGateway({ attachments: [{ vpcId: b.vpc() }] });
      expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
    });

    it.each(["pendingAcceptance", "pending", "modifying", "deleting", "deleted", "failed", "rejected"] as const)(
      "Given a transit-gateway VPC attachment in state %s, Then it is not evidence: NON_COMPLIANT",
      (state) => {
        const b = new InventoryBuilder();
        const { vpcId, endpointId } = s3InterfaceVpc(b);
        b.transitGatewayAttachment({ vpcId, state });
        expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
      },
    );

    it("Given an active peering connection to a VPC in the same region, Then it is not evidence: NON_COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      b.peering({ requesterVpcId: vpcId, accepterVpcId: "vpc-0c0ffee0c0ffee001", accepterOwnerId: "444455556666" });
      expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
    });

    it.each(["pending-acceptance", "provisioning", "deleted", "rejected", "expired", "failed"] as const)(
      "Given a cross-region peering connection in status %s, Then it is not evidence: NON_COMPLIANT",
      (status) => {
        const b = new InventoryBuilder();
        const { vpcId, endpointId } = s3InterfaceVpc(b);
        b.peering({ requesterVpcId: vpcId, accepterVpcId: "vpc-0c0ffee0c0ffee001", accepterRegion: "eu-west-1", status });
        expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
      },
    );

    it("Given hybrid evidence on a different VPC, Then it does not leak to this VPC's endpoint", () => {
      const b = new InventoryBuilder();
      const { endpointId } = s3InterfaceVpc(b);
      const hybrid = b.vpc();
      b.vpnGateway({ attachments: [{ vpcId: hybrid }] });
      b.transitGatewayAttachment({ vpcId: hybrid });
      b.peering({ requesterVpcId: hybrid, accepterVpcId: "vpc-0c0ffee0c0ffee001", accepterRegion: "us-west-2" });
      expect(findingFor(runRule(rule, b.build()), endpointId).compliance).toBe("NON_COMPLIANT");
    });
  });

  describe("hybrid or transit reach", () => {
    it("Given an attached VPN gateway and no S3 gateway endpoint, Then COMPLIANT naming it and recommending a gateway endpoint for in-VPC clients", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      const vgw = b.vpnGateway({ attachments: [{ vpcId, state: "attached" }] });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f).toEqual({
        resourceId: endpointId,
        compliance: "COMPLIANT",
        annotation:
          `Needed for hybrid/transit clients of ${vpcId}: VPN gateway ${vgw} attached. ` +
          "Add a free S3 gateway endpoint for in-VPC clients, then set PrivateDnsOnlyForInboundResolverEndpoint here.",
      });
    });

    it("Given an available transit-gateway attachment, Then COMPLIANT naming the attachment", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      const attachment = b.transitGatewayAttachment({ vpcId, transitGatewayId: "tgw-0123abcd4567ef890" });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toContain(`: transit gateway attachment ${attachment}.`);
    });

    it("Given an active peering connection that this VPC requested to a VPC in another region, Then COMPLIANT naming it", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      const pcx = b.peering({ requesterVpcId: vpcId, accepterVpcId: "vpc-0c0ffee0c0ffee001", accepterRegion: "eu-central-1" });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toContain(`peering ${pcx} to vpc-0c0ffee0c0ffee001 in eu-central-1`);
    });

    it("Given an active peering connection this VPC accepted from another region, Then COMPLIANT naming the requester", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      const pcx = b.peering({ requesterVpcId: "vpc-0beef0beef0beef01", requesterRegion: "ap-south-1", accepterVpcId: vpcId });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toContain(`peering ${pcx} to vpc-0beef0beef0beef01 in ap-south-1`);
    });

    it("Given three kinds of evidence, Then the annotation names the first and counts the rest, within 256 characters", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      const vgw = b.vpnGateway({ attachments: [{ vpcId }] });
      b.transitGatewayAttachment({ vpcId });
      b.peering({ requesterVpcId: vpcId, accepterVpcId: "vpc-0c0ffee0c0ffee001", accepterRegion: "us-west-2" });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toContain(`: VPN gateway ${vgw} attached (+2 more).`);
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });

    it("Given a gateway endpoint too and PrivateDnsOnlyForInboundResolverEndpoint set, Then COMPLIANT saying in-VPC clients use the gateway", () => {
      const b = new InventoryBuilder();
      const { vpcId, rtb, endpointId } = s3InterfaceVpc(b, { privateDnsOnlyForInboundResolverEndpoint: true });
      const gateway = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      b.transitGatewayAttachment({ vpcId });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toMatch(new RegExp(`In-VPC clients use gateway ${gateway} \\(PrivateDnsOnlyForInboundResolverEndpoint set\\)\\.$`));
    });

    it("Given a gateway endpoint too but private DNS answering every resolver, Then COMPLIANT recommending PrivateDnsOnlyForInboundResolverEndpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, rtb, endpointId } = s3InterfaceVpc(b, { privateDnsEnabled: true, privateDnsOnlyForInboundResolverEndpoint: false });
      const gateway = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      b.vpnGateway({ attachments: [{ vpcId }] });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toContain(
        `Its private DNS sends in-VPC clients here, not to gateway ${gateway}: set PrivateDnsOnlyForInboundResolverEndpoint.`,
      );
    });

    it("Given a gateway endpoint too and private DNS off on the interface endpoint, Then COMPLIANT saying the gateway serves in-VPC clients", () => {
      const b = new InventoryBuilder();
      const { vpcId, rtb, endpointId } = s3InterfaceVpc(b, { privateDnsEnabled: false });
      const gateway = b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      b.vpnGateway({ attachments: [{ vpcId }] });

      const f = findingFor(runRule(rule, b.build()), endpointId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toMatch(new RegExp(`Gateway ${gateway} serves in-VPC clients\\.$`));
    });

    it("Given hybrid reach, Then COMPLIANT findings carry no saving", () => {
      const b = new InventoryBuilder();
      const { vpcId, endpointId } = s3InterfaceVpc(b);
      b.transitGatewayAttachment({ vpcId });
      expect(findingFor(runRule(rule, b.build()), endpointId).monthlySavingsUsd).toBeUndefined();
    });
  });
});

describe("s3-dynamodb-endpoint-is-gateway annotation length", () => {
  it("Given the longest evidence (cross-region peering) and the longest advice, Then the annotation still fits AWS Config's 256 characters", () => {
    const b = new InventoryBuilder();
    const { vpcId, endpointId } = s3InterfaceVpc(b);
    b.peering({ requesterVpcId: "vpc-0beef0beef0beef01", requesterRegion: "ap-southeast-2", accepterVpcId: vpcId });
    b.peering({ requesterVpcId: "vpc-0beef0beef0beef02", requesterRegion: "ap-southeast-2", accepterVpcId: vpcId });

    const f = findingFor(runRule(rule, b.build()), endpointId);

    expect(f.annotation).toContain("in ap-southeast-2 (+1 more).");
    expect(f.annotation).toContain("PrivateDnsOnlyForInboundResolverEndpoint here.");
    expect(f.annotation.length).toBeLessThanOrEqual(256);
  });
});
