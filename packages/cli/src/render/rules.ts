/** `endpoint-auditor rules`: the rule catalogue in each format. */
import { defaultAsString, describeAllowed, type ParameterSpec, type RuleMetadata } from "@endpoint-auditor/core";
import { wrap } from "./common";
import { escapeCell } from "./markdown";

/** A rule as the catalogue shows it. */
export interface RuleDescription {
  metadata: RuleMetadata;
  /** IAM actions the rule's data needs. */
  permissions: readonly string[];
  /** With `rules --stage`: whether the stage deploys the rule, and the parameter values it passes. */
  stage?: { name: string; enabled: boolean; parameters: Readonly<Record<string, string>> };
}

function defaultText(spec: ParameterSpec): string {
  return defaultAsString(spec) ?? (spec.type === "stringList" && spec.emptyMeans ? `none (${spec.emptyMeans})` : "none (optional; absent means any)");
}

function parameterJson(name: string, spec: ParameterSpec): Record<string, unknown> {
  const base: Record<string, unknown> = { name, type: spec.type, allowed: describeAllowed(spec) };
  if (spec.type === "integer") {
    base.minimum = spec.minimum;
    if (spec.maximum !== undefined) base.maximum = spec.maximum;
  } else if (spec.type === "stringList") {
    base.item = spec.item;
    base.pattern = spec.pattern.source;
    if (spec.emptyMeans !== undefined) base.emptyMeans = spec.emptyMeans;
  } else if (spec.type === "enum" || spec.type === "enumList") {
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
  const out = rules.map(({ metadata: m, permissions, stage }) => ({
    id: m.id,
    title: m.title,
    resourceType: m.resourceType,
    severity: m.severity,
    description: m.description,
    risk: m.risk,
    parameters: Object.entries(m.parameters).map(([name, spec]) => parameterJson(name, spec)),
    permissions: [...permissions],
    remediation: m.remediation.text,
    ...(stage ? { stage: { name: stage.name, enabled: stage.enabled, parameters: { ...stage.parameters } } } : {}),
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
  rules.forEach(({ metadata: m, permissions, stage }, i) => {
    if (i > 0) lines.push("");
    lines.push(`${m.id} — ${m.title}`);
    if (stage) {
      const values = Object.entries(stage.parameters).map(([k, v]) => `${k}=${v}`).join(", ");
      field(`stage ${stage.name}`.slice(0, 15), stage.enabled ? `enabled${values ? `: ${values}` : ""}` : "disabled (not deployed)");
    }
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
  for (const { metadata: m, permissions, stage } of rules) {
    lines.push("", `## \`${m.id}\` — ${escapeCell(m.title)}`, "");
    if (stage) {
      const values = Object.entries(stage.parameters).map(([k, v]) => `\`${k}=${escapeCell(v)}\``).join(", ");
      lines.push(`- Stage \`${stage.name}\`: ${stage.enabled ? `enabled${values ? ` with ${values}` : ""}` : "disabled (not deployed)"}`);
    }
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
