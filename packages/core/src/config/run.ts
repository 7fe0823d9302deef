/**
 * One invocation of an AWS Config custom rule, end to end: parse the event, collect what the rule needs in
 * the Lambda's account and region, evaluate, write with `PutEvaluations`, clean up stale results.
 *
 * Scenarios:
 * - Given a `ScheduledNotification`, then every resource the rule judges is evaluated from a fresh
 *   inventory and written with `OrderingTimestamp` = `notificationCreationTime`; then (outside test mode)
 *   previous results of the rule's resource type that this run did not renew become `NOT_APPLICABLE`.
 * - Given a `ConfigurationItemChangeNotification` or `OversizedConfigurationItemChangeNotification` for a
 *   resource of the rule's type, then that resource is evaluated from a fresh inventory (the oversized
 *   summary only carries the type and id, the inventory has the rest) and written with `OrderingTimestamp`
 *   = `configurationItemCaptureTime`:
 *   - deleted (`ResourceDeleted`, `ResourceDeletedNotRecorded`) or `eventLeftScope: true` →
 *     `NOT_APPLICABLE`, without collecting anything;
 *   - not in the fresh inventory → `NOT_APPLICABLE` "no longer exists";
 *   - in the inventory but not judged by the rule → `NOT_APPLICABLE` "out of scope".
 * - Given a change notification for a resource of **another** type, then nothing is written and the result
 *   says why (`skipped`). The stack scopes each rule to its resource type, so such an event means a rule
 *   whose scope was changed by hand; judging a resource the rule does not know would invent a verdict.
 * - Given the Config rules this deployment created (`deployedRules`), then an event of any other rule name,
 *   or of a deployed name whose `ruleId` parameter names another rule, is an {@link UndeployedRuleError}
 *   before any AWS call: only the deployed rules write verdicts, history and heartbeats.
 * - Given a malformed event or bad rule parameters, then a typed error is thrown before any AWS call.
 * - Given `heartbeats`, then a complete scheduled run (not in test mode) records the rule's heartbeat
 *   (when, how many resources), and a failed run of a deployed rule records the failure and its reason
 *   (best effort: a failure to record it is logged, the run's own error is what is thrown).
 * - Given a list or metric call that failed, or a rule that could not decide, then a
 *   {@link RuleEvaluationError} is thrown and nothing is written for the rule (never COMPLIANT by default).
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { ConfigServiceClient } from "@aws-sdk/client-config-service";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { AwsClients } from "../aws";
import { evaluateInventory, metricNeeds, partsFor } from "../engine/engine";
import type { ExemptionPolicy } from "../engine/exemptions";
import { CollectionError, RuleEvaluationError, errorMessage } from "../errors";
import { Compliance, type ComplianceType, type Evaluation, type ResourceType } from "../evaluation";
import { collectRegion, type ProgressEvent } from "../inventory/collect";
import type { Inventory } from "../inventory/model";
import { parseRegion } from "../inventory/parse";
import { isListPart, type ListItem } from "../inventory/part";
import { partOfResourceType, type InventoryPart } from "../inventory/parts/index";
import type { AnyRule } from "../rules/rule";
import { RULES } from "../rules/index";
import type { ExecutionFrequency } from "../deployment";
import { recordHeartbeat, recordRunFailure } from "../history/heartbeats";
import type { HistoryClient } from "../history/schema";
import { UndeployedRuleError, deployedRuleNamed, type DeployedConfigRule } from "./deployed";
import { ConfigEventError } from "./errors";
import { ConfigMessageTypes, DELETED_ITEM_STATUSES, parseConfigEvent, type ChangeConfigEvent, type ConfigMessageType, type ConfigRuleEvent } from "./events";
import { NO_LONGER_EXISTS_ANNOTATION, OUT_OF_SCOPE_ANNOTATION, findStaleEvaluations } from "./stale";
import { putEvaluations, type PutEvaluationsOptions, type WritableEvaluation } from "./writer";

/**
 * The clients one rule invocation uses (all for the Lambda's region): Config, plus the clients of the
 * services whose parts the rules collect (EC2 and CloudWatch always; S3 and Organizations when a rule
 * needs a part of theirs).
 */
