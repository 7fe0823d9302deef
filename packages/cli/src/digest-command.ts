/**
 * `endpoint-auditor digest`: the weekly Slack digest from a scan (live or `--snapshot`), without history
 * (current state only). `--preview` (the default) prints the Block Kit payload that would be sent
 * (`--format json`, default) or a readable report (`--format text`); `--send` posts it to the webhook in
 * `--webhook-url` or `SLACK_WEBHOOK_URL`. One message per region. The webhook URL is never printed.
 */
import {
  RULES,
  SlackDeliveryError,
  buildDigest,
  digestInputFromScan,
  postToWebhook,
  redactWebhookUrl,
  renderDigestText,
  renderSlackMessage,
  type Digest,
  type PostOptions,
  type ScanResult,
  type SlackMessage,
} from "@endpoint-auditor/core";
import { UsageError, stringValue } from "./args";
import { ExitCode, exitCodeFor } from "./exit-codes";
import type { CliIo } from "./io";

/** The digest's own flags, in `node:util` parseArgs form (add the scan / `--snapshot` flags beside them). */
export const DIGEST_OPTIONS = {
  preview: { type: "boolean" },
  send: { type: "boolean" },
  "webhook-url": { type: "string" },
  format: { type: "string" },
  "account-alias": { type: "string" },
  "config-rule-prefix": { type: "string" },
  "top-offenders": { type: "string" },
} as const;

export const DIGEST_FORMATS = ["json", "text"] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export interface DigestCommandOptions {
  mode: "preview" | "send";
  /** Preview output (default json). */
  format: DigestFormat;
  /** Required for `send` (from `--webhook-url` or `SLACK_WEBHOOK_URL`). */
  webhookUrl?: string;
  /** Shown beside the account id. */
  accountAlias?: string;
  /** Prefix of the deployed AWS Config rule names (e.g. `endpoint-auditor-prod-`), for console links. */
  configRulePrefix?: string;
  /** Top offenders per message (1–50, default 10). */
  topOffenders?: number;
}

export const DIGEST_HELP = `Usage: endpoint-auditor digest [--preview | --send] [scan options | --snapshot FILE | --history-table NAME]

Builds the weekly Slack digest from the current state (no history: new/resolved counts need the
deployed digest), or with --history-table from the deployed findings history — the same message the
deployed digest sends, rules not reporting included. One message per region.

  --preview                 print the message instead of sending it (default)
  --format json|text        preview as Block Kit JSON (default; one object, or an array for several
                            regions) or as readable text
  --send                    post the message(s) to the Slack incoming webhook
  --webhook-url URL         the webhook (prefer SLACK_WEBHOOK_URL: a URL on the command line ends
                            up in shell history)
  --account-alias NAME      show NAME beside the account id
  --config-rule-prefix P    AWS Config rule names are P + rule id (the stack uses <app>-<stage>-)
  --top-offenders N         top offenders listed per message (1-50, default 10)

Environment: SLACK_WEBHOOK_URL.
`;

/**
 * Reads the digest flags (parsed with {@link DIGEST_OPTIONS}) and the environment.
 *
 * @throws UsageError
 * @example
 * ```ts
 * const options = digestOptionsFromFlags(values, process.env);
 * ```
 */
export function digestOptionsFromFlags(
  values: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): DigestCommandOptions {
  const hint = "run 'endpoint-auditor digest --help' for usage";
  if (values.preview === true && values.send === true) throw new UsageError("digest: --preview and --send exclude each other", hint);
  const mode = values.send === true ? "send" : "preview";
  const formatText = stringValue(values.format);
  const format = (formatText?.trim().toLowerCase() ?? "json") as DigestFormat;
  if (!DIGEST_FORMATS.includes(format)) throw new UsageError(`digest: unknown --format '${formatText}'`, "use json or text");
  if (mode === "send" && formatText !== undefined) throw new UsageError("digest: --format applies to --preview only", hint);

  const options: DigestCommandOptions = { mode, format };
  if (mode === "send") {
    const url = (stringValue(values["webhook-url"]) ?? env.SLACK_WEBHOOK_URL)?.trim();
    if (!url) throw new UsageError("digest --send needs a webhook", "set SLACK_WEBHOOK_URL or pass --webhook-url URL");
    // https only (plain http is accepted on loopback, for a local test server). The URL is never echoed.
    if (!/^https:\/\//i.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//i.test(url)) {
      throw new UsageError("digest: the webhook URL must start with https://", "copy the Incoming Webhook URL from the Slack app settings");
    }
    options.webhookUrl = url;
  } else if (values["webhook-url"] !== undefined) {
    throw new UsageError("digest: --webhook-url is only used with --send", hint);
  }
  const alias = stringValue(values["account-alias"])?.trim();
  if (alias) options.accountAlias = alias;
  const prefix = stringValue(values["config-rule-prefix"]);
  if (prefix !== undefined) options.configRulePrefix = prefix.trim();
  const top = stringValue(values["top-offenders"]);
  if (top !== undefined) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > 50) throw new UsageError(`digest: --top-offenders '${top}' is not 1-50`, "e.g. --top-offenders 10");
    options.topOffenders = n;
  }
  return options;
}

