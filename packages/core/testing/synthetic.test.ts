/**
 * The synthetic inventory generator: deterministic, SDK-shaped, realistic per VPC, and consistent
 * (every reference points at a resource of the same VPC), so benchmarks and collector tests can trust it.
 */
import { describe, expect, it } from "vitest";
import { normaliseEndpointState, parseRegion } from "../src/inventory/parse";
import { hubZoneVpcs, privateDnsOffVpcs } from "../src/inventory/parts/vpc-dns-attributes";
import { effectiveRouteTable, endpointMetricSum, privateHostedZonesOf, subnetsByZone, vpcDnsAttributesOf } from "../src/inventory/queries";
import { checkSnapshot } from "../src/inventory/snapshot";
import {
  createRng,
  endpointDatapoints,
  pageAt,
  syntheticRegion,
  syntheticRegionWithCounts,
  syntheticSnapshot,
  toPages,
} from "./synthetic";

const NOW = new Date("2025-06-02T00:00:00.000Z");
const ACCOUNT = "123456789012";

describe("createRng", () => {
  it("Given the same seed, Then the same sequence in [0, 1); another seed gives another sequence", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(seqA);
    expect(Array.from({ length: 1000 }, c)).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: each tenth of [0, 1) gets 5–15 % of the draws.
    const buckets = new Array<number>(10).fill(0);
    for (const x of seqA) buckets[Math.floor(x * 10)]! += 1;
    for (const n of buckets) {
      expect(n).toBeGreaterThan(50);
      expect(n).toBeLessThan(150);
    }
  });
});

