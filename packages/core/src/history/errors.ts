/** Typed errors of the findings history store. */
import { EndpointAuditorError } from "../errors";

/** Where a history operation failed. */
export interface HistoryContext {
  tableName: string;
  accountId?: string;
  region?: string;
}

function where(context: HistoryContext): string {
  const scope = [context.accountId && `account ${context.accountId}`, context.region].filter(Boolean).join(", ");
  return `history table ${context.tableName}${scope ? ` (${scope})` : ""}`;
}

/** An evaluation that cannot be recorded (missing key parts, a `#` in a rule id, a bad time). Nothing was written. */
export class HistoryInputError extends EndpointAuditorError {}

/**
 * Writing history failed: the SDK call failed, or DynamoDB kept returning `UnprocessedItems` after the
 * bounded retries. `written` items were stored; `unwritten` were not (recording again is safe: every
 * write is a full put of the computed state).
 */
export class HistoryWriteError extends EndpointAuditorError {
  public readonly tableName: string;
  public readonly accountId?: string;
  public readonly region?: string;
  public readonly written: number;
  public readonly unwritten: number;

  public constructor(
    context: HistoryContext & { written: number; unwritten: number },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Writing ${where(context)} failed: ${message} (${context.written} written, ${context.unwritten} not written)`, options);
    this.tableName = context.tableName;
    this.accountId = context.accountId;
    this.region = context.region;
    this.written = context.written;
    this.unwritten = context.unwritten;
  }
}

/** Reading history failed (SDK error, or `UnprocessedKeys` left after the bounded retries). */
export class HistoryReadError extends EndpointAuditorError {
  public readonly tableName: string;
  public readonly accountId?: string;
  public readonly region?: string;

  public constructor(context: HistoryContext, message: string, options?: { cause?: unknown }) {
    super(`Reading ${where(context)} failed: ${message}`, options);
    this.tableName = context.tableName;
    this.accountId = context.accountId;
    this.region = context.region;
  }
}
