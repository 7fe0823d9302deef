/**
 * A live scan, shared by `scan`, `explain` and `digest`: the regions (`--region`, `all`, or the configured
 * one), the accounts (the caller's, `--accounts … --role-name …`, or `--org`), clients with the CLI's
 * timeout, endpoint naming and `-v` tracing, progress on a terminal, and core's `scanAccounts`.
 */
import {
  ROLE_SESSION_NAME,
  createOrganizationsClient,
  assumeRole,
  callerIdentity,
  errorMessage,
  listOrganizationAccounts,
  roleArn,
  scanAccounts,
  type AccountTarget,
  type AwsClients,
  type ClientOptions,
  type RuleSelection,
  type ScanAccountsOutput,
} from "@endpoint-auditor/core";
import { instrument, type ClientInstrumentation } from "../aws";
import { UsageError, parseBoundedInteger, parseRegions, stringList, stringValue } from "../args";
import { ExitCode } from "../exit-codes";
import { destroyClients, knownProfiles, sharedFiles, type CliIo } from "../io";
import { formatProgress } from "../progress";
import { escapeControl, suggestion } from "../text";

/** The flags of a live scan. */
export const LIVE_OPTIONS = {
  region: { type: "string", multiple: true },
  profile: { type: "string" },
  timeout: { type: "string" },
  concurrency: { type: "string" },
  accounts: { type: "string", multiple: true },
  "role-name": { type: "string" },
  "external-id": { type: "string" },
  org: { type: "boolean" },
  ou: { type: "string" },
} as const;

/** Default of `--timeout` (seconds): the most one API call may take, retries included. */
export const DEFAULT_TIMEOUT_S = 60;
/** Default of `--concurrency`: account-regions collected at once. */
export const DEFAULT_CONCURRENCY = 4;
/** The most one attempt may wait for an answer (core's request timeout), unless `--timeout` is shorter. */
const ATTEMPT_TIMEOUT_MS = 15_000;

/** Where and how to scan live. */
export interface LiveScanRequest {
  values: Record<string, unknown>;
  selections: readonly RuleSelection[];
  verbose: boolean;
  quiet: boolean;
}

/** Where AWS Organizations answers in each partition (a global service). */
const ORGANIZATIONS_REGION: Readonly<Record<string, string>> = { aws: "us-east-1", "aws-cn": "cn-northwest-1", "aws-us-gov": "us-gov-west-1" };

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const OU_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** The parsed account selection. */
interface AccountSelection {
  accounts?: string[];
  org?: { parentId?: string };
  roleName?: string;
  externalId?: string;
}

