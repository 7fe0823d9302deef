/**
 * Entry of the TypeScript benchmark suites. run.mjs bundles this file with esbuild and runs it with
 * node, one suite case per process:
 *
 *   node suites.mjs scale '{"target":100000,"runs":7,"warmup":2,"seed":1}'
 *   node suites.mjs calls '{"vpcs":1000,"seed":1,"latencyMs":50,"runs":3,"warmup":1}'
 *   node suites.mjs fake-server '{"vpcs":1000,"seed":1,"latencyMs":50}'   (forked by `calls`)
 *
 * A case prints one line `BENCH_RESULT <json>` on stdout; anything else it prints is ignored.
 */
import { fileURLToPath } from "node:url";
import { runCalls, serveFake, type FakeServerOptions } from "./calls";
import { runScale, type ScaleOptions } from "./scale";

export const RESULT_PREFIX = "BENCH_RESULT ";

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  const options = JSON.parse(arg ?? "{}") as Record<string, unknown>;
  switch (mode) {
    case "scale": {
      const result = runScale(options as unknown as ScaleOptions);
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
      return;
    }
    case "calls": {
      const result = await runCalls({
        ...(options as unknown as FakeServerOptions & { runs: number; warmup: number }),
        selfFile: fileURLToPath(import.meta.url),
      });
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
      return;
    }
    case "fake-server":
      await serveFake(options as unknown as FakeServerOptions);
      return;
    default:
      throw new Error(`unknown suite mode ${String(mode)} (scale | calls | fake-server)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