export interface ConfigRunClients extends Partial<Omit<AwsClients, "sts">> {
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  config: ConfigServiceClient;
}

export interface ConfigRunOptions {
  /** The Lambda event exactly as AWS Config sent it. */
  event: unknown;
  clients: ConfigRunClients;
  /** The Lambda's region (`AWS_REGION`): the region that is collected and evaluated. */
  region: string;
  /**
   * The account the function runs in (from its ARN). The evaluated account is the event's `accountId`;
   * the function's credentials can only read its own account, so a different one is refused.
   */
  functionAccountId?: string;
  env?: {
    /** `EVALUATIONS_TEST_MODE=true`: `TestMode: true` on `PutEvaluations`, no clean-up of stale results. */
    testMode?: boolean;
  };
  /** End of the metric window and the rule's "now" (default: the current time). */
  now?: Date;
  /** The rules `ruleId` may name (default: every registered rule). */
  registry?: readonly AnyRule[];
  /** Retry settings of the writer (tests pass a sleep that does not wait). */
  writer?: Pick<PutEvaluationsOptions, "maxRetries" | "backoffMs" | "sleep">;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * The AWS Config rules this deployment created (`DEPLOYED_CONFIG_RULES`). When set, events of any other
   * rule are refused with an {@link UndeployedRuleError} before any AWS call. Unset: any registered rule.
   */
  deployedRules?: readonly DeployedConfigRule[];
  /** What this deployment demands of exemption tags (`EXEMPTION_REQUIRE_EXPIRY`, `EXEMPTION_MAX_DAYS`). */
  exemptions?: ExemptionPolicy;
  /** Where heartbeats are recorded (the findings history table); unset: none are. */
  heartbeats?: {
    client: HistoryClient;
    tableName: string;
    /** The rules' period, stored with the heartbeat. */
    frequency?: ExecutionFrequency;
  };
  /** Where the run says what did not stop it (a heartbeat it could not record). */
  log?: { warn(message: string, details: Record<string, unknown>): void };
  /**
   * Called after each `PutEvaluations` that AWS Config accepted (never in test mode), with those
   * evaluations completed with rule, account and region. The evaluator records them in the findings
   * history; an error it throws fails the invocation (so Lambda retries it) after Config was written.
   */
  onWritten?: (written: WrittenEvaluations) => Promise<void>;
}

/** What one successful write handed to {@link ConfigRunOptions.onWritten}. */
export interface WrittenEvaluations {
  ruleId: string;
  configRuleName: string;
  evaluations: Evaluation[];
  /** The `OrderingTimestamp` the evaluations were written with. */
  orderingTimestamp: Date;
}

export interface ConfigRunResult {
  ruleId: string;
  configRuleName: string;
  accountId: string;
  region: string;
  messageType: ConfigMessageType;
  resourceType: ResourceType;
  /** ISO `OrderingTimestamp` of every evaluation written. */
  orderingTimestamp: string;
  testMode: boolean;
  /** Evaluations of this run (the rule's verdicts, or the one change-triggered verdict). */
  evaluated: number;
  /** `NOT_APPLICABLE` evaluations written for previous results that this run did not renew. */
  stale: number;
  /** Evaluations AWS Config accepted (evaluated + stale). */
  written: number;
  /** Written evaluations by compliance type. */
  byCompliance: Record<ComplianceType, number>;
  /** `PutEvaluations` calls. */
  putEvaluationsCalls: number;
  /** `GetComplianceDetailsByConfigRule` pages listed for the clean-up. */
  staleListPages: number;
  /** Why the stale clean-up did not run, when it did not. */
  staleSkipped?: string;
  /** Why nothing was evaluated, when nothing was (change event for another resource type). */
  skipped?: string;
}

