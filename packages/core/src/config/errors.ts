/** Typed errors of the AWS Config rule front door. */
import { EndpointAuditorError } from "../errors";
import type { ComplianceType } from "../evaluation";

/**
 * The Lambda event from AWS Config is malformed or of a kind this rule cannot handle. `field` names the
 * part of the event that is wrong (e.g. `invokingEvent.messageType`).
 *
 * @example
 * ```ts
 * try { parseConfigEvent(event); } catch (e) {
 *   if (e instanceof ConfigEventError) console.error(e.field, e.message);
 * }
 * ```
 */
export class ConfigEventError extends EndpointAuditorError {
  public readonly field: string;
  public readonly configRuleName?: string;

  public constructor(field: string, message: string, options?: { cause?: unknown; configRuleName?: string }) {
    const rule = options?.configRuleName ? ` (Config rule ${options.configRuleName})` : "";
    super(`Invalid AWS Config event${rule}: ${field}: ${message}`, options);
    this.field = field;
    this.configRuleName = options?.configRuleName;
  }
}

/** One evaluation that AWS Config did not accept. */
export interface UnwrittenEvaluation {
  resourceType: string;
  resourceId: string;
  compliance: ComplianceType;
}

/**
 * Some evaluations could not be written with `PutEvaluations` (after the SDK's retries for the call and
 * the writer's retries for `FailedEvaluations`). Lists every evaluation that was not written, so the
 * invocation fails visibly instead of leaving Config silently partial.
 *
 * @example
 * ```ts
 * try { await putEvaluations(config, token, evaluations, options); } catch (e) {
 *   if (e instanceof PutEvaluationsError) console.error(e.notWritten.map((u) => u.resourceId));
 * }
 * ```
 */
export class PutEvaluationsError extends EndpointAuditorError {
  public readonly notWritten: readonly UnwrittenEvaluation[];
  /** How many evaluations were written before giving up. */
  public readonly written: number;

  public constructor(notWritten: readonly UnwrittenEvaluation[], written: number, reason: string, options?: { cause?: unknown }) {
    const list = notWritten.map((u) => `${u.resourceType} ${u.resourceId}`).join(", ");
    super(
      `PutEvaluations failed for ${notWritten.length} evaluation(s) (${written} written): ${reason}. Not written: ${list}`,
      options,
    );
    this.notWritten = notWritten;
    this.written = written;
  }
}

/**
 * An evaluation handed to the writer that AWS Config would refuse (bad compliance type, missing id, the
 * same resource twice). Thrown before any call, so nothing of that write is sent.
 *
 * @example
 * ```ts
 * try { await putEvaluations(config, token, evaluations, options); } catch (e) {
 *   if (e instanceof InvalidEvaluationError) console.error(e.resourceType, e.resourceId, e.message);
 * }
 * ```
 */
export class InvalidEvaluationError extends EndpointAuditorError {
  public readonly resourceType: string;
  public readonly resourceId: string;

  public constructor(resourceType: string, resourceId: string, message: string) {
    super(`Invalid evaluation for ${resourceType} ${resourceId}: ${message}`);
    this.resourceType = resourceType;
    this.resourceId = resourceId;
  }
}
