/**
 * The collector: for one account and one region, lists each inventory part the rules need **once**
 * (paginated at each API's largest page size, independent lists concurrently) and fetches the daily
 * `BytesProcessed` of interface endpoints with `GetMetricData` (500 queries per call). It never calls
 * an API per VPC, per subnet or per endpoint, and it never builds clients: they are passed in.
 *
 * A list that fails (after the SDK's own retries) is recorded in `raw.errors` and left absent; the
 * other lists are still collected, and the rules that need the failed one report an error instead of
 * evaluations.
 */
import {
  GetMetricDataCommand,
  type GetMetricDataOutput,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import {
  DescribeFlowLogsCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnGatewaysCommand,
  type EC2Client,
  type VpcEndpoint as Ec2VpcEndpoint,
} from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsClients } from "../aws";
import { CollectionError, errorMessage } from "../errors";
import { normaliseEndpointState } from "./parse";
import { ALL_PARTS, PART_CALLS, resolveParts, type InventoryPart } from "./parts";
import type { RawCollectionError, RawEndpointMetrics, RawRegion } from "./raw";
import { mapLimit } from "../concurrency";

/** Progress of one step of one region's collection (for the CLI's stderr progress). */
export interface ProgressEvent {
  region: string;
  step: InventoryPart | "accountId";
  status: "start" | "done" | "failed";
  /** Items listed (for `endpointMetrics`: endpoints queried). */
  items?: number;
  /** API calls made for this step. */
  calls?: number;
  message?: string;
}

export interface CollectOptions {
  region: string;
  /** Only used to name the account in error messages. */
  accountId?: string;
  clients: Pick<AwsClients, "ec2" | "cloudwatch">;
  /** The parts to collect (dependencies are added: `endpointMetrics` implies `vpcEndpoints`). */
  parts: readonly InventoryPart[];
  /** End of the metric window. */
  now: Date;
  /** Days of `BytesProcessed` to fetch; 0 fetches none (and `endpointMetrics` stays absent). */
  metricWindowDays: number;
  onProgress?: (e: ProgressEvent) => void;
}

/** Largest page size each API accepts (EC2 API reference, "Valid Range" of `MaxResults`). */
const PAGE_SIZE = {
  vpcs: 1000, // DescribeVpcs: 5–1000
  subnets: 1000, // DescribeSubnets: 5–1000
  routeTables: 100, // DescribeRouteTables: 5–100
  natGateways: 1000, // DescribeNatGateways: 5–1000
  vpcEndpoints: 1000, // DescribeVpcEndpoints: values above 1,000 return 1,000
  flowLogs: 1000, // DescribeFlowLogs: 5–1000
  transitGatewayAttachments: 1000, // DescribeTransitGatewayVpcAttachments: 5–1000
  vpcPeeringConnections: 1000, // DescribeVpcPeeringConnections: 5–1000
} as const;

/**
 * Server-side filters. Only lists whose rules look at one narrow set of states are filtered, and only
 * states that can never matter are dropped (resources going away or gone); rules still check states.
 */
const FILTERS = {
  /** A deleting/deleted virtual private gateway gives no hybrid reach. */
  vpnGateways: [{ Name: "state", Values: ["pending", "available"] }],
  /** Drops deleted/deleting/failed/failing/rejected/rejecting/rollingBack attachments. */
  transitGatewayAttachments: [
    { Name: "state", Values: ["initiatingRequest", "pendingAcceptance", "pending", "modifying", "available"] },
  ],
  /** Drops deleted/deleting/rejected/failed/expired peering connections. */
  vpcPeeringConnections: [{ Name: "status-code", Values: ["pending-acceptance", "provisioning", "active"] }],
} as const;

/** `GetMetricData` accepts at most 500 queries per call. */
const METRIC_QUERIES_PER_CALL = 500;
/** Batches of metric queries in flight at once (GetMetricData allows 50 calls per second). */
const METRIC_CONCURRENCY = 4;
const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;

type ListPart = Exclude<InventoryPart, "endpointMetrics">;

/** One page of a list: its items and the token of the next page. */
interface Page<T> {
  items: readonly T[] | undefined;
  next: string | undefined;
}

class PaginationError extends Error {}

/** A step's outcome: the value and the number of calls it took, or the error and the calls made. */
type Outcome<T> = { ok: true; value: T; calls: number } | { ok: false; error: unknown; calls: number };

