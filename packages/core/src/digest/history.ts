/**
 * The digest's view of the findings history of one account and region: open, resolved and exempt
 * findings of the deployed rules plus whether each deployed rule reports (its heartbeat). Shared by the
 * digest Lambda (`runDigest`) and the CLI's digest preview given a history table, so both say the same.
 * Read only: findings of rules that are no longer deployed are returned apart, for the caller to close.
 */
import type { DeployedConfigRule } from "../config/deployed";
import type { ExecutionFrequency } from "../deployment";
import { loadHeartbeats, reportingStatus } from "../history/heartbeats";
import { loadDigestState } from "../history/queries";
import type { HistoryClient } from "../history/schema";
import type { HistoryRecord } from "../history/transitions";
import { weekWindow, type DigestExemption, type DigestInput } from "./model";

export interface HistoryDigestOptions {
  history: HistoryClient;
  tableName: string;
  accountId: string;
  region: string;
  /** End of the 7-day window and the moment heartbeats are judged at. */
  now: Date;
  /** The rules that must report; findings of other rules are returned as `undeployed`. */
  deployedRules: readonly DeployedConfigRule[];
  /** The rules' period (default: each heartbeat's own, else daily). */
  frequency?: ExecutionFrequency;
  accountAlias?: string;
}

/** What the history says for one digest. */
export interface HistoryDigest {
  input: DigestInput;
  /** Open and exempt findings of rules that are not deployed (not in `input`). */
  undeployed: HistoryRecord[];
}

function asExemption(r: HistoryRecord): DigestExemption {
  return {
    ruleId: r.ruleId,
    resourceId: r.resourceId,
    resourceType: r.resourceType,
    reason: r.exemptReason ?? "",
    ...(r.exemptUntil ? { until: r.exemptUntil } : {}),
    ...(r.exemptedAt ? { exemptedAt: r.exemptedAt } : {}),
  };
}

/**
 * Reads the history of one account and region for a digest: three index queries (open, resolved,
 * exempt) and one heartbeat query, in parallel.
 *
 * @throws HistoryReadError
 * @example
 * ```ts
 * const { input, undeployed } = await loadHistoryDigest({ history: doc, tableName, accountId, region, now, deployedRules });
 * const digest = buildDigest(input, { topOffenders: 10 });
 * ```
 */
export async function loadHistoryDigest(options: HistoryDigestOptions): Promise<HistoryDigest> {
  const { since, until } = weekWindow(options.now);
  const where = { accountId: options.accountId, region: options.region };
  const [state, heartbeats] = await Promise.all([
    loadDigestState(options.history, options.tableName, { ...where, since, until }),
    loadHeartbeats(options.history, options.tableName, where),
  ]);
  const deployed = new Set(options.deployedRules.map((r) => r.ruleId));
  const isDeployed = (r: HistoryRecord): boolean => deployed.has(r.ruleId);
  return {
    input: {
      ...where,
      ...(options.accountAlias ? { accountAlias: options.accountAlias } : {}),
      since,
      until,
      open: state.open.filter(isDeployed),
      resolved: state.resolved.filter(isDeployed),
      exempt: state.exempt.filter(isDeployed).map(asExemption),
      reporting: reportingStatus(options.deployedRules, heartbeats, options.now, options.frequency),
      hasHistory: true,
    },
    undeployed: [...state.open, ...state.exempt].filter((r) => !isDeployed(r)),
  };
}
