/**
 * Collector tests: the EC2 / CloudWatch / STS clients are real SDK clients whose `send` is replaced by
 * aws-sdk-client-mock. The fakes answer like the APIs: they page at most `MaxResults` items (and refuse
 * a `MaxResults` outside the documented range), follow their own opaque `NextToken`s, and CloudWatch
 * returns datapoints only for a query that names the exact dimension set of the metric (as the real
 * service does: a wrong dimension set silently matches nothing).
 */
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataInput,
  type GetMetricDataOutput,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import {
  DescribeFlowLogsCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnGatewaysCommand,
  EC2Client,
  EC2ServiceException,
  type VpcEndpoint,
} from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand, Route53Client, type ListHostedZonesByVPCRequest } from "@aws-sdk/client-route-53";
import { DescribeOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { CollectionError } from "../errors";
import { endpointDatapoints, pageAt, syntheticRegion, syntheticRegionWithCounts, type SyntheticOptions } from "@endpoint-auditor/core/testing";
import { collectRegion, getAccountId, type ProgressEvent } from "./collect";
import { parseRegion } from "./parse";
import { endpointBytesBetween } from "./queries";
import { ALL_PARTS, resolveParts, type InventoryPart } from "./parts";
import type { RawRegion } from "./raw";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const NOW = new Date("2025-06-02T00:00:00.000Z");
const DAY = 86_400_000;
const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** Each paginated list: its command, the response key, and the documented MaxResults range. */
const LISTS = [
  { part: "vpcs", command: DescribeVpcsCommand, key: "Vpcs", min: 5, max: 1000 },
  { part: "subnets", command: DescribeSubnetsCommand, key: "Subnets", min: 5, max: 1000 },
  { part: "routeTables", command: DescribeRouteTablesCommand, key: "RouteTables", min: 5, max: 100 },
  { part: "natGateways", command: DescribeNatGatewaysCommand, key: "NatGateways", min: 5, max: 1000 },
  { part: "vpcEndpoints", command: DescribeVpcEndpointsCommand, key: "VpcEndpoints", min: 1, max: 1000 },
  { part: "flowLogs", command: DescribeFlowLogsCommand, key: "FlowLogs", min: 5, max: 1000 },
  { part: "transitGatewayAttachments", command: DescribeTransitGatewayVpcAttachmentsCommand, key: "TransitGatewayVpcAttachments", min: 5, max: 1000 },
  { part: "vpcPeeringConnections", command: DescribeVpcPeeringConnectionsCommand, key: "VpcPeeringConnections", min: 5, max: 1000 },
  { part: "vpcEndpointServices", command: DescribeVpcEndpointServicesCommand, key: "ServiceDetails", min: 5, max: 1000 },
  { part: "securityGroups", command: DescribeSecurityGroupsCommand, key: "SecurityGroups", min: 5, max: 1000 },
] as const;

type ListEntry = (typeof LISTS)[number];
type Ec2Mock = AwsClientStub<EC2Client>;
type CwMock = AwsClientStub<CloudWatchClient>;

const restorers: (() => void)[] = [];
afterEach(() => {
  while (restorers.length > 0) restorers.pop()?.();
});

function ec2Error(name: string, message: string, status = 400): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status, requestId: "5d9e4f1a-7c1b-4d0e-9f3b-2a6c8e1d0b7f" } });
}

interface FakeOptions {
  /** The server returns at most this many items per page even when MaxResults allows more. */
  serverPageCap?: number;
  /** CloudWatch returns at most this many datapoints per query per page (PartialData + NextToken beyond). */
  pointsPerPage?: number;
  /** Records "start:X" when a call arrives and "end:X" when it answers (answers after a macrotask). */
  log?: string[];
}