/**
 * Ids of `type` in the inventory (from the part record that lists that resource type, without items the
 * record says are gone), or undefined when that list was not collected.
 */
function existingIds(inventory: Inventory, type: ResourceType): ReadonlySet<string> | undefined {
  const part = partOfResourceType(type);
  if (!part || !isListPart(part) || !inventory.parts.has(part.key as InventoryPart)) return undefined;
  const items = inventory[part.key as InventoryPart] as ReadonlyMap<string, ListItem>;
  const ids = new Set<string>();
  for (const item of items.values()) if (part.exists(item)) ids.add(item.id);
  return ids;
}

interface Judged {
  inventory: Inventory;
  evaluations: Evaluation[];
}

/** The clients the collector may use: every one but Config's. */
function collectionClients(clients: ConfigRunClients): Partial<AwsClients> {
  const { config: _config, ...collect } = clients;
  return collect;
}

/** Collects the rule's parts and evaluates them; any error → RuleEvaluationError, nothing to write. */
async function judge(parsed: ConfigRuleEvent, options: ConfigRunOptions, accountId: string, now: Date): Promise<Judged> {
  const { rule } = parsed;
  const ruleId = rule.rule.metadata.id;
  const where = { ruleId, region: options.region, accountId };
  let inventory: Inventory;
  try {
    const raw = await collectRegion({
      region: options.region,
      accountId,
      clients: collectionClients(options.clients),
      parts: partsFor([rule]),
      now,
      metricWindowDays: metricNeeds([rule]).days,
      metricNames: metricNeeds([rule]).names,
      onProgress: options.onProgress,
    });
    inventory = parseRegion(raw, accountId, now);
  } catch (error) {
    throw new RuleEvaluationError(where, `not evaluated, nothing written: ${errorMessage(error)}`, { cause: error });
  }
  const { evaluations, errors } = evaluateInventory(inventory, [rule], now, options.exemptions ? { exemptions: options.exemptions } : {});
  if (errors.length > 0) {
    throw new RuleEvaluationError(where, `nothing written: ${errors.map((e) => e.message).join("; ")}`);
  }
  return { inventory, evaluations };
}

function base(parsed: ConfigRuleEvent, accountId: string, region: string, orderingTimestamp: Date, testMode: boolean): ConfigRunResult {
  return {
    ruleId: parsed.rule.rule.metadata.id,
    configRuleName: parsed.configRuleName,
    accountId,
    region,
    messageType: parsed.messageType,
    resourceType: parsed.rule.rule.metadata.resourceType,
    orderingTimestamp: orderingTimestamp.toISOString(),
    testMode,
    evaluated: 0,
    stale: 0,
    written: 0,
    byCompliance: { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 },
    putEvaluationsCalls: 0,
    staleListPages: 0,
  };
}

async function write(
  options: ConfigRunOptions,
  parsed: ConfigRuleEvent,
  result: ConfigRunResult,
  evaluations: readonly WritableEvaluation[],
  orderingTimestamp: Date,
): Promise<void> {
  if (evaluations.length === 0) return;
  const out = await putEvaluations(options.clients.config, parsed.resultToken, evaluations, {
    ...options.writer,
    orderingTimestamp,
    testMode: result.testMode,
  });
  result.written += out.written;
  result.putEvaluationsCalls += out.calls;
  if (options.onWritten && !result.testMode) {
    await options.onWritten({
      ruleId: result.ruleId,
      configRuleName: result.configRuleName,
      orderingTimestamp,
      evaluations: evaluations.map((e) => ({
        ruleId: result.ruleId,
        accountId: result.accountId,
        region: result.region,
        ...e,
        resourceType: e.resourceType as ResourceType,
      })),
    });
  }
  for (const type of Object.keys(out.byCompliance) as ComplianceType[]) result.byCompliance[type] += out.byCompliance[type];
}

