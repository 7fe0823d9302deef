/**
 * `--stage NAME`: the rule selection and parameters of a deployed stage, read from stacks/settings.ts
 * through its public `settingsFor` — so the CLI judges with exactly what the deployed Config rules use.
 */
import type { RuleSelection } from "@endpoint-auditor/core";
import { SETTINGS } from "../../../../stacks/settings";
import type { SettingsFile } from "../../../../stacks/settings/schema";
import { settingsFor } from "../../../../stacks/settings/validate";
import { didYouMean } from "../text";
import { UsageError } from "../args";

/** One rule as a stage deploys it. */
export interface StageRule {
  ruleId: string;
  enabled: boolean;
  /** The parameters the deployed rule receives (every parameter as text, defaults included). */
  parameters: Record<string, string>;
}

/** The stages named in the settings file. */
export function knownStages(file: SettingsFile = SETTINGS): string[] {
  return Object.keys(file.stages);
}

/**
 * The rules of a stage (every registry rule, enabled or not), as the stack deploys them.
 *
 * @throws UsageError for a misspelt stage (close to a named one), or settings that do not validate.
 * @example
 * ```ts
 * stageRules("prod").filter((r) => r.enabled);
 * ```
 */
export function stageRules(stage: string, file: SettingsFile = SETTINGS): StageRule[] {
  const stages = knownStages(file);
  // Like `sst deploy --stage NAME`, a stage the file does not name deploys the defaults; a name one edit or
  // two away from a named stage is a typo, not a new stage.
  const close = stages.includes(stage) ? undefined : didYouMean(stage, stages);
  if (close !== undefined) {
    throw new UsageError(
      `unknown --stage '${stage}' (did you mean '${close}'?); stacks/settings.ts names ${stages.join(", ")}`,
      "pass a stage from stacks/settings.ts; a stage it does not name deploys the defaults",
    );
  }
  let settings;
  try {
    settings = settingsFor(stage, file);
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
export function stageSelections(stage: string, rulesGiven: boolean, selections: readonly RuleSelection[], file: SettingsFile = SETTINGS): RuleSelection[] {
  const rules = stageRules(stage, file);
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
