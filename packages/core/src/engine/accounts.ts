/**
 * Organization scale: scan many accounts and regions with bounded concurrency. The account set comes from
 * the caller (its own account, `--accounts`, or the organization's ACTIVE accounts); each account is read
 * with its own credentials (an assumed role), its regions are given or listed (`DescribeRegions`), and every
 * account-region is collected exactly as a single-account scan collects one region — the same calls, the
 * same floor. A failure is isolated to its account (AssumeRole denied, DescribeRegions refused) or to its
 * region and list; nothing else is lost.
 *
 * Nothing here builds a client: the caller passes factories, so tests run against mocks or fake-aws.
 */
import { DescribeRegionsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  type Account as OrgAccount,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsClients, ClientOptions } from "../aws";
import { mapLimit } from "../concurrency";
import { EndpointAuditorError, errorMessage } from "../errors";
import type { Evaluation, FailedPart } from "../evaluation";
import { collectRegion, type ProgressEvent } from "../inventory/collect";
import { PART_CALLS, resolveParts, type InventoryPart } from "../inventory/parts";
import type { RawRegion } from "../inventory/raw";
import { RULES } from "../rules/index";
import { metricNeeds, partsFor, prepareRules, type PreparedRule, type RuleSelection } from "./engine";
import { evaluateRawRegions } from "./scan";

/** The session name of every assumed role, so CloudTrail in the member account shows who looked. */
export const ROLE_SESSION_NAME = "endpoint-auditor";

/** Credentials for one account's clients. */
export type AccountCredentials = NonNullable<ClientOptions["credentials"]>;

/** An error that belongs to an account (and, when known, a region and a rule). */
export interface AccountScanError {
  accountId?: string;
  /** Absent for errors of the whole account (its role could not be assumed, its regions not listed). */
  region?: string;
  ruleId?: string;
  message: string;
  /** The call that failed, for account-level errors (`sts:AssumeRole`, `ec2:DescribeRegions`). */
  call?: string;
  code?: string;
  /** The lists whose failure kept a rule from being evaluated (see {@link FailedPart}). */
  failedParts?: FailedPart[];
}

/** The result of scanning (or replaying) one or more accounts. */
export interface AccountsResult {
  /** Every account asked for, in order — including accounts that failed. */
  accountIds: string[];
  /** ISO time the evaluation refers to. */
  scannedAt: string;
  /** Every region scanned in any account, in first-seen order. */
  regions: string[];
  evaluations: Evaluation[];
  errors: AccountScanError[];
}

/** One account's raw responses. */
export interface AccountRaw {
  accountId: string;
  regions: RawRegion[];
}

/** An account that could not be read at all (kept in snapshots so a replay reports it again). */
export interface AccountFailure {
  accountId: string;
  call: string;
  message: string;
  code?: string;
}

/** The raw data of a scan of one or more accounts: what a snapshot holds. */
export interface SnapshotSet {
  capturedAt: string;
  /** The rule ids the scan was taken for (absent in snapshots written before it was recorded). */
  rules?: string[];
  accounts: AccountRaw[];
  failures: AccountFailure[];
}

/** The caller's identity. */
export interface CallerIdentity {
  accountId: string;
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, … from the ARN. */
  partition: string;
}

/** A call about an account (or the organization) failed. */
export class AccountAccessError extends EndpointAuditorError {
  public readonly accountId?: string;
  public readonly call: string;
  public readonly code?: string;
  public constructor(context: { accountId?: string; call: string; code?: string; region?: string }, message: string, options?: { cause?: unknown }) {
    const where = `${context.call}${context.accountId ? ` for account ${context.accountId}` : ""}${context.region ? ` in ${context.region}` : ""}`;
    super(`${where} failed: ${message}`, options);
    this.accountId = context.accountId;
    this.call = context.call;
    this.code = context.code;
  }
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const raw = (error as { Code?: unknown }).Code;
  if (typeof raw === "string") return raw;
  return error.name !== "Error" ? error.name : undefined;
}