/** Follows `NextToken` until the last page; counts calls; refuses a token that does not advance. */
async function listAll<T>(fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<Outcome<T[]>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let calls = 0;
  try {
    do {
      calls++;
      const page = await fetchPage(token);
      if (page.items) for (const item of page.items) items.push(item);
      token = page.next === "" ? undefined : page.next;
      if (token !== undefined) {
        if (seen.has(token)) throw new PaginationError(`pagination did not advance (NextToken ${JSON.stringify(token)} repeated)`);
        seen.add(token);
      }
    } while (token !== undefined);
  } catch (error) {
    return { ok: false, error, calls };
  }
  return { ok: true, value: items, calls };
}

/** The list call of each part, as a page fetcher. */
function listers(ec2: EC2Client): { [P in ListPart]: (token: string | undefined) => Promise<Page<NonNullable<RawRegion[P]>[number]>> } {
  return {
    vpcs: async (NextToken) => {
      const out = await ec2.send(new DescribeVpcsCommand({ MaxResults: PAGE_SIZE.vpcs, NextToken }));
      return { items: out.Vpcs, next: out.NextToken };
    },
    subnets: async (NextToken) => {
      const out = await ec2.send(new DescribeSubnetsCommand({ MaxResults: PAGE_SIZE.subnets, NextToken }));
      return { items: out.Subnets, next: out.NextToken };
    },
    routeTables: async (NextToken) => {
      const out = await ec2.send(new DescribeRouteTablesCommand({ MaxResults: PAGE_SIZE.routeTables, NextToken }));
      return { items: out.RouteTables, next: out.NextToken };
    },
    natGateways: async (NextToken) => {
      const out = await ec2.send(new DescribeNatGatewaysCommand({ MaxResults: PAGE_SIZE.natGateways, NextToken }));
      return { items: out.NatGateways, next: out.NextToken };
    },
    vpcEndpoints: async (NextToken) => {
      const out = await ec2.send(new DescribeVpcEndpointsCommand({ MaxResults: PAGE_SIZE.vpcEndpoints, NextToken }));
      return { items: out.VpcEndpoints, next: out.NextToken };
    },
    flowLogs: async (NextToken) => {
      const out = await ec2.send(new DescribeFlowLogsCommand({ MaxResults: PAGE_SIZE.flowLogs, NextToken }));
      return { items: out.FlowLogs, next: out.NextToken };
    },
    vpnGateways: async () => {
      // DescribeVpnGateways is not paginated: one call returns every gateway.
      const out = await ec2.send(
        new DescribeVpnGatewaysCommand({ Filters: FILTERS.vpnGateways.map((f) => ({ Name: f.Name, Values: [...f.Values] })) }),
      );
      return { items: out.VpnGateways, next: undefined };
    },
    transitGatewayAttachments: async (NextToken) => {
      const out = await ec2.send(
        new DescribeTransitGatewayVpcAttachmentsCommand({
          MaxResults: PAGE_SIZE.transitGatewayAttachments,
          NextToken,
          Filters: FILTERS.transitGatewayAttachments.map((f) => ({ Name: f.Name, Values: [...f.Values] })),
        }),
      );
      return { items: out.TransitGatewayVpcAttachments, next: out.NextToken };
    },
    vpcPeeringConnections: async (NextToken) => {
      const out = await ec2.send(
        new DescribeVpcPeeringConnectionsCommand({
          MaxResults: PAGE_SIZE.vpcPeeringConnections,
          NextToken,
          Filters: FILTERS.vpcPeeringConnections.map((f) => ({ Name: f.Name, Values: [...f.Values] })),
        }),
      );
      return { items: out.VpcPeeringConnections, next: out.NextToken };
    },
  };
}

/** The message and AWS error code of anything thrown by the SDK. */
function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const raw = (error as { Code?: unknown }).Code;
    const code = typeof raw === "string" ? raw : error.name !== "Error" ? error.name : undefined;
    return { message: error.message || error.name, code };
  }
  return { message: errorMessage(error) };
}

/** The endpoints whose traffic is queried: interface endpoints that are not going away. */
function meteredEndpoints(endpoints: readonly Ec2VpcEndpoint[]): Ec2VpcEndpoint[] {
  return endpoints.filter((e) => {
    if (e.VpcEndpointType !== "Interface") return false;
    const state = normaliseEndpointState(e.State);
    if (state === "deleting" || state === "deleted") return false;
    return Boolean(e.VpcEndpointId && e.ServiceName && e.VpcId);
  });
}

