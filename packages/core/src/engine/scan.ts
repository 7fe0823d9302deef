/**
 * A whole scan: for each region, collect what the selected rules need, parse, evaluate. Also the replay
 * of a saved snapshot through the same parsing and rules.
 */
import type { AwsClients } from "../aws";
import { EndpointAuditorError, errorMessage } from "../errors";
import {
  evaluateInventory,
  metricNeeds,
  partsFor,
  prepareRules,
  type EvaluateOptions,
  type PreparedRule,
  type RuleSelection,
} from "./engine";
import type { Evaluation, ScanError } from "../evaluation";
import { collectRegion, getAccountId, type ProgressEvent } from "../inventory/collect";
import { parseRegion } from "../inventory/parse";
import { SNAPSHOT_FORMAT, type RawRegion, type Snapshot } from "../inventory/raw";
import { mapLimit } from "../concurrency";

export interface ScanResult {
  accountId: string;
  /** ISO time the evaluation refers to. */
  scannedAt: string;
  regions: string[];
  evaluations: Evaluation[];
  errors: ScanError[];
}

export interface ScanOptions {
  regions: readonly string[];
  /** Rules and raw parameters; all rules with defaults when empty. */
  selections?: readonly RuleSelection[];
  now?: Date;
  /** Builds the clients for a region (injectable: tests pass mocked or local clients). */
  clientsFor: (region: string) => AwsClients;
  /** How many regions are collected at once (default 4). */
  regionConcurrency?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** What exemption tags must say (default: a reason; see `./exemptions`). */
  exemptions?: EvaluateOptions["exemptions"];
}

export interface ScanOutput extends ScanResult {
  /** The raw responses, ready for `--save-snapshot`. */
  snapshot: Snapshot;
}

/**
 * Evaluates raw regions (from a live collection or a snapshot) with prepared rules.
 *
 * @example
 * ```ts
 * const result = evaluateRawRegions(snapshot.accountId, snapshot.regions, prepareRules(), new Date());
 * ```
 */
export function evaluateRawRegions(
  accountId: string,
  regions: readonly RawRegion[],
  rules: readonly PreparedRule[],
  now: Date,
  options: EvaluateOptions = {},
): ScanResult {
  const evaluations: Evaluation[] = [];
  const errors: ScanError[] = [];
  for (const raw of regions) {
    let result;
    try {
      result = evaluateInventory(parseRegion(raw, accountId, now), rules, now, options);
    } catch (error) {
      // A snapshot's items are the API's shapes; a field of the wrong type is malformed data, not a verdict.
      const message = error instanceof EndpointAuditorError ? error.message : `malformed inventory data: ${errorMessage(error)}`;
      errors.push({ region: raw.region, message });
      continue;
    }
    // A loop, not push(...list): a spread passes every element as an argument, and past ~120,000 that
    // exceeds the call stack ("Maximum call stack size exceeded").
    for (const evaluation of result.evaluations) evaluations.push(evaluation);
    for (const error of result.errors) errors.push(error);
  }
  return { accountId, scannedAt: now.toISOString(), regions: regions.map((r) => r.region), evaluations, errors };
}

/**
 * Replays a snapshot. `now` defaults to the snapshot's capture time, so a replay is deterministic.
 *
 * @throws UnknownRuleError | ParameterValidationError for bad selections.
 * @example
 * ```ts
 * const result = evaluateSnapshot(parseSnapshot(text), [{ ruleId: "vpc-flow-logs-enabled" }]);
 * ```
 */
export function evaluateSnapshot(
  snapshot: Snapshot,
  selections?: readonly RuleSelection[],
  now?: Date,
  options: EvaluateOptions = {},
): ScanResult {
  const rules = prepareRules(selections);
  return evaluateRawRegions(snapshot.accountId, snapshot.regions, rules, now ?? new Date(snapshot.capturedAt), options);
}

/**
 * Scans live regions: one account id lookup, then per region (concurrently) the lists the selected
 * rules need, then evaluation. A failed list or region becomes an error entry; the rest is still
 * evaluated.
 *
 * @throws UnknownRuleError | ParameterValidationError for bad selections; CollectionError when the
 *   account id cannot be read at all.
 * @example
 * ```ts
 * const out = await scanAccount({ regions: ["us-east-1"], clientsFor: (region) => createClients({ region }) });
 * ```
 */
export async function scanAccount(options: ScanOptions): Promise<ScanOutput> {
  const rules = prepareRules(options.selections);
  const now = options.now ?? new Date();
  const regions = [...new Set(options.regions)];
  if (regions.length === 0) throw new Error("scanAccount needs at least one region");
  const parts = partsFor(rules);
  const metrics = metricNeeds(rules);

  // The account id comes from the first region that answers.
  let accountId: string | undefined;
  let lastError: unknown;
  for (const region of regions) {
    try {
      accountId = await getAccountId(options.clientsFor(region).sts, region);
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (accountId === undefined) throw lastError;

  const raws = await mapLimit(regions, options.regionConcurrency ?? 4, (region) =>
    collectRegion({
      region,
      accountId: accountId as string,
      clients: options.clientsFor(region),
      parts,
      now,
      metricWindowDays: metrics.days,
      metricNames: metrics.names,
      onProgress: options.onProgress,
    }),
  );
  const result = evaluateRawRegions(accountId, raws, rules, now, options.exemptions ? { exemptions: options.exemptions } : {});
  return {
    ...result,
    snapshot: { format: SNAPSHOT_FORMAT, accountId, capturedAt: now.toISOString(), regions: raws },
  };
}