function accessError(context: { accountId?: string; call: string; region?: string }, error: unknown): AccountAccessError {
  const code = codeOf(error);
  return new AccountAccessError({ ...context, ...(code !== undefined ? { code } : {}) }, errorMessage(error) || (code ?? "unknown error"), { cause: error });
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

/**
 * The partition of an ARN.
 *
 * @example
 * ```ts
 * partitionOf("arn:aws-cn:iam::123456789012:user/audit"); // "aws-cn"
 * ```
 */
export function partitionOf(arn: string): string {
  const match = ARN_PATTERN.exec(arn);
  if (!match?.[1]) throw new EndpointAuditorError(`not an ARN: ${JSON.stringify(arn)}`);
  return match[1];
}

/**
 * The ARN of role `roleName` in `accountId`.
 *
 * @example
 * ```ts
 * roleArn("aws", "111111111111", "EndpointAuditorReadOnly"); // "arn:aws:iam::111111111111:role/EndpointAuditorReadOnly"
 * ```
 */
export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * STS `GetCallerIdentity`: the caller's account, ARN and partition.
 *
 * @throws AccountAccessError
 * @example
 * ```ts
 * const { accountId, partition } = await callerIdentity(sts, "us-east-1");
 * ```
 */
export async function callerIdentity(sts: STSClient, region: string): Promise<CallerIdentity> {
  const call = "sts:GetCallerIdentity";
  let out;
  try {
    out = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throw accessError({ call, region }, error);
  }
  if (typeof out.Account !== "string" || !/^\d{12}$/.test(out.Account) || typeof out.Arn !== "string") {
    throw new AccountAccessError({ call, region }, `the response has no valid account id and ARN (got ${JSON.stringify({ Account: out.Account, Arn: out.Arn })})`);
  }
  return { accountId: out.Account, arn: out.Arn, partition: partitionOf(out.Arn) };
}

/**
 * STS `AssumeRole` with the session name `endpoint-auditor`.
 *
 * @throws AccountAccessError naming the account (AccessDenied, a wrong external id, an SCP, …).
 * @example
 * ```ts
 * const credentials = await assumeRole(sts, { accountId: "111111111111", roleArn: roleArn("aws", "111111111111", "Audit") });
 * ```
 */
export async function assumeRole(
  sts: STSClient,
  request: { accountId: string; roleArn: string; externalId?: string; durationSeconds?: number },
): Promise<AccountCredentials> {
  const call = "sts:AssumeRole";
  let out;
  try {
    out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        ...(request.externalId !== undefined ? { ExternalId: request.externalId } : {}),
        DurationSeconds: request.durationSeconds ?? 3600,
      }),
    );
  } catch (error) {
    throw accessError({ accountId: request.accountId, call }, error);
  }
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new AccountAccessError({ accountId: request.accountId, call }, `no credentials in the response for ${request.roleArn}`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
  };
}

/**
 * The regions enabled for the account (EC2 `DescribeRegions` without `AllRegions`: opted-out regions are
 * left out), sorted.
 *
 * @throws AccountAccessError
 * @example
 * ```ts
 * const regions = await listEnabledRegions(createClients({ region: "us-east-1" }).ec2, { region: "us-east-1" });
 * ```
 */
export async function listEnabledRegions(ec2: EC2Client, context: { accountId?: string; region: string }): Promise<string[]> {
  const call = "ec2:DescribeRegions";
  let out;
  try {
    out = await ec2.send(new DescribeRegionsCommand({}));
  } catch (error) {
    throw accessError({ ...context, call }, error);
  }
  const names = (out.Regions ?? [])
    .filter((r) => r.OptInStatus === undefined || r.OptInStatus !== "not-opted-in")
    .map((r) => r.RegionName)
    .filter((n): n is string => typeof n === "string" && n.length > 0);
  if (names.length === 0) throw new AccountAccessError({ ...context, call }, "the response lists no region");
  return [...new Set(names)].sort();
}

