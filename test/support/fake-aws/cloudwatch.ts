/**
 * CloudWatch `GetMetricData` over the AWS JSON 1.0 protocol with query compatibility (what
 * `@aws-sdk/client-cloudwatch` ≥ 3.949 speaks): `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`,
 * epoch-second timestamps, errors as `{"__type", "message"}` plus the `x-amzn-query-error: Code;Sender`
 * header. Datapoints come from metric series; a query matches a series only when namespace, metric name
 * and the **whole** dimension set (names and values) are equal, like the real service.
 */
import type { VpcEndpoint } from "@aws-sdk/client-ec2";
import { createHash } from "node:crypto";
import type { RawRegion } from "@endpoint-auditor/core";
import { FakeApiError, epochSeconds, readJsonTimestamp } from "./protocol";

/** One datapoint of a series (aggregated per query period with the query's statistic). */
export interface MetricPoint {
  timestamp: Date | string | number;
  value: number;
}

/** A metric time series. */
export interface MetricSeries {
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  datapoints: readonly MetricPoint[];
}

/** The most queries one `GetMetricData` call may carry. */
export const MAX_METRIC_DATA_QUERIES = 500;
/** CloudWatch's default `MaxDatapoints` per response. */
export const DEFAULT_MAX_DATAPOINTS = 100_800;

export const PRIVATELINK_NAMESPACE = "AWS/PrivateLinkEndpoints";

/**
 * The `BytesProcessed` series of an endpoint, keyed by the full dimension set
 * `Endpoint Type, Service Name, VPC Endpoint Id, VPC Id`.
 */
export function bytesProcessedSeries(endpoint: VpcEndpoint, datapoints: readonly MetricPoint[]): MetricSeries {
  return endpointSeries(endpoint, "BytesProcessed", datapoints);
}

/**
 * A PrivateLink metric series of an endpoint (`BytesProcessed`, `PacketsDropped`, …), keyed by the full
 * dimension set `Endpoint Type, Service Name, VPC Endpoint Id, VPC Id`.
 */
export function endpointSeries(endpoint: VpcEndpoint, metricName: string, datapoints: readonly MetricPoint[]): MetricSeries {
  return {
    namespace: PRIVATELINK_NAMESPACE,
    metricName,
    dimensions: {
      "Endpoint Type": endpoint.VpcEndpointType ?? "",
      "Service Name": endpoint.ServiceName ?? "",
      "VPC Endpoint Id": endpoint.VpcEndpointId ?? "",
      "VPC Id": endpoint.VpcId ?? "",
    },
    datapoints,
  };
}

/**
 * The series a region's recorded `endpointMetrics` imply: each query's datapoints under its metric (absent:
 * `BytesProcessed`) and the endpoint's real dimensions. Endpoints not in `vpcEndpoints` are skipped (their
 * dimensions are unknown).
 */
export function seriesFromRawRegion(region: RawRegion): MetricSeries[] {
  const metrics = region.endpointMetrics;
  if (!metrics) return [];
  const endpoints = new Map((region.vpcEndpoints ?? []).map((e) => [e.VpcEndpointId, e]));
  const points = new Map<string, { endpointId: string; metric: string; list: MetricPoint[] }>();
  const queryById = new Map(metrics.queries.map((q) => [q.id, q]));
  for (const r of metrics.results) {
    const q = r.Id !== undefined ? queryById.get(r.Id) : undefined;
    if (q === undefined) continue;
    const metric = q.metric ?? "BytesProcessed";
    const key = `${metric}|${q.endpointId}`;
    let entry = points.get(key);
    if (!entry) points.set(key, (entry = { endpointId: q.endpointId, metric, list: [] }));
    const ts = r.Timestamps ?? [];
    const vs = r.Values ?? [];
    for (let i = 0; i < ts.length && i < vs.length; i++) {
      const t = ts[i];
      const v = vs[i];
      if (t !== undefined && typeof v === "number") entry.list.push({ timestamp: t, value: v });
    }
  }
  const out: MetricSeries[] = [];
  for (const { endpointId, metric, list } of points.values()) {
    const endpoint = endpoints.get(endpointId);
    if (endpoint) out.push(endpointSeries(endpoint, metric, list));
  }
  return out;
}

