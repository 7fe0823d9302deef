/**
 * Lambda artifacts: runs the project's bundle script (`npm run bundle` =
 * `node packages/functions/scripts/bundle.mjs`), finds every `dist/lambda/<name>/index.mjs` it wrote, and
 * for each one measures its size (raw and gzip) and its cold initialisation: a fresh `node` process with
 * a Lambda-like environment importing the bundle (cold-import.mjs), many times.
 *
 * The child processes get a clean environment (nothing inherited but PATH): dummy credentials, the
 * variables Lambda sets, the function's configured variables, and `AWS_ENDPOINT_URL` pointing at a
 * closed loopback port, so nothing an import might send can leave 127.0.0.1.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const COLD_IMPORT = join(here, "cold-import.mjs");
const RESULT_PREFIX = "BENCH_RESULT ";

/**
 * Where bundle scripts put their output, relative to the repository root, and the suffix of the bundles'
 * names in the report: `dist/lambda-traced` holds the evaluator as a stage with `evaluator.tracing: true`
 * deploys it (`npm run bundle -- --tracing evaluate`: with the Powertools Tracer and the X-Ray SDK).
 */
const BUNDLE_DIRS = [
  { dir: "dist/lambda", suffix: "" },
  { dir: "dist/lambda-traced", suffix: " (tracing on)" },
  { dir: "packages/functions/dist/lambda", suffix: "" },
];

/**
 * Median of a non-empty list.
 *
 * @param {number[]} values
 * @returns {number}
 */
export function median(values) {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs a command; resolves with its output, exit code and wall time. Killed after `timeoutMs`.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs: number }} options
 */
export function run(command, args, options) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, wallMs: performance.now() - started });
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}`, timedOut, wallMs: performance.now() - started });
    });
  });
}

/**
 * The environment of a Lambda execution environment for `name`, with dummy credentials and every AWS
 * endpoint on a closed loopback port.
 *
 * @param {string} name
 * @param {string} taskRoot
 * @returns {NodeJS.ProcessEnv}
 */
export function lambdaEnv(name, taskRoot) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    // What the Lambda service sets.
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIABENCHMARK0000001",
    AWS_SECRET_ACCESS_KEY: "bench-secret-access-key-00000000000000001",
    AWS_SESSION_TOKEN: "bench-session-token",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: `endpoint-auditor-bench-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/endpoint-auditor-bench-${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
    AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
    AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
    AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: "index.handler",
    // What the stacks configure (stacks/AuditorStack.ts, stacks/digest/Digest.ts, stacks/org/OrgDigest.ts);
    // a function ignores the others' variables.
    POWERTOOLS_SERVICE_NAME: "endpoint-auditor",
    POWERTOOLS_METRICS_NAMESPACE: "EndpointAuditor",
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_TRACE_ENABLED: "false",
    HISTORY_TABLE_NAME: "endpoint-auditor-bench-history",
    IDEMPOTENCY_TABLE_NAME: "endpoint-auditor-bench-idempotency",
    SLACK_WEBHOOK_PARAMETER_NAME: "/sst/endpoint-auditor/bench/Secret/SLACK_WEBHOOK_URL/value",
    CONFIG_AGGREGATOR_NAME: "endpoint-auditor-bench-org",
    ORG_STATE_TABLE_NAME: "endpoint-auditor-bench-org-state",
    CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-bench-",
    // Anything sent at import time goes nowhere but loopback.
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
  };
}

/**
 * Every `<dir>/<name>/index.mjs` under the known bundle directories.
 *
 * @param {string} root
 * @returns {{ name: string, file: string }[]}
 */
export function findBundles(root) {
  const out = [];
  for (const { dir, suffix } of BUNDLE_DIRS) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const file = join(base, name, "index.mjs");
      if (existsSync(file)) out.push({ name: `${name}${suffix}`, handler: name, file });
    }
  }
  return out;
}

/**
 * The packages that contribute most to a bundle, from the esbuild metafile the bundle script writes next
 * to it (`meta.json`), or undefined when there is none.
 *
 * @param {string} metafilePath
 * @param {number} top
 * @returns {{ package: string, bytes: number }[] | undefined}
 */
export function largestInputs(metafilePath, top = 5) {
  if (!existsSync(metafilePath)) return undefined;
  const meta = JSON.parse(readFileSync(metafilePath, "utf8"));
  const byPackage = new Map();
  for (const output of Object.values(meta.outputs ?? {})) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
      const path = input.replaceAll("\\", "/");
      // The last node_modules segment names the package (nested copies count as their own package).
      const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match ? match[1] : "(project)";
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => ({ package: name, bytes }));
}

