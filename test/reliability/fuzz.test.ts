/**
 * Bad input, fuzzed with fast-check (seeded, so every run checks the same cases): AWS Config events, rule
 * parameters, snapshot files and CLI argument arrays. The properties:
 *
 * - Config events: an event the parser refuses is refused with a typed error (a subclass of core's
 *   EndpointAuditorError) and makes no AWS call at all — in particular no PutEvaluations; an event it
 *   accepts fails, if it fails, only with typed errors too. Checked on `runConfigRule` (thousands of
 *   cases) and on the real Lambda handler with mocked SDK clients (hundreds).
 * - Rule parameters: accepted values are within the schema; anything else is a ParameterValidationError
 *   or UnknownRuleError.
 * - Snapshots (the demo snapshot mutated at random paths, arbitrary JSON, arbitrary text): a SnapshotError,
 *   or a result whose every evaluation AWS Config would accept — never another exception.
 * - CLI arguments: `run(argv, io)` in-process never throws, exits 0–3, and never reports an "unexpected
 *   error" (the CLI's word for an untyped crash); usage errors are one line with exit code 2.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ConfigServiceClient, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exampleEvent, type RawConfigEvent } from "@endpoint-auditor/core/testing";
import { parseConfigEvent, runConfigRule, type ConfigRunClients, prepareRules, EndpointAuditorError, ParameterValidationError, SnapshotError, UnknownRuleError, parseSnapshot, type ParameterSpec, RULES, evaluateSnapshot } from "@endpoint-auditor/core";
import { run } from "../../packages/cli/src/main";
import type { CliIo, OutputStream } from "../../packages/cli/src/io";
import { destroyClients, startFakeAws, type FakeAws, type FakeClients } from "../support/fake-aws";
import { ACCOUNT, quickClients } from "./support";

const SEED = 20_260_302;
const DEMO_PATH = fileURLToPath(new URL("../../packages/cli/demo/demo-account.json", import.meta.url));
const DEMO_TEXT = readFileSync(DEMO_PATH, "utf8");
const RULE_IDS = RULES.map((r) => r.metadata.id);
const PARAM_NAMES = [...new Set(RULES.flatMap((r) => Object.keys(r.metadata.parameters)))];
const HUGE = "x".repeat(1_000_000);
const COMPLIANCE = new Set(["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]);

/** A typed error of the project: what bad input may produce. */
function isTyped(error: unknown): boolean {
  return error instanceof EndpointAuditorError;
}

/** Any value as CLI text (objects without a prototype cannot go through String()). */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch {
    return "?";
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error);
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries

/** Values of the wrong kind, including the awkward ones. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308, "", " ", "null", "{}", "[]", HUGE, "\u0000", "💥", "__proto__", "constructor"),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** A value a rule parameter might be given: valid-looking text, numbers, lists, or nonsense. */
const paramValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1000, max: 100_000 }).map(String),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.constantFrom("s3", "dynamodb", "s3,dynamodb", "S3, DynamoDB", "ALL", "ACCEPT", "REJECT", "all", "s3,,", ",", "9007199254740993", "1e3", "0x10", " 30 ", "30.5", "-0"),
  weird,
);

/** Raw rule parameters as a Config rule's input parameters or the CLI's `--param` carry them. */
const rawParams: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(fc.constantFrom(...PARAM_NAMES), fc.string({ maxLength: 12 })),
  paramValue,
  { maxKeys: 4 },
);

const messageTypes = fc.constantFrom(
  "ScheduledNotification",
  "ConfigurationItemChangeNotification",
  "OversizedConfigurationItemChangeNotification",
  "ComplianceChangeNotification",
  "scheduledNotification",
  "",
);

