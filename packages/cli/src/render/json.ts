/** `--format json`: the machine-readable result, with a fixed key order. */
import type { Evaluation, ScanResult } from "@endpoint-auditor/core";

/** Where {@link writeJson} writes (stdout, or anything with `write`). */
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
 * Writes a result as JSON with exactly the documented keys, in this order:
 * `accountId, scannedAt, regions, evaluations[{ruleId, resourceType, resourceId, region, accountId,
 * compliance, annotation, monthlySavingsUsd?, exemption?{reason, until?}}], errors[{region, ruleId?, message}]` — the text of
 * `JSON.stringify(…, null, 2)`, in chunks of 1,000 evaluations, so a result of any size is written
 * without building one string (V8 caps a string at about 512 MiB, some 1.3 million evaluations).
 *
 * @example
 * ```ts
 * writeJson(result, process.stdout);
 * ```
 */
export function writeJson(result: ScanResult, out: JsonSink): void {
  const skeleton = JSON.stringify(
    {
      accountId: result.accountId,
      scannedAt: result.scannedAt,
      regions: [...result.regions],
      evaluations: PLACEHOLDER,
      errors: result.errors.map((e) => ({
        region: e.region,
        ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}),
        message: e.message,
      })),
    },
    null,
    2,
  );
  const [head, tail] = skeleton.split(JSON.stringify(PLACEHOLDER));
  const evaluations = result.evaluations;
  if (evaluations.length === 0) {
    out.write(`${head}[]${tail}\n`);
    return;
  }
  out.write(`${head}[\n`);
  for (let start = 0; start < evaluations.length; start += EVALUATIONS_PER_CHUNK) {
    const end = Math.min(evaluations.length, start + EVALUATIONS_PER_CHUNK);
    const parts: string[] = [];
    for (let i = start; i < end; i++) parts.push(evaluationJson(evaluations[i] as Evaluation));
    out.write(`${parts.join(",\n")}${end < evaluations.length ? ",\n" : "\n"}`);
  }
  out.write(`  ]${tail}\n`);
}

/**
 * Renders a result as JSON (the text {@link writeJson} writes, as one string: for tests and small results).
 *
 * @example
 * ```ts
 * JSON.parse(renderJson(result)).evaluations[0].compliance; // "NON_COMPLIANT"
 * ```
 */
export function renderJson(result: ScanResult): string {
  const chunks: string[] = [];
  writeJson(result, { write: (chunk) => chunks.push(chunk) });
  return chunks.join("");
}
