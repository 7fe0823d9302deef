/**
 * CloudWatch GetMetricData through the real client (AWS JSON 1.0, query-compatible errors): datapoints
 * of PrivateLink endpoints by their full dimension set, the 500-query limit, datapoint pagination.
 */
import { GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { parseRegion, type RawEndpointMetrics } from "@endpoint-auditor/core";
import { bytesProcessedSeries, clientsFor, destroyClients, startFakeAws, type FakeAws, type FakeAwsOptions, type FakeClients, type MetricPoint } from "../support/fake-aws";
import { ACCOUNT, NOW, manyVpcs, richRegion } from "./fixtures";

const REGION = "eu-west-1";
const DAY = 86_400_000;
const START = new Date(NOW.getTime() - 30 * DAY);

interface Dim {
  Name: string;
  Value: string;
}

function endpointDimensions(e: VpcEndpoint): Dim[] {
  return [
    { Name: "Endpoint Type", Value: e.VpcEndpointType ?? "" },
    { Name: "Service Name", Value: e.ServiceName ?? "" },
    { Name: "VPC Endpoint Id", Value: e.VpcEndpointId ?? "" },
    { Name: "VPC Id", Value: e.VpcId ?? "" },
  ];
}

/** The query the collector sends for one endpoint: Sum of BytesProcessed over the full dimension set, daily. */
function endpointQuery(id: string, e: VpcEndpoint, options: { dimensions?: Dim[]; stat?: string } = {}): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/PrivateLinkEndpoints", MetricName: "BytesProcessed", Dimensions: options.dimensions ?? endpointDimensions(e) },
      Period: 86_400,
      Stat: options.stat ?? "Sum",
    },
    ReturnData: true,
  };
}

let fake: FakeAws | undefined;
let clients: FakeClients | undefined;

async function setup(options: FakeAwsOptions): Promise<{ fake: FakeAws; clients: FakeClients }> {
  fake = await startFakeAws(options);
  clients = clientsFor(fake, REGION, { maxAttempts: 2 });
  return { fake, clients };
}

afterEach(async () => {
  if (clients) destroyClients(clients);
  await fake?.close();
  clients = undefined;
  fake = undefined;
});

/** Sends the queries, following NextToken; returns every page's results concatenated and the page count. */
async function getAll(cw: FakeClients["cloudwatch"], queries: MetricDataQuery[], extra: { MaxDatapoints?: number } = {}): Promise<{ results: MetricDataResult[]; pages: number; statuses: string[] }> {
  const results: MetricDataResult[] = [];
  const statuses: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await cw.send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: queries, NextToken: token, ...extra }));
    pages++;
    for (const r of out.MetricDataResults ?? []) {
      results.push(r);
      statuses.push(r.StatusCode ?? "");
    }
    token = out.NextToken;
  } while (token);
  return { results, pages, statuses };
}

