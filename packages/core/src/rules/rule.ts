/** The shape of a rule: metadata plus a pure evaluation function. */
import type { Finding, ResourceType } from "../evaluation";
import type { Inventory } from "../inventory/model";
import type { MetricNeeds } from "../inventory/part";
import type { InventoryPart } from "../inventory/parts/index";
import type { ParameterSchema, ParametersOf } from "../parameters";

export const Severity = { low: "low", medium: "medium", high: "high" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface RuleMetadata<S extends ParameterSchema = ParameterSchema> {
  /** Equal to the rule's folder name; also the AWS Config rule's `ruleId` input parameter. */
  id: string;
  title: string;
  resourceType: ResourceType;
  severity: Severity;
  /** What the rule checks, one paragraph. */
  description: string;
  /** Why a finding matters (cost or risk). */
  risk: string;
  /** Closed parameter schema with defaults and bounds. */
  parameters: S;
  /** Inventory parts the rule reads; the collector fetches only these, and they imply its IAM actions. */
  requires: readonly InventoryPart[];
  /**
   * The endpoint metrics (CloudWatch `AWS/PrivateLinkEndpoints`) the rule reads and the days before "now"
   * it needs them for, given its parameters. Required when `requires` includes `endpointMetrics`; the
   * collector fetches the union of all selected rules' needs in one set of `GetMetricData` batches.
   */
  metrics?(params: ParametersOf<S>): MetricNeeds;
  remediation: {
    text: string;
    /** AWS CLI commands that fix a finding. */
    cli: string;
    /** Terraform that fixes a finding. */
    terraform: string;
  };
}

export interface RuleContext<P> {
  inventory: Inventory;
  params: P;
  now: Date;
}

export interface Rule<S extends ParameterSchema = ParameterSchema> {
  metadata: RuleMetadata<S>;
  /**
   * Pure: reads the inventory, returns one finding per resource it judges. Resources it does not judge
   * (out of scope, being deleted) are left out. May throw {@link RuleEvaluationError} when data it needs
   * is not in the inventory.
   */
  evaluate(context: RuleContext<ParametersOf<S>>): Finding[];
}

/** A rule with its parameter type erased, as kept in the registry. */
export type AnyRule = Rule<ParameterSchema>;

/**
 * Declares a rule with its parameter types inferred from the schema.
 *
 * @example
 * ```ts
 * export const rule = defineRule({ metadata, evaluate: ({ inventory, params, now }) => [] });
 * ```
 */
export function defineRule<const S extends ParameterSchema>(rule: Rule<S>): Rule<S> {
  return rule;
}
