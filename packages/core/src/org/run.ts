/**
 * One run of the organization digest for one aggregator and ISO week, end to end: read last week's state
 * and the aggregator (in parallel), build the digest, keep this week's state, and — unless the week is all
 * clear and the settings say skip — post one Slack message to the webhook whose URL is read (by name) only
 * when there is something to send. The Lambda wraps {@link runOrgDigest} in Powertools Idempotency keyed by
 * {@link OrgDigestKey}, so a retry or a second run in the same week sends nothing.
 *
 * Scenarios:
 * - Given a scheduled event, then the week is the ISO week of the event's `time` (stable across retries of
 *   the same event) and the window the 7 days before it.
 * - Given the state is written before the message is sent, then a failed send leaves a state that the
 *   retry compares with nothing new (it reads the newest state of an *earlier* week), so the retry's
 *   message is the same.
 * - Given a call to the aggregator fails, then the message says what could not be read and keeps last
 *   week's findings for it; the run does not fail.
 * - Given the state table cannot be read or written, then the run fails with `OrgStateError` before
 *   anything is sent (the retry tries again).
 * - Given Slack refuses, times out or cannot be reached, then the error is thrown with the URL redacted.
 */
import type { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { AllClearMode } from "../deployment";
import { isoWeek } from "../digest/model";
import type { DigestLog } from "../digest/run";
import { deliverDigest } from "../digest/deliver";
import { RULES } from "../rules/index";
import type { AnyRule } from "../rules/rule";
import type { PostOptions } from "../slack/webhook";
import { readAggregator, type DeployedRule } from "./aggregator";
import { renderOrgSlackMessage } from "./blocks";
import { buildOrgDigest } from "./model";
import type { OrgDigestSettings } from "./settings";
import { readPreviousState, writeState, type OrgStateClient } from "./state";

/** The idempotency key of the organization digest: one message per aggregator and ISO week. */
export interface OrgDigestKey {
  aggregatorName: string;
  /** e.g. `2026-W10` */
  isoWeek: string;
}

/** What one organization digest run did (the idempotency record stores it). */
export interface OrgDigestRunResult {
  /** `possibly-sent`: Slack did not confirm, but may have posted it (see `deliverDigest`); not sent again this week. */
  status: "sent" | "skipped" | "possibly-sent";
  aggregatorName: string;
  isoWeek: string;
  openFindings: number;
  newThisWeek: number;
  resolvedThisWeek: number;
  monthlyWasteUsd: number;
  accounts: number;
  notReporting: number;
  /** Rules (or rule, account and region) that could not be read. */
  unread: number;
  /** Calls made to the aggregator. */
  aggregatorCalls: number;
  blocks: number;
  /** Requests made to Slack (retries included). */
  attempts: number;
  /** With `possibly-sent`: why delivery is uncertain (never the URL). */
  deliveryError?: string;
  /** True when this invocation found the week already done and sent nothing. */
  duplicate?: boolean;
}

/**
 * The aggregator and week an EventBridge scheduled event asks the organization digest for, and the run's
 * "now" (the event's `time`, so a retry of the same event lands in the same week).
 *
 * @example
 * ```ts
 * const { key, now } = orgDigestKeyFor(event, "org-aggregator");
 * key.isoWeek; // "2026-W10" for an event at 2026-03-02T09:00:00Z
 * ```
 */
export function orgDigestKeyFor(event: unknown, aggregatorName: string, clock: () => Date = () => new Date()): { key: OrgDigestKey; now: Date } {
  const time = (event as { time?: unknown } | null)?.time;
  const parsed = typeof time === "string" ? new Date(time) : undefined;
  const now = parsed && !Number.isNaN(parsed.getTime()) ? parsed : clock();
  return { key: { aggregatorName, isoWeek: isoWeek(now) }, now };
}

/**
 * The auditor's rules as deployed in the member accounts: `<prefix><ruleId>` for every registered rule.
 *
 * @example
 * ```ts
 * deployedRules("endpoint-auditor-prod-")[0]; // { ruleId: "interface-endpoint-in-use", ruleName: "endpoint-auditor-prod-interface-endpoint-in-use" }
 * ```
 */
export function deployedRules(prefix: string, registry: readonly AnyRule[] = RULES): DeployedRule[] {
  return registry.map((r) => ({ ruleId: r.metadata.id, ruleName: `${prefix}${r.metadata.id}` }));
}

/** Everything one organization digest run reads and sends with, passed in (tests pass local ones). */
export interface OrgDigestRunOptions {
  key: OrgDigestKey;
  now: Date;
  /** The region of the aggregator (the function's). */
  region: string;
  settings: Omit<OrgDigestSettings, "aggregatorName" | "idempotencyTableName">;
  config: Pick<ConfigServiceClient, "send">;
  state: OrgStateClient;
  /** Returns the decrypted webhook URL of the SSM parameter `parameterName` (cached for `maxAgeSeconds`). */
  getWebhookUrl: (parameterName: string, maxAgeSeconds: number) => Promise<string | undefined>;
  /** Slack delivery options (tests inject `sleep`); `timeoutMs` defaults to `settings.slackTimeoutMs`. */
  postOptions?: PostOptions;
  /** Where rules and titles come from (default: every registered rule). */
  registry?: readonly AnyRule[];
  /** Aggregator calls in flight at once (default 4). */
  concurrency?: number;
  log?: DigestLog;
}

/**
 * Runs the organization digest of one aggregator and week (not idempotent by itself: the Lambda wraps it).
 *
 * @throws OrgStateError | DigestConfigurationError | SlackDeliveryError | EndpointAuditorError — none of
 *   them holds the webhook URL.
 * @example
 * ```ts
 * const { key, now } = orgDigestKeyFor(event, settings.aggregatorName);
 * const result = await runOrgDigest({ key, now, region, settings, config, state: doc, getWebhookUrl });
 * result.status; // "sent"
 * ```
 */
export async function runOrgDigest(options: OrgDigestRunOptions): Promise<OrgDigestRunResult> {
  const { key, settings } = options;
  const registry = options.registry ?? RULES;
  const rules = deployedRules(settings.configRuleNamePrefix, registry);
  const [previous, snapshot] = await Promise.all([
    readPreviousState(options.state, settings.stateTableName, key.aggregatorName, key.isoWeek),
    readAggregator(options.config, { aggregatorName: key.aggregatorName, rules, ...(options.concurrency ? { concurrency: options.concurrency } : {}) }),
  ]);
  if (previous.unusable) options.log?.warn("Last week's state cannot be used; no new/resolved counts this week", { reason: previous.unusable });
  for (const failure of snapshot.failures) options.log?.warn("Part of the aggregator could not be read; last week's findings are kept for it", { ...failure });

  const { digest, state } = buildOrgDigest(
    {
      aggregatorName: key.aggregatorName,
      aggregatorRegion: options.region,
      now: options.now,
      snapshot,
      rules,
      ...(previous.state ? { previous: previous.state } : {}),
      ...(previous.unusable ? { previousUnusable: previous.unusable } : {}),
      staleAfterHours: 2 * settings.evaluationFrequencyHours,
    },
    {
      ruleTitle: (id) => registry.find((r) => r.metadata.id === id)?.metadata.title,
      topOffenders: settings.topOffenders,
      topAccounts: settings.topAccounts,
    },
  );
  await writeState(options.state, settings.stateTableName, state, options.now);

  const summary = {
    aggregatorName: key.aggregatorName,
    isoWeek: key.isoWeek,
    openFindings: digest.totals.open,
    newThisWeek: digest.totals.newThisWeek,
    resolvedThisWeek: digest.totals.resolvedThisWeek,
    monthlyWasteUsd: digest.totals.monthlyWasteUsd,
    accounts: digest.totals.accounts,
    notReporting: digest.notReporting.length,
    unread: digest.unread.length,
    aggregatorCalls: snapshot.calls.describe + snapshot.calls.details + snapshot.calls.probes,
  };
  if (digest.allClear && settings.onAllClear === AllClearMode.skip) return { status: "skipped", ...summary, blocks: 0, attempts: 0 };

  const message = renderOrgSlackMessage(digest);
  const delivery = await deliverDigest(
    message,
    { ...settings, getWebhookUrl: options.getWebhookUrl, postOptions: { timeoutMs: settings.slackTimeoutMs, ...options.postOptions } },
    "the organization digest",
  );
  if (delivery.possiblySent) {
    return {
      status: "possibly-sent",
      ...summary,
      blocks: message.blocks.length,
      attempts: delivery.attempts,
      ...(delivery.uncertainty ? { deliveryError: delivery.uncertainty } : {}),
    };
  }
  return { status: "sent", ...summary, blocks: message.blocks.length, attempts: delivery.attempts };
}
