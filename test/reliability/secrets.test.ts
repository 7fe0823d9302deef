/**
 * The Slack webhook URL is a secret: it must never appear in logs, errors or metrics. Each scenario runs
 * the real digest handler (middy + Powertools Logger / Metrics / Tracer + Idempotency on dynalite) or the
 * CLI's `digest --send`, against a local "Slack" that fails in one of the ways a webhook can fail, while
 * capturing every byte written to stdout and stderr (Powertools logs and EMF metrics go there), every
 * `console.*` call, and the thrown error with its whole `cause` chain (serialised with its own
 * properties, `util.inspect` and `JSON.stringify`). Then it searches all of it for the URL, its path and
 * its secret token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DigestSettings } from "@endpoint-auditor/core";
import { createHistoryTable, createIdempotencyTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { run } from "../../packages/cli/src/main";
import type { CliIo, OutputStream } from "../../packages/cli/src/io";
import { createDigestHandler } from "../../packages/functions/src/digest";
import { ACCOUNT } from "./support";

const REGION = "eu-west-1";
const TOKEN = "q7Wm2XkP9sRt4VbN8cLz3HyD";
const WEBHOOK_PATH = `/services/T05RELIAB1/B07SECRET9/${TOKEN}`;
const DEMO = new URL("../../packages/cli/demo/demo-account.json", import.meta.url).pathname;

/** What the local Slack does with a request. */
type Behaviour =
  | { kind: "answer"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "echo"; status: number };

let slack: Server;
let slackBase: string;
let behaviour: Behaviour = { kind: "answer", status: 200, body: "ok" };
let received = 0;
const sockets = new Set<Socket>();

