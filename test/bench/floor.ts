/**
 * The call floor of one region's collection: the fewest API calls any collector could make to read every
 * item of every list the rules need, given how AWS pages each API.
 *
 * floor = Σ over lists ⌈items / largest page the API returns⌉ (at least one call per list, even an empty
 * one; an unpaginated API is one call) + ⌈metered endpoints / 500⌉ `GetMetricData` calls.
 *
 * The page caps are written here from the API references, not taken from the collector (which could be
 * wrong) — `floor.test.ts` checks they agree with the fake AWS server's pagination.
 */

/**
 * Largest page each EC2 list API returns ("Valid Range" of `MaxResults` in the EC2 API reference);
 * `undefined`: the API does not paginate (one call returns everything).
 */
export const AWS_PAGE_CAPS = {
  DescribeVpcs: 1000,
  DescribeSubnets: 1000,
  DescribeRouteTables: 100,
  DescribeNatGateways: 1000,
  DescribeVpcEndpoints: 1000,
  DescribeFlowLogs: 1000,
  DescribeVpnGateways: undefined,
  DescribeTransitGatewayVpcAttachments: 1000,
  DescribeVpcPeeringConnections: 1000,
} as const satisfies Record<string, number | undefined>;

export type ListApi = keyof typeof AWS_PAGE_CAPS;

/** `GetMetricData` accepts at most 500 queries per call (CloudWatch API reference). */
export const GET_METRIC_DATA_MAX_QUERIES = 500;
/** `GetMetricData` returns at most 100,800 datapoints per response before it pages. */
export const GET_METRIC_DATA_MAX_DATAPOINTS = 100_800;

/** Calls needed to read `items` items from an API whose pages hold at most `cap` (undefined: one call). */
export function listFloor(items: number, cap: number | undefined): number {
  if (!Number.isInteger(items) || items < 0) throw new RangeError(`items must be a non-negative integer, got ${items}`);
  if (cap === undefined) return 1;
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`page cap must be a positive integer, got ${cap}`);
  return Math.max(1, Math.ceil(items / cap));
}

/**
 * `GetMetricData` calls needed for `endpoints` daily series over `windowDays` days: one per 500 queries,
 * as long as a full batch fits one response (500 × days ≤ 100,800, i.e. windows up to 201 days). No
 * endpoints or no window: no call.
 */
export function metricsFloor(endpoints: number, windowDays: number): number {
  if (!Number.isInteger(endpoints) || endpoints < 0) throw new RangeError(`endpoints must be a non-negative integer, got ${endpoints}`);
  if (!Number.isInteger(windowDays) || windowDays < 0) throw new RangeError(`windowDays must be a non-negative integer, got ${windowDays}`);
  if (endpoints === 0 || windowDays === 0) return 0;
  if (GET_METRIC_DATA_MAX_QUERIES * windowDays > GET_METRIC_DATA_MAX_DATAPOINTS) {
    throw new RangeError(`a ${windowDays}-day window of daily datapoints can page within one batch; this floor does not model that`);
  }
  return Math.ceil(endpoints / GET_METRIC_DATA_MAX_QUERIES);
}

/** What one region holds, for the floor. */
export interface FloorInput {
  /** Items each list returns (after the collector's server-side filters). */
  items: Readonly<Record<ListApi, number>>;
  /** Interface endpoints whose traffic is queried. */
  meteredEndpoints: number;
  windowDays: number;
}

export interface Floor {
  /** Calls per `Service:Action` (`EC2:DescribeVpcs`, `CloudWatch:GetMetricData`). */
  byApi: Record<string, number>;
  total: number;
  /**
   * The longest chain of calls that must follow one another (pages of one list are sequential; metrics
   * need the whole endpoint list first): a lower bound of the wall time in call latencies.
   */
  criticalPath: number;
}

/**
 * The call floor of a region.
 *
 * @example
 * ```ts
 * const floor = callFloor({ items: { ...counts }, meteredEndpoints: 2900, windowDays: 30 });
 * floor.byApi["EC2:DescribeRouteTables"]; // ⌈route tables / 100⌉
 * ```
 */
export function callFloor(input: FloorInput): Floor {
  const byApi: Record<string, number> = {};
  let criticalPath = 0;
  for (const api of Object.keys(AWS_PAGE_CAPS) as ListApi[]) {
    const pages = listFloor(input.items[api], AWS_PAGE_CAPS[api]);
    byApi[`EC2:${api}`] = pages;
    criticalPath = Math.max(criticalPath, pages);
  }
  const metrics = metricsFloor(input.meteredEndpoints, input.windowDays);
  if (metrics > 0) {
    byApi["CloudWatch:GetMetricData"] = metrics;
    criticalPath = Math.max(criticalPath, (byApi["EC2:DescribeVpcEndpoints"] ?? 0) + 1);
  }
  const total = Object.values(byApi).reduce((a, b) => a + b, 0);
  return { byApi, total, criticalPath };
}
