/** Pieces shared by `scan` and `evaluate`: rule selection, output settings, the final write. */
import {
  ParameterValidationError,
  RULES,
  UnknownRuleError,
  prepareRules,
  type PreparedRule,
  type RuleSelection,
  type ScanResult,
} from "@endpoint-auditor/core";
import { UsageError, parseFormat, parseSelections, stringList, stringValue } from "../args";
import { exitCodeFor, type ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import { renderResult, type OutputFormat } from "../render/index";
import { writeJson } from "../render/json";

/** Flags `scan` and `evaluate` share. */
export const SELECTION_OPTIONS = {
  rules: { type: "string", multiple: true },
  param: { type: "string", multiple: true },
  format: { type: "string" },
  "fail-on-noncompliant": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export interface OutputSettings {
  format: OutputFormat;
  failOnNonCompliant: boolean;
  selections: RuleSelection[];
  prepared: PreparedRule[];
}

/**
 * Reads `--rules` and `--param` and validates every parameter against its rule's schema, before
 * anything is scanned.
 *
 * @throws UsageError
 */
export function ruleSettings(values: Record<string, unknown>): { selections: RuleSelection[]; prepared: PreparedRule[] } {
  const selections = parseSelections(
    stringList(values.rules),
    stringList(values.param),
    RULES.map((r) => r.metadata.id),
  );
  try {
    return { selections, prepared: prepareRules(selections) };
  } catch (error) {
    if (error instanceof ParameterValidationError || error instanceof UnknownRuleError) {
      throw new UsageError(error.message, "run 'endpoint-auditor rules' to see each rule's parameters", { cause: error });
    }
    throw error;
  }
}

/**
 * Reads `--rules`, `--param`, `--format`, `--fail-on-noncompliant`.
 *
 * @throws UsageError
 */
export function outputSettings(command: string, values: Record<string, unknown>): OutputSettings {
  const format = parseFormat(command, stringValue(values.format));
  return { format, failOnNonCompliant: values["fail-on-noncompliant"] === true, ...ruleSettings(values) };
}

/** Terminal width for wrapping: the terminal's, else `COLUMNS`, else 120. */
export function outputWidth(io: CliIo): number {
  if (io.stdout.isTTY && io.stdout.columns && io.stdout.columns > 0) return io.stdout.columns;
  const fromEnv = Number(io.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 120;
}

/** Colour only on a terminal, never with `NO_COLOR` (any non-empty value) or `TERM=dumb`. */
export function useColor(io: CliIo): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== "dumb";
}

/** Prints the result and returns the exit code it deserves. */
export function printResult(io: CliIo, result: ScanResult, settings: OutputSettings): ExitCode {
  // JSON is written in chunks: a million evaluations would not fit one string.
  if (settings.format === "json") {
    writeJson(result, io.stdout);
    return exitCodeFor(result, settings.failOnNonCompliant);
  }
  io.stdout.write(
    renderResult(settings.format, result, {
      rules: settings.prepared.map((p) => p.rule.metadata),
      width: outputWidth(io),
      color: useColor(io),
    }),
  );
  return exitCodeFor(result, settings.failOnNonCompliant);
}