describe("syntheticRegion", () => {
  it("Given the same options, Then the same region; another seed gives another region", () => {
    const a = syntheticRegion({ seed: 3, vpcs: 20, now: NOW });
    expect(syntheticRegion({ seed: 3, vpcs: 20, now: NOW })).toEqual(a);
    expect(syntheticRegion({ seed: 4, vpcs: 20, now: NOW })).not.toEqual(a);
  });

  it("Given counts, Then subnets and route tables per VPC and the interface endpoint total are exactly as asked, and the reported counts match the lists", () => {
    const { raw, counts } = syntheticRegionWithCounts({ seed: 8, vpcs: 1000, interfaceEndpoints: 2500, sharedVpcRatio: 0, now: NOW });

    expect(raw.vpcs).toHaveLength(1000);
    expect(raw.subnets).toHaveLength(6000);
    expect(raw.routeTables).toHaveLength(4000);
    expect(raw.vpcEndpoints?.filter((e) => e.VpcEndpointType === "Interface")).toHaveLength(2500);
    expect(counts).toEqual({
      vpcs: raw.vpcs?.length,
      subnets: raw.subnets?.length,
      routeTables: raw.routeTables?.length,
      natGateways: raw.natGateways?.length,
      vpcEndpoints: raw.vpcEndpoints?.length,
      interfaceEndpoints: 2500,
      meteredEndpoints: new Set(raw.endpointMetrics?.queries.map((q) => q.endpointId)).size,
      flowLogs: raw.flowLogs?.length,
      vpnGateways: raw.vpnGateways?.length,
      transitGatewayAttachments: raw.transitGatewayAttachments?.length,
      vpcPeeringConnections: raw.vpcPeeringConnections?.length,
      vpcEndpointServices: raw.vpcEndpointServices?.length,
      dnsCheckedVpcs: raw.vpcHostedZones?.length,
      hubZoneVpcs: new Set(raw.vpcDnsAttributes?.map((a) => a.VpcId)).size,
      securityGroups: raw.securityGroups?.length,
      s3Buckets: raw.s3Buckets?.length,
      datapoints: raw.endpointMetrics?.results.reduce((n, r) => n + (r.Values?.length ?? 0), 0),
    });
    expect(raw.vpcDnsAttributes).toHaveLength(2 * counts.hubZoneVpcs);
    expect(counts.hubZoneVpcs).toBeGreaterThan(0);
    expect(counts.hubZoneVpcs).toBeLessThan(counts.dnsCheckedVpcs);
    // Ratios per VPC.
    expect(counts.natGateways).toBeGreaterThanOrEqual(1000);
    expect(counts.natGateways).toBeLessThanOrEqual(3000);
    const vpcFlowLogs = raw.flowLogs?.filter((f) => f.ResourceId?.startsWith("vpc-")).length ?? 0;
    expect(vpcFlowLogs / 1000).toBeGreaterThan(0.75);
    expect(vpcFlowLogs / 1000).toBeLessThan(0.95);
    expect(counts.vpnGateways).toBeGreaterThan(20);
    expect(counts.transitGatewayAttachments).toBeGreaterThan(50);
    expect(counts.vpcPeeringConnections).toBe(50);
    const gateways = raw.vpcEndpoints?.filter((e) => e.VpcEndpointType === "Gateway") ?? [];
    expect(gateways.filter((e) => e.ServiceName?.endsWith(".s3")).length / 1000).toBeGreaterThan(0.6);
    expect(gateways.filter((e) => e.ServiceName?.endsWith(".dynamodb")).length / 1000).toBeGreaterThan(0.2);
  });

  it("Given any region, Then ids are unique and shaped like AWS ids", () => {
    const raw = syntheticRegion({ seed: 5, vpcs: 300, now: NOW });
    const check = (ids: (string | undefined)[], pattern: RegExp): void => {
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(pattern);
    };
    check(raw.vpcs!.map((v) => v.VpcId), /^vpc-[0-9a-f]{17}$/);
    check(raw.subnets!.map((s) => s.SubnetId), /^subnet-[0-9a-f]{17}$/);
    check(raw.routeTables!.map((r) => r.RouteTableId), /^rtb-[0-9a-f]{17}$/);
    check(raw.natGateways!.map((n) => n.NatGatewayId), /^nat-[0-9a-f]{17}$/);
    check(raw.vpcEndpoints!.map((e) => e.VpcEndpointId), /^vpce-[0-9a-f]{17}$/);
    check(raw.flowLogs!.map((f) => f.FlowLogId), /^fl-[0-9a-f]{17}$/);
    check(raw.vpnGateways!.map((g) => g.VpnGatewayId), /^vgw-[0-9a-f]{17}$/);
    check(raw.transitGatewayAttachments!.map((a) => a.TransitGatewayAttachmentId), /^tgw-attach-[0-9a-f]{17}$/);
    check(raw.vpcPeeringConnections!.map((p) => p.VpcPeeringConnectionId), /^pcx-[0-9a-f]{17}$/);
  });

  it("Given any region, Then every reference stays inside its VPC and the routing is realistic (main table, IGW for public, NAT for private, gateway endpoint routes)", () => {
    const raw = syntheticRegion({ seed: 6, vpcs: 200, interfaceEndpoints: 600, now: NOW });
    const inventory = parseRegion(raw, ACCOUNT, NOW);
    const own = [...inventory.vpcs.values()].filter((v) => v.ownerId === ACCOUNT);
    const shared = [...inventory.vpcs.values()].filter((v) => v.ownerId !== ACCOUNT);
    expect(own.length).toBeGreaterThan(180);

    for (const vpc of own) {
      const tables = [...inventory.routeTables.values()].filter((t) => t.vpcId === vpc.id);
      expect(tables.filter((t) => t.isMain), vpc.id).toHaveLength(1);
      const nats = [...inventory.natGateways.values()].filter((n) => n.vpcId === vpc.id);
      expect(nats.length).toBeGreaterThanOrEqual(1);
      expect(nats.length).toBeLessThanOrEqual(3);
      for (const n of nats) expect(inventory.subnets.get(n.subnetId ?? "")?.vpcId).toBe(vpc.id);
    }
    for (const vpc of shared) expect([...inventory.routeTables.values()].some((t) => t.vpcId === vpc.id)).toBe(false);

    let viaNat = 0;
    let isolated = 0;
    for (const subnet of inventory.subnets.values()) {
      if (inventory.vpcs.get(subnet.vpcId)?.ownerId !== ACCOUNT) continue;
      const rt = effectiveRouteTable(inventory, subnet);
      expect(rt?.vpcId).toBe(subnet.vpcId);
      const def = rt?.routes.find((r) => r.destinationCidrBlock === "0.0.0.0/0");
      if (def?.natGatewayId) {
        viaNat++;
        expect(inventory.natGateways.get(def.natGatewayId)?.vpcId).toBe(subnet.vpcId);
      } else if (def?.gatewayId) {
        expect(def.gatewayId).toMatch(/^igw-/);
      } else {
        isolated++;
        expect(rt?.isMain).toBe(true);
      }
    }
    expect(viaNat).toBeGreaterThan(300);
    expect(isolated).toBeGreaterThan(300);

    for (const e of inventory.vpcEndpoints.values()) {
      if (e.type === "Gateway") {
        expect(e.serviceName).toMatch(/^com\.amazonaws\.us-east-1\.(s3|dynamodb)$/);
        for (const rtId of e.routeTableIds) {
          const rt = inventory.routeTables.get(rtId);
          expect(rt?.vpcId).toBe(e.vpcId);
          expect(rt?.routes.some((r) => r.gatewayId === e.id && r.destinationPrefixListId?.startsWith("pl-"))).toBe(true);
        }
      } else {
        expect(e.type).toBe("Interface");
        expect(e.subnetIds.length).toBeGreaterThanOrEqual(1);
        for (const s of e.subnetIds) expect(inventory.subnets.get(s)?.vpcId).toBe(e.vpcId);
      }
    }
    for (const p of inventory.vpcPeeringConnections.values()) expect(p.requester.vpcId).not.toBe(p.accepter.vpcId);
    const states = new Set([...inventory.vpcEndpoints.values()].map((e) => e.state));
    expect(states.has("available")).toBe(true);
    expect(states.has("unknown")).toBe(false);
  });

  it("Given a metric window, Then two queries per interface endpoint that is not going away (ids e0, e0m1, e1… in list order: BytesProcessed, PacketsDropped), datapoints inside the window in ascending order, and some idle endpoints", () => {
    const raw = syntheticRegion({ seed: 7, vpcs: 50, interfaceEndpoints: 400, metricDays: 14, idleEndpointRatio: 0.3, now: NOW });
    const metrics = raw.endpointMetrics!;
    const expected = raw.vpcEndpoints!.filter((e) => e.VpcEndpointType === "Interface" && !["deleting", "deleted"].includes(normaliseEndpointState(e.State)));

    expect(metrics.queries).toEqual(
      expected.flatMap((e, i) => [
        { id: `e${i}`, endpointId: e.VpcEndpointId },
        { id: `e${i}m1`, endpointId: e.VpcEndpointId, metric: "PacketsDropped" },
      ]),
    );
    expect(metrics).toMatchObject({ startTime: "2025-05-19T00:00:00.000Z", endTime: NOW.toISOString(), period: 86400 });
    const start = Date.parse(metrics.startTime);
    let idle = 0;
    let dropping = 0;
    for (const r of metrics.results) {
      const ts = (r.Timestamps ?? []).map((t) => t.getTime());
      expect(ts.length).toBe(r.Values?.length);
      expect(ts).toEqual([...ts].sort((x, y) => x - y));
      for (const t of ts) expect(t >= start && t < NOW.getTime()).toBe(true);
      for (const v of r.Values ?? []) expect(v).toBeGreaterThan(0);
      if (r.Id?.endsWith("m1")) dropping += ts.length > 0 ? 1 : 0;
      else if (ts.length === 0) idle++;
    }
    expect(idle / expected.length).toBeGreaterThan(0.2);
    expect(idle / expected.length).toBeLessThan(0.5);
    // A few endpoints dropped packets; most published no PacketsDropped datapoint at all.
    expect(dropping).toBeGreaterThan(0);
    expect(dropping / expected.length).toBeLessThan(0.15);
    // endpointDatapoints gives the same datapoints keyed by endpoint.
    const byEndpoint = endpointDatapoints(raw);
    const first = metrics.results.find((r) => (r.Values?.length ?? 0) > 0)!;
    const firstEndpoint = metrics.queries.find((q) => q.id === first.Id)!.endpointId;
    expect(byEndpoint.get(firstEndpoint)).toEqual({ Timestamps: first.Timestamps, Values: first.Values });
  });

  it("Given a region, Then each tier of subnets spans zones, the endpoint services list every service the endpoints use with its zones and DNS name, and the DNS attributes and hosted zones are those the collector reads", () => {
    const raw = syntheticRegion({ seed: 9, vpcs: 120, interfaceEndpoints: 600, now: NOW });
    const inventory = parseRegion(raw, ACCOUNT, NOW);
    for (const vpc of inventory.vpcs.values()) expect(subnetsByZone(inventory, vpc.id).size, vpc.id).toBe(2);
    for (const e of inventory.vpcEndpoints.values()) {
      if (e.type !== "Interface") continue;
      const service = inventory.vpcEndpointServices.get(e.serviceName);
      expect(service?.owner, e.serviceName).toBe("amazon");
      expect(service?.privateDnsName).toMatch(/amazonaws\.com$/);
    }
    const partial = [...inventory.vpcEndpointServices.values()].filter((s) => s.availabilityZones.length < 3);
    expect(partial.length).toBeGreaterThan(0);
    const checked = privateDnsOffVpcs(raw.vpcEndpoints!, raw.vpcEndpointServices!, "us-east-1");
    expect(checked.length).toBeGreaterThan(5);
    expect(raw.vpcHostedZones!.map((z) => z.VPCId)).toEqual(checked);
    for (const vpcId of checked) expect(privateHostedZonesOf(inventory, vpcId)).toBeDefined();
    // DNS hubs (about 5% of the VPCs) hold most endpoints with private DNS off, with a zone for each name.
    const hub = checked.filter((v) => (privateHostedZonesOf(inventory, v) ?? []).some((z) => z.owningAccount === "111100002222"));
    expect(hub.length).toBeGreaterThan(0);
    expect(hub.length / inventory.vpcs.size).toBeLessThan(0.15);
    for (const vpcId of hub) {
      const names = new Set((privateHostedZonesOf(inventory, vpcId) ?? []).map((z) => z.name));
      for (const e of inventory.vpcEndpoints.values()) {
        if (e.vpcId !== vpcId || e.type !== "Interface" || /\.(s3|dynamodb)$/.test(e.serviceName)) continue;
        expect(e.privateDnsEnabled, e.id).toBe(false);
        expect(names.has(inventory.vpcEndpointServices.get(e.serviceName)?.privateDnsName ?? "")).toBe(true);
      }
    }
    // DNS attributes: exactly for the VPCs with a zone named like such an endpoint's service (the hub zones).
    expect(hubZoneVpcs(raw.vpcEndpoints!, raw.vpcEndpointServices!, raw.vpcHostedZones!, "us-east-1")).toEqual(hub);
    expect([...inventory.vpcDnsAttributes.keys()]).toEqual(hub);
    for (const vpcId of hub) expect(vpcDnsAttributesOf(inventory, vpcId)?.enableDnsSupport).toBe(true);
    // PacketsDropped is measured for every metered endpoint.
    const metered = raw.endpointMetrics!.queries.filter((q) => q.metric === "PacketsDropped");
    for (const q of metered) expect(endpointMetricSum(inventory, "PacketsDropped", q.endpointId, new Date(NOW.getTime() - 7 * 86_400_000), NOW)).toBeGreaterThanOrEqual(0);
  });

  it("Given metricDays 0, Then no endpoint metrics are generated", () => {
    expect(syntheticRegion({ vpcs: 3, metricDays: 0 }).endpointMetrics).toBeUndefined();
  });

  it("Given a count that is not a non-negative integer, Then a RangeError names the option", () => {
    expect(() => syntheticRegion({ vpcs: -1 })).toThrow(new RangeError("vpcs must be a non-negative integer, got -1"));
    expect(() => syntheticRegion({ interfaceEndpoints: 1.5 })).toThrow(/interfaceEndpoints/);
  });

  it("Given zero VPCs, Then an empty but well-formed region", () => {
    const raw = syntheticRegion({ vpcs: 0 });
    expect(raw.vpcs).toEqual([]);
    expect(raw.vpcEndpoints).toEqual([]);
    expect(raw.endpointMetrics?.queries).toEqual([]);
  });

  it("Given syntheticSnapshot, Then it passes the snapshot checks", () => {
    const snapshot = syntheticSnapshot({ vpcs: 4, now: NOW });
    expect(checkSnapshot(JSON.parse(JSON.stringify(snapshot)))).toMatchObject({ accountId: ACCOUNT, capturedAt: NOW.toISOString() });
  });
});