/** Serves a synthetic region through mocked clients, like the EC2, CloudWatch and Route 53 APIs would. */
function fakeAws(raw: RawRegion, options: FakeOptions = {}) {
  const ec2 = new EC2Client({ region: REGION, credentials });
  const cloudwatch = new CloudWatchClient({ region: REGION, credentials });
  const route53 = new Route53Client({ region: REGION, credentials });
  const ec2Mock = mockClient(ec2);
  const cwMock = mockClient(cloudwatch);
  const r53Mock = mockClient(route53);
  restorers.push(() => ec2Mock.restore(), () => cwMock.restore(), () => r53Mock.restore());

  const traced = async <T>(name: string, answer: () => T): Promise<T> => {
    options.log?.push(`start:${name}`);
    if (options.log) await new Promise((resolve) => setImmediate(resolve));
    try {
      return answer();
    } finally {
      options.log?.push(`end:${name}`);
    }
  };

  for (const entry of LISTS) {
    const items = (raw[entry.part] ?? []) as unknown[];
    ec2Mock.on(entry.command as never).callsFake((input: { MaxResults?: number; NextToken?: string }) =>
      traced(entry.command.name, () => {
        const max = input.MaxResults;
        if (max === undefined || max < entry.min || max > entry.max) {
          throw ec2Error("InvalidParameterValue", `Value (${String(max)}) for parameter maxResults is invalid. Expecting a value between ${entry.min} and ${entry.max}.`);
        }
        const page = pageAt(items, Math.min(max, options.serverPageCap ?? max), input.NextToken);
        return { [entry.key]: page.items, NextToken: page.nextToken, $metadata: { httpStatusCode: 200 } };
      }),
    );
  }
  ec2Mock.on(DescribeVpnGatewaysCommand).callsFake(() =>
    traced("DescribeVpnGatewaysCommand", () => ({ VpnGateways: raw.vpnGateways ?? [], $metadata: { httpStatusCode: 200 } })),
  );
  // The DNS attributes and hosted zones the source recorded for the VPCs the collector asks about.
  ec2Mock.on(DescribeVpcAttributeCommand).callsFake((input: { VpcId?: string; Attribute?: string }) =>
    traced("DescribeVpcAttributeCommand", () => {
      const member = input.Attribute === "enableDnsSupport" ? "EnableDnsSupport" : "EnableDnsHostnames";
      const answer = (raw.vpcDnsAttributes ?? []).find((a) => a.VpcId === input.VpcId && a[member] !== undefined);
      if (!answer) throw ec2Error("InvalidVpcID.NotFound", `The vpc ID '${input.VpcId ?? ""}' does not exist`);
      return { VpcId: input.VpcId, [member]: answer[member], $metadata: { httpStatusCode: 200 } };
    }),
  );
  r53Mock.on(ListHostedZonesByVPCCommand).callsFake((input: ListHostedZonesByVPCRequest) =>
    traced("ListHostedZonesByVPCCommand", () => {
      const zones = (raw.vpcHostedZones ?? []).find((v) => v.VPCId === input.VPCId && v.VPCRegion === input.VPCRegion)?.HostedZoneSummaries ?? [];
      return { HostedZoneSummaries: zones, MaxItems: input.MaxItems, $metadata: { httpStatusCode: 200 } };
    }),
  );
  serveMetrics(cwMock, endpointDatapoints(raw), options, traced);
  // ListBuckets pages with MaxBuckets / ContinuationToken (1–10,000); DescribeOrganization answers the raw organization.
  const s3 = new S3Client({ region: REGION, credentials });
  const organizations = new OrganizationsClient({ region: REGION, credentials });
  const s3Mock = mockClient(s3);
  const orgMock = mockClient(organizations);
  restorers.push(() => s3Mock.restore(), () => orgMock.restore());
  s3Mock.on(ListBucketsCommand).callsFake((input: { MaxBuckets?: number; ContinuationToken?: string }) =>
    traced("ListBucketsCommand", () => {
      const max = input.MaxBuckets;
      if (max === undefined || max < 1 || max > 10_000) throw new Error(`MaxBuckets ${String(max)} outside 1–10000`);
      const page = pageAt(raw.s3Buckets ?? [], Math.min(max, options.serverPageCap ?? max), input.ContinuationToken);
      return { Buckets: page.items, ContinuationToken: page.nextToken, Owner: { ID: "c0ffee" }, $metadata: { httpStatusCode: 200 } };
    }),
  );
  orgMock.on(DescribeOrganizationCommand).callsFake(() =>
    traced("DescribeOrganizationCommand", () => ({ Organization: raw.organization?.Organization, $metadata: { httpStatusCode: 200 } })),
  );
  return { clients: { ec2, cloudwatch, route53, s3, organizations }, ec2Mock, cwMock, r53Mock, s3Mock, orgMock };
}

const EXPECTED_DIMENSIONS = ["Endpoint Type", "Service Name", "VPC Endpoint Id", "VPC Id"];

function serveMetrics(
  cwMock: CwMock,
  byEndpoint: Map<string, { Timestamps: Date[]; Values: number[] }>,
  options: FakeOptions,
  traced: <T>(name: string, answer: () => T) => Promise<T>,
): void {
  cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataInput) =>
    traced("GetMetricDataCommand", (): GetMetricDataOutput => {
      const queries = input.MetricDataQueries ?? [];
      if (queries.length > 500) {
        throw new CloudWatchServiceException({ name: "InvalidParameterValue", message: "The collection MetricDataQueries must not have a size greater than 500.", $fault: "client", $metadata: { httpStatusCode: 400 } });
      }
      const pageIndex = input.NextToken ? Number(input.NextToken.replace("cw-page-", "")) : 0;
      const per = options.pointsPerPage ?? Number.POSITIVE_INFINITY;
      const start = input.StartTime?.getTime() ?? 0;
      const end = input.EndTime?.getTime() ?? 0;
      let more = false;
      const results: MetricDataResult[] = queries.map((q) => {
        const dims = q.MetricStat?.Metric?.Dimensions ?? [];
        const names = dims.map((d) => d.Name ?? "").sort();
        const exact =
          q.MetricStat?.Metric?.Namespace === "AWS/PrivateLinkEndpoints" &&
          q.MetricStat.Metric.MetricName === "BytesProcessed" &&
          JSON.stringify(names) === JSON.stringify(EXPECTED_DIMENSIONS);
        const endpointId = dims.find((d) => d.Name === "VPC Endpoint Id")?.Value ?? "";
        const data = exact ? byEndpoint.get(endpointId) : undefined;
        const ts: Date[] = [];
        const vs: number[] = [];
        (data?.Timestamps ?? []).forEach((t, i) => {
          if (t.getTime() >= start && t.getTime() < end) {
            ts.push(t);
            vs.push(data?.Values[i] ?? 0);
          }
        });
        const from = Number.isFinite(per) ? pageIndex * per : 0;
        const to = Number.isFinite(per) ? from + per : ts.length;
        const partial = to < ts.length;
        more ||= partial;
        return { Id: q.Id, Label: "BytesProcessed", Timestamps: ts.slice(from, to), Values: vs.slice(from, to), StatusCode: partial ? "PartialData" : "Complete", Messages: [] };
      });
      return { MetricDataResults: results, NextToken: more ? `cw-page-${pageIndex + 1}` : undefined, Messages: [] };
    }),
  );
}