function metricQuery(id: string, endpoint: Ec2VpcEndpoint): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: "AWS/PrivateLinkEndpoints",
        MetricName: "BytesProcessed",
        // The full dimension set, names spelled exactly as CloudWatch publishes them.
        Dimensions: [
          { Name: "Endpoint Type", Value: "Interface" },
          { Name: "Service Name", Value: endpoint.ServiceName },
          { Name: "VPC Endpoint Id", Value: endpoint.VpcEndpointId },
          { Name: "VPC Id", Value: endpoint.VpcId },
        ],
      },
      Period: DAY_SECONDS,
      Stat: "Sum",
    },
    ReturnData: true,
  };
}

class IncompleteMetricsError extends Error {}

/** Why a `GetMetricData` page cannot be trusted as complete, if it cannot. */
function pageProblem(out: GetMetricDataOutput): string | undefined {
  const top = out.Messages ?? [];
  if (top.length > 0) return `GetMetricData returned messages: ${top.map((m) => `${m.Code ?? "?"}: ${m.Value ?? ""}`).join("; ")}`;
  for (const r of out.MetricDataResults ?? []) {
    if (r.StatusCode === "Forbidden" || r.StatusCode === "InternalError") {
      return `query ${r.Id ?? "?"} returned status ${r.StatusCode}`;
    }
    if (r.StatusCode === "PartialData" && !out.NextToken) {
      return `query ${r.Id ?? "?"} returned PartialData without a NextToken`;
    }
    if ((r.Messages ?? []).length > 0) {
      const text = (r.Messages ?? []).map((m) => `${m.Code ?? "?"}: ${m.Value ?? ""}`).join("; ");
      return `query ${r.Id ?? "?"} returned messages: ${text}`;
    }
  }
  return undefined;
}

/** Fetches daily `BytesProcessed` for the metered endpoints, 500 queries per call. */
async function collectMetrics(
  options: CollectOptions,
  endpoints: readonly Ec2VpcEndpoint[],
): Promise<Outcome<RawEndpointMetrics>> {
  const end = options.now;
  const start = new Date(end.getTime() - options.metricWindowDays * DAY_MS);
  const metered = meteredEndpoints(endpoints);
  const queries = metered.map((e, i) => ({ id: `e${i}`, endpointId: e.VpcEndpointId as string }));
  const batches: MetricDataQuery[][] = [];
  for (let i = 0; i < metered.length; i += METRIC_QUERIES_PER_CALL) {
    batches.push(metered.slice(i, i + METRIC_QUERIES_PER_CALL).map((e, j) => metricQuery(`e${i + j}`, e)));
  }
  let calls = 0;
  try {
    const pages = await mapLimit(batches, METRIC_CONCURRENCY, async (batch) => {
      const results: MetricDataResult[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        calls++;
        const out = await options.clients.cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: start,
            EndTime: end,
            ScanBy: "TimestampAscending",
            NextToken: token,
          }),
        );
        const problem = pageProblem(out);
        if (problem) throw new IncompleteMetricsError(`incomplete endpoint metrics: ${problem}`);
        for (const r of out.MetricDataResults ?? []) results.push(r);
        token = out.NextToken === "" ? undefined : out.NextToken;
        if (token !== undefined) {
          if (seen.has(token)) throw new PaginationError(`pagination did not advance (NextToken ${JSON.stringify(token)} repeated)`);
          seen.add(token);
        }
      } while (token !== undefined);
      // A query CloudWatch did not answer at all must not read as "no datapoints" (zero traffic).
      const answered = new Set(results.map((r) => r.Id));
      const missing = batch.filter((q) => !answered.has(q.Id));
      if (missing.length > 0) {
        throw new IncompleteMetricsError(
          `incomplete endpoint metrics: no result for ${missing.length} of ${batch.length} queries (e.g. ${missing[0]?.Id ?? "?"})`,
        );
      }
      return results;
    });
    return {
      ok: true,
      calls,
      value: {
        startTime: start.toISOString(),
        endTime: end.toISOString(),
        period: DAY_SECONDS,
        queries,
        results: pages.flat(),
      },
    };
  } catch (error) {
    return { ok: false, error, calls };
  }
}