describe("GetMetricData through the real CloudWatch client", () => {
  it("Given recorded endpoint traffic, When the collector's queries are sent, Then parseRegion reads the same traffic as from the source", async () => {
    const source = richRegion(REGION);
    const { clients } = await setup({ data: { regions: [source] } });
    const endpoints = source.vpcEndpoints ?? [];
    const queried = source.endpointMetrics?.queries ?? [];
    const queries = queried.map((q) => endpointQuery(q.id, endpoints.find((e) => e.VpcEndpointId === q.endpointId) as VpcEndpoint));
    const { results } = await getAll(clients.cloudwatch, queries);
    expect(results.find((r) => r.Id === "e0")?.Timestamps?.[0]).toBeInstanceOf(Date);
    const viaSdk: RawEndpointMetrics = { ...(source.endpointMetrics as RawEndpointMetrics), results };
    const expected = parseRegion({ region: REGION, vpcEndpoints: endpoints, endpointMetrics: source.endpointMetrics }, ACCOUNT, NOW).endpointMetrics;
    const actual = parseRegion({ region: REGION, vpcEndpoints: endpoints, endpointMetrics: viaSdk }, ACCOUNT, NOW).endpointMetrics;
    expect(actual).toEqual(expected);
    expect(actual.datapoints.get("BytesProcessed")?.get("vpce-0a-s3if")?.map((d) => d.value).sort()).toEqual([0, 1_048_576, 2_000_000.5]);
    expect(actual.queried.get("BytesProcessed")?.has("vpce-0a-idle")).toBe(true);
    expect(results.find((r) => r.Id === "e1")).toMatchObject({ StatusCode: "Complete", Timestamps: [], Values: [] });
  });

  it("Given a query that leaves out one dimension of the set, Then no datapoints come back (CloudWatch matches the whole dimension set)", async () => {
    const source = richRegion(REGION);
    const { clients } = await setup({ data: { regions: [source] } });
    const endpoint = source.vpcEndpoints?.[0] as VpcEndpoint;
    const full = endpointQuery("full", endpoint);
    const partial = endpointQuery("partial", endpoint, { dimensions: endpointDimensions(endpoint).filter((d) => d.Name !== "Endpoint Type") });
    const wrongService = endpointQuery("wrong", endpoint, {
      dimensions: endpointDimensions(endpoint).map((d) => (d.Name === "Service Name" ? { ...d, Value: "com.amazonaws.eu-west-1.s3-global" } : d)),
    });
    const { results } = await getAll(clients.cloudwatch, [full, partial, wrongService]);
    expect(results.find((r) => r.Id === "full")?.Values).toHaveLength(3);
    expect(results.find((r) => r.Id === "partial")?.Values).toEqual([]);
    expect(results.find((r) => r.Id === "wrong")?.Values).toEqual([]);
  });

  it("Given 500 queries, Then they are answered in one call; Given 501, Then the SDK raises ValidationException (Code ValidationError, 400) without retrying", async () => {
    const region = manyVpcs(REGION, 501, 1);
    const { fake, clients } = await setup({ data: { regions: [region] } });
    const queries = (region.vpcEndpoints ?? []).map((e, i) => endpointQuery(`e${i}`, e));
    const ok = await clients.cloudwatch.send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: queries.slice(0, 500) }));
    expect(ok.MetricDataResults).toHaveLength(500);
    const error = await clients.cloudwatch.send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: queries })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ValidationException", Code: "ValidationError", $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect((error as Error).message).toContain("500");
    expect(fake.calls.count("CloudWatch:GetMetricData")).toBe(2);
  });

  it("Given more datapoints than one response may carry, When NextToken is followed, Then every datapoint arrives exactly once across pages", async () => {
    const region = manyVpcs(REGION, 6, 1);
    const interfaces = (region.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === "Interface");
    const daily = (n: number, scale: number): MetricPoint[] => Array.from({ length: n }, (_, d) => ({ timestamp: new Date(NOW.getTime() - (d + 1) * DAY), value: scale * (d + 1) }));
    const series = interfaces.map((e, i) => bytesProcessedSeries(e, daily(5, 10 ** i)));
    const { fake, clients } = await setup({ data: { regions: [region], metrics: { [REGION]: series } }, maxDatapointsPerResponse: 4 });
    const queries = interfaces.map((e, i) => endpointQuery(`q${i}`, e));
    const { results, pages, statuses } = await getAll(clients.cloudwatch, queries);
    expect(interfaces).toHaveLength(3);
    expect(pages).toBe(Math.ceil(15 / 4));
    expect(fake.calls.count("CloudWatch:GetMetricData")).toBe(pages);
    expect(statuses).toContain("PartialData");
    for (let i = 0; i < interfaces.length; i++) {
      const values = results.filter((r) => r.Id === `q${i}`).flatMap((r) => r.Values ?? []);
      expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5].map((d) => d * 10 ** i));
    }
  });

  it("Given MaxDatapoints in the request smaller than the server's budget, Then pages honour it", async () => {
    const region = manyVpcs(REGION, 1, 1);
    const endpoint = region.vpcEndpoints?.[0] as VpcEndpoint;
    const points = Array.from({ length: 10 }, (_, d) => ({ timestamp: new Date(NOW.getTime() - (d + 1) * DAY), value: d }));
    const { clients } = await setup({ data: { regions: [region], metrics: { [REGION]: [bytesProcessedSeries(endpoint, points)] } } });
    const { pages, results } = await getAll(clients.cloudwatch, [endpointQuery("q", endpoint)], { MaxDatapoints: 3 });
    expect(pages).toBe(4);
    expect(results.flatMap((r) => r.Values ?? [])).toHaveLength(10);
  });

  it("Given hourly datapoints, When a daily Sum is asked, Then they are summed per day; Average and ascending order work too", async () => {
    const region = manyVpcs(REGION, 1, 1);
    const endpoint = region.vpcEndpoints?.[0] as VpcEndpoint;
    const day0 = NOW.getTime() - 2 * DAY;
    const hourly = Array.from({ length: 48 }, (_, h) => ({ timestamp: new Date(day0 + h * 3_600_000), value: h < 24 ? 1 : 2 }));
    const { clients } = await setup({ data: { regions: [region], metrics: { [REGION]: [bytesProcessedSeries(endpoint, hourly)] } } });
    const sum = endpointQuery("sum", endpoint);
    const avg = endpointQuery("avg", endpoint, { stat: "Average" });
    const out = await clients.cloudwatch.send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: [sum, avg], ScanBy: "TimestampAscending" }));
    const s = out.MetricDataResults?.find((r) => r.Id === "sum");
    expect(s?.Values).toEqual([24, 48]);
    expect(s?.Timestamps?.map((t) => t.toISOString())).toEqual([new Date(day0).toISOString(), new Date(day0 + DAY).toISOString()]);
    expect(out.MetricDataResults?.find((r) => r.Id === "avg")?.Values).toEqual([1, 2]);
  });

  it("Given datapoints outside [StartTime, EndTime), Then they are left out", async () => {
    const region = manyVpcs(REGION, 1, 1);
    const endpoint = region.vpcEndpoints?.[0] as VpcEndpoint;
    const points = [
      { timestamp: new Date(START.getTime() - DAY), value: 1 },
      { timestamp: START, value: 2 },
      { timestamp: NOW, value: 4 },
    ];
    const { clients } = await setup({ data: { regions: [region], metrics: { [REGION]: [bytesProcessedSeries(endpoint, points)] } } });
    const { results } = await getAll(clients.cloudwatch, [endpointQuery("q", endpoint)]);
    expect(results[0]?.Values).toEqual([2]);
  });

  it("Given an invalid query id, a duplicate id or a tampered NextToken, Then the SDK raises the service's error", async () => {
    const region = richRegion(REGION);
    const { clients } = await setup({ data: { regions: [region] }, maxDatapointsPerResponse: 1 });
    const e = region.vpcEndpoints?.[0] as VpcEndpoint;
    const badId = await clients.cloudwatch.send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: [endpointQuery("vpce-1", e)] })).catch((x: unknown) => x);
    expect(badId).toMatchObject({ name: "ValidationException", $metadata: { httpStatusCode: 400 } });
    const dup = await clients.cloudwatch
      .send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: [endpointQuery("a", e), endpointQuery("a", e)] }))
      .catch((x: unknown) => x);
    expect(dup).toMatchObject({ name: "InvalidParameterValueException", Code: "InvalidParameterValue" });
    const first = await clients.cloudwatch.send(new GetMetricDataCommand({ StartTime: START, EndTime: NOW, MetricDataQueries: [endpointQuery("a", e)] }));
    expect(first.NextToken).toBeTruthy();
    const other = await clients.cloudwatch
      .send(new GetMetricDataCommand({ StartTime: new Date(START.getTime() - DAY), EndTime: NOW, MetricDataQueries: [endpointQuery("a", e)], NextToken: first.NextToken }))
      .catch((x: unknown) => x);
    expect(other).toMatchObject({ Code: "InvalidNextToken", $metadata: { httpStatusCode: 400 } });
  });

  it("Given a region without series, Then every query answers Complete with no datapoints (an idle endpoint publishes nothing)", async () => {
    const region = manyVpcs(REGION, 2, 1);
    const { clients } = await setup({ data: { regions: [{ ...region, region: "us-west-2" }] } });
    const { results } = await getAll(clients.cloudwatch, [endpointQuery("q", region.vpcEndpoints?.[0] as VpcEndpoint)]);
    expect(results).toEqual([{ Id: "q", Label: "BytesProcessed", Timestamps: [], Values: [], StatusCode: "Complete" }]);
  });
});
