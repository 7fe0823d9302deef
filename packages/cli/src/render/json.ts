/** `--format json`: the machine-readable result, with a fixed key order. */
import { ALL_STATUSES, accountTotals, type Report, type StatusFilter } from "./common";

/**
 * Renders a report as JSON with exactly the documented keys, in this order: `accountId` (only when the
 * report covers exactly one account), `accounts[{accountId, scanned, nonCompliant, compliant, notApplicable,
 * errors, monthlySavingsUsd}]`, `scannedAt`, `regions`, `evaluations[{ruleId, resourceType, resourceId,
 * region, accountId, compliance, annotation, monthlySavingsUsd?}]`, `errors[{accountId?, region?, ruleId?,
 * message, call?, code?, failedParts?}]`. `statuses` filters the evaluations (default: all).
 *
 * @example
 * ```ts
 * JSON.parse(renderJson(report)).evaluations[0].compliance; // "NON_COMPLIANT"
 * ```
 */
export function renderJson(report: Report, statuses: StatusFilter = ALL_STATUSES): string {
  const out = {
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
    evaluations: report.evaluations
      .filter((e) => statuses.has(e.compliance))
      .map((e) => ({
        ruleId: e.ruleId,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        region: e.region,
        accountId: e.accountId,
        compliance: e.compliance,
        annotation: e.annotation,
        ...(e.monthlySavingsUsd !== undefined ? { monthlySavingsUsd: e.monthlySavingsUsd } : {}),
      })),
    errors: report.errors.map((e) => ({
      ...(e.accountId !== undefined ? { accountId: e.accountId } : {}),
      ...(e.region !== undefined ? { region: e.region } : {}),
      ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}),
      message: e.message,
      ...(e.call !== undefined ? { call: e.call } : {}),
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.failedParts !== undefined ? { failedParts: e.failedParts.map((p) => ({ part: p.part, call: p.call, ...(p.code !== undefined ? { code: p.code } : {}), message: p.message })) } : {}),
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