let dynamo: LocalDynamo;
let tableNo = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  slack = createServer((req: IncomingMessage, res: ServerResponse) => {
    received++;
    req.resume();
    req.on("end", () => {
      const b = behaviour;
      if (b.kind === "hang") return; // accepted, never answered
      if (b.kind === "reset") {
        req.socket.destroy();
        return;
      }
      if (b.kind === "echo") {
        // A misbehaving endpoint (or proxy) that quotes the request line back in its error body.
        res.writeHead(b.status, { "content-type": "text/plain" }).end(`no_service: POST ${slackBase}${req.url ?? ""} (path ${req.url ?? ""})`);
        return;
      }
      res.writeHead(b.status, { "content-type": "text/plain", ...b.headers }).end(b.body);
    });
  });
  slack.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
  slackBase = `http://127.0.0.1:${(slack.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => slack.close(() => resolve()));
  await dynamo.close();
});

// ---- capture of everything -------------------------------------------------------------------------

let captured: string[] = [];
let restoreCapture: () => void = () => undefined;

function captureEverything(): () => void {
  const collect = ((chunk: unknown) => {
    captured.push(typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(collect),
    vi.spyOn(process.stderr, "write").mockImplementation(collect),
    ...(["log", "info", "warn", "error", "debug", "trace"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void captured.push(args.map((a) => inspect(a, { depth: 10 })).join(" "))),
    ),
  ];
  return () => {
    for (const s of spies) s.mockRestore();
  };
}

/** Every view of an error and its causes that could end up in a log line or a Lambda error report. */
function serialiseError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      parts.push(current.name, current.message, current.stack ?? "");
      const own: Record<string, unknown> = {};
      for (const key of Object.getOwnPropertyNames(current)) own[key] = (current as unknown as Record<string, unknown>)[key];
      parts.push(JSON.stringify(own, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? "");
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(inspect(current, { depth: 10 }), JSON.stringify(current) ?? "");
      break;
    }
  }
  parts.push(inspect(error, { depth: 20, showHidden: true }));
  // What the Lambda runtime reports for a failed invocation: errorType, errorMessage, stackTrace.
  if (error instanceof Error) parts.push(JSON.stringify({ errorType: error.name, errorMessage: error.message, stackTrace: error.stack?.split("\n") }));
  return parts.join("\n");
}

function expectNoSecret(text: string, url: string): void {
  expect(text.length).toBeGreaterThan(0);
  for (const secret of [url, WEBHOOK_PATH, TOKEN, url.replace(/^https?:\/\//, ""), encodeURIComponent(url)]) {
    expect(text.includes(secret), `found ${secret.slice(0, 30)}… in the captured output`).toBe(false);
  }
}

beforeEach(() => {
  captured = [];
  received = 0;
  restoreCapture = captureEverything();
});
afterEach(() => {
  restoreCapture();
});

// ---- the digest handler ------------------------------------------------------------------------------

const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "endpoint-auditor-test-digest",
  functionVersion: "$LATEST",
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:endpoint-auditor-test-digest`,
  memoryLimitInMB: "256",
  awsRequestId: "d1f0c8a2-3b4c-4d5e-8f90-a1b2c3d4e5f6",
  logGroupName: "/aws/lambda/endpoint-auditor-test-digest",
  logStreamName: "2026/03/02/[$LATEST]fedcba9876543210",
  getRemainingTimeInMillis: () => 300_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** The EventBridge scheduled event (AWS docs' shape) of a Monday. */
function scheduledEvent(time: string): unknown {
  return {
    version: "0",
    id: "89d1a02d-5ec7-412e-82f5-13505f849b41",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/endpoint-auditor-test-digest`],
    detail: {},
  };
}

async function digestHandler(url: string, timeoutMs = 500): Promise<(event: unknown, context: Context) => Promise<unknown>> {
  const n = ++tableNo;
  const settings: DigestSettings = {
    historyTableName: `secrets-history-${n}`,
    idempotencyTableName: `secrets-idempotency-${n}`,
    webhookParameterName: "/endpoint-auditor/test/slack-webhook-url",
    onAllClear: "send",
    topOffenders: 10,
    configRuleNamePrefix: "endpoint-auditor-test-",
    webhookCacheSeconds: 300,
    slackTimeoutMs: timeoutMs,
    deployedRules: [{ ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-test-vpc-flow-logs-enabled" }],
    frequency: "TwentyFour_Hours",
  };
  await createHistoryTable(dynamo.client, settings.historyTableName);
  await createIdempotencyTable(dynamo.client, settings.idempotencyTableName);
  return createDigestHandler({
    settings,
    region: REGION,
    history: dynamo.doc,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: settings.idempotencyTableName, awsSdkV3Client: dynamo.client }),
    getWebhookUrl: async () => url,
    getAccountAlias: async () => "reliability",
    postOptions: { sleep: async () => undefined, maxRetries: 2 },
  }) as unknown as (event: unknown, context: Context) => Promise<unknown>;
}

const FAILURES: [string, Behaviour][] = [
  ["400 invalid_blocks", { kind: "answer", status: 400, body: "invalid_blocks" }],
  ["403 action_prohibited", { kind: "answer", status: 403, body: "action_prohibited" }],
  ["404 no_service", { kind: "answer", status: 404, body: "no_service" }],
  ["410 channel_is_archived", { kind: "answer", status: 410, body: "channel_is_archived" }],
  ["500 on every attempt", { kind: "answer", status: 500, body: "rollup_error" }],
  ["503 with an HTML page", { kind: "answer", status: 503, body: "<html><body>Service Unavailable</body></html>" }],
  ["429 with a Retry-After longer than allowed", { kind: "answer", status: 429, body: "rate_limited", headers: { "retry-after": "3600" } }],
  ["an error body quoting the request URL back", { kind: "echo", status: 400 }],
  ["a 500 error body quoting the request URL back", { kind: "echo", status: 500 }],
];

/** Deliveries that may have reached the channel: the week is recorded as possibly sent, not failed. */
const POSSIBLY_SENT: [string, Behaviour][] = [
  ["a connection reset before any answer", { kind: "reset" }],
  ["no answer at all (hang until the request timeout)", { kind: "hang" }],
];

describe("the digest handler with a failing delivery", () => {
  it.each(FAILURES)("Given Slack answers %s, Then the invocation fails and neither its output nor its error (with causes) contains the webhook URL, path or token", async (_name, b) => {
    behaviour = b;
    const url = `${slackBase}${WEBHOOK_PATH}`;
    const handler = await digestHandler(url);
    let error: unknown;
    try {
      await handler(scheduledEvent("2026-03-02T09:00:00Z"), context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(received).toBeGreaterThan(0);
    const output = captured.join("");
    // The failure was logged and measured (so there was something to leak)…
    expect(output).toContain("Digest failed");
    expect(output).toContain("DigestFailures");
    // …and neither the output nor the error carries the secret.
    expectNoSecret(output, url);
    expectNoSecret(serialiseError(error), url);
  });

  it.each(POSSIBLY_SENT)("Given Slack answers %s, Then the week is recorded as possibly sent and neither the output nor the result contains the webhook URL, path or token", async (_name, b) => {
    behaviour = b;
    const url = `${slackBase}${WEBHOOK_PATH}`;
    const handler = await digestHandler(url);
    const result = (await handler(scheduledEvent("2026-03-02T09:00:00Z"), context)) as { status: string; deliveryError?: string };
    expect(result.status).toBe("possibly-sent");
    expect(received).toBe(1);
    const output = captured.join("");
    expect(output).toContain("DigestPossiblySent");
    expect(output).toContain("it may have been posted");
    expectNoSecret(output, url);
    expectNoSecret(JSON.stringify(result), url);
  });

  it("Given an unreachable webhook (connection refused on every attempt), Then the error names the network failure but not the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
    const handler = await digestHandler(url);
    let error: unknown;
    try {
      await handler(scheduledEvent("2026-03-09T09:00:00Z"), context);
    } catch (e) {
      error = e;
    }
    expect(serialiseError(error)).toContain("ECONNREFUSED");
    expectNoSecret(captured.join(""), url);
    expectNoSecret(serialiseError(error), url);
  });

  it("Given a webhook URL that is not allowed (plain http off loopback, never contacted), Then the configuration error does not quote it", async () => {
    const url = `http://hooks.example.invalid${WEBHOOK_PATH}`;
    const handler = await digestHandler(url);
    let error: unknown;
    try {
      await handler(scheduledEvent("2026-03-16T09:00:00Z"), context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(captured.join(""), url);
    expectNoSecret(serialiseError(error), url);
  });

  it("Given a delivery that succeeds, Then the success log and metrics do not contain the URL either", async () => {
    behaviour = { kind: "answer", status: 200, body: "ok" };
    const url = `${slackBase}${WEBHOOK_PATH}`;
    const handler = await digestHandler(url);
    await handler(scheduledEvent("2026-03-23T09:00:00Z"), context);
    const output = captured.join("");
    expect(output).toContain("Digest sent");
    expect(output).toContain("DigestSent");
    expectNoSecret(output, url);
  });
});

// ---- the CLI's digest --send -----------------------------------------------------------------------

class Capture implements OutputStream {
  public text = "";
  public write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe("the CLI's `digest --send` with a failing delivery", () => {
  function cliIo(env: Record<string, string>): { io: CliIo; out: Capture; err: Capture } {
    const out = new Capture();
    const err = new Capture();
    return {
      out,
      err,
      io: {
        stdout: out,
        stderr: err,
        env,
        createClients: () => {
          throw new Error("no AWS in this test: the digest comes from the demo snapshot");
        },
        resolveRegion: async () => undefined,
      },
    };
  }

  it.each([
    ["400 invalid_blocks", { kind: "answer", status: 400, body: "invalid_blocks" }],
    ["an error body quoting the request URL back", { kind: "echo", status: 403 }],
    ["a connection reset", { kind: "reset" }],
  ] as [string, Behaviour][])("Given Slack answers %s to the URL from SLACK_WEBHOOK_URL or --webhook-url, Then exit code 1 and no trace of the URL on stdout or stderr", async (_name, b) => {
    behaviour = b;
    const url = `${slackBase}${WEBHOOK_PATH}`;
    for (const [args, env] of [
      [["digest", "--send", "--snapshot", DEMO], { SLACK_WEBHOOK_URL: url }],
      [["digest", "--send", "--snapshot", DEMO, "--webhook-url", url], {}],
    ] as [string[], Record<string, string>][]) {
      const { io, out, err } = cliIo(env);
      const code = await run(args, io);
      expect(code).toBe(1);
      expect(err.text).toContain("not sent");
      expectNoSecret(`${out.text}\n${err.text}\n${captured.join("")}`, url);
    }
  });
});
