/**
 * Delivery of a message to a Slack incoming webhook: one request at a time with a timeout, `429`
 * honoured through `Retry-After`, `5xx` and refused connections retried with bounded backoff, every
 * other failure a typed {@link SlackDeliveryError} carrying Slack's error string. The webhook URL is a
 * secret: it never appears in an error's message, in its cause, or in anything this module returns.
 */
import { slackMessageProblems, type SlackMessage } from "../digest/blocks";
import { EndpointAuditorError, errorMessage } from "../errors";
import { backoff, type BackoffOptions } from "../retry";

/** Why a delivery failed. */
export const SlackFailure = {
  /** The URL is not an https URL (http is allowed on loopback only, for tests). */
  INVALID_URL: "invalid_url",
  /** The payload breaks a Slack limit; nothing was sent. */
  INVALID_PAYLOAD: "invalid_payload",
  /** Slack refused the message (4xx other than 429): see `slackError`. */
  REJECTED: "rejected",
  /** Still rate limited after the retries, or asked to wait longer than allowed. */
  RATE_LIMITED: "rate_limited",
  /** Still 5xx after the retries. */
  SERVER_ERROR: "server_error",
  /** No answer within the timeout. Not retried: Slack may have posted the message (see `possiblyDelivered`). */
  TIMEOUT: "timeout",
  /** The connection failed. */
  NETWORK: "network_error",
} as const;
export type SlackFailure = (typeof SlackFailure)[keyof typeof SlackFailure];

/** Slack did not accept the message. Never contains the webhook URL. */
export class SlackDeliveryError extends EndpointAuditorError {
  public readonly reason: SlackFailure;
  /** The last HTTP status, when there was an answer. */
  public readonly status?: number;
  /** Slack's error string, e.g. `invalid_blocks`, `channel_not_found`, `no_text`. */
  public readonly slackError?: string;
  /** Requests made. */
  public readonly attempts: number;
  /**
   * Slack may have posted the message: the request was sent and no answer came (a timeout, or the
   * connection broke after it was open). Sending again could post it twice.
   */
  public readonly possiblyDelivered: boolean;

  public constructor(
    details: { reason: SlackFailure; status?: number; slackError?: string; attempts: number; possiblyDelivered?: boolean },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.reason = details.reason;
    this.status = details.status;
    this.slackError = details.slackError;
    this.attempts = details.attempts;
    this.possiblyDelivered = details.possiblyDelivered ?? details.reason === SlackFailure.TIMEOUT;
  }
}

/**
 * Delivery options. Backoff for 5xx and refused connections (and a 429 without a readable `Retry-After`):
 * `baseDelayMs` (default 1000) doubles per retry, with jitter, up to `maxDelayMs` (default 20000).
 */
export interface PostOptions extends BackoffOptions {
  /** Injectable `fetch` (default: the global one). */
  fetch?: typeof fetch;
  /** Per-request timeout in ms, covering the answer's body too (default 10000). */
  timeoutMs?: number;
  /** Retries after the first request, for 429, 5xx and refused connections (default 3). */
  maxRetries?: number;
  /** A `Retry-After` longer than this fails as rate limited instead of waiting (default 60000). */
  maxRetryAfterMs?: number;
}

/** A delivered message. */
export interface DeliveryResult {
  status: number;
  attempts: number;
}

const REDACTED = "[redacted webhook URL]";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
/** Connection errors where the request never reached Slack, so retrying cannot duplicate a message. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);
/** Connection errors after the connection was open: the request may have been read and posted. */
const MAYBE_SENT_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/**
 * Removes a webhook URL (whole, without scheme, its path, its secret token) and anything that looks
 * like a Slack webhook URL from a text.
 *
 * @example
 * ```ts
 * redactWebhookUrl("POST https://hooks.slack.com/services/T0/B0/abc failed"); // "POST [redacted webhook URL] failed"
 * ```
 */