/**
 * The digests of a scan, one per region (current state, no history).
 *
 * @example
 * ```ts
 * const digests = digestsForScan(result, { mode: "preview", format: "json" });
 * ```
 */
export function digestsForScan(scan: ScanResult, options: DigestCommandOptions): Digest[] {
  return scan.regions.map((region) =>
    buildDigest(digestInputFromScan(scan, region, options.accountAlias), {
      ruleTitle: (id) => RULES.find((r) => r.metadata.id === id)?.metadata.title,
      configRuleName: (id) => `${options.configRulePrefix ?? ""}${id}`,
      topOffenders: options.topOffenders ?? 10,
    }),
  );
}

export interface DigestCommandDependencies {
  /** Slack delivery options (tests inject `fetch`/`sleep`). */
  postOptions?: PostOptions;
  /** Pause between two messages (Slack allows about one per second). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `digest` on an already computed scan: prints the preview or sends one message per region.
 * Exit code: 0, or 1 when the scan was incomplete or a message could not be delivered (the reason is
 * printed on stderr, never the URL).
 *
 * @example
 * ```ts
 * const code = await runDigestCommand(result, digestOptionsFromFlags(values, io.env), io);
 * ```
 */
export async function runDigestCommand(
  scan: ScanResult,
  options: DigestCommandOptions,
  io: Pick<CliIo, "stdout" | "stderr">,
  deps: DigestCommandDependencies = {},
): Promise<ExitCode> {
  return deliverDigests(digestsForScan(scan, options), exitCodeFor(scan, false), options, io, deps);
}

/**
 * Prints the preview of built digests, or sends them one message per digest; `baseCode` is the exit code
 * when everything was delivered.
 *
 * @example
 * ```ts
 * const code = await deliverDigests(digests, ExitCode.OK, options, io);
 * ```
 */
export async function deliverDigests(
  digests: readonly Digest[],
  baseCode: ExitCode,
  options: DigestCommandOptions,
  io: Pick<CliIo, "stdout" | "stderr">,
  deps: DigestCommandDependencies = {},
): Promise<ExitCode> {
  const scanCode = baseCode;

  if (options.mode === "preview") {
    if (options.format === "text") {
      io.stdout.write(digests.map((d) => renderDigestText(d)).join("\n"));
    } else {
      const messages = digests.map((d) => renderSlackMessage(d));
      io.stdout.write(`${JSON.stringify(messages.length === 1 ? messages[0] : messages, null, 2)}\n`);
    }
    return scanCode;
  }

  const url = options.webhookUrl;
  if (!url) throw new UsageError("digest --send needs a webhook", "set SLACK_WEBHOOK_URL or pass --webhook-url URL");
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let failed = false;
  for (const [i, digest] of digests.entries()) {
    if (i > 0) await sleep(1_000);
    const message: SlackMessage = renderSlackMessage(digest);
    try {
      const result = await postToWebhook(url, message, deps.postOptions);
      io.stderr.write(
        `endpoint-auditor: digest for ${digest.accountId} ${digest.region} sent (${message.blocks.length} blocks, ${result.attempts} request${result.attempts === 1 ? "" : "s"})\n`,
      );
    } catch (error) {
      failed = true;
      const why =
        error instanceof SlackDeliveryError ? error.message : redactWebhookUrl(error instanceof Error ? error.message : String(error), url);
      io.stderr.write(`endpoint-auditor: digest for ${digest.accountId} ${digest.region} not sent: ${why}\n`);
    }
  }
  return failed ? ExitCode.INCOMPLETE : scanCode;
}