async function runScheduled(
  options: ConfigRunOptions,
  parsed: ConfigRuleEvent & { notificationCreationTime: Date },
  accountId: string,
  now: Date,
  testMode: boolean,
): Promise<ConfigRunResult> {
  const ordering = parsed.notificationCreationTime;
  const result = base(parsed, accountId, options.region, ordering, testMode);
  const { inventory, evaluations } = await judge(parsed, options, accountId, now);
  result.evaluated = evaluations.length;
  await write(options, parsed, result, evaluations, ordering);

  if (testMode) {
    result.staleSkipped = "test mode";
    return result;
  }
  const type = result.resourceType;
  const existing = existingIds(inventory, type);
  if (existing === undefined) {
    result.staleSkipped = `the rule does not list ${type} resources, so it cannot tell which are gone`;
    return result;
  }
  let stale;
  try {
    stale = await findStaleEvaluations(options.clients.config, {
      configRuleName: parsed.configRuleName,
      resourceType: type,
      evaluatedIds: evaluations.map((e) => e.resourceId),
      existingIds: existing,
    });
  } catch (error) {
    const code = error instanceof Error && error.name !== "Error" ? error.name : undefined;
    throw new CollectionError(
      { region: options.region, accountId, call: "config:GetComplianceDetailsByConfigRule", code },
      `listing previous results of ${parsed.configRuleName} for the stale clean-up: ${errorMessage(error)} (this run's ${result.written} evaluations were written)`,
      { cause: error },
    );
  }
  result.staleListPages = stale.pages;
  if (stale.skipped) result.staleSkipped = stale.skipped;
  result.stale = stale.evaluations.length;
  await write(options, parsed, result, stale.evaluations, ordering);
  return result;
}

function changedVerdict(parsed: ChangeConfigEvent, judged: Judged | undefined, options: ConfigRunOptions): WritableEvaluation {
  const { resource } = parsed;
  const verdict = (annotation: string, compliance: ComplianceType = Compliance.NOT_APPLICABLE): WritableEvaluation => ({
    resourceType: resource.resourceType,
    resourceId: resource.resourceId,
    compliance,
    annotation,
  });
  if (DELETED_ITEM_STATUSES.includes(resource.status)) return verdict(`Resource deleted (configuration item status ${resource.status}).`);
  if (parsed.eventLeftScope) return verdict("Left the scope of this rule.");
  if (!judged) throw new Error("unreachable: a change to judge needs an inventory");
  const found = judged.evaluations.find((e) => e.resourceId === resource.resourceId);
  if (found) return found;
  const existing = existingIds(judged.inventory, parsed.rule.rule.metadata.resourceType);
  if (existing === undefined) {
    throw new RuleEvaluationError(
      { ruleId: parsed.rule.rule.metadata.id, region: options.region, accountId: judged.inventory.accountId },
      `nothing written: the rule does not list ${resource.resourceType} resources, so it cannot tell whether ${resource.resourceId} exists`,
    );
  }
  return verdict(existing.has(resource.resourceId) ? OUT_OF_SCOPE_ANNOTATION : NO_LONGER_EXISTS_ANNOTATION);
}

async function runChange(
  options: ConfigRunOptions,
  parsed: ChangeConfigEvent,
  accountId: string,
  now: Date,
  testMode: boolean,
): Promise<ConfigRunResult> {
  const { resource } = parsed;
  const ordering = resource.captureTime;
  const result = base(parsed, accountId, options.region, ordering, testMode);
  result.staleSkipped = "change-triggered run";
  const field =
    parsed.messageType === ConfigMessageTypes.OversizedConfigurationItemChangeNotification
      ? "invokingEvent.configurationItemSummary"
      : "invokingEvent.configurationItem";
  if (resource.awsRegion !== undefined && resource.awsRegion !== options.region) {
    throw new ConfigEventError(
      `${field}.awsRegion`,
      `the resource is in ${resource.awsRegion} but this function evaluates ${options.region}`,
      { configRuleName: parsed.configRuleName },
    );
  }
  if (resource.resourceType !== result.resourceType) {
    result.skipped = `${resource.resourceType} ${resource.resourceId} is not a ${result.resourceType}, the only resource type rule ${result.ruleId} judges; nothing written`;
    return result;
  }
  const needsInventory = !DELETED_ITEM_STATUSES.includes(resource.status) && !parsed.eventLeftScope;
  const judged = needsInventory ? await judge(parsed, options, accountId, now) : undefined;
  const evaluation = changedVerdict(parsed, judged, options);
  result.evaluated = 1;
  await write(options, parsed, result, [evaluation], ordering);
  return result;
}

