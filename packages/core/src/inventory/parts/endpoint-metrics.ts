/**
 * `GetMetricData`: daily sums of the PrivateLink metrics the selected rules read (`BytesProcessed`,
 * `PacketsDropped`, …) for every interface endpoint that is not going away — 500 queries per call, after
 * the endpoint list, never one call per endpoint. Each query names the metric's full dimension set
 * (`Endpoint Type, Service Name, VPC Endpoint Id, VPC Id`, spelled as CloudWatch publishes them).
 *
 * An idle endpoint publishes no datapoints at all, so a query without datapoints means zero; a query
 * CloudWatch did not answer, a partial answer or an error status fails the part (never zero traffic).
 */
import { GetMetricDataCommand, type GetMetricDataOutput, type MetricDataQuery, type MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { VpcEndpoint as Ec2VpcEndpoint } from "@aws-sdk/client-ec2";
import { SnapshotError } from "../../errors";
import { mapLimit } from "../../concurrency";
import type { Datapoint, EndpointMetrics, MetricSeries } from "../model";
import { PaginationError, toDate, type Outcome, type PartFloor, type PartSpec } from "../part";
import { normaliseEndpointState } from "./vpc-endpoints";

/** The namespace of interface (and Gateway Load Balancer) endpoint metrics. */
export const PRIVATELINK_NAMESPACE = "AWS/PrivateLinkEndpoints";
/** The metric read when a snapshot query names none (snapshots written before metrics were named). */
export const DEFAULT_ENDPOINT_METRIC = "BytesProcessed";
/** `GetMetricData` accepts at most 500 queries per call. */
export const METRIC_QUERIES_PER_CALL = 500;
/** `GetMetricData` returns at most 100,800 datapoints per response before it pages. */
export const MAX_DATAPOINTS_PER_RESPONSE = 100_800;
/** Batches of metric queries in flight at once (GetMetricData allows 50 calls per second). */
const METRIC_CONCURRENCY = 4;
const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;

/** The raw `GetMetricData` exchange for endpoint metrics in one region (what a snapshot stores). */
export interface RawEndpointMetrics {
  /** ISO start of the queried window (inclusive). */
  startTime: string;
  /** ISO end of the queried window (exclusive). */
  endTime: string;
  /** Period of the queries in seconds (86400). */
  period: number;
  /**
   * Which query id asked for which endpoint and metric (absent: `BytesProcessed`). Every query is listed,
   * with or without data.
   */
  queries: { id: string; endpointId: string; metric?: string }[];
  /** `MetricDataResults` of every response page, concatenated. */
  results: MetricDataResult[];
}

/** The endpoints whose metrics are queried: interface endpoints that are not going away. */
export function meteredEndpoints(endpoints: readonly Ec2VpcEndpoint[]): Ec2VpcEndpoint[] {
  return endpoints.filter((e) => {
    if (e.VpcEndpointType !== "Interface") return false;
    const state = normaliseEndpointState(e.State);
    if (state === "deleting" || state === "deleted") return false;
    return Boolean(e.VpcEndpointId && e.ServiceName && e.VpcId);
  });
}

function metricQuery(id: string, metric: string, endpoint: Ec2VpcEndpoint): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: PRIVATELINK_NAMESPACE,
        MetricName: metric,
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The query id of endpoint `i` and metric `m` (the first metric keeps the short `e<i>`). */
function queryId(i: number, m: number): string {
  return m === 0 ? `e${i}` : `e${i}m${m}`;
}

/** One endpoint's results for a metric: usually one, several when its datapoints came in pages. */
type Results = MetricDataResult | MetricDataResult[];

/**
 * {@link MetricSeries} over the raw results: an endpoint's list of datapoints is made the first time it is
 * read; {@link MetricSeries.sumBetween} adds the raw values up without it. Invalid datapoints (a timestamp
 * that is not a date, a value that is not a finite number) are left out of both.
 */
class RawMetricSeries implements MetricSeries {
  readonly #results = new Map<string, Results>();
  readonly #points = new Map<string, readonly Datapoint[]>();

  add(endpointId: string, result: MetricDataResult): void {
    const known = this.#results.get(endpointId);
    if (known === undefined) this.#results.set(endpointId, result);
    else if (Array.isArray(known)) known.push(result);
    else this.#results.set(endpointId, [known, result]);
  }

  get size(): number {
    return this.#results.size;
  }

  has(endpointId: string): boolean {
    return this.#results.has(endpointId);
  }

  get(endpointId: string): readonly Datapoint[] | undefined {
    let points = this.#points.get(endpointId);
    if (points !== undefined) return points;
    const results = this.#results.get(endpointId);
    if (results === undefined) return undefined;
    const list: Datapoint[] = [];
    for (const result of Array.isArray(results) ? results : [results]) {
      const ts = result.Timestamps ?? [];
      const vs = result.Values ?? [];
      for (let i = 0; i < ts.length && i < vs.length; i++) {
        const timestamp = toDate(ts[i]);
        const value = vs[i];
        if (timestamp && typeof value === "number" && Number.isFinite(value)) list.push({ timestamp, value });
      }
    }
    this.#points.set(endpointId, (points = list));
    return points;
  }

  sumBetween(endpointId: string, fromMs: number, toMs: number): number {
    const results = this.#results.get(endpointId);
    if (results === undefined) return 0;
    if (Array.isArray(results)) {
      let total = 0;
      for (const result of results) total = addBetween(total, result, fromMs, toMs);
      return total;
    }
    return addBetween(0, results, fromMs, toMs);
  }

  forEach(callback: (points: readonly Datapoint[], endpointId: string, map: ReadonlyMap<string, readonly Datapoint[]>) => void, thisArg?: unknown): void {
    for (const id of this.#results.keys()) callback.call(thisArg, this.get(id) as readonly Datapoint[], id, this);
  }

  *entries(): MapIterator<[string, readonly Datapoint[]]> {
    for (const id of this.#results.keys()) yield [id, this.get(id) as readonly Datapoint[]];
  }

  keys(): MapIterator<string> {
    return this.#results.keys();
  }

  *values(): MapIterator<readonly Datapoint[]> {
    for (const id of this.#results.keys()) yield this.get(id) as readonly Datapoint[];
  }

  [Symbol.iterator](): MapIterator<[string, readonly Datapoint[]]> {
    return this.entries();
  }
}

/** `total` plus the valid values of `result` stamped in `(fromMs, toMs)`, in their order (as the list would add them). */
function addBetween(total: number, result: MetricDataResult, fromMs: number, toMs: number): number {
  const ts = result.Timestamps ?? [];
  const vs = result.Values ?? [];
  for (let i = 0; i < ts.length && i < vs.length; i++) {
    const timestamp = ts[i];
    // A Date (live SDK output) is read as it is; a snapshot's ISO string goes through toDate.
    const t = timestamp instanceof Date ? timestamp.getTime() : toDate(timestamp)?.getTime();
    const value = vs[i];
    if (t !== undefined && !Number.isNaN(t) && typeof value === "number" && Number.isFinite(value) && t > fromMs && t < toMs) total += value;
  }
  return total;
}

function parse(raw: RawEndpointMetrics | undefined, region: string): EndpointMetrics {
  if (!raw) return { window: undefined, period: DAY_SECONDS, queried: new Map(), datapoints: new Map() };
  const start = toDate(raw.startTime);
  const end = toDate(raw.endTime);
  if (!start || !end) throw new SnapshotError(`${region}: endpoint metrics without a valid window`);
  // The raw queries themselves (no copy per query: an account's endpoints × metrics can be 100k queries).
  const queryById = new Map<string, RawEndpointMetrics["queries"][number]>();
  const queried = new Map<string, Set<string>>();
  for (const q of raw.queries) {
    queryById.set(q.id, q);
    const metric = q.metric ?? DEFAULT_ENDPOINT_METRIC;
    let set = queried.get(metric);
    if (!set) queried.set(metric, (set = new Set()));
    set.add(q.endpointId);
  }
  // The results themselves, by metric and endpoint (no object per datapoint: see RawMetricSeries).
  const datapoints = new Map<string, RawMetricSeries>();
  for (const result of raw.results) {
    // No datapoint is a real zero, read as such without a list (most endpoints drop no packets).
    if ((result.Timestamps ?? []).length === 0 || (result.Values ?? []).length === 0) continue;
    const query = result.Id !== undefined ? queryById.get(result.Id) : undefined;
    if (query === undefined) continue;
    const metric = query.metric ?? DEFAULT_ENDPOINT_METRIC;
    let series = datapoints.get(metric);
    if (!series) datapoints.set(metric, (series = new RawMetricSeries()));
    series.add(query.endpointId, result);
  }
  return { window: { start, end }, period: raw.period, queried, datapoints };
}

export const endpointMetrics: PartSpec<"endpointMetrics", RawEndpointMetrics, EndpointMetrics> = {
  key: "endpointMetrics",
  title: "endpoint metrics (CloudWatch AWS/PrivateLinkEndpoints)",
  iamActions: ["cloudwatch:GetMetricData"],
  apis: ["CloudWatch:GetMetricData"],
  after: ["vpcEndpoints"],
  skip: ({ metrics }) => metrics.days <= 0 || metrics.names.length === 0,

  async collect(context): Promise<Outcome<RawEndpointMetrics>> {
    const cloudwatch = context.clients.cloudwatch;
    if (!cloudwatch) return { ok: false, error: new Error(`no cloudwatch client for ${context.region}`), calls: 0 };
    const end = context.now;
    const start = new Date(end.getTime() - context.metrics.days * DAY_MS);
    const metered = meteredEndpoints((context.collected.vpcEndpoints ?? []) as Ec2VpcEndpoint[]);
    const names = context.metrics.names;
    const queries: RawEndpointMetrics["queries"] = [];
    const all: MetricDataQuery[] = [];
    metered.forEach((e, i) => {
      names.forEach((metric, m) => {
        const id = queryId(i, m);
        queries.push(metric === DEFAULT_ENDPOINT_METRIC ? { id, endpointId: e.VpcEndpointId as string } : { id, endpointId: e.VpcEndpointId as string, metric });
        all.push(metricQuery(id, metric, e));
      });
    });
    const batches: MetricDataQuery[][] = [];
    for (let i = 0; i < all.length; i += METRIC_QUERIES_PER_CALL) batches.push(all.slice(i, i + METRIC_QUERIES_PER_CALL));
    let calls = 0;
    try {
      const pages = await mapLimit(batches, METRIC_CONCURRENCY, async (batch) => {
        const results: MetricDataResult[] = [];
        const seen = new Set<string>();
        let token: string | undefined;
        do {
          calls++;
          const out = await cloudwatch.send(
            new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: start, EndTime: end, ScanBy: "TimestampAscending", NextToken: token }),
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
      return { ok: true, calls, value: { startTime: start.toISOString(), endTime: end.toISOString(), period: DAY_SECONDS, queries, results: pages.flat() } };
    } catch (error) {
      return { ok: false, error, calls };
    }
  },

  check(m, where) {
    if (!isRecord(m)) throw new SnapshotError(`${where}: "endpointMetrics" is not an object`);
    if (typeof m.startTime !== "string" || typeof m.endTime !== "string" || typeof m.period !== "number" || !(m.period > 0)) {
      throw new SnapshotError(`${where}: "endpointMetrics" needs startTime, endTime and period`);
    }
    if (
      !Array.isArray(m.queries) ||
      !m.queries.every((q) => isRecord(q) && typeof q.id === "string" && typeof q.endpointId === "string" && (q.metric === undefined || typeof q.metric === "string"))
    ) {
      throw new SnapshotError(`${where}: "endpointMetrics.queries" must be a list of {id, endpointId, metric?}`);
    }
    if (!Array.isArray(m.results) || !m.results.every(isRecord)) {
      throw new SnapshotError(`${where}: "endpointMetrics.results" must be a list of MetricDataResult`);
    }
  },

  parse: (raw, { region }) => parse(raw, region),
  count: (raw) => new Set(raw.queries.map((q) => q.endpointId)).size,
  floor(raw): PartFloor {
    // One call per 500 queries, unless a batch's datapoints overflow one response (then it pages).
    // Batches may run at once, so only one batch's pages must follow one another.
    const n = raw.queries.length;
    if (n === 0) return { calls: {}, sequential: 0 };
    const periods = Math.max(1, Math.ceil((Date.parse(raw.endTime) - Date.parse(raw.startTime)) / (raw.period * 1000)));
    let calls = 0;
    let sequential = 0;
    for (let i = 0; i < n; i += METRIC_QUERIES_PER_CALL) {
      const pages = Math.max(1, Math.ceil((Math.min(METRIC_QUERIES_PER_CALL, n - i) * periods) / MAX_DATAPOINTS_PER_RESPONSE));
      calls += pages;
      sequential = Math.max(sequential, pages);
    }
    return { calls: { "CloudWatch:GetMetricData": calls }, sequential };
  },
};
