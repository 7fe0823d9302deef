/**
 * `endpoint-auditor explain RESOURCE_ID`: one resource's verdict under each rule, the evidence the rules
 * read (routes, endpoints, flow logs, traffic), and each rule's remediation with the AWS CLI and Terraform
 * snippets filled in with the resource's ids. From a snapshot or a live scan.
 */
import {
  evaluateSnapshotSet,
  type AccountsResult,
  type Evaluation,
  type PreparedRule,
  type SnapshotSet,
} from "@endpoint-auditor/core";
import { UsageError, parseCommand, stringValue } from "../args";
import { ExitCode } from "../exit-codes";
import { evidenceFor, type EvidenceSection } from "../explain/evidence";
import { fillFix, type FilledFix } from "../explain/fixes";
import { EXPLAIN_HELP } from "../help";
import type { CliIo } from "../io";
import { formatUsd, wrap } from "../render/common";
import { blockedText, groupErrors } from "../render/errors";
import { escapeControl, suggestion } from "../text";
import { snapshotSource } from "./evaluate";
import { LIVE_OPTIONS, liveScan } from "./live";
import { SELECTION_OPTIONS, inventoryLookup, outputWidth, ruleSettings } from "./shared";

const OPTIONS = {
  ...SELECTION_OPTIONS,
  ...LIVE_OPTIONS,
  snapshot: { type: "string" },
  now: { type: "string" },
  format: { type: "string" },
} as const;

/** Everything explain says about one resource in one account and region. */
export interface Explanation {
  resourceId: string;
  resourceType?: string;
  accountId: string;
  region: string;
  evaluatedAt: string;
  verdicts: { ruleId: string; title: string; evaluation?: Evaluation; notEvaluated?: string }[];
  evidence: EvidenceSection[];
  fixes: ({ ruleId: string; text: string } & Partial<FilledFix>)[];
}

const ID_LISTS = ["vpcEndpoints", "subnets", "vpcs"] as const;
const ID_KEYS = { vpcEndpoints: "VpcEndpointId", subnets: "SubnetId", vpcs: "VpcId" } as const;

/** Every account/region whose raw data holds the id, and every id (for suggestions). */
function locate(set: SnapshotSet, resourceId: string): { places: { accountId: string; region: string }[]; ids: string[] } {
  const places: { accountId: string; region: string }[] = [];
  const ids = new Set<string>();
  for (const account of set.accounts) {
    for (const raw of account.regions) {
      for (const list of ID_LISTS) {
        for (const item of (raw[list] ?? []) as Record<string, unknown>[]) {
          const id = item[ID_KEYS[list]];
          if (typeof id !== "string") continue;
          ids.add(id);
          if (id === resourceId && !places.some((p) => p.accountId === account.accountId && p.region === raw.region)) {
            places.push({ accountId: account.accountId, region: raw.region });
          }
        }
      }
    }
  }
  return { places, ids: [...ids] };
}

/**
 * Builds the explanations of a resource from a snapshot set and its evaluation.
 *
 * @example
 * ```ts
 * explainResource(set, report, prepared, "subnet-0123456789abcdef0", now);
 * ```
 */
export function explainResource(set: SnapshotSet, report: AccountsResult, prepared: readonly PreparedRule[], resourceId: string, now: Date): Explanation[] {
  const inventories = inventoryLookup(set, now);
  const { places } = locate(set, resourceId);
  const lookbacks = [
    ...new Set(prepared.flatMap((p) => (p.rule.metadata.requires.includes("endpointMetrics") && typeof (p.params as Record<string, unknown>).lookbackDays === "number" ? [(p.params as Record<string, number>).lookbackDays as number] : []))),
  ];
  return places.map(({ accountId, region }) => {
    const inventory = inventories(accountId, region);
    const evaluations = report.evaluations.filter((e) => e.resourceId === resourceId && e.accountId === accountId && e.region === region);
    const resourceType = evaluations[0]?.resourceType ?? (inventory?.vpcEndpoints.has(resourceId) ? "AWS::EC2::VPCEndpoint" : inventory?.subnets.has(resourceId) ? "AWS::EC2::Subnet" : inventory?.vpcs.has(resourceId) ? "AWS::EC2::VPC" : undefined);
    const errors = report.errors.filter((e) => e.accountId === accountId && (e.region === region || e.region === undefined));
    const verdicts = prepared
      .filter((p) => p.rule.metadata.resourceType === resourceType)
      .map((p) => {
        const ruleId = p.rule.metadata.id;
        const evaluation = evaluations.find((e) => e.ruleId === ruleId);
        const error = groupErrors(errors.filter((e) => e.ruleId === ruleId))[0];
        return {
          ruleId,
          title: p.rule.metadata.title,
          ...(evaluation ? { evaluation } : {}),
          ...(!evaluation ? { notEvaluated: error ? `${error.message}${blockedText(error) ? "" : ""}` : "not judged: outside the rule's scope (e.g. another endpoint type or state)" } : {}),
        };
      });
    const fixes = prepared
      .filter((p) => evaluations.some((e) => e.ruleId === p.rule.metadata.id && e.compliance === "NON_COMPLIANT"))
      .map((p) => {
        const e = evaluations.find((x) => x.ruleId === p.rule.metadata.id) as Evaluation;
        const filled = inventory ? fillFix(e, p.rule.metadata, inventory, p.params as Record<string, unknown>) : undefined;
        return { ruleId: p.rule.metadata.id, text: p.rule.metadata.remediation.text, ...(filled ?? {}) };
      });
    return {
      resourceId,
      ...(resourceType ? { resourceType } : {}),
      accountId,
      region,
      evaluatedAt: report.scannedAt,
      verdicts,
      evidence: (inventory ? evidenceFor(inventory, resourceId, now, lookbacks) : undefined) ?? [{ title: "Evidence", lines: ["the region's data could not be parsed"] }],
      fixes,
    };
  });
}

