/**
 * The collector: for one account and one region, runs the records of the parts the rules need (the
 * table in `parts/index.ts`) — each list **once**, paginated at its API's largest page size, independent
 * parts concurrently, a part that needs another (endpoint metrics need the endpoint list) right after
 * it. It never calls an API per VPC, per subnet or per endpoint, and it never builds clients: they are
 * passed in.
 *
 * A part that fails (after the SDK's own retries) is recorded in `raw.errors` and left absent; the
 * other parts are still collected, and the rules that need the failed one report an error instead of
 * evaluations.
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsClients } from "../aws";
import { CollectionError } from "../errors";
import { describeError, type Outcome } from "./part";
import { ALL_PARTS, partSpec, resolveParts, type InventoryPart } from "./parts/index";
import type { RawCollectionError, RawRegion } from "./raw";
import { DEFAULT_ENDPOINT_METRIC } from "./parts/endpoint-metrics";

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
  /** The region's clients; each part uses the client of its service. */
  clients: Partial<AwsClients>;
  /** The parts to collect (the parts they need are added: `endpointMetrics` implies `vpcEndpoints`). */
  parts: readonly InventoryPart[];
  /** End of the metric window. */
  now: Date;
  /** Days of endpoint metrics to fetch; 0 fetches none (and `endpointMetrics` stays absent). */
  metricWindowDays: number;
  /** Endpoint metrics to fetch (default `BytesProcessed`). */
  metricNames?: readonly string[];
  onProgress?: (e: ProgressEvent) => void;
}

/**
 * Collects the raw API responses of one region: each requested part once, concurrently where they are
 * independent. Never throws for a failed part: the failure is recorded in `raw.errors` (with the call and
 * the AWS error code) and that part is left absent.
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
  const wanted = resolveParts(options.parts);
  const metrics = { days: options.metricWindowDays, names: options.metricNames ?? [DEFAULT_ENDPOINT_METRIC] };
  const collected: Record<string, unknown> = {};
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
    errors.push({ part, call: partSpec(part).iamActions.join(", "), message, ...(code !== undefined ? { code } : {}) });
    progress({ step: part, status: "failed", calls, message });
  };

  // Each part starts as soon as the parts it needs are done; a failed dependency fails it without a call.
  const runs = new Map<InventoryPart, Promise<boolean>>();
  const run = async (key: InventoryPart): Promise<boolean> => {
    const spec = partSpec(key);
    const deps = (spec.after ?? []) as InventoryPart[];
    const depsOk = await Promise.all(deps.map((d) => runs.get(d) ?? Promise.resolve(false)));
    if (spec.skip?.({ metrics })) return false;
    const failedDep = deps.find((_, i) => !depsOk[i]);
    if (failedDep !== undefined) {
      const cause = errors.find((e) => e.part === failedDep)?.message ?? "it was not collected";
      fail(key, new Error(`needs the ${partSpec(failedDep).title} list, which failed: ${cause}`), 0);
      return false;
    }
    progress({ step: key, status: "start" });
    let outcome: Outcome<unknown>;
    try {
      outcome = await spec.collect({
        region,
        accountId: options.accountId,
        clients: options.clients,
        now: options.now,
        metrics,
        collected: Object.fromEntries(deps.map((d) => [d, collected[d]])),
      });
    } catch (error) {
      outcome = { ok: false, error, calls: 0 };
    }
    if (!outcome.ok) {
      fail(key, outcome.error, outcome.calls);
      return false;
    }
    collected[key] = outcome.value;
    progress({ step: key, status: "done", items: spec.count(outcome.value), calls: outcome.calls });
    return true;
  };
  for (const key of wanted) runs.set(key, run(key));
  await Promise.all(runs.values());

  // Assemble in table order, whatever order the calls finished in (snapshots stay diffable).
  const raw: Record<string, unknown> = { region };
  for (const part of ALL_PARTS) if (collected[part] !== undefined) raw[part] = collected[part];
  if (errors.length > 0) {
    errors.sort((a, b) => ALL_PARTS.indexOf(a.part) - ALL_PARTS.indexOf(b.part));
    raw.errors = errors;
  }
  return raw as RawRegion;
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
