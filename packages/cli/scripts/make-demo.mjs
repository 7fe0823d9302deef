#!/usr/bin/env node
/**
 * Generates packages/cli/demo/demo-account.json: the built-in demo snapshot that `npm start` evaluates.
 *
 * The account is built by `@endpoint-auditor/core/testing`'s `buildDemo`: a seeded synthetic background
 * per region plus the demo cases of every registered rule (the `demo.ts` module of each rule folder, one
 * resource per verdict). This script finds those modules by folder, bundles them with the builder
 * (esbuild; the generator is TypeScript) and writes the result. Deterministic: the same sources always
 * give the same file.
 *
 *   node packages/cli/scripts/make-demo.mjs            # (re)writes the demo file
 *   node packages/cli/scripts/make-demo.mjs --check    # exits 1 when the committed file is stale
 *   node packages/cli/scripts/make-demo.mjs --out FILE # writes elsewhere
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const DEMO_FILE = join(ROOT, "packages", "cli", "demo", "demo-account.json");
const RULES_DIR = join(ROOT, "packages", "core", "src", "rules");

/** The demo snapshot's text, as `buildDemo` makes it from every registered rule's demo cases. */
export async function demoText() {
  const { build } = await import("esbuild");
  const { NODE_ESM_OPTIONS, REQUIRE_BANNER } = await import(pathToFileURL(join(ROOT, "esbuild.config.mjs")).href);
  const folders = readdirSync(RULES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(RULES_DIR, d.name, "demo.ts")))
    .map((d) => d.name)
    .sort();
  const entry = [
    `import { RULES, serializeSnapshot } from "./packages/core/src/index.ts";`,
    `import { buildDemo } from "./packages/core/testing/demo.ts";`,
    ...folders.map((f, i) => `import { demo as d${i} } from "./packages/core/src/rules/${f}/demo.ts";`),
    `const demos = { ${folders.map((f, i) => `${JSON.stringify(f)}: d${i}`).join(", ")} };`,
    `export function text() {`,
    `  const missing = RULES.map((r) => r.metadata.id).filter((id) => !(id in demos));`,
    `  if (missing.length > 0) throw new Error("rules without demo.ts: " + missing.join(", "));`,
    `  return serializeSnapshot(buildDemo(RULES.map((r) => ({ ruleId: r.metadata.id, demo: demos[r.metadata.id] }))).snapshot);`,
    `}`,
  ].join("\n");
  const dir = await mkdtemp(join(tmpdir(), "endpoint-auditor-demo-"));
  try {
    const outfile = join(dir, "demo.mjs");
    await build({
      stdin: { contents: entry, resolveDir: ROOT, sourcefile: "make-demo-entry.ts", loader: "ts" },
      outfile,
      ...NODE_ESM_OPTIONS,
      target: "node20",
      logLevel: "warning",
      // Loaded with createRequire only when a test starts a local DynamoDB; never by the demo.
      external: ["dynalite"],
      // The SDK's CommonJS modules require Node built-ins.
      banner: { js: REQUIRE_BANNER },
    });
    const mod = await import(pathToFileURL(outfile).href);
    return mod.text();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? args[outIndex + 1] : DEMO_FILE;
  const text = await demoText();
  if (args.includes("--check")) {
    const current = await readFile(DEMO_FILE, "utf8").catch(() => "");
    if (current !== text) {
      process.stderr.write(`${DEMO_FILE} is stale: run node packages/cli/scripts/make-demo.mjs\n`);
      process.exit(1);
    }
  } else {
    await writeFile(out, text);
    process.stderr.write(`wrote ${out}\n`);
  }
}
