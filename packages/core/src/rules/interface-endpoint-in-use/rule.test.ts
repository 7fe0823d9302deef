import { describe, expect, it } from "vitest";
import { evaluateInventory, prepareRules } from "../../engine/engine";
import { RuleEvaluationError } from "../../errors";
import { parseRegion } from "../../inventory/parse";
import {
  DAY_MS,
  FIXTURE_NOW,
  InventoryBuilder,
  daysBefore,
  findingFor,
  runRule,
} from "@endpoint-auditor/core/testing";
import { rule } from "./rule";

const GB = 1_000_000_000;

/** A VPC with `subnetCount` subnets (one per AZ). */
function vpcWithSubnets(b: InventoryBuilder, subnetCount: number): { vpcId: string; subnetIds: string[] } {
  const vpcId = b.vpc();
  const subnetIds = Array.from({ length: subnetCount }, () => b.subnet({ vpcId }));
  return { vpcId, subnetIds };
}

describe("interface-endpoint-in-use", () => {
  describe("scope and state", () => {
    it("Given gateway and Gateway Load Balancer endpoints, Then they are not evaluated", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const rtb = b.routeTable({ vpcId, main: true });
      b.gatewayEndpoint({ vpcId, service: "s3", routeTableIds: [rtb] });
      b.vpcEndpoints.push({
        VpcEndpointId: "vpce-0aa11bb22cc33dd44",
        VpcEndpointType: "GatewayLoadBalancer",
        VpcId: vpcId,
        ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        State: "available" as never,
        SubnetIds: [subnetIds[0] as string],
        CreationTimestamp: daysBefore(FIXTURE_NOW, 100),
      });
      const idle = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });

      const findings = runRule(rule, b.build());

      expect(findings.map((f) => f.resourceId)).toEqual([idle]);
    });

    it.each(["deleting", "deleted"] as const)("Given an interface endpoint in state %s, Then it is not reported", (state) => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, state });
      // The collector does not query metrics for endpoints that are going away.
      expect(runRule(rule, b.build())).toEqual([]);
    });

    it.each(["pendingAcceptance", "pending"] as const)(
      "Given an interface endpoint in state %s (not queried for metrics), Then NOT_APPLICABLE: waiting",
      (state) => {
        const b = new InventoryBuilder();
        const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
        const id = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001", subnetIds, state });
        b.metrics({ endpointIds: [] });

        const f = findingFor(runRule(rule, b.build()), id);

        expect(f.compliance).toBe("NOT_APPLICABLE");
        expect(f.annotation).toBe(`Waiting: ${id} is ${state}; it carries no traffic until the service accepts it. Judged once available.`);
        expect(f.monthlySavingsUsd).toBeUndefined();
      },
    );

    it.each(["rejected", "failed", "expired"] as const)(
      "Given an interface endpoint in state %s, Then NON_COMPLIANT: it can never carry traffic, delete it",
      (state) => {
        const b = new InventoryBuilder();
        const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
        const id = b.interfaceEndpoint({ vpcId, service: "com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001", subnetIds, state });
        b.metrics({ endpointIds: [] });

        const f = findingFor(runRule(rule, b.build()), id);

        expect(f.compliance).toBe("NON_COMPLIANT");
        expect(f.annotation).toBe(`${id} (com.amazonaws.vpce.us-east-1.vpce-svc-0feedfacecafe0001) is ${state} and can never carry traffic: delete it.`);
        // No network interfaces, so no AZ-hours are claimed as a saving.
        expect(f.monthlySavingsUsd).toBeUndefined();
      },
    );

    it("Given a state the API may add later, Then NOT_APPLICABLE naming it rather than a guess", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      (b.vpcEndpoints[0] as { State?: string }).State = "provisioning";
      b.metrics({ endpointIds: [] });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toContain("does not recognise (provisioning)");
    });

    it("Given the state in the SDK enum's spelling (Available), Then it is judged like available", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      (b.vpcEndpoints[0] as { State?: string }).State = "Available";

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("NON_COMPLIANT");
    });

    it("Given an endpoint in state partial, Then its traffic is judged", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, state: "partial" });
      b.traffic(id, [{ daysAgo: 2, bytes: 5 * GB }]);

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("COMPLIANT");
    });
  });

  describe("age", () => {
    it("Given an idle endpoint created 3 days ago (minAgeDays 7 by default), Then NOT_APPLICABLE: too new to judge", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, createdAt: daysBefore(FIXTURE_NOW, 3) });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.compliance).toBe("NOT_APPLICABLE");
      expect(f.annotation).toBe(`Too new to judge: ${id} was created 3 days ago (minAgeDays 7).`);
    });

    it("Given a busy endpoint younger than minAgeDays, Then still NOT_APPLICABLE (age is checked before traffic)", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, createdAt: daysBefore(FIXTURE_NOW, 1) });
      b.traffic(id, [{ daysAgo: 0, bytes: GB }]);

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("NOT_APPLICABLE");
    });

    it("Given an endpoint exactly minAgeDays old, Then it is judged", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, createdAt: daysBefore(FIXTURE_NOW, 7) });

      expect(findingFor(runRule(rule, b.build()), id).compliance).toBe("NON_COMPLIANT");
    });

    it("Given minAgeDays 0 and an endpoint created an hour ago without traffic, Then it is judged idle since its creation", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, createdAt: new Date(FIXTURE_NOW.getTime() - 3_600_000) });

      const f = findingFor(runRule(rule, b.build(), { minAgeDays: "0" }), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toMatch(/^No traffic since it was created 0 days ago;/);
    });

    it("Given an idle endpoint 10 days old and a 30-day window, Then the annotation says idle since creation, not 30 days", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds, createdAt: daysBefore(FIXTURE_NOW, 10) });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.annotation).toBe(
        `No traffic since it was created 10 days ago; about $14.60/month for 2 AZs. Delete ${id} (com.amazonaws.us-east-1.ssm) or share it via a hub VPC.`,
      );
    });

    it("Given an endpoint without a creation time, Then idle is NOT_APPLICABLE (age unknown) but traffic is still COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const idle = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      const busy = b.interfaceEndpoint({ vpcId, service: "kms", subnetIds });
      for (const e of b.vpcEndpoints) delete e.CreationTimestamp;
      b.traffic(busy, [{ daysAgo: 1, bytes: 2048 }]);

      const findings = runRule(rule, b.build());

      expect(findingFor(findings, idle).compliance).toBe("NOT_APPLICABLE");
      expect(findingFor(findings, idle).annotation).toContain("no creation time");
      expect(findingFor(findings, busy).compliance).toBe("COMPLIANT");
    });
  });

  describe("traffic", () => {
    it("Given an endpoint in 2 AZs that published no datapoints in 30 days, Then NON_COMPLIANT with its monthly cost as the saving", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f).toEqual({
        resourceId: id,
        compliance: "NON_COMPLIANT",
        annotation: `No traffic in 30 days; about $14.60/month for 2 AZs. Delete ${id} (com.amazonaws.us-east-1.ssm) or share it via a hub VPC.`,
        monthlySavingsUsd: 14.6,
      });
    });

    it("Given an idle endpoint in 3 AZs of eu-west-1, Then the saving uses eu-west-1's price per AZ-hour", () => {
      const b = new InventoryBuilder({ region: "eu-west-1" });
      const { vpcId, subnetIds } = vpcWithSubnets(b, 3);
      const id = b.interfaceEndpoint({ vpcId, service: "ecr.api", subnetIds });

      const f = findingFor(runRule(rule, b.build()), id);

      // 0.011 $/AZ-hour × 3 AZs × 730 hours
      expect(f.monthlySavingsUsd).toBe(24.09);
      expect(f.annotation).toContain("about $24.09/month for 3 AZs");
    });

    it("Given an idle endpoint in a region without a price table, Then the annotation says us-east-1 prices were used", () => {
      const b = new InventoryBuilder({ region: "ap-southeast-2" });
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f.monthlySavingsUsd).toBe(7.3);
      expect(f.annotation).toContain("about $7.30/month at us-east-1 prices for 1 AZ");
    });

    it("Given an endpoint that processed 5 GB over the window, Then COMPLIANT stating the bytes in readable units", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.traffic(id, [
        { daysAgo: 1, bytes: 2 * GB },
        { daysAgo: 15, bytes: 2.5 * GB },
        { daysAgo: 29, bytes: 0.5 * GB },
      ]);

      const f = findingFor(runRule(rule, b.build()), id);

      expect(f).toEqual({
        resourceId: id,
        compliance: "COMPLIANT",
        annotation: `In use: ${id} (com.amazonaws.us-east-1.ssm) processed 5.0 GB in the last 30 days.`,
      });
    });

    it("Given traffic only 40 days ago and lookbackDays 30 (90 days collected), Then the old traffic does not count", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.traffic(id, [{ daysAgo: 40, bytes: 9 * GB }]).metrics({ lookbackDays: 90 });
      const inventory = b.build();

      expect(findingFor(runRule(rule, inventory), id).compliance).toBe("NON_COMPLIANT");
      // The same inventory judged over 60 days sees the traffic.
      const f60 = findingFor(runRule(rule, inventory, { lookbackDays: "60" }), id);
      expect(f60.compliance).toBe("COMPLIANT");
      expect(f60.annotation).toContain("processed 9.0 GB in the last 60 days");
    });

    it("Given maxBytes 1000 and 1000 bytes processed, Then NON_COMPLIANT (at most maxBytes is idle) naming the threshold", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.traffic(id, [{ daysAgo: 3, bytes: 1000 }]);

      const f = findingFor(runRule(rule, b.build(), { maxBytes: "1000" }), id);

      expect(f.compliance).toBe("NON_COMPLIANT");
      expect(f.annotation).toBe(
        `Only 1.0 kB in 30 days (idle threshold 1.0 kB); about $14.60/month for 2 AZs. Delete ${id} (com.amazonaws.us-east-1.ssm) or share it via a hub VPC.`,
      );
      expect(f.monthlySavingsUsd).toBe(14.6);
    });

    it("Given maxBytes 1000 and 1001 bytes processed, Then COMPLIANT naming the threshold", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.traffic(id, [{ daysAgo: 3, bytes: 1001 }]);

      const f = findingFor(runRule(rule, b.build(), { maxBytes: 1000 }), id);

      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toBe(`In use: ${id} (com.amazonaws.us-east-1.ssm) processed 1.0 kB in the last 30 days (idle threshold 1.0 kB).`);
    });

    it("Given a single byte processed and the default maxBytes 0, Then COMPLIANT", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.traffic(id, [{ daysAgo: 0, bytes: 1 }]);

      const f = findingFor(runRule(rule, b.build()), id);
      expect(f.compliance).toBe("COMPLIANT");
      expect(f.annotation).toContain("processed 1 byte in the last 30 days");
    });

    it("Given a snapshot replay (dates as ISO strings), Then the findings are the same as from live SDK objects", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 2);
      const idle = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      const busy = b.interfaceEndpoint({ vpcId, service: "logs", subnetIds });
      b.interfaceEndpoint({ vpcId, service: "sts", subnetIds, createdAt: daysBefore(FIXTURE_NOW, 2) });
      b.traffic(busy, [{ daysAgo: 5, bytes: 123_456_789 }]);

      const live = runRule(rule, b.build());
      const replayed = runRule(rule, parseRegion(b.toJsonRaw(), b.accountId, FIXTURE_NOW));

      expect(replayed).toEqual(live);
      expect(findingFor(live, idle).compliance).toBe("NON_COMPLIANT");
      expect(findingFor(live, busy).annotation).toContain("processed 123 MB in the last 30 days");
    });
  });

  describe("missing data is an error, never a guess", () => {
    it("Given lookbackDays 60 but only 30 days of metrics collected, Then the rule throws RuleEvaluationError naming the endpoint", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const id = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });

      const act = (): unknown => runRule(rule, b.build(), { lookbackDays: 60 });

      expect(act).toThrow(RuleEvaluationError);
      expect(act).toThrow(new RegExp(`last 60 days for ${id}`));
    });

    it("Given an available endpoint that was not queried, Then the rule throws instead of calling it idle", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      const queried = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      const missing = b.interfaceEndpoint({ vpcId, service: "kms", subnetIds });
      b.metrics({ endpointIds: [queried] });

      let error: unknown;
      try {
        runRule(rule, b.build());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RuleEvaluationError);
      const e = error as RuleEvaluationError;
      expect(e.ruleId).toBe("interface-endpoint-in-use");
      expect(e.region).toBe("us-east-1");
      expect(e.accountId).toBe(b.accountId);
      expect(e.message).toContain(missing);
      expect(e.message).not.toContain(`${queried},`);
    });

    it("Given a window that ends a day before now, Then the rule throws (the last day is unknown)", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      const raw = b.toRaw();
      if (!raw.endpointMetrics) throw new Error("fixture has metrics");
      raw.endpointMetrics.endTime = new Date(FIXTURE_NOW.getTime() - 2 * DAY_MS).toISOString();

      expect(() => runRule(rule, parseRegion(raw, b.accountId, FIXTURE_NOW))).toThrow(RuleEvaluationError);
    });

    it("Given the engine runs the rule on such an inventory, Then the region reports an error and no evaluations for this rule", () => {
      const b = new InventoryBuilder();
      const { vpcId, subnetIds } = vpcWithSubnets(b, 1);
      b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds });
      b.metrics({ endpointIds: [] });

      const result = evaluateInventory(b.build(), prepareRules([{ ruleId: "interface-endpoint-in-use" }]), FIXTURE_NOW);

      expect(result.evaluations).toEqual([]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.ruleId).toBe("interface-endpoint-in-use");
      expect(result.errors[0]?.message).toMatch(/no BytesProcessed data covering the last 30 days/);
    });
  });
});
