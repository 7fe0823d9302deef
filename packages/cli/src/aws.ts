/**
 * How the CLI's AWS clients behave beyond core's settings: each API call (all its retries) is cut after
 * `--timeout` seconds; an error that never reached AWS (connection refused, DNS, TLS, timeouts) names the
 * endpoint it was sent to; `-v` logs every attempt and its outcome on stderr.
 */
import { escapeControl } from "./text";

/** What the CLI adds to a client. */
export interface ClientInstrumentation {
  /** The most one call may take, retries included (milliseconds). */
  timeoutMs: number;
  /** Called with one line per attempt and outcome (`-v`). */
  trace?: (line: string) => void;
  /** Called when an attempt failed and the SDK will retry (progress on a terminal). */
  onRetry?: (line: string) => void;
}

/** The smallest middleware stack surface the CLI needs (every SDK v3 client has it). */
interface Instrumentable {
  middlewareStack: {
    add(
      middleware: (next: (args: { request?: unknown; input?: unknown }) => Promise<unknown>, context: Record<string, unknown>) => (args: { request?: unknown; input?: unknown }) => Promise<unknown>,
      options: { step: "initialize" | "finalizeRequest"; priority?: "high" | "low"; name?: string },
    ): void;
  };
  config?: { region?: unknown };
}

/** Error codes of requests that never got an answer from AWS, and how to say them. */
const TRANSPORT_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  ENOTFOUND: "DNS lookup failed (no such host)",
  EAI_AGAIN: "DNS lookup failed (temporary failure)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  CERT_HAS_EXPIRED: "TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate chain has a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate cannot be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS certificate issuer unknown",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate does not match the host name",
};

const MARK = Symbol.for("endpoint-auditor.endpoint-named");
/** Where the call's deadline is kept in the SDK's per-call context. */
const DEADLINE = "endpointAuditorDeadline";

interface RequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  headers?: Record<string, string>;
}

function endpointOf(request: RequestLike | undefined): string | undefined {
  if (!request?.hostname) return undefined;
  const protocol = request.protocol?.replace(/:?$/, ":") ?? "https:";
  return `${protocol}//${request.hostname}${request.port ? `:${request.port}` : ""}`;
}

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
  if (typeof e?.code === "string") return e.code;
  const cause = e?.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === "string") return cause.code;
  return undefined;
}

/** True for an error that came from AWS (it has an HTTP status), false for one that never got an answer. */
function answered(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode === "number";
}

/**
 * Rewrites a transport error's message to name the endpoint and the cause, once.
 *
 * @example
 * ```ts
 * nameEndpoint(error, "https://ec2.eu-west-1.amazonaws.com"); // "cannot reach https://ec2…: connection refused (ECONNREFUSED)"
 * ```
 */
export function nameEndpoint(error: unknown, endpoint: string | undefined): void {
  if (!(error instanceof Error) || endpoint === undefined || answered(error) || (error as unknown as Record<symbol, boolean>)[MARK]) return;
  const code = codeOf(error);
  const timeout = error.name === "TimeoutError" || /timed? ?out/i.test(error.message);
  const cause = timeout ? `timed out (${error.message})` : code && TRANSPORT_ERRORS[code] ? TRANSPORT_ERRORS[code] : undefined;
  if (cause === undefined && code === undefined) return;
  error.message = `cannot reach ${endpoint}: ${cause ?? error.message}${code ? ` (${code})` : ""}`;
  (error as unknown as Record<symbol, boolean>)[MARK] = true;
}

function callName(context: Record<string, unknown>): string {
  const client = typeof context.clientName === "string" ? context.clientName.replace(/Client$/, "") : "AWS";
  const service = ({ EC2: "ec2", CloudWatch: "cloudwatch", STS: "sts", Organizations: "organizations" } as Record<string, string>)[client] ?? client.toLowerCase();
  const command = typeof context.commandName === "string" ? context.commandName.replace(/Command$/, "") : "?";
  return `${service}:${command}`;
}

/** A call cut by `--timeout` (all attempts together took too long). */
export class CallTimeoutError extends Error {
  public constructor(call: string, endpoint: string | undefined, seconds: number) {
    super(`${endpoint ? `no answer from ${endpoint}` : "no answer"} within ${seconds} s (--timeout ${seconds}; ${call})`);
    this.name = "CallTimeoutError";
  }
}

/**
 * Adds the CLI's timeout, endpoint naming and tracing to a client.
 *
 * @example
 * ```ts
 * const ec2 = instrument(new EC2Client({ region }), "us-east-1", { timeoutMs: 60_000, trace: (l) => process.stderr.write(`${l}\n`) });
 * ```
 */
export function instrument<C>(client: C, region: string, options: ClientInstrumentation): C {
  const stack = (client as unknown as Instrumentable).middlewareStack;
  let lastEndpoint: string | undefined;
  // Outermost: the deadline for the whole call, retries included.
  stack.add(
    (next, context) => (args) => {
      const call = callName(context);
      context[DEADLINE] = Date.now() + options.timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CallTimeoutError(call, lastEndpoint, Math.round(options.timeoutMs / 100) / 10)), options.timeoutMs);
        timer.unref?.();
      });
      return Promise.race([next(args), deadline]).finally(() => clearTimeout(timer));
    },
    { step: "initialize", priority: "high", name: "endpointAuditorDeadline" },
  );
  // Innermost of the retry loop: one attempt.
  stack.add(
    (next, context) => async (args) => {
      const request = args.request as RequestLike | undefined;
      const endpoint = endpointOf(request);
      lastEndpoint = endpoint ?? lastEndpoint;
      const attempt = /attempt=(\d+)/.exec(request?.headers?.["amz-sdk-request"] ?? "")?.[1] ?? "1";
      const call = callName(context);
      const deadline = context[DEADLINE];
      // Past the deadline the retry loop stops: this error is not retryable, and nothing more is sent.
      if (typeof deadline === "number" && Date.now() >= deadline) throw new CallTimeoutError(call, lastEndpoint, Math.round(options.timeoutMs / 100) / 10);
      const started = Date.now();
      options.trace?.(`${region}  ${call}  attempt ${attempt} → ${endpoint ?? "?"}${request?.path && request.path !== "/" ? request.path : ""}`);
      try {
        const out = await next(args);
        const status = (out as { response?: { statusCode?: number } }).response?.statusCode;
        options.trace?.(`${region}  ${call}  attempt ${attempt} ← ${status ?? "?"} in ${Date.now() - started} ms`);
        return out;
      } catch (error) {
        nameEndpoint(error, endpoint);
        const code = (error as { name?: string }).name;
        const line = `${region}  ${call}  attempt ${attempt} failed in ${Date.now() - started} ms: ${code && code !== "Error" ? `${code}: ` : ""}${escapeControl(error instanceof Error ? error.message : String(error))}`;
        options.trace?.(line);
        options.onRetry?.(line);
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "endpointAuditorTrace" },
  );
  return client;
}
