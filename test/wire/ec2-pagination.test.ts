/**
 * fake-aws paginates like EC2: MaxResults within each API's documented bounds, nextToken until the end,
 * tokens bound to the request that produced them.
 */
import { DescribeFlowLogsCommand, DescribeRouteTablesCommand, DescribeSubnetsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientsFor, destroyClients, pageLimits, startFakeAws, type FakeAws, type FakeClients } from "../support/fake-aws";
import type { Ec2ListKey } from "../support/fake-aws/ec2";
import { manyVpcs, richRegion } from "./fixtures";
import { EC2_LIST_KEYS, MAX_PAGE, listAll } from "./sdk-lists";

const REGION = "eu-west-1";
const VPCS = 1001;

describe("EC2 pagination through the real SDK", () => {
  let fake: FakeAws;
  let clients: FakeClients;
  const data = manyVpcs(REGION, VPCS, 1);
  data.vpnGateways = richRegion(REGION).vpnGateways;

  beforeAll(async () => {
    fake = await startFakeAws({ data: { regions: [data] } });
    clients = clientsFor(fake, REGION);
  });
  afterAll(async () => {
    destroyClients(clients);
    await fake.close();
  });

  it("Given the documented MaxResults bounds, Then the fake enforces them per API (route tables 5–100, others 5–1000)", () => {
    expect(pageLimits("DescribeRouteTables")).toEqual({ min: 5, max: 100, overMax: "error" });
    expect(pageLimits("DescribeVpcs")).toEqual({ min: 5, max: 1000, overMax: "error" });
    expect(pageLimits("DescribeVpcEndpoints")).toEqual({ min: 5, max: 1000, overMax: "cap" });
    expect(pageLimits("DescribeVpnGateways")).toBeUndefined();
  });

  for (const list of EC2_LIST_KEYS.filter((l) => l !== "vpnGateways")) {
    it(`Given ${list} longer than one page, When listed at the maximum page size, Then it takes ⌈items / max⌉ calls and returns every item once, in order`, async () => {
      const source = (data[list] ?? []) as unknown[];
      const max = MAX_PAGE[list] as number;
      const before = fake.calls.count();
      const { items, pages, pageSizes } = await listAll(clients.ec2, list, max);
      expect(items.length).toBe(source.length);
      expect(JSON.parse(JSON.stringify(items))).toEqual(JSON.parse(JSON.stringify(source)));
      expect(pages).toBe(Math.ceil(source.length / max));
      expect(pages).toBeGreaterThan(1);
      expect(Math.max(...pageSizes)).toBeLessThanOrEqual(max);
      expect(fake.calls.count() - before).toBe(pages);
    });
  }

  it("Given DescribeVpnGateways (no pagination in the API), Then one call returns every gateway and no token", async () => {
    const { items, pages } = await listAll(clients.ec2, "vpnGateways", undefined);
    expect(pages).toBe(1);
    expect(items).toHaveLength(2);
  });

  it("Given MaxResults 5 (the minimum), Then pages hold 5 items", async () => {
    const out = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    expect(out.Vpcs).toHaveLength(5);
    expect(out.NextToken).toBeTruthy();
  });

  it.each([
    ["DescribeRouteTables above 100", () => new DescribeRouteTablesCommand({ MaxResults: 101 })],
    ["DescribeRouteTables below 5", () => new DescribeRouteTablesCommand({ MaxResults: 4 })],
    ["DescribeVpcs above 1000", () => new DescribeVpcsCommand({ MaxResults: 1001 })],
    ["DescribeSubnets at 0", () => new DescribeSubnetsCommand({ MaxResults: 0 })],
  ])("Given %s, Then the SDK raises InvalidParameterValue (400) and no retry is made", async (_name, command) => {
    const before = fake.calls.count();
    const error = await clients.ec2.send(command() as DescribeVpcsCommand).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InvalidParameterValue", $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect((error as Error).message).toMatch(/maxResults/);
    expect(fake.calls.count() - before).toBe(1);
  });

  it("Given DescribeVpcEndpoints or DescribeFlowLogs with MaxResults above 1000, Then the page is capped at 1000 as documented", async () => {
    const endpoints = await clients.ec2.send(new DescribeVpcEndpointsCommand({ MaxResults: 5000 }));
    expect(endpoints.VpcEndpoints).toHaveLength(1000);
    expect(endpoints.NextToken).toBeTruthy();
    const flowLogs = await clients.ec2.send(new DescribeFlowLogsCommand({ MaxResults: 2000 }));
    expect(flowLogs.FlowLogs).toHaveLength(1000);
  });

  it("Given no MaxResults, Then a page holds the API maximum and a nextToken follows (a collector must page)", async () => {
    const out = await clients.ec2.send(new DescribeRouteTablesCommand({}));
    expect(out.RouteTables).toHaveLength(100);
    expect(out.NextToken).toBeTruthy();
  });

  it("Given MaxResults together with explicit ids, Then the SDK raises InvalidParameterCombination", async () => {
    const error = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 5, VpcIds: ["vpc-000001"] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InvalidParameterCombination" });
  });

  it("Given a nextToken from another list or another filter, Then the SDK raises InvalidPaginationToken", async () => {
    const vpcs = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    const wrongList = await clients.ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: vpcs.NextToken })).catch((e: unknown) => e);
    expect(wrongList).toMatchObject({ name: "InvalidPaginationToken" });
    const wrongFilter = await clients.ec2
      .send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: vpcs.NextToken, Filters: [{ Name: "state", Values: ["available"] }] }))
      .catch((e: unknown) => e);
    expect(wrongFilter).toMatchObject({ name: "InvalidPaginationToken" });
    const garbage = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: "not-a-token" })).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ name: "InvalidPaginationToken" });
  });

  it("Given a filter, Then pagination runs over the filtered items only", async () => {
    const filters = [{ Name: "state", Values: ["pending"] }];
    const expected = (data.vpcs ?? []).filter((v) => v.State === "pending").map((v) => v.VpcId);
    const { items, pages } = await listAll(clients.ec2, "vpcs", 100, filters);
    expect(items.map((v) => (v as { VpcId: string }).VpcId)).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 100));
  });
});

describe("EC2 pagination option: everything without MaxResults", () => {
  it("Given ec2DefaultPageSize 'all', When no MaxResults is sent, Then one call returns the whole list", async () => {
    const fake = await startFakeAws({ ec2DefaultPageSize: "all", data: { regions: [manyVpcs(REGION, 150, 1)] } });
    const clients = clientsFor(fake, REGION);
    try {
      const out = await clients.ec2.send(new DescribeRouteTablesCommand({}));
      expect(out.RouteTables).toHaveLength(300);
      expect(out.NextToken).toBeUndefined();
      const list: Ec2ListKey = "routeTables";
      const paged = await listAll(clients.ec2, list, 100);
      expect(paged.pages).toBe(3);
    } finally {
      destroyClients(clients);
      await fake.close();
    }
  });
});
