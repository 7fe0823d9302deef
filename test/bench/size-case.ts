/**
 * Entry of the size suite (`npm run bench -- --only size`), bundled on its own by run.mjs so that its
 * mocks and clients never weigh on the other suites' memory: one path per process.
 *
 *   node size-case.mjs '{"path":"scan","evaluations":1000000}'
 *
 * Prints one line `BENCH_RESULT <json>` on stdout.
 */
import { runSize, type SizeOptions } from "./size";

const RESULT_PREFIX = "BENCH_RESULT ";

runSize(JSON.parse(process.argv[2] ?? "{}") as SizeOptions)
  .then((result) => process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
