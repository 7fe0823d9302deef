/**
 * The parts of README.md that restate rule metadata, generated from the registry so they cannot drift:
 * the rule summary, the parameter table, the evaluator's read permissions and the member role's actions. Each lives between
 * `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in the README; `npm run docs` rewrites them
 * and a test fails when the committed README differs from what this module makes.
 */
import { RULES, allRulePermissions, defaultAsString, describeAllowed, type ParameterSpec } from "@endpoint-auditor/core";
import { escapeCell } from "./markdown";

/** One generated block of the README. */
export interface ReadmeBlock {
  name: string;
  text: string;
}

function parameterText(name: string, spec: ParameterSpec): string {
  const def = defaultAsString(spec);
  const none = spec.type === "stringList" && spec.emptyMeans ? `default: ${spec.emptyMeans}` : "default: any";
  return `\`${name}\`: ${describeAllowed(spec)} (${def === undefined ? none : `default ${def}`})`;
}

/** `| rule | resource | severity | finds | why it matters |`, one row per registered rule. */
function summary(): string {
  const rows = RULES.map(({ metadata: m }) => `| \`${m.id}\` | \`${m.resourceType}\` | ${m.severity} | ${escapeCell(m.title)} | ${escapeCell(m.risk)} |`);
  return ["| rule id | resource | severity | checks | why it matters |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** `| rule | parameters |`, one row per registered rule. */
function parameters(): string {
  const rows = RULES.map(({ metadata: m }) => {
    const params = Object.entries(m.parameters).map(([name, spec]) => parameterText(name, spec));
    return `| \`${m.id}\` | ${params.length > 0 ? escapeCell(params.join("; ")) : "—"} |`;
  });
  return ["| rule | parameters |", "|---|---|", ...rows].join("\n");
}

/** The evaluator's read actions (every registered rule's part records). */
function readActions(): string {
  return `Read actions (the part records of every registered rule's data; disabling a rule removes what only it needed): ${allRulePermissions()
    .map((a) => `\`${a}\``)
    .join(", ")}.`;
}

/** The member-account role's actions (packages/cli/iam/member-role.template.json; a test keeps it equal). */
function memberRoleActions(): string {
  return [...new Set([...allRulePermissions(), "ec2:DescribeRegions"])]
    .sort()
    .map((a) => (a === "ec2:DescribeRegions" ? `\`${a}\` (for \`--region all\`)` : `\`${a}\``))
    .join(", ");
}

/**
 * Every generated block, from the current registry.
 *
 * @example
 * ```ts
 * readmeBlocks().find((b) => b.name === "rules-summary")?.text;
 * ```
 */
export function readmeBlocks(): ReadmeBlock[] {
  return [
    { name: "rules-summary", text: summary() },
    { name: "rules-parameters", text: parameters() },
    { name: "evaluator-read-actions", text: readActions() },
    { name: "member-role-actions", text: memberRoleActions() },
  ];
}

/**
 * The README with every generated block replaced by what the registry says now.
 *
 * @throws Error naming a block whose markers are missing.
 * @example
 * ```ts
 * const fresh = updateReadme(await readFile("README.md", "utf8"));
 * ```
 */
export function updateReadme(text: string): string {
  let out = text;
  for (const { name, text: body } of readmeBlocks()) {
    const open = `<!-- generated:${name} (npm run docs) -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md has no block ${open} … ${close}`);
    out = `${out.slice(0, start + open.length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}
