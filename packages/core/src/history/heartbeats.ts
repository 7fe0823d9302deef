/**
 * Heartbeats: when each deployed rule last ran successfully in an account and region, and how many
 * resources it judged — so that silence is visible. AWS Config keeps showing a rule's previous verdicts
 * when its Lambda fails, so the findings history alone cannot tell "nothing wrong" from "nothing ran".
 *
 * - The evaluator records a **success** after each complete scheduled run ({@link recordHeartbeat}) and,
 *   best effort, a **failure** with its reason when a run of a deployed rule fails ({@link recordRunFailure}).
 * - The digest (and the CLI's digest preview given a history table) reads them ({@link loadHeartbeats}) and
 *   asks {@link reportingStatus} which deployed rules are **not reporting**: no successful run within
 *   twice the rule's period. A digest with any rule not reporting is never "all clear".
 *
 * Items live in the history table beside the findings: `pk` = the account and region's partition,
 * `sk` = `HEARTBEAT#<ruleId>`. They carry no status-index keys (the digest's index queries never see them)
 * and a TTL of {@link HISTORY_RETENTION_DAYS} days after their last write, so a rule that is removed
 * leaves nothing behind.
 */
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ExecutionFrequencyHours, type ExecutionFrequency } from "../deployment";
import { clampAnnotation } from "../evaluation";
import { errorMessage } from "../errors";
import { HistoryReadError, HistoryWriteError, type HistoryContext } from "./errors";
import { HISTORY_RETENTION_DAYS, HISTORY_TABLE, historyPartitionKey, type HistoryClient } from "./schema";

/** Prefix of a heartbeat's sort key. */
export const HEARTBEAT_PREFIX = "HEARTBEAT#";

/** Characters of a failure reason kept in a heartbeat (and shown by the digest). */
export const FAILURE_REASON_MAX_LENGTH = 300;

const HOUR_MS = 3_600_000;
const DAY_SECONDS = 86_400;

/**
 * The sort key of a rule's heartbeat.
 *
 * @example
 * ```ts
 * heartbeatSortKey("vpc-flow-logs-enabled"); // "HEARTBEAT#vpc-flow-logs-enabled"
 * ```
 */
export function heartbeatSortKey(ruleId: string): string {
  return `${HEARTBEAT_PREFIX}${ruleId}`;
}

/** One rule's heartbeat in one account and region. */
export interface Heartbeat {
  accountId: string;
  region: string;
  ruleId: string;
  configRuleName?: string;
  /** ISO time the last successful scheduled run finished. */
  lastSuccessAt?: string;
  /** Resources that run evaluated. */
  lastSuccessEvaluated?: number;
  /** ISO time of the last failed run. */
  lastFailureAt?: string;
  /** Why it failed (the error's name and message, cut to {@link FAILURE_REASON_MAX_LENGTH}). */
  lastFailureReason?: string;
  /** The period the rule was deployed with. */
  frequency?: ExecutionFrequency;
}

/** Who a heartbeat is about. */
export interface HeartbeatKey {
  accountId: string;
  region: string;
  ruleId: string;
  configRuleName: string;
}

function ttlAfter(at: Date): number {
  return Math.floor(at.getTime() / 1000) + HISTORY_RETENTION_DAYS * DAY_SECONDS;
}

function keyOf(key: Pick<HeartbeatKey, "accountId" | "region" | "ruleId">): Record<string, string> {
  return { [HISTORY_TABLE.partitionKey]: historyPartitionKey(key.accountId, key.region), [HISTORY_TABLE.sortKey]: heartbeatSortKey(key.ruleId) };
}

