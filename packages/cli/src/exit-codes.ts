/** Exit codes of `endpoint-auditor`. Documented in `--help`; a test runs each one. */
export const ExitCode = {
  /** Everything selected was evaluated (findings may still be non-compliant). */
  OK: 0,
  /** Some region or rule could not be evaluated; what could be evaluated is still printed. */
  INCOMPLETE: 1,
  /** Bad command line or input file; nothing was scanned. */
  USAGE: 2,
  /** `--fail-on-noncompliant` and at least one NON_COMPLIANT evaluation (and nothing failed). */
  NON_COMPLIANT: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code for a finished scan or evaluation. An incomplete result (1) wins over non-compliance (3):
 * a scan that missed a region cannot vouch for anything, and CI fails on both.
 *
 * @example
 * ```ts
 * exitCodeFor({ evaluations, errors: [] }, true); // 3 when something is NON_COMPLIANT
 * ```
 */
export function exitCodeFor(
  result: { evaluations: readonly { compliance: string }[]; errors: readonly unknown[] },
  failOnNonCompliant: boolean,
): ExitCode {
  if (result.errors.length > 0) return ExitCode.INCOMPLETE;
  if (failOnNonCompliant && result.evaluations.some((e) => e.compliance === "NON_COMPLIANT")) return ExitCode.NON_COMPLIANT;
  return ExitCode.OK;
}
