/** Small statistics for the benchmark suites. */

/**
 * The median of a non-empty list (mean of the two middle values for an even length).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One call as the server saw it. */
export interface TimelineEntry {
  key: string;
  startMs: number;
  endMs: number | undefined;
}

/**
 * The most distinct list APIs the server was answering at the same moment (a list's own pages
 * follow one another, so this counts lists running concurrently). `listApis`: the list parts' `Service:Action`s
 * (default: EC2's calls).
 */
export function peakListsInFlight(entries: readonly TimelineEntry[], listApis?: ReadonlySet<string>): number {
  const events: { t: number; key: string; delta: 1 | -1 }[] = [];
  for (const e of entries) {
    if (listApis ? !listApis.has(e.key) : !e.key.startsWith("EC2:")) continue;
    events.push({ t: e.startMs, key: e.key, delta: 1 });
    events.push({ t: e.endMs ?? Number.POSITIVE_INFINITY, key: e.key, delta: -1 });
  }
  // Ends before starts at the same instant: touching calls do not overlap.
  events.sort((a, b) => a.t - b.t || a.delta - b.delta);
  const open = new Map<string, number>();
  let peak = 0;
  for (const e of events) {
    const n = (open.get(e.key) ?? 0) + e.delta;
    if (n === 0) open.delete(e.key);
    else open.set(e.key, n);
    peak = Math.max(peak, open.size);
  }
  return peak;
}
