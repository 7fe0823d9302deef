/** `endpoint-auditor scan`: collect live regions and evaluate them. */
import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  errorMessage,
  scanAccount,
  serializeSnapshot,
  type AwsClients,
  type ProgressEvent,
  type RuleSelection,
  type ScanOutput,
} from "@endpoint-auditor/core";
import { UsageError, parseFlags, parseRegions, stringList, stringValue } from "../args";
import { ExitCode } from "../exit-codes";
import { SCAN_HELP } from "../help";
import { destroyClients, type CliIo } from "../io";
import { formatProgress } from "../progress";
import { SELECTION_OPTIONS, outputSettings, printResult } from "./shared";

const OPTIONS = {
  ...SELECTION_OPTIONS,
  region: { type: "string", multiple: true },
  profile: { type: "string" },
  "save-snapshot": { type: "string" },
} as const;

/** Refuses a `--save-snapshot` path that could not be written, before a long scan starts. */
async function checkWritable(path: string): Promise<void> {
  const hint = "pass a file path in an existing, writable directory";
  const target = resolve(path);
  try {
    if ((await stat(target)).isDirectory()) throw new UsageError(`--save-snapshot '${path}' is a directory`, hint);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Not there yet: fine, it will be created.
  }
  try {
    await access(dirname(target), constants.W_OK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "its directory does not exist" : "its directory is not writable";
    throw new UsageError(`cannot write --save-snapshot '${path}': ${why}`, hint, { cause: error });
  }
}

/** Where and how to scan live. */
export interface LiveScanRequest {
  /** `--region` values (may be empty: the SDK's configured region is used). */
  regionFlags: readonly string[];
  profile?: string;
  selections: readonly RuleSelection[];
}

/**
 * Resolves the regions, scans them with progress on a terminal's stderr, and closes the clients.
 * Usage problems throw {@link UsageError}; a scan that cannot start (no credentials, the account id
 * unreadable) prints one line on stderr and returns exit code 1 instead of a result.
 */
export async function liveScan(io: CliIo, request: LiveScanRequest): Promise<ScanOutput | ExitCode> {
  let regions = parseRegions(request.regionFlags);
  const { profile } = request;
  if (profile !== undefined && profile.trim() === "") throw new UsageError("--profile is empty", "pass a profile name from ~/.aws/config");
  if (regions.length === 0) {
    const region = await io.resolveRegion(profile);
    if (region === undefined) {
      throw new UsageError(
        "no region to scan: none given and none configured",
        "pass --region (e.g. --region us-east-1), set AWS_REGION, or set a region in your AWS profile",
      );
    }
    regions = [region];
  }

  const clients = new Map<string, AwsClients>();
  const clientsFor = (region: string): AwsClients => {
    let set = clients.get(region);
    if (!set) {
      set = io.createClients({ region, ...(profile !== undefined ? { profile } : {}) });
      clients.set(region, set);
    }
    return set;
  };
  const progress = io.stderr.isTTY === true;
  const onProgress = progress
    ? (event: ProgressEvent): void => {
        const line = formatProgress(event);
        if (line !== undefined) io.stderr.write(`${line}\n`);
      }
    : undefined;
  if (progress) io.stderr.write(`Scanning ${regions.join(", ")}…\n`);

  try {
    return await scanAccount({ regions, selections: request.selections, clientsFor, ...(onProgress ? { onProgress } : {}) });
  } catch (error) {
    io.stderr.write(
      `endpoint-auditor: scan failed: ${errorMessage(error)} (check credentials and region: AWS_PROFILE / --profile, AWS_REGION / --region)\n`,
    );
    return ExitCode.INCOMPLETE;
  } finally {
    for (const set of clients.values()) destroyClients(set);
  }
}

export async function scanCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("scan", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(SCAN_HELP);
    return ExitCode.OK;
  }
  const settings = outputSettings("scan", values);
  const savePath = stringValue(values["save-snapshot"]);
  if (savePath !== undefined) await checkWritable(savePath);
  const profile = stringValue(values.profile);
  const output = await liveScan(io, {
    regionFlags: stringList(values.region),
    ...(profile !== undefined ? { profile } : {}),
    selections: settings.selections,
  });
  if (typeof output === "number") return output;

  const code = printResult(io, output, settings);
  if (savePath !== undefined) {
    try {
      await writeFile(savePath, serializeSnapshot(output.snapshot), "utf8");
      if (io.stderr.isTTY === true) io.stderr.write(`Snapshot saved to ${savePath}\n`);
    } catch (error) {
      io.stderr.write(`endpoint-auditor: could not write snapshot '${savePath}': ${errorMessage(error)}\n`);
      return ExitCode.INCOMPLETE;
    }
  }
  return code;
}
