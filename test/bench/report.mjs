/**
 * Targets and the printed table of the benchmark. Pure functions over the suites' results.
 */

/** The targets the README states (issue 6). */
export const TARGETS = {
  /** Evaluating the ~100k-resource inventory (parse + every registered rule), median. */
  evaluate100kMs: 500,
  /** Time growth from ~10k to ~100k resources, relative to the resource growth (1 = linear). */
  growthOverLinear: 1.5,
  /** Each handler bundle, KB of 1024 bytes. */
  bundleKb: 600,
  /** Cold `await import()` of a handler bundle, median. */
  coldImportMs: 150,
  /** Evaluations of one region every output path must carry without crashing (issue 15). */
  sizeEvaluations: 1_000_000,
};

const KB = 1024;
const nf = new Intl.NumberFormat("en-US");

/** @param {number} n */
const int = (n) => nf.format(Math.round(n));
/** @param {number} ms */
function ms(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
/** @param {number} n */
const kb = (n) => `${(n / KB).toFixed(1)} KB`;
/** @param {number} n */
function short(n) {
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

/**
 * @typedef {{ suite: string, case: string, measured: string, target: string, ok: boolean | null }} Row
 */

/**
 * Rows of the evaluation-scale suite.
 *
 * @param {any[]} results one per size, ascending
 * @returns {{ rows: Row[], growth: any }}
 */
export function scaleRows(results) {
  /** @type {Row[]} */
  const rows = [];
  const largest = results.at(-1);
  for (const r of results) {
    if (r.error) {
      rows.push({ suite: "scale", case: `~${short(r.target)} resources`, measured: `failed: ${r.error}`, target: "runs", ok: false });
      continue;
    }
    const rules = Object.keys(r.byRule).length;
    const heap = r.retainedHeapMb !== undefined ? `, inventory ${r.retainedHeapMb.toFixed(0)} MB` : "";
    const is100k = r.target === 100_000;
    const clean = r.errors.length === 0;
    rows.push({
      suite: "scale",
      case: `${int(r.resources)} resources (${int(r.vpcs)} VPCs)`,
      measured:
        `parse ${ms(r.parseMs)} + evaluate ${ms(r.evaluateMs)} = ${ms(r.totalMs)}; ${int(r.evaluations)} evaluations; ` +
        `RSS peak ${int(r.peakRssMb)} MB (raw data ${int(r.rssAfterGenerateMb)} MB)${heap}` +
        (clean ? "" : `; NOT EVALUATED: ${r.errors.join("; ")}`),
      target: is100k ? `< ${ms(TARGETS.evaluate100kMs)}, ${r.registeredRules} rules` : `${r.registeredRules} rules evaluate`,
      ok: clean && rules === r.registeredRules && (!is100k || r.totalMs < TARGETS.evaluate100kMs),
    });
  }
  let growth;
  const ok = results.filter((r) => !r.error);
  if (ok.length >= 2) {
    const a = ok.at(-2);
    const b = ok.at(-1);
    const timeRatio = b.totalMs / a.totalMs;
    const resourceRatio = b.resources / a.resources;
    const overLinear = timeRatio / resourceRatio;
    growth = { from: a.target, to: b.target, timeRatio, resourceRatio, overLinear };
    rows.push({
      suite: "scale",
      case: `growth ~${short(a.target)} → ~${short(b.target)}`,
      measured: `time ×${timeRatio.toFixed(1)} for resources ×${resourceRatio.toFixed(1)} (${overLinear.toFixed(2)} × linear)`,
      target: `≈ ×${resourceRatio.toFixed(0)} (≤ ${TARGETS.growthOverLinear} × linear)`,
      ok: overLinear <= TARGETS.growthOverLinear,
    });
  }
  if (largest && !largest.error && largest.target !== 100_000) {
    rows.push({ suite: "scale", case: "(quick mode: no 100k size)", measured: "", target: "", ok: null });
  }
  return { rows, growth };
}

/**
 * The row of the ~100k case run again under the Lambda runtime's Node (the evaluator runs on nodejs22.x; the
 * table's other rows run on the Node that runs the benchmark). `result` undefined: that Node is not installed.
 *
 * @param {any} result the scale case's result, or undefined
 * @param {string} version e.g. "22.23.5"
 * @param {string} install how to install it
 * @returns {Row}
 */
export function runtimeScaleRow(result, version, install) {
  const name = `~100k resources, Node ${version} (Lambda runtime)`;
  if (result === undefined) return { suite: "scale", case: name, measured: `not run: Node ${version} is not installed (${install})`, target: "", ok: null };
  if (result.error) return { suite: "scale", case: name, measured: `failed: ${result.error}`, target: "runs", ok: false };
  const clean = result.errors.length === 0;
  return {
    suite: "scale",
    case: name,
    measured:
      `parse ${ms(result.parseMs)} + evaluate ${ms(result.evaluateMs)} = ${ms(result.totalMs)}; ${int(result.evaluations)} evaluations` +
      (clean ? "" : `; NOT EVALUATED: ${result.errors.join("; ")}`),
    target: `< ${ms(TARGETS.evaluate100kMs)}, ${result.registeredRules} rules`,
    ok: clean && Object.keys(result.byRule).length === result.registeredRules && result.totalMs < TARGETS.evaluate100kMs,
  };
}

/** @param {string} key `Service:Action` */
const apiName = (key) => key.replace(/^(EC2|CloudWatch):/, "");

/**
 * Rows of the AWS-calls suite.
 *
 * @param {any[]} results one per account size, ascending
 * @returns {Row[]}
 */
export function callsRows(results) {
  /** @type {Row[]} */
  const rows = [];
  const ok = results.filter((r) => !r.error);
  for (const r of results) {
    if (r.error) {
      rows.push({ suite: "calls", case: `${int(r.vpcs)} VPCs`, measured: `failed: ${r.error}`, target: "runs", ok: false });
      continue;
    }
    const items = Object.values(r.items).reduce((a, b) => a + b, 0);
    const atFloor = r.totalCalls === r.floor.total && Object.keys({ ...r.floor.byApi, ...r.calls }).every((k) => (r.calls[k] ?? 0) === (r.floor.byApi[k] ?? 0));
    rows.push({
      suite: "calls",
      case: `${int(r.vpcs)} VPCs: ${int(items)} items, ${int(r.meteredEndpoints)} metered endpoints`,
      measured:
        `${int(r.totalCalls)} calls (floor ${int(r.floor.total)})` +
        (r.stableAcrossRuns ? "" : "; calls differ between runs") +
        (r.complete ? "; every item collected" : `; INCOMPLETE: ${r.problems.slice(0, 3).join("; ")}`),
      target: "calls = floor",
      ok: atFloor && r.complete && r.stableAcrossRuns,
    });
    const lists = Object.keys(r.items).length;
    rows.push({
      suite: "calls",
      case: `${int(r.vpcs)} VPCs: wall time`,
      measured:
        `${ms(r.wallMs)} = ${r.latencyRounds.toFixed(1)} × ${r.latencyMs} ms (longest chain ${r.floor.criticalPath}; ` +
        `sequential ≥ ${ms(r.sequentialMs)}); ${r.listsInFlight} lists in flight; CPU client ${ms(r.clientCpuMs)}, server ${ms(r.serverCpuMs)}`,
      target: `${lists} lists at once`,
      ok: r.listsInFlight >= lists,
    });
  }
  if (ok.length > 0) {
    rows.push({ suite: "calls", case: `by API, for ${ok.map((r) => int(r.vpcs)).join(" / ")} VPCs:`, measured: "", target: "", ok: null });
    const apis = [...new Set(ok.flatMap((r) => [...Object.keys(r.floor.byApi), ...Object.keys(r.calls)]))];
    for (const api of apis) {
      const got = ok.map((r) => r.calls[api] ?? 0);
      const floor = ok.map((r) => r.floor.byApi[api] ?? 0);
      rows.push({
        suite: "calls",
        case: `  ${apiName(api)}`,
        measured: got.map(int).join(" / "),
        target: `floor ${floor.map(int).join(" / ")}`,
        ok: got.every((n, i) => n === floor[i]),
      });
    }
  }
  return rows;
}

const SIZE_PATH_NAMES = {
  scan: "scan (scanAccounts)",
  evaluate: "evaluate (evaluateSnapshotSet)",
  json: "evaluate + JSON renderer (writeJson)",
  config: "Config path (runConfigRule + history)",
};

/**
 * Rows of the size suite: each path must produce every evaluation it was given (a stack overflow or an
 * out-of-memory is a failed case).
 *
 * @param {any[]} results one per path
 * @returns {Row[]}
 */
export function sizeRows(results) {
  /** @type {Row[]} */
  const rows = [];
  for (const r of results) {
    const name = SIZE_PATH_NAMES[r.path] ?? r.path;
    const target = `${int(r.target)} evaluations, no crash`;
    if (r.error) {
      rows.push({ suite: "size", case: name, measured: `failed: ${r.error}`, target, ok: false });
      continue;
    }
    const d = r.details ?? {};
    const extra = [
      d.jsonMb !== undefined ? `${int(d.jsonMb)} MB of JSON in ${int(d.chunks)} writes` : undefined,
      d.putEvaluationsCalls !== undefined ? `${int(d.putEvaluationsCalls)} PutEvaluations, ${int(d.batchWriteItemCalls)} BatchWriteItem` : undefined,
      d.ec2Calls !== undefined ? `${int(d.ec2Calls)} EC2 calls` : undefined,
    ].filter(Boolean);
    rows.push({
      suite: "size",
      case: name,
      measured:
        `${int(r.evaluations)} evaluations in ${ms(r.ms)}; RSS peak ${int(r.peakRssMb)} MB (raw data ${int(r.rssAfterGenerateMb)} MB)` +
        (extra.length > 0 ? `; ${extra.join(", ")}` : ""),
      target,
      ok: r.evaluations === r.target,
    });
  }
  if (results.length > 0 && results.every((r) => r.target < TARGETS.sizeEvaluations)) {
    rows.push({ suite: "size", case: `(quick mode: ${int(results[0].target)} evaluations)`, measured: "", target: "", ok: null });
  }
  return rows;
}

/**
 * Rows of the Lambda-artifacts suite.
 *
 * @param {any} result
 * @returns {Row[]}
 */
export function bundleRows(result) {
  /** @type {Row[]} */
  const rows = [];
  if (result.error && result.bundles.length === 0) {
    rows.push({ suite: "bundles", case: "npm run bundle", measured: result.error, target: "builds", ok: false });
    return rows;
  }
  if (result.build) {
    rows.push({
      suite: "bundles",
      case: "npm run bundle",
      measured: `${result.bundles.length} bundle${result.bundles.length === 1 ? "" : "s"} in ${ms(result.build.wallMs)}`,
      target: "builds",
      ok: result.build.exitCode === 0,
    });
  }
  const b = result.baseline;
  if (b?.importMs !== undefined) {
    rows.push({
      suite: "bundles",
      case: "baseline: empty module",
      measured: `import ${ms(b.importMs)}; ready ${ms(b.readyMs)} after node start; process ${ms(b.processMs)}`,
      target: "",
      ok: null,
    });
  }
  for (const x of result.bundles) {
    rows.push({
      suite: "bundles",
      case: `${x.name}: size`,
      measured:
        `${kb(x.bytes)} (gzip ${kb(x.gzipBytes)})` +
        (x.largest ? `; top: ${x.largest.slice(0, 3).map((l) => `${l.package} ${Math.round(l.bytes / KB)}`).join(", ")} KB` : "") +
        (x.stale ? "; STALE: not rebuilt by this run" : ""),
      target: `< ${TARGETS.bundleKb} KB`,
      ok: x.bytes < TARGETS.bundleKb * KB && !x.stale,
    });
    const c = x.cold;
    if (c.importMs === undefined) {
      rows.push({ suite: "bundles", case: `${x.name}: cold import`, measured: `failed: ${c.errors.join("; ")}`, target: `< ${TARGETS.coldImportMs} ms`, ok: false });
      continue;
    }
    const problems = [...c.errors];
    if (c.handlerExport !== "function") problems.push(`export "handler" is ${c.handlerExport}`);
    if (c.ok < c.runs) problems.push(`${c.runs - c.ok} of ${c.runs} runs failed`);
    rows.push({
      suite: "bundles",
      case: `${x.name}: cold import (median of ${c.ok})`,
      measured:
        `${ms(c.importMs)} (${ms(c.importMinMs)}–${ms(c.importMaxMs)}); ` +
        `ready ${ms(c.readyMs)} after node start; process ${ms(c.processMs)}` +
        (problems.length > 0 ? `; ${problems.join("; ")}` : ""),
      target: `< ${TARGETS.coldImportMs} ms`,
      ok: c.importMs < TARGETS.coldImportMs && problems.length === 0,
    });
  }
  if (result.error) rows.push({ suite: "bundles", case: "error", measured: result.error, target: "", ok: false });
  return rows;
}

/**
 * Aligns rows into a text table.
 *
 * @param {Row[]} rows
 * @returns {string}
 */
export function formatTable(rows) {
  const header = ["Suite", "Case", "Measured", "Target", ""];
  const cells = rows.map((r) => [r.suite, r.case, r.measured, r.target, r.ok === null ? "" : r.ok ? "✔" : "✘"]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(header), widths.map((w) => "─".repeat(w)).join("  ")];
  let suite;
  for (const c of cells) {
    if (suite !== undefined && c[0] !== suite) out.push("");
    suite = c[0];
    out.push(line(c));
  }
  return out.join("\n");
}