describe("API paging helpers", () => {
  const items = Array.from({ length: 2345 }, (_, i) => ({ SubnetId: `subnet-${i}` }));

  it("Given a list and a page size, Then toPages cuts full pages, a shorter last page, tokens on all but the last, and the pages concatenate to the list", () => {
    const pages = toPages(items, 1000);
    expect(pages.map((p) => p.items.length)).toEqual([1000, 1000, 345]);
    expect(pages.map((p) => p.nextToken === undefined)).toEqual([false, false, true]);
    expect(pages.flatMap((p) => p.items)).toEqual(items);
  });

  it("Given an empty list, Then one empty page without a token", () => {
    expect(toPages([], 100)).toEqual([{ items: [] }]);
  });

  it("Given a token from a previous page, Then pageAt continues after it, and the token is opaque", () => {
    const first = pageAt(items, 100);
    const second = pageAt(items, 1000, first.nextToken);
    expect(second.items[0]).toBe(items[100]);
    expect(second.items).toHaveLength(1000);
    expect(first.nextToken).not.toContain("100");
  });

  it("Given a token that was never issued, Then an InvalidNextToken error, like EC2's", () => {
    expect(() => pageAt(items, 100, "bm90LWEtdG9rZW4=")).toThrow(expect.objectContaining({ name: "InvalidNextToken" }));
    expect(() => pageAt(items, 0)).toThrow(RangeError);
  });
});
