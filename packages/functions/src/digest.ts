/**
 * The weekly Slack digest Lambda (EventBridge cron). For the account and region it runs in: reads the
 * findings history (two queries), builds the digest, renders Block Kit and posts it to the webhook whose
 * URL is an SSM SecureString (name in `SLACK_WEBHOOK_PARAMETER_NAME`, read with Powertools Parameters,
 * decrypted and cached, never logged). Exactly one message per account, region and ISO week: the send is
 * wrapped by Powertools Idempotency on DynamoDB, keyed by `{ accountId, region, isoWeek }`, so a Lambda
 * retry or a second run in the same week sends nothing. A failed send leaves no idempotency record, so
 * the retry sends it.
 *
 * Environment: `HISTORY_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`, `SLACK_WEBHOOK_PARAMETER_NAME` (required);
 * `DIGEST_ON_ALL_CLEAR` (`send` | `skip`, default `send`), `DIGEST_TOP_OFFENDERS` (1–50, default 10),
 * `CONFIG_RULE_NAME_PREFIX` (default empty), `WEBHOOK_CACHE_SECONDS` (default 300),
 * `SLACK_TIMEOUT_MS` (default 10000).
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient, ListAccountAliasesCommand } from "@aws-sdk/client-iam";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  EndpointAuditorError,
  RULES,
  buildDigest,
  clientConfig,
  errorMessage,
  isoWeek,
  loadDigestState,
  postToWebhook,
  redactWebhookUrl,
  renderSlackMessage,
  weekWindow,
  type HistoryClient,
  type PostOptions,
} from "@endpoint-auditor/core";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { functionAccountId, lambdaRegion } from "./lib/lambda";
import { logger, metrics } from "./lib/powertools";

/** A required setting is missing or invalid. */
export class DigestConfigurationError extends EndpointAuditorError {}

export const AllClearMode = { send: "send", skip: "skip" } as const;
export type AllClearMode = (typeof AllClearMode)[keyof typeof AllClearMode];

export interface DigestSettings {
  historyTableName: string;
  idempotencyTableName: string;
  /** The SSM parameter NAME (never the URL). */
  webhookParameterName: string;
  onAllClear: AllClearMode;
  topOffenders: number;
  /** Prefix of the AWS Config rule names (`<app>-<stage>-`), for console links. */
  configRuleNamePrefix: string;
  /** How long the decrypted webhook URL is cached in memory. */
  webhookCacheSeconds: number;
  slackTimeoutMs: number;
}

