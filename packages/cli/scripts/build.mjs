#!/usr/bin/env node
/**
 * Bundles the CLI (src/main.ts and everything it imports, AWS SDK included) into one ES module:
 * packages/cli/dist/endpoint-auditor.mjs. bin/endpoint-auditor.mjs loads it. Run from anywhere:
 * `node packages/cli/scripts/build.mjs` (the root `prepare`, `build` and `start` scripts do).
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { CLI_ESBUILD_OPTIONS } from "../../../esbuild.config.mjs";

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
  // The repository's esbuild settings for the CLI (esbuild.config.mjs): minified ESM for Node 20, the SDK
  // schemas of operations the CLI never calls dropped, the SDK's full credential chain kept.
  const result = await build({
    ...CLI_ESBUILD_OPTIONS,
    entryPoints: [join(packageDir, "src", "main.ts")],
    outfile,
    logLevel: "warning",
    write: false,
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no output");
  // Write then rename: a test run building while another one runs the CLI never sees half a file.
  await mkdir(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp`;
  await writeFile(temporary, output.contents);
  await rename(temporary, outfile);
  if (!quiet) {
    process.stderr.write(`built ${relative(process.cwd(), outfile) || outfile} (${Math.round(output.contents.length / 1024)} kB)\n`);
  }
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli({ quiet: process.argv.includes("--quiet") });
}
