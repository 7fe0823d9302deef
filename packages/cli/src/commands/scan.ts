/** `endpoint-auditor scan`: collect live accounts and regions and evaluate them. */
import { writeFile } from "node:fs/promises";
import { errorMessage, serializeSnapshotSet } from "@endpoint-auditor/core";
import { parseFlags, stringValue } from "../args";
import { ExitCode } from "../exit-codes";
import { SCAN_HELP } from "../help";
import type { CliIo } from "../io";
import { LIVE_OPTIONS, liveScan } from "./live";
import { OUTPUT_OPTIONS, SELECTION_OPTIONS, checkWritableFile, outputSettings, printReport } from "./shared";

const OPTIONS = {
  ...SELECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  ...LIVE_OPTIONS,
  "save-snapshot": { type: "string" },
} as const;

export async function scanCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("scan", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(SCAN_HELP);
    return ExitCode.OK;
  }
  const settings = await outputSettings("scan", values);
  const savePath = stringValue(values["save-snapshot"]);
  if (savePath !== undefined) await checkWritableFile("--save-snapshot", savePath);
  const quiet = values.quiet === true;
  const output = await liveScan(io, { values, selections: settings.selections, verbose: values.verbose === true, quiet });
  if (typeof output === "number") return output;

  const progress = io.stderr.isTTY === true && !quiet;
  const code = await printReport(io, output, { settings, set: output.snapshot, now: new Date(output.scannedAt), progress });
  if (savePath !== undefined) {
    try {
      await writeFile(savePath, serializeSnapshotSet(output.snapshot), "utf8");
      if (progress) io.stderr.write(`Snapshot saved to ${savePath}\n`);
    } catch (error) {
      io.stderr.write(`endpoint-auditor: could not write snapshot '${savePath}': ${errorMessage(error)}\n`);
      return ExitCode.INCOMPLETE;
    }
  }
  return code;
}
