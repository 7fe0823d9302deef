/** Output formats and the renderer for each. Renderers are pure: result in, text out. */
import type { ScanResult } from "@endpoint-auditor/core";
import type { RuleInfo } from "./common";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { renderRulesJson, renderRulesMarkdown, renderRulesTable, type RuleDescription } from "./rules";
import { renderTable } from "./table";

export const OutputFormat = { table: "table", json: "json", markdown: "markdown" } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];
export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.values(OutputFormat);

export interface RenderOptions {
  rules: readonly RuleInfo[];
  width: number;
  color: boolean;
}

/**
 * Renders a scan or evaluation result in the chosen format.
 *
 * @example
 * ```ts
 * renderResult("json", result, { rules: [], width: 80, color: false });
 * ```
 */
export function renderResult(format: OutputFormat, result: ScanResult, options: RenderOptions): string {
  switch (format) {
    case "json":
      return renderJson(result);
    case "markdown":
      return renderMarkdown(result, { rules: options.rules });
    case "table":
      return renderTable(result, options);
  }
}

/**
 * Renders the rule catalogue in the chosen format.
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
    case "table":
      return renderRulesTable(rules, width);
  }
}

export type { RuleInfo } from "./common";
export type { RuleDescription } from "./rules";
