/**
 * Sending a rendered digest (per account or organization): the webhook URL is read by its parameter NAME
 * only now that there is something to send, then the message is posted. Every error that leaves here is
 * free of the URL: `postToWebhook`'s own errors are already redacted, anything else is redacted here.
 */
import { EndpointAuditorError, errorMessage } from "../errors";
import { postToWebhook, redactWebhookUrl, type DeliveryResult, type PostOptions } from "../slack/webhook";
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

/**
 * Reads the webhook URL and posts `message` to it.
 *
 * @throws DigestConfigurationError when the parameter has no value; `SlackDeliveryError` or
 *   `EndpointAuditorError` (naming `what`) when the post fails — none of them holds the URL.
 * @example
 * ```ts
 * const { attempts } = await deliverDigest(renderSlackMessage(digest), {
 *   getWebhookUrl, webhookParameterName: "/endpoint-auditor/slack-webhook-url", webhookCacheSeconds: 300, postOptions: { timeoutMs: 10_000 },
 * }, "the digest");
 * ```
 */
export async function deliverDigest(message: SlackMessage, options: DeliveryOptions, what: string): Promise<DeliveryResult> {
  const url = await options.getWebhookUrl(options.webhookParameterName, options.webhookCacheSeconds);
  if (!url) throw new DigestConfigurationError(`SSM parameter ${options.webhookParameterName} has no value`);
  try {
    return await postToWebhook(url, message, options.postOptions);
  } catch (error) {
    if (error instanceof EndpointAuditorError) throw error;
    throw new EndpointAuditorError(`Sending ${what} failed: ${redactWebhookUrl(errorMessage(error), url)}`);
  }
}