async function update(
  client: HistoryClient,
  tableName: string,
  key: HeartbeatKey,
  at: Date,
  fields: Record<string, string | number>,
): Promise<void> {
  // Every attribute through a placeholder: several names (region, ttl, …) are DynamoDB reserved words.
  const attributes: Record<string, string | number> = {
    accountId: key.accountId,
    region: key.region,
    ruleId: key.ruleId,
    configRuleName: key.configRuleName,
    [HISTORY_TABLE.ttlAttribute]: ttlAfter(at),
    ...fields,
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(attributes).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:v${i}`] = value;
    return `#a${i} = :v${i}`;
  });
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keyOf(key),
        UpdateExpression: `SET ${sets.join(", ")}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    const context = { tableName, accountId: key.accountId, region: key.region, written: 0, unwritten: 1 };
    throw new HistoryWriteError(context, `UpdateItem of the heartbeat of ${key.ruleId}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Records a successful scheduled run of a rule: when it finished and how many resources it evaluated.
 *
 * @throws HistoryWriteError
 * @example
 * ```ts
 * await recordHeartbeat(doc, "history", { accountId, region, ruleId, configRuleName }, { at: new Date(), evaluated: 42, frequency: "TwentyFour_Hours" });
 * ```
 */
export async function recordHeartbeat(
  client: HistoryClient,
  tableName: string,
  key: HeartbeatKey,
  run: { at: Date; evaluated: number; frequency?: ExecutionFrequency },
): Promise<void> {
  await update(client, tableName, key, run.at, {
    lastSuccessAt: run.at.toISOString(),
    lastSuccessEvaluated: run.evaluated,
    ...(run.frequency !== undefined ? { frequency: run.frequency } : {}),
  });
}

/**
 * Records a failed run of a rule (its last success is kept).
 *
 * @throws HistoryWriteError
 * @example
 * ```ts
 * await recordRunFailure(doc, "history", { accountId, region, ruleId, configRuleName }, { at: new Date(), error });
 * ```
 */
export async function recordRunFailure(
  client: HistoryClient,
  tableName: string,
  key: HeartbeatKey,
  failure: { at: Date; error: unknown },
): Promise<void> {
  await update(client, tableName, key, failure.at, {
    lastFailureAt: failure.at.toISOString(),
    lastFailureReason: failureReason(failure.error),
  });
}

/**
 * A failure as one line: the error's name and message, cut to {@link FAILURE_REASON_MAX_LENGTH}.
 *
 * @example
 * ```ts
 * failureReason(new RuleEvaluationError({ ruleId: "r", region: "eu-west-1" }, "not evaluated")); // "RuleEvaluationError: Rule r in eu-west-1: not evaluated"
 * ```
 */
