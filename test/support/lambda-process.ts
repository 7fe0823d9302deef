/**
 * Runs a Lambda bundle the way the Node.js runtime runs it: a plain `node` child process imports the
 * bundle's `.mjs` file and calls the handler export once per event, with a Lambda context and an
 * environment of Lambda's variables plus the function's own, and a clock that stands still at the given
 * time (as `vi.setSystemTime` does in-process). The child writes the outcomes to a file and exits
 * (keep-alive sockets would otherwise hold it open, where Lambda would freeze it).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The file and export Lambda's `Handler` names. */
export interface LambdaBundle {
  file: string;
  exportName: string;
}

/** One invocation's outcome. */
export interface Invocation {
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { name?: string; message: string };
}

/** A child process's run: the bundle's exports, one outcome per event, and what it printed. */
export interface ChildRun {
  exports: string[];
  results: Invocation[];
  stdout: string;
  stderr: string;
}

const DRIVER = `import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [inputFile, outputFile] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputFile, "utf8"));
const RealDate = Date;
const frozen = RealDate.parse(input.now);
globalThis.Date = new Proxy(RealDate, {
  construct: (target, args, newTarget) => Reflect.construct(target, args.length > 0 ? args : [frozen], newTarget),
  apply: () => new RealDate(frozen).toString(),
  get: (target, key, receiver) => (key === "now" ? () => frozen : Reflect.get(target, key, receiver)),
});
const mod = await import(pathToFileURL(input.file).href);
const context = { ...input.context, getRemainingTimeInMillis: () => input.timeoutMs, done: () => undefined, fail: () => undefined, succeed: () => undefined };
const results = [];
for (const event of input.events) {
  try {
    results.push({ ok: true, value: await mod[input.exportName](event, context) });
  } catch (error) {
    results.push({ ok: false, error: { name: error?.name, message: String(error?.message ?? error) } });
  }
}
writeFileSync(outputFile, JSON.stringify({ exports: Object.keys(mod), results }));
process.exit(0);
`;

/** The environment Lambda's runtime gives a function (plus its own variables and `extra`, e.g. endpoints). */
export function lambdaRuntimeEnv(options: {
  region: string;
  functionName: string;
  memory: string;
  home: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  own: Record<string, string>;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    HOME: options.home,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: options.memory,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/03/02/[$LATEST]0123456789abcdef0123456789abcdef",
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: options.credentials.sessionToken,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...options.own,
    ...options.extra,
  };
}

/** A Lambda context for `functionName` in `region` and `account`. */
export function lambdaContextFor(region: string, account: string, functionName: string, memory: string): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: memory,
    awsRequestId: "9f3c2b1a-5d4e-4f60-8a7b-0c1d2e3f4a5b",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/03/02/[$LATEST]0123456789abcdef0123456789abcdef",
  };
}

/** The file and export a function's `Handler` (`dir/file.export`) names inside its staged code directory. */
export function bundleOfHandler(codeDir: string, handler: string): LambdaBundle {
  const dot = handler.lastIndexOf(".");
  const file = [".mjs", ".js", ".cjs"].map((ext) => join(codeDir, `${handler.slice(0, dot)}${ext}`)).find((f) => existsSync(f));
  if (!file) throw new Error(`no file for handler ${handler} in ${codeDir}`);
  return { file, exportName: handler.slice(dot + 1) };
}

let runs = 0;

/**
 * Runs `bundle` in a fresh `node` process (a cold start) in `workDir` and invokes it once per event, in order.
 *
 * @example
 * ```ts
 * const run = await invokeBundle(workDir, bundle, env, context, [event, event], "2026-03-02T09:00:00Z");
 * run.results[1].value; // the second invocation's result
 * ```
 */
export function invokeBundle(workDir: string, bundle: LambdaBundle, env: Record<string, string>, context: Record<string, unknown>, events: unknown[], now: string): Promise<ChildRun> {
  const id = ++runs;
  const driver = join(workDir, "lambda-driver.mjs");
  if (!existsSync(driver)) writeFileSync(driver, DRIVER);
  const inputFile = join(workDir, `input-${process.pid}-${id}.json`);
  const outputFile = join(workDir, `output-${process.pid}-${id}.json`);
  writeFileSync(inputFile, JSON.stringify({ file: bundle.file, exportName: bundle.exportName, events, context, now, timeoutMs: 900_000 }));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [driver, inputFile, outputFile], { env, cwd: workDir, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`the bundle's process failed: ${error.message}\n${stderr}`));
      const out = JSON.parse(readFileSync(outputFile, "utf8")) as { exports: string[]; results: Invocation[] };
      resolve({ ...out, stdout, stderr });
    });
  });
}
