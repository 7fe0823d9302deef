#!/usr/bin/env node
/**
 * Rewrites the generated blocks of README.md (rule summary, parameters, the evaluator's read actions)
 * from the rule registry (`packages/cli/src/render/readme.ts`, bundled with esbuild).
 *
 *   npm run docs                                   # rewrite README.md
 *   node packages/cli/scripts/readme.mjs --check   # exit 1 when README.md is out of date
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const README = join(ROOT, "README.md");

const { build } = await import("esbuild");
const { NODE_ESM_OPTIONS, REQUIRE_BANNER } = await import(pathToFileURL(join(ROOT, "esbuild.config.mjs")).href);
const dir = await mkdtemp(join(tmpdir(), "endpoint-auditor-readme-"));
try {
  const outfile = join(dir, "readme.mjs");
  await build({
    entryPoints: [join(ROOT, "packages", "cli", "src", "render", "readme.ts")],
    outfile,
    ...NODE_ESM_OPTIONS,
    target: "node20",
    logLevel: "warning",
    banner: { js: REQUIRE_BANNER },
  });
  const { updateReadme } = await import(pathToFileURL(outfile).href);
  const current = await readFile(README, "utf8");
  const fresh = updateReadme(current);
  if (process.argv.includes("--check")) {
    if (fresh !== current) {
      process.stderr.write("README.md is out of date: run npm run docs\n");
      process.exitCode = 1;
    }
  } else if (fresh !== current) {
    await writeFile(README, fresh);
    process.stderr.write("README.md updated\n");
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