/**
 * One cold import of `file` in a fresh process.
 *
 * @param {string} file
 * @param {NodeJS.ProcessEnv} env
 */
async function coldImport(file, env) {
  const r = await run(process.execPath, [COLD_IMPORT, file], { env, timeoutMs: 20_000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (r.timedOut) return { error: "the process did not exit within 20 s (something keeps the event loop alive)", processMs: r.wallMs };
  if (!line) return { error: `no result (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`, processMs: r.wallMs };
  const result = JSON.parse(line.slice(RESULT_PREFIX.length));
  return { ...result, processMs: r.wallMs, exitCode: r.code };
}

/**
 * Cold-import statistics over `runs` fresh processes.
 *
 * @param {string} file
 * @param {NodeJS.ProcessEnv} env
 * @param {number} runs
 */
async function coldStats(file, env, runs) {
  const imports = [];
  const ready = [];
  const processes = [];
  const errors = new Set();
  let exportType;
  for (let i = 0; i < runs; i++) {
    const r = await coldImport(file, env);
    if (r.error) {
      errors.add(r.error);
      continue;
    }
    if (r.exitCode !== 0) errors.add(`exit code ${r.exitCode}`);
    imports.push(r.importMs);
    ready.push(r.readyMs);
    processes.push(r.processMs);
    exportType = r.exportType;
  }
  if (imports.length === 0) return { runs, ok: 0, errors: [...errors] };
  return {
    runs,
    ok: imports.length,
    importMs: median(imports),
    importMinMs: Math.min(...imports),
    importMaxMs: Math.max(...imports),
    readyMs: median(ready),
    processMs: median(processes),
    handlerExport: exportType,
    errors: [...errors],
  };
}

/**
 * Builds the bundles and measures them.
 *
 * @param {{ root: string, runs: number, build: boolean, log: (line: string) => void }} options
 */
export async function runBundles(options) {
  const { root, runs, log } = options;
  const script = join(root, "packages/functions/scripts/bundle.mjs");
  const result = { build: undefined, baseline: undefined, bundles: [], error: undefined };
  if (options.build) {
    if (!existsSync(script)) {
      result.error = `${relative(root, script)} does not exist: \`npm run bundle\` cannot run`;
      return result;
    }
    log(`bundles: node ${relative(root, script)}`);
    const started = Date.now();
    const b = await run(process.execPath, [script], { cwd: root, env: process.env, timeoutMs: 300_000 });
    result.build = { command: "npm run bundle", exitCode: b.code, wallMs: b.wallMs, output: `${b.stdout}${b.stderr}`.trim().split("\n").slice(-20).join("\n") };
    if (b.code !== 0) {
      result.error = `npm run bundle failed (exit ${b.code}${b.timedOut ? ", timed out" : ""})`;
      return result;
    }
    log(`bundles: node ${relative(root, script)} --tracing evaluate`);
    const traced = await run(process.execPath, [script, "--tracing", "evaluate"], { cwd: root, env: process.env, timeoutMs: 300_000 });
    if (traced.code !== 0) {
      result.build.exitCode = traced.code;
      result.error = `npm run bundle -- --tracing evaluate failed (exit ${traced.code}${traced.timedOut ? ", timed out" : ""})`;
      return result;
    }
    result.build.startedAt = started;
  }

  const found = findBundles(root);
  if (found.length === 0) {
    result.error = `no bundle found (looked for ${BUNDLE_DIRS.map(({ dir }) => `${dir}/*/index.mjs`).join(", ")})`;
    return result;
  }

  log(`bundles: baseline (node importing an empty module) ×${runs}`);
  result.baseline = await coldStats("data:text/javascript,export const handler = () => {};", lambdaEnv("baseline", root), runs);

  for (const { name, handler, file } of found) {
    const bytes = readFileSync(file);
    const stale = result.build?.startedAt !== undefined && statSync(file).mtimeMs < result.build.startedAt - 1000;
    log(`bundles: ${name} cold import ×${runs}`);
    const cold = await coldStats(file, lambdaEnv(handler, dirname(file)), runs);
    result.bundles.push({
      name,
      file: relative(root, file),
      bytes: bytes.length,
      gzipBytes: gzipSync(bytes).length,
      stale,
      largest: largestInputs(join(dirname(file), "meta.json")),
      cold,
    });
  }
  return result;
}
