/** Helpers for the CLI tests: run the real bin as a child process in a sealed environment. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../bin/endpoint-auditor.mjs", import.meta.url));
export const DEMO = fileURLToPath(new URL("../demo/demo-account.json", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * An environment with nothing from the developer's machine: no AWS variables, a HOME without
 * ~/.aws, instance metadata off (so the SDK never reaches for the network), no colour settings.
 */
export function sealedEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `node bin/endpoint-auditor.mjs …args` (stdin closed, stdout/stderr piped, so neither is a TTY). */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; bin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [options.bin ?? BIN, ...args],
      { env: options.env ?? sealedEnv(tmpdir()), cwd: options.cwd ?? REPO_ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(prefix = "endpoint-auditor-cli-"): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** The keys of a JSON evaluation, in the documented order (monthlySavingsUsd only when present). */
export const EVALUATION_KEYS = ["ruleId", "resourceType", "resourceId", "region", "accountId", "compliance", "annotation"] as const;
export const RESULT_KEYS = ["accountId", "accounts", "scannedAt", "regions", "evaluations", "errors"] as const;

export interface JsonEvaluation {
  ruleId: string;
  resourceType: string;
  resourceId: string;
  region: string;
  accountId: string;
  compliance: "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";
  annotation: string;
  monthlySavingsUsd?: number;
  exemption?: { reason: string; until?: string };
}

export interface JsonResult {
  accountId?: string;
  accounts: { accountId: string; scanned: boolean; nonCompliant: number; compliant: number; notApplicable: number; errors: number; monthlySavingsUsd: number }[];
  scannedAt: string;
  regions: string[];
  evaluations: JsonEvaluation[];
  errors: { accountId?: string; region?: string; ruleId?: string; message: string; call?: string; code?: string; failedParts?: { part: string; call: string; code?: string; message: string }[] }[];
}