/**
 * Collects the raw API responses of one region: each requested part listed once, concurrently, and
 * the endpoint traffic after the endpoint list. Never throws for a failed list: the failure is
 * recorded in `raw.errors` (with the call and the AWS error code) and that part is left absent.
 *
 * @example
 * ```ts
 * const clients = createClients({ region: "eu-west-1" });
 * const raw = await collectRegion({
 *   region: "eu-west-1",
 *   clients,
 *   parts: resolveParts(["subnets", "routeTables", "vpcEndpoints"]),
 *   now: new Date(),
 *   metricWindowDays: 0,
 * });
 * const inventory = parseRegion(raw, accountId, new Date());
 * ```
 */
export async function collectRegion(options: CollectOptions): Promise<RawRegion> {
  const { region } = options;
  const wanted = new Set(resolveParts(options.parts));
  const collected: Partial<Record<InventoryPart, unknown>> = {};
  const errors: RawCollectionError[] = [];

  const progress = (event: Omit<ProgressEvent, "region">): void => {
    if (!options.onProgress) return;
    try {
      options.onProgress({ region, ...event });
    } catch {
      // A broken progress reporter must not lose the inventory.
    }
  };
  const fail = (part: InventoryPart, error: unknown, calls: number): void => {
    const { message, code } = describeError(error);
    errors.push({ part, call: PART_CALLS[part], message, ...(code !== undefined ? { code } : {}) });
    progress({ step: part, status: "failed", calls, message });
  };

  const list = listers(options.clients.ec2);
  const listPart = async <P extends ListPart>(part: P): Promise<Outcome<unknown[]>> => {
    progress({ step: part, status: "start" });
    const outcome = await listAll<unknown>(list[part] as (token: string | undefined) => Promise<Page<unknown>>);
    if (outcome.ok) {
      collected[part] = outcome.value;
      progress({ step: part, status: "done", items: outcome.value.length, calls: outcome.calls });
    } else {
      fail(part, outcome.error, outcome.calls);
    }
    return outcome;
  };

  const metricsWanted = wanted.has("endpointMetrics") && options.metricWindowDays > 0;
  const tasks: Promise<unknown>[] = [];
  for (const part of ALL_PARTS) {
    if (part === "endpointMetrics" || !wanted.has(part)) continue;
    if (part === "vpcEndpoints" && metricsWanted) {
      tasks.push(
        listPart("vpcEndpoints").then(async (endpoints) => {
          if (!endpoints.ok) {
            fail("endpointMetrics", new Error(`needs the VPC endpoint list, which failed: ${describeError(endpoints.error).message}`), 0);
            return;
          }
          progress({ step: "endpointMetrics", status: "start" });
          const metrics = await collectMetrics(options, endpoints.value as Ec2VpcEndpoint[]);
          if (metrics.ok) {
            collected.endpointMetrics = metrics.value;
            progress({ step: "endpointMetrics", status: "done", items: metrics.value.queries.length, calls: metrics.calls });
          } else {
            fail("endpointMetrics", metrics.error, metrics.calls);
          }
        }),
      );
    } else {
      tasks.push(listPart(part as ListPart));
    }
  }
  await Promise.all(tasks);

  // Assemble in a stable key order, whatever order the calls finished in (snapshots stay diffable).
  const raw: Record<string, unknown> = { region };
  for (const part of ALL_PARTS) if (collected[part] !== undefined) raw[part] = collected[part];
  if (errors.length > 0) {
    errors.sort((a, b) => ALL_PARTS.indexOf(a.part) - ALL_PARTS.indexOf(b.part));
    raw.errors = errors;
  }
  return raw as unknown as RawRegion;
}

/**
 * The account id of the caller (STS `GetCallerIdentity`).
 *
 * @throws CollectionError naming the region, the call and the AWS error code.
 * @example
 * ```ts
 * const accountId = await getAccountId(createClients({ region: "us-east-1" }).sts, "us-east-1");
 * ```
 */
export async function getAccountId(sts: STSClient, region: string): Promise<string> {
  const call = "sts:GetCallerIdentity";
  let account: string | undefined;
  try {
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    const { message, code } = describeError(error);
    throw new CollectionError({ region, call, code }, message, { cause: error });
  }
  if (typeof account !== "string" || !/^\d{12}$/.test(account)) {
    throw new CollectionError({ region, call }, `the response has no valid account id (got ${JSON.stringify(account)})`);
  }
  return account;
}
