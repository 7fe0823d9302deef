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
import type { Inventory } from "../inventory/model";
import type { ListItem, MetricNeeds } from "../inventory/part";
import { partOfResourceType, resolveParts, type InventoryPart } from "../inventory/parts/index";
import { parseParameters, type ParameterSchema, type ParametersOf } from "../parameters";
import type { AnyRule } from "../rules/rule";
import { RULES } from "../rules/index";
import { exemptAnnotation, exemptionNote, exemptionStatus, type ExemptionPolicy } from "./exemptions";

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

/**
 * The endpoint metrics the rules read, from each rule's own `metrics` declaration: the longest window
 * and every metric name (in first-declared order). No rule reads metrics: 0 days, no names.
 *
 * @example
 * ```ts
 * metricNeeds(prepareRules([{ ruleId: "interface-endpoint-in-use", params: { lookbackDays: 60 } }]));
 * // { days: 60, names: ["BytesProcessed"] }
 * ```
 */
export function metricNeeds(rules: readonly PreparedRule[]): MetricNeeds {
  let days = 0;
  const names: string[] = [];
  for (const r of rules) {
    const needs = r.rule.metadata.metrics?.(r.params);
    if (!needs) continue;
    days = Math.max(days, needs.days);
    for (const n of needs.names) if (!names.includes(n)) names.push(n);
  }
  return { days, names };
}

/** The number of days of endpoint metrics the rules need (0 when none reads metrics). */
export function metricWindowDays(rules: readonly PreparedRule[]): number {
  return metricNeeds(rules).days;
}

/** The items of each resource type's list, from the part records (so a new resource type needs no code here). */
function itemsOfType(inventory: Inventory, type: string): ReadonlyMap<string, ListItem> | undefined {
  const part = partOfResourceType(type);
  return part ? (inventory[part.key as InventoryPart] as ReadonlyMap<string, ListItem>) : undefined;
}

/**
 * What the engine keeps of each list, built once per list (kept with the list, like the query indexes): its ids
 * in order, and the exemption tag values of the items that carry the tag (usually none), so an evaluation costs
 * one lookup in a map that is usually empty instead of a property lookup on its resource's own tags.
 */
interface ListIndex {
  ids: readonly string[];
  exemptTags: ReadonlyMap<string, string>;
}

const listIndexes = new WeakMap<ReadonlyMap<string, ListItem>, ListIndex>();
const NO_EXEMPT_TAGS: ReadonlyMap<string, string> = new Map();

function indexOf(items: ReadonlyMap<string, ListItem>): ListIndex {
  let index = listIndexes.get(items);
  if (!index) {
    const ids: string[] = [];
    let found: Map<string, string> | undefined;
    // forEach, not for…of over entries: no [id, item] pair per item.
    items.forEach((item, id) => {
      ids.push(id);
      const tag = item.tags[EXEMPT_TAG];
      if (tag !== undefined) (found ??= new Map()).set(id, tag);
    });
    listIndexes.set(items, (index = { ids, exemptTags: found ?? NO_EXEMPT_TAGS }));
  }
  return index;
}

/** The evaluation of a finding on a resource without an exemption tag (almost all of them). */
function untagged(inventory: Inventory, rule: AnyRule, finding: Finding): Evaluation {
  // One literal, no spread: this runs once per evaluation (100k+ in large accounts).
  const evaluation: Evaluation = {
    ruleId: rule.metadata.id,
    resourceType: rule.metadata.resourceType,
    resourceId: finding.resourceId,
    region: inventory.region,
    accountId: inventory.accountId,
    compliance: finding.compliance,
    annotation: clampAnnotation(finding.annotation),
  };
  const savings = finding.monthlySavingsUsd;
  if (finding.compliance === Compliance.NON_COMPLIANT && savings !== undefined && savings > 0) {
    evaluation.monthlySavingsUsd = Math.round(savings * 100) / 100;
  }
  return evaluation;
}

/** The evaluation of a finding on a resource that carries the exemption tag (`tag` is its value). */
function tagged(inventory: Inventory, rule: AnyRule, finding: Finding, tag: string, now: Date, policy: ExemptionPolicy): Evaluation {
  const status = exemptionStatus(tag, now, policy);
  if (status.kind !== "active") return untagged(inventory, rule, { ...finding, annotation: `${exemptionNote(status)} ${finding.annotation}` });
  const exempt = status.exemption;
  return {
    ruleId: rule.metadata.id,
    resourceType: rule.metadata.resourceType,
    resourceId: finding.resourceId,
    region: inventory.region,
    accountId: inventory.accountId,
    compliance: Compliance.NOT_APPLICABLE,
    annotation: clampAnnotation(exemptAnnotation(exempt)),
    exemption: exempt,
  };
}

/**
 * The findings without those on a resource already judged (the first finding of a resource counts). A rule
 * that reads its resources' list in order yields at most one finding per item, in the list's order: one walk
 * along the list's ids shows it without a set of 100k ids; any other order is deduplicated with a set.
 */
function firstPerResource(findings: readonly Finding[], ids: readonly string[] | undefined): readonly Finding[] {
  if (ids !== undefined) {
    let k = 0;
    let i = 0;
    for (; i < findings.length; i++) {
      const id = (findings[i] as Finding).resourceId;
      while (k < ids.length && ids[k] !== id) k++;
      if (k === ids.length) break;
      k++;
    }
    // Every finding matched a later id of the list than the one before: no resource twice.
    if (i === findings.length) return findings;
  }
  const seen = new Set<string>();
  return findings.filter((f) => {
    const size = seen.size;
    seen.add(f.resourceId);
    return seen.size > size;
  });
}

/** How rules are run. */
export interface EvaluateOptions {
  /** What the deployment demands of exemption tags (default: a reason, no expiry required). */
  exemptions?: ExemptionPolicy;
}

/** The result of running rules over one inventory. */
export interface InventoryResult {
  evaluations: Evaluation[];
  errors: ScanError[];
}

/**
 * Evaluates prepared rules over one region's inventory. A rule whose required parts failed or are
 * missing yields an error and **no** evaluations for that region — never a guess. A resource tagged
 * `endpoint-auditor:exempt` is judged under `options.exemptions` (see `./exemptions`).
 *
 * @example
 * ```ts
 * const { evaluations, errors } = evaluateInventory(inventory, prepareRules(), new Date());
 * ```
 */
export function evaluateInventory(
  inventory: Inventory,
  rules: readonly PreparedRule[],
  now: Date,
  options: EvaluateOptions = {},
): InventoryResult {
  const policy = options.exemptions ?? {};
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
      const items = itemsOfType(inventory, rule.metadata.resourceType);
      const index = items ? indexOf(items) : undefined;
      const exempt = index?.exemptTags ?? NO_EXEMPT_TAGS;
      for (const f of firstPerResource(findings, index?.ids)) {
        const tag = exempt.size > 0 ? exempt.get(f.resourceId) : undefined;
        evaluations.push(tag === undefined ? untagged(inventory, rule, f) : tagged(inventory, rule, f, tag, now, policy));
      }
    } catch (error) {
      const message = error instanceof RuleEvaluationError ? error.message : `rule failed: ${errorMessage(error)}`;
      errors.push({ region: inventory.region, ruleId, message });
    }
  }
  return { evaluations, errors };
}
