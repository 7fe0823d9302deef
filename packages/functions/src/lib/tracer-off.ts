/**
 * The evaluator's tracer when its stage does not trace (`evaluator.tracing: false`, the default): the same
 * exports as `./tracer`, doing nothing — what the Powertools Tracer does with `POWERTOOLS_TRACE_ENABLED=false`
 * — without bundling the X-Ray SDK. esbuild.config.mjs's `untracedBuild` puts this module in place of
 * `./lib/tracer` in the default Lambda build; the traced build and the tests use `./tracer`.
 */
import type { MiddlewareObj } from "@middy/core";
import type { ClientTracer } from "./tracer";

export type { ClientTracer };

export const tracer: ClientTracer = {
  captureAWSv3Client: <T>(client: T): T => client,
};

/** No middleware (middy refuses one without hooks). */
export function tracing(): MiddlewareObj[] {
  return [];
}