/** An invokingEvent object: the documented ones with fields changed, or arbitrary JSON. */
function invokingEventArb(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const itemKeys = ["resourceType", "resourceId", "configurationItemStatus", "configurationItemCaptureTime", "awsRegion", "awsAccountId", "ARN"];
  const item = fc.record(
    Object.fromEntries(
      itemKeys.map((k) => [
        k,
        fc.oneof(
          fc.constantFrom("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::VPCEndpoint", "AWS::EC2::Instance", "vpc-0a1b2c3d", "OK", "ResourceDeleted", "ResourceDeletedNotRecorded", "2026-03-02T05:00:00.000Z", "not a date", "us-east-1", "us-east-2", ACCOUNT),
          weird,
        ),
      ]),
    ),
    { requiredKeys: [] },
  );
  return fc.oneof(
    fc.record({ ...Object.fromEntries(Object.keys(base).map((k) => [k, fc.constant(base[k])])), messageType: messageTypes }),
    fc.record({
      messageType: messageTypes,
      notificationCreationTime: fc.oneof(fc.constantFrom("2026-03-02T05:59:58.120Z", "yesterday", ""), weird),
      configurationItem: fc.oneof(item, weird),
      configurationItemSummary: fc.oneof(item, weird),
      awsAccountId: fc.oneof(fc.constant(ACCOUNT), weird),
    }, { requiredKeys: ["messageType"] }),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

/** The text of a JSON string field: valid JSON of the value, or broken JSON, or the value itself. */
function asJsonField(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: value.map((v) => JSON.stringify(v) ?? "undefined") },
    { weight: 1, arbitrary: value.map((v) => (JSON.stringify(v) ?? "").slice(0, -1)) },
    { weight: 1, arbitrary: value },
    { weight: 1, arbitrary: weird },
  );
}

/** A documented example event, mutated. */
const mutatedEvent: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.constantFrom("scheduled", "change", "oversized") as fc.Arbitrary<"scheduled" | "change" | "oversized">,
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...RULE_IDS) }, { weight: 1, arbitrary: fc.constantFrom("no-such-rule", "") }),
    fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: rawParams }),
  )
  .chain(([name, ruleId, params]) => {
    const base = exampleEvent(name) as unknown as Record<string, unknown>;
    const invoking = JSON.parse((base as unknown as RawConfigEvent).invokingEvent) as Record<string, unknown>;
    const keys = Object.keys(base);
    return fc.record({
      base: fc.constant(base),
      ruleParameters: fc.oneof({ weight: 3, arbitrary: fc.constant(JSON.stringify({ ruleId, ...params })) }, { weight: 2, arbitrary: asJsonField(fc.constant({ ruleId, ...params })) }),
      invokingEvent: fc.oneof({ weight: 3, arbitrary: fc.constant(JSON.stringify(invoking)) }, { weight: 3, arbitrary: asJsonField(invokingEventArb(invoking)) }),
      replaced: fc.oneof(fc.constant([] as [string, unknown][]), fc.array(fc.tuple(fc.constantFrom(...keys, "extra"), weird), { minLength: 1, maxLength: 2 })),
      removed: fc.oneof(fc.constant([] as string[]), fc.subarray(keys, { minLength: 1, maxLength: 2 })),
    });
  })
  .map(({ base, ruleParameters, invokingEvent, replaced, removed }) => {
    const event: Record<string, unknown> = { ...base, ruleParameters, invokingEvent };
    for (const [key, value] of replaced) event[key] = value;
    for (const key of removed) delete event[key];
    return event;
  });

// ---------------------------------------------------------------------------------------------------
// Config events through runConfigRule

interface Recorder {
  clients: ConfigRunClients;
  calls: string[];
}

/** Clients whose every call is recorded and refused (as an unreachable AWS would). */
function recordingClients(): Recorder {
  const calls: string[] = [];
  const refuse = (service: string) => ({
    send: async (command: { constructor: { name: string } }) => {
      calls.push(`${service}:${command.constructor.name}`);
      const error = new Error("refused by the fuzz test: no AWS here");
      error.name = "AccessDeniedException";
      throw error;
    },
  });
  return {
    calls,
    clients: { ec2: refuse("ec2"), cloudwatch: refuse("cloudwatch"), config: refuse("config") } as unknown as ConfigRunClients,
  };
}

/** Runs one event; returns what went wrong with it, or undefined when the property holds. */
async function checkEvent(event: unknown): Promise<string | undefined> {
  let refusedByParser: unknown;
  try {
    parseConfigEvent(event);
  } catch (error) {
    refusedByParser = error;
    if (!isTyped(error)) return `the parser threw an untyped ${describeError(error)}`;
  }
  const recorder = recordingClients();
  try {
    await runConfigRule({ event, clients: recorder.clients, region: "us-east-1", functionAccountId: ACCOUNT, now: new Date("2026-03-02T06:00:00Z"), writer: { sleep: async () => undefined } });
    if (refusedByParser) return "runConfigRule accepted an event the parser refuses";
  } catch (error) {
    if (!isTyped(error)) return `runConfigRule threw an untyped ${describeError(error)}`;
  }
  if (refusedByParser && recorder.calls.length > 0) return `a refused event made AWS calls: ${recorder.calls.join(", ")}`;
  return undefined;
}

