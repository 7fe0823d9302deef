/** `endpoint-auditor evaluate --snapshot FILE`: replay a saved inventory (one or many accounts) through the rules. */
import { readFile } from "node:fs/promises";
import { SnapshotError, SnapshotVersionError, evaluateSnapshotSet, parseSnapshotSet, type SnapshotSet } from "@endpoint-auditor/core";
import { UsageError, parseFlags, parseNow, stringValue } from "../args";
import { EVALUATE_HELP } from "../help";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import { OUTPUT_OPTIONS, SELECTION_OPTIONS, outputSettings, printReport } from "./shared";

const OPTIONS = {
  ...SELECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  snapshot: { type: "string" },
  now: { type: "string" },
} as const;

/**
 * Reads and checks a snapshot file (snapshot@1 or @2).
 *
 * @throws UsageError when the file cannot be read, is not a snapshot, or was written by a newer version.
 */
export async function loadSnapshot(path: string): Promise<SnapshotSet> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new UsageError(`cannot read snapshot '${path}': ${why}`, "pass a file written by 'endpoint-auditor scan --save-snapshot FILE'", { cause: error });
  }
  try {
    return parseSnapshotSet(text);
  } catch (error) {
    if (error instanceof SnapshotVersionError) {
      throw new UsageError(`cannot read snapshot '${path}': ${error.message}`, "upgrade: npm install endpoint-auditor@latest (or git pull && npm ci)", { cause: error });
    }
    if (error instanceof SnapshotError) {
      throw new UsageError(`'${path}' is not a valid snapshot: ${error.message}`, "pass a file written by 'endpoint-auditor scan --save-snapshot FILE'", { cause: error });
    }
    throw error;
  }
}

/** `--snapshot` (required) and `--now`. */
export async function snapshotSource(command: string, values: Record<string, unknown>): Promise<{ set: SnapshotSet; now: Date }> {
  const path = stringValue(values.snapshot);
  if (path === undefined || path.trim() === "") {
    throw new UsageError(`'${command}' needs --snapshot FILE`, "e.g. endpoint-auditor evaluate --snapshot packages/cli/demo/demo-account.json");
  }
  const nowText = stringValue(values.now);
  const now = nowText !== undefined ? parseNow(nowText) : undefined;
  const set = await loadSnapshot(path);
  return { set, now: now ?? new Date(set.capturedAt) };
}

export async function evaluateCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("evaluate", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(EVALUATE_HELP);
    return ExitCode.OK;
  }
  const settings = await outputSettings("evaluate", values);
  const { set, now } = await snapshotSource("evaluate", values);
  const report = evaluateSnapshotSet(set, settings.selections, now);
  return printReport(io, report, { settings, set, now, progress: io.stderr.isTTY === true && values.quiet !== true });
}
