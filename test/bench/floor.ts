/**
 * The call floor of one region's collection: the fewest API calls any collector could make to read every
 * item of every part the rules need, given how AWS pages each API.
 *
 * floor = Σ over the collected parts of each part record's `floor` — for a list ⌈items / largest page⌉
 * (at least one call, even for an empty list; an unpaginated API is one call), for endpoint metrics one
 * `GetMetricData` call per 500 queries (more when a batch's datapoints exceed one response).
 *
 * The page sizes come from the part records (packages/core/src/inventory/parts/); `floor.test.ts` checks
 * them against the fake AWS server's pagination, which is written separately from the API references —
 * a disagreement means one of them is wrong.
 */
import { PARTS, partSpec, type InventoryPart, type RawRegion } from "@endpoint-auditor/core";

export interface Floor {
  /** Calls per `Service:Action` (`EC2:DescribeVpcs`, `CloudWatch:GetMetricData`). */
  byApi: Record<string, number>;
  total: number;
  /**
   * The longest chain of calls that must follow one another (pages of one list are sequential; a part
   * that needs another starts after all of its pages): a lower bound of the wall time in call latencies.
   */
  criticalPath: number;
}

/** The parts present in a raw region, in table order. */
export function collectedParts(raw: RawRegion): InventoryPart[] {
  return PARTS.map((p) => p.key).filter((k) => (raw as Record<string, unknown>)[k] !== undefined);
}

/**
 * The call floor of the parts a raw region holds.
 *
 * @example
 * ```ts
 * const floor = callFloor(raw);
 * floor.byApi["EC2:DescribeRouteTables"]; // ⌈route tables / 100⌉
 * ```
 */
export function callFloor(raw: RawRegion): Floor {
  const byApi: Record<string, number> = {};
  const chain = new Map<string, number>();
  for (const key of collectedParts(raw)) {
    const spec = partSpec(key);
    const { calls, sequential: own } = spec.floor((raw as Record<string, unknown>)[key] as never);
    for (const [api, n] of Object.entries(calls)) byApi[api] = (byApi[api] ?? 0) + n;
    const before = Math.max(0, ...(spec.after ?? []).map((d) => chain.get(d) ?? 0));
    chain.set(key, own === 0 ? 0 : before + own);
  }
  const total = Object.values(byApi).reduce((a, b) => a + b, 0);
  return { byApi, total, criticalPath: Math.max(0, ...chain.values()) };
}

/** Items per collected part (a list's length; for endpoint metrics the endpoints queried). */
export function partCounts(raw: RawRegion): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of collectedParts(raw)) out[key] = partSpec(key).count((raw as Record<string, unknown>)[key] as never);
  return out;
}
