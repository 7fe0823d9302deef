/**
 * `--format ocsf`: OCSF 1.3 Compliance Finding events (class_uid 2003, category Findings), one per
 * evaluation, as a JSON array — the shape Prowler writes and AWS Security Hub reads. Attribute names and
 * enums follow the OCSF schema (events/findings/compliance_finding.json, objects/compliance.json,
 * objects/account.json); the profiles used are `cloud` and `datetime`.
 */
import type { ComplianceType, Evaluation } from "@endpoint-auditor/core";
import { ALL_STATUSES, compareEvaluations, type Report, type RuleInfo, type StatusFilter } from "./common";

/** The OCSF schema version the events follow. */
export const OCSF_VERSION = "1.3.0";

export const OcsfIds = {
  categoryFindings: 2,
  classComplianceFinding: 2003,
  activityCreate: 1,
  /** class_uid × 100 + activity_id */
  typeComplianceFindingCreate: 200301,
  findingStatusNew: 1,
  accountTypeAws: 10,
} as const;

/** `compliance.status_id`: Pass 1, Warning 2, Fail 3, Other 99. */
const COMPLIANCE_STATUS: Readonly<Record<ComplianceType, { id: number; name: string }>> = {
  COMPLIANT: { id: 1, name: "Pass" },
  NON_COMPLIANT: { id: 3, name: "Fail" },
  NOT_APPLICABLE: { id: 99, name: "Not Applicable" },
};

/** `severity_id`: Informational 1, Low 2, Medium 3, High 4. A passing or skipped check is informational. */
const SEVERITY: Readonly<Record<string, { id: number; name: string }>> = {
  informational: { id: 1, name: "Informational" },
  low: { id: 2, name: "Low" },
  medium: { id: 3, name: "Medium" },
  high: { id: 4, name: "High" },
};

export interface OcsfOptions {
  rules: readonly RuleInfo[];
  /** The CLI's version (`metadata.product.version`). */
  version: string;
  statuses?: StatusFilter;
}

/** A stable id for one evaluation: the same resource under the same rule gets the same uid every run. */
export function findingUid(e: Pick<Evaluation, "accountId" | "region" | "ruleId" | "resourceId">): string {
  return `endpoint-auditor/${e.accountId}/${e.region}/${e.ruleId}/${e.resourceId}`;
}

/**
 * One OCSF Compliance Finding.
 *
 * @example
 * ```ts
 * ocsfFinding(evaluation, rule, "2026-11-23T06:00:00.000Z", "0.1.0").class_uid; // 2003
 * ```
 */
export function ocsfFinding(e: Evaluation, rule: RuleInfo | undefined, scannedAt: string, version: string): Record<string, unknown> {
  const time = Date.parse(scannedAt);
  const status = COMPLIANCE_STATUS[e.compliance];
  const severity = (e.compliance === "NON_COMPLIANT" ? SEVERITY[rule?.severity ?? "medium"] : undefined) ?? SEVERITY.informational ?? { id: 1, name: "Informational" };
  return {
    activity_id: OcsfIds.activityCreate,
    activity_name: "Create",
    category_uid: OcsfIds.categoryFindings,
    category_name: "Findings",
    class_uid: OcsfIds.classComplianceFinding,
    class_name: "Compliance Finding",
    type_uid: OcsfIds.typeComplianceFindingCreate,
    type_name: "Compliance Finding: Create",
    severity_id: severity.id,
    severity: severity.name,
    status_id: OcsfIds.findingStatusNew,
    status: "New",
    time,
    time_dt: new Date(time).toISOString(),
    message: e.annotation,
    metadata: {
      version: OCSF_VERSION,
      product: { name: "endpoint-auditor", vendor_name: "endpoint-auditor", uid: "endpoint-auditor", version },
      profiles: ["cloud", "datetime"],
      event_code: e.ruleId,
    },
    cloud: {
      provider: "AWS",
      region: e.region,
      account: { uid: e.accountId, type_id: OcsfIds.accountTypeAws, type: "AWS Account" },
    },
    finding_info: {
      uid: findingUid(e),
      title: rule?.title ?? e.ruleId,
      ...(rule?.description ? { desc: rule.description } : {}),
      types: [`endpoint-auditor/${e.ruleId}`],
      created_time: time,
      created_time_dt: new Date(time).toISOString(),
    },
    compliance: {
      standards: ["endpoint-auditor"],
      control: e.ruleId,
      status_id: status.id,
      status: status.name,
      status_code: e.compliance,
      status_detail: e.annotation,
    },
    resources: [{ uid: e.resourceId, name: e.resourceId, type: e.resourceType, region: e.region }],
    ...(rule?.remediation ? { remediation: { desc: rule.remediation.text } } : {}),
    ...(e.monthlySavingsUsd !== undefined ? { unmapped: { monthly_savings_usd: e.monthlySavingsUsd } } : {}),
  };
}

/**
 * Renders the evaluations as a JSON array of OCSF Compliance Findings. Errors have no finding: they go
 * to stderr and set exit code 1.
 *
 * @example
 * ```ts
 * JSON.parse(renderOcsf(report, { rules, version: "0.1.0" }))[0].compliance.status; // "Fail"
 * ```
 */
export function renderOcsf(report: Report, options: OcsfOptions): string {
  const statuses = options.statuses ?? ALL_STATUSES;
  const rules = new Map(options.rules.map((r) => [r.id, r]));
  const findings = report.evaluations
    .filter((e) => statuses.has(e.compliance))
    .sort(compareEvaluations)
    .map((e) => ocsfFinding(e, rules.get(e.ruleId), report.scannedAt, options.version));
  return `${JSON.stringify(findings, null, 2)}\n`;
}
