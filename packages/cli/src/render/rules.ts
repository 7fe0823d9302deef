/** `endpoint-auditor rules`: the rule catalogue in each format. */
import { defaultAsString, describeAllowed, type ParameterSpec, type RuleMetadata } from "@endpoint-auditor/core";
import { wrap } from "./common";
import { escapeCell } from "./markdown";

/** A rule as the catalogue shows it. */
export interface RuleDescription {
  metadata: RuleMetadata;
  /** IAM actions the rule's data needs. */
  permissions: readonly string[];
}

function defaultText(spec: ParameterSpec): string {
  return defaultAsString(spec) ?? "none (optional; absent means any)";
}

function parameterJson(name: string, spec: ParameterSpec): Record<string, unknown> {
  const base: Record<string, unknown> = { name, type: spec.type, allowed: describeAllowed(spec) };
  if (spec.type === "integer") {
    base.minimum = spec.minimum;
    if (spec.maximum !== undefined) base.maximum = spec.maximum;
  } else {
    base.values = [...spec.values];
  }
  const def = defaultAsString(spec);
  if (def !== undefined) base.default = def;
  base.description = spec.description;
  return base;
}

/**
 * The catalogue as JSON: one object per rule with its parameters (allowed values, defaults as AWS Config
 * input-parameter text) and IAM actions.
 *
 * @example
 * ```ts
 * JSON.parse(renderRulesJson(descriptions))[0].permissions; // ["cloudwatch:GetMetricData", …]
 * ```
 */
export function renderRulesJson(rules: readonly RuleDescription[]): string {
  const out = rules.map(({ metadata: m, permissions }) => ({
    id: m.id,
    title: m.title,
    resourceType: m.resourceType,
    severity: m.severity,
    description: m.description,
    risk: m.risk,
    parameters: Object.entries(m.parameters).map(([name, spec]) => parameterJson(name, spec)),
    permissions: [...permissions],
    remediation: m.remediation.text,
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * The catalogue for a terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(renderRulesTable(descriptions, 100));
 * ```
 */
export function renderRulesTable(rules: readonly RuleDescription[], width: number): string {
  const lines: string[] = [];
  const label = (name: string): string => `  ${name.padEnd(15)}`;
  const textWidth = Math.max(30, Math.floor(width) - 17);
  const field = (name: string, text: string): void => {
    const [first = "", ...rest] = wrap(text, textWidth);
    lines.push(label(name) + first);
    for (const l of rest) lines.push(" ".repeat(17) + l);
  };
  rules.forEach(({ metadata: m, permissions }, i) => {
    if (i > 0) lines.push("");
    lines.push(`${m.id} — ${m.title}`);
    field("resource type", m.resourceType);
    field("severity", m.severity);
    field("checks", m.description);
    const params = Object.entries(m.parameters);
    if (params.length === 0) field("parameters", "none");
    params.forEach(([name, spec], j) => {
      field(j === 0 ? "parameters" : "", `${name}: ${describeAllowed(spec)}; default ${defaultText(spec)}. ${spec.description}`);
    });
    field("IAM actions", permissions.join(", "));
  });
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}

/**
 * The catalogue as Markdown: a section per rule with a parameter table.
 *
 * @example
 * ```ts
 * writeFileSync("RULES.md", renderRulesMarkdown(descriptions));
 * ```
 */
export function renderRulesMarkdown(rules: readonly RuleDescription[]): string {
  const lines: string[] = ["# endpoint-auditor rules"];
  for (const { metadata: m, permissions } of rules) {
    lines.push("", `## \`${m.id}\` — ${escapeCell(m.title)}`, "");
    lines.push(`- Resource type: \`${m.resourceType}\``);
    lines.push(`- Severity: ${m.severity}`);
    lines.push(`- IAM actions: ${permissions.map((p) => `\`${p}\``).join(", ")}`);
    lines.push("", escapeCell(m.description));
    const params = Object.entries(m.parameters);
    if (params.length === 0) {
      lines.push("", "No parameters.");
      continue;
    }
    lines.push("", "| Parameter | Allowed | Default | Description |", "| --- | --- | --- | --- |");
    for (const [name, spec] of params) {
      lines.push(`| \`${name}\` | ${escapeCell(describeAllowed(spec))} | ${escapeCell(defaultText(spec))} | ${escapeCell(spec.description)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
