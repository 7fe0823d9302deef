/**
 * `endpoint-auditor digest`: the weekly Slack digest of the current state, from a live scan or a
 * snapshot. The digest itself (flags, preview, delivery) lives in ../digest-command.ts; this wires its
 * input to the same scan / evaluate paths as the other commands.
 */
import { evaluateSnapshot } from "@endpoint-auditor/core";
import { UsageError, parseFlags, parseNow, stringList, stringValue } from "../args";
import { DIGEST_HELP, DIGEST_OPTIONS, digestOptionsFromFlags, runDigestCommand } from "../digest-command";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import { loadSnapshot } from "./evaluate";
import { liveScan } from "./scan";
import { ruleSettings } from "./shared";

const OPTIONS = {
  ...DIGEST_OPTIONS,
  rules: { type: "string", multiple: true },
  param: { type: "string", multiple: true },
  region: { type: "string", multiple: true },
  profile: { type: "string" },
  snapshot: { type: "string" },
  now: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const SOURCE_HELP = `
Source (one of):
  --region R... [--profile P]   scan live, as 'endpoint-auditor scan' (default region: the SDK's)
  --snapshot FILE [--now ISO]   replay a snapshot, as 'endpoint-auditor evaluate'
  --rules ID[,ID...]            only these rules (default: all)
  --param RULE.KEY=VALUE        a rule parameter (repeatable)

Exit codes: 0 done; 1 the scan was incomplete or a message was not delivered; 2 usage error.
`;

export async function digestCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("digest", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(DIGEST_HELP + SOURCE_HELP);
    return ExitCode.OK;
  }
  const options = digestOptionsFromFlags(values, io.env);
  const { selections } = ruleSettings(values);
  const snapshotPath = stringValue(values.snapshot);
  const nowText = stringValue(values.now);
  const regionFlags = stringList(values.region);
  const profile = stringValue(values.profile);

  let result;
  if (snapshotPath !== undefined) {
    if (regionFlags.length > 0 || profile !== undefined) {
      throw new UsageError("digest: --snapshot and --region/--profile exclude each other", "pass either a snapshot or the regions to scan");
    }
    const snapshot = await loadSnapshot(snapshotPath);
    result = evaluateSnapshot(snapshot, selections, nowText !== undefined ? parseNow(nowText) : undefined);
  } else {
    if (nowText !== undefined) throw new UsageError("digest: --now applies to --snapshot only", "a live scan is always evaluated now");
    const output = await liveScan(io, { regionFlags, ...(profile !== undefined ? { profile } : {}), selections });
    if (typeof output === "number") return output;
    result = output;
  }
  return runDigestCommand(result, options, io);
}
