#!/usr/bin/env node
/**
 * Long-run heap benchmark of the Config rule Lambda (`npm run soak`): 1,000 consecutive invocations of the
 * real handler module (packages/functions/src/evaluate.ts: middy + Powertools Logger / Metrics / Tracer,
 * core's runConfigRule, the findings-history recording) in ONE process, as a warm Lambda container runs
 * them, with the AWS SDK clients mocked by aws-sdk-client-mock (EC2 and CloudWatch answer a synthetic
 * inventory, Config accepts every evaluation, DynamoDB accepts every history write).
 *
 * It prints heap used (after a forced full GC) before the first invocation, after a warm-up, every 100
 * invocations and at the end, and exits 1 when the heap grew by more than the bound (default 10 MB)
 * between the end of the warm-up and the end. It is a benchmark, not a test: `npm test` never runs it.
 *
 * How: the handler is TypeScript, so this script bundles a small entry (the handler module, the mocks and
 * the synthetic inventory, all of it TypeScript from this repository) with esbuild into
 * packages/functions/node_modules/.cache/endpoint-auditor-soak/ (so the functions package's own dependencies resolve) and imports it; npm packages stay external, so the handler's
 * SDK clients and the mocks share the same SDK classes. Garbage collection is forced with
 * `node --expose-gc`; without that flag the script re-runs itself with it.
 *
 *   npm run soak                                  # 1,000 invocations, bound 10 MB
 *   node test/reliability/soak.mjs --invocations 2000 --bound-mb 5 --vpcs 60
 */
import { spawnSync } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../..");

if (typeof globalThis.gc !== "function") {
  // Re-run with the flag (works for `npm run soak`, which starts plain `node`).
  const child = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

const { values: flags } = parseArgs({
  options: {
    invocations: { type: "string", default: "1000" },
    warmup: { type: "string", default: "50" },
    "bound-mb": { type: "string", default: "10" },
    every: { type: "string", default: "100" },
    vpcs: { type: "string", default: "40" },
    endpoints: { type: "string", default: "200" },
  },
});
const INVOCATIONS = Number(flags.invocations);
const WARMUP = Number(flags.warmup);
const BOUND_MB = Number(flags["bound-mb"]);
const EVERY = Number(flags.every);
for (const [name, n] of Object.entries({ INVOCATIONS, WARMUP, BOUND_MB, EVERY })) {
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`soak: ${name} must be a positive number`);
    process.exit(2);
  }
}

// ---- the bundled entry -------------------------------------------------------------------------------

const ENTRY = `
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { RULES, resourceCount } from "@endpoint-auditor/core";
import { InventoryBuilder, serveInventory, syntheticRegion } from "@endpoint-auditor/core/testing";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
/** Every registered rule, invoked in turn. */
export const RULE_IDS = RULES.map((r) => r.metadata.id);

/** Mocks every client the evaluator builds, answering from one synthetic region. Returns a history reset. */
export function installMocks(options) {
  const raw = syntheticRegion({ seed: 77, region: REGION, accountId: ACCOUNT, now: options.now, vpcs: options.vpcs, interfaceEndpoints: options.endpoints });
  // Every list of the part table and every endpoint metric, served as the APIs page them.
  const builder = new InventoryBuilder({ region: REGION, accountId: ACCOUNT, now: options.now }).importRaw(raw).metrics({ lookbackDays: 90 });
  const ec2 = mockClient(EC2Client);
  const cloudwatch = mockClient(CloudWatchClient);
  serveInventory(ec2, cloudwatch, builder);

  const config = mockClient(ConfigServiceClient);
  let evaluationsWritten = 0;
  config.on(PutEvaluationsCommand).callsFake((input) => {
    evaluationsWritten += input.Evaluations.length;
    return { FailedEvaluations: [] };
  });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });

  const dynamo = mockClient(DynamoDBDocumentClient);
  let historyWrites = 0;
  dynamo.on(BatchGetCommand).callsFake((input) => ({ Responses: Object.fromEntries(Object.keys(input.RequestItems).map((t) => [t, []])), UnprocessedKeys: {} }));
  dynamo.on(BatchWriteCommand).callsFake((input) => {
    for (const items of Object.values(input.RequestItems)) historyWrites += items.length;
    return { UnprocessedItems: {} };
  });
  let heartbeats = 0;
  dynamo.on(UpdateCommand).callsFake(() => {
    heartbeats += 1;
    return {};
  });

  return {
    resources: resourceCount(raw),
    counts: () => ({ evaluationsWritten, historyWrites, heartbeats }),
    // The mocks record every call (sinon); a Lambda's clients do not. Forget the records between
    // invocations so the harness itself does not grow.
    resetHistory: () => {
      for (const m of [ec2, cloudwatch, config, dynamo]) m.resetHistory();
    },
  };
}

export async function loadHandler() {
  return (await import("./packages/functions/src/evaluate")).handler;
}
`;

async function buildEntry() {
  const { build } = await import("esbuild");
  const outdir = path.join(ROOT, "packages/functions/node_modules/.cache/endpoint-auditor-soak");
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const outfile = path.join(outdir, "soak-entry.mjs");
  // npm packages stay external (resolved from the repository's node_modules at run time), so the handler
  // and the mocks share one copy of each SDK client class; this repository's TypeScript (the handler,
  // core) is bundled — the repository's settings for such tools (esbuild.config.mjs).
  const { TOOL_ESBUILD_OPTIONS } = await import("../../esbuild.config.mjs");
  await build({
    ...TOOL_ESBUILD_OPTIONS,
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: "soak-entry.ts", loader: "ts" },
    outfile,
    splitting: false,
    logLevel: "warning",
  });
  return outfile;
}

// ---- the run -----------------------------------------------------------------------------------------