/** An organization member account. */
export interface OrganizationAccount {
  accountId: string;
  name?: string;
  /** `State` (or the retired `Status` when only that is present). */
  state: string;
}

function stateOf(account: OrgAccount): string {
  return account.State ?? account.Status ?? "UNKNOWN";
}

/**
 * The organization's ACTIVE accounts: `ListAccounts`, or for an OU (`ou-…`) or root (`r-…`)
 * `ListAccountsForParent` on it and, recursively, on every child OU (`ListChildren`). Every page is
 * followed. Accounts in any other state (suspended, pending closure, closed) are left out.
 *
 * @throws AccountAccessError (e.g. AWSOrganizationsNotInUseException, AccessDeniedException when not the
 *   management or a delegated administrator account).
 * @example
 * ```ts
 * const accounts = await listOrganizationAccounts(createOrganizationsClient({ region: "us-east-1" }), { parentId: "ou-ab12-cdef3456" });
 * ```
 */
export async function listOrganizationAccounts(organizations: OrganizationsClient, options: { parentId?: string } = {}): Promise<OrganizationAccount[]> {
  const all: OrgAccount[] = [];
  const pages = async <T>(call: string, fetch: (token: string | undefined) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> => {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      let page;
      try {
        page = await fetch(token);
      } catch (error) {
        throw accessError({ call }, error);
      }
      items.push(...(page.items ?? []));
      token = page.next === "" ? undefined : page.next;
      if (token !== undefined) {
        if (seen.has(token)) throw new AccountAccessError({ call }, `pagination did not advance (NextToken ${JSON.stringify(token)} repeated)`);
        seen.add(token);
      }
    } while (token !== undefined);
    return items;
  };

  if (options.parentId === undefined) {
    all.push(
      ...(await pages("organizations:ListAccounts", async (NextToken) => {
        const out = await organizations.send(new ListAccountsCommand({ NextToken }));
        return { items: out.Accounts, next: out.NextToken };
      })),
    );
  } else {
    const visit = async (parentId: string): Promise<void> => {
      all.push(
        ...(await pages("organizations:ListAccountsForParent", async (NextToken) => {
          const out = await organizations.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken }));
          return { items: out.Accounts, next: out.NextToken };
        })),
      );
      const children = await pages("organizations:ListChildren", async (NextToken) => {
        const out = await organizations.send(new ListChildrenCommand({ ParentId: parentId, ChildType: "ORGANIZATIONAL_UNIT", NextToken }));
        return { items: out.Children, next: out.NextToken };
      });
      for (const child of children) if (child.Id) await visit(child.Id);
    };
    await visit(options.parentId);
  }
  const seen = new Set<string>();
  const out: OrganizationAccount[] = [];
  for (const a of all) {
    if (!a.Id || seen.has(a.Id) || stateOf(a) !== "ACTIVE") continue;
    seen.add(a.Id);
    out.push({ accountId: a.Id, ...(a.Name !== undefined ? { name: a.Name } : {}), state: stateOf(a) });
  }
  return out;
}

/** One account to scan. */
export interface AccountTarget {
  /** The account id, when known before scanning (assumed roles); absent = the caller's own account. */
  accountId?: string;
  /** The account's credentials (e.g. an AssumeRole), fetched once; absent = the caller's credentials. */
  credentials?: () => Promise<AccountCredentials>;
}

/** What happened to an account before its regions were collected (for progress output). */
export interface AccountEvent {
  accountId?: string;
  status: "ready" | "failed";
  regions?: string[];
  message?: string;
}

export interface ScanAccountsOptions {
  accounts: readonly AccountTarget[];
  /** The regions to scan in every account, or `"all"`: each account's enabled regions (`DescribeRegions`). */
  regions: readonly string[] | "all";
  /** Where account-level calls go (GetCallerIdentity, DescribeRegions); default: the first region given. */
  homeRegion?: string;
  selections?: readonly RuleSelection[];
  now?: Date;
  /** Builds one region's clients with an account's credentials (undefined: the caller's own). */
  clientsFor: (region: string, credentials: AccountCredentials | undefined) => AwsClients;
  /** Account-regions collected at once, across all accounts (default 4). */
  concurrency?: number;
  onProgress?: (event: ProgressEvent & { accountId: string }) => void;
  onAccount?: (event: AccountEvent) => void;
}

