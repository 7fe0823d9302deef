/**
 * Reading the auditor's rules out of an AWS Config aggregator (organization-wide, in the management or a
 * delegated administrator account), with the fewest calls the aggregator APIs allow:
 *
 * 1. `DescribeAggregateComplianceByConfigRules`, filtered by rule name, once per deployed rule: one row per
 *    source account and region where the rule has results, with its compliance (≤ 1,000 rows a page).
 * 2. Per row that is NON_COMPLIANT: `GetAggregateComplianceDetailsByConfigRule` for `NON_COMPLIANT`, 100
 *    results a page — the open findings with their annotations (where the monthly saving is read back by
 *    `parseMonthlySavings`), and the time of the rule's last evaluation there.
 * 3. Per row that is COMPLIANT: the same call for `COMPLIANT` with `Limit: 1` — only to learn when the rule
 *    last evaluated there. The evaluator writes every resource it judges on every run, so any current result
 *    carries the last run's time; without this, a rule that stopped running in a clean account would look
 *    clean forever.
 *
 * The aggregator holds no NOT_APPLICABLE results and no rule without results (AWS Config API reference), so
 * a row exists only where a rule has judged something. The alternative, `SelectAggregateResourceConfig`
 * over `AWS::Config::ResourceCompliance`, costs more: it needs that type recorded in every account, holds no
 * annotation (so no saving) and no evaluation time, so steps 2 and 3 would still be needed (README:
 * "Organization digest", API calls).
 *
 * A call that fails (after the SDK's retries) fails only its rule (step 1) or its rule, account and region
 * (steps 2–3): that part is reported as not read — never as clean — and the rest is read.
 */
import {
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  type AggregateComplianceByConfigRule,
  type AggregateEvaluationResult,
  type ConfigServiceClient,
} from "@aws-sdk/client-config-service";
import { mapLimit } from "../concurrency";
import { EndpointAuditorError, errorMessage } from "../errors";
import { Compliance } from "../evaluation";
import { parseMonthlySavings } from "../savings";

/** Page sizes of the aggregator APIs (AWS Config API reference: `Limit` 0–1000 and 0–100). */
export const AggregatorPageLimits = {
  describeAggregateComplianceByConfigRules: 1000,
  getAggregateComplianceDetailsByConfigRule: 100,
} as const;

/** The IAM actions the reader needs, on the aggregator's ARN (resource type `ConfigurationAggregator`). */
export const AGGREGATOR_READ_ACTIONS = [
  "config:DescribeAggregateComplianceByConfigRules",
  "config:GetAggregateComplianceDetailsByConfigRule",
] as const;

/** One of the auditor's rules as deployed in the member accounts. */
export interface DeployedRule {
  ruleId: string;
  /** The AWS Config rule name in every member account (`<prefix><ruleId>`). */
  ruleName: string;
}

/** Where a rule reports: one source account and region. */
export interface RuleSourceKey {
  ruleId: string;
  accountId: string;
  region: string;
}

/** A rule in one source account and region, as the aggregator shows it now. */
export interface RuleSource extends RuleSourceKey {
  ruleName: string;
  /** The aggregator's compliance of the rule there (`COMPLIANT`, `NON_COMPLIANT`, or what else it says). */
  compliance: string;
  /** The newest evaluation time of any of its results there (ISO), when one was read. */
  lastEvaluatedAt?: string;
  /** False when a call about it failed: its findings are unknown this week. */
  read: boolean;
}

/** An open finding in the organization. */
export interface OrgFinding extends RuleSourceKey {
  resourceType: string;
  resourceId: string;
  annotation: string;
  /** The saving the annotation states ({@link parseMonthlySavings}), when it states one. */
  monthlySavingsUsd?: number;
}

/** A part of the aggregator that could not be read. */
export interface AggregatorReadFailure {
  call: string;
  ruleId: string;
  accountId?: string;
  region?: string;
  code?: string;
  message: string;
}

/** What one read of the aggregator found. */
export interface AggregatorSnapshot {
  sources: RuleSource[];
  open: OrgFinding[];
  failures: AggregatorReadFailure[];
  /** Calls made, by API (pages included). */
  calls: { describe: number; details: number; probes: number };
}

