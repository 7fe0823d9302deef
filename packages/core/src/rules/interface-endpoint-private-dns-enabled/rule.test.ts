import { describe, expect, it } from "vitest";
import { evaluateInventory, prepareRules } from "../../engine/engine";
import { RuleEvaluationError } from "../../errors";
import { parseRegion } from "../../inventory/parse";
import { FIXTURE_NOW, InventoryBuilder, findingFor, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

const HUB = "999988887777";

/** A VPC with a private subnet in two zones and a NAT gateway in a public one. */
function appVpc(b: InventoryBuilder, options: { dnsSupport?: boolean; dnsHostnames?: boolean; nat?: boolean } = {}) {
  const vpcId = b.vpc({ dnsSupport: options.dnsSupport, dnsHostnames: options.dnsHostnames });
  const subnets = [b.subnet({ vpcId }), b.subnet({ vpcId })];
  const natId = options.nat === false ? undefined : b.natGateway({ vpcId, subnetId: b.subnet({ vpcId }) });
  return { vpcId, subnets, natId };
}

describe("interface-endpoint-private-dns-enabled", () => {
  describe("scope and state", () => {
    it("Given gateway endpoints, Then they are not evaluated", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [b.routeTable({ vpcId, main: true })] });
      const judged = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets });

      expect(runRule(rule, b.build()).map((f) => f.resourceId)).toEqual([judged]);
    });

    it.each(["deleting", "deleted"] as const)("Given an interface endpoint in state %s, Then it is not reported", (state) => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, state, privateDnsEnabled: false });
      expect(runRule(rule, b.build())).toEqual([]);
    });

    it.each(["pendingAcceptance", "failed"] as const)("Given an interface endpoint in state %s with private DNS off, Then NOT_APPLICABLE and no DNS data is read for its VPC", (state) => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, state, privateDnsEnabled: false });
      const inventory = b.build();

      expect(findingFor(runRule(rule, inventory), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `${id} is ${state}; its DNS is judged once it is available.`,
      });
      expect(inventory.vpcDnsAttributes.size).toBe(0);
      expect(inventory.vpcHostedZones.size).toBe(0);
    });

    it.each(["s3", "dynamodb"])("Given an available %s interface endpoint with private DNS off, Then NOT_APPLICABLE: reached by endpoint-specific names", (service) => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service, subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `${service} interface endpoints are reached by endpoint-specific names; s3-dynamodb-endpoint-is-gateway judges this one.`,
      });
    });

    it("Given an endpoint of another account's endpoint service, Then NOT_APPLICABLE naming the owner", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id).annotation).toBe(
        "vpce-svc-0feedfacecafe0001 is an endpoint service of account 444455556666: its DNS names are its provider's; not judged.",
      );
    });

    it("Given an endpoint whose service is not listed for the account, Then NOT_APPLICABLE: its DNS name is unknown, not guessed", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });
      b.vpcEndpointServices.length = 0;

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toBe("com.amazonaws.us-east-1.ssm is not listed for this account (DescribeVpcEndpointServices), so its private DNS name is unknown; not judged.");
    });

    it("Given an AWS service without a private DNS name, Then NOT_APPLICABLE", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      b.endpointService({ service: "s3-outposts", privateDnsName: null });
      const id = b.interfaceEndpoint({ vpcId, service: "s3-outposts", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id)).toMatchObject({ compliance: "NOT_APPLICABLE", annotation: "s3-outposts offers no private DNS name: clients use the endpoint's own names." });
    });
  });

  describe("private DNS", () => {
    it("Given private DNS enabled, Then COMPLIANT, and the VPC's DNS attributes and zones are not even read", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets });
      const inventory = b.build();

      expect(findingFor(runRule(rule, inventory), id)).toEqual({
        resourceId: id,
        compliance: "COMPLIANT",
        annotation: "Private DNS on: clients in the VPC resolve ssm.us-east-1.amazonaws.com to this endpoint.",
      });
      expect(inventory.vpcDnsAttributes.size).toBe(0);
    });

    it("Given private DNS off, no hosted zone for the service and a NAT gateway, Then NON_COMPLIANT: clients go through the NAT gateway and the endpoint carries nothing", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets, natId } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation:
          `Clients in ${vpcId} resolve ssm.us-east-1.amazonaws.com to public addresses and reach it through ${natId} (or not at all); ` +
          "this endpoint carries nothing they send. Enable private DNS (the VPC needs DNS hostnames and DNS support).",
      });
    });

    it("Given private DNS off and no available NAT gateway (a deleted one only), Then NON_COMPLIANT: over the internet, if at all", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b, { nat: false });
      b.natGateway({ vpcId, subnetId: subnets[0] as string, state: "deleted" });
      const id = b.interfaceEndpoint({ vpcId, service: "kms", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id).annotation).toContain("resolve kms.us-east-1.amazonaws.com to public addresses and reach it over the internet, if at all;");
    });

    it("Given private DNS off, no zone for the name and DNS hostnames off, Then NON_COMPLIANT with the fix, and the VPC's attributes are not read (they change nothing)", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b, { dnsHostnames: false });
      const id = b.interfaceEndpoint({ vpcId, service: "sts", subnetIds: subnets, privateDnsEnabled: false });
      const inventory = b.build();

      expect(findingFor(runRule(rule, inventory), id).annotation).toMatch(/Enable private DNS \(the VPC needs DNS hostnames and DNS support\)\.$/);
      expect(inventory.vpcHostedZones.has(vpcId)).toBe(true);
      expect(inventory.vpcDnsAttributes.size).toBe(0);
    });

    it("Given a zone for the name and both DNS attributes off, Then both are named", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b, { dnsSupport: false, dnsHostnames: false });
      b.privateHostedZone({ name: "sts.us-east-1.amazonaws.com", vpcIds: [vpcId], owningAccount: HUB });
      const id = b.interfaceEndpoint({ vpcId, service: "sts", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id).annotation).toMatch(/Turn on (the VPC's )?DNS support and DNS hostnames: zone Z0[0-9A-F]+ /);
    });

    it("Given a long service name, a zone for it and both attributes off, Then the annotation keeps to 256 characters and still says what to do", () => {
      const b = new InventoryBuilder({ region: "ap-southeast-2" });
      const { vpcId, subnets } = appVpc(b, { dnsSupport: false, dnsHostnames: false });
      b.privateHostedZone({ name: "secretsmanager.ap-southeast-2.amazonaws.com", vpcIds: [vpcId] });
      const id = b.interfaceEndpoint({ vpcId, service: "secretsmanager", subnetIds: subnets, privateDnsEnabled: false });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation.length).toBeLessThanOrEqual(256);
      expect(f.annotation).toContain("this endpoint carries nothing they send.");
      expect(f.annotation).toMatch(/Turn on (the VPC's )?DNS support and DNS hostnames(: zone Z0[0-9A-F]+ is unused until then)?\.$/);
    });
  });

  describe("hub-and-spoke: a private hosted zone for the service", () => {
    it("Given private DNS off and a hub account's private hosted zone named like the service associated with the VPC, Then COMPLIANT naming the zone and its owner", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const zone = b.privateHostedZone({ name: "ssm.us-east-1.amazonaws.com.", vpcIds: [vpcId], owningAccount: HUB });
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "COMPLIANT",
        annotation: `Private DNS off, but private hosted zone ssm.us-east-1.amazonaws.com (${zone}, owned by account ${HUB}) is associated with ${vpcId}: clients resolve the service through it.`,
      });
    });

    it("Given a wildcard private DNS name (*.execute-api…) and a zone for the name under the wildcard, in another letter case, Then COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      b.endpointService({ service: "execute-api", privateDnsName: "*.execute-api.us-east-1.amazonaws.com" });
      b.privateHostedZone({ name: "Execute-API.us-east-1.amazonaws.com", vpcIds: [vpcId], owningAccount: HUB });
      const id = b.interfaceEndpoint({ vpcId, service: "execute-api", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("COMPLIANT");
    });

    it("Given zones for other names only (a parent domain, another service, another VPC's zone), Then they do not count: NON_COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const other = appVpc(b);
      b.privateHostedZone({ name: "us-east-1.amazonaws.com", vpcIds: [vpcId] });
      b.privateHostedZone({ name: "ssmmessages.us-east-1.amazonaws.com", vpcIds: [vpcId] });
      b.privateHostedZone({ name: "ssm.us-east-1.amazonaws.com", vpcIds: [other.vpcId] });
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("NON_COMPLIANT");
    });

    it("Given the zone is associated but the VPC has DNS hostnames off, Then NON_COMPLIANT: the zone is unused until the attribute is on", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b, { dnsHostnames: false });
      const zone = b.privateHostedZone({ name: "logs.us-east-1.amazonaws.com", vpcIds: [vpcId], owningAccount: HUB });
      const id = b.interfaceEndpoint({ vpcId, service: "logs", subnetIds: subnets, privateDnsEnabled: false });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toMatch(new RegExp(`Turn on (the VPC's )?DNS hostnames: zone ${zone} (for the name is associated but|is) unused until then\\.$`));
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });
  });

  describe("missing data is an error, never a guess", () => {
    it("Given private DNS off but the VPC's hosted zones were not listed, Then the rule throws RuleEvaluationError naming the VPC and the endpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });
      b.rawPart("vpcHostedZones", []);

      const act = (): unknown => runRule(rule, b.build());

      expect(act).toThrow(RuleEvaluationError);
      expect(act).toThrow(expect.objectContaining({ ruleId: "interface-endpoint-private-dns-enabled", message: expect.stringContaining(`${vpcId} (${id})`) }));
    });

    it("Given a zone for the name and a DescribeVpcAttribute answer without the attribute, Then the rule throws instead of assuming it off or on", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      b.privateHostedZone({ name: "ssm.us-east-1.amazonaws.com", vpcIds: [vpcId], owningAccount: HUB });
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });
      b.rawPart("vpcDnsAttributes", [{ VpcId: vpcId, EnableDnsSupport: { Value: true } }]);

      expect(() => runRule(rule, b.build())).toThrow(RuleEvaluationError);
    });

    it("Given ListHostedZonesByVPC was denied, Then the engine reports an error for the rule naming the call, and no evaluations", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = appVpc(b);
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });
      b.fail("vpcHostedZones", "route53:ListHostedZonesByVPC, ec2:DescribeVpcs", "User is not authorized to perform: route53:ListHostedZonesByVPC", "AccessDenied");

      const result = evaluateInventory(b.build(), prepareRules([{ ruleId: "interface-endpoint-private-dns-enabled" }]), FIXTURE_NOW);

      expect(result.evaluations).toEqual([]);
      expect(result.errors[0]?.message).toContain("route53:ListHostedZonesByVPC, ec2:DescribeVpcs failed");
    });
  });

  it("Given a snapshot replay (JSON), Then the findings are the same as from live SDK objects", () => {
    const b = new InventoryBuilder();
    const { vpcId, subnets } = appVpc(b);
    b.privateHostedZone({ name: "sts.us-east-1.amazonaws.com", vpcIds: [vpcId], owningAccount: HUB });
    b.interfaceEndpoint({ vpcId, service: "sts", subnetIds: subnets, privateDnsEnabled: false });
    b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: subnets, privateDnsEnabled: false });
    b.interfaceEndpoint({ vpcId, service: "kms", subnetIds: subnets });

    const live = runRule(rule, b.build());

    expect(runRule(rule, parseRegion(b.toJsonRaw(), b.accountId, FIXTURE_NOW))).toEqual(live);
    expect(live.map((f) => f.compliance)).toEqual(["COMPLIANT", "NON_COMPLIANT", "COMPLIANT"]);
  });
});
