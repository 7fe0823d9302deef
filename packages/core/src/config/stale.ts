/**
 * Clean-up of stale results. Periodic rules never hear about deleted resources, so AWS Config would keep
 * showing their last result forever. After a complete run, the rule's previous results are listed with
 * `GetComplianceDetailsByConfigRule` (paged, 100 per page) and every resource of the rule's type that this
 * run did not evaluate gets `NOT_APPLICABLE` — the pattern of the AWS RDK rule templates.
 *
 * Never after an incomplete run: a resource the run could not judge is not "gone".
 */
import {
  GetComplianceDetailsByConfigRuleCommand,
  type ConfigServiceClient,
  type EvaluationResult,
} from "@aws-sdk/client-config-service";
import { Compliance } from "../evaluation";
import type { WritableEvaluation } from "./writer";

/** The annotation of a resource that is no longer in the account. */
export const NO_LONGER_EXISTS_ANNOTATION = "No longer exists: not found in this account and region at the last evaluation.";
/** The annotation of a resource that still exists but is no longer judged by the rule. */
export const OUT_OF_SCOPE_ANNOTATION = "Not judged by this rule any more (out of its scope).";

/** GetComplianceDetailsByConfigRule's page size limit. */
export const MAX_COMPLIANCE_DETAILS_PAGE = 100;

export interface StaleOptions {
  configRuleName: string;
  /** Only previous results of this resource type are considered. */
  resourceType: string;
  /** Ids this run evaluated (they have fresh results). */
  evaluatedIds: Iterable<string>;
  /**
   * Ids of the rule's resource type that exist in this run's inventory. A previous result for one of them
   * that the rule did not judge this time is "out of scope" rather than "no longer exists".
   */
  existingIds?: Iterable<string>;
  /** Errors of this run. When there is any, nothing is cleaned up (and nothing is listed). */
  runErrors?: readonly unknown[];
  /** Results per page, 1–100 (default 100). */
  pageSize?: number;
}

export interface StaleResult {
  /** `NOT_APPLICABLE` evaluations for previous results that this run did not renew. */
  evaluations: WritableEvaluation[];
  /** Previous results listed (all resource types). */
  listed: number;
  /** `GetComplianceDetailsByConfigRule` calls made. */
  pages: number;
  /** Why the clean-up was skipped, when it was. */
  skipped?: string;
}

/**
 * Lists a rule's previous results and returns `NOT_APPLICABLE` evaluations for the resources of its type
 * that this run did not evaluate. Results already marked with the same annotation are not written again.
 *
 * @example
 * ```ts
 * const { evaluations } = await findStaleEvaluations(config, {
 *   configRuleName: "endpoint-auditor-vpc-flow-logs-enabled",
 *   resourceType: "AWS::EC2::VPC",
 *   evaluatedIds: ["vpc-0a1b2c3d"],
 * });
 * ```
 */
export async function findStaleEvaluations(client: ConfigServiceClient, options: StaleOptions): Promise<StaleResult> {
  if (options.runErrors && options.runErrors.length > 0) {
    return { evaluations: [], listed: 0, pages: 0, skipped: "the run had errors; resources it could not judge are not stale" };
  }
  const pageSize = options.pageSize ?? MAX_COMPLIANCE_DETAILS_PAGE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_COMPLIANCE_DETAILS_PAGE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_COMPLIANCE_DETAILS_PAGE}`);
  }
  const evaluated = new Set(options.evaluatedIds);
  const existing = new Set(options.existingIds ?? []);

  const previous: EvaluationResult[] = [];
  const tokens = new Set<string>();
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: options.configRuleName,
        ComplianceTypes: [Compliance.COMPLIANT, Compliance.NON_COMPLIANT, Compliance.NOT_APPLICABLE],
        Limit: pageSize,
        NextToken: nextToken,
      }),
    );
    pages++;
    previous.push(...(page.EvaluationResults ?? []));
    nextToken = page.NextToken || undefined;
    if (nextToken !== undefined) {
      if (tokens.has(nextToken)) throw new Error(`GetComplianceDetailsByConfigRule returned the same NextToken twice for ${options.configRuleName}`);
      tokens.add(nextToken);
    }
  } while (nextToken !== undefined);

  const evaluations: WritableEvaluation[] = [];
  const seen = new Set<string>();
  for (const result of previous) {
    const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
    const resourceId = qualifier?.ResourceId;
    if (!resourceId || qualifier?.ResourceType !== options.resourceType) continue;
    // Proactive results are about resource definitions, not deployed resources.
    if (qualifier.EvaluationMode !== undefined && qualifier.EvaluationMode !== "DETECTIVE") continue;
    if (evaluated.has(resourceId) || seen.has(resourceId)) continue;
    seen.add(resourceId);
    const annotation = existing.has(resourceId) ? OUT_OF_SCOPE_ANNOTATION : NO_LONGER_EXISTS_ANNOTATION;
    if (result.ComplianceType === Compliance.NOT_APPLICABLE && result.Annotation === annotation) continue;
    evaluations.push({ resourceType: options.resourceType, resourceId, compliance: Compliance.NOT_APPLICABLE, annotation });
  }
  return { evaluations, listed: previous.length, pages };
}
