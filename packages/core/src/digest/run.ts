/**
 * One run of the weekly digest for one account, region and ISO week, end to end: read the findings
 * history and the deployed rules' heartbeats ({@link loadHistoryDigest}), close the open findings of rules
 * that are no longer deployed, build the digest, and — unless the week is all clear and the settings say
 * skip — render Block Kit and post it to the webhook whose URL is read (by name) only when there is
 * something to send. The digest Lambda wraps {@link runDigest} in Powertools Idempotency keyed by
 * {@link DigestKey}, so a retry or a second run in the same week sends nothing.
 *
 * Scenarios:
 * - Given a scheduled event, then the week is the ISO week of the event's `time` (stable across retries
 *   of the same event), the window the 7 days before it, and the account the function's own (from its
 *   ARN; else the event's `account`); no account at all is a {@link DigestConfigurationError}.
 * - Given open or resolved findings, then one message is posted and the result says how many requests
 *   Slack took.
 * - Given a deployed rule without a successful run within twice its period (or none on record), then the
 *   message names it as not reporting (since when, and the last failure's reason) and is never all clear.
 * - Given open findings of a rule that is no longer deployed, then they are closed (not counted as
 *   resolved) and the message says how many.
 * - Given nothing to report and `onAllClear: "skip"`, then nothing is posted and the webhook URL is not
 *   even read; with `"send"` (the default), a short all-clear message is posted.
 * - Given the account alias cannot be read, then the digest names the account id only (a warning, not a
 *   failure).
 * - Given the webhook parameter has no value, then a {@link DigestConfigurationError} naming the parameter.
 * - Given Slack does not answer in time (or the connection breaks after the request was sent), then the
 *   result is `possibly-sent`, not an error: the message may be in the channel, so the week counts as done
 *   and nothing is sent again (exactly one message per week, at the price of a rare lost one).
 * - Given Slack refuses or cannot be reached, then the error is thrown: a `SlackDeliveryError` as is,
 *   anything else as an {@link EndpointAuditorError} with the URL redacted.
 */
import { errorMessage } from "../errors";
import type { HistoryClient } from "../history/schema";
import { retireFindings } from "../history/record";
import { RULES } from "../rules/index";
import type { AnyRule } from "../rules/rule";
import type { PostOptions } from "../slack/webhook";
import { renderSlackMessage } from "./blocks";
import { deliverDigest } from "./deliver";
import { loadHistoryDigest } from "./history";
import { buildDigest, isoWeek } from "./model";
import { AllClearMode } from "../deployment";
import { DigestConfigurationError, type DigestSettings } from "./settings";

/** The idempotency key of a digest: one message per account, region and ISO week. */
export interface DigestKey {
  accountId: string;
  region: string;
  /** e.g. `2024-W02` */
  isoWeek: string;
}

/** What became of the week's message. */
export const DigestStatus = {
  sent: "sent",
  /** All clear and `onAllClear: "skip"`. */
  skipped: "skipped",
  /** Slack did not answer in time: the message may be in the channel; not sent again this week. */
  possiblySent: "possibly-sent",
} as const;
export type DigestStatus = (typeof DigestStatus)[keyof typeof DigestStatus];

/** What the digest of one account, region and week did (the idempotency record stores it). */
export interface DigestRunResult {
  status: DigestStatus;
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
  /** Deployed rules not reporting (no successful run within twice their period). */
  notReporting: string[];
  /** Exemptions first recorded this week. */
  exemptedThisWeek: number;
  /** Open findings closed because their rule is no longer deployed. */
  retired: number;
  /** With `possibly-sent`: why delivery is uncertain (never the URL). */
  deliveryError?: string;
  /** True when this invocation found the week already done and sent nothing. */
  duplicate?: boolean;
}

/** Where a digest invocation runs: the function's region and, when its ARN shows it, its account. */
export interface DigestInvocation {
  region: string;
  /** The account of the function's ARN (the account the function can read). */
  functionAccountId?: string;
  /** Clock used when the event has no `time` (default: the current time). */
  now?: () => Date;
}

/** A scheduled event's time (stable across retries of the same event), if it has one. */
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

/**
 * The week, account and region an EventBridge scheduled event asks a digest for, and the digest's "now"
 * (the event's `time`, so a retry of the same event lands in the same week).
 *
 * @throws DigestConfigurationError when neither the function's ARN nor the event names the account.
 * @example
 * ```ts
 * const { key, now } = digestKeyFor(event, { region: "eu-west-1", functionAccountId: "123456789012" });
 * key.isoWeek; // "2024-W02" for an event at 2024-01-08T09:00:00Z
 * ```
 */
export function digestKeyFor(event: unknown, invocation: DigestInvocation): { key: DigestKey; now: Date } {
  const accountId = invocation.functionAccountId ?? eventAccount(event);
  if (!accountId) throw new DigestConfigurationError("Cannot tell the account: no account in the function ARN or the event");
  const now = eventTime(event) ?? invocation.now?.() ?? new Date();
  return { key: { accountId, region: invocation.region, isoWeek: isoWeek(now) }, now };
}

