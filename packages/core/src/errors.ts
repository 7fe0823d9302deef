/**
 * Typed errors of endpoint-auditor. Every error names where it belongs (account, region, rule, call)
 * and keeps the original error as `cause`.
 *
 * @example
 * ```ts
 * try { await collectRegion(opts); } catch (e) {
 *   if (e instanceof CollectionError) console.error(e.region, e.call, e.message);
 * }
 * ```
 */
export class EndpointAuditorError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What a failed AWS call was about. */
export interface CallContext {
  accountId?: string;
  region: string;
  /** The IAM-style name of the failing call, e.g. `ec2:DescribeRouteTables`. */
  call: string;
}

/** An AWS list or metric call failed (after the SDK's own retries). */
export class CollectionError extends EndpointAuditorError {
  public readonly accountId?: string;
  public readonly region: string;
  public readonly call: string;
  /** The AWS error code, e.g. `UnauthorizedOperation`, `RequestLimitExceeded`. */
  public readonly code?: string;

  public constructor(context: CallContext & { code?: string }, message: string, options?: { cause?: unknown }) {
    const where = `${context.call} in ${context.region}${context.accountId ? ` (account ${context.accountId})` : ""}`;
    super(`${where} failed: ${message}`, options);
    this.accountId = context.accountId;
    this.region = context.region;
    this.call = context.call;
    this.code = context.code;
  }
}

/** A rule parameter is missing, unknown, or outside its allowed values. */
export class ParameterValidationError extends EndpointAuditorError {
  public readonly ruleId: string;
  public readonly parameter: string;
  public readonly allowed: string;

  public constructor(ruleId: string, parameter: string, allowed: string, received: unknown) {
    super(
      `Invalid parameter "${parameter}" for rule ${ruleId}: got ${JSON.stringify(received) ?? String(received)}; allowed: ${allowed}`,
    );
    this.ruleId = ruleId;
    this.parameter = parameter;
    this.allowed = allowed;
  }
}

/** A rule id that is not in the registry. */
export class UnknownRuleError extends EndpointAuditorError {
  public readonly ruleId: string;
  public constructor(ruleId: string, known: readonly string[]) {
    super(`Unknown rule "${ruleId}"; known rules: ${known.join(", ")}`);
    this.ruleId = ruleId;
  }
}

/** The same rule selected twice in one run (its evaluations would be reported twice). */
export class DuplicateRuleError extends EndpointAuditorError {
  public readonly ruleId: string;
  public constructor(ruleId: string) {
    super(`Rule "${ruleId}" is selected more than once; select each rule once with all its parameters`);
    this.ruleId = ruleId;
  }
}

/** A snapshot file that cannot be read or does not have the snapshot shape. */
export class SnapshotError extends EndpointAuditorError {}

/** A rule could not be evaluated in a region because data it needs is missing. */
export class RuleEvaluationError extends EndpointAuditorError {
  public readonly ruleId: string;
  public readonly region: string;
  public readonly accountId?: string;
  public constructor(
    context: { ruleId: string; region: string; accountId?: string },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Rule ${context.ruleId} in ${context.region}: ${message}`, options);
    this.ruleId = context.ruleId;
    this.region = context.region;
    this.accountId = context.accountId;
  }
}

/** Returns a message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}
