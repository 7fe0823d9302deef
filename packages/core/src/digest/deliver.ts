/**
 * Sending a rendered digest (per account or organization): the webhook URL is read by its parameter NAME
 * only now that there is something to send, then the message is posted. Every error that leaves here is
 * free of the URL: `postToWebhook`'s own errors are already redacted, anything else is redacted here.
 *
 * **Possibly sent.** When Slack did not answer in time, or the connection broke after the request went out,
 * the message may be in the channel. That is not an error here: the delivery is returned with
 * `possiblySent: true`, so the caller records the week as done (Powertools Idempotency keeps the result)
 * and no retry posts it a second time — exactly one message per week, at the price of a rare lost one.
 */
import { EndpointAuditorError, errorMessage } from "../errors";
import { SlackDeliveryError, postToWebhook, redactWebhookUrl, type PostOptions } from "../slack/webhook";
import type { SlackMessage } from "./blocks";
import { DigestConfigurationError } from "./settings";

/** Where the webhook URL comes from and how the message is posted. */
export interface DeliveryOptions {
  /** Returns the decrypted webhook URL of the SSM parameter `parameterName` (cached for `maxAgeSeconds`). */
  getWebhookUrl: (parameterName: string, maxAgeSeconds: number) => Promise<string | undefined>;
  webhookParameterName: string;
  webhookCacheSeconds: number;
  /** Slack delivery options; `timeoutMs` is the per-request timeout. */
  postOptions: PostOptions;
}

/** How a delivery ended. */
export interface DigestDelivery {
  /** Requests made to Slack (retries included). */
  attempts: number;
  /** Slack did not confirm, but may have posted it: do not send it again. */
  possiblySent: boolean;
  /** With `possiblySent`: why the delivery is uncertain (never the URL). */
  uncertainty?: string;
}

/**
 * Reads the webhook URL and posts `message` to it.
 *
 * @throws DigestConfigurationError when the parameter has no value; `SlackDeliveryError` or
 *   `EndpointAuditorError` (naming `what`) when the post fails and the message was certainly not posted —
 *   none of them holds the URL. A timeout or a connection broken after sending is returned as
 *   `possiblySent`, not thrown.
 * @example
 * ```ts
 * const { attempts } = await deliverDigest(renderSlackMessage(digest), {
 *   getWebhookUrl, webhookParameterName: "/endpoint-auditor/slack-webhook-url", webhookCacheSeconds: 300, postOptions: { timeoutMs: 10_000 },
 * }, "the digest");
 * ```
 */
export async function deliverDigest(message: SlackMessage, options: DeliveryOptions, what: string): Promise<DigestDelivery> {
  const url = await options.getWebhookUrl(options.webhookParameterName, options.webhookCacheSeconds);
  if (!url) throw new DigestConfigurationError(`SSM parameter ${options.webhookParameterName} has no value`);
  try {
    const delivered = await postToWebhook(url, message, options.postOptions);
    return { attempts: delivered.attempts, possiblySent: false };
  } catch (error) {
    if (error instanceof SlackDeliveryError && error.possiblyDelivered) {
      return { attempts: error.attempts, possiblySent: true, uncertainty: error.message };
    }
    if (error instanceof EndpointAuditorError) throw error;
    throw new EndpointAuditorError(`Sending ${what} failed: ${redactWebhookUrl(errorMessage(error), url)}`);
  }
}