/** Where the digest says what did not stop it (Powertools' Logger fits). */
export interface DigestLog {
  warn(message: string, details: Record<string, unknown>): void;
}

/** Everything one digest run reads and sends with, passed in (tests pass local ones). */
export interface DigestRunOptions {
  key: DigestKey;
  /** End of the 7-day window. */
  now: Date;
  settings: Pick<
    DigestSettings,
    | "historyTableName"
    | "webhookParameterName"
    | "onAllClear"
    | "topOffenders"
    | "configRuleNamePrefix"
    | "webhookCacheSeconds"
    | "slackTimeoutMs"
    | "deployedRules"
    | "frequency"
  >;
  history: HistoryClient;
  /** Returns the decrypted webhook URL of the SSM parameter `parameterName` (cached for `maxAgeSeconds`). */
  getWebhookUrl: (parameterName: string, maxAgeSeconds: number) => Promise<string | undefined>;
  /** The IAM account alias, or undefined (best effort). */
  getAccountAlias: () => Promise<string | undefined>;
  /** Slack delivery options (tests inject `sleep`); `timeoutMs` defaults to `settings.slackTimeoutMs`. */
  postOptions?: PostOptions;
  /** Where rule titles come from (default: every registered rule). */
  registry?: readonly AnyRule[];
  log?: DigestLog;
}

/**
 * Runs the digest of one account, region and week (not idempotent by itself: the Lambda wraps it).
 *
 * @throws HistoryReadError | DigestConfigurationError | SlackDeliveryError | EndpointAuditorError — none
 *   of them holds the webhook URL.
 * @example
 * ```ts
 * const { key, now } = digestKeyFor(event, { region, functionAccountId });
 * const result = await runDigest({
 *   key, now, settings: digestSettingsFromEnv(process.env), history: doc,
 *   getWebhookUrl: (name, maxAge) => getParameter(name, { decrypt: true, maxAge }),
 *   getAccountAlias: async () => undefined,
 * });
 * result.status; // "sent"
 * ```
 */
export async function runDigest(options: DigestRunOptions): Promise<DigestRunResult> {
  const { key, settings } = options;
  const registry = options.registry ?? RULES;
  const [{ input, undeployed }, accountAlias] = await Promise.all([
    loadHistoryDigest({
      history: options.history,
      tableName: settings.historyTableName,
      accountId: key.accountId,
      region: key.region,
      now: options.now,
      deployedRules: settings.deployedRules,
      frequency: settings.frequency,
    }),
    options.getAccountAlias().catch((error: unknown) => {
      options.log?.warn("Account alias not available; the digest shows the account id only", { error: errorMessage(error) });
      return undefined;
    }),
  ]);
  // Before sending: a retry after a failed send finds them closed and says nothing about them again.
  const retired = await retireFindings(options.history, settings.historyTableName, undeployed, options.now);
  const digest = buildDigest(
    {
      ...input,
      ...(accountAlias ? { accountAlias } : {}),
      ...(retired > 0 ? { retired: { count: retired, ruleIds: [...new Set(undeployed.map((r) => r.ruleId))].sort() } } : {}),
    },
    {
      ruleTitle: (id) => registry.find((r) => r.metadata.id === id)?.metadata.title,
      configRuleName: (id) => settings.deployedRules.find((r) => r.ruleId === id)?.configRuleName ?? `${settings.configRuleNamePrefix}${id}`,
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
    notReporting: digest.notReporting.map((r) => r.ruleId),
    exemptedThisWeek: digest.exemptedThisWeek.length,
    retired,
  };
  if (digest.allClear && settings.onAllClear === AllClearMode.skip) {
    return { status: DigestStatus.skipped, ...summary, blocks: 0, attempts: 0 };
  }
  const message = renderSlackMessage(digest);
  const delivery = await deliverDigest(
    message,
    { ...settings, getWebhookUrl: options.getWebhookUrl, postOptions: { timeoutMs: settings.slackTimeoutMs, ...options.postOptions } },
    "the digest",
  );
  if (delivery.possiblySent) {
    // Not an error: sending again could post the week's message twice. The idempotency record keeps this result.
    options.log?.warn("Slack did not confirm the digest; it may have been posted, so it is not sent again this week", {
      attempts: delivery.attempts,
      reason: delivery.uncertainty,
    });
    return {
      status: DigestStatus.possiblySent,
      ...summary,
      blocks: message.blocks.length,
      attempts: delivery.attempts,
      ...(delivery.uncertainty ? { deliveryError: delivery.uncertainty } : {}),
    };
  }
  return { status: DigestStatus.sent, ...summary, blocks: message.blocks.length, attempts: delivery.attempts };
}
