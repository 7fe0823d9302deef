/**
 * The deployable bundle: built by the same script as `npm run bundle` (into a temporary folder), then
 * loaded by plain Node.js — not through the test runner — as the Lambda runtime would load it.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}
interface BundleResult {
  name: string;
  outfile: string;
  metafilePath: string;
  bytes: number;
  metafile: Metafile;
}
interface BundleScript {
  discoverHandlers(srcDir?: string): Promise<string[]>;
  bundleHandlers(options: { names?: string[]; srcDir?: string; outdir?: string }): Promise<BundleResult[]>;
}

const run = promisify(execFile);
const scriptUrl = new URL("../scripts/bundle.mjs", import.meta.url).href;
let script: BundleScript;
let workDir: string;
let evaluate: BundleResult;

beforeAll(async () => {
  script = (await import(scriptUrl)) as BundleScript;
  workDir = await mkdtemp(path.join(tmpdir(), "endpoint-auditor-bundle-"));
  [evaluate] = (await script.bundleHandlers({ names: ["evaluate"], outdir: path.join(workDir, "lambda") })) as [BundleResult];
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Loads the bundle in a fresh Node.js process with the Lambda's environment and reports on it. */
async function probe(outfile: string, program: string): Promise<Record<string, unknown>> {
  const source = `const m = await import(${JSON.stringify(pathToFileURL(outfile).href)});\n${program}`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", source], {
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      POWERTOOLS_METRICS_DISABLED: "true",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    },
    timeout: 30_000,
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as Record<string, unknown>;
}

describe("npm run bundle: the evaluate handler", () => {
  it("Given the bundle, Then it is one minified ESM file at <outdir>/evaluate/index.mjs with its metafile", async () => {
    expect(evaluate.outfile).toBe(path.join(workDir, "lambda", "evaluate", "index.mjs"));
    const text = await readFile(evaluate.outfile, "utf8");
    expect(text.startsWith('import { createRequire as __eaCreateRequire } from "node:module";')).toBe(true);
    expect(text).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    // Minified: few, very long lines.
    expect(text.split("\n").length).toBeLessThan(200);
    expect(evaluate.bytes).toBe(Buffer.byteLength(text));
    const onDisk = JSON.parse(await readFile(evaluate.metafilePath, "utf8")) as Metafile;
    expect(Object.keys(onDisk.outputs)).toHaveLength(1);
  });

  it("Given the bundle, Then the AWS SDK clients are inside it (the runtime's SDK is not relied on) and sst is not", () => {
    const inputs = Object.keys(evaluate.metafile.inputs).map((i) => i.replaceAll("\\", "/"));
    for (const pkg of ["@aws-sdk/client-ec2", "@aws-sdk/client-cloudwatch", "@aws-sdk/client-config-service", "@middy/core", "@aws-lambda-powertools/logger"]) {
      expect(inputs.some((i) => i.includes(`node_modules/${pkg}/`)), pkg).toBe(true);
    }
    expect(inputs.some((i) => i.includes("node_modules/sst/"))).toBe(false);
  });

  it("Given Node.js loads the bundle, Then `handler` is an exported function and a malformed event is refused with ConfigEventError (not thrown: no retry)", async () => {
    const report = await probe(
      evaluate.outfile,
      [
        "process.env.DEPLOYED_CONFIG_RULES = JSON.stringify({ 'vpc-flow-logs-enabled': 'endpoint-auditor-prod-vpc-flow-logs-enabled' });",
        "let error; let result;",
        "const context = { functionName: 'endpoint-auditor-evaluate', awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:endpoint-auditor-evaluate', getRemainingTimeInMillis: () => 1000 };",
        "try { result = await m.handler({ invokingEvent: '{' }, context); } catch (e) { error = e; }",
        "console.log(JSON.stringify({ handler: typeof m.handler, exports: Object.keys(m), thrown: error?.name, refused: result?.refused, error: result?.error, message: result?.message }));",
      ].join("\n"),
    );
    expect(report).toEqual({
      handler: "function",
      exports: expect.arrayContaining(["handler"]),
      refused: true,
      error: "ConfigEventError",
      message: expect.stringContaining("configRuleName: expected a non-empty string, got missing"),
    });
  });
});

describe("npm run bundle: handler discovery", () => {
  it("Given a src folder with handlers, tests, declarations and a lib folder, Then only the top-level handlers are found", async () => {
    const src = path.join(workDir, "src");
    await mkdir(path.join(src, "lib"), { recursive: true });
    for (const file of ["evaluate.ts", "digest.ts", "evaluate.test.ts", "types.d.ts", "lib/powertools.ts", "README.md"]) {
      await writeFile(path.join(src, file), "export const handler = () => 1;\n");
    }
    expect(await script.discoverHandlers(src)).toEqual(["digest", "evaluate"]);
  });

  it("Given the real functions package, Then evaluate is one of its handlers", async () => {
    expect(await script.discoverHandlers()).toContain("evaluate");
  });

  it("Given an unknown handler name, Then the script refuses it and names the handlers", async () => {
    await expect(script.bundleHandlers({ names: ["evaluat"], outdir: path.join(workDir, "x") })).rejects.toThrow(/No handler "evaluat".*evaluate/);
  });
});
