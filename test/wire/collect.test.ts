/**
 * The real collector (`collectRegion`, `scanAccount`) over the real SDK stack against fake-aws serving
 * synthetic inventories: what it collects equals the source, it makes exactly the floor of calls, it
 * survives throttling and server errors, and a list that keeps failing becomes an error, not a guess.
 */
import type { TransitGatewayVpcAttachment, VpcPeeringConnection, VpnGateway } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { prepareRules, collectRegion, normaliseEndpointState, parseRegion, ALL_PARTS, type InventoryPart, type RawRegion, evaluateRawRegions, scanAccount } from "@endpoint-auditor/core";
import { syntheticRegion } from "@endpoint-auditor/core/testing";
import { clientsFor, destroyClients, startFakeAws, type FakeAws, type FakeAwsOptions, type FakeClients, type FakeClientOptions } from "../support/fake-aws";
import { callFloor } from "../bench/floor";
import { ACCOUNT } from "./fixtures";
import { EC2_LIST_PARTS } from "./sdk-lists";

const NOW = new Date("2026-02-01T00:00:00.000Z");
const EU = "eu-west-1";
const US = "us-east-1";
/** The EC2 action of a list part's record (`EC2:DescribeVpcs` → `DescribeVpcs`). */
const EC2_ACTION = Object.fromEntries(EC2_LIST_PARTS.map((p) => [p.key, p.list.api.replace(/^EC2:/, "")])) as Readonly<Record<InventoryPart, string>>;

const euSource = syntheticRegion({ seed: 21, region: EU, now: NOW, vpcs: 150, interfaceEndpoints: 1100, peeringRatio: 0.3, transitGatewayRatio: 0.3, vpnRatio: 0.2 });
const usSource = syntheticRegion({ seed: 22, region: US, now: NOW, vpcs: 20 });

let fake: FakeAws | undefined;
const opened: FakeClients[] = [];

async function start(options: FakeAwsOptions = {}): Promise<FakeAws> {
  fake = await startFakeAws({ seed: 5, ...options, data: { accountId: ACCOUNT, regions: [euSource, usSource], ...options.data } });
  return fake;
}

function clients(server: FakeAws, region: string, options: FakeClientOptions = {}): FakeClients {
  const c = clientsFor(server, region, options);
  opened.push(c);
  return c;
}

afterEach(async () => {
  for (const c of opened.splice(0)) destroyClients(c);
  await fake?.close();
  fake = undefined;
});

