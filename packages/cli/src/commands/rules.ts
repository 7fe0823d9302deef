/** `endpoint-auditor rules`: the rule catalogue. */
import { RULES, permissionsFor } from "@endpoint-auditor/core";
import { parseFlags, parseFormat, stringValue } from "../args";
import { stageRules } from "./stage";
import { ExitCode } from "../exit-codes";
import { RULES_HELP } from "../help";
import type { CliIo } from "../io";
import { RULES_FORMATS, renderRules, type RuleDescription } from "../render/index";
import { outputWidth } from "./shared";

const OPTIONS = {
  format: { type: "string" },
  stage: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Every registered rule with the IAM actions its inventory parts imply (and, with a stage, its deployment). */
export function describeRules(stage?: string): RuleDescription[] {
  const deployed = stage !== undefined ? stageRules(stage) : undefined;
  return RULES.map((rule) => {
    const s = deployed?.find((r) => r.ruleId === rule.metadata.id);
    return {
      metadata: rule.metadata,
      permissions: permissionsFor(rule.metadata.requires),
      ...(stage !== undefined && s ? { stage: { name: stage, enabled: s.enabled, parameters: s.parameters } } : {}),
    };
  });
}

export async function rulesCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("rules", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(RULES_HELP);
    return ExitCode.OK;
  }
  const format = parseFormat("rules", stringValue(values.format), RULES_FORMATS);
  io.stdout.write(renderRules(format, describeRules(stringValue(values.stage)?.trim()), outputWidth(io)));
  return ExitCode.OK;
}
