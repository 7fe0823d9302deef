/**
 * The Powertools Tracer of the evaluator (X-Ray subsegments for the handler and every AWS SDK call), for a
 * stage with `evaluator.tracing: true`. Kept out of `powertools.ts` so that handlers which do not trace do
 * not bundle the X-Ray SDK (~95 KB with its dependencies): a top-level `new Tracer()` is never
 * tree-shaken. A stage without tracing (the default) deploys the evaluator built with `./tracer-off`
 * instead (esbuild.config.mjs, `untracedBuild`); both modules export the same names.
 */
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import type { MiddlewareObj } from "@middy/core";
import { serviceName } from "./powertools";

/** What the handlers use of a tracer: capturing the AWS SDK clients they create. */
export type ClientTracer = Pick<Tracer, "captureAWSv3Client">;

export const tracer: ClientTracer = new Tracer({ serviceName });

/** The middy middlewares of tracing (`.use(tracing())`): the one that opens and closes the handler's subsegment. */
export function tracing(): MiddlewareObj[] {
  return [captureLambdaHandler(tracer as Tracer)];
}