function collect(server: FakeAws, region: string, options: FakeClientOptions = {}): Promise<RawRegion> {
  return collectRegion({ region, accountId: ACCOUNT, clients: clients(server, region, options), parts: ALL_PARTS, now: NOW, metricWindowDays: 30 });
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** The filter values the collector sent for a list (its server-side state filter), from the call log. */
function sentFilter(server: FakeAws, action: string, name: string): Set<string> {
  const call = server.calls.of(`EC2:${action}`)[0];
  const filters = (call?.params.Filters ?? call?.params.Filter ?? []) as { Name: string; Values: string[] }[];
  const f = filters.find((x) => x.Name === name);
  if (!f) throw new Error(`${action} was sent without a ${name} filter`);
  return new Set(f.Values);
}

/** Daily datapoints of each endpoint in a raw region, summed per endpoint. */
function bytesByEndpoint(raw: RawRegion): Map<string, number> {
  const inventory = parseRegion(raw, ACCOUNT, NOW);
  const out = new Map<string, number>();
  for (const [id, points] of inventory.endpointMetrics.datapoints.get("BytesProcessed") ?? []) out.set(id, points.reduce((a, p) => a + p.value, 0));
  return out;
}

describe("collectRegion through the real SDK against fake-aws", () => {
  it("Given a synthetic region, When every part is collected, Then each list equals the source (filtered lists: exactly the source items in the states the collector asked for)", async () => {
    const server = await start();
    const raw = await collect(server, EU);
    expect(raw.errors).toBeUndefined();
    for (const part of ["vpcs", "subnets", "routeTables", "natGateways", "vpcEndpoints", "flowLogs"] as const) {
      expect(plain(raw[part]), part).toEqual(plain(euSource[part]));
      expect((raw[part] ?? []).length, part).toBeGreaterThan(0);
    }
    const vpnStates = sentFilter(server, EC2_ACTION.vpnGateways, "state");
    const tgwStates = sentFilter(server, EC2_ACTION.transitGatewayAttachments, "state");
    const peeringCodes = sentFilter(server, EC2_ACTION.vpcPeeringConnections, "status-code");
    const keep = {
      vpnGateways: (euSource.vpnGateways ?? []).filter((g: VpnGateway) => vpnStates.has(g.State ?? "")),
      transitGatewayAttachments: (euSource.transitGatewayAttachments ?? []).filter((a: TransitGatewayVpcAttachment) => tgwStates.has(a.State ?? "")),
      vpcPeeringConnections: (euSource.vpcPeeringConnections ?? []).filter((p: VpcPeeringConnection) => peeringCodes.has(p.Status?.Code ?? "")),
    };
    for (const part of ["vpnGateways", "transitGatewayAttachments", "vpcPeeringConnections"] as const) {
      expect(plain(raw[part]), part).toEqual(plain(keep[part]));
      expect(keep[part].length, part).toBeGreaterThan(0);
    }
  });

  it("Given recorded endpoint traffic, When metrics are collected, Then every metered endpoint is queried and its bytes equal the source's", async () => {
    const server = await start();
    const raw = await collect(server, EU);
    const metered = (euSource.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === "Interface" && !["deleting", "deleted"].includes(normaliseEndpointState(e.State)));
    expect(metered.length).toBeGreaterThan(1000);
    const traffic = parseRegion(raw, ACCOUNT, NOW).endpointMetrics;
    expect(traffic.queried.get("BytesProcessed")).toEqual(new Set(metered.map((e) => e.VpcEndpointId)));
    const expected = bytesByEndpoint(euSource);
    const actual = bytesByEndpoint(raw);
    expect(actual.size).toBeGreaterThan(0);
    for (const e of metered) expect(actual.get(e.VpcEndpointId as string) ?? 0, e.VpcEndpointId).toBeCloseTo(expected.get(e.VpcEndpointId as string) ?? 0, 6);
  });

  it("Given a region, Then the collector makes exactly the floor of calls: ⌈items / max page⌉ per list and ⌈metered / 500⌉ GetMetricData, at the maximum page size", async () => {
    const server = await start();
    const raw = await collect(server, EU);
    // The floor from the part records (each record's page size is checked against the fake's
    // pagination, written from the API references, in test/bench/floor.test.ts).
    const expected = callFloor(raw).byApi;
    expect(server.calls.counts()).toEqual(expected);
    expect(expected["EC2:DescribeRouteTables"]).toBeGreaterThan(1);
    expect(expected["CloudWatch:GetMetricData"]).toBe(3);
    for (const part of EC2_LIST_PARTS) {
      const calls = server.calls.of(part.list.api);
      expect(calls.length, part.key).toBeGreaterThan(0);
      for (const call of calls) expect(call.params.MaxResults, part.key).toBe(part.list.pageSize);
    }
    expect(server.calls.maxConcurrency).toBeGreaterThan(1);
  });

  it("Given GetMetricData answers paginated by datapoints, Then the collector follows NextToken and gets the same traffic", async () => {
    const server = await start({ maxDatapointsPerResponse: 2000 });
    const raw = await collect(server, EU);
    expect(server.calls.count("CloudWatch:GetMetricData")).toBeGreaterThan(3);
    expect(bytesByEndpoint(raw)).toEqual(bytesByEndpoint(euSource));
  });

  it("Given DescribeFlowLogs fails for good, Then that list is an error naming the call and code, the other lists are collected", async () => {
    const server = await start({ faults: [{ service: "EC2", action: "DescribeFlowLogs", fail: true }] });
    const raw = await collect(server, EU);
    expect(raw.flowLogs).toBeUndefined();
    expect(raw.errors).toEqual([{ part: "flowLogs", call: "ec2:DescribeFlowLogs", code: "UnauthorizedOperation", message: "You are not authorized to perform this operation." }]);
    expect(plain(raw.vpcs)).toEqual(plain(euSource.vpcs));
  });

  it("Given GetMetricData fails for good, Then endpointMetrics is an error and the endpoint list is still collected", async () => {
    const server = await start({ faults: [{ service: "CloudWatch", fail: true }] });
    const raw = await collect(server, EU);
    expect(raw.endpointMetrics).toBeUndefined();
    expect(raw.errors?.map((e) => [e.part, e.code])).toEqual([["endpointMetrics", "AccessDenied"]]);
    expect(raw.vpcEndpoints).toHaveLength(euSource.vpcEndpoints?.length ?? -1);
  });
});

describe("scanAccount through the real SDK against fake-aws", () => {
  const rules = prepareRules();
  const expected = evaluateRawRegions(ACCOUNT, [euSource, usSource], rules, NOW);

  it("Given two regions, When the whole account is scanned, Then the evaluations equal those of the source inventories", async () => {
    const server = await start();
    const out = await scanAccount({ regions: [EU, US], now: NOW, clientsFor: (region) => clients(server, region) });
    expect(out.accountId).toBe(ACCOUNT);
    expect(out.errors).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations);
    expect(new Set(out.evaluations.map((e) => e.compliance))).toEqual(new Set(["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]));
    expect(server.calls.count("STS:GetCallerIdentity")).toBe(1);
  });

  it("Given 30% throttling and 5% internal errors on EC2 and CloudWatch, When the account is scanned with the SDK's retries, Then the evaluations equal a clean run", async () => {
    const server = await start({
      faults: [
        { service: "EC2", throttle: 0.3, internalError: 0.05 },
        { service: "CloudWatch", throttle: 0.3, internalError: 0.05 },
      ],
    });
    const out = await scanAccount({ regions: [EU, US], now: NOW, clientsFor: (region) => clients(server, region, { maxAttempts: 10 }) });
    expect(out.errors).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations);
    expect(server.calls.count(undefined, "throttled")).toBeGreaterThan(0);
    expect(server.calls.count(undefined, "internal-error")).toBeGreaterThan(0);
  });

  it("Given one region failing entirely, Then the other region's evaluations are intact and the failing one reports errors, not evaluations", async () => {
    const server = await start({ faults: [{ service: "EC2", region: US, fail: true }] });
    const out = await scanAccount({ regions: [EU, US], now: NOW, clientsFor: (region) => clients(server, region, { maxAttempts: 2 }) });
    expect(out.evaluations).toEqual(expected.evaluations.filter((e) => e.region === EU));
    expect(out.evaluations.some((e) => e.region === US)).toBe(false);
    expect(out.errors.length).toBeGreaterThan(0);
    expect(out.errors.every((e) => e.region === US)).toBe(true);
  });
});
