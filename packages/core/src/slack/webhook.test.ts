import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SlackMessage } from "../digest/blocks";
import { SlackDeliveryError, SlackFailure, postToWebhook, redactWebhookUrl } from "./webhook";

const TOKEN = "xQ9vLr2mT4kW8pZ1nB6cY3dF";
const PATH = `/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}`;

/** One scripted answer per request; the server records every request it gets. */
type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang" | "reset";

let server: Server;
let base: string;
let script: Answer[] = [];
let requests: { method?: string; url?: string; contentType?: string; body: string }[] = [];
const hung: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, contentType: req.headers["content-type"], body });
      const answer = script.shift() ?? { status: 200, body: "ok" };
      if (answer === "hang") {
        hung.push(res);
        return;
      }
      if (answer === "reset") {
        // The request was read (Slack may have posted it), then the connection breaks without an answer.
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  script = [];
  requests = [];
  for (const res of hung.splice(0)) res.destroy();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const message: SlackMessage = {
  text: "Endpoint audit 123456789012 eu-west-1: 1 open finding.",
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "*1 open finding*" } }],
};

function recorder(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

/** Every rendering of an error a log line could contain. */
function everyTraceOf(error: unknown): string {
  const e = error as Error & { cause?: Error };
  return [String(e), e.message, e.stack ?? "", JSON.stringify(e), String(e.cause), e.cause?.stack ?? "", JSON.stringify(e.cause ?? {})].join("\n");
}

function expectNoUrl(error: unknown, url: string): void {
  const trace = everyTraceOf(error);
  expect(trace).not.toContain(url);
  expect(trace).not.toContain(TOKEN);
  expect(trace).not.toContain(PATH);
}

describe("postToWebhook against a local webhook server", () => {
  it("Given 429 with Retry-After: 2 then 200, Then it waits 2 s and exactly one message is delivered", async () => {
    script = [{ status: 429, body: "rate_limited", headers: { "retry-after": "2" } }, { status: 200, body: "ok" }];
    const { delays, sleep } = recorder();
    const result = await postToWebhook(`${base}${PATH}`, message, { sleep });
    expect(result).toEqual({ status: 200, attempts: 2 });
    expect(delays).toEqual([2000]);
    expect(requests).toHaveLength(2);
    expect(requests.filter((_, i) => i === 1).map((r) => JSON.parse(r.body))).toEqual([message]);
    expect(requests[0]).toMatchObject({ method: "POST", url: PATH, contentType: "application/json; charset=utf-8" });
  });

  it("Given 500 twice then 200, Then it retries with bounded backoff and succeeds on the third request", async () => {
    script = [{ status: 500, body: "internal_error" }, { status: 503, body: "service_unavailable" }, { status: 200, body: "ok" }];
    const { delays, sleep } = recorder();
    const result = await postToWebhook(`${base}${PATH}`, message, { sleep, baseDelayMs: 500, maxDelayMs: 800, random: () => 1 });
    expect(result.attempts).toBe(3);
    expect(delays).toEqual([500, 800]);
    expect(requests).toHaveLength(3);
  });

  it("Given 400 invalid_blocks, Then a SlackDeliveryError with Slack's error string, one request, and no trace of the URL", async () => {
    script = [{ status: 400, body: "invalid_blocks" }];
    const url = `${base}${PATH}`;
    const error = await postToWebhook(url, message, recorder()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ reason: SlackFailure.REJECTED, status: 400, slackError: "invalid_blocks", attempts: 1 });
    expect((error as Error).message).toBe("Slack refused the message: 400 invalid_blocks");
    expect(requests).toHaveLength(1);
    expectNoUrl(error, url);
  });

  it("Given 404 channel_not_found and 410 channel_is_archived, Then typed errors carrying those strings, not retried", async () => {
    for (const [status, body] of [
      [404, "channel_not_found"],
      [410, "channel_is_archived"],
      [403, "action_prohibited"],
    ] as const) {
      requests = [];
      script = [{ status, body }];
      const error = await postToWebhook(`${base}${PATH}`, message, recorder()).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: "rejected", status, slackError: body });
      expect(requests).toHaveLength(1);
    }
  });

  it("Given a server that never answers, Then a timeout error after one request (not retried) without the URL", async () => {
    script = ["hang"];
    const url = `${base}${PATH}`;
    const error = await postToWebhook(url, message, { timeoutMs: 200, ...recorder() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: SlackFailure.TIMEOUT, attempts: 1 });
    expect((error as Error).message).toContain("within 200 ms");
    expect(requests).toHaveLength(1);
    expect((error as SlackDeliveryError).possiblyDelivered).toBe(true);
    expectNoUrl(error, url);
  });

  it("Given the connection is reset after the request was read, Then a network error marked possibly delivered, not retried", async () => {
    script = ["reset", { status: 200, body: "ok" }];
    const url = `${base}${PATH}`;
    const error = await postToWebhook(url, message, recorder()).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: SlackFailure.NETWORK, attempts: 1, possiblyDelivered: true });
    expect(requests).toHaveLength(1);
    expectNoUrl(error, url);
  });

  it("Given 5xx on every request, Then a server_error after maxRetries + 1 requests", async () => {
    script = Array.from({ length: 10 }, () => ({ status: 502, body: "bad_gateway" }));
    const { delays, sleep } = recorder();
    const error = await postToWebhook(`${base}${PATH}`, message, { maxRetries: 2, sleep }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: SlackFailure.SERVER_ERROR, status: 502, slackError: "bad_gateway", attempts: 3 });
    expect(requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    for (const d of delays) expect(d).toBeLessThanOrEqual(20_000);
  });

  it("Given 429 asking to wait an hour, Then it fails as rate limited at once instead of sleeping", async () => {
    script = [{ status: 429, body: "rate_limited", headers: { "retry-after": "3600" } }];
    const { delays, sleep } = recorder();
    const error = await postToWebhook(`${base}${PATH}`, message, { sleep }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: SlackFailure.RATE_LIMITED, status: 429, attempts: 1 });
    expect(delays).toEqual([]);
  });

  it("Given a refused connection, Then it retries (nothing was sent) and ends with a network error without the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}${PATH}`;
    const { delays, sleep } = recorder();
    const error = await postToWebhook(url, message, { maxRetries: 2, sleep }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: SlackFailure.NETWORK, attempts: 3 });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect((error as SlackDeliveryError).possiblyDelivered).toBe(false);
    expect(delays).toHaveLength(2);
    expectNoUrl(error, url);
  });

  it("Given a message without text or with 51 blocks, Then nothing is sent and the error says which limit", async () => {
    const noText = await postToWebhook(`${base}${PATH}`, { ...message, text: "" }).catch((e: unknown) => e);
    expect(noText).toMatchObject({ reason: SlackFailure.INVALID_PAYLOAD });
    expect((noText as Error).message).toContain("no_text");
    const tooMany: SlackMessage = { text: "x", blocks: Array.from({ length: 51 }, () => ({ type: "divider" as const })) };
    const blocks = await postToWebhook(`${base}${PATH}`, tooMany).catch((e: unknown) => e);
    expect((blocks as Error).message).toContain("51 blocks (max 50)");
    expect(requests).toHaveLength(0);
  });

  it("Given a plain-http non-loopback URL or garbage, Then invalid_url without echoing the URL", async () => {
    const url = `http://hooks.slack.com${PATH}`;
    const error = await postToWebhook(url, message).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: SlackFailure.INVALID_URL, attempts: 0 });
    expectNoUrl(error, url);
    const garbage = await postToWebhook(`not a url ${TOKEN}`, message).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ reason: SlackFailure.INVALID_URL });
    expect(everyTraceOf(garbage)).not.toContain(TOKEN);
  });

  it("Given an error body that echoes the URL, Then slackError is redacted", async () => {
    const url = `${base}${PATH}`;
    script = [{ status: 400, body: `invalid_payload for ${url}` }];
    const error = await postToWebhook(url, message, recorder()).catch((e: unknown) => e);
    expect((error as SlackDeliveryError).slackError).toBe("invalid_payload for [redacted webhook URL]");
    expectNoUrl(error, url);
  });
});

describe("redactWebhookUrl", () => {
  it("Given texts holding the URL, its path, its token or any Slack webhook URL, Then all are redacted", () => {
    const url = `https://hooks.slack.com${PATH}`;
    expect(redactWebhookUrl(`POST ${url} failed`, url)).toBe("POST [redacted webhook URL] failed");
    expect(redactWebhookUrl(`path ${PATH}`, url)).toBe("path [redacted webhook URL]");
    expect(redactWebhookUrl(`token=${TOKEN}`, url)).toBe("token=[redacted webhook URL]");
    expect(redactWebhookUrl("see https://hooks.slack.com/services/TAAA/BBBB/cccc")).toBe("see [redacted webhook URL]");
    expect(redactWebhookUrl("nothing secret here", url)).toBe("nothing secret here");
  });
});
