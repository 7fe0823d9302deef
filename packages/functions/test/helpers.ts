/** Test support for the Lambda handlers: a Lambda context and a capture of what Powertools writes. */
import type { Context } from "aws-lambda";
import { vi } from "vitest";

/** A Lambda context as the Node.js runtime passes it. */
export function lambdaContext(region: string, account: string, functionName = "endpoint-auditor-evaluate"): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/02/[$LATEST]0123456789abcdef0123456789abcdef",
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One EMF blob as Powertools Metrics prints it. */
export interface EmfBlob {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

export interface Captured {
  /** Every JSON line written to stdout/stderr. */
  lines: Record<string, unknown>[];
  emf(): EmfBlob[];
  logs(): Record<string, unknown>[];
  restore(): void;
}

/** Captures the JSON lines Powertools Logger and Metrics write to stdout and stderr. */
export function captureOutput(): Captured {
  const lines: Record<string, unknown>[] = [];
  const collect = (chunk: unknown): boolean => {
    for (const line of String(chunk).split("\n")) {
      const text = line.trim();
      if (!text.startsWith("{")) continue;
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // not a JSON line
      }
    }
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(collect as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(collect as typeof process.stderr.write);
  return {
    lines,
    emf: () => lines.filter((l) => "_aws" in l) as unknown as EmfBlob[],
    logs: () => lines.filter((l) => !("_aws" in l)),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
