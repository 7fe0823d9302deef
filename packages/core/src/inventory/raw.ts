/**
 * A snapshot is the raw API responses of one scan: for each region, the value of every collected part
 * exactly as the AWS API returned it (a list's pages concatenated; the raw `GetMetricData` exchange). It is
 * what `--save-snapshot` writes and `evaluate --snapshot` replays through the same parsing as a live scan.
 * Its keys are the part keys of the table in `parts/index.ts`.
 *
 * The item types are the SDK's output shapes; in a JSON file their dates are ISO strings, which the
 * parsers accept as well as `Date` objects.
 */
import type { InventoryPart, RawOf } from "./parts/index";

export const SNAPSHOT_FORMAT = "endpoint-auditor/snapshot@1" as const;

export type { RawEndpointMetrics } from "./parts/endpoint-metrics";

/** A list that could not be collected. */
export interface RawCollectionError {
  part: InventoryPart;
  /** IAM-style call name, e.g. `ec2:DescribeFlowLogs`. */
  call: string;
  message: string;
  code?: string;
}

/** The raw API responses of one region. A part that was not collected is absent. */
export type RawRegion = {
  region: string;
  /** Parts that failed; the rules that need them report an error instead of evaluations. */
  errors?: RawCollectionError[];
} & { [K in InventoryPart]?: RawOf<K> };

/** A saved scan: what `--save-snapshot` writes. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  accountId: string;
  /** ISO time the scan ran; `evaluate --snapshot` uses it as "now" unless `--now` is given. */
  capturedAt: string;
  regions: RawRegion[];
}
