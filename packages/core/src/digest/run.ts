/**
 * One run of the weekly digest for one account, region and ISO week, end to end: read the findings
 * history (two queries), build the digest, and — unless the week is all clear and the settings say skip —
 * render Block Kit and post it to the webhook whose URL is read (by name) only when there is something to
 * send. The digest Lambda wraps {@link runDigest} in Powertools Idempotency keyed by {@link DigestKey}, so
 * a retry or a second run in the same week sends nothing.
 *
 * Scenarios:
 * - Given a scheduled event, then the week is the ISO week of the event's `time` (stable across retries
 *   of the same event), the window the 7 days before it, and the account the function's own (from its
 *   ARN; else the event's `account`); no account at all is a {@link DigestConfigurationError}.
 * - Given open or resolved findings, then one message is posted and the result says how many requests
 *   Slack took.
 * - Given nothing to report and `onAllClear: "skip"`, then nothing is posted and the webhook URL is not
 *   even read; with `"send"` (the default), a short all-clear message is posted.
 * - Given the account alias cannot be read, then the digest names the account id only (a warning, not a
 *   failure).
 * - Given the webhook parameter has no value, then a {@link DigestConfigurationError} naming the parameter.
 * - Given Slack refuses, times out or cannot be reached, then the error is thrown: a
 *   `SlackDeliveryError` as is, anything else as an {@link EndpointAuditorError} with the URL redacted.
 */
import { errorMessage } from "../errors";
import { loadDigestState } from "../history/queries";
import type { HistoryClient } from "../history/schema";
import { RULES } from "../rules/index";
import type { AnyRule } from "../rules/rule";
import type { PostOptions } from "../slack/webhook";
import { renderSlackMessage } from "./blocks";
import { deliverDigest } from "./deliver";
import { buildDigest, isoWeek, weekWindow } from "./model";
import { AllClearMode } from "../deployment";
import { DigestConfigurationError, type DigestSettings } from "./settings";

/** The idempotency key of a digest: one message per account, region and ISO week. */
export interface DigestKey {
  accountId: string;
  region: string;
  /** e.g. `2024-W02` */
  isoWeek: string;
}

/** What the digest of one account, region and week did (the idempotency record stores it). */
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
    "historyTableName" | "webhookParameterName" | "onAllClear" | "topOffenders" | "configRuleNamePrefix" | "webhookCacheSeconds" | "slackTimeoutMs"
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
  const { since, until } = weekWindow(options.now);
  const [state, accountAlias] = await Promise.all([
    loadDigestState(options.history, settings.historyTableName, { accountId: key.accountId, region: key.region, since, until }),
    options.getAccountAlias().catch((error: unknown) => {
      options.log?.warn("Account alias not available; the digest shows the account id only", { error: errorMessage(error) });
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
      ruleTitle: (id) => registry.find((r) => r.metadata.id === id)?.metadata.title,
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
  const delivery = await deliverDigest(
    message,
    { ...settings, getWebhookUrl: options.getWebhookUrl, postOptions: { timeoutMs: settings.slackTimeoutMs, ...options.postOptions } },
    "the digest",
  );
  return { status: "sent", ...summary, blocks: message.blocks.length, attempts: delivery.attempts };
}
