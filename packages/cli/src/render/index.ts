/** Output formats and the renderer for each. Renderers are pure: report in, text out. */
import type { RuleInfo, Report, StatusFilter } from "./common";
import { renderCsv } from "./csv";
import { renderHtml } from "./html";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { renderOcsf } from "./ocsf";
import { renderRulesJson, renderRulesMarkdown, renderRulesTable, type RuleDescription } from "./rules";
import { renderTable, type FixLookup } from "./table";

export const OutputFormat = { table: "table", json: "json", markdown: "markdown", csv: "csv", ocsf: "ocsf", html: "html" } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];
export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.values(OutputFormat);
/** The formats of the rule catalogue. */
export const RULES_FORMATS: readonly OutputFormat[] = ["table", "json", "markdown"];

/** The file name extension of each format (`--output-dir`). */
export const FORMAT_EXTENSIONS: Readonly<Record<OutputFormat, string>> = {
  table: "txt",
  json: "json",
  markdown: "md",
  csv: "csv",
  ocsf: "ocsf.json",
  html: "html",
};

/** Formats for people: by default they list only what needs action (non-compliant) and the errors. */
export const FINDINGS_FIRST_FORMATS: readonly OutputFormat[] = ["table", "markdown"];

/** Formats with no place for errors: the errors go to stderr. */
export const ERRORLESS_FORMATS: readonly OutputFormat[] = ["csv", "ocsf"];

export interface RenderOptions {
  rules: readonly RuleInfo[];
  width: number;
  color: boolean;
  statuses: StatusFilter;
  /** The CLI version (OCSF metadata, HTML footer). */
  version: string;
  fixes?: FixLookup;
}

/**
 * Renders a report in the chosen format.
 *
 * @example
 * ```ts
 * renderResult("json", report, { rules: [], width: 80, color: false, statuses: ALL_STATUSES, version: "0.1.0" });
 * ```
 */
export function renderResult(format: OutputFormat, report: Report, options: RenderOptions): string {
  const { rules, statuses, fixes, version } = options;
  switch (format) {
    case "json":
      return renderJson(report, statuses);
    case "markdown":
      return renderMarkdown(report, { rules, statuses, ...(fixes ? { fixes } : {}) });
    case "table":
      return renderTable(report, { rules, width: options.width, color: options.color, statuses, ...(fixes ? { fixes } : {}) });
    case "csv":
      return renderCsv(report, statuses);
    case "ocsf":
      return renderOcsf(report, { rules, version, statuses });
    case "html":
      return renderHtml(report, { rules, version, statuses });
  }
}

/**
 * Renders the rule catalogue in the chosen format (table, json or markdown).
 *
 * @example
 * ```ts
 * renderRules("markdown", descriptions, 100);
 * ```
 */
export function renderRules(format: OutputFormat, rules: readonly RuleDescription[], width: number): string {
  switch (format) {
    case "json":
      return renderRulesJson(rules);
    case "markdown":
      return renderRulesMarkdown(rules);
    default:
      return renderRulesTable(rules, width);
  }
}

export type { RuleInfo, Report, StatusFilter } from "./common";
export type { RuleDescription } from "./rules";
export type { FixLookup } from "./table";