/**
 * Runs one AWS Config rule invocation.
 *
 * @throws UndeployedRuleError for an event of a rule this deployment did not create; ConfigEventError |
 *   UnknownRuleError | ParameterValidationError for a bad event or an event of another account (before any AWS call); RuleEvaluationError when the rule could not be evaluated (nothing written); PutEvaluationsError
 *   listing what was not written; CollectionError when the stale clean-up cannot list previous results.
 * @example
 * ```ts
 * const result = await runConfigRule({
 *   event,
 *   clients: { ec2, cloudwatch, config },
 *   region: process.env.AWS_REGION ?? "us-east-1",
 *   env: { testMode: process.env.EVALUATIONS_TEST_MODE === "true" },
 * });
 * console.log(result.written, result.byCompliance);
 * ```
 */
export async function runConfigRule(options: ConfigRunOptions): Promise<ConfigRunResult> {
  const raw = options.event as { configRuleName?: unknown; accountId?: unknown } | null | undefined;
  const name = raw?.configRuleName;
  // Before anything else: an event of a rule this deployment did not create is not ours to judge.
  const deployed = options.deployedRules && typeof name === "string" ? deployedRuleNamed(options.deployedRules, name) : undefined;
  const now = options.now ?? new Date();
  // The account a failure is recorded for: the function's, else the event's (even when the rest is malformed).
  let accountId = options.functionAccountId ?? (typeof raw?.accountId === "string" && /^\d{12}$/.test(raw.accountId) ? raw.accountId : undefined);
  try {
    const parsed = parseConfigEvent(options.event, options.registry ?? RULES);
    accountId ??= parsed.accountId;
    const ruleId = parsed.rule.rule.metadata.id;
    if (deployed && ruleId !== deployed.ruleId) {
      throw new UndeployedRuleError(
        parsed.configRuleName,
        `its ruleId parameter is ${ruleId}, but this stack deployed it for ${deployed.ruleId}`,
        { ruleId },
      );
    }
    if (options.functionAccountId !== undefined && options.functionAccountId !== parsed.accountId) {
      throw new ConfigEventError(
        "accountId",
        `the rule belongs to account ${parsed.accountId}, but this function runs in account ${options.functionAccountId} and can only evaluate its own account`,
        { configRuleName: parsed.configRuleName },
      );
    }
    const testMode = options.env?.testMode === true;
    if (parsed.messageType !== ConfigMessageTypes.ScheduledNotification) {
      return await runChange(options, parsed, parsed.accountId, now, testMode);
    }
    const result = await runScheduled(options, parsed, parsed.accountId, now, testMode);
    if (options.heartbeats && !testMode) {
      const { client, tableName, frequency } = options.heartbeats;
      await recordHeartbeat(
        client,
        tableName,
        { accountId: parsed.accountId, region: options.region, ruleId, configRuleName: parsed.configRuleName },
        { at: now, evaluated: result.evaluated, ...(frequency !== undefined ? { frequency } : {}) },
      );
    }
    return result;
  } catch (error) {
    if (deployed && options.heartbeats && accountId !== undefined) {
      const { client, tableName } = options.heartbeats;
      const key = { accountId, region: options.region, ruleId: deployed.ruleId, configRuleName: deployed.configRuleName };
      await recordRunFailure(client, tableName, key, { at: now, error }).catch((recordError: unknown) =>
        options.log?.warn("Could not record the failed run in the rule's heartbeat", { rule: deployed.ruleId, error: errorMessage(recordError) }),
      );
    }
    throw error;
  }
}
