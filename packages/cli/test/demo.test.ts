/**
 * The built-in demo snapshot (packages/cli/demo/demo-account.json): reproducible from its generator, in
 * the snapshot format, with API-shaped items and the traffic the demo story needs.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { EXEMPT_TAG, evaluateSnapshot, parseSnapshot, type Snapshot } from "@endpoint-auditor/core";
import { demoText } from "../scripts/make-demo.mjs";
import { DEMO } from "./support";

let text: string;
let demo: Snapshot;
beforeAll(async () => {
  text = await readFile(DEMO, "utf8");
  demo = parseSnapshot(text);
});

const ID_PATTERNS: Record<string, RegExp> = {
  VpcId: /^vpc-0[0-9a-f]{16}$/,
  SubnetId: /^subnet-0[0-9a-f]{16}$/,
  RouteTableId: /^rtb-0[0-9a-f]{16}$/,
  NatGatewayId: /^nat-0[0-9a-f]{16}$/,
  VpcEndpointId: /^vpce-0[0-9a-f]{16}$/,
  FlowLogId: /^fl-0[0-9a-f]{16}$/,
  VpnGatewayId: /^vgw-0[0-9a-f]{16}$/,
  TransitGatewayAttachmentId: /^tgw-attach-0[0-9a-f]{16}$/,
  VpcPeeringConnectionId: /^pcx-0[0-9a-f]{16}$/,
};

describe("demo snapshot", () => {
  it("Given the generator, Then the committed file is exactly what it produces (node packages/cli/scripts/make-demo.mjs)", () => {
    expect(text === demoText()).toBe(true);
  });

  it("Then it is a valid snapshot of account 123456789012 with a fixed capture time and two regions", () => {
    expect(demo.accountId).toBe("123456789012");
    expect(demo.capturedAt).toBe("2026-11-23T06:00:00.000Z");
    expect(demo.regions.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("Then every id has the shape of a real AWS id and every list item names its own id", () => {
    let checked = 0;
    for (const region of demo.regions) {
      for (const list of [region.vpcs, region.subnets, region.routeTables, region.natGateways, region.vpcEndpoints, region.flowLogs, region.vpnGateways, region.transitGatewayAttachments, region.vpcPeeringConnections]) {
        for (const item of list ?? []) {
          for (const [key, pattern] of Object.entries(ID_PATTERNS)) {
            const value = (item as Record<string, unknown>)[key];
            if (typeof value === "string") {
              expect(value, key).toMatch(pattern);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("Then dates are ISO strings and every resource in the us-east-1 VPCs carries a Name tag (except the default VPC's)", () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    for (const region of demo.regions) {
      for (const e of region.vpcEndpoints ?? []) expect(String(e.CreationTimestamp)).toMatch(iso);
      for (const n of region.natGateways ?? []) expect(String(n.CreateTime)).toMatch(iso);
      for (const f of region.flowLogs ?? []) expect(String(f.CreationTime)).toMatch(iso);
      for (const v of region.vpcs ?? []) {
        const named = (v.Tags ?? []).some((t) => t.Key === "Name");
        expect(named).toBe(v.IsDefault !== true);
      }
    }
  });

  it("Then it has prod, staging, a hub with VPN and transit gateway, a data VPC, a VPC shared from another account and the default VPC", () => {
    const east = demo.regions.find((r) => r.region === "us-east-1");
    const names = (east?.vpcs ?? []).map((v) => (v.Tags ?? []).find((t) => t.Key === "Name")?.Value ?? "(default)");
    expect(names).toEqual(["prod-app", "staging-app", "network-hub", "data-platform", "shared-dev", "(default)"]);
    const hub = east?.vpcs?.find((v) => v.Tags?.some((t) => t.Value === "network-hub"))?.VpcId;
    expect(east?.vpnGateways?.[0]?.VpcAttachments).toEqual([{ State: "attached", VpcId: hub }]);
    expect(east?.transitGatewayAttachments?.[0]).toMatchObject({ VpcId: hub, State: "available" });
    expect(east?.vpcs?.find((v) => v.Tags?.some((t) => t.Value === "shared-dev"))?.OwnerId).toBe("210987654321");
  });

  it("Then exactly one resource carries the exemption tag", () => {
    const tagged = demo.regions.flatMap((r) =>
      [...(r.vpcs ?? []), ...(r.subnets ?? []), ...(r.vpcEndpoints ?? [])].filter((item) => (item.Tags ?? []).some((t) => t.Key === EXEMPT_TAG)),
    );
    expect(tagged).toHaveLength(1);
  });

  it("Then every metered endpoint is queried, busy ones have 30+ daily datapoints and idle ones none", () => {
    const counts: number[] = [];
    for (const region of demo.regions) {
      const metrics = region.endpointMetrics;
      expect(metrics?.period).toBe(86_400);
      const interfaces = (region.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === "Interface" && String(e.State).toLowerCase() !== "deleting");
      expect(new Set(metrics?.queries.map((q) => q.endpointId))).toEqual(new Set(interfaces.map((e) => e.VpcEndpointId)));
      const results = new Map(metrics?.results.map((r) => [r.Id, r]));
      counts.push(...(metrics?.queries ?? []).map((q) => results.get(q.id)?.Timestamps?.length ?? 0));
      for (const r of metrics?.results ?? []) {
        expect(r.StatusCode).toBe("Complete");
        expect(r.Timestamps?.length).toBe(r.Values?.length);
      }
    }
    expect(counts.filter((n) => n >= 30).length).toBeGreaterThan(10);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThanOrEqual(5);
  });

  it("Then evaluating it with default parameters gives every rule all three compliance types and no error", () => {
    const result = evaluateSnapshot(demo);
    expect(result.errors).toEqual([]);
    const byRule = new Map<string, Set<string>>();
    for (const e of result.evaluations) byRule.set(e.ruleId, (byRule.get(e.ruleId) ?? new Set()).add(e.compliance));
    expect(byRule.size).toBe(4);
    for (const [ruleId, statuses] of byRule) expect([ruleId, [...statuses].sort()]).toEqual([ruleId, ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]]);
  });
});