function seriesKey(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): string {
  const dims = Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([namespace, metricName, dims]);
}

/** Series of one region, indexed for lookup by query. */
export class MetricStore {
  private readonly byKey = new Map<string, { t: number; v: number }[]>();

  constructor(series: readonly MetricSeries[]) {
    for (const s of series) {
      const key = seriesKey(s.namespace, s.metricName, s.dimensions);
      const list = this.byKey.get(key) ?? [];
      for (const p of s.datapoints) {
        const d = p.timestamp instanceof Date ? p.timestamp : new Date(p.timestamp);
        if (!Number.isNaN(d.getTime()) && Number.isFinite(p.value)) list.push({ t: d.getTime(), v: p.value });
      }
      this.byKey.set(key, list);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  points(namespace: string, metricName: string, dimensions: Record<string, string>): { t: number; v: number }[] {
    return this.byKey.get(seriesKey(namespace, metricName, dimensions)) ?? [];
  }
}

interface Query {
  Id?: unknown;
  MetricStat?: {
    Metric?: { Namespace?: unknown; MetricName?: unknown; Dimensions?: { Name?: unknown; Value?: unknown }[] };
    Period?: unknown;
    Stat?: unknown;
  };
  Expression?: unknown;
  Label?: unknown;
  ReturnData?: unknown;
  Period?: unknown;
}

const STATS: Record<string, (values: number[]) => number> = {
  Sum: (v) => v.reduce((a, b) => a + b, 0),
  Average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  Minimum: (v) => Math.min(...v),
  Maximum: (v) => Math.max(...v),
  SampleCount: (v) => v.length,
};

const ID_RE = /^[a-z][a-zA-Z0-9_]*$/;

function invalid(message: string): FakeApiError {
  return new FakeApiError("InvalidParameterValue", message, 400, "com.amazonaws.cloudwatch#InvalidParameterValueException");
}

function validation(message: string): FakeApiError {
  return new FakeApiError("ValidationError", message, 400, "com.amazonaws.cloudwatch#ValidationException");
}

interface CwToken {
  q: number;
  o: number;
  f: string;
}

export interface CloudWatchOptions {
  /** The most datapoints one response carries before paginating (CloudWatch: 100,800). */
  maxDatapointsPerResponse: number;
}

/** Answers `GetMetricData` (request body already parsed from JSON). */
export function handleGetMetricData(body: Record<string, unknown>, store: MetricStore, options: CloudWatchOptions): Record<string, unknown> {
  const queries = body.MetricDataQueries;
  if (!Array.isArray(queries) || queries.length === 0) {
    throw validation("1 validation error detected: Value null at 'metricDataQueries' failed to satisfy constraint: Member must not be null");
  }
  if (queries.length > MAX_METRIC_DATA_QUERIES) {
    throw validation(
      `1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_METRIC_DATA_QUERIES}`,
    );
  }
  const start = readJsonTimestamp(body.StartTime, "StartTime").getTime();
  const end = readJsonTimestamp(body.EndTime, "EndTime").getTime();
  if (!(end > start)) throw invalid("The parameter EndTime must be greater than StartTime.");
  const scanBy = (body.ScanBy as string | undefined) ?? "TimestampDescending";
  if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") throw validation(`Invalid ScanBy ${scanBy}`);

  const seen = new Set<string>();
  const computed: { id: string; label: string; points: { t: number; v: number }[]; returnData: boolean }[] = [];
  (queries as Query[]).forEach((q, i) => {
    const where = `MetricDataQueries.member.${i + 1}`;
    if (typeof q.Id !== "string" || !ID_RE.test(q.Id)) {
      throw validation(`The value ${String(q.Id)} for parameter ${where}.Id is not valid: it must start with a lowercase letter and contain only letters, digits and underscores.`);
    }
    if (seen.has(q.Id)) throw invalid(`The values for parameter id in MetricDataQueries are not unique: ${q.Id}`);
    seen.add(q.Id);
    if (q.Expression !== undefined) throw invalid(`fake-aws: metric math expressions are not served (${where}.Expression)`);
    const stat = q.MetricStat;
    const metric = stat?.Metric;
    if (!stat || !metric || typeof metric.Namespace !== "string" || typeof metric.MetricName !== "string") {
      throw new FakeApiError("MissingParameter", `The parameter ${where}.MetricStat is required.`, 400, "com.amazonaws.cloudwatch#MissingRequiredParameterException");
    }
    const period = stat.Period;
    if (typeof period !== "number" || !Number.isInteger(period) || period < 1 || (period >= 60 && period % 60 !== 0)) {
      throw invalid(`The parameter ${where}.MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.`);
    }
    const statName = stat.Stat;
    const aggregate = typeof statName === "string" ? STATS[statName] : undefined;
    if (!aggregate) throw invalid(`fake-aws: statistic ${String(statName)} is not served (${where}.MetricStat.Stat)`);
    const dims: Record<string, string> = {};
    for (const d of metric.Dimensions ?? []) {
      if (typeof d.Name !== "string" || typeof d.Value !== "string") throw invalid(`Invalid dimension in ${where}`);
      if (d.Name in dims) throw invalid(`Duplicate dimension ${d.Name} in ${where}`);
      dims[d.Name] = d.Value;
    }
    const periodMs = period * 1000;
    const buckets = new Map<number, number[]>();
    for (const p of store.points(metric.Namespace, metric.MetricName, dims)) {
      if (p.t < start || p.t >= end) continue;
      const bucket = Math.floor(p.t / periodMs) * periodMs;
      const list = buckets.get(bucket) ?? [];
      list.push(p.v);
      buckets.set(bucket, list);
    }
    const points = [...buckets.entries()]
      .map(([t, values]) => ({ t, v: aggregate(values) }))
      .sort((a, b) => (scanBy === "TimestampAscending" ? a.t - b.t : b.t - a.t));
    computed.push({
      id: q.Id,
      label: typeof q.Label === "string" ? q.Label : metric.MetricName,
      points,
      returnData: q.ReturnData !== false,
    });
  });

  const fingerprint = createHash("sha256")
    .update(JSON.stringify({ q: body.MetricDataQueries, s: body.StartTime, e: body.EndTime, b: scanBy }))
    .digest("hex")
    .slice(0, 16);
  let queryIndex = 0;
  let pointOffset = 0;
  const token = body.NextToken;
  if (typeof token === "string" && token !== "") {
    let parsed: Partial<CwToken> | undefined;
    try {
      parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<CwToken>;
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.f !== fingerprint || typeof parsed.q !== "number" || typeof parsed.o !== "number") {
      throw new FakeApiError("InvalidNextToken", "The service returned an error with Error Code InvalidNextToken.", 400, "com.amazonaws.cloudwatch#InvalidNextToken");
    }
    queryIndex = parsed.q;
    pointOffset = parsed.o;
  }
  const requested = body.MaxDatapoints;
  if (requested !== undefined && (typeof requested !== "number" || !Number.isInteger(requested) || requested < 1)) {
    throw invalid("The parameter MaxDatapoints must be a positive integer.");
  }
  let budget = Math.min(options.maxDatapointsPerResponse, typeof requested === "number" ? requested : DEFAULT_MAX_DATAPOINTS);

  const results: Record<string, unknown>[] = [];
  let next: CwToken | undefined;
  for (let i = queryIndex; i < computed.length; i++) {
    const c = computed[i]!;
    if (!c.returnData) continue;
    const from = i === queryIndex ? pointOffset : 0;
    const remaining = c.points.length - from;
    if (remaining > budget) {
      const take = c.points.slice(from, from + budget);
      if (take.length > 0) {
        results.push({
          Id: c.id,
          Label: c.label,
          Timestamps: take.map((p) => epochSeconds(new Date(p.t))),
          Values: take.map((p) => p.v),
          StatusCode: "PartialData",
        });
      }
      next = { q: i, o: from + take.length, f: fingerprint };
      break;
    }
    const take = c.points.slice(from);
    budget -= take.length;
    results.push({
      Id: c.id,
      Label: c.label,
      Timestamps: take.map((p) => epochSeconds(new Date(p.t))),
      Values: take.map((p) => p.v),
      StatusCode: "Complete",
    });
  }
  const out: Record<string, unknown> = { MetricDataResults: results, Messages: [] };
  if (next) out.NextToken = Buffer.from(JSON.stringify(next)).toString("base64url");
  return out;
}
