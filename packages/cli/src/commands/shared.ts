/** Pieces shared by the commands: rule selection, output settings, writing the result. */
import { mkdir, open, stat, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  ParameterValidationError,
  RULES,
  UnknownRuleError,
  errorMessage,
  parseRegion,
  prepareRules,
  type Evaluation,
  type Inventory,
  type PreparedRule,
  type RuleSelection,
  type SnapshotSet,
} from "@endpoint-auditor/core";
import packageJson from "../../package.json";
import { UsageError, parseFormat, parseSelections, parseStatuses, stringList, stringValue } from "../args";
import { exitCodeFor, type ExitCode } from "../exit-codes";
import { fillFix } from "../explain/fixes";
import type { CliIo } from "../io";
import { ALL_STATUSES, STATUS_ORDER } from "../render/common";
import { groupErrors, errorPlace, blockedText } from "../render/errors";
import {
  ERRORLESS_FORMATS,
  FINDINGS_FIRST_FORMATS,
  FORMAT_EXTENSIONS,
  renderResult,
  type FixLookup,
  type OutputFormat,
  type Report,
  type StatusFilter,
} from "../render/index";
import { writeJson } from "../render/json";
import { escapeControl } from "../text";
import { stageSelections } from "./stage";

/** Flags every command that evaluates rules shares. */
export const SELECTION_OPTIONS = {
  rules: { type: "string", multiple: true },
  param: { type: "string", multiple: true },
  stage: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

/** Flags of the commands that print a report (`scan`, `evaluate`). */
export const OUTPUT_OPTIONS = {
  format: { type: "string", multiple: true },
  status: { type: "string", multiple: true },
  output: { type: "string" },
  "output-dir": { type: "string" },
  "show-fix": { type: "boolean" },
  "fail-on-noncompliant": { type: "boolean" },
} as const;

export interface RuleSettings {
  selections: RuleSelection[];
  prepared: PreparedRule[];
  /** `--stage`, when given. */
  stage?: string;
}

/** Where the report goes. */
export interface OutputTarget {
  format: OutputFormat;
  /** A file path; absent = stdout. */
  path?: string;
}

export interface OutputSettings extends RuleSettings {
  targets: OutputTarget[];
  /** `--status`, when given (else each format's default). */
  statuses?: StatusFilter;
  showFix: boolean;
  failOnNonCompliant: boolean;
}

/**
 * Reads `--rules`, `--param` and `--stage`, and validates every parameter against its rule's schema,
 * before anything is scanned.
 *
 * @throws UsageError
 */
export function ruleSettings(values: Record<string, unknown>): RuleSettings {
  const rulesFlags = stringList(values.rules);
  let selections = parseSelections(rulesFlags, stringList(values.param), RULES.map((r) => r.metadata.id));
  const stage = stringValue(values.stage)?.trim();
  if (stage !== undefined) selections = stageSelections(stage, rulesFlags.length > 0, selections);
  try {
    return { selections, prepared: prepareRules(selections), ...(stage !== undefined ? { stage } : {}) };
  } catch (error) {
    if (error instanceof ParameterValidationError || error instanceof UnknownRuleError) {
      throw new UsageError(error.message, "run 'endpoint-auditor rules' to see each rule's parameters", { cause: error });
    }
    throw error;
  }
}

export async function checkWritableFile(flag: string, path: string): Promise<void> {
  const hint = "pass a file path in an existing, writable directory";
  const target = resolve(path);
  let isDirectory = false;
  try {
    isDirectory = (await stat(target)).isDirectory();
  } catch {
    // Not there yet: fine, it will be created.
  }
  if (isDirectory) throw new UsageError(`${flag} '${path}' is a directory`, hint);
  try {
    await access(dirname(target), constants.W_OK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === "ENOENT" ? "its directory does not exist" : "its directory is not writable";
    throw new UsageError(`cannot write ${flag} '${path}': ${why}`, hint, { cause: error });
  }
}


/**
 * Reads the output flags: `--format` (repeatable with `--output-dir`), `--output`, `--output-dir`,
 * `--status`, `--show-fix`, `--fail-on-noncompliant`, plus the rule selection.
 *
 * @throws UsageError
 */
export async function outputSettings(command: string, values: Record<string, unknown>): Promise<OutputSettings> {
  const formats = [...new Set((stringList(values.format).length > 0 ? stringList(values.format) : [undefined]).map((f) => parseFormat(command, f)))];
  const output = stringValue(values.output);
  const outputDir = stringValue(values["output-dir"]);
  if (output !== undefined && outputDir !== undefined) throw new UsageError("--output and --output-dir exclude each other", "use --output FILE for one format, --output-dir DIR for several");
  if (formats.length > 1 && outputDir === undefined) {
    throw new UsageError(`several --format (${formats.join(", ")}) need --output-dir DIR`, "or run once per format");
  }
  let targets: OutputTarget[];
  if (output !== undefined) {
    await checkWritableFile("--output", output);
    targets = [{ format: formats[0] ?? "table", path: output }];
  } else if (outputDir !== undefined) {
    try {
      await mkdir(outputDir, { recursive: true });
      await access(outputDir, constants.W_OK);
    } catch (error) {
      throw new UsageError(`cannot write to --output-dir '${outputDir}': ${errorMessage(error)}`, "pass a writable directory", { cause: error });
    }
    targets = formats.map((format) => ({ format, path: join(outputDir, `endpoint-auditor.${FORMAT_EXTENSIONS[format]}`) }));
  } else {
    targets = formats.map((format) => ({ format }));
  }
  const statuses = parseStatuses(stringList(values.status));
  return {
    targets,
    ...(statuses ? { statuses } : {}),
    showFix: values["show-fix"] === true,
    failOnNonCompliant: values["fail-on-noncompliant"] === true,
    ...ruleSettings(values),
  };
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

/** The statuses a format lists: `--status`, else non-compliant for the formats people read, else all. */
export function statusesFor(format: OutputFormat, given: StatusFilter | undefined): StatusFilter {
  if (given) return given;
  return FINDINGS_FIRST_FORMATS.includes(format) ? new Set(["NON_COMPLIANT"] as const) : ALL_STATUSES;
}

/** Parsed inventories of a snapshot set, by account and region, built on first use. */
export function inventoryLookup(set: SnapshotSet, now: Date): (accountId: string, region: string) => Inventory | undefined {
  const cache = new Map<string, Inventory | undefined>();
  return (accountId, region) => {
    const key = `${accountId} ${region}`;
    if (!cache.has(key)) {
      const raw = set.accounts.find((a) => a.accountId === accountId)?.regions.find((r) => r.region === region);
      let inventory: Inventory | undefined;
      try {
        inventory = raw ? parseRegion(raw, accountId, now) : undefined;
      } catch {
        inventory = undefined;
      }
      cache.set(key, inventory);
    }
    return cache.get(key);
  };
}

/** `--show-fix`: each non-compliant finding's filled-in remediation. */
export function fixLookup(set: SnapshotSet, prepared: readonly PreparedRule[], now: Date): FixLookup {
  const inventories = inventoryLookup(set, now);
  return (e: Evaluation) => {
    if (e.compliance !== "NON_COMPLIANT") return undefined;
    const rule = prepared.find((p) => p.rule.metadata.id === e.ruleId);
    const inventory = inventories(e.accountId, e.region);
    if (!rule || !inventory) return undefined;
    return fillFix(e, rule.rule.metadata, inventory, rule.params as Record<string, unknown>);
  };
}

/** One line per grouped error, for stderr (formats that have no place for errors). */
export function errorLines(report: Report): string[] {
  const multi = report.accountIds.length > 1;
  return groupErrors(report.errors).map((g) => {
    const blocked = blockedText(g);
    return `endpoint-auditor: ${escapeControl(`${errorPlace(g, multi)}: ${g.message}${g.code && !g.message.includes(g.code) ? ` (${g.code})` : ""}${blocked ? ` — ${blocked}` : ""}`)}`;
  });
}

async function writeText(path: string, text: string): Promise<number> {
  await writeFile(path, text, "utf8");
  return Buffer.byteLength(text);
}

/** Writes the JSON report to a file chunk by chunk; returns the bytes written. */
async function writeJsonFile(path: string, report: Report, statuses: StatusFilter): Promise<number> {
  const chunks: string[] = [];
  writeJson(report, { write: (chunk) => chunks.push(chunk) }, statuses);
  const file = await open(path, "w");
  let bytes = 0;
  try {
    for (const chunk of chunks) bytes += (await file.write(chunk, null, "utf8")).bytesWritten;
  } finally {
    await file.close();
  }
  return bytes;
}

/** What {@link printReport} needs besides the report. */
export interface PrintContext {
  settings: OutputSettings;
  /** The raw data behind the report (for `--show-fix`). */
  set?: SnapshotSet;
  now: Date;
  /** Progress and notes on stderr are allowed (a terminal, not `--quiet`). */
  progress: boolean;
}

/**
 * Writes the report to each target (stdout or files) and returns the exit code it deserves. When the
 * report goes to files, stdout still shows the findings table. Formats without a place for errors
 * (csv, ocsf) print them on stderr.
 */
export async function printReport(io: CliIo, report: Report, context: PrintContext): Promise<ExitCode> {
  const { settings } = context;
  const fixes = settings.showFix && context.set ? fixLookup(context.set, settings.prepared, context.now) : undefined;
  const render = (format: OutputFormat, forFile: boolean): string =>
    renderResult(format, report, {
      rules: settings.prepared.map((p) => p.rule.metadata),
      width: forFile ? 120 : outputWidth(io),
      color: !forFile && useColor(io),
      statuses: statusesFor(format, settings.statuses),
      version: packageJson.version,
      ...(fixes ? { fixes } : {}),
    });
  let failed = false;
  const toFiles = settings.targets.some((t) => t.path !== undefined);
  for (const target of settings.targets) {
    // JSON is written in chunks (a million evaluations would not fit one string); the rest as one text.
    const json = target.format === "json";
    if (target.path === undefined) {
      if (json) writeJson(report, io.stdout, statusesFor("json", settings.statuses));
      else io.stdout.write(render(target.format, false));
      continue;
    }
    try {
      const bytes = json
        ? await writeJsonFile(target.path, report, statusesFor("json", settings.statuses))
        : await writeText(target.path, render(target.format, true));
      if (context.progress) io.stderr.write(`Wrote ${target.path} (${target.format}, ${Math.max(1, Math.round(bytes / 1024))} kB)\n`);
    } catch (error) {
      failed = true;
      io.stderr.write(`endpoint-auditor: could not write '${target.path}': ${errorMessage(error)}\n`);
    }
  }
  if (toFiles) io.stdout.write(render("table", false));
  const errorless = !toFiles && settings.targets.every((t) => ERRORLESS_FORMATS.includes(t.format));
  if (errorless) for (const line of errorLines(report)) io.stderr.write(`${line}\n`);
  const code = exitCodeFor(report, settings.failOnNonCompliant);
  return failed ? (1 as ExitCode) : code;
}

export { STATUS_ORDER };