describe("Config events (runConfigRule)", () => {
  it("Given 3,000 mutations of the documented example events (fields of the wrong type, removed, broken JSON strings, unknown rules, bad parameters, huge strings), Then only typed errors, and a refused event makes no AWS call", async () => {
    let refused = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(mutatedEvent, async (event) => {
        const problem = await checkEvent(event);
        try {
          parseConfigEvent(event);
          accepted++;
        } catch {
          refused++;
        }
        if (problem) throw new Error(problem);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // The generator must exercise both sides, or the property says little.
    expect(refused).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(100);
  });

  it("Given 2,000 arbitrary JSON values and JavaScript values as the event, Then only typed errors and no AWS call", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 2 }), weird), async (event) => {
        const problem = await checkEvent(event);
        if (problem) throw new Error(problem);
      }),
      { seed: SEED + 1, numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Config events through the real Lambda handler (mocked SDK clients)

describe("Config events (the Lambda handler, SDK clients mocked)", () => {
  const ec2 = mockClient(EC2Client);
  const cloudwatch = mockClient(CloudWatchClient);
  const config = mockClient(ConfigServiceClient);
  type Handler = (event: unknown, context: Context) => Promise<unknown>;
  let handler: Handler;
  let HandlerCoreError: typeof EndpointAuditorError = EndpointAuditorError;
  const typedErrorNames = new Set<string>();
  let restore: () => void = () => undefined;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "endpoint-auditor-test-evaluator",
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:endpoint-auditor-test-evaluator`,
    memoryLimitInMB: "1024",
    awsRequestId: "0b7c1e52-0c1b-4e0a-9d9f-3f0b8c1d2e3f",
    logGroupName: "/aws/lambda/endpoint-auditor-test-evaluator",
    logStreamName: "2026/03/02/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => 600_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } as Context;

  beforeAll(async () => {
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    vi.stubEnv("HISTORY_TABLE_NAME", "");
    vi.stubEnv("EVALUATIONS_TEST_MODE", "");
    // The documented examples' rule name, as if the stack had deployed it.
    vi.stubEnv("DEPLOYED_CONFIG_RULES", JSON.stringify({ "vpc-flow-logs-enabled": "periodic-config-rule" }));
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    restore = () => {
      out.mockRestore();
      err.mockRestore();
    };
    vi.resetModules();
    ({ handler } = (await import("../../packages/functions/src/evaluate")) as unknown as { handler: Handler });
    // The handler's module graph is fresh (resetModules): its errors are instances of its own core copy.
    const core = await import("@endpoint-auditor/core");
    HandlerCoreError = core.EndpointAuditorError;
    // Every error class core exports (the handler reports refusals by class name).
    for (const value of Object.values(core)) {
      if (typeof value === "function" && value.prototype instanceof HandlerCoreError) typedErrorNames.add(value.name);
    }
  });
  afterAll(() => {
    restore();
    ec2.restore();
    cloudwatch.restore();
    config.restore();
    vi.unstubAllEnvs();
  });

  it("Given 400 malformed events (mutated documented examples and arbitrary JSON), Then the invocation is refused (answered, so Lambda does not retry it) naming a typed error, and the SDK clients are never called", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: mutatedEvent }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }), async (event) => {
        try {
          parseConfigEvent(event);
          return; // a valid event: not this property's concern
        } catch {
          // malformed: the handler must refuse it the same way
        }
        checked++;
        ec2.reset();
        cloudwatch.reset();
        config.reset();
        let result: unknown;
        try {
          result = await handler(event, context);
        } catch (e) {
          throw new Error(`handler: expected a refusal, got a thrown ${describeError(e)} (Lambda would retry it)`);
        }
        const refused = result as { refused?: unknown; error?: unknown };
        if (refused.refused !== true || typeof refused.error !== "string" || !typedErrorNames.has(refused.error)) {
          throw new Error(`handler: expected a refusal naming a typed error, got ${JSON.stringify(result)}`);
        }
        const sent = ec2.calls().length + cloudwatch.calls().length + config.calls().length;
        if (sent > 0 || config.commandCalls(PutEvaluationsCommand).length > 0) throw new Error(`handler made ${sent} SDK calls for a malformed event`);
      }),
      { seed: SEED + 2, numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(200);
  });
});

// ---------------------------------------------------------------------------------------------------
// Rule parameters

function withinSchema(spec: ParameterSpec, value: unknown): boolean {
  switch (spec.type) {
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value) && value >= spec.minimum && (spec.maximum === undefined || value <= spec.maximum);
    case "enum":
      return value === undefined ? spec.default === undefined : typeof value === "string" && spec.values.includes(value);
    case "enumList":
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && spec.values.includes(v)) && new Set(value).size === value.length;
    case "stringList":
      return Array.isArray(value) && value.every((v) => typeof v === "string" && spec.pattern.test(v)) && new Set(value).size === value.length;
    case "boolean":
      return typeof value === "boolean";
  }
}

describe("Rule parameters", () => {
  it("Given 5,000 random parameter sets for random rule ids, Then each is accepted within its schema or refused with ParameterValidationError / UnknownRuleError naming the parameter", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...RULE_IDS, "no-such-rule", "Interface-Endpoint-In-Use"), rawParams, (ruleId, params) => {
        let prepared;
        try {
          prepared = prepareRules([{ ruleId, params }]);
        } catch (error) {
          refused++;
          if (error instanceof ParameterValidationError) {
            if (!(error.parameter in params) && error.parameter !== "(parameters)") throw new Error(`names ${error.parameter}, which was not given`);
            return;
          }
          if (error instanceof UnknownRuleError) {
            if (RULE_IDS.includes(ruleId)) throw new Error(`known rule ${ruleId} reported unknown`);
            return;
          }
          throw new Error(`untyped ${describeError(error)}`);
        }
        accepted++;
        const [{ rule, params: parsed }] = prepared as [(typeof prepared)[number]];
        for (const [name, spec] of Object.entries(rule.metadata.parameters)) {
          const value = (parsed as Record<string, unknown>)[name];
          if (!withinSchema(spec, value)) throw new Error(`${ruleId}.${name} accepted as ${JSON.stringify(value)}`);
        }
        for (const key of Object.keys(params)) {
          if (!(key in rule.metadata.parameters)) throw new Error(`unknown parameter ${key} accepted`);
        }
      }),
      { seed: SEED + 3, numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(1000);
  });
});

// ---------------------------------------------------------------------------------------------------
// Snapshots

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const DEMO = JSON.parse(DEMO_TEXT) as Json;

/** Sets (or deletes, with `undefined`) the value at a path chosen by `picks` in a copy of `root`. */
function mutateAt(root: Json, picks: readonly number[], value: Json | undefined): Json {
  const copy = structuredClone(root);
  let parent: Json = copy;
  let key: string | number | undefined;
  let node: Json = copy;
  for (const pick of picks) {
    if (Array.isArray(node) && node.length > 0) {
      parent = node;
      key = pick % node.length;
      node = node[key] as Json;
    } else if (node !== null && typeof node === "object" && Object.keys(node).length > 0) {
      const keys = Object.keys(node);
      parent = node;
      key = keys[pick % keys.length] as string;
      node = (node as Record<string, Json>)[key] as Json;
    } else break;
  }
  if (key === undefined) return value === undefined ? null : value;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(key as number, 1);
    else parent[key as number] = value;
  } else if (parent !== null && typeof parent === "object") {
    if (value === undefined) delete (parent as Record<string, Json>)[key as string];
    else (parent as Record<string, Json>)[key as string] = value;
  }
  return copy;
}

const jsonReplacement: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(null, "", "2026-13-45T99:99:99Z", -1, Number.MAX_VALUE, -Number.MAX_VALUE, [], {}, "available", "deleted", HUGE),
);

/** Checks a snapshot text end to end; returns the problem, or undefined. */
function checkSnapshotText(text: string): string | undefined {
  let snapshot;
  try {
    snapshot = parseSnapshot(text);
  } catch (error) {
    return error instanceof SnapshotError ? undefined : `parseSnapshot threw an untyped ${describeError(error)}`;
  }
  let result;
  try {
    result = evaluateSnapshot(snapshot);
  } catch (error) {
    return isTyped(error) ? undefined : `evaluateSnapshot threw an untyped ${describeError(error)}`;
  }
  for (const e of result.evaluations) {
    if (!COMPLIANCE.has(e.compliance)) return `compliance ${e.compliance}`;
    if (typeof e.annotation !== "string" || e.annotation.length < 1 || e.annotation.length > 256) return `annotation of ${String(e.annotation?.length)} characters`;
    if (typeof e.resourceId !== "string" || e.resourceId.length === 0) return "an evaluation without a resource id";
  }
  for (const e of result.errors) {
    if (typeof e.message !== "string" || e.message.length === 0) return "an error without a message";
    // Data that could not be read is an error, never a verdict next to it.
    const guessed = result.evaluations.some((v) => v.region === e.region && (e.ruleId === undefined || v.ruleId === e.ruleId));
    if (guessed) return `evaluations of ${e.ruleId ?? "every rule"} in ${e.region} next to the error "${e.message}"`;
  }
  return undefined;
}

describe("Snapshot files", () => {
  it("Given the demo snapshot, Then it evaluates cleanly (the base the mutations start from)", () => {
    expect(checkSnapshotText(DEMO_TEXT)).toBeUndefined();
    expect(evaluateSnapshot(parseSnapshot(DEMO_TEXT)).evaluations.length).toBeGreaterThan(10);
  });

  it("Given 1,500 mutations of the demo snapshot (values replaced or removed at random paths, up to 3 at once), Then a SnapshotError or a result Config would accept — never another exception", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), jsonReplacement), { minLength: 1, maxLength: 3 }), (mutations) => {
        let value = DEMO;
        for (const [picks, replacement] of mutations) value = mutateAt(value, picks, replacement);
        const problem = checkSnapshotText(JSON.stringify(value));
        if (problem) throw new Error(problem);
      }),
      { seed: SEED + 4, numRuns: 1500 },
    );
  });

  it("Given 2,000 arbitrary JSON documents and texts (truncated demo, random strings), Then only SnapshotError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json({ maxDepth: 4 }),
          fc.string({ maxLength: 200 }),
          fc.nat({ max: DEMO_TEXT.length }).map((n) => DEMO_TEXT.slice(0, n)),
          fc.record({ format: fc.constantFrom("endpoint-auditor/snapshot@1", "x"), accountId: fc.oneof(fc.constant(ACCOUNT), weird), capturedAt: fc.oneof(fc.constant("2026-03-02T06:00:00Z"), weird), regions: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }), weird) }).map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const problem = checkSnapshotText(text);
          if (problem) throw new Error(problem);
        },
      ),
      { seed: SEED + 5, numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// CLI arguments

class Capture implements OutputStream {
  public text = "";
  public isTTY = false;
  public write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe("CLI arguments (run(argv, io) in-process)", () => {
  let fake: FakeAws;
  let slack: Server;
  let slackUrl: string;
  let dir: string;
  const opened: FakeClients[] = [];

  beforeAll(async () => {
    const demo = parseSnapshot(DEMO_TEXT);
    fake = await startFakeAws({ seed: 5, data: { accountId: demo.accountId, regions: demo.regions } });
    // A local "Slack" that refuses every message, for `digest --send --webhook-url <loopback>`.
    slack = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(400, { "content-type": "text/plain" }).end("invalid_blocks"));
    });
    await new Promise<void>((resolve) => slack.listen(0, "127.0.0.1", resolve));
    const address = slack.address() as { port: number };
    slackUrl = `http://127.0.0.1:${address.port}/services/T0FUZZ000/B0FUZZ000/fuzzfuzzfuzzfuzzfuzzfuzz`;
    dir = mkdtempSync(join(tmpdir(), "endpoint-auditor-fuzz-"));
    writeFileSync(join(dir, "bad.json"), '{"format":"endpoint-auditor/snapshot@1","regions":[]}');
    writeFileSync(join(dir, "text.json"), "not json at all");
    mkdirSync(join(dir, "a-directory"));
  });
  afterAll(async () => {
    for (const c of opened.splice(0)) destroyClients(c);
    await fake.close();
    await new Promise<void>((resolve) => slack.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function io(): { io: CliIo; stdout: Capture; stderr: Capture } {
    const stdout = new Capture();
    const stderr = new Capture();
    return {
      stdout,
      stderr,
      io: {
        stdout,
        stderr,
        env: {},
        createClients: ({ region }) => {
          const c = quickClients(fake, region, { maxAttempts: 2 });
          opened.push(c);
          return c;
        },
        resolveRegion: async () => undefined,
      },
    };
  }

  /** Tokens without ':' — a free token can never be a URL with a scheme, so nothing leaves the machine. */
  const freeToken = fc.oneof(
    fc.string({ maxLength: 12 }).filter((s) => !s.includes(":")),
    fc.constantFrom("-", "--", "-x", "--=", "=", "us-east-1", "eu-west-1,us-east-1", "nowhere-1", "table", "json", "markdown", "text", "7", "-3", "0"),
  );
  const paths = () => fc.constantFrom(DEMO_PATH, join(dir, "bad.json"), join(dir, "text.json"), join(dir, "a-directory"), join(dir, "missing.json"), join(dir, "out.json"), join(dir, "no-dir", "x.json"), "");
  const valueOf: Record<string, () => fc.Arbitrary<string>> = {
    "--snapshot": paths,
    "--save-snapshot": paths,
    "--webhook-url": () => fc.constantFrom(slackUrl, "not a url", "", "ftp-like-but-no-scheme"),
    "--region": () => fc.oneof(fc.constantFrom("us-east-1", "eu-west-1", "us-east-1,eu-west-1", "moon-1", "", "US-EAST-1"), freeToken),
    "--rules": () => fc.oneof(fc.constantFrom(...RULE_IDS, RULE_IDS.join(","), "x"), freeToken),
    "--param": () => fc.oneof(fc.tuple(fc.constantFrom(...PARAM_NAMES, "nope", ""), fc.oneof(paramValue.map(text), freeToken)).map(([k, v]) => `${k}=${v}`), freeToken),
    "--format": () => fc.oneof(fc.constantFrom("table", "json", "markdown", "text", "xml"), freeToken),
    "--now": () => fc.oneof(fc.constantFrom("2026-03-02", "2026-03-02T06:00:00Z", "yesterday", "2026-02-30"), freeToken),
    "--profile": () => fc.oneof(fc.constantFrom("default", "audit", " "), freeToken),
    "--top-offenders": () => fc.oneof(fc.constantFrom("0", "1", "50", "51", "x"), freeToken),
    "--account-alias": () => freeToken,
    "--config-rule-prefix": () => freeToken,
  };
  const flags = ["--help", "-h", "--fail-on-noncompliant", "--preview", "--send", "--version", "-V"];
  const unit: fc.Arbitrary<string[]> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...Object.keys(valueOf)).chain((flag) => (valueOf[flag] as () => fc.Arbitrary<string>)().map((v) => [flag, v])) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.keys(valueOf)).chain((flag) => (valueOf[flag] as () => fc.Arbitrary<string>)().map((v) => [`${flag}=${v}`])) },
    { weight: 2, arbitrary: fc.constantFrom(...flags).map((f) => [f]) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.keys(valueOf)).map((f) => [f]) },
    { weight: 1, arbitrary: freeToken.map((t) => [t]) },
  );
  const argv: fc.Arbitrary<string[]> = fc
    .tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom("scan", "evaluate", "rules", "digest", "help") }, { weight: 1, arbitrary: freeToken }), fc.array(unit, { maxLength: 6 }))
    .map(([command, units]) => [command, ...units.flat()]);

  it("Given 1,500 random argument arrays over every command and flag, Then run() never throws, exits 0–3, never reports an unexpected error, and a usage error is one line with exit code 2", async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const { io: cli, stderr } = io();
        let code: number;
        try {
          code = await run(args, cli);
        } catch (error) {
          throw new Error(`run(${JSON.stringify(args)}) threw ${describeError(error)}`);
        }
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (![0, 1, 2, 3].includes(code)) throw new Error(`exit code ${code}`);
        if (stderr.text.includes("unexpected error")) throw new Error(`run(${JSON.stringify(args)}): ${stderr.text.slice(0, 500)}`);
        if (code === 2 && args.length > 0 && !stderr.text.startsWith("endpoint-auditor: ") && !stderr.text.startsWith("Usage")) {
          throw new Error(`exit 2 without a usage line: ${JSON.stringify(stderr.text.slice(0, 200))}`);
        }
        if (code === 2 && stderr.text.startsWith("endpoint-auditor: ") && stderr.text.trimEnd().split("\n").length !== 1) {
          throw new Error(`a usage error of several lines: ${stderr.text.slice(0, 500)}`);
        }
      }),
      { seed: SEED + 6, numRuns: 1500 },
    );
    // Both the usage path and real runs were exercised.
    expect(codes.get(2) ?? 0).toBeGreaterThan(300);
    expect((codes.get(0) ?? 0) + (codes.get(1) ?? 0) + (codes.get(3) ?? 0)).toBeGreaterThan(50);
  });
});
