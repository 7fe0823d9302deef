/**
 * vitest globalSetup: builds the CLI bundle (packages/cli/dist/endpoint-auditor.mjs) once before the
 * suite, so the CLI tests run the real `bin/endpoint-auditor.mjs` as a child process. esbuild takes well
 * under a second, and the bundle is replaced atomically (write, then rename).
 *
 * A failed build does not abort the whole suite (other packages' tests do not need the bundle): the
 * stale bundle is removed, so the CLI tests fail with the bin's "bundle is missing" message and the
 * build error printed here, instead of testing old code.
 */
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildCli } from "../packages/cli/scripts/build.mjs";

export default async function setup(): Promise<void> {
  try {
    await buildCli({ quiet: true });
  } catch (error) {
    await rm(fileURLToPath(new URL("../packages/cli/dist/endpoint-auditor.mjs", import.meta.url)), { force: true });
    process.stderr.write(`test/global-setup: building the CLI bundle failed; the CLI tests will fail:\n${String(error)}\n`);
  }
}