/** Explanations as text for a terminal (wrapped to `width`; code snippets are not wrapped). */
export function renderExplanation(explanations: readonly Explanation[], width: number): string {
  const out: string[] = [];
  const para = (text: string, indent: string): void => {
    for (const l of wrap(escapeControl(text), Math.max(24, width - indent.length))) out.push(indent + l);
  };
  explanations.forEach((x, i) => {
    if (i > 0) out.push("", "");
    para(`${x.resourceId} — ${x.resourceType ?? "resource"} in ${x.region}, account ${x.accountId} (evaluated at ${x.evaluatedAt})`, "");
    out.push("", "Verdicts");
    const idWidth = Math.max(...x.verdicts.map((v) => v.ruleId.length), 4);
    if (x.verdicts.length === 0) out.push("  no selected rule judges this resource type");
    for (const v of x.verdicts) {
      const e = v.evaluation;
      out.push(`  ${v.ruleId.padEnd(idWidth)}  ${e ? `${e.compliance}${e.monthlySavingsUsd !== undefined ? `  ${formatUsd(e.monthlySavingsUsd)}/month` : ""}` : "—"}`);
      para(e ? e.annotation : (v.notEvaluated ?? ""), "      ");
    }
    out.push("", "Evidence");
    for (const section of x.evidence) {
      out.push(`  ${section.title}`);
      for (const line of section.lines) para(line, "    ");
    }
    for (const fix of x.fixes) {
      out.push("", `Fix (${fix.ruleId})`);
      para(fix.text, "  ");
      if (fix.cli) {
        out.push("  AWS CLI:");
        for (const l of fix.cli.split("\n")) out.push(`    ${escapeControl(l)}`);
      }
      if (fix.terraform) {
        out.push("  Terraform:");
        for (const l of fix.terraform.split("\n")) out.push(`    ${escapeControl(l)}`);
      }
    }
  });
  return `${out.map((l) => l.trimEnd()).join("\n")}\n`;
}

export async function explainCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommand("explain", args, OPTIONS, 1);
  if (values.help === true) {
    io.stdout.write(EXPLAIN_HELP);
    return ExitCode.OK;
  }
  const resourceId = positionals[0]?.trim();
  if (!resourceId) throw new UsageError("'explain' needs a RESOURCE_ID (vpce-…, subnet-… or vpc-…)", "e.g. endpoint-auditor explain vpce-0123456789abcdef0 --snapshot scan.json");
  const format = (stringValue(values.format) ?? "text").trim().toLowerCase();
  if (format !== "text" && format !== "json") throw new UsageError(`explain: unknown --format '${format}'${suggestion(format, ["text", "json"])}`, "use text or json");
  const settings = ruleSettings(values);
  const live = stringValue(values.snapshot) === undefined;
  let set: SnapshotSet;
  let now: Date;
  let report: AccountsResult;
  if (live) {
    if (stringValue(values.now) !== undefined) throw new UsageError("explain: --now applies to --snapshot only", "a live scan is always evaluated now");
    const output = await liveScan(io, { values, selections: settings.selections, verbose: values.verbose === true, quiet: values.quiet === true });
    if (typeof output === "number") return output;
    ({ snapshot: set } = output);
    now = new Date(output.scannedAt);
    report = output;
  } else {
    for (const flag of Object.keys(LIVE_OPTIONS)) {
      if (values[flag] !== undefined) throw new UsageError(`explain: --snapshot and --${flag} exclude each other`, "explain from a snapshot, or scan live");
    }
    ({ set, now } = await snapshotSource("explain", values));
    report = evaluateSnapshotSet(set, settings.selections, now);
  }
  const explanations = explainResource(set, report, settings.prepared, resourceId, now);
  if (explanations.length === 0) {
    const { ids } = locate(set, resourceId);
    throw new UsageError(
      `no VPC endpoint, subnet or VPC '${resourceId}' in ${live ? "the scanned accounts and regions" : "the snapshot"}${suggestion(resourceId, ids)}`,
      "pass an id from the report (RESOURCE column)",
    );
  }
  io.stdout.write(format === "json" ? `${JSON.stringify(explanations, null, 2)}\n` : renderExplanation(explanations, outputWidth(io)));
  return report.errors.some((e) => explanations.some((x) => x.accountId === e.accountId && (e.region === undefined || e.region === x.region)))
    ? ExitCode.INCOMPLETE
    : ExitCode.OK;
}
