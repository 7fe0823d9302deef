/**
 * `endpoint-auditor digest`: the weekly Slack digest of the current state, from a live scan or a
 * snapshot. The digest itself (flags, preview, delivery) lives in ../digest-command.ts; this wires its
 * input to the same scan / evaluate paths as the other commands. The digest covers one account.
 */
import { evaluateSnapshotSet, type AccountsResult, type ScanResult } from "@endpoint-auditor/core";
import { UsageError, parseFlags, parseNow, parseRegions, stringList, stringValue } from "../args";
import { DIGEST_HELP, DIGEST_OPTIONS, deliverDigests, digestOptionsFromFlags, runDigestCommand } from "../digest-command";
import { historyDigests } from "./digest-history";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import { snapshotSource } from "./evaluate";
import { LIVE_OPTIONS, liveScan } from "./live";
import { ruleSettings, errorLines } from "./shared";

const OPTIONS = {
  ...DIGEST_OPTIONS,
  rules: { type: "string", multiple: true },
  param: { type: "string", multiple: true },
  stage: { type: "string" },
  region: LIVE_OPTIONS.region,
  profile: LIVE_OPTIONS.profile,
  timeout: LIVE_OPTIONS.timeout,
  snapshot: { type: "string" },
  "history-table": { type: "string" },
  now: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

const SOURCE_HELP = `
Source (one of):
  --region R... [--profile P]   scan live, as 'endpoint-auditor scan' (default region: the SDK's)
  --snapshot FILE [--now ISO]   replay a snapshot of one account, as 'endpoint-auditor evaluate'
  --history-table NAME --region R... [--profile P] [--now ISO]
                                the deployed findings history (the HistoryTableName output): what the
                                deployed digest would send, with new/resolved/exempt findings and rules
                                not reporting; the deployed rules are the selected ones, named
                                --config-rule-prefix + rule id
  --rules ID[,ID...]            only these rules (default: all)
  --param RULE.KEY=VALUE        a rule parameter (repeatable)
  --stage NAME                  the rules and parameters of a stage in stacks/settings.ts

Exit codes: 0 done; 1 the scan was incomplete or a message was not delivered; 2 usage error.
`;

/** A one-account report as the digest's scan result (the digest is per account and region). */
function singleAccount(report: AccountsResult, io: CliIo): ScanResult | ExitCode {
  if (report.accountIds.length !== 1) {
    throw new UsageError(`digest covers one account; the input has ${report.accountIds.length}`, "scan or save a snapshot of one account");
  }
  const regionless = report.errors.filter((e) => e.region === undefined);
  if (regionless.length > 0) {
    for (const line of errorLines(report)) io.stderr.write(`${line}\n`);
    return ExitCode.INCOMPLETE;
  }
  return {
    accountId: report.accountIds[0] as string,
    scannedAt: report.scannedAt,
    regions: report.regions,
    evaluations: report.evaluations,
    errors: report.errors.map((e) => ({ ...e, region: e.region as string })),
  };
}

export async function digestCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("digest", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(DIGEST_HELP + SOURCE_HELP);
    return ExitCode.OK;
  }
  const options = digestOptionsFromFlags(values, io.env);
  const { selections } = ruleSettings(values);
  const regionFlags = stringList(values.region);
  const profile = stringValue(values.profile);

  const historyTable = stringValue(values["history-table"])?.trim();
  if (historyTable !== undefined) {
    if (stringValue(values.snapshot) !== undefined) {
      throw new UsageError("digest: --history-table and --snapshot exclude each other", "pass either the deployed history table or a snapshot");
    }
    const regions = parseRegions(regionFlags);
    if (historyTable === "" || regions.length === 0) {
      throw new UsageError("digest --history-table needs the table's name and at least one --region", "e.g. --history-table <HistoryTableName output> --region eu-west-1");
    }
    const nowText = stringValue(values.now);
    const digests = await historyDigests(
      io,
      { tableName: historyTable, regions, ...(profile !== undefined ? { profile } : {}), selections, now: nowText !== undefined ? parseNow(nowText) : new Date() },
      options,
    );
    return typeof digests === "number" ? digests : deliverDigests(digests, ExitCode.OK, options, io);
  }

  let report: AccountsResult;
  if (stringValue(values.snapshot) !== undefined) {
    if (regionFlags.length > 0 || profile !== undefined) {
      throw new UsageError("digest: --snapshot and --region/--profile exclude each other", "pass either a snapshot or the regions to scan");
    }
    const { set, now } = await snapshotSource("digest", values);
    report = evaluateSnapshotSet(set, selections, now);
  } else {
    if (stringValue(values.now) !== undefined) throw new UsageError("digest: --now applies to --snapshot only", "a live scan is always evaluated now");
    const output = await liveScan(io, { values, selections, verbose: values.verbose === true, quiet: values.quiet === true });
    if (typeof output === "number") return output;
    report = output;
  }
  const scan = singleAccount(report, io);
  if (typeof scan === "number") return scan;
  return runDigestCommand(scan, options, io);
}
