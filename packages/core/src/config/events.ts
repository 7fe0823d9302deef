/**
 * The Lambda event AWS Config sends to a custom rule, parsed and validated. `invokingEvent` and
 * `ruleParameters` arrive as JSON **strings**; both are parsed here. The rule to run comes from the
 * `ruleId` input parameter; the other input parameters are that rule's parameters, validated against its
 * closed schema. Anything malformed is refused with a typed error before any AWS call is made.
 *
 * Shapes: "Example Events for AWS Config Rules" in the AWS Config developer guide (copies in
 * `./fixtures/`).
 */
import { ParameterValidationError } from "../errors";
import { prepareRules, type PreparedRule } from "../engine/engine";
import type { AnyRule } from "../rules/rule";
import { RULES } from "../rules/index";
import { ConfigEventError } from "./errors";

/** The message types this Lambda handles. */
export const ConfigMessageTypes = {
  ScheduledNotification: "ScheduledNotification",
  ConfigurationItemChangeNotification: "ConfigurationItemChangeNotification",
  OversizedConfigurationItemChangeNotification: "OversizedConfigurationItemChangeNotification",
} as const;
export type ConfigMessageType = (typeof ConfigMessageTypes)[keyof typeof ConfigMessageTypes];

/** `configurationItemStatus` values that mean the resource is gone. */
export const DELETED_ITEM_STATUSES: readonly string[] = ["ResourceDeleted", "ResourceDeletedNotRecorded"];

/** The input parameter that names the rule; every other input parameter belongs to that rule. */
export const RULE_ID_PARAMETER = "ruleId";

/** What every Config rule event carries. */
export interface ConfigRuleEventBase {
  configRuleName: string;
  configRuleArn?: string;
  configRuleId?: string;
  /** The account that owns the rule (and the resources it evaluates). */
  accountId: string;
  /** Passed back to AWS Config with `PutEvaluations`. */
  resultToken: string;
  /** The resource left the rule's scope: its evaluation is `NOT_APPLICABLE`. */
  eventLeftScope: boolean;
  executionRoleArn?: string;
  version?: string;
  /** The rule to run, with its validated parameters. */
  rule: PreparedRule;
}

/** A periodic evaluation of every resource the rule judges. */
export interface ScheduledConfigEvent extends ConfigRuleEventBase {
  messageType: typeof ConfigMessageTypes.ScheduledNotification;
  /** The `OrderingTimestamp` of every evaluation of this run. */
  notificationCreationTime: Date;
}

/** The resource a change notification is about (from `configurationItem` or `configurationItemSummary`). */
export interface ChangedResource {
  resourceType: string;
  resourceId: string;
  /** `OK`, `ResourceDiscovered`, `ResourceNotRecorded`, `ResourceDeleted`, `ResourceDeletedNotRecorded`. */
  status: string;
  /** `configurationItemCaptureTime`: the `OrderingTimestamp` of the evaluation. */
  captureTime: Date;
  awsRegion?: string;
  awsAccountId?: string;
  arn?: string;
}

/** A configuration change of one resource (full or oversized configuration item). */
export interface ChangeConfigEvent extends ConfigRuleEventBase {
  messageType:
    | typeof ConfigMessageTypes.ConfigurationItemChangeNotification
    | typeof ConfigMessageTypes.OversizedConfigurationItemChangeNotification;
  resource: ChangedResource;
}

export type ConfigRuleEvent = ScheduledConfigEvent | ChangeConfigEvent;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (typeof value === "string") return value.length === 0 ? "an empty string" : `the string ${JSON.stringify(value.slice(0, 80))}`;
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}

interface Context {
  configRuleName?: string;
}

function fail(ctx: Context, field: string, message: string, cause?: unknown): never {
  throw new ConfigEventError(field, message, { cause, configRuleName: ctx.configRuleName });
}