function inputsOf(mock: Ec2Mock, command: ListEntry["command"] | typeof DescribeVpnGatewaysCommand): Record<string, unknown>[] {
  return mock.commandCalls(command as never).map((c) => (c.args[0] as { input: Record<string, unknown> }).input);
}

function metricInputs(mock: CwMock): GetMetricDataInput[] {
  return mock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
}

async function collect(raw: RawRegion, parts: readonly InventoryPart[], fake: ReturnType<typeof fakeAws>, extra: { metricWindowDays?: number; onProgress?: (e: ProgressEvent) => void } = {}) {
  return collectRegion({
    region: REGION,
    accountId: ACCOUNT,
    clients: fake.clients,
    parts: resolveParts(parts),
    now: NOW,
    metricWindowDays: extra.metricWindowDays ?? 30,
    onProgress: extra.onProgress,
  });
}

/** The source's BytesProcessed queries (what a collection asking for BytesProcessed alone makes). */
function bytesQueries(raw: RawRegion): { id: string; endpointId: string }[] {
  return (raw.endpointMetrics?.queries ?? []).filter((q) => (q.metric ?? "BytesProcessed") === "BytesProcessed");
}

const SMALL: SyntheticOptions = { seed: 11, region: REGION, now: NOW, vpcs: 6, interfaceEndpoints: 14, transitGatewayRatio: 0.5, vpnRatio: 0.5, peeringRatio: 0.7 };

describe("collectRegion: pagination", () => {
  it("Given every list comes back in several small pages, Then NextToken is followed to the end, every item is kept in order, and each call asks for the API's largest page", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw, { serverPageCap: 3 });

    const collected = await collect(raw, ALL_PARTS, fake);

    expect(collected.errors).toBeUndefined();
    for (const entry of LISTS) {
      const items: readonly unknown[] = raw[entry.part] ?? [];
      expect(items.length, entry.part).toBeGreaterThan(3); // several pages each
      expect(collected[entry.part], entry.part).toEqual(items);
      const inputs = inputsOf(fake.ec2Mock, entry.command);
      expect(inputs.length, entry.part).toBe(Math.ceil(items.length / 3));
      expect(inputs.map((i) => i.MaxResults), entry.part).toEqual(inputs.map(() => entry.max));
      expect(inputs[0]?.NextToken, entry.part).toBeUndefined();
      // Each later call carries the token of the previous answer.
      inputs.slice(1).forEach((input, i) => {
        expect(input.NextToken, entry.part).toBe(pageAt(items, 3, inputs[i]?.NextToken as string | undefined).nextToken);
      });
    }
    expect(collected.vpnGateways).toEqual(raw.vpnGateways);
  });

  it("Given the documented ranges, Then MaxResults is 100 for DescribeRouteTables and 1000 for the other paginated lists", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    await collect(raw, ALL_PARTS, fake);

    const sent = Object.fromEntries(LISTS.map((e) => [e.command.name, inputsOf(fake.ec2Mock, e.command)[0]?.MaxResults]));
    expect(sent).toEqual({
      DescribeVpcsCommand: 1000,
      DescribeSubnetsCommand: 1000,
      DescribeRouteTablesCommand: 100,
      DescribeNatGatewaysCommand: 1000,
      DescribeVpcEndpointsCommand: 1000,
      DescribeFlowLogsCommand: 1000,
      DescribeTransitGatewayVpcAttachmentsCommand: 1000,
      DescribeVpcPeeringConnectionsCommand: 1000,
      DescribeVpcEndpointServicesCommand: 1000,
      DescribeSecurityGroupsCommand: 1000,
    });
  });

  it("Given DescribeVpnGateways is not paginated, Then it is called once without MaxResults or NextToken", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["vpnGateways"], fake);

    const inputs = inputsOf(fake.ec2Mock, DescribeVpnGatewaysCommand);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).not.toHaveProperty("MaxResults");
    expect(inputs[0]).not.toHaveProperty("NextToken");
    expect(collected.vpnGateways).toEqual(raw.vpnGateways);
  });

  it("Given a page that answers with the token it was asked with, Then the list fails with a clear error instead of looping", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);
    fake.ec2Mock.on(DescribeSubnetsCommand).callsFake(() => ({ Subnets: raw.subnets?.slice(0, 2), NextToken: "eyJzdHVjayI6dHJ1ZX0=" }));

    const collected = await collect(raw, ["subnets", "vpcs"], fake);

    expect(collected.subnets).toBeUndefined();
    expect(collected.errors).toEqual([
      { part: "subnets", call: "ec2:DescribeSubnets", message: expect.stringContaining("pagination did not advance") },
    ]);
    expect(inputsOf(fake.ec2Mock, DescribeSubnetsCommand)).toHaveLength(2);
    expect(collected.vpcs).toEqual(raw.vpcs);
  });
});

