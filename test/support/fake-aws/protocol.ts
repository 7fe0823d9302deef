/**
 * Wire shapes shared by the fake services: the error a handler throws, the answer it returns, and how
 * each protocol (EC2 query, awsQuery, JSON 1.0 with query compatibility, JSON 1.1) writes them.
 */
import { escapeXml } from "./schema";

/** An AWS error answer. Handlers throw it; the server writes it in the caller's protocol. */
export class FakeApiError extends Error {
  override readonly name = "FakeApiError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** JSON `__type` when it differs from the code (CloudWatch's query-compatible shapes). */
    readonly jsonType?: string,
  ) {
    super(message);
  }
}

/** A successful answer. */
export interface FakeAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";
export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** EC2 query protocol error: `<Response><Errors><Error>…</Error></Errors><RequestID>…</RequestID></Response>`. */
export function ec2ErrorBody(error: FakeApiError, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}

/** awsQuery protocol error (STS): `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function queryErrorBody(error: FakeApiError, requestId: string, xmlns: string): string {
  const type = error.status >= 500 ? "Receiver" : "Sender";
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** Writes the EC2 success envelope around the XML of the output members. */
export function ec2ResponseBody(action: string, requestId: string, membersXml: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">` +
    `<requestId>${requestId}</requestId>${membersXml}</${action}Response>`
  );
}

/** Seconds since the epoch, as the AWS JSON protocols write timestamps. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** Reads a JSON-protocol timestamp (epoch seconds; ISO strings are accepted too). */
export function readJsonTimestamp(value: unknown, field: string): Date {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string") {
    const d = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new FakeApiError("ValidationError", `Invalid timestamp for ${field}: ${JSON.stringify(value)}`);
}
