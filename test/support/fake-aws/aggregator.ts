/**
 * AWS Config aggregator read APIs over AWS JSON 1.1 (`X-Amz-Target: StarlingDoveService.<Action>`), as the
 * AWS Config API reference documents them, served from in-memory evaluation results of many source
 * accounts and regions:
 *
 * - `DescribeAggregateComplianceByConfigRules`: one `AggregateComplianceByConfigRule` per rule, source
 *   account and region that has results (`Compliance.ComplianceType` NON_COMPLIANT when any result is,
 *   else COMPLIANT; `ComplianceContributorCount` on NON_COMPLIANT rows). `Filters` (`ConfigRuleName`,
 *   `ComplianceType` — COMPLIANT or NON_COMPLIANT only —, `AccountId`, `AwsRegion`), `Limit` 0–1000
 *   (0 = the maximum), `NextToken`.
 * - `GetAggregateComplianceDetailsByConfigRule`: the `AggregateEvaluationResults` of one rule in one source
 *   account and region (all four required), optionally of one `ComplianceType` (COMPLIANT or
 *   NON_COMPLIANT only), `Limit` 0–100 (default 50), `NextToken`.
 *
 * Like the service, the aggregator holds no NOT_APPLICABLE results ("AWS Config supports only the COMPLIANT
 * and NON_COMPLIANT" for aggregated results), answers `NoSuchConfigurationAggregatorException` for an
 * aggregator it does not have in the caller's region, and "can return an empty result page" with a
 * `NextToken`: {@link FakeConfigAggregator.emptyPages} makes every other page empty so a reader that stops at
 * the first empty page is caught.
 */
import { createHash } from "node:crypto";
import { FakeApiError, epochSeconds } from "./protocol";

/** One evaluation result of a source account and region, as an aggregator holds it. */
export interface AggregatedResult {
  accountId: string;
  region: string;
  ruleName: string;
  resourceType: string;
  resourceId: string;
  complianceType: "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";
  annotation?: string;
  /** The evaluation's `OrderingTimestamp` (the evaluator writes the notification time). */
  orderingTimestamp: Date;
  /** `ConfigRuleInvokedTime` (default: `orderingTimestamp`). */
  invokedAt?: Date;
  /** `ResultRecordedTime` (default: `invokedAt`). */
  recordedAt?: Date;
}

const AGGREGATE_LIMITS = {
  describe: { max: 1000, default: 1000 },
  details: { max: 100, default: 50 },
} as const;
const FILTER_COMPLIANCE_TYPES = new Set(["COMPLIANT", "NON_COMPLIANT"]);
/** "The number of AWS resources … responsible for the current compliance of the item, up to a maximum number." */
const CONTRIBUTOR_CAP = 100;

function validation(message: string): FakeApiError {
  return new FakeApiError("ValidationException", message);
}

