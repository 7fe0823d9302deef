/** `--format json`: the machine-readable result, with a fixed key order. */
import type { ScanResult } from "@endpoint-auditor/core";

/**
 * Renders a result as JSON with exactly the documented keys, in this order:
 * `accountId, scannedAt, regions, evaluations[{ruleId, resourceType, resourceId, region, accountId,
 * compliance, annotation, monthlySavingsUsd?}], errors[{region, ruleId?, message}]`.
 *
 * @example
 * ```ts
 * JSON.parse(renderJson(result)).evaluations[0].compliance; // "NON_COMPLIANT"
 * ```
 */
export function renderJson(result: ScanResult): string {
  const out = {
    accountId: result.accountId,
    scannedAt: result.scannedAt,
    regions: [...result.regions],
    evaluations: result.evaluations.map((e) => ({
      ruleId: e.ruleId,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      region: e.region,
      accountId: e.accountId,
      compliance: e.compliance,
      annotation: e.annotation,
      ...(e.monthlySavingsUsd !== undefined ? { monthlySavingsUsd: e.monthlySavingsUsd } : {}),
    })),
    errors: result.errors.map((e) => ({
      region: e.region,
      ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}),
      message: e.message,
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
