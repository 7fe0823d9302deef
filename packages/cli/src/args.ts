/** Command-line parsing: flags via `node:util` parseArgs, then the project's own checks. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { ComplianceType, RuleSelection } from "@endpoint-auditor/core";
import { ALL_STATUSES, STATUS_ORDER, type StatusFilter } from "./render/common";
import { OUTPUT_FORMATS, type OutputFormat } from "./render/index";
import { suggestion } from "./text";

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
function parseArgsProblem(error: Error, options: OptionSpecs): string {
  const first = (error.message.split("\n")[0] ?? error.message).trim();
  const positional = /^Unexpected argument '(.*)'/.exec(first);
  if (positional) return `unexpected argument '${positional[1]}'`;
  const unknown = /^Unknown option '([^']*)'/.exec(first);
  if (unknown) {
    const flags = Object.keys(options).map((name) => `--${name}`);
    return `unknown option '${unknown[1]}'${suggestion(unknown[1] ?? "", flags)}`;
  }
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
      throw new UsageError(`${command}: ${parseArgsProblem(error, options)}`, helpHint(command), { cause: error });
    }
    throw error;
  }
}

/**
 * Parses one command's flags and up to `maxPositionals` positional arguments.
 *
 * @example
 * ```ts
 * parseCommand("explain", ["vpce-1", "--snapshot", "s.json"], { snapshot: { type: "string" } }, 1).positionals; // ["vpce-1"]
 * ```
 */
export function parseCommand(
  command: string,
  args: readonly string[],
  options: OptionSpecs,
  maxPositionals: number,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    if (error instanceof Error && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(`${command}: ${parseArgsProblem(error, options)}`, helpHint(command), { cause: error });
    }
    throw error;
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument '${parsed.positionals[maxPositionals]}'`, helpHint(command));
  }
  return { values: parsed.values, positionals: parsed.positionals };
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
export function parseFormat(command: string, value: string | undefined, allowed: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  if (value === undefined) return "table";
  const format = allowed.find((f) => f === value.trim().toLowerCase());
  if (!format) {
    throw new UsageError(`unknown --format '${value}' for '${command}'${suggestion(value.trim(), allowed)}`, `use one of ${allowed.join(", ")}`);
  }
  return format;
}

/**
 * `--status`: comma-separated statuses (repeatable), or `all`. Case and `-`/`_` do not matter.
 *
 * @example
 * ```ts
 * parseStatuses(["non-compliant,not_applicable"]); // Set { "NON_COMPLIANT", "NOT_APPLICABLE" }
 * ```
 */
export function parseStatuses(values: readonly string[]): StatusFilter | undefined {
  if (values.length === 0) return undefined;
  const out = new Set<ComplianceType>();
  for (const raw of values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")) {
    const norm = raw.toUpperCase().replace(/-/g, "_");
    if (norm === "ALL") return ALL_STATUSES;
    const status = STATUS_ORDER.find((s) => s === norm || s.replace(/_/g, "") === norm);
    if (!status) {
      throw new UsageError(`unknown --status '${raw}'${suggestion(norm, [...STATUS_ORDER, "ALL"])}`, `use ${STATUS_ORDER.join(", ")} (comma-separated) or all`);
    }
    out.add(status);
  }
  if (out.size === 0) throw new UsageError("--status names no status", `use ${STATUS_ORDER.join(", ")} or all`);
  return out;
}

/**
 * A positive integer flag within bounds.
 *
 * @example
 * ```ts
 * parseBoundedInteger("--concurrency", "8", 1, 64); // 8
 * ```
 */
export function parseBoundedInteger(flag: string, value: string, min: number, max: number): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} '${value}' is not a whole number from ${min} to ${max}`, `e.g. ${flag} ${Math.min(max, Math.max(min, 4))}`);
  }
  return n;
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
    if (region === "all") {
      throw new UsageError("--region all cannot be combined with other regions", "pass --region all alone, or list the regions");
    }
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
      if (!known.includes(id)) throw new UsageError(`unknown rule '${id}' in --rules${suggestion(id, known)} (known: ${known.join(", ")})`, rulesHint);
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
    if (!known.includes(ruleId)) throw new UsageError(`unknown rule '${ruleId}' in --param '${flag}'${suggestion(ruleId, known)} (known: ${known.join(", ")})`, rulesHint);
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
