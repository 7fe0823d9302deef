/** Command-line parsing: flags via `node:util` parseArgs, then the project's own checks. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { RuleSelection } from "@endpoint-auditor/core";
import { OUTPUT_FORMATS, type OutputFormat } from "./render/index";

/**
 * A bad command line or input file. Printed as one line (what is wrong, then a hint) and exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError(`unknown format "xml"`, "use table, json or markdown");
 * ```
 */
export class UsageError extends Error {
  public readonly hint: string;
  public constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UsageError";
    this.hint = hint;
  }
}

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

function helpHint(command: string): string {
  return `run 'endpoint-auditor ${command} --help' for usage`;
}

/** The first line of a parseArgs message, without Node's advice about `--`. */
function parseArgsProblem(error: Error): string {
  const first = (error.message.split("\n")[0] ?? error.message).trim();
  const positional = /^Unexpected argument '(.*)'/.exec(first);
  if (positional) return `unexpected argument '${positional[1]}'`;
  const unknown = /^Unknown option '([^']*)'/.exec(first);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /^Option '(-[^' ]+)(?: <value>)?' argument missing/.exec(first);
  if (missing) return `option '${missing[1]}' needs a value`;
  const ambiguous = /^Option '(-[^']+)' argument is ambiguous/.exec(first);
  if (ambiguous) return `option '${ambiguous[1]}' needs a value (got another option instead; use ${ambiguous[1]}=VALUE for a value starting with '-')`;
  const noValue = /^Option '(-[^']+)' does not take an argument/.exec(first);
  if (noValue) return `option '${noValue[1]}' does not take a value`;
  return first.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase());
}

/**
 * Parses one command's flags (strict: unknown flags and positionals are usage errors).
 *
 * @example
 * ```ts
 * parseFlags("rules", ["--format", "json"], { format: { type: "string" } }).format; // "json"
 * ```
 */
export function parseFlags(command: string, args: readonly string[], options: OptionSpecs): Record<string, string | boolean | (string | boolean)[] | undefined> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    if (error instanceof Error && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(`${command}: ${parseArgsProblem(error)}`, helpHint(command), { cause: error });
    }
    throw error;
  }
}

/** A string flag's value(s) as a list (repeatable flags come as arrays). */
export function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === "string");
}

/** One string flag's value, or undefined. */
export function stringValue(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Checks `--format`.
 *
 * @example
 * ```ts
 * parseFormat("scan", "JSON"); // "json"
 * ```
 */
export function parseFormat(command: string, value: string | undefined): OutputFormat {
  if (value === undefined) return "table";
  const format = OUTPUT_FORMATS.find((f) => f === value.trim().toLowerCase());
  if (!format) {
    throw new UsageError(`unknown --format '${value}' for '${command}'`, `use one of ${OUTPUT_FORMATS.join(", ")}`);
  }
  return format;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * `--region` values: repeatable and comma-separated, checked for the shape of a region name, deduplicated.
 *
 * @example
 * ```ts
 * parseRegions(["us-east-1,eu-west-1", "us-east-1"]); // ["us-east-1", "eu-west-1"]
 * ```
 */
export function parseRegions(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const region of values.flatMap((v) => v.split(",")).map((v) => v.trim())) {
    if (!REGION_PATTERN.test(region)) {
      throw new UsageError(`'${region}' is not a region name in --region`, "use a region code such as us-east-1 or eu-west-1");
    }
    if (!out.includes(region)) out.push(region);
  }
  return out;
}

/**
 * `--now`: an ISO 8601 date or date-time.
 *
 * @example
 * ```ts
 * parseNow("2026-11-23T06:00:00Z").toISOString();
 * ```
 */
export function parseNow(value: string): Date {
  const trimmed = value.trim();
  const date = new Date(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now '${value}' is not an ISO date`, "use e.g. --now 2026-11-23T06:00:00Z");
  }
  return date;
}

const PARAM_PATTERN = /^([^.=\s]+)\.([^=\s]+)=(.*)$/s;

/**
 * Turns `--rules` and `--param` into rule selections. With no `--rules`, every rule in `known` (in
 * registry order). Parameter values stay raw text; the core validates them against each rule's schema.
 *
 * @example
 * ```ts
 * parseSelections([], ["interface-endpoint-in-use.lookbackDays=60"], ids);
 * ```
 */
export function parseSelections(rulesFlags: readonly string[], paramFlags: readonly string[], known: readonly string[]): RuleSelection[] {
  const rulesHint = "run 'endpoint-auditor rules' to list the rules";
  let chosen: string[];
  if (rulesFlags.length > 0) {
    chosen = [];
    for (const id of rulesFlags.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")) {
      if (!known.includes(id)) throw new UsageError(`unknown rule '${id}' in --rules (known: ${known.join(", ")})`, rulesHint);
      if (!chosen.includes(id)) chosen.push(id);
    }
    if (chosen.length === 0) throw new UsageError("--rules names no rule", rulesHint);
  } else {
    chosen = [...known];
  }
  const params = new Map<string, Record<string, string>>(chosen.map((id) => [id, {}]));
  for (const flag of paramFlags) {
    const match = PARAM_PATTERN.exec(flag);
    if (!match) {
      throw new UsageError(
        `bad --param '${flag}': expected RULE.KEY=VALUE`,
        "e.g. --param interface-endpoint-in-use.lookbackDays=60",
      );
    }
    const [, ruleId = "", key = "", value = ""] = match;
    if (!known.includes(ruleId)) throw new UsageError(`unknown rule '${ruleId}' in --param '${flag}' (known: ${known.join(", ")})`, rulesHint);
    const bag = params.get(ruleId);
    if (!bag) throw new UsageError(`--param '${flag}' is for rule '${ruleId}', which --rules does not select`, `add ${ruleId} to --rules or drop the --param`);
    if (Object.prototype.hasOwnProperty.call(bag, key)) throw new UsageError(`--param ${ruleId}.${key} is given twice`, "give each parameter once");
    bag[key] = value;
  }
  return chosen.map((ruleId) => {
    const bag = params.get(ruleId) ?? {};
    return Object.keys(bag).length > 0 ? { ruleId, params: bag } : { ruleId };
  });
}
