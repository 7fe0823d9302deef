#!/usr/bin/env node
/**
 * Bundles the CLI (src/main.ts and everything it imports, AWS SDK included) into one ES module:
 * packages/cli/dist/endpoint-auditor.mjs. bin/endpoint-auditor.mjs loads it. Run from anywhere:
 * `node packages/cli/scripts/build.mjs` (the root `prepare`, `build` and `start` scripts do).
 */
import { stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(packageDir, "dist", "endpoint-auditor.mjs");

/**
 * Builds the bundle and returns its path.
 *
 * @example
 * ```js
 * import { buildCli } from "./packages/cli/scripts/build.mjs";
 * await buildCli();
 * ```
 */
export async function buildCli({ quiet = false } = {}) {
  await build({
    entryPoints: [join(packageDir, "src", "main.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    // Prefer the SDK's ES module builds (smaller, tree-shakeable); fall back to CommonJS.
    mainFields: ["module", "main"],
    // Some dependencies are CommonJS and call require() for Node built-ins.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    legalComments: "none",
    logLevel: "warning",
  });
  if (!quiet) {
    const { size } = await stat(outfile);
    process.stderr.write(`built ${relative(process.cwd(), outfile) || outfile} (${Math.round(size / 1024)} kB)\n`);
  }
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli({ quiet: process.argv.includes("--quiet") });
}