describe("collectRegion: filters", () => {
  it("Given all parts, Then only the gateway/attachment/peering lists are filtered, to states that can still give reach", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    await collect(raw, ALL_PARTS, fake);

    expect(inputsOf(fake.ec2Mock, DescribeVpnGatewaysCommand)[0]).toEqual({
      Filters: [{ Name: "state", Values: ["pending", "available"] }],
    });
    expect(inputsOf(fake.ec2Mock, DescribeTransitGatewayVpcAttachmentsCommand)[0]).toEqual({
      MaxResults: 1000,
      NextToken: undefined,
      Filters: [{ Name: "state", Values: ["initiatingRequest", "pendingAcceptance", "pending", "modifying", "available"] }],
    });
    expect(inputsOf(fake.ec2Mock, DescribeVpcPeeringConnectionsCommand)[0]).toEqual({
      MaxResults: 1000,
      NextToken: undefined,
      Filters: [{ Name: "status-code", Values: ["pending-acceptance", "provisioning", "active"] }],
    });
    // Rules judge these states themselves (failed NAT, rejected endpoints, FAILED flow-log delivery…).
    for (const command of [DescribeVpcsCommand, DescribeSubnetsCommand, DescribeRouteTablesCommand, DescribeNatGatewaysCommand, DescribeVpcEndpointsCommand, DescribeFlowLogsCommand]) {
      const input = inputsOf(fake.ec2Mock, command)[0] ?? {};
      expect(input, command.name).not.toHaveProperty("Filters");
      expect(input, command.name).not.toHaveProperty("Filter");
    }
  });
});

describe("collectRegion: only what is requested", () => {
  it("Given only flow logs and VPCs are requested, Then no other API is called and no other part is present", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["flowLogs", "vpcs"], fake);

    expect(Object.keys(collected).sort()).toEqual(["flowLogs", "region", "vpcs"]);
    expect(collected.region).toBe(REGION);
    expect(fake.ec2Mock.calls().map((c) => (c.args[0] as object).constructor.name).sort()).toEqual(["DescribeFlowLogsCommand", "DescribeVpcsCommand"]);
    expect(fake.cwMock.calls()).toHaveLength(0);
  });

  it("Given endpoint metrics alone are requested, Then the endpoint list is fetched too (the metrics need it) and nothing else", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["endpointMetrics"], fake);

    expect(Object.keys(collected).sort()).toEqual(["endpointMetrics", "region", "vpcEndpoints"]);
    expect(fake.ec2Mock.calls()).toHaveLength(1);
    expect(fake.cwMock.calls()).toHaveLength(1);
  });

  it("Given a metric window of 0 days, Then GetMetricData is not called and endpoint metrics stay absent", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["endpointMetrics"], fake, { metricWindowDays: 0 });

    expect(fake.cwMock.calls()).toHaveLength(0);
    expect(collected.endpointMetrics).toBeUndefined();
    expect(collected.vpcEndpoints).toEqual(raw.vpcEndpoints);
    expect(collected.errors).toBeUndefined();
  });
});

describe("collectRegion: concurrency", () => {
  it("Given all parts, Then every list call starts before any list answers, and GetMetricData starts only after the endpoint list is complete", async () => {
    const log: string[] = [];
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw, { log });

    await collect(raw, ALL_PARTS, fake);

    const firstEnd = log.findIndex((e) => e.startsWith("end:"));
    const listStarts = log.slice(0, firstEnd).filter((e) => e.startsWith("start:") && e !== "start:GetMetricDataCommand");
    expect(listStarts.sort()).toEqual(
      [...LISTS.map((e) => `start:${e.command.name}`), "start:DescribeVpnGatewaysCommand", "start:ListBucketsCommand", "start:DescribeOrganizationCommand"].sort(),
    );
    expect(log.indexOf("start:GetMetricDataCommand")).toBeGreaterThan(log.indexOf("end:DescribeVpcEndpointsCommand"));
  });
});

