/** `endpoint-auditor rules`: the rule catalogue. */
import { RULES, permissionsFor } from "@endpoint-auditor/core";
import { parseFlags, parseFormat, stringValue } from "../args";
import { ExitCode } from "../exit-codes";
import { RULES_HELP } from "../help";
import type { CliIo } from "../io";
import { renderRules, type RuleDescription } from "../render/index";
import { outputWidth } from "./shared";

const OPTIONS = {
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Every registered rule with the IAM actions its inventory parts imply. */
export function describeRules(): RuleDescription[] {
  return RULES.map((rule) => ({ metadata: rule.metadata, permissions: permissionsFor(rule.metadata.requires) }));
}

export async function rulesCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const values = parseFlags("rules", args, OPTIONS);
  if (values.help === true) {
    io.stdout.write(RULES_HELP);
    return ExitCode.OK;
  }
  const format = parseFormat("rules", stringValue(values.format));
  io.stdout.write(renderRules(format, describeRules(), outputWidth(io)));
  return ExitCode.OK;
}
