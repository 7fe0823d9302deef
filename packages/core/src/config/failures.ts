/**
 * Which failures of a Config rule invocation a retry can fix. AWS Config invokes the evaluator
 * asynchronously, and Lambda retries a failed asynchronous invocation twice. That helps with throttling,
 * timeouts and a permission still propagating; it cannot help with an event or a setting that is wrong —
 * the same input fails the same way. Those are refused without a retry (the handler returns instead of
 * throwing) and still counted and alarmed on as failures.
 */
import { DuplicateRuleError, ParameterValidationError, UnknownRuleError } from "../errors";
import { HistoryInputError } from "../history/errors";
import { DeploymentConfigurationError, UndeployedRuleError } from "./deployed";
import { ConfigEventError, InvalidEvaluationError } from "./errors";

/** Errors that fail the same way on every retry. */
const PERMANENT: readonly (abstract new (...args: never[]) => Error)[] = [
  ConfigEventError,
  UnknownRuleError,
  ParameterValidationError,
  DuplicateRuleError,
  UndeployedRuleError,
  DeploymentConfigurationError,
  InvalidEvaluationError,
  HistoryInputError,
];

/**
 * Whether Lambda should retry an invocation that failed with `error`: false for a malformed event, an
 * unknown or undeployed rule, invalid parameters, a bad deployment setting or an evaluation Config would
 * refuse; true for everything else (AWS errors, throttling, timeouts, partial writes).
 *
 * @example
 * ```ts
 * isRetryable(new ParameterValidationError("r", "lookbackDays", "1–455", "abc")); // false
 * isRetryable(new CollectionError({ region: "eu-west-1", call: "ec2:DescribeVpcs" }, "throttled")); // true
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return !PERMANENT.some((type) => error instanceof type);
}

/** What the evaluator returns for an invocation it refused without a retry. */
export interface RefusedInvocation {
  refused: true;
  /** The error's class, e.g. `ParameterValidationError`. */
  error: string;
  message: string;
}

/**
 * The result of a refused invocation (the handler returns it, so Lambda does not retry).
 *
 * @example
 * ```ts
 * if (!isRetryable(error)) return refusal(error);
 * ```
 */
export function refusal(error: unknown): RefusedInvocation {
  return {
    refused: true,
    error: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
  };
}