describe("collectRegion: endpoint metrics", () => {
  const METRIC_OPTIONS: SyntheticOptions = { seed: 5, region: REGION, now: NOW, vpcs: 40, interfaceEndpoints: 1234, metricDays: 30 };

  it("Given 1,234 metered interface endpoints, Then GetMetricData is called 3 times with 500, 500 and 234 queries, each on the exact metric, dimensions, period, stat and window", async () => {
    // Every interface endpoint is metered here (no deleting/deleted ones) to make the count exact.
    const base = syntheticRegion(METRIC_OPTIONS);
    const raw: RawRegion = {
      ...base,
      vpcEndpoints: base.vpcEndpoints?.map((e) => (e.VpcEndpointType === "Interface" ? { ...e, State: "available" as VpcEndpoint["State"] } : e)),
    };
    delete raw.endpointMetrics;
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["endpointMetrics"], fake);

    const inputs = metricInputs(fake.cwMock);
    expect(inputs.map((i) => i.MetricDataQueries?.length)).toEqual([500, 500, 234]);
    const interfaces = (raw.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === "Interface");
    expect(interfaces).toHaveLength(1234);
    const byId = new Map(interfaces.map((e) => [e.VpcEndpointId, e]));
    const allQueries = inputs.flatMap((i) => i.MetricDataQueries ?? []);
    const ids = allQueries.map((q) => q.Id ?? "");
    expect(new Set(ids).size).toBe(1234);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    for (const q of allQueries) {
      const dims = q.MetricStat?.Metric?.Dimensions ?? [];
      const endpoint = byId.get(dims.find((d) => d.Name === "VPC Endpoint Id")?.Value);
      expect(endpoint).toBeDefined();
      expect(q).toEqual({
        Id: q.Id,
        MetricStat: {
          Metric: {
            Namespace: "AWS/PrivateLinkEndpoints",
            MetricName: "BytesProcessed",
            Dimensions: [
              { Name: "Endpoint Type", Value: "Interface" },
              { Name: "Service Name", Value: endpoint?.ServiceName },
              { Name: "VPC Endpoint Id", Value: endpoint?.VpcEndpointId },
              { Name: "VPC Id", Value: endpoint?.VpcId },
            ],
          },
          Period: 86400,
          Stat: "Sum",
        },
        ReturnData: true,
      });
    }
    for (const input of inputs) {
      expect(input.StartTime).toEqual(new Date(NOW.getTime() - 30 * DAY));
      expect(input.EndTime).toEqual(NOW);
      expect(input.ScanBy).toBe("TimestampAscending");
    }
    // The raw record maps every query id to its endpoint and keeps every result.
    expect(collected.endpointMetrics?.queries).toHaveLength(1234);
    expect(collected.endpointMetrics?.results).toHaveLength(1234);
    expect(collected.endpointMetrics).toMatchObject({ startTime: "2025-05-03T00:00:00.000Z", endTime: "2025-06-02T00:00:00.000Z", period: 86400 });
  });

  it("Given CloudWatch answers each batch in pages (PartialData + NextToken), Then every page is followed and the bytes add up to the published datapoints", async () => {
    const raw = syntheticRegion(METRIC_OPTIONS);
    const fake = fakeAws(raw, { pointsPerPage: 10 });

    const collected = await collect(raw, ["endpointMetrics"], fake);

    expect(collected.errors).toBeUndefined();
    const inputs = metricInputs(fake.cwMock);
    const metered = bytesQueries(raw).length;
    expect(metered).toBeGreaterThan(1000);
    const batches = Math.ceil(metered / 500);
    // 30 days at 10 datapoints per page: up to 3 pages per batch.
    expect(inputs.filter((i) => i.NextToken === undefined)).toHaveLength(batches);
    expect(inputs.filter((i) => i.NextToken !== undefined).length).toBeGreaterThanOrEqual(batches);
    expect(new Set(inputs.map((i) => i.NextToken))).toEqual(new Set([undefined, "cw-page-1", "cw-page-2"]));
    // Same query ids on every page of one batch.
    const inventory = parseRegion(collected, ACCOUNT, NOW);
    const traffic = inventory;
    expect(traffic).toBeDefined();
    const published = endpointDatapoints(raw);
    let active = 0;
    for (const q of bytesQueries(raw)) {
      const expected = (published.get(q.endpointId)?.Values ?? []).reduce((a, b) => a + b, 0);
      if (expected > 0) active++;
      expect(endpointBytesBetween(traffic, q.endpointId, new Date(NOW.getTime() - 30 * DAY), NOW)).toBe(expected);
    }
    expect(active).toBeGreaterThan(500);
  });

  it("Given an interface endpoint with no datapoints, Then it reads as zero bytes; a gateway or deleting endpoint is not queried at all", async () => {
    const now = NOW;
    const endpoints: VpcEndpoint[] = [
      { VpcEndpointId: "vpce-0a1b2c3d4e5f60001", VpcEndpointType: "Interface", VpcId: "vpc-0a1b2c3d4e5f60001", ServiceName: "com.amazonaws.eu-west-1.ssm", State: "available" as VpcEndpoint["State"], SubnetIds: ["subnet-0a1b2c3d4e5f60001"], CreationTimestamp: new Date("2024-01-10T09:00:00Z") },
      { VpcEndpointId: "vpce-0a1b2c3d4e5f60002", VpcEndpointType: "Interface", VpcId: "vpc-0a1b2c3d4e5f60001", ServiceName: "com.amazonaws.eu-west-1.logs", State: "available" as VpcEndpoint["State"], SubnetIds: ["subnet-0a1b2c3d4e5f60001"], CreationTimestamp: new Date("2024-01-10T09:00:00Z") },
      { VpcEndpointId: "vpce-0a1b2c3d4e5f60003", VpcEndpointType: "Gateway", VpcId: "vpc-0a1b2c3d4e5f60001", ServiceName: "com.amazonaws.eu-west-1.s3", State: "available" as VpcEndpoint["State"], RouteTableIds: ["rtb-0a1b2c3d4e5f60001"] },
      { VpcEndpointId: "vpce-0a1b2c3d4e5f60004", VpcEndpointType: "Interface", VpcId: "vpc-0a1b2c3d4e5f60001", ServiceName: "com.amazonaws.eu-west-1.kms", State: "deleting" as VpcEndpoint["State"], SubnetIds: ["subnet-0a1b2c3d4e5f60001"] },
    ];
    const raw: RawRegion = { region: REGION, vpcEndpoints: endpoints };
    const fake = fakeAws(raw);
    fake.cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: "e0", Label: "BytesProcessed", Timestamps: [], Values: [], StatusCode: "Complete" },
        { Id: "e1", Label: "BytesProcessed", Timestamps: [new Date("2025-05-20T00:00:00Z"), new Date("2025-05-21T00:00:00Z")], Values: [52_428_800, 1_048_576], StatusCode: "Complete" },
      ],
      Messages: [],
    });

    const collected = await collect(raw, ["endpointMetrics"], fake);

    const queries = metricInputs(fake.cwMock)[0]?.MetricDataQueries ?? [];
    expect(queries.map((q) => q.MetricStat?.Metric?.Dimensions?.[2]?.Value)).toEqual(["vpce-0a1b2c3d4e5f60001", "vpce-0a1b2c3d4e5f60002"]);
    const traffic = parseRegion(collected, ACCOUNT, now);
    const from = new Date(now.getTime() - 30 * DAY);
    expect(endpointBytesBetween(traffic, "vpce-0a1b2c3d4e5f60001", from, now)).toBe(0);
    expect(endpointBytesBetween(traffic, "vpce-0a1b2c3d4e5f60002", from, now)).toBe(53_477_376);
    expect(endpointBytesBetween(traffic, "vpce-0a1b2c3d4e5f60003", from, now)).toBeUndefined();
    expect(endpointBytesBetween(traffic, "vpce-0a1b2c3d4e5f60004", from, now)).toBeUndefined();
  });

  it("Given no interface endpoint at all, Then no GetMetricData call is made and the (empty) metrics are recorded", async () => {
    const raw: RawRegion = { region: REGION, vpcEndpoints: [{ VpcEndpointId: "vpce-0a1b2c3d4e5f60003", VpcEndpointType: "Gateway", VpcId: "vpc-0a1b2c3d4e5f60001", ServiceName: "com.amazonaws.eu-west-1.s3", State: "available" as VpcEndpoint["State"] }] };
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["endpointMetrics"], fake);

    expect(fake.cwMock.calls()).toHaveLength(0);
    expect(collected.endpointMetrics).toMatchObject({ queries: [], results: [], period: 86400 });
  });

  const oneEndpoint: RawRegion = {
    region: REGION,
    vpcEndpoints: [{ VpcEndpointId: "vpce-0a1b2c3d4e5f60001", VpcEndpointType: "Interface", VpcId: "vpc-0a1b2c3d4e5f60001", ServiceName: "com.amazonaws.eu-west-1.ssm", State: "available" as VpcEndpoint["State"] }],
  };
  const incomplete: [string, GetMetricDataOutput, RegExp][] = [
    ["a PartialData result with no NextToken", { MetricDataResults: [{ Id: "e0", Timestamps: [new Date("2025-05-20T00:00:00Z")], Values: [10], StatusCode: "PartialData" }] }, /PartialData without a NextToken/],
    ["a Forbidden result", { MetricDataResults: [{ Id: "e0", Timestamps: [], Values: [], StatusCode: "Forbidden" }] }, /status Forbidden/],
    ["an InternalError result", { MetricDataResults: [{ Id: "e0", Timestamps: [], Values: [], StatusCode: "InternalError" }] }, /status InternalError/],
    ["a top-level message", { MetricDataResults: [{ Id: "e0", Timestamps: [], Values: [], StatusCode: "Complete" }], Messages: [{ Code: "MaxMetricsExceeded", Value: "Maximum number of allowed metrics exceeded" }] }, /MaxMetricsExceeded/],
    ["a message on the result", { MetricDataResults: [{ Id: "e0", Timestamps: [], Values: [], StatusCode: "Complete", Messages: [{ Code: "ArithmeticError", Value: "One or more datapoints have been dropped" }] }] }, /ArithmeticError/],
    ["no result for the query", { MetricDataResults: [] }, /no result for 1 of 1 queries/],
  ];
  for (const [what, answer, message] of incomplete) {
    it(`Given ${what}, Then endpoint metrics are recorded as failed (never as zero traffic) and the endpoint list is kept`, async () => {
      const fake = fakeAws(oneEndpoint);
      fake.cwMock.on(GetMetricDataCommand).resolves(answer);

      const collected = await collect(oneEndpoint, ["endpointMetrics"], fake);

      expect(collected.endpointMetrics).toBeUndefined();
      expect(collected.vpcEndpoints).toEqual(oneEndpoint.vpcEndpoints);
      expect(collected.errors).toEqual([{ part: "endpointMetrics", call: "cloudwatch:GetMetricData", message: expect.stringMatching(message) }]);
      const inventory = parseRegion(collected, ACCOUNT, NOW);
      expect(inventory.endpointMetrics.window).toBeUndefined();
      expect(inventory.parts.has("endpointMetrics")).toBe(false);
      expect(inventory.failures.get("endpointMetrics")?.call).toBe("cloudwatch:GetMetricData");
    });
  }

  it("Given GetMetricData is throttled beyond the SDK's retries, Then the error code is recorded for endpoint metrics", async () => {
    const fake = fakeAws(oneEndpoint);
    fake.cwMock.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({ name: "Throttling", message: "Rate exceeded", $fault: "client", $metadata: { httpStatusCode: 400 } }),
    );

    const collected = await collect(oneEndpoint, ["endpointMetrics"], fake);

    expect(collected.errors).toEqual([{ part: "endpointMetrics", call: "cloudwatch:GetMetricData", message: "Rate exceeded", code: "Throttling" }]);
  });
});

