/** `endpoint-auditor evaluate --snapshot FILE`: replay a saved inventory through the rules. */
import { readFile } from "node:fs/promises";
import { SnapshotError, evaluateSnapshot, parseSnapshot, type Snapshot } from "@endpoint-auditor/core";
import { UsageError, parseFlags, parseNow, stringValue } from "../args";
import { EVALUATE_HELP } from "../help";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import { SELECTION_OPTIONS, outputSettings, printResult } from "./shared";

const OPTIONS = {
  ...SELECTION_OPTIONS,
  snapshot: { type: "string" },
  now: { type: "string" },
} as const;

/**
 * Reads and checks a snapshot file.
 *
 * @throws UsageError when the file cannot be read or is not a snapshot.
 */
export async function loadSnapshot(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new UsageError(`cannot read snapshot '${path}': ${why}`, "pass a file written by 'endpoint-auditor scan --save-snapshot FILE'", { cause: error });
  }
  try {
    return parseSnapshot(text);
  } catch (error) {
    if (error instanceof SnapshotError) {
      throw new UsageError(`'${path}' is not a valid snapshot: ${error.message}`, "pass a file written by 'endpoint-auditor scan --save-snapshot FILE'", { cause: error });
    }
    throw error;
  }
}

export async function evaluateCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("evaluate", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(EVALUATE_HELP);
    return ExitCode.OK;
  }
  const settings = outputSettings("evaluate", values);
  const path = stringValue(values.snapshot);
  if (path === undefined || path.trim() === "") {
    throw new UsageError("'evaluate' needs --snapshot FILE", "e.g. endpoint-auditor evaluate --snapshot packages/cli/demo/demo-account.json");
  }
  const nowText = stringValue(values.now);
  const now = nowText !== undefined ? parseNow(nowText) : undefined;
  const snapshot = await loadSnapshot(path);
  const result = evaluateSnapshot(snapshot, settings.selections, now);
  return printResult(io, result, settings);
}