function accountSelection(values: Record<string, unknown>): AccountSelection {
  const accounts = stringList(values.accounts).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
  const org = values.org === true;
  const ou = stringValue(values.ou)?.trim();
  const roleName = stringValue(values["role-name"])?.trim();
  const externalId = stringValue(values["external-id"]);
  const hint = "e.g. --accounts 111111111111,222222222222 --role-name EndpointAuditorReadOnly, or --org --role-name …";
  if (accounts.length > 0 && org) throw new UsageError("--accounts and --org exclude each other", hint);
  if (ou !== undefined && !org) throw new UsageError("--ou needs --org", "e.g. --org --ou ou-ab12-cdef3456 --role-name EndpointAuditorReadOnly");
  if ((accounts.length > 0 || org) && roleName === undefined) throw new UsageError(`${org ? "--org" : "--accounts"} needs --role-name NAME (the role to assume in each account)`, hint);
  if (roleName !== undefined && accounts.length === 0 && !org) throw new UsageError("--role-name needs --accounts or --org", hint);
  if (externalId !== undefined && roleName === undefined) throw new UsageError("--external-id needs --role-name", hint);
  for (const id of accounts) if (!ACCOUNT_ID.test(id)) throw new UsageError(`'${id}' in --accounts is not a 12-digit account id`, hint);
  if (roleName !== undefined && !ROLE_NAME.test(roleName)) throw new UsageError(`--role-name '${roleName}' is not an IAM role name`, "letters, digits and +=,.@_- (up to 64)");
  if (ou !== undefined && !OU_ID.test(ou)) throw new UsageError(`--ou '${ou}' is not an organizational unit or root id`, "e.g. ou-ab12-cdef3456 or r-ab12");
  return {
    ...(accounts.length > 0 ? { accounts: [...new Set(accounts)] } : {}),
    ...(org ? { org: ou !== undefined ? { parentId: ou } : {} } : {}),
    ...(roleName !== undefined ? { roleName } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
  };
}

/**
 * The profile in use (`--profile`, else `AWS_PROFILE`), checked against the shared files: a misspelt
 * profile is named, not reported as a missing region later.
 */
function checkProfile(io: CliIo, profile: string | undefined): void {
  const name = profile ?? io.env.AWS_PROFILE;
  if (name === undefined || name === "default") return;
  const known = knownProfiles(io.env);
  if (known.includes(name)) return;
  const files = sharedFiles(io.env);
  const from = profile !== undefined ? "--profile" : "AWS_PROFILE";
  throw new UsageError(
    `profile '${name}' (${from}) not found in ${files.config} or ${files.credentials}${suggestion(name, known)}`,
    known.length > 0 ? `profiles there: ${known.join(", ")}` : "create it with 'aws configure --profile NAME' or 'aws configure sso'",
  );
}

/** The region configured like the AWS CLI: AWS_REGION, AWS_DEFAULT_REGION, then the profile's. */
async function configuredRegion(io: CliIo, profile: string | undefined): Promise<string | undefined> {
  const fromEnv = io.env.AWS_REGION?.trim() || io.env.AWS_DEFAULT_REGION?.trim();
  if (fromEnv) return fromEnv;
  return io.resolveRegion(profile);
}

/**
 * Reads the live-scan flags, then scans. Usage problems throw {@link UsageError}; a scan that cannot
 * start (no credentials, the caller's account unreadable, the organization not listable) prints one line
 * on stderr and returns exit code 1 instead of a result.
 */
export async function liveScan(io: CliIo, request: LiveScanRequest): Promise<ScanAccountsOutput | ExitCode> {
  const { values } = request;
  const profile = stringValue(values.profile);
  if (profile !== undefined && profile.trim() === "") throw new UsageError("--profile is empty", "pass a profile name from ~/.aws/config");
  const regionFlags = stringList(values.region);
  const all = regionFlags.length === 1 && regionFlags[0]?.trim() === "all";
  let regions = all ? [] : parseRegions(regionFlags);
  const timeoutS = values.timeout !== undefined ? parseBoundedInteger("--timeout", String(values.timeout), 1, 3600) : DEFAULT_TIMEOUT_S;
  const concurrency = values.concurrency !== undefined ? parseBoundedInteger("--concurrency", String(values.concurrency), 1, 64) : DEFAULT_CONCURRENCY;
  const selection = accountSelection(values);
  checkProfile(io, profile);
  const configured = await configuredRegion(io, profile);
  if (!all && regions.length === 0) {
    if (configured === undefined) {
      throw new UsageError(
        "no region to scan: none given and none configured",
        "pass --region (e.g. --region us-east-1 or --region all), set AWS_REGION or AWS_DEFAULT_REGION, or set a region in your AWS profile",
      );
    }
    regions = [configured];
  }
  const homeRegion = all ? (configured ?? "us-east-1") : (regions[0] as string);

  const progress = io.stderr.isTTY === true && !request.quiet;
  const say = (line: string): void => {
    if (progress) io.stderr.write(`${escapeControl(line)}\n`);
  };
  const instrumentation: ClientInstrumentation = {
    timeoutMs: timeoutS * 1000,
    ...(request.verbose ? { trace: (line: string) => io.stderr.write(`${line}\n`) } : {}),
    ...(progress && !request.verbose ? { onRetry: (line: string) => say(line) } : {}),
  };
  const built: AwsClients[] = [];
  const cache = new Map<string, AwsClients>();
  const clientOptions = (region: string, credentials?: ClientOptions["credentials"]): ClientOptions => ({
    region,
    ...(profile !== undefined && credentials === undefined ? { profile } : {}),
    ...(credentials ? { credentials } : {}),
    requestTimeoutMs: Math.min(ATTEMPT_TIMEOUT_MS, timeoutS * 1000),
  });
  const clientsFor = (region: string, credentials?: ClientOptions["credentials"]): AwsClients => {
    const key = `${region} ${credentials?.accessKeyId ?? ""}`;
    let set = cache.get(key);
    if (!set) {
      const raw = io.createClients(clientOptions(region, credentials));
      // Every client of the set, whatever services the part records use.
      set = Object.fromEntries(Object.entries(raw).map(([name, client]) => [name, instrument(client, region, instrumentation)])) as unknown as AwsClients;
      cache.set(key, set);
      built.push(set);
    }
    return set;
  };

  const multi = selection.accounts !== undefined || selection.org !== undefined;
  try {
    let targets: AccountTarget[] = [{}];
    if (multi) {
      const caller = await callerIdentity(clientsFor(homeRegion).sts, homeRegion);
      let ids = selection.accounts ?? [];
      if (selection.org) {
        const orgRegion = ORGANIZATIONS_REGION[caller.partition] ?? homeRegion;
        const organizations = instrument((io.createOrganizations ?? createOrganizationsClient)(clientOptions(orgRegion)), orgRegion, instrumentation);
        try {
          ids = (await listOrganizationAccounts(organizations, selection.org)).map((a) => a.accountId);
        } finally {
          organizations.destroy();
        }
        if (ids.length === 0) {
          io.stderr.write(`endpoint-auditor: the organization${selection.org.parentId ? ` unit ${selection.org.parentId}` : ""} has no ACTIVE account\n`);
          return ExitCode.INCOMPLETE;
        }
      }
      const sts = clientsFor(homeRegion).sts;
      targets = ids.map((accountId) => ({
        accountId,
        credentials: () =>
          assumeRole(sts, {
            accountId,
            roleArn: roleArn(caller.partition, accountId, selection.roleName as string),
            ...(selection.externalId !== undefined ? { externalId: selection.externalId } : {}),
          }),
      }));
      say(`Scanning ${ids.length} account${ids.length === 1 ? "" : "s"} as role ${selection.roleName} (session ${ROLE_SESSION_NAME}), ${all ? "every enabled region" : regions.join(", ")}, ${concurrency} at a time…`);
    } else {
      say(`Scanning ${all ? "every enabled region" : regions.join(", ")}…`);
    }
    return await scanAccounts({
      accounts: targets,
      regions: all ? "all" : regions,
      homeRegion,
      selections: request.selections,
      clientsFor,
      concurrency,
      ...(progress
        ? {
            onProgress: (event) => {
              const line = formatProgress(event);
              if (line !== undefined) say(multi ? `${event.accountId}  ${line}` : line);
            },
            onAccount: (event) => {
              if (event.status === "failed") say(`${event.accountId ?? "?"}  FAILED: ${event.message ?? "unknown error"}`);
              else if (all || multi) say(`${event.accountId ?? "?"}  ${event.regions?.length ?? 0} region${event.regions?.length === 1 ? "" : "s"}: ${event.regions?.join(", ") ?? ""}`);
            },
          }
        : {}),
    });
  } catch (error) {
    io.stderr.write(
      `endpoint-auditor: scan failed: ${escapeControl(errorMessage(error))} (check credentials and region: AWS_PROFILE / --profile, AWS_REGION / --region)\n`,
    );
    return ExitCode.INCOMPLETE;
  } finally {
    for (const set of built) destroyClients(set);
  }
}
