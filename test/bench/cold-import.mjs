#!/usr/bin/env node
/**
 * One cold initialisation: this fresh node process imports one module (a Lambda bundle) and reports how
 * long `await import()` took, measured here with `performance.now()`, and how long after the process
 * started the module was ready (`performance.now()` counts from the process's time origin).
 *
 *   node test/bench/cold-import.mjs <path/to/index.mjs> [exportName]
 *
 * Prints one line `BENCH_RESULT <json>`. The parent (bundles.mjs) runs it many times with a Lambda-like
 * environment and also times the whole process.
 */
import { pathToFileURL } from "node:url";

const [file, exportName = "handler"] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: node cold-import.mjs <module> [exportName]\n");
  process.exit(2);
}

const url = file.startsWith("data:") ? file : pathToFileURL(file).href;
const started = performance.now();
let error;
let exportType;
try {
  const mod = await import(url);
  exportType = typeof mod[exportName];
} catch (e) {
  error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
const importMs = performance.now() - started;
const readyMs = performance.now();
process.stdout.write(`BENCH_RESULT ${JSON.stringify({ importMs, readyMs, startMs: started, exportType, error })}\n`);
