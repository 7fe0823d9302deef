/**
 * Runs rules over an inventory: validates parameters, refuses rules whose data is missing, applies the
 * exemption tag and AWS Config's annotation limits. The one place where findings become evaluations.
 */
import { DuplicateRuleError, RuleEvaluationError, UnknownRuleError, errorMessage } from "../errors";
import {
  Compliance,
  EXEMPT_TAG,
  clampAnnotation,
  type Evaluation,
  type FailedPart,
  type Finding,
  type ScanError,
} from "../evaluation";
import type { Inventory, Tags } from "../inventory/model";
import { resolveParts, type InventoryPart } from "../inventory/parts";
import { parseParameters, type ParameterSchema, type ParametersOf } from "../parameters";
import type { AnyRule } from "../rules/rule";
import { RULES } from "../rules/index";

/** A rule chosen for a run, with its raw (unvalidated) parameters. */
export interface RuleSelection {
  ruleId: string;
  params?: Readonly<Record<string, unknown>>;
}

/** A rule ready to run: validated parameters. */
export interface PreparedRule {
  rule: AnyRule;
  params: ParametersOf<ParameterSchema>;
}

/**
 * Looks up and validates each selection. With no selections, every registered rule with its defaults.
 *
 * @throws UnknownRuleError | DuplicateRuleError | ParameterValidationError
 * @example
 * ```ts
 * prepareRules([{ ruleId: "interface-endpoint-in-use", params: { lookbackDays: "60" } }]);
 * ```
 */
export function prepareRules(selections?: readonly RuleSelection[], registry: readonly AnyRule[] = RULES): PreparedRule[] {
  const chosen: readonly RuleSelection[] =
    selections && selections.length > 0 ? selections : registry.map((r) => ({ ruleId: r.metadata.id }));
  const seen = new Set<string>();
  return chosen.map((s) => {
    if (seen.has(s.ruleId)) throw new DuplicateRuleError(s.ruleId);
    seen.add(s.ruleId);
    const rule = registry.find((r) => r.metadata.id === s.ruleId);
    if (!rule) throw new UnknownRuleError(s.ruleId, registry.map((r) => r.metadata.id));
    return { rule, params: parseParameters(rule.metadata.id, rule.metadata.parameters, s.params ?? {}) };
  });
}

/** The inventory parts a set of rules needs. */
export function partsFor(rules: readonly PreparedRule[]): InventoryPart[] {
  return resolveParts(rules.flatMap((r) => r.rule.metadata.requires));
}

/** The number of days of endpoint traffic the rules need (0 when none reads traffic). */
export function metricWindowDays(rules: readonly PreparedRule[]): number {
  let days = 0;
  for (const r of rules) {
    if (!r.rule.metadata.requires.includes("endpointMetrics")) continue;
    const lookback = (r.params as Record<string, unknown>).lookbackDays;
    days = Math.max(days, typeof lookback === "number" ? lookback : 0);
  }
  return days;
}

function tagsOf(inventory: Inventory, rule: AnyRule, resourceId: string): Tags | undefined {
  switch (rule.metadata.resourceType) {
    case "AWS::EC2::VPCEndpoint":
      return inventory.vpcEndpoints.get(resourceId)?.tags;
    case "AWS::EC2::Subnet":
      return inventory.subnets.get(resourceId)?.tags;
    case "AWS::EC2::VPC":
      return inventory.vpcs.get(resourceId)?.tags;
  }
}

function finish(inventory: Inventory, rule: AnyRule, finding: Finding): Evaluation {
  const exempt = tagsOf(inventory, rule, finding.resourceId)?.[EXEMPT_TAG];
  // One literal, no spread: this runs once per evaluation (100k+ in large accounts).
  const evaluation: Evaluation = {
    ruleId: rule.metadata.id,
    resourceType: rule.metadata.resourceType,
    resourceId: finding.resourceId,
    region: inventory.region,
    accountId: inventory.accountId,
    compliance: exempt !== undefined ? Compliance.NOT_APPLICABLE : finding.compliance,
    annotation: clampAnnotation(exempt !== undefined ? `Exempt: ${exempt.trim() || "(no reason given)"}` : finding.annotation),
  };
  if (
    exempt === undefined &&
    finding.compliance === Compliance.NON_COMPLIANT &&
    finding.monthlySavingsUsd !== undefined &&
    finding.monthlySavingsUsd > 0
  ) {
    evaluation.monthlySavingsUsd = Math.round(finding.monthlySavingsUsd * 100) / 100;
  }
  return evaluation;
}

/** The result of running rules over one inventory. */
export interface InventoryResult {
  evaluations: Evaluation[];
  errors: ScanError[];
}

/**
 * Evaluates prepared rules over one region's inventory. A rule whose required parts failed or are
 * missing yields an error and **no** evaluations for that region — never a guess.
 *
 * @example
 * ```ts
 * const { evaluations, errors } = evaluateInventory(inventory, prepareRules(), new Date());
 * ```
 */
export function evaluateInventory(inventory: Inventory, rules: readonly PreparedRule[], now: Date): InventoryResult {
  const evaluations: Evaluation[] = [];
  const errors: ScanError[] = [];
  for (const { rule, params } of rules) {
    const ruleId = rule.metadata.id;
    const needed = resolveParts(rule.metadata.requires);
    const failed = needed.filter((p) => inventory.failures.has(p));
    if (failed.length > 0) {
      const failedParts: FailedPart[] = failed.map((p) => {
        const f = inventory.failures.get(p);
        return { part: p, call: f?.call ?? p, message: f?.message ?? "unknown error", ...(f?.code !== undefined ? { code: f.code } : {}) };
      });
      const reasons = failedParts.map((f) => `${f.call} failed: ${f.message}`);
      errors.push({ region: inventory.region, ruleId, message: `not evaluated: ${reasons.join("; ")}`, failedParts });
      continue;
    }
    const missing = needed.filter((p) => !inventory.parts.has(p));
    if (missing.length > 0) {
      errors.push({ region: inventory.region, ruleId, message: `not evaluated: inventory lacks ${missing.join(", ")}` });
      continue;
    }
    try {
      const findings = rule.evaluate({ inventory, params, now });
      const seen = new Set<string>();
      for (const f of findings) {
        if (seen.has(f.resourceId)) continue;
        seen.add(f.resourceId);
        evaluations.push(finish(inventory, rule, f));
      }
    } catch (error) {
      const message = error instanceof RuleEvaluationError ? error.message : `rule failed: ${errorMessage(error)}`;
      errors.push({ region: inventory.region, ruleId, message });
    }
  }
  return { evaluations, errors };
}