describe("collectRegion: partial failure", () => {
  it("Given DescribeFlowLogs is denied, Then the error is recorded with its call and code, flow logs are absent, and every other list is intact", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);
    fake.ec2Mock.on(DescribeFlowLogsCommand).rejects(ec2Error("UnauthorizedOperation", "You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/auditor/cli is not authorized to perform: ec2:DescribeFlowLogs", 403));
    const events: ProgressEvent[] = [];

    const collected = await collect(raw, ALL_PARTS, fake, { onProgress: (e) => events.push(e) });

    expect(collected.region).toBe(REGION);
    expect(collected.errors).toEqual([
      {
        part: "flowLogs",
        call: "ec2:DescribeFlowLogs",
        code: "UnauthorizedOperation",
        message: expect.stringContaining("not authorized to perform: ec2:DescribeFlowLogs"),
      },
    ]);
    expect(collected.flowLogs).toBeUndefined();
    for (const entry of LISTS) if (entry.part !== "flowLogs") expect(collected[entry.part], entry.part).toEqual(raw[entry.part]);
    expect(collected.endpointMetrics?.queries.length).toBe(bytesQueries(raw).length);
    expect(events).toContainEqual(expect.objectContaining({ region: REGION, step: "flowLogs", status: "failed", calls: 1 }));

    const inventory = parseRegion(collected, ACCOUNT, NOW);
    expect(inventory.parts.has("flowLogs")).toBe(false);
    expect(inventory.failures.get("flowLogs")).toEqual({ call: "ec2:DescribeFlowLogs", code: "UnauthorizedOperation", message: expect.any(String) });
    expect(inventory.parts.has("subnets")).toBe(true);
  });

  it("Given DescribeSubnets fails on its second page, Then no partial subnet list is kept", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);
    fake.ec2Mock
      .on(DescribeSubnetsCommand)
      .callsFakeOnce(() => ({ Subnets: raw.subnets?.slice(0, 5), NextToken: "c3VibmV0cy1wYWdlLTI=" }))
      .rejects(ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503));

    const collected = await collect(raw, ["subnets", "routeTables"], fake);

    expect(collected.subnets).toBeUndefined();
    expect(collected.errors).toEqual([{ part: "subnets", call: "ec2:DescribeSubnets", code: "RequestLimitExceeded", message: "Request limit exceeded." }]);
    expect(collected.routeTables).toEqual(raw.routeTables);
  });

  it("Given the endpoint list fails, Then endpoint metrics are recorded as failed too and CloudWatch is not called", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);
    fake.ec2Mock.on(DescribeVpcEndpointsCommand).rejects(ec2Error("InternalError", "An internal error has occurred", 500));

    const collected = await collect(raw, ["vpcEndpoints", "endpointMetrics", "vpcs"], fake);

    expect(fake.cwMock.calls()).toHaveLength(0);
    expect(collected.errors).toEqual([
      { part: "vpcEndpoints", call: "ec2:DescribeVpcEndpoints", code: "InternalError", message: "An internal error has occurred" },
      { part: "endpointMetrics", call: "cloudwatch:GetMetricData", message: expect.stringContaining("An internal error has occurred") },
    ]);
    expect(collected.vpcs).toEqual(raw.vpcs);
  });

  it("Given a network failure (no AWS error code), Then the message is recorded and the code is the error's name", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);
    const timeout = Object.assign(new Error("Connection timed out after 3000 ms"), { name: "TimeoutError" });
    fake.ec2Mock.on(DescribeRouteTablesCommand).rejects(timeout);

    const collected = await collect(raw, ["routeTables"], fake);

    expect(collected.errors).toEqual([{ part: "routeTables", call: "ec2:DescribeRouteTables", code: "TimeoutError", message: "Connection timed out after 3000 ms" }]);
  });
});

