/**
 * A synthetic organization as an AWS Config aggregator sees it: every account and region a seeded synthetic
 * inventory, judged by the real rules (core's `evaluateRawRegions`), and each evaluation turned into the
 * aggregated result AWS Config would hold for the deployed rule `<prefix><ruleId>` (NOT_APPLICABLE left
 * out, as the aggregator does).
 */
import { RULES, evaluateRawRegions, prepareRules, type Evaluation } from "@endpoint-auditor/core";
import { syntheticRegion } from "@endpoint-auditor/core/testing";
import type { AggregatedResult } from "./fake-aws";

export interface OrganizationOptions {
  accounts: number;
  regions: readonly string[];
  /** When the rules last ran (every result's evaluation time). */
  evaluatedAt: Date;
  /** Deployed rule name prefix (default `endpoint-auditor-prod-`). */
  prefix?: string;
  seed?: number;
  /** VPCs per account and region (default 3). */
  vpcs?: number;
  /** Interface endpoints per account and region (default 8). */
  interfaceEndpoints?: number;
}

export interface Organization {
  accountIds: string[];
  evaluations: Evaluation[];
  results: AggregatedResult[];
  /** The deployed rule name of each rule id. */
  ruleNames: Map<string, string>;
}

/** The 12-digit id of the n-th synthetic account. */
export function accountIdOf(n: number): string {
  return String(210_000_000_000 + n * 1_111).padStart(12, "0");
}

/**
 * Builds the organization.
 *
 * @example
 * ```ts
 * const org = syntheticOrganization({ accounts: 50, regions: ["us-east-1", "eu-west-1"], evaluatedAt: now });
 * fake.aggregator.add("org", "us-east-1", org.results);
 * ```
 */
export function syntheticOrganization(options: OrganizationOptions): Organization {
  const prefix = options.prefix ?? "endpoint-auditor-prod-";
  const rules = prepareRules();
  const accountIds = Array.from({ length: options.accounts }, (_, i) => accountIdOf(i + 1));
  const evaluations: Evaluation[] = [];
  let n = 0;
  for (const accountId of accountIds) {
    const raws = options.regions.map((region) =>
      syntheticRegion({
        seed: (options.seed ?? 1) * 10_007 + n++,
        region,
        accountId,
        now: options.evaluatedAt,
        vpcs: options.vpcs ?? 3,
        interfaceEndpoints: options.interfaceEndpoints ?? 8,
        s3DynamoInterfaceRatio: 0.2,
      }),
    );
    const scan = evaluateRawRegions(accountId, raws, rules, options.evaluatedAt);
    if (scan.errors.length > 0) throw new Error(`synthetic organization: ${scan.errors.map((e) => e.message).join("; ")}`);
    evaluations.push(...scan.evaluations);
  }
  const ruleNames = new Map(RULES.map((r) => [r.metadata.id, `${prefix}${r.metadata.id}`]));
  const results = evaluations
    .filter((e) => e.compliance !== "NOT_APPLICABLE")
    .map(
      (e): AggregatedResult => ({
        accountId: e.accountId,
        region: e.region,
        ruleName: ruleNames.get(e.ruleId) as string,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        complianceType: e.compliance,
        annotation: e.annotation,
        orderingTimestamp: options.evaluatedAt,
      }),
    );
  return { accountIds, evaluations, results, ruleNames };
}