/** A call to the aggregator failed; names the call, the rule and, for details, the account and region. */
export class AggregatorReadError extends EndpointAuditorError {
  public readonly call: string;
  public readonly ruleId: string;
  public readonly accountId?: string;
  public readonly region?: string;
  public readonly code?: string;

  public constructor(context: Omit<AggregatorReadFailure, "message">, message: string, options?: { cause?: unknown }) {
    const where = context.accountId ? ` for account ${context.accountId} in ${context.region}` : "";
    super(`${context.call} (rule ${context.ruleId}${where}) failed: ${message}`, options);
    this.call = context.call;
    this.ruleId = context.ruleId;
    this.accountId = context.accountId;
    this.region = context.region;
    this.code = context.code;
  }

  /** The failure as the digest reports it. */
  public toFailure(): AggregatorReadFailure {
    return {
      call: this.call,
      ruleId: this.ruleId,
      ...(this.accountId !== undefined ? { accountId: this.accountId, region: this.region } : {}),
      ...(this.code !== undefined ? { code: this.code } : {}),
      message: this.message,
    };
  }
}

/** What {@link readAggregator} needs. */
export interface ReadAggregatorOptions {
  aggregatorName: string;
  rules: readonly DeployedRule[];
  /** Calls in flight at once (default 4). */
  concurrency?: number;
}

const DESCRIBE = "config:DescribeAggregateComplianceByConfigRules";
const DETAILS = "config:GetAggregateComplianceDetailsByConfigRule";

function codeOf(error: unknown): string | undefined {
  const e = error as { name?: unknown; Code?: unknown } | null;
  if (typeof e?.Code === "string") return e.Code;
  return typeof e?.name === "string" && e.name !== "Error" ? e.name : undefined;
}

function wrap(context: Omit<AggregatorReadFailure, "message" | "code">, error: unknown): AggregatorReadError {
  if (error instanceof AggregatorReadError) return error;
  const code = codeOf(error);
  return new AggregatorReadError({ ...context, ...(code ? { code } : {}) }, errorMessage(error), { cause: error });
}

/** Follows `NextToken` (through empty pages) until there is none, or `enough` says stop; refuses a repeated token. */
async function paginate<P extends { NextToken?: string }>(
  fetch: (token: string | undefined) => Promise<P>,
  enough: (page: P) => boolean = () => false,
): Promise<P[]> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    if (enough(page)) break;
    token = page.NextToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error("the same NextToken came back twice");
      seen.add(token);
    }
  } while (token !== undefined);
  return pages;
}

function timeOf(result: AggregateEvaluationResult): string | undefined {
  const at = result.ConfigRuleInvokedTime ?? result.EvaluationResultIdentifier?.OrderingTimestamp;
  return at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined;
}

function newest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

/**
 * Reads the open findings of the auditor's rules in every source account and region of an aggregator, and
 * when each rule last evaluated there. Never throws for a failed call: the failure is listed and that rule
 * (or rule, account and region) is marked unread.
 *
 * @example
 * ```ts
 * const snapshot = await readAggregator(config, {
 *   aggregatorName: "org",
 *   rules: RULES.map((r) => ({ ruleId: r.metadata.id, ruleName: `endpoint-auditor-prod-${r.metadata.id}` })),
 * });
 * snapshot.open.length; // open findings across the organization
 * ```
 */