function requiredString(body: Record<string, unknown>, field: string, pattern?: RegExp): string {
  const value = body[field];
  if (typeof value !== "string" || value.length === 0) {
    throw validation(`1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  if (pattern && !pattern.test(value)) {
    throw validation(`1 validation error detected: Value '${value}' at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

function limitOf(body: Record<string, unknown>, bounds: { max: number; default: number }): number {
  const raw = body.Limit;
  if (raw === undefined || raw === null) return bounds.default;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0 || raw > bounds.max) {
    throw new FakeApiError("InvalidLimitException", `The specified limit ${String(raw)} is outside the allowable range (0-${bounds.max}).`);
  }
  return raw === 0 ? bounds.default : raw;
}

function complianceFilter(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !FILTER_COMPLIANCE_TYPES.has(value)) {
    throw new FakeApiError("InvalidParameterValueException", `ComplianceType ${String(value)} is not supported here; use COMPLIANT or NON_COMPLIANT.`);
  }
  return value;
}

/** In-memory aggregators of the fake's own account, keyed by region and name. */
export class FakeConfigAggregator {
  private readonly aggregators = new Map<string, AggregatedResult[]>();
  private emptyEveryOther = false;

  private key(region: string, name: string): string {
    return `${region}\u0000${name}`;
  }

  /** Creates (or empties) an aggregator named `name` in `region` (where the org digest calls it). */
  create(name: string, region: string): void {
    this.aggregators.set(this.key(region, name), []);
  }

  /**
   * Adds source results to an aggregator; NOT_APPLICABLE ones are dropped, as the service does. A later
   * result for the same rule, account, region and resource replaces the earlier one.
   */
  add(name: string, region: string, results: readonly AggregatedResult[]): void {
    const list = this.aggregators.get(this.key(region, name));
    if (!list) throw new Error(`fake-aws: no aggregator ${name} in ${region}; create it first`);
    const byKey = new Map(list.map((r) => [this.resultKey(r), r]));
    for (const r of results) {
      // A resource that became NOT_APPLICABLE leaves the aggregator.
      if (r.complianceType === "NOT_APPLICABLE") byKey.delete(this.resultKey(r));
      else byKey.set(this.resultKey(r), { ...r });
    }
    this.aggregators.set(this.key(region, name), [...byKey.values()]);
  }

  /** Removes every result of `ruleName` in a source account and region (the rule was deleted there). */
  removeRule(name: string, region: string, ruleName: string, source: { accountId: string; region: string }): void {
    const list = this.aggregators.get(this.key(region, name)) ?? [];
    this.aggregators.set(
      this.key(region, name),
      list.filter((r) => !(r.ruleName === ruleName && r.accountId === source.accountId && r.region === source.region)),
    );
  }

  /** Every stored result of an aggregator (tests compare against it). */
  results(name: string, region: string): AggregatedResult[] {
    return [...(this.aggregators.get(this.key(region, name)) ?? [])];
  }

  /** `true`: every other page is answered empty with a `NextToken` (the documented "empty result page"). */
  emptyPages(on: boolean): void {
    this.emptyEveryOther = on;
  }

  private resultKey(r: Pick<AggregatedResult, "accountId" | "region" | "ruleName" | "resourceType" | "resourceId">): string {
    return [r.accountId, r.region, r.ruleName, r.resourceType, r.resourceId].join("\u0000");
  }

  private aggregator(body: Record<string, unknown>, region: string): AggregatedResult[] {
    const name = requiredString(body, "ConfigurationAggregatorName", /^[\w-]+$/);
    const list = this.aggregators.get(this.key(region, name));
    if (!list) {
      throw new FakeApiError("NoSuchConfigurationAggregatorException", `The configuration aggregator ${name} does not exist.`);
    }
    return list;
  }

  /**
   * One page of `items` from the offset in `NextToken` (bound to the request that made it), with the
   * empty-page behaviour when on.
   */
  private page<T>(items: readonly T[], body: Record<string, unknown>, limit: number, binding: unknown): { page: T[]; next?: string } {
    const fingerprint = createHash("sha256").update(JSON.stringify(binding)).digest("hex").slice(0, 12);
    let offset = 0;
    let emptyNext = false;
    const token = body.NextToken;
    if (typeof token === "string" && token !== "") {
      const m = /^([0-9a-f]{12}):(\d+):([01])$/.exec(Buffer.from(token, "base64url").toString("utf8"));
      if (!m || m[1] !== fingerprint || Number(m[2]) > items.length) {
        throw new FakeApiError("InvalidNextTokenException", "The specified next token is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.");
      }
      offset = Number(m[2]);
      emptyNext = m[3] === "1";
    }
    const tokenFor = (at: number, empty: boolean): string => Buffer.from(`${fingerprint}:${at}:${empty ? 1 : 0}`).toString("base64url");
    if (emptyNext) return { page: [], next: tokenFor(offset, false) };
    const page = items.slice(offset, offset + limit);
    const end = offset + page.length;
    if (end < items.length) return { page, next: tokenFor(end, this.emptyEveryOther) };
    return { page };
  }

  /** Answers `DescribeAggregateComplianceByConfigRules`. */
  describeAggregateComplianceByConfigRules(body: Record<string, unknown>, region: string): Record<string, unknown> {
    const list = this.aggregator(body, region);
    const limit = limitOf(body, AGGREGATE_LIMITS.describe);
    const filters = (body.Filters ?? {}) as Record<string, unknown>;
    if (typeof filters !== "object" || Array.isArray(filters)) throw validation("Filters must be a ConfigRuleComplianceFilters object");
    const wantType = complianceFilter(filters.ComplianceType);
    const rows = new Map<string, { ruleName: string; accountId: string; region: string; nonCompliant: number }>();
    for (const r of list) {
      if (filters.ConfigRuleName !== undefined && r.ruleName !== filters.ConfigRuleName) continue;
      if (filters.AccountId !== undefined && r.accountId !== filters.AccountId) continue;
      if (filters.AwsRegion !== undefined && r.region !== filters.AwsRegion) continue;
      const key = [r.ruleName, r.accountId, r.region].join("\u0000");
      const row = rows.get(key) ?? { ruleName: r.ruleName, accountId: r.accountId, region: r.region, nonCompliant: 0 };
      if (r.complianceType === "NON_COMPLIANT") row.nonCompliant += 1;
      rows.set(key, row);
    }
    const all = [...rows.values()]
      .map((row) => ({ ...row, type: row.nonCompliant > 0 ? "NON_COMPLIANT" : "COMPLIANT" }))
      .filter((row) => wantType === undefined || row.type === wantType)
      .sort((a, b) => a.ruleName.localeCompare(b.ruleName) || a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
    const { page, next } = this.page(all, body, limit, ["describe", region, body.ConfigurationAggregatorName, filters]);
    return {
      AggregateComplianceByConfigRules: page.map((row) => ({
        ConfigRuleName: row.ruleName,
        Compliance: {
          ComplianceType: row.type,
          ...(row.type === "NON_COMPLIANT"
            ? { ComplianceContributorCount: { CappedCount: Math.min(row.nonCompliant, CONTRIBUTOR_CAP), CapExceeded: row.nonCompliant > CONTRIBUTOR_CAP } }
            : {}),
        },
        AccountId: row.accountId,
        AwsRegion: row.region,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** Answers `GetAggregateComplianceDetailsByConfigRule`. */
  getAggregateComplianceDetailsByConfigRule(body: Record<string, unknown>, region: string): Record<string, unknown> {
    const list = this.aggregator(body, region);
    const ruleName = requiredString(body, "ConfigRuleName");
    const accountId = requiredString(body, "AccountId", /^\d{12}$/);
    const sourceRegion = requiredString(body, "AwsRegion");
    const limit = limitOf(body, AGGREGATE_LIMITS.details);
    const wantType = complianceFilter(body.ComplianceType);
    const all = list
      .filter((r) => r.ruleName === ruleName && r.accountId === accountId && r.region === sourceRegion)
      .filter((r) => wantType === undefined || r.complianceType === wantType)
      .sort((a, b) => a.resourceType.localeCompare(b.resourceType) || a.resourceId.localeCompare(b.resourceId));
    const { page, next } = this.page(all, body, limit, ["details", region, body.ConfigurationAggregatorName, ruleName, accountId, sourceRegion, wantType ?? null]);
    return {
      AggregateEvaluationResults: page.map((r) => {
        const invoked = r.invokedAt ?? r.orderingTimestamp;
        return {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ConfigRuleName: r.ruleName, ResourceType: r.resourceType, ResourceId: r.resourceId, EvaluationMode: "DETECTIVE" },
            OrderingTimestamp: epochSeconds(r.orderingTimestamp),
          },
          ComplianceType: r.complianceType,
          ResultRecordedTime: epochSeconds(r.recordedAt ?? invoked),
          ConfigRuleInvokedTime: epochSeconds(invoked),
          ...(r.annotation !== undefined ? { Annotation: r.annotation } : {}),
          AccountId: r.accountId,
          AwsRegion: r.region,
        };
      }),
      ...(next ? { NextToken: next } : {}),
    };
  }
}
