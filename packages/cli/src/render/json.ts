/** `--format json`: the machine-readable result, with a fixed key order. */
import type { Evaluation } from "@endpoint-auditor/core";
import { ALL_STATUSES, accountTotals, type Report, type StatusFilter } from "./common";

/** Where {@link writeJson} writes (stdout, a file, or anything with `write`). */
export interface JsonSink {
  write(chunk: string): unknown;
}

/** Evaluations rendered per chunk: one `write` per 1,000, never one string for a million. */
const EVALUATIONS_PER_CHUNK = 1_000;
/** Stands for the evaluations while the rest of the document is stringified. */
const PLACEHOLDER = "\u0000evaluations\u0000";

function evaluationJson(e: Evaluation): string {
  const item = {
    ruleId: e.ruleId,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    region: e.region,
    accountId: e.accountId,
    compliance: e.compliance,
    annotation: e.annotation,
    ...(e.monthlySavingsUsd !== undefined ? { monthlySavingsUsd: e.monthlySavingsUsd } : {}),
    ...(e.exemption !== undefined ? { exemption: { reason: e.exemption.reason, ...(e.exemption.until !== undefined ? { until: e.exemption.until } : {}) } } : {}),
  };
  // Indented as an element of the top-level "evaluations" array (JSON strings hold no raw newline).
  return `    ${JSON.stringify(item, null, 2).replace(/\n/g, "\n    ")}`;
}

/**
 * Writes a report as JSON with exactly the documented keys, in this order: `accountId` (only when the
 * report covers exactly one account), `accounts[{accountId, scanned, nonCompliant, compliant, notApplicable,
 * errors, monthlySavingsUsd}]`, `scannedAt`, `regions`, `evaluations[{ruleId, resourceType, resourceId,
 * region, accountId, compliance, annotation, monthlySavingsUsd?, exemption?{reason, until?}}]`,
 * `errors[{accountId?, region?, ruleId?, message, call?, code?, failedParts?}]`. `statuses` filters the
 * evaluations (default: all). The text is that of `JSON.stringify(…, null, 2)`, written in chunks of 1,000
 * evaluations, so a report of any size is written without building one string (V8 caps a string at about
 * 512 MiB, some 1.3 million evaluations).
 *
 * @example
 * ```ts
 * writeJson(report, process.stdout);
 * ```
 */
export function writeJson(report: Report, out: JsonSink, statuses: StatusFilter = ALL_STATUSES): void {
  const skeleton = JSON.stringify(
    {
      ...(report.accountIds.length === 1 ? { accountId: report.accountIds[0] } : {}),
      accounts: accountTotals(report).map((t) => ({
        accountId: t.accountId,
        scanned: !t.failed,
        nonCompliant: t.counts.NON_COMPLIANT,
        compliant: t.counts.COMPLIANT,
        notApplicable: t.counts.NOT_APPLICABLE,
        errors: t.errors,
        monthlySavingsUsd: t.monthlySavingsUsd,
      })),
      scannedAt: report.scannedAt,
      regions: [...report.regions],
      evaluations: PLACEHOLDER,
      errors: report.errors.map((e) => ({
        ...(e.accountId !== undefined ? { accountId: e.accountId } : {}),
        ...(e.region !== undefined ? { region: e.region } : {}),
        ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}),
        message: e.message,
        ...(e.call !== undefined ? { call: e.call } : {}),
        ...(e.code !== undefined ? { code: e.code } : {}),
        ...(e.failedParts !== undefined ? { failedParts: e.failedParts.map((p) => ({ part: p.part, call: p.call, ...(p.code !== undefined ? { code: p.code } : {}), message: p.message })) } : {}),
      })),
    },
    null,
    2,
  );
  const [head, tail] = skeleton.split(JSON.stringify(PLACEHOLDER));
  let pending: string[] = [];
  let written = 0;
  for (const e of report.evaluations) {
    if (!statuses.has(e.compliance)) continue;
    pending.push(evaluationJson(e));
    if (pending.length === EVALUATIONS_PER_CHUNK) {
      out.write(`${written === 0 ? `${head}[\n` : ",\n"}${pending.join(",\n")}`);
      written += pending.length;
      pending = [];
    }
  }
  if (pending.length > 0) {
    out.write(`${written === 0 ? `${head}[\n` : ",\n"}${pending.join(",\n")}`);
    written += pending.length;
  }
  out.write(written === 0 ? `${head}[]${tail}\n` : `\n  ]${tail}\n`);
}

/**
 * Renders a report as JSON: the text {@link writeJson} writes, as one string (for tests and small reports).
 *
 * @example
 * ```ts
 * JSON.parse(renderJson(report)).evaluations[0].compliance; // "NON_COMPLIANT"
 * ```
 */
export function renderJson(report: Report, statuses: StatusFilter = ALL_STATUSES): string {
  const chunks: string[] = [];
  writeJson(report, { write: (chunk) => chunks.push(chunk) }, statuses);
  return chunks.join("");
}