/** Metric names of the digest. */
export const DigestMetrics = {
  sent: "DigestSent",
  skipped: "DigestSkipped",
  duplicate: "DigestDuplicateSuppressed",
  openFindings: "DigestOpenFindings",
  monthlyWaste: "DigestMonthlyWasteUsd",
  failures: "DigestFailures",
} as const;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new DigestConfigurationError(`Environment variable ${name} is not set`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DigestConfigurationError(`Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * Reads and validates the digest settings from the environment.
 *
 * @throws DigestConfigurationError naming the variable.
 * @example
 * ```ts
 * const settings = digestSettingsFromEnv(process.env);
 * ```
 */
export function digestSettingsFromEnv(env: NodeJS.ProcessEnv): DigestSettings {
  const onAllClear = (env.DIGEST_ON_ALL_CLEAR?.trim() || AllClearMode.send) as AllClearMode;
  if (!Object.values(AllClearMode).includes(onAllClear)) {
    throw new DigestConfigurationError(`Environment variable DIGEST_ON_ALL_CLEAR must be "send" or "skip", got "${onAllClear}"`);
  }
  return {
    historyTableName: required(env, "HISTORY_TABLE_NAME"),
    idempotencyTableName: required(env, "IDEMPOTENCY_TABLE_NAME"),
    webhookParameterName: required(env, "SLACK_WEBHOOK_PARAMETER_NAME"),
    onAllClear,
    topOffenders: integer(env, "DIGEST_TOP_OFFENDERS", 10, 1, 50),
    configRuleNamePrefix: env.CONFIG_RULE_NAME_PREFIX?.trim() ?? "",
    webhookCacheSeconds: integer(env, "WEBHOOK_CACHE_SECONDS", 300, 0, 86_400),
    slackTimeoutMs: integer(env, "SLACK_TIMEOUT_MS", 10_000, 100, 60_000),
  };
}

/** What the digest of one account, region and week did (stored as the idempotency record's result). */
export interface DigestRunResult {
  status: "sent" | "skipped";
  accountId: string;
  region: string;
  isoWeek: string;
  openFindings: number;
  newThisWeek: number;
  resolvedThisWeek: number;
  monthlyWasteUsd: number;
  blocks: number;
  /** Requests made to Slack (retries included). */
  attempts: number;
  /** True when this invocation found the week already done and sent nothing. */
  duplicate?: boolean;
}

/** The idempotency key: one message per account, region and ISO week. */
export interface DigestKey {
  accountId: string;
  region: string;
  isoWeek: string;
}

export interface DigestDependencies {
  settings: DigestSettings;
  history: HistoryClient;
  persistenceStore: BasePersistenceLayer;
  /** Returns the decrypted webhook URL (default: Powertools `getParameter` with decryption and cache). */
  getWebhookUrl: (parameterName: string, maxAgeSeconds: number) => Promise<string | undefined>;
  /** The IAM account alias, or undefined (best effort). */
  getAccountAlias: () => Promise<string | undefined>;
  /** Region the function runs in (default `AWS_REGION`). */
  region?: string;
  /** Slack delivery options (tests inject `sleep`). */
  postOptions?: PostOptions;
  /** Clock used when the event has no `time`. */
  now?: () => Date;
}

/** The scheduled event's time (stable across retries of the same event), if it has one. */
function eventTime(event: unknown): Date | undefined {
  const time = (event as { time?: unknown } | null)?.time;
  if (typeof time !== "string") return undefined;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function eventAccount(event: unknown): string | undefined {
  const account = (event as { account?: unknown } | null)?.account;
  return typeof account === "string" && /^\d{12}$/.test(account) ? account : undefined;
}

async function sendDigest(key: DigestKey, now: Date, deps: DigestDependencies): Promise<DigestRunResult> {
  const { settings } = deps;
  const { since, until } = weekWindow(now);
  const [state, accountAlias] = await Promise.all([
    loadDigestState(deps.history, settings.historyTableName, { accountId: key.accountId, region: key.region, since, until }),
    deps.getAccountAlias().catch((error: unknown) => {
      logger.warn("Account alias not available; the digest shows the account id only", { error: errorMessage(error) });
      return undefined;
    }),
  ]);
  const digest = buildDigest(
    {
      accountId: key.accountId,
      ...(accountAlias ? { accountAlias } : {}),
      region: key.region,
      since,
      until,
      open: state.open,
      resolved: state.resolved,
      hasHistory: true,
    },
    {
      ruleTitle: (id) => RULES.find((r) => r.metadata.id === id)?.metadata.title,
      configRuleName: (id) => `${settings.configRuleNamePrefix}${id}`,
      topOffenders: settings.topOffenders,
    },
  );
  const summary = {
    accountId: key.accountId,
    region: key.region,
    isoWeek: key.isoWeek,
    openFindings: digest.totals.nonCompliant,
    newThisWeek: digest.totals.newThisWeek,
    resolvedThisWeek: digest.totals.resolvedThisWeek,
    monthlyWasteUsd: digest.totals.monthlyWasteUsd,
  };
  if (digest.allClear && settings.onAllClear === AllClearMode.skip) {
    return { status: "skipped", ...summary, blocks: 0, attempts: 0 };
  }
  const message = renderSlackMessage(digest);
  const url = await deps.getWebhookUrl(settings.webhookParameterName, settings.webhookCacheSeconds);
  if (!url) throw new DigestConfigurationError(`SSM parameter ${settings.webhookParameterName} has no value`);
  try {
    const delivery = await postToWebhook(url, message, { timeoutMs: settings.slackTimeoutMs, ...deps.postOptions });
    return { status: "sent", ...summary, blocks: message.blocks.length, attempts: delivery.attempts };
  } catch (error) {
    // postToWebhook's errors are already redacted; anything else is redacted here before it can be logged.
    if (error instanceof EndpointAuditorError) throw error;
    throw new EndpointAuditorError(`Sending the digest failed: ${redactWebhookUrl(errorMessage(error), url)}`);
  }
}

/**
 * Builds the digest handler from its dependencies (tests pass local ones).
 *
 * @example
 * ```ts
 * export const handler = createDigestHandler(dependenciesFromEnv(process.env));
 * ```
 */
export function createDigestHandler(deps: DigestDependencies) {
  const sendOnce = makeIdempotent(
    async (key: DigestKey, _context: Context, now: Date): Promise<DigestRunResult> => sendDigest(key, now, deps),
    {
      persistenceStore: deps.persistenceStore,
      keyPrefix: "endpoint-auditor-digest",
      config: new IdempotencyConfig({
        throwOnNoIdempotencyKey: true,
        // Longer than a week, so any retry or re-run within the ISO week finds the record.
        expiresAfterSeconds: 8 * 86_400,
        // No in-memory cache: every invocation asks DynamoDB (the record, not this container, is the truth).
        useLocalCache: false,
        // Marks a replayed (already handled) week, so the handler can say "nothing sent".
        responseHook: (response) =>
          typeof response === "object" && response !== null && !Array.isArray(response) ? { ...response, duplicate: true } : response,
      }),
    },
  );

  async function lambdaHandler(event: unknown, context: Context): Promise<DigestRunResult> {
    const region = deps.region ?? lambdaRegion();
    const accountId = functionAccountId(context) ?? eventAccount(event);
    if (!accountId) throw new DigestConfigurationError("Cannot tell the account: no account in the function ARN or the event");
    const now = eventTime(event) ?? deps.now?.() ?? new Date();
    const key: DigestKey = { accountId, region, isoWeek: isoWeek(now) };
    logger.appendKeys({ account: accountId, region, isoWeek: key.isoWeek });
    try {
      const result = await sendOnce(key, context, now);
      if (result.duplicate) {
        metrics.addMetric(DigestMetrics.duplicate, MetricUnit.Count, 1);
        logger.info("Digest already handled for this account, region and week; nothing sent", { status: result.status });
      } else {
        metrics.addMetric(result.status === "sent" ? DigestMetrics.sent : DigestMetrics.skipped, MetricUnit.Count, 1);
        metrics.addMetric(DigestMetrics.openFindings, MetricUnit.Count, result.openFindings);
        metrics.addMetric(DigestMetrics.monthlyWaste, MetricUnit.NoUnit, result.monthlyWasteUsd);
        logger.info(result.status === "sent" ? "Digest sent" : "All clear; digest skipped as configured", { ...result });
      }
      return result;
    } catch (error) {
      metrics.addMetric(DigestMetrics.failures, MetricUnit.Count, 1);
      logger.error("Digest failed; nothing recorded for this week, so a retry will try again", {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      throw error;
    }
  }

  return middy(lambdaHandler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/**
 * Production dependencies from the environment: DynamoDB and IAM clients (core's client settings;
 * the digest does not use the Powertools Tracer — a handful of calls a week does not justify ~110 KB of
 * X-Ray SDK in the bundle, and no trace can ever hold the webhook URL), Powertools Idempotency on `IDEMPOTENCY_TABLE_NAME`, and the webhook URL from
 * Powertools Parameters (`getParameter(name, { decrypt: true, maxAge })`).
 *
 * @throws DigestConfigurationError
 * @example
 * ```ts
 * const deps = dependenciesFromEnv(process.env);
 * ```
 */
export function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): DigestDependencies {
  const settings = digestSettingsFromEnv(env);
  const region = lambdaRegion(env);
  const dynamo = new DynamoDBClient(clientConfig({ region, maxAttempts: 5 }));
  const iam = new IAMClient(clientConfig({ region, maxAttempts: 3 }));
  return {
    settings,
    region,
    history: DynamoDBDocumentClient.from(dynamo),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: settings.idempotencyTableName, awsSdkV3Client: dynamo }),
    getWebhookUrl: (name, maxAge) => getParameter(name, { decrypt: true, maxAge }),
    getAccountAlias: async () => (await iam.send(new ListAccountAliasesCommand({}))).AccountAliases?.[0],
  };
}

let production: ReturnType<typeof createDigestHandler> | undefined;

/** The Lambda entry point; dependencies are created on the first invocation and reused. */
export const handler = (event: unknown, context: Context): Promise<DigestRunResult> => {
  production ??= createDigestHandler(dependenciesFromEnv(process.env));
  return production(event, context);
};