export async function readAggregator(client: Pick<ConfigServiceClient, "send">, options: ReadAggregatorOptions): Promise<AggregatorSnapshot> {
  const concurrency = options.concurrency ?? 4;
  const calls = { describe: 0, details: 0, probes: 0 };
  const failures: AggregatorReadFailure[] = [];

  const rows = await mapLimit(options.rules, concurrency, async (rule) => {
    try {
      const pages = await paginate(async (token) => {
        calls.describe++;
        return client.send(
          new DescribeAggregateComplianceByConfigRulesCommand({
            ConfigurationAggregatorName: options.aggregatorName,
            Filters: { ConfigRuleName: rule.ruleName },
            Limit: AggregatorPageLimits.describeAggregateComplianceByConfigRules,
            NextToken: token,
          }),
        );
      });
      return pages.flatMap((p) => p.AggregateComplianceByConfigRules ?? []).map((row) => ({ rule, row }));
    } catch (error) {
      failures.push(wrap({ call: DESCRIBE, ruleId: rule.ruleId }, error).toFailure());
      return [];
    }
  });

  const sources = new Map<string, RuleSource>();
  const work: Array<{ rule: DeployedRule; source: RuleSource }> = [];
  for (const { rule, row } of rows.flat()) {
    const source = sourceOf(rule, row);
    if (!source) continue;
    const key = `${source.ruleId}\u0000${source.accountId}\u0000${source.region}`;
    if (sources.has(key)) continue;
    sources.set(key, source);
    work.push({ rule, source });
  }

  const found = await mapLimit(work, concurrency, async ({ rule, source }): Promise<OrgFinding[]> => {
    const context = { call: DETAILS, ruleId: rule.ruleId, accountId: source.accountId, region: source.region };
    const details = (complianceType: typeof Compliance.COMPLIANT | typeof Compliance.NON_COMPLIANT, limit: number, enough?: (results: AggregateEvaluationResult[]) => boolean) =>
      paginate(
        async (token) => {
          if (limit === 1) calls.probes++;
          else calls.details++;
          return client.send(
            new GetAggregateComplianceDetailsByConfigRuleCommand({
              ConfigurationAggregatorName: options.aggregatorName,
              ConfigRuleName: rule.ruleName,
              AccountId: source.accountId,
              AwsRegion: source.region,
              ComplianceType: complianceType,
              Limit: limit,
              NextToken: token,
            }),
          );
        },
        enough ? (page) => enough(page.AggregateEvaluationResults ?? []) : undefined,
      ).then((pages) => pages.flatMap((p) => p.AggregateEvaluationResults ?? []));
    try {
      const open: OrgFinding[] = [];
      if (source.compliance === Compliance.NON_COMPLIANT) {
        for (const result of await details(Compliance.NON_COMPLIANT, AggregatorPageLimits.getAggregateComplianceDetailsByConfigRule)) {
          source.lastEvaluatedAt = newest(source.lastEvaluatedAt, timeOf(result));
          if (result.ComplianceType !== Compliance.NON_COMPLIANT) continue;
          open.push(findingOf(source, result));
        }
      }
      if (source.lastEvaluatedAt === undefined && (source.compliance === Compliance.COMPLIANT || source.compliance === Compliance.NON_COMPLIANT)) {
        // One result is enough: every current result carries the last run's time.
        const probe = await details(Compliance.COMPLIANT, 1, (results) => results.length > 0);
        for (const result of probe) source.lastEvaluatedAt = newest(source.lastEvaluatedAt, timeOf(result));
      }
      return open;
    } catch (error) {
      source.read = false;
      failures.push(wrap(context, error).toFailure());
      return [];
    }
  });

  return { sources: [...sources.values()], open: found.flat(), failures, calls };
}

function sourceOf(rule: DeployedRule, row: AggregateComplianceByConfigRule): RuleSource | undefined {
  const accountId = row.AccountId;
  const region = row.AwsRegion;
  if (!accountId || !region) return undefined;
  return {
    ruleId: rule.ruleId,
    ruleName: rule.ruleName,
    accountId,
    region,
    compliance: row.Compliance?.ComplianceType ?? "INSUFFICIENT_DATA",
    read: true,
  };
}

function findingOf(source: RuleSource, result: AggregateEvaluationResult): OrgFinding {
  const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
  const resourceId = qualifier?.ResourceId;
  const resourceType = qualifier?.ResourceType;
  if (!resourceId || !resourceType) {
    throw new AggregatorReadError(
      { call: DETAILS, ruleId: source.ruleId, accountId: source.accountId, region: source.region },
      "an evaluation result has no resource id or type",
    );
  }
  const annotation = result.Annotation ?? "";
  const saving = parseMonthlySavings(annotation);
  return {
    ruleId: source.ruleId,
    accountId: source.accountId,
    region: source.region,
    resourceType,
    resourceId,
    annotation,
    ...(saving !== undefined ? { monthlySavingsUsd: saving } : {}),
  };
}
