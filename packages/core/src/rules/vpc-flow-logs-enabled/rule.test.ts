import { describe, expect, it } from "vitest";
import { ParameterValidationError } from "../../errors";
import { InventoryBuilder, findingFor, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

function vpcWithSubnets(b: InventoryBuilder, count: number): { vpcId: string; subnetIds: string[] } {
  const vpcId = b.vpc();
  return { vpcId, subnetIds: Array.from({ length: count }, () => b.subnet({ vpcId })) };
}

describe("vpc-flow-logs-enabled", () => {
  describe("VPC-level flow logs", () => {
    it("Given an ACTIVE, delivering VPC flow log, Then COMPLIANT naming it", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 2);
      const fl = b.flowLog({ resourceId: vpcId, destination: "s3" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f).toEqual({
        resourceId: vpcId,
        compliance: "COMPLIANT",
        annotation: `Flow log ${fl} (ALL) on ${vpcId} is active and delivering to s3.`,
      });
    });

    it("Given no flow log at all, Then NON_COMPLIANT with the fix", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 2);

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f).toEqual({
        resourceId: vpcId,
        compliance: "NON_COMPLIANT",
        annotation: `No flow log records ${vpcId} or its subnets. Fix: create a VPC flow log (ALL).`,
      });
    });

    it("Given the only VPC flow log's delivery FAILED, Then NON_COMPLIANT quoting DeliverLogsErrorMessage", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      const fl = b.flowLog({ resourceId: vpcId, deliverLogsStatus: "FAILED", deliverLogsErrorMessage: "Access error" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `No flow log records ${vpcId} or its subnets. ${fl} on ${vpcId} fails to deliver: "Access error". Fix: create a VPC flow log (ALL).`,
      );
    });

    it("Given a flow log on another VPC, or on a network interface of this one, Then it does not cover this VPC", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      const other = b.vpc();
      b.flowLog({ resourceId: other });
      b.flowLog({ resourceId: "eni-0123abcd4567ef890" });

      const findings = runRule(rule, b.build());

      expect(findingFor(findings, vpcId).compliance).toBe("NON_COMPLIANT");
      expect(findingFor(findings, other).compliance).toBe("COMPLIANT");
    });

    it("Given a flow log whose status is not ACTIVE, Then it does not count", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      b.flowLog({ resourceId: vpcId, status: "INACTIVE" });

      expect(findingFor(runRule(rule, b.build()), vpcId).compliance).toBe("NON_COMPLIANT");
    });

    it("Given one failing and one delivering VPC flow log, Then COMPLIANT naming the delivering one", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      b.flowLog({ resourceId: vpcId, deliverLogsStatus: "FAILED", deliverLogsErrorMessage: "Rate limited" });
      const good = b.flowLog({ resourceId: vpcId, destination: "cloud-watch-logs" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toBe(`Flow log ${good} (ALL) on ${vpcId} is active and delivering to cloud-watch-logs.`);
    });
  });

  describe("subnet-level flow logs", () => {
    it("Given every subnet has an active, delivering flow log, Then COMPLIANT: covered by subnet-level flow logs", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 3);
      for (const s of subnetIds) b.flowLog({ resourceId: s, trafficType: "REJECT" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f).toEqual({
        resourceId: vpcId,
        compliance: "COMPLIANT",
        annotation: `Covered by subnet-level flow logs: all 3 subnets of ${vpcId} have an active, delivering flow log.`,
      });
    });

    it("Given a failing VPC flow log but every subnet covered, Then COMPLIANT by subnet coverage", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      b.flowLog({ resourceId: vpcId, deliverLogsStatus: "FAILED" });
      for (const s of subnetIds) b.flowLog({ resourceId: s });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toMatch(/^Covered by subnet-level flow logs/);
    });

    it("Given some subnets covered and nothing on the VPC, Then NON_COMPLIANT naming the uncovered subnets", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 3);
      const [covered, a, c] = subnetIds as [string, string, string];
      b.flowLog({ resourceId: covered });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f).toEqual({
        resourceId: vpcId,
        compliance: "NON_COMPLIANT",
        annotation: `Flow logs cover only 1 of 3 subnets of ${vpcId} and not the VPC itself; uncovered: ${a}, ${c}. Fix: create a VPC flow log (ALL).`,
      });
    });

    it("Given many uncovered subnets and a failing one, Then the error is quoted, fewer subnets are named, and the annotation fits 256 characters", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 12);
      b.flowLog({ resourceId: subnetIds[0] as string, deliverLogsStatus: "SUCCESS" });
      b.flowLog({ resourceId: subnetIds[1] as string, deliverLogsStatus: "FAILED", deliverLogsErrorMessage: "Access error" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`Flow logs cover only 1 of 12 subnets of ${vpcId}`);
      expect(f.annotation).toContain(`uncovered: ${subnetIds[1]}, ${subnetIds[2]} (+9 more).`);
      expect(f.annotation).toContain(`on ${subnetIds[1]} fails to deliver: "Access error".`);
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });

    it("Given many uncovered subnets and nothing failing, Then three are named and the rest counted", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 6);
      b.flowLog({ resourceId: subnetIds[0] as string });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f.annotation).toBe(
        `Flow logs cover only 1 of 6 subnets of ${vpcId} and not the VPC itself; uncovered: ${subnetIds[1]}, ${subnetIds[2]}, ${subnetIds[3]} (+2 more). ` +
          "Fix: create a VPC flow log (ALL).",
      );
      expect(f.annotation.length).toBeLessThanOrEqual(256);
    });

    it("Given a subnet whose flow log FAILED, Then that subnet is not covered and the error is quoted", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const [ok, failing] = subnetIds as [string, string];
      b.flowLog({ resourceId: ok });
      const fl = b.flowLog({ resourceId: failing, deliverLogsStatus: "FAILED", deliverLogsErrorMessage: "Unknown error" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toContain(`uncovered: ${failing}.`);
      expect(f.annotation).toContain(`${fl} on ${failing} fails to deliver: "Unknown error".`);
    });

    it("Given a VPC with no subnets and no VPC-level flow log, Then NON_COMPLIANT (no subnets is not 'every subnet covered')", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      // A flow log on some other VPC's subnet must not help.
      const other = b.vpc();
      b.flowLog({ resourceId: b.subnet({ vpcId: other }) });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f).toEqual({
        resourceId: vpcId,
        compliance: "NON_COMPLIANT",
        annotation: `No flow log records ${vpcId}, and it has no subnets to cover. Fix: create a VPC flow log (ALL).`,
      });
    });

    it("Given a VPC with no subnets but a VPC-level flow log, Then COMPLIANT", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      b.flowLog({ resourceId: vpcId });
      expect(findingFor(runRule(rule, b.build()), vpcId).compliance).toBe("COMPLIANT");
    });
  });

  describe("trafficType", () => {
    it.each([
      ["ACCEPT", "ACCEPT", "COMPLIANT"],
      ["ACCEPT", "ALL", "COMPLIANT"],
      ["ACCEPT", "REJECT", "NON_COMPLIANT"],
      ["REJECT", "REJECT", "COMPLIANT"],
      ["REJECT", "ACCEPT", "NON_COMPLIANT"],
      ["ALL", "ALL", "COMPLIANT"],
      ["ALL", "ACCEPT", "NON_COMPLIANT"],
      [undefined, "REJECT", "COMPLIANT"],
      [undefined, "ACCEPT", "COMPLIANT"],
    ] as const)("Given trafficType %s and a VPC flow log of type %s, Then %s", (wanted, type, expected) => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      b.flowLog({ resourceId: vpcId, trafficType: type });

      const params = wanted === undefined ? {} : { trafficType: wanted };
      expect(findingFor(runRule(rule, b.build(), params), vpcId).compliance).toBe(expected);
    });

    it("Given trafficType ACCEPT and only a REJECT flow log, Then the annotation says that type does not count", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      const fl = b.flowLog({ resourceId: vpcId, trafficType: "REJECT" });

      const f = findingFor(runRule(rule, b.build(), { trafficType: "ACCEPT" }), vpcId);

      expect(f.annotation).toBe(
        `No ACCEPT/ALL flow log records ${vpcId} or its subnets. ${fl} records REJECT only; ACCEPT or ALL is required. Fix: create a VPC flow log (ACCEPT).`,
      );
    });

    it("Given trafficType as AWS Config sends it in lower case, Then it is accepted", () => {
      const b = new InventoryBuilder();
      const { vpcId } = vpcWithSubnets(b, 1);
      b.flowLog({ resourceId: vpcId, trafficType: "ACCEPT" });
      expect(findingFor(runRule(rule, b.build(), { trafficType: "accept" }), vpcId).compliance).toBe("COMPLIANT");
    });

    it("Given an invalid trafficType, Then the parameters are refused", () => {
      const b = new InventoryBuilder();
      vpcWithSubnets(b, 1);
      expect(() => runRule(rule, b.build(), { trafficType: "DENY" })).toThrow(ParameterValidationError);
    });

    it("Given trafficType REJECT and subnets covered only by ACCEPT logs, Then they are uncovered", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      for (const s of subnetIds) b.flowLog({ resourceId: s, trafficType: "ACCEPT" });

      const f = findingFor(runRule(rule, b.build(), { trafficType: "REJECT" }), vpcId);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toMatch(/^No REJECT\/ALL flow log records/);
    });
  });

  describe("ownership", () => {
    it("Given a VPC owned by another account and shared to this one, Then NOT_APPLICABLE", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc({ ownerId: "999988887777" });
      b.subnet({ vpcId, ownerId: "999988887777" });

      const f = findingFor(runRule(rule, b.build()), vpcId);

      expect(f).toEqual({
        resourceId: vpcId,
        compliance: "NOT_APPLICABLE",
        annotation: `${vpcId} is owned by account 999988887777 and shared to this one; its owner manages its flow logs.`,
      });
    });

    it("Given a VPC item without OwnerId, Then the parser assumes this account and the VPC is judged", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      delete b.vpcs[0]?.OwnerId;

      expect(findingFor(runRule(rule, b.build()), vpcId).compliance).toBe("NON_COMPLIANT");
    });
  });
});
