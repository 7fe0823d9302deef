/**
 * `--stage NAME`: the rule selection and parameters of a deployed stage, read from stacks/settings.ts
 * through its public `settingsFor` — so the CLI judges with exactly what the deployed Config rules use.
 */
import type { RuleSelection } from "@endpoint-auditor/core";
import { SETTINGS, settingsFor } from "../../../../stacks/settings";
import { UsageError } from "../args";
import { suggestion } from "../text";

/** One rule as a stage deploys it. */
export interface StageRule {
  ruleId: string;
  enabled: boolean;
  /** The parameters the deployed rule receives (every parameter as text, defaults included). */
  parameters: Record<string, string>;
}

/** The stages named in stacks/settings.ts. */
export function knownStages(): string[] {
  return Object.keys(SETTINGS.stages);
}

/**
 * The rules of a stage (every registry rule, enabled or not), as the stack deploys them.
 *
 * @throws UsageError for a stage the settings do not name, or settings that do not validate.
 * @example
 * ```ts
 * stageRules("prod").filter((r) => r.enabled);
 * ```
 */
export function stageRules(stage: string): StageRule[] {
  const stages = knownStages();
  if (!stages.includes(stage)) {
    throw new UsageError(
      `unknown --stage '${stage}'${suggestion(stage, stages)}; stacks/settings.ts names ${stages.length > 0 ? stages.join(", ") : "no stage"}`,
      "pass a stage from stacks/settings.ts, or leave --stage out for the rules' defaults",
    );
  }
  let settings;
  try {
    settings = settingsFor(stage);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), "fix stacks/settings.ts (npm run synth shows the same error)", { cause: error });
  }
  return settings.rules.map((r) => {
    const { ruleId: _id, ...parameters } = r.inputParameters;
    return { ruleId: r.rule.metadata.id, enabled: r.enabled, parameters };
  });
}

/**
 * The selections of a stage, narrowed by `--rules` and overridden by `--param` (already parsed).
 *
 * @throws UsageError when `--rules` names a rule the stage disables.
 */
export function stageSelections(stage: string, rulesGiven: boolean, selections: readonly RuleSelection[]): RuleSelection[] {
  const rules = stageRules(stage);
  const enabled = rules.filter((r) => r.enabled);
  const chosen = rulesGiven ? selections.map((s) => s.ruleId) : enabled.map((r) => r.ruleId);
  for (const s of selections) {
    if (s.params && Object.keys(s.params).length > 0 && !chosen.includes(s.ruleId)) chosen.push(s.ruleId);
  }
  return chosen.map((ruleId) => {
    const rule = rules.find((r) => r.ruleId === ruleId);
    if (!rule?.enabled) {
      throw new UsageError(`rule '${ruleId}' is disabled in stage '${stage}'`, `its rules: ${enabled.map((r) => r.ruleId).join(", ")}`);
    }
    const overrides = selections.find((s) => s.ruleId === ruleId)?.params ?? {};
    return { ruleId, params: { ...rule.parameters, ...overrides } };
  });
}