describe("collectRegion: progress", () => {
  it("Given a collection, Then each part reports start then done with its item and call counts", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw, { serverPageCap: 4 });
    const events: ProgressEvent[] = [];

    await collect(raw, ["subnets", "vpnGateways", "endpointMetrics"], fake, { onProgress: (e) => events.push(e) });

    const subnets = raw.subnets?.length ?? 0;
    expect(events.filter((e) => e.step === "subnets")).toEqual([
      { region: REGION, step: "subnets", status: "start" },
      { region: REGION, step: "subnets", status: "done", items: subnets, calls: Math.ceil(subnets / 4) },
    ]);
    expect(events.filter((e) => e.step === "vpnGateways")).toEqual([
      { region: REGION, step: "vpnGateways", status: "start" },
      { region: REGION, step: "vpnGateways", status: "done", items: raw.vpnGateways?.length, calls: 1 },
    ]);
    expect(events.filter((e) => e.step === "endpointMetrics")).toEqual([
      { region: REGION, step: "endpointMetrics", status: "start" },
      { region: REGION, step: "endpointMetrics", status: "done", items: bytesQueries(raw).length, calls: 1 },
    ]);
  });

  it("Given a progress callback that throws, Then the collection is not affected", async () => {
    const raw = syntheticRegion(SMALL);
    const fake = fakeAws(raw);

    const collected = await collect(raw, ["vpcs"], fake, {
      onProgress: () => {
        throw new Error("stderr closed");
      },
    });

    expect(collected.vpcs).toEqual(raw.vpcs);
    expect(collected.errors).toBeUndefined();
  });
});