const MB = 1024 * 1024;

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function mb(bytes) {
  return (bytes / MB).toFixed(2);
}

function context(i) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "endpoint-auditor-soak-evaluator",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:endpoint-auditor-soak-evaluator",
    memoryLimitInMB: "1024",
    awsRequestId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    logGroupName: "/aws/lambda/endpoint-auditor-soak-evaluator",
    logStreamName: "2026/03/02/[$LATEST]soak",
    getRemainingTimeInMillis: () => 600_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function event(ruleIds, i, now) {
  const ruleId = ruleIds[i % ruleIds.length];
  return {
    invokingEvent: JSON.stringify({ awsAccountId: "123456789012", notificationCreationTime: now.toISOString(), messageType: "ScheduledNotification", recordVersion: "1.0" }),
    ruleParameters: JSON.stringify({ ruleId }),
    resultToken: `soak-result-token-${i}`,
    eventLeftScope: false,
    executionRoleArn: "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
    configRuleArn: `arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-${i % ruleIds.length}`,
    configRuleName: `endpoint-auditor-soak-${ruleId}`,
    configRuleId: `config-rule-${i % ruleIds.length}`,
    accountId: "123456789012",
    version: "1.0",
  };
}

async function main() {
  process.env.AWS_REGION = "eu-west-1";
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = "on-demand";
  process.env.HISTORY_TABLE_NAME = "soak-history";
  process.env.AWS_ACCESS_KEY_ID = "AKIASOAKTEST00000000";
  process.env.AWS_SECRET_ACCESS_KEY = "soak";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

  const out = process.stdout.write.bind(process.stdout);
  const print = (line) => out(`${line}\n`);
  const started = performance.now();
  const entry = await buildEntry();
  const { installMocks, loadHandler, RULE_IDS } = await import(pathToFileURL(entry).href);
  // As the stack sets it: the Config rules the evaluator serves (any other is refused).
  process.env.DEPLOYED_CONFIG_RULES = JSON.stringify(Object.fromEntries(RULE_IDS.map((id) => [id, `endpoint-auditor-soak-${id}`])));
  const now = new Date();
  const mocks = installMocks({ now, vpcs: Number(flags.vpcs), endpoints: Number(flags.endpoints) });

  // Powertools writes a JSON log line and an EMF blob per invocation: count them, keep the terminal quiet.
  let linesSwallowed = 0;
  const swallow = (chunk) => {
    linesSwallowed += String(chunk).split("\n").length - 1;
    return true;
  };
  process.stdout.write = swallow;
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = swallow;

  const samples = [];
  let failures = 0;
  let lastError;
  const invoke = async (handler, i) => {
    mocks.resetHistory();
    try {
      const result = await handler(event(RULE_IDS, i, now), context(i));
      // A refused event (answered without a retry) is a failure of the soak too.
      if (result?.refused) throw new Error(`refused: ${result.error}: ${result.message}`);
    } catch (error) {
      failures++;
      lastError = error;
    }
  };

  try {
    const before = heapUsed();
    const handler = await loadHandler();
    print(`soak: ${INVOCATIONS} invocations of the evaluate handler (rules in turn), ${mocks.resources} resources per region, bound ${BOUND_MB} MB`);
    print(`soak: heap before the first invocation: ${mb(before)} MB`);
    for (let i = 0; i < WARMUP; i++) await invoke(handler, i);
    const baseline = heapUsed();
    samples.push({ n: 0, heap: baseline });
    print(`soak: heap after ${WARMUP} warm-up invocations (baseline): ${mb(baseline)} MB`);
    for (let i = 1; i <= INVOCATIONS; i++) {
      await invoke(handler, WARMUP + i);
      if (i % EVERY === 0 || i === INVOCATIONS) {
        const heap = heapUsed();
        samples.push({ n: i, heap });
        print(`soak: after ${String(i).padStart(5)} invocations: ${mb(heap)} MB (${heap >= baseline ? "+" : ""}${mb(heap - baseline)} MB)`);
      }
    }
  } finally {
    process.stdout.write = out;
    process.stderr.write = errWrite;
  }

  const baseline = samples[0].heap;
  const end = samples[samples.length - 1].heap;
  const growth = end - baseline;
  const peak = Math.max(...samples.map((s) => s.heap));
  // Least-squares slope over the samples, per 1,000 invocations: a leak shows as a steady slope.
  const xs = samples.map((s) => s.n);
  const ys = samples.map((s) => s.heap);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((a, x, k) => a + (x - mx) * (ys[k] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const { evaluationsWritten, historyWrites, heartbeats } = mocks.counts();

  print(`soak: end ${mb(end)} MB, growth ${growth >= 0 ? "+" : ""}${mb(growth)} MB (peak ${mb(peak)} MB), trend ${(slope * 1000) / MB >= 0 ? "+" : ""}${((slope * 1000) / MB).toFixed(2)} MB per 1,000 invocations`);
  print(`soak: ${INVOCATIONS + WARMUP} invocations, ${failures} failed, ${evaluationsWritten} evaluations written, ${historyWrites} history items written, ${heartbeats} heartbeats, ${linesSwallowed} log/metric lines, ${((performance.now() - started) / 1000).toFixed(1)} s`);

  if (failures > 0) {
    print(`soak: FAIL — ${failures} invocations failed; last error: ${lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError)}`);
    return 1;
  }
  if (evaluationsWritten === 0) {
    print("soak: FAIL — nothing was evaluated; the run measured nothing");
    return 1;
  }
  if (growth > BOUND_MB * MB) {
    print(`soak: FAIL — heap grew ${mb(growth)} MB, more than the ${BOUND_MB} MB bound`);
    return 1;
  }
  print(`soak: OK — growth within ${BOUND_MB} MB`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