export function redactWebhookUrl(text: string, url?: string): string {
  let out = text;
  if (url) {
    const candidates = new Set<string>([url, url.replace(/^https?:\/\//, "")]);
    try {
      const parsed = new URL(url);
      candidates.add(parsed.href);
      if (parsed.pathname.length > 1) candidates.add(`${parsed.pathname}${parsed.search}`);
      for (const segment of parsed.pathname.split("/")) if (segment.length >= 8) candidates.add(segment);
    } catch {
      // not a URL: the literal candidates above still apply
    }
    for (const c of [...candidates].sort((a, b) => b.length - a.length)) {
      if (c.length > 0) out = out.split(c).join(REDACTED);
    }
  }
  return out
    .replace(/https?:\/\/hooks\.slack(?:-gov)?\.com\/\S*/gi, REDACTED)
    .replace(/\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+/g, `/services/${REDACTED}`);
}

/** A cause safe to keep: the original's name, code and redacted message, never the original object. */
function safeCause(error: unknown, url: string): Error {
  const cause = new Error(redactWebhookUrl(errorMessage(error), url));
  if (error instanceof Error) cause.name = error.name;
  const code = codeOf(error);
  if (code) (cause as Error & { code?: string }).code = code;
  return cause;
}

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SlackDeliveryError({ reason: SlackFailure.INVALID_URL, attempts: 0 }, "The Slack webhook URL is not a valid URL");
  }
  const insecureOk = parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname);
  if (parsed.protocol !== "https:" && !insecureOk) {
    throw new SlackDeliveryError(
      { reason: SlackFailure.INVALID_URL, attempts: 0 },
      `The Slack webhook URL must use https (got ${parsed.protocol.replace(":", "")})`,
    );
  }
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const SLACK_BACKOFF = { baseDelayMs: 1_000, maxDelayMs: 20_000 } as const;

/**
 * Posts a message to a Slack incoming webhook.
 *
 * - each request is cut after `timeoutMs` (a timeout is not retried: Slack may have posted it);
 * - `429` waits `Retry-After` seconds (bounded by `maxRetryAfterMs`) and retries;
 * - `5xx` and refused connections retry with exponential backoff and jitter, at most `maxRetries` times;
 * - any other `4xx` fails at once with Slack's error string (`invalid_blocks`, `channel_not_found`, …);
 * - the payload is checked against Slack's limits before anything is sent.
 *
 * @throws SlackDeliveryError — its message, fields and cause never contain the URL.
 * @example
 * ```ts
 * const url = await getParameter(process.env.SLACK_WEBHOOK_PARAMETER_NAME!, { decrypt: true });
 * await postToWebhook(url!, renderSlackMessage(digest), { timeoutMs: 10_000, maxRetries: 3 });
 * ```
 */
export async function postToWebhook(url: string, payload: SlackMessage, options: PostOptions = {}): Promise<DeliveryResult> {
  checkUrl(url);
  const problems = slackMessageProblems(payload);
  if (problems.length > 0) {
    throw new SlackDeliveryError(
      { reason: SlackFailure.INVALID_PAYLOAD, attempts: 0 },
      `The Slack message breaks Slack's limits: ${problems.join("; ")}`,
    );
  }
  const doFetch = options.fetch ?? fetch;
  const delays = backoff(options, SLACK_BACKOFF);
  const maxRetries = Math.max(0, options.maxRetries ?? 3);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const body = JSON.stringify(payload);

  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt <= maxRetries;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      if (isTimeout(error)) {
        throw new SlackDeliveryError(
          { reason: SlackFailure.TIMEOUT, attempts: attempt },
          `Slack did not answer within ${timeoutMs} ms (not retried: the message may have been posted)`,
          { cause: safeCause(error, url) },
        );
      }
      const code = codeOf(error);
      if (code && NOT_SENT_CODES.has(code) && canRetry) {
        await delays.wait(attempt);
        continue;
      }
      throw new SlackDeliveryError(
        { reason: SlackFailure.NETWORK, attempts: attempt, possiblyDelivered: code !== undefined && MAYBE_SENT_CODES.has(code) },
        `Could not reach Slack: ${redactWebhookUrl(errorMessage(error), url)}${code ? ` (${code})` : ""}`,
        { cause: safeCause(error, url) },
      );
    }

    if (status >= 200 && status < 300) return { status, attempts: attempt };
    const slackError = redactWebhookUrl(text.trim().slice(0, 200), url) || undefined;

    if (status === 429) {
      const wait = retryAfterMs(retryAfter) ?? delays.delayMs(attempt);
      if (canRetry && wait <= maxRetryAfterMs) {
        await delays.sleep(wait);
        continue;
      }
      throw new SlackDeliveryError(
        { reason: SlackFailure.RATE_LIMITED, status, ...(slackError ? { slackError } : {}), attempts: attempt },
        wait > maxRetryAfterMs
          ? `Slack rate limited the webhook and asked to wait ${Math.ceil(wait / 1000)} s (more than allowed)`
          : `Slack still rate limited the webhook after ${attempt} requests`,
      );
    }
    if (status >= 500) {
      if (canRetry) {
        await delays.wait(attempt);
        continue;
      }
      throw new SlackDeliveryError(
        { reason: SlackFailure.SERVER_ERROR, status, ...(slackError ? { slackError } : {}), attempts: attempt },
        `Slack answered ${status}${slackError ? ` ${slackError}` : ""} after ${attempt} requests`,
      );
    }
    throw new SlackDeliveryError(
      { reason: SlackFailure.REJECTED, status, ...(slackError ? { slackError } : {}), attempts: attempt },
      `Slack refused the message: ${status}${slackError ? ` ${slackError}` : ""}`,
    );
  }
}