function requireString(ctx: Context, record: Record<string, unknown>, key: string, field = key): string {
  const value = record[key];
  if (typeof value !== "string" || value.trim().length === 0) fail(ctx, field, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function requireDate(ctx: Context, record: Record<string, unknown>, key: string, field: string): Date {
  const text = requireString(ctx, record, key, field);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) fail(ctx, field, `expected an ISO 8601 time, got ${JSON.stringify(text)}`);
  return date;
}

function parseJsonObject(ctx: Context, text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(ctx, field, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (!isRecord(value)) fail(ctx, field, `expected a JSON object, got ${describe(value)}`);
  return value;
}

function parseChangedResource(ctx: Context, item: unknown, field: string): ChangedResource {
  if (!isRecord(item)) fail(ctx, field, `expected an object, got ${describe(item)}`);
  return {
    resourceType: requireString(ctx, item, "resourceType", `${field}.resourceType`),
    resourceId: requireString(ctx, item, "resourceId", `${field}.resourceId`),
    status: requireString(ctx, item, "configurationItemStatus", `${field}.configurationItemStatus`),
    captureTime: requireDate(ctx, item, "configurationItemCaptureTime", `${field}.configurationItemCaptureTime`),
    awsRegion: optionalString(item, "awsRegion"),
    awsAccountId: optionalString(item, "awsAccountId"),
    arn: optionalString(item, "ARN"),
  };
}

function parseRule(ctx: Context, event: Record<string, unknown>, configRuleName: string, registry: readonly AnyRule[]): PreparedRule {
  const raw = event.ruleParameters;
  let parameters: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null && !(typeof raw === "string" && raw.trim() === "")) {
    if (typeof raw !== "string") fail(ctx, "ruleParameters", `expected a JSON string, got ${describe(raw)}`);
    parameters = parseJsonObject(ctx, raw, "ruleParameters");
  }
  const { [RULE_ID_PARAMETER]: ruleId, ...params } = parameters;
  const known = registry.map((r) => r.metadata.id);
  if (typeof ruleId !== "string" || ruleId.trim() === "") {
    throw new ParameterValidationError(configRuleName, RULE_ID_PARAMETER, `one of ${known.join(", ")}`, ruleId);
  }
  // UnknownRuleError for an id that is not registered; ParameterValidationError for a bad parameter.
  const [prepared] = prepareRules([{ ruleId: ruleId.trim(), params }], registry);
  return prepared as PreparedRule;
}

/**
 * Parses and validates the event AWS Config sends to a custom rule's Lambda.
 *
 * @param registry The rules `ruleId` may name (default: every registered rule).
 * @throws ConfigEventError when the event is malformed or of an unsupported message type;
 *   UnknownRuleError for an unknown `ruleId`; ParameterValidationError for a missing `ruleId` or a bad rule
 *   parameter (naming the parameter and its allowed values).
 * @example
 * ```ts
 * const parsed = parseConfigEvent(event);
 * if (parsed.messageType === "ScheduledNotification") console.log(parsed.notificationCreationTime);
 * ```
 */
export function parseConfigEvent(event: unknown, registry: readonly AnyRule[] = RULES): ConfigRuleEvent {
  const ctx: Context = {};
  if (!isRecord(event)) fail(ctx, "(event)", `expected an AWS Config rule event object, got ${describe(event)}`);
  const configRuleName = requireString(ctx, event, "configRuleName");
  ctx.configRuleName = configRuleName;
  const accountId = requireString(ctx, event, "accountId");
  if (!/^\d{12}$/.test(accountId)) fail(ctx, "accountId", `expected a 12-digit AWS account id, got ${JSON.stringify(accountId)}`);
  const resultToken = requireString(ctx, event, "resultToken");
  const leftScope = event.eventLeftScope;
  if (leftScope !== undefined && typeof leftScope !== "boolean") {
    fail(ctx, "eventLeftScope", `expected true or false, got ${describe(leftScope)}`);
  }

  const invokingText = event.invokingEvent;
  if (typeof invokingText !== "string") fail(ctx, "invokingEvent", `expected a JSON string, got ${describe(invokingText)}`);
  const invoking = parseJsonObject(ctx, invokingText, "invokingEvent");
  const messageType = invoking.messageType;
  const supported = Object.values(ConfigMessageTypes) as string[];
  if (typeof messageType !== "string" || !supported.includes(messageType)) {
    fail(
      ctx,
      "invokingEvent.messageType",
      `unsupported message type ${typeof messageType === "string" ? JSON.stringify(messageType) : describe(messageType)}; supported: ${supported.join(", ")}`,
    );
  }

  const rule = parseRule(ctx, event, configRuleName, registry);
  const base: ConfigRuleEventBase = {
    configRuleName,
    configRuleArn: optionalString(event, "configRuleArn"),
    configRuleId: optionalString(event, "configRuleId"),
    accountId,
    resultToken,
    eventLeftScope: leftScope === true,
    executionRoleArn: optionalString(event, "executionRoleArn"),
    version: optionalString(event, "version"),
    rule,
  };

  switch (messageType as ConfigMessageType) {
    case ConfigMessageTypes.ScheduledNotification:
      return {
        ...base,
        messageType: ConfigMessageTypes.ScheduledNotification,
        notificationCreationTime: requireDate(ctx, invoking, "notificationCreationTime", "invokingEvent.notificationCreationTime"),
      };
    case ConfigMessageTypes.ConfigurationItemChangeNotification:
      return {
        ...base,
        messageType: ConfigMessageTypes.ConfigurationItemChangeNotification,
        resource: parseChangedResource(ctx, invoking.configurationItem, "invokingEvent.configurationItem"),
      };
    case ConfigMessageTypes.OversizedConfigurationItemChangeNotification:
      return {
        ...base,
        messageType: ConfigMessageTypes.OversizedConfigurationItemChangeNotification,
        resource: parseChangedResource(ctx, invoking.configurationItemSummary, "invokingEvent.configurationItemSummary"),
      };
  }
}