export interface ScanAccountsOutput extends AccountsResult {
  /** The raw responses and account failures, ready for `--save-snapshot`. */
  snapshot: SnapshotSet;
}

interface ReadyAccount {
  accountId: string;
  credentials: AccountCredentials | undefined;
  regions: string[];
}

function failureOf(error: unknown, accountId: string, call: string): AccountFailure {
  if (error instanceof AccountAccessError) {
    return { accountId, call: error.call, message: error.message, ...(error.code !== undefined ? { code: error.code } : {}) };
  }
  return { accountId, call, message: errorMessage(error) };
}

/**
 * Scans accounts × regions: per account its credentials (once), its account id (GetCallerIdentity, only
 * for the caller's own account) and, for `"all"`, its enabled regions (once); then every account-region
 * through one pool of at most `concurrency` collections, each exactly {@link collectRegion}; then the rules.
 * An account that cannot be read becomes one error naming it; the other accounts are unaffected.
 *
 * @throws UnknownRuleError | ParameterValidationError for bad selections; AccountAccessError when the
 *   caller's own account (no `accountId` given) cannot be identified.
 * @example
 * ```ts
 * const out = await scanAccounts({
 *   accounts: [{}],
 *   regions: "all",
 *   clientsFor: (region, credentials) => createClients({ region, credentials }),
 * });
 * ```
 */
export async function scanAccounts(options: ScanAccountsOptions): Promise<ScanAccountsOutput> {
  const rules = prepareRules(options.selections);
  const now = options.now ?? new Date();
  const explicit = options.regions === "all" ? undefined : [...new Set(options.regions)];
  if (explicit && explicit.length === 0) throw new EndpointAuditorError("scanAccounts needs at least one region (or \"all\")");
  const homeRegion = options.homeRegion ?? explicit?.[0];
  if (homeRegion === undefined) throw new EndpointAuditorError("scanAccounts needs a home region to list regions in");
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const failures: AccountFailure[] = [];
  const order: string[] = [];

  const prepare = async (target: AccountTarget): Promise<ReadyAccount | undefined> => {
    let credentials: AccountCredentials | undefined;
    let accountId = target.accountId;
    try {
      credentials = target.credentials ? await target.credentials() : undefined;
      if (accountId === undefined) {
        // The caller's own account: the id comes from the first region that answers.
        let lastError: unknown;
        for (const region of explicit ?? [homeRegion]) {
          try {
            accountId = (await callerIdentity(options.clientsFor(region, credentials).sts, region)).accountId;
            break;
          } catch (error) {
            lastError = error;
          }
        }
        if (accountId === undefined) throw lastError;
      }
      const regions = explicit ?? (await listEnabledRegions(options.clientsFor(homeRegion, credentials).ec2, { accountId, region: homeRegion }));
      options.onAccount?.({ accountId, status: "ready", regions });
      return { accountId, credentials, regions };
    } catch (error) {
      if (accountId === undefined) throw error;
      const failure = failureOf(error, accountId, credentials ? "ec2:DescribeRegions" : "sts:AssumeRole");
      failures.push(failure);
      options.onAccount?.({ accountId, status: "failed", message: failure.message });
      return undefined;
    }
  };

  // An account given by id that fails is isolated; the caller's own account failing to identify throws.
  const ready = await mapLimit(options.accounts, concurrency, prepare);
  for (const [i, target] of options.accounts.entries()) {
    const id = ready[i]?.accountId ?? target.accountId;
    if (id !== undefined && !order.includes(id)) order.push(id);
  }

  const parts = partsFor(rules);
  // Every metric the selected rules read, over the longest window any of them needs.
  const metrics = metricNeeds(rules);
  const jobs = ready.flatMap((account) => (account ? account.regions.map((region) => ({ account, region })) : []));
  const raws = await mapLimit(jobs, concurrency, ({ account, region }) =>
    collectRegion({
      region,
      accountId: account.accountId,
      clients: options.clientsFor(region, account.credentials),
      parts,
      now,
      metricWindowDays: metrics.days,
      metricNames: metrics.names,
      ...(options.onProgress
        ? { onProgress: (event: ProgressEvent) => options.onProgress?.({ ...event, accountId: account.accountId }) }
        : {}),
    }),
  );
  const accounts: AccountRaw[] = [];
  for (const [i, job] of jobs.entries()) {
    let entry = accounts.find((a) => a.accountId === job.account.accountId);
    if (!entry) {
      entry = { accountId: job.account.accountId, regions: [] };
      accounts.push(entry);
    }
    entry.regions.push(raws[i] as RawRegion);
  }
  const snapshot: SnapshotSet = {
    capturedAt: now.toISOString(),
    rules: rules.map((r) => r.rule.metadata.id),
    accounts: order.flatMap((id) => accounts.filter((a) => a.accountId === id)),
    failures: order.flatMap((id) => failures.filter((f) => f.accountId === id)),
  };
  return { ...evaluateSnapshotSetWith(snapshot, rules, now), snapshot };
}