export function failureReason(error: unknown): string {
  const name = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
  return clampAnnotation(`${name}${errorMessage(error)}`, FAILURE_REASON_MAX_LENGTH);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function fromItem(item: Record<string, unknown>, context: HistoryContext): Heartbeat {
  const { accountId, region, ruleId } = item;
  if (typeof accountId !== "string" || typeof region !== "string" || typeof ruleId !== "string" || ruleId.length === 0) {
    throw new HistoryReadError(context, `malformed heartbeat ${String(item[HISTORY_TABLE.partitionKey])} / ${String(item[HISTORY_TABLE.sortKey])}`);
  }
  const heartbeat: Heartbeat = { accountId, region, ruleId };
  const configRuleName = optionalString(item.configRuleName);
  if (configRuleName) heartbeat.configRuleName = configRuleName;
  const lastSuccessAt = optionalString(item.lastSuccessAt);
  if (lastSuccessAt) heartbeat.lastSuccessAt = lastSuccessAt;
  if (typeof item.lastSuccessEvaluated === "number") heartbeat.lastSuccessEvaluated = item.lastSuccessEvaluated;
  const lastFailureAt = optionalString(item.lastFailureAt);
  if (lastFailureAt) heartbeat.lastFailureAt = lastFailureAt;
  const lastFailureReason = optionalString(item.lastFailureReason);
  if (lastFailureReason) heartbeat.lastFailureReason = lastFailureReason;
  if (typeof item.frequency === "string" && item.frequency in ExecutionFrequencyHours) heartbeat.frequency = item.frequency as ExecutionFrequency;
  return heartbeat;
}

/**
 * Every heartbeat of an account and region: one `Query` on the table (`pk` and the `HEARTBEAT#` prefix).
 *
 * @throws HistoryReadError
 * @example
 * ```ts
 * const heartbeats = await loadHeartbeats(doc, "history", { accountId: "123456789012", region: "eu-west-1" });
 * ```
 */
export async function loadHeartbeats(
  client: HistoryClient,
  tableName: string,
  where: { accountId: string; region: string },
): Promise<Heartbeat[]> {
  const context: HistoryContext = { tableName, accountId: where.accountId, region: where.region };
  const out: Heartbeat[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
          ExpressionAttributeNames: { "#pk": HISTORY_TABLE.partitionKey, "#sk": HISTORY_TABLE.sortKey },
          ExpressionAttributeValues: { ":pk": historyPartitionKey(where.accountId, where.region), ":prefix": HEARTBEAT_PREFIX },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
    } catch (error) {
      throw new HistoryReadError(context, `Query heartbeats: ${errorMessage(error)}`, { cause: error });
    }
    for (const item of page.Items ?? []) out.push(fromItem(item, context));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/** Whether one deployed rule reports, as the digest says it. */
export interface RuleReporting {
  ruleId: string;
  configRuleName: string;
  /** A successful run within twice the period. */
  reporting: boolean;
  /** ISO time of the last successful run, if any is on record. */
  lastSuccessAt?: string;
  lastSuccessEvaluated?: number;
  /** The last failure, when it is newer than the last success (its reason is why the rule is silent). */
  lastFailureAt?: string;
  lastFailureReason?: string;
  /** Hours the rule may go without a successful run (twice its period). */
  allowedSilenceHours: number;
}

/**
 * Which deployed rules report: a rule reports when its last successful run is at most twice its period
 * before `now`. A rule without a heartbeat (never ran, or its record expired) does not report. A failure
 * newer than the last success is kept as the reason.
 *
 * @param frequency The deployment's period; a heartbeat's own `frequency` is used when this is undefined.
 * @example
 * ```ts
 * const status = reportingStatus(deployed, await loadHeartbeats(doc, table, where), new Date(), "TwentyFour_Hours");
 * status.filter((r) => !r.reporting); // rules the digest names as not reporting
 * ```
 */
export function reportingStatus(
  deployed: readonly { ruleId: string; configRuleName: string }[],
  heartbeats: readonly Heartbeat[],
  now: Date,
  frequency?: ExecutionFrequency,
): RuleReporting[] {
  const byRule = new Map(heartbeats.map((h) => [h.ruleId, h]));
  return deployed.map((rule) => {
    const heartbeat = byRule.get(rule.ruleId);
    const period = ExecutionFrequencyHours[frequency ?? heartbeat?.frequency ?? "TwentyFour_Hours"];
    const allowedSilenceHours = 2 * period;
    const success = heartbeat?.lastSuccessAt;
    const successMs = success !== undefined ? Date.parse(success) : Number.NaN;
    const reporting = !Number.isNaN(successMs) && now.getTime() - successMs <= allowedSilenceHours * HOUR_MS;
    const status: RuleReporting = { ruleId: rule.ruleId, configRuleName: rule.configRuleName, reporting, allowedSilenceHours };
    if (success !== undefined) status.lastSuccessAt = success;
    if (heartbeat?.lastSuccessEvaluated !== undefined) status.lastSuccessEvaluated = heartbeat.lastSuccessEvaluated;
    const failure = heartbeat?.lastFailureAt;
    if (failure !== undefined && (success === undefined || failure > success)) {
      status.lastFailureAt = failure;
      if (heartbeat?.lastFailureReason) status.lastFailureReason = heartbeat.lastFailureReason;
    }
    return status;
  });
}