describe("collectRegion: SDK calls do not grow with VPCs or subnets", () => {
  /** Collects everything from a synthetic region and counts calls per API. */
  async function countCalls(options: SyntheticOptions) {
    const { raw, counts } = syntheticRegionWithCounts(options);
    const fake = fakeAws(raw);
    const collected = await collect(raw, ALL_PARTS, fake);
    expect(collected.errors).toBeUndefined();
    const calls: Record<string, number> = {};
    for (const c of fake.ec2Mock.calls()) {
      const name = (c.args[0] as object).constructor.name;
      calls[name] = (calls[name] ?? 0) + 1;
    }
    calls.GetMetricDataCommand = fake.cwMock.calls().length;
    calls.ListHostedZonesByVPCCommand = fake.r53Mock.calls().length;
    calls.ListBucketsCommand = fake.s3Mock.calls().length;
    calls.DescribeOrganizationCommand = fake.orgMock.calls().length;
    return { counts, calls };
  }

  /** The pagination floor: ⌈items / page size⌉ per list (at least one call), ⌈metered / 500⌉ metric calls. */
  function floor(counts: ReturnType<typeof syntheticRegionWithCounts>["counts"]): Record<string, number> {
    const pages = (n: number, size: number): number => Math.max(1, Math.ceil(n / size));
    return {
      DescribeVpcsCommand: pages(counts.vpcs, 1000),
      DescribeSubnetsCommand: pages(counts.subnets, 1000),
      DescribeRouteTablesCommand: pages(counts.routeTables, 100),
      DescribeNatGatewaysCommand: pages(counts.natGateways, 1000),
      DescribeVpcEndpointsCommand: pages(counts.vpcEndpoints, 1000),
      DescribeFlowLogsCommand: pages(counts.flowLogs, 1000),
      DescribeVpnGatewaysCommand: 1,
      DescribeTransitGatewayVpcAttachmentsCommand: pages(counts.transitGatewayAttachments, 1000),
      DescribeVpcPeeringConnectionsCommand: pages(counts.vpcPeeringConnections, 1000),
      DescribeVpcEndpointServicesCommand: pages(counts.vpcEndpointServices, 1000),
      GetMetricDataCommand: Math.ceil(counts.meteredEndpoints / 500),
      // Per VPC holding an endpoint with private DNS off, and only those: one zone list; of those, two
      // attributes per VPC with a zone named like such an endpoint's service.
      DescribeVpcAttributeCommand: 2 * counts.hubZoneVpcs,
      ListHostedZonesByVPCCommand: counts.dnsCheckedVpcs,
      DescribeSecurityGroupsCommand: pages(counts.securityGroups, 1000),
      ListBucketsCommand: pages(counts.s3Buckets, 10_000),
      // The account's organization: one call per region, whatever the inventory holds.
      DescribeOrganizationCommand: 1,
    };
  }

  it("Given 300 and then 600 VPCs (1,800 / 3,600 subnets) with 1,000 interface endpoints, Then each API is called exactly ⌈items / page size⌉ times and lists under one page cost one call whatever the VPC count", async () => {
    const common: SyntheticOptions = { seed: 3, region: REGION, now: NOW, interfaceEndpoints: 1000, metricDays: 30 };
    const small = await countCalls({ ...common, vpcs: 300 });
    const large = await countCalls({ ...common, vpcs: 600 });

    expect(small.counts.subnets).toBe(1800);
    expect(large.counts.subnets).toBe(3600);
    expect(small.calls).toEqual(floor(small.counts));
    expect(large.calls).toEqual(floor(large.counts));
    // Doubling the VPCs changes nothing for lists that fit one page, nor for the metrics (same endpoints).
    expect(large.counts.natGateways).toBeGreaterThan(1000); // ~2 per VPC: the NAT list needs a second page
    expect(large.calls.DescribeNatGatewaysCommand).toBe(2);
    for (const api of ["DescribeVpcsCommand", "DescribeFlowLogsCommand", "DescribeVpnGatewaysCommand", "DescribeTransitGatewayVpcAttachmentsCommand", "DescribeVpcPeeringConnectionsCommand"]) {
      expect(large.calls[api], api).toBe(1);
      expect(small.calls[api], api).toBe(1);
    }
    expect(large.calls.GetMetricDataCommand).toBe(small.calls.GetMetricDataCommand);
    expect(small.calls.GetMetricDataCommand).toBe(2);
    // Far fewer list calls than VPCs, subnets or endpoints: no list is called per resource. The DNS
    // checks are per VPC with an endpoint whose private DNS is off — the same endpoints, so the same VPCs
    // however many other VPCs there are.
    const perVpc = new Set(["DescribeVpcAttributeCommand", "ListHostedZonesByVPCCommand"]);
    const total = (c: Record<string, number>): number => Object.entries(c).reduce((a, [api, n]) => a + (perVpc.has(api) ? 0 : n), 0);
    expect(total(small.calls)).toBeLessThan(small.counts.vpcs / 5);
    expect(total(large.calls)).toBeLessThan(large.counts.vpcs / 5);
    expect(small.counts.dnsCheckedVpcs).toBeGreaterThan(0);
    expect(large.calls.ListHostedZonesByVPCCommand).toBeLessThanOrEqual(large.counts.interfaceEndpoints / 5);
  });
});

describe("getAccountId", () => {
  function sts() {
    const client = new STSClient({ region: REGION, credentials });
    const mock = mockClient(client);
    restorers.push(() => mock.restore());
    return { client, mock };
  }

  it("Given GetCallerIdentity answers, Then the account id is returned", async () => {
    const { client, mock } = sts();
    mock.on(GetCallerIdentityCommand).resolves({
      UserId: "AROA3XFRBF535PLBIFPI4:auditor",
      Account: ACCOUNT,
      Arn: "arn:aws:sts::123456789012:assumed-role/auditor/cli",
    });

    await expect(getAccountId(client, REGION)).resolves.toBe(ACCOUNT);
    expect(mock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it("Given expired credentials, Then a CollectionError names the region, the call and the code and keeps the cause", async () => {
    const { client, mock } = sts();
    const denied = new STSServiceException({ name: "ExpiredToken", message: "The security token included in the request is expired", $fault: "client", $metadata: { httpStatusCode: 403 } });
    mock.on(GetCallerIdentityCommand).rejects(denied);

    const error = await getAccountId(client, REGION).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CollectionError);
    expect(error).toMatchObject({ region: REGION, call: "sts:GetCallerIdentity", code: "ExpiredToken", cause: denied });
    expect((error as Error).message).toBe("sts:GetCallerIdentity in eu-west-1 failed: The security token included in the request is expired");
  });

  it("Given an answer without an account id, Then a CollectionError says so", async () => {
    const { client, mock } = sts();
    mock.on(GetCallerIdentityCommand).resolves({ UserId: "AIDAEXAMPLE", Arn: "arn:aws:iam::123456789012:user/x" });

    await expect(getAccountId(client, REGION)).rejects.toThrow(/sts:GetCallerIdentity in eu-west-1 failed: the response has no valid account id/);
  });
});
