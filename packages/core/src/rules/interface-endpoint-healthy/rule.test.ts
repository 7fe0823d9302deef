import { describe, expect, it } from "vitest";
import { evaluateInventory, metricNeeds, prepareRules } from "../../engine/engine";
import { RuleEvaluationError } from "../../errors";
import { parseRegion } from "../../inventory/parse";
import { DAY_MS, FIXTURE_NOW, InventoryBuilder, daysBefore, findingFor, runRule } from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

/** A VPC with two subnets and an SSM interface endpoint in them. */
function endpoint(b: InventoryBuilder, options: Partial<Parameters<InventoryBuilder["interfaceEndpoint"]>[0]> = {}): string {
  const vpcId = b.vpc();
  const subnetIds = [b.subnet({ vpcId }), b.subnet({ vpcId })];
  return b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, ...options });
}

describe("interface-endpoint-healthy", () => {
  describe("scope and state", () => {
    it("Given gateway endpoints, Then they are not evaluated", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      b.gatewayEndpoint({ vpcId, service: "dynamodb", routeTableIds: [b.routeTable({ vpcId, main: true })] });
      const judged = endpoint(b);

      expect(runRule(rule, b.build()).map((f) => f.resourceId)).toEqual([judged]);
    });

    it.each(["deleting", "deleted"] as const)("Given an interface endpoint in state %s, Then it is not reported", (state) => {
      const b = new InventoryBuilder();
      endpoint(b, { state });
      expect(runRule(rule, b.build())).toEqual([]);
    });

    it.each(["pendingAcceptance", "rejected", "expired"] as const)("Given an interface endpoint in state %s, Then NOT_APPLICABLE: it carries no traffic to drop", (state) => {
      const b = new InventoryBuilder();
      const id = endpoint(b, { state, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001" });

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `${id} is ${state}; it carries no traffic to drop. Judged once available.`,
      });
    });

    it("Given an endpoint created 3 days ago and the default 7-day window, Then NOT_APPLICABLE: too new, even if it dropped packets", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b, { createdAt: daysBefore(FIXTURE_NOW, 3) });
      b.metric(id, "PacketsDropped", [{ daysAgo: 1, bytes: 40 }]);

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({
        resourceId: id,
        compliance: "NOT_APPLICABLE",
        annotation: `Too new to judge: ${id} was created 3 days ago, within the 7 days window (lookbackDays 7).`,
      });
    });

    it("Given an endpoint exactly lookbackDays old, Then it is judged", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b, { createdAt: daysBefore(FIXTURE_NOW, 7) });

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("COMPLIANT");
    });

    it("Given an endpoint without a creation time that dropped packets, Then it is judged on the window all the same", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b);
      delete b.vpcEndpoints[0]?.CreationTimestamp;
      b.metric(id, "PacketsDropped", [{ daysAgo: 2, bytes: 12 }]);

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("NON_COMPLIANT");
    });
  });

  describe("packets dropped", () => {
    it("Given an endpoint that published no PacketsDropped datapoint in 7 days, Then COMPLIANT: no drops", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b);
      b.traffic(id, [{ daysAgo: 1, bytes: 5_000_000 }]);

      expect(findingFor(runRule(rule, b.build()), id)).toEqual({ resourceId: id, compliance: "COMPLIANT", annotation: "No packets dropped in 7 days." });
    });

    it("Given drops on two days of the last week, Then NON_COMPLIANT with the total, the worst day and what to check", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b, { service: "ecr.dkr" });
      b.metric(id, "PacketsDropped", [
        { daysAgo: 2, bytes: 1_840 },
        { daysAgo: 5, bytes: 12_312 },
      ]);
      const worst = new Date(Date.UTC(FIXTURE_NOW.getUTCFullYear(), FIXTURE_NOW.getUTCMonth(), FIXTURE_NOW.getUTCDate()) - 5 * DAY_MS).toISOString().slice(0, 10);

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation:
          `14,152 packets dropped in 7 days (worst ${worst}: 12,312). Check the MTU on the path (endpoints drop packets over 8,500 bytes, ` +
          "no ICMP 'fragmentation needed'), its security groups and ecr.dkr's health.",
      });
      expect(f.monthlySavingsUsd).toBeUndefined();
    });

    it("Given drops 10 days ago only, Then they are outside the 7-day window: COMPLIANT; a 14-day window over the same inventory sees them", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b);
      b.metric(id, "PacketsDropped", [{ daysAgo: 10, bytes: 300 }]);
      const inventory = b.build();

      expect(findingFor(runRule(rule, inventory), id).compliance).toBe("COMPLIANT");
      const f14 = findingFor(runRule(rule, inventory, { lookbackDays: "14" }), id);
      expect(f14.compliance).toBe("NON_COMPLIANT");
      expect(f14.annotation).toMatch(/^300 packets dropped in 14 days \(worst \d{4}-\d{2}-\d{2}: 300\)\./);
    });

    it("Given maxPacketsDropped 100 and 100 drops, Then COMPLIANT naming the threshold; 101 drops are NON_COMPLIANT", () => {
      const b = new InventoryBuilder();
      const at = endpoint(b);
      const over = endpoint(b);
      b.metric(at, "PacketsDropped", [{ daysAgo: 1, bytes: 100 }]);
      b.metric(over, "PacketsDropped", [{ daysAgo: 1, bytes: 60 }, { daysAgo: 3, bytes: 41 }]);

      const findings = runRule(rule, b.build(), { maxPacketsDropped: 100 });

      expect(findingFor(findings, at)).toMatchObject({ compliance: "COMPLIANT", annotation: "100 packets dropped in 7 days (maxPacketsDropped 100)." });
      expect(findingFor(findings, over).compliance).toBe("NON_COMPLIANT");
      expect(findingFor(findings, over).annotation).toContain("101 packets dropped in 7 days (worst ");
      expect(findingFor(findings, over).annotation).toContain("(maxPacketsDropped 100). Check the MTU");
    });

    it("Given bytes processed but no drops, Then traffic does not count as drops (the metrics are read by name)", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b);
      b.traffic(id, [{ daysAgo: 1, bytes: 9_000_000_000 }]);

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("COMPLIANT");
    });

    it("Given the rule's metadata, Then it asks the collector for PacketsDropped over lookbackDays, joined with the other rules' metrics in one set of queries", () => {
      expect(metricNeeds(prepareRules([{ ruleId: "interface-endpoint-healthy", params: { lookbackDays: "14" } }]))).toEqual({ days: 14, names: ["PacketsDropped"] });
      expect(metricNeeds(prepareRules([{ ruleId: "interface-endpoint-in-use" }, { ruleId: "interface-endpoint-healthy" }]))).toEqual({
        days: 30,
        names: ["BytesProcessed", "PacketsDropped"],
      });
    });
  });

  describe("missing data is an error, never a guess", () => {
    it("Given PacketsDropped was not collected (only BytesProcessed), Then the rule throws RuleEvaluationError naming the endpoint", () => {
      const b = new InventoryBuilder();
      const id = endpoint(b);
      b.metrics({ names: ["BytesProcessed"] });

      const act = (): unknown => runRule(rule, b.build());

      expect(act).toThrow(RuleEvaluationError);
      expect(act).toThrow(expect.objectContaining({ ruleId: "interface-endpoint-healthy", message: expect.stringContaining(`no PacketsDropped data covering the last 7 days for ${id}`) }));
    });

    it("Given lookbackDays 60 but 30 days collected, Then the engine reports an error for the rule and no evaluations", () => {
      const b = new InventoryBuilder();
      endpoint(b);

      const result = evaluateInventory(b.build(), prepareRules([{ ruleId: "interface-endpoint-healthy", params: { lookbackDays: "60" } }]), FIXTURE_NOW);

      expect(result.evaluations).toEqual([]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.message).toMatch(/no PacketsDropped data covering the last 60 days/);
    });

    it("Given the metrics call failed, Then the engine reports the failed part for the rule", () => {
      const b = new InventoryBuilder();
      endpoint(b);
      b.fail("endpointMetrics", "cloudwatch:GetMetricData", "User is not authorized to perform: cloudwatch:GetMetricData", "AccessDenied");

      const result = evaluateInventory(b.build(), prepareRules([{ ruleId: "interface-endpoint-healthy" }]), FIXTURE_NOW);

      expect(result.evaluations).toEqual([]);
      expect(result.errors[0]?.failedParts?.[0]).toMatchObject({ part: "endpointMetrics", code: "AccessDenied" });
    });
  });

  it("Given a snapshot replay (JSON), Then the findings are the same as from live SDK objects", () => {
    const b = new InventoryBuilder();
    const dropping = endpoint(b);
    endpoint(b);
    b.metric(dropping, "PacketsDropped", [{ daysAgo: 1, bytes: 7 }]);

    const live = runRule(rule, b.build());

    expect(runRule(rule, parseRegion(b.toJsonRaw(), b.accountId, FIXTURE_NOW))).toEqual(live);
    expect(live.map((f) => f.compliance)).toEqual(["NON_COMPLIANT", "COMPLIANT"]);
  });
});
