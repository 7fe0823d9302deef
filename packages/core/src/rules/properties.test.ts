/**
 * Properties every rule keeps on random (but API-shaped) inventories: one finding per resource, only
 * resources of the rule's type, valid compliance values, annotations AWS Config accepts, savings only on
 * NON_COMPLIANT findings.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Compliance, ResourceTypes } from "../evaluation";
import type { Inventory } from "../inventory/model";
import { effectiveRouteTable } from "../inventory/queries";
import { parseParameters } from "../parameters";
import { FIXTURE_NOW, InventoryBuilder, daysBefore, routeTo, type ApiEndpointState } from "@endpoint-auditor/core/testing";
import { RULES } from "./index";

const ENDPOINT_STATES: ApiEndpointState[] = ["available", "pendingAcceptance", "pending", "rejected", "failed", "expired", "deleting", "deleted", "partial"];
const SERVICES = ["s3", "dynamodb", "ssm", "ecr.api", "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"];
const DEFAULT_TARGETS = ["none", "igw", "nat", "tgw", "pcx", "eni", "instance", "blackhole-nat"] as const;

const vpcShape = fc.record({
  subnets: fc.integer({ min: 0, max: 4 }),
  shared: fc.boolean(),
  mainTable: fc.boolean(),
  defaultTarget: fc.constantFrom(...DEFAULT_TARGETS),
  explicitTables: fc.integer({ min: 0, max: 2 }),
  explicitTarget: fc.constantFrom(...DEFAULT_TARGETS),
  gateways: fc.array(fc.record({ service: fc.constantFrom("s3", "dynamodb"), attachMain: fc.boolean(), state: fc.constantFrom<ApiEndpointState>("available", "pending") }), { maxLength: 2 }),
  endpoints: fc.array(
    fc.record({
      service: fc.constantFrom(...SERVICES),
      state: fc.constantFrom(...ENDPOINT_STATES),
      ageDays: fc.integer({ min: 0, max: 400 }),
      traffic: fc.array(fc.record({ daysAgo: fc.integer({ min: 0, max: 29 }), bytes: fc.integer({ min: 0, max: 5_000_000_000 }) }), { maxLength: 3 }),
    }),
    { maxLength: 3 },
  ),
  flowLogs: fc.array(
    fc.record({
      onVpc: fc.boolean(),
      subnetIndex: fc.integer({ min: 0, max: 3 }),
      trafficType: fc.constantFrom<"ALL" | "ACCEPT" | "REJECT">("ALL", "ACCEPT", "REJECT"),
      failed: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  vpn: fc.constantFrom("none", "attached", "detached"),
  tgw: fc.constantFrom("none", "available", "pendingAcceptance"),
  peeringRegion: fc.constantFrom("none", "us-east-1", "eu-west-1"),
});

type VpcShape = typeof vpcShape extends fc.Arbitrary<infer T> ? T : never;

function build(shapes: VpcShape[]): Inventory {
  const b = new InventoryBuilder();
  for (const shape of shapes) {
    const vpcId = b.vpc(shape.shared ? { ownerId: "999988887777" } : {});
    const subnets = Array.from({ length: shape.subnets }, () => b.subnet({ vpcId }));
    const natSubnet = subnets[0] ?? b.subnet({ vpcId });
    const nat = b.natGateway({ vpcId, subnetId: natSubnet });
    const route = (target: (typeof DEFAULT_TARGETS)[number]) => {
      switch (target) {
        case "none":
          return [];
        case "igw":
          return [routeTo.internetGateway("igw-0aaaabbbbccccdddd")];
        case "nat":
          return [routeTo.nat(nat)];
        case "tgw":
          return [routeTo.transitGateway("tgw-0123abcd4567ef890")];
        case "pcx":
          return [routeTo.peering("pcx-0123abcd4567ef890")];
        case "eni":
          return [routeTo.networkInterface("eni-0123abcd4567ef890")];
        case "instance":
          return [routeTo.instance("i-0123abcd4567ef890", "eni-0fedcba987654321f")];
        case "blackhole-nat":
          return [routeTo.blackhole(routeTo.nat("nat-0dead0dead0dead01"))];
      }
    };
    const main = shape.mainTable ? b.routeTable({ vpcId, main: true, routes: route(shape.defaultTarget) }) : undefined;
    const explicit = Array.from({ length: shape.explicitTables }, (_, i) =>
      b.routeTable({ vpcId, subnetIds: subnets.filter((_, j) => j % 2 === i % 2 && j > 0), routes: route(shape.explicitTarget) }),
    );
    for (const g of shape.gateways) {
      b.gatewayEndpoint({ vpcId, service: g.service, state: g.state, routeTableIds: g.attachMain && main ? [main] : explicit.slice(0, 1) });
    }
    for (const e of shape.endpoints) {
      const id = b.interfaceEndpoint({ vpcId, service: e.service, state: e.state, subnetIds: subnets.slice(0, 3), createdAt: daysBefore(FIXTURE_NOW, e.ageDays) });
      b.traffic(id, e.traffic);
    }
    for (const f of shape.flowLogs) {
      const resourceId = f.onVpc ? vpcId : subnets[f.subnetIndex];
      if (resourceId) b.flowLog({ resourceId, trafficType: f.trafficType, deliverLogsStatus: f.failed ? "FAILED" : "SUCCESS" });
    }
    if (shape.vpn !== "none") b.vpnGateway({ attachments: [{ vpcId, state: shape.vpn === "attached" ? "attached" : "detached" }] });
    if (shape.tgw !== "none") b.transitGatewayAttachment({ vpcId, state: shape.tgw === "available" ? "available" : "pendingAcceptance" });
    if (shape.peeringRegion !== "none") b.peering({ requesterVpcId: vpcId, accepterVpcId: "vpc-0c0ffee0c0ffee001", accepterRegion: shape.peeringRegion });
  }
  return b.build();
}

function resourcesOf(inventory: Inventory, resourceType: string): ReadonlyMap<string, unknown> {
  if (resourceType === ResourceTypes.VpcEndpoint) return inventory.vpcEndpoints;
  if (resourceType === ResourceTypes.Subnet) return inventory.subnets;
  return inventory.vpcs;
}

describe("rule properties on random inventories", () => {
  it.each(RULES.map((r) => [r.metadata.id, r] as const))(
    "Given any inventory, Then %s gives at most one valid finding per resource of its type",
    (id, rule) => {
      fc.assert(
        fc.property(fc.array(vpcShape, { minLength: 1, maxLength: 4 }), (shapes) => {
          const inventory = build(shapes);
          const findings = rule.evaluate({ inventory, params: parseParameters(id, rule.metadata.parameters, {}), now: FIXTURE_NOW });
          const resources = resourcesOf(inventory, rule.metadata.resourceType);
          const seen = new Set<string>();
          for (const f of findings) {
            expect(resources.has(f.resourceId), f.resourceId).toBe(true);
            expect(seen.has(f.resourceId), `${f.resourceId} twice`).toBe(false);
            seen.add(f.resourceId);
            expect(Object.values(Compliance)).toContain(f.compliance);
            expect(f.annotation.trim().length).toBeGreaterThan(0);
            expect(f.annotation.length, f.annotation).toBeLessThanOrEqual(256);
            if (f.monthlySavingsUsd !== undefined) {
              expect(f.compliance).toBe("NON_COMPLIANT");
              expect(f.monthlySavingsUsd).toBeGreaterThan(0);
            }
          }
        }),
        { numRuns: 150, seed: 20261102 },
      );
    },
  );

  it("Given any inventory, Then a COMPLIANT subnet has a route table whose default route goes to a NAT gateway", () => {
    const rule = RULES.find((r) => r.metadata.id === "nat-subnet-has-gateway-endpoints");
    if (!rule) throw new Error("rule missing");
    fc.assert(
      fc.property(fc.array(vpcShape, { minLength: 1, maxLength: 4 }), (shapes) => {
        const inventory = build(shapes);
        const findings = rule.evaluate({ inventory, params: parseParameters(rule.metadata.id, rule.metadata.parameters, {}), now: FIXTURE_NOW });
        for (const f of findings.filter((x) => x.compliance === "COMPLIANT")) {
          const subnet = inventory.subnets.get(f.resourceId);
          const table = subnet ? effectiveRouteTable(inventory, subnet) : undefined;
          expect(table, f.resourceId).toBeDefined();
          const route = table?.routes.find((r) => r.destinationCidrBlock === "0.0.0.0/0");
          expect(route?.natGatewayId).toMatch(/^nat-/);
          expect(route?.state).not.toBe("blackhole");
        }
        // Every subnet this account owns gets a finding: nothing silently skipped.
        const owned = [...inventory.subnets.values()].filter((s) => s.ownerId === inventory.accountId).map((s) => s.id);
        for (const id of owned) expect(findings.some((f) => f.resourceId === id)).toBe(true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});
