#!/usr/bin/env node
/**
 * Bundles every Lambda handler exactly as it is deployed: esbuild, minified ESM for Node.js 22, with
 * everything inside (the AWS SDK included — the runtime's copy is not relied on), with the settings and
 * plugins of the repository's `esbuild.config.mjs` that the stacks use too. Every top-level
 * `packages/functions/src/*.ts` that is not a test is a handler and becomes
 * `dist/lambda/<name>/index.mjs` (export `handler`), with `meta.json` (esbuild's metafile) next to it so
 * sizes can be measured.
 *
 *   npm run bundle                       # all handlers, as the default settings deploy them
 *   npm run bundle -- evaluate           # only the named ones
 *   npm run bundle -- --tracing evaluate # as a stage with `evaluator.tracing: true` deploys them
 *                                        # (with the X-Ray SDK), into dist/lambda-traced/
 */
import { readdir, mkdir, writeFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { lambdaEsbuildOptions } from "../../../esbuild.config.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FUNCTIONS_SRC = path.resolve(here, "../src");
export const REPO_ROOT = path.resolve(here, "../../..");
export const DEFAULT_OUTDIR = path.join(REPO_ROOT, "dist/lambda");
/** Where `--tracing` bundles go. */
export const TRACED_OUTDIR = path.join(REPO_ROOT, "dist/lambda-traced");

/** The handler names: top-level `.ts` files of `src/` that are not tests or declarations. */
export async function discoverHandlers(srcDir = FUNCTIONS_SRC) {
  const entries = await readdir(srcDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts"))
    .map((e) => e.name.slice(0, -".ts".length))
    .sort();
}

/** The esbuild options of one handler (`tracing`: as a stage with `evaluator.tracing: true` builds it). */
export function buildOptions(name, { srcDir = FUNCTIONS_SRC, outdir = DEFAULT_OUTDIR, tracing = false } = {}) {
  return {
    ...lambdaEsbuildOptions({ tracing }),
    entryPoints: [path.join(srcDir, `${name}.ts`)],
    outfile: path.join(outdir, name, "index.mjs"),
    metafile: true,
    logLevel: "warning",
    absWorkingDir: REPO_ROOT,
  };
}

/**
 * Bundles the named handlers (all discovered ones by default).
 *
 * @returns one entry per handler: name, output file, its size in bytes, and the metafile.
 */
export async function bundleHandlers({ names, srcDir = FUNCTIONS_SRC, tracing = false, outdir = tracing ? TRACED_OUTDIR : DEFAULT_OUTDIR } = {}) {
  const all = await discoverHandlers(srcDir);
  const chosen = names && names.length > 0 ? names : all;
  for (const name of chosen) {
    if (!all.includes(name)) throw new Error(`No handler "${name}" in ${srcDir} (handlers: ${all.join(", ") || "none"})`);
  }
  const results = [];
  for (const name of chosen) {
    const options = buildOptions(name, { srcDir, outdir, tracing });
    const result = await build(options);
    await mkdir(path.dirname(options.outfile), { recursive: true });
    const metafilePath = path.join(path.dirname(options.outfile), "meta.json");
    await writeFile(metafilePath, JSON.stringify(result.metafile));
    const { size } = await stat(options.outfile);
    results.push({ name, outfile: options.outfile, metafilePath, bytes: size, metafile: result.metafile });
  }
  return results;
}

/** The largest packages of a bundle, by bytes of output they contribute. */
export function largestPackages(metafile, top = 5) {
  const byPackage = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.replaceAll("\\", "/"));
      const key = match ? match[1] : "(project)";
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const names = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const results = await bundleHandlers({ names, tracing: process.argv.includes("--tracing") });
  for (const r of results) {
    console.log(`${path.relative(REPO_ROOT, r.outfile)}  ${kib(r.bytes)}`);
    for (const [pkg, bytes] of largestPackages(r.metafile)) console.log(`    ${pkg.padEnd(44)} ${kib(bytes)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
