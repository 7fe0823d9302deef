#!/usr/bin/env node
// endpoint-auditor: loads the bundled CLI (built by packages/cli/scripts/build.mjs) and runs it.
import { access } from "node:fs/promises";

const bundle = new URL("../dist/endpoint-auditor.mjs", import.meta.url);
try {
  await access(bundle);
} catch {
  process.stderr.write(
    "endpoint-auditor: the CLI bundle packages/cli/dist/endpoint-auditor.mjs is missing; run npm run build (in the repository root) first\n",
  );
  process.exit(1);
}
const { main } = await import(bundle.href);
await main();
