/**
 * Snapshot files of one or many accounts. A scan of exactly one account (and no failed account) is written
 * in today's single-account format `endpoint-auditor/snapshot@1` (plus an optional `rules` list, which older
 * readers ignore); a scan of several accounts, or with an account that could not be read, is written as
 * `endpoint-auditor/snapshot@2`:
 *
 * ```json
 * { "format": "endpoint-auditor/snapshot@2", "capturedAt": "…", "rules": ["…"],
 *   "accounts": [{ "accountId": "111111111111", "regions": [RawRegion, …] }, …],
 *   "failures": [{ "accountId": "222222222222", "call": "sts:AssumeRole", "message": "…", "code": "AccessDenied" }] }
 * ```
 *
 * Both are read; each account's regions are checked exactly as a single-account snapshot's. A snapshot of a
 * later format (`@3`, …) is refused with a message that says to upgrade.
 */
import { SnapshotError } from "../errors";
import { RULES } from "../rules/index";
import { SNAPSHOT_FORMAT, type Snapshot } from "../inventory/raw";
import { checkSnapshot } from "../inventory/snapshot";
import { prepareRules, type RuleSelection } from "./engine";
import { evaluateSnapshotSetWith, type AccountFailure, type AccountsResult, type SnapshotSet } from "./accounts";

export const SNAPSHOT_SET_FORMAT = "endpoint-auditor/snapshot@2" as const;

/** The snapshot format versions this version reads. */
export const READABLE_SNAPSHOT_VERSIONS = [1, 2] as const;

/** A snapshot written by a later version of endpoint-auditor. */
export class SnapshotVersionError extends SnapshotError {
  public readonly version: number;
  public constructor(version: number) {
    super(
      `it is a snapshot@${version}, written by a newer endpoint-auditor; this version reads snapshot@${READABLE_SNAPSHOT_VERSIONS.join(" and @")}. Upgrade endpoint-auditor to read it`,
    );
    this.version = version;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkRules(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const known = RULES.map((r) => r.metadata.id);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new SnapshotError(`"rules" must be a list of rule ids`);
  // A rule a later version added is kept (it names what the scan was for) but cannot be evaluated here.
  return value.filter((v) => known.includes(v) || /^[a-z0-9-]+$/.test(v));
}

function checkFailure(value: unknown, i: number): AccountFailure {
  if (
    !isRecord(value) ||
    typeof value.accountId !== "string" ||
    !/^\d{12}$/.test(value.accountId) ||
    typeof value.call !== "string" ||
    typeof value.message !== "string" ||
    (value.code !== undefined && typeof value.code !== "string")
  ) {
    throw new SnapshotError(`failures[${i}] must be {accountId (12 digits), call, message, code?}`);
  }
  return { accountId: value.accountId, call: value.call, message: value.message, ...(value.code !== undefined ? { code: value.code as string } : {}) };
}

/**
 * Checks an already-parsed snapshot of either format and returns it as a set of accounts.
 *
 * @throws SnapshotVersionError for a later format; SnapshotError for anything not a snapshot.
 * @example
 * ```ts
 * const set = checkSnapshotSet(JSON.parse(text));
 * set.accounts.map((a) => a.accountId);
 * ```
 */
export function checkSnapshotSet(value: unknown): SnapshotSet {
  if (!isRecord(value)) throw new SnapshotError("a snapshot is a JSON object");
  const version = typeof value.format === "string" ? /^endpoint-auditor\/snapshot@(\d+)$/.exec(value.format)?.[1] : undefined;
  if (version !== undefined && Number(version) > Math.max(...READABLE_SNAPSHOT_VERSIONS)) throw new SnapshotVersionError(Number(version));
  if (value.format === SNAPSHOT_FORMAT) {
    const one = checkSnapshot(value);
    const rules = checkRules(value.rules);
    return {
      capturedAt: one.capturedAt,
      ...(rules !== undefined ? { rules } : {}),
      accounts: [{ accountId: one.accountId, regions: one.regions }],
      failures: [],
    };
  }
  if (value.format !== SNAPSHOT_SET_FORMAT) {
    throw new SnapshotError(`unsupported snapshot format ${JSON.stringify(value.format)}; expected "${SNAPSHOT_FORMAT}" or "${SNAPSHOT_SET_FORMAT}"`);
  }
  if (typeof value.capturedAt !== "string" || Number.isNaN(Date.parse(value.capturedAt))) throw new SnapshotError(`"capturedAt" must be an ISO date`);
  if (!Array.isArray(value.accounts)) throw new SnapshotError(`"accounts" must be a list`);
  const failures = value.failures === undefined ? [] : Array.isArray(value.failures) ? value.failures.map(checkFailure) : undefined;
  if (!failures) throw new SnapshotError(`"failures" must be a list`);
  if (value.accounts.length === 0 && failures.length === 0) throw new SnapshotError(`"accounts" must not be empty`);
  const seen = new Set<string>();
  const accounts = value.accounts.map((a: unknown, i: number) => {
    if (!isRecord(a)) throw new SnapshotError(`accounts[${i}] is not an object`);
    let one: Snapshot;
    try {
      // Each account's regions are checked exactly as a single-account snapshot's.
      one = checkSnapshot({ format: SNAPSHOT_FORMAT, accountId: a.accountId, capturedAt: value.capturedAt, regions: a.regions });
    } catch (error) {
      if (error instanceof SnapshotError) throw new SnapshotError(`accounts[${i}]: ${error.message}`, { cause: error });
      throw error;
    }
    if (seen.has(one.accountId)) throw new SnapshotError(`account ${one.accountId} appears twice`);
    seen.add(one.accountId);
    return { accountId: one.accountId, regions: one.regions };
  });
  const rules = checkRules(value.rules);
  return { capturedAt: value.capturedAt, ...(rules !== undefined ? { rules } : {}), accounts, failures };
}

/**
 * Parses a snapshot file's text (either format).
 *
 * @throws SnapshotVersionError | SnapshotError
 * @example
 * ```ts
 * const set = parseSnapshotSet(await readFile("org.json", "utf8"));
 * ```
 */
export function parseSnapshotSet(text: string): SnapshotSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  return checkSnapshotSet(value);
}

/**
 * Serialises a snapshot set: `snapshot@1` for exactly one account without failures (what older versions
 * read), else `snapshot@2`.
 *
 * @example
 * ```ts
 * await writeFile("scan.json", serializeSnapshotSet(out.snapshot));
 * ```
 */
export function serializeSnapshotSet(set: SnapshotSet): string {
  const [only] = set.accounts;
  const value =
    set.accounts.length === 1 && set.failures.length === 0 && only
      ? { format: SNAPSHOT_FORMAT, accountId: only.accountId, capturedAt: set.capturedAt, ...(set.rules ? { rules: set.rules } : {}), regions: only.regions }
      : { format: SNAPSHOT_SET_FORMAT, capturedAt: set.capturedAt, ...(set.rules ? { rules: set.rules } : {}), accounts: set.accounts, failures: set.failures };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Replays a snapshot set. `now` defaults to the capture time, so a replay is deterministic.
 *
 * @throws UnknownRuleError | ParameterValidationError for bad selections.
 * @example
 * ```ts
 * const result = evaluateSnapshotSet(parseSnapshotSet(text), [{ ruleId: "vpc-flow-logs-enabled" }]);
 * ```
 */
export function evaluateSnapshotSet(set: SnapshotSet, selections?: readonly RuleSelection[], now?: Date): AccountsResult {
  return evaluateSnapshotSetWith(set, prepareRules(selections), now ?? new Date(set.capturedAt));
}
