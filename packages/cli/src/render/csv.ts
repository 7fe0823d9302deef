/** `--format csv`: one row per evaluation, RFC 4180 (CRLF line ends, fields quoted when needed). */
import { ALL_STATUSES, compareEvaluations, type Report, type StatusFilter } from "./common";

/** The columns, in order (the header row). */
export const CSV_COLUMNS = [
  "account_id",
  "region",
  "rule_id",
  "resource_type",
  "resource_id",
  "compliance",
  "monthly_savings_usd",
  "annotation",
  "evaluated_at",
] as const;

/**
 * Quotes a field when RFC 4180 needs it (a comma, a double quote, CR or LF), doubling inner quotes.
 *
 * @example
 * ```ts
 * csvField('say "hi", then go'); // "\"say \"\"hi\"\", then go\""
 * ```
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Renders the evaluations as CSV: a header row, then one row per evaluation in report order (non-compliant
 * first, largest saving first). Errors have no row: they go to stderr and set exit code 1.
 *
 * @example
 * ```ts
 * writeFileSync("findings.csv", renderCsv(report));
 * ```
 */
export function renderCsv(report: Report, statuses: StatusFilter = ALL_STATUSES): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const e of report.evaluations.filter((x) => statuses.has(x.compliance)).sort(compareEvaluations)) {
    rows.push(
      [e.accountId, e.region, e.ruleId, e.resourceType, e.resourceId, e.compliance, e.monthlySavingsUsd === undefined ? "" : e.monthlySavingsUsd.toFixed(2), e.annotation, report.scannedAt]
        .map(csvField)
        .join(","),
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}
