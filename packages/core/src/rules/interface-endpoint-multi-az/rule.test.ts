import { describe, expect, it } from "vitest";
import { evaluateInventory, prepareRules } from "../../engine/engine";
import { RuleEvaluationError } from "../../errors";
import { parseRegion } from "../../inventory/parse";
import { parseMonthlySavings } from "../../savings";
import { FIXTURE_NOW, InventoryBuilder, daysBefore, findingFor, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

/** A VPC with one subnet in each of `zones` (letters of the region's zones). */
function vpcIn(b: InventoryBuilder, zones: string): { vpcId: string; subnets: Record<string, string> } {
  const vpcId = b.vpc();
  const subnets: Record<string, string> = {};
  for (const z of zones) subnets[z] = b.subnet({ vpcId, availabilityZone: `${b.region}${z}` });
  return { vpcId, subnets };
}

describe("interface-endpoint-multi-az", () => {
  describe("scope and state", () => {
    it("Given gateway and Gateway Load Balancer endpoints, Then they are not evaluated", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "ab");
      const rtb = b.routeTable({ vpcId, main: true });
      b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      b.vpcEndpoints.push({
        VpcEndpointId: "vpce-0aa11bb22cc33dd44",
        VpcEndpointType: "GatewayLoadBalancer",
        VpcId: vpcId,
        ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        State: "available" as never,
        SubnetIds: [subnets.a as string],
      });
      const judged = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string, subnets.b as string] });

      expect(runRule(rule, b.build()).map((f) => f.resourceId)).toEqual([judged]);
    });

    it.each(["deleting", "deleted"] as const)("Given an interface endpoint in state %s, Then it is not reported", (state) => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "a");
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string], state });
      expect(runRule(rule, b.build())).toEqual([]);
    });

    it.each(["pendingAcceptance", "pending", "rejected", "failed"] as const)("Given an interface endpoint in state %s, Then NOT_APPLICABLE: judged once available", (state) => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "ab");
      const id = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001", subnetIds: [subnets.a as string], state });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `${id} is ${state}; its zones are judged once it is available.`,
      });
    });

    it("Given a state the API may add later, Then NOT_APPLICABLE naming it as the API spelled it", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "a");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string] });
      (b.vpcEndpoints[0] as { State?: string }).State = "provisioning";

      expect(findingFor(runRule(rule, b.build()), id).annotation).toBe(`${id} is provisioning; its zones are judged once it is available.`);
    });

    it("Given an endpoint whose service the account's DescribeVpcEndpointServices does not list, Then NOT_APPLICABLE: its zones are unknown, not guessed", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "abc");
      const id = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001", subnetIds: [subnets.a as string] });
      b.vpcEndpointServices.length = 0;

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toBe(
        "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001 is not listed for this account with its zones (DescribeVpcEndpointServices), so the zones it is offered in are unknown; not judged.",
      );
    });
  });

  describe("zones", () => {
    it("Given an endpoint in each of the 3 zones its VPC has subnets in, Then COMPLIANT naming them", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "abc");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: Object.values(subnets) });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "COMPLIANT",
        annotation: `In all 3 AZs where ${vpcId} has subnets and ssm is offered (us-east-1a, us-east-1b, us-east-1c).`,
      });
    });

    it("Given an endpoint in 1 of 3 zones, Then NON_COMPLIANT naming the missing zones, a subnet for each, the inter-AZ price and the cost per added zone (a cost, not a saving)", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "abc");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string] });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation:
          `Only in us-east-1a: clients in us-east-1b, us-east-1c (where ${vpcId} has subnets and ssm is offered) cross AZs, about $0.01/GB each way, ` +
          `and depend on another AZ. Add ${subnets.b}, ${subnets.c} ($7.30/month per AZ).`,
      });
      expect(f.annotation.length).toBeLessThanOrEqual(256);
      // The cost of the fix is not read back as a saving (the organization digest reads savings from annotations).
      expect(parseMonthlySavings(f.annotation)).toBeUndefined();
    });

    it("Given several subnets in one zone, Then the zone counts once and the first subnet of each missing zone is offered", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const a1 = b.subnet({ vpcId, availabilityZone: "us-east-1a" });
      const a2 = b.subnet({ vpcId, availabilityZone: "us-east-1a" });
      const b1 = b.subnet({ vpcId, availabilityZone: "us-east-1b" });
      b.subnet({ vpcId, availabilityZone: "us-east-1b" });
      const id = b.interfaceEndpoint({ vpcId, service: "logs", subnetIds: [a1, a2] });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain("Only in us-east-1a: clients in us-east-1b (");
      expect(f.annotation).toContain(`Add ${b1} (`);
    });

    it("Given the VPC has a subnet in a zone where the service is not offered, Then that zone is not required", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "abc");
      b.endpointService({ service: "sagemaker.api", zones: ["us-east-1a", "us-east-1b"] });
      const id = b.interfaceEndpoint({ vpcId, service: "sagemaker.api", subnetIds: [subnets.a as string, subnets.b as string] });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toBe(`In all 2 AZs where ${vpcId} has subnets and sagemaker.api is offered (us-east-1a, us-east-1b).`);
    });

    it("Given another VPC's subnets in more zones, Then only the endpoint's own VPC counts", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "ab");
      vpcIn(b, "abcdef");
      const id = b.interfaceEndpoint({ vpcId, service: "kms", subnetIds: Object.values(subnets) });

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("COMPLIANT");
    });

    it("Given 5 missing zones, Then the annotation stays within AWS Config's 256 characters and still names the fix and its cost", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "abcdef");
      const id = b.interfaceEndpoint({ vpcId, service: "secretsmanager", subnetIds: [subnets.a as string] });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation.length).toBeLessThanOrEqual(256);
      expect(f.annotation).toContain("clients in us-east-1b (+4 more) (where");
      expect(f.annotation).toMatch(/Add subnet-0[0-9a-f]{16} \(\+4 more\) \(\$7\.30\/month per AZ\)\.$/);
    });
  });

  describe("minAzs", () => {
    it("Given a VPC with subnets in one zone only and the default minAzs 2, Then NON_COMPLIANT: add a subnet in a zone the service is offered in, then the endpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "a");
      b.endpointService({ service: "ecr.api", zones: ["us-east-1a", "us-east-1b", "us-east-1c"] });
      const id = b.interfaceEndpoint({ vpcId, service: "ecr.api", subnetIds: [subnets.a as string] });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation:
          `Only in us-east-1a, the only AZ where ${vpcId} has subnets and ecr.api is offered (minAzs 2): one AZ failure takes it away. ` +
          "Add a subnet in us-east-1b or us-east-1c, then the endpoint there ($7.30/month per AZ).",
      });
    });

    it("Given more than two zones to choose from, Then two are named and the rest summed up", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "a");
      const id = b.interfaceEndpoint({ vpcId, service: "sts", subnetIds: [subnets.a as string] });

      expect(findingFor(runRule(rule, b.build()), id).annotation).toContain("Add a subnet in us-east-1b, us-east-1c or another offered AZ, then the endpoint there");
    });

    it("Given minAzs 1 and a one-zone VPC, Then COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "a");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string] });

      expect(findingFor(runRule(rule, b.build(), { minAzs: "1" }), id).compliance).toBe("COMPLIANT");
    });

    it("Given minAzs 3 (as AWS Config sends it, a string) and an endpoint in both zones of a two-zone VPC, Then NON_COMPLIANT: the VPC needs a third zone", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "ab");
      b.endpointService({ service: "ssm", zones: ["us-east-1a", "us-east-1b", "us-east-1c"] });
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: Object.values(subnets) });

      const f = findingFor(runRule(rule, b.build(), { minAzs: "3" }), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `Only in us-east-1a, us-east-1b, the only 2 AZs where ${vpcId} has subnets and ssm is offered (minAzs 3): one AZ failure takes it away. ` +
          "Add a subnet in us-east-1c, then the endpoint there ($7.30/month per AZ).",
      );
    });

    it("Given a partner's service offered in one zone only, Then NOT_APPLICABLE: it cannot be spread further", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "abc");
      const service = b.endpointService({ service: "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f60718", zones: ["us-east-1a"] });
      const id = b.interfaceEndpoint({ vpcId, service, subnetIds: [subnets.a as string] });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: "vpce-svc-0a1b2c3d4e5f60718 is offered in only 1 AZ (us-east-1a), fewer than minAzs 2: it cannot be spread further.",
      });
    });
  });

  describe("prices", () => {
    it("Given eu-west-1, Then the cost per added zone is eu-west-1's AZ-hour price", () => {
      const b = new InventoryBuilder({ region: "eu-west-1" });
      const { vpcId, subnets } = vpcIn(b, "ab");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string] });

      // 0.011 $/AZ-hour × 730 hours
      expect(findingFor(runRule(rule, b.build()), id).annotation).toContain("($8.03/month per AZ).");
    });

    it("Given a region without a price table, Then the annotation says us-east-1 prices were used", () => {
      const b = new InventoryBuilder({ region: "ap-southeast-2" });
      const { vpcId, subnets } = vpcIn(b, "ab");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string] });

      expect(findingFor(runRule(rule, b.build()), id).annotation).toContain("($7.30/month per AZ at us-east-1 prices).");
    });
  });

  describe("missing data is an error, never a guess", () => {
    it("Given an endpoint in a subnet the inventory does not list, Then the rule throws RuleEvaluationError naming the subnet and the endpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "ab");
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string, "subnet-0ffffffffffffffff"] });

      const act = (): unknown => runRule(rule, b.build());

      expect(act).toThrow(RuleEvaluationError);
      expect(act).toThrow(expect.objectContaining({ ruleId: "interface-endpoint-multi-az", message: expect.stringContaining(`subnet-0ffffffffffffffff (${id})`) }));
    });

    it("Given the endpoint services list failed, Then the engine reports an error for the rule and no evaluations", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnets } = vpcIn(b, "ab");
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string] });
      b.fail("vpcEndpointServices", "ec2:DescribeVpcEndpointServices", "You are not authorized to perform this operation.", "UnauthorizedOperation");

      const result = evaluateInventory(b.build(), prepareRules([{ ruleId: "interface-endpoint-multi-az" }]), FIXTURE_NOW);

      expect(result.evaluations).toEqual([]);
      expect(result.errors[0]?.failedParts).toEqual([
        { part: "vpcEndpointServices", call: "ec2:DescribeVpcEndpointServices", message: "You are not authorized to perform this operation.", code: "UnauthorizedOperation" },
      ]);
    });
  });

  it("Given a snapshot replay (JSON), Then the findings are the same as from live SDK objects", () => {
    const b = new InventoryBuilder();
    const { vpcId, subnets } = vpcIn(b, "abc");
    b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnets.a as string], createdAt: daysBefore(FIXTURE_NOW, 3) });
    b.interfaceEndpoint({ vpcId, service: "kms", subnetIds: Object.values(subnets) });

    const live = runRule(rule, b.build());

    expect(runRule(rule, parseRegion(b.toJsonRaw(), b.accountId, FIXTURE_NOW))).toEqual(live);
    expect(live.map((f) => f.compliance)).toEqual(["NON_COMPLIANT", "COMPLIANT"]);
  });
});