/** The parts (and their dependencies) a region's raw data neither holds nor records as failed. */
function missingParts(raw: RawRegion, requires: readonly InventoryPart[]): InventoryPart[] {
  const failed = new Set((raw.errors ?? []).map((e) => e.part));
  return resolveParts(requires).filter((p) => raw[p] === undefined && !failed.has(p));
}

/**
 * Evaluates a snapshot set with prepared rules: each account's regions through the same parsing and
 * rules as a live scan; account failures become errors naming the account.
 */
export function evaluateSnapshotSetWith(set: SnapshotSet, rules: readonly PreparedRule[], now: Date): AccountsResult {
  const accountIds: string[] = [];
  const regions: string[] = [];
  const evaluations: Evaluation[] = [];
  const errors: AccountScanError[] = [];
  const addAccount = (id: string): void => {
    if (!accountIds.includes(id)) accountIds.push(id);
  };
  for (const account of set.accounts) {
    addAccount(account.accountId);
    for (const raw of account.regions) {
      if (!regions.includes(raw.region)) regions.push(raw.region);
      // A rule whose lists the snapshot never asked for (a scan with other --rules) is named as such,
      // not evaluated on missing data.
      const lacking = new Map(rules.map((r) => [r, missingParts(raw, r.rule.metadata.requires)]));
      const runnable = rules.filter((r) => (lacking.get(r) ?? []).length === 0);
      const result = evaluateRawRegions(account.accountId, [raw], runnable, now);
      // Loops, not push(...list): past ~120,000 arguments a spread overflows the call stack.
      for (const evaluation of result.evaluations) evaluations.push(evaluation);
      for (const error of result.errors) errors.push({ accountId: account.accountId, ...error });
      for (const rule of rules) {
        const missing = lacking.get(rule) ?? [];
        if (missing.length === 0) continue;
        const takenWith = set.rules ?? RULES.filter((r) => missingParts(raw, r.metadata.requires).length === 0).map((r) => r.metadata.id);
        const calls = [...new Set(missing.map((p) => PART_CALLS[p]))].join(", ");
        errors.push({
          accountId: account.accountId,
          region: raw.region,
          ruleId: rule.rule.metadata.id,
          message:
            `not evaluated: the snapshot holds no ${calls} data; it was taken with --rules ${takenWith.join(",") || "(none)"}. ` +
            `Scan again with this rule, or evaluate with --rules ${takenWith.join(",") || "…"}`,
        });
      }
    }
  }
  for (const f of set.failures) {
    addAccount(f.accountId);
    errors.push({ accountId: f.accountId, call: f.call, message: f.message, ...(f.code !== undefined ? { code: f.code } : {}) });
  }
  return { accountIds, scannedAt: now.toISOString(), regions, evaluations, errors };
}
