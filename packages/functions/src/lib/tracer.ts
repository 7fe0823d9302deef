/**
 * The Powertools Tracer of the evaluator (X-Ray subsegments for the handler and every AWS SDK call). Kept
 * out of `powertools.ts` so that handlers which do not trace do not bundle the X-Ray SDK (~110 KB): a
 * top-level `new Tracer()` is never tree-shaken.
 */
import { Tracer } from "@aws-lambda-powertools/tracer";
import { serviceName } from "./powertools";

export const tracer = new Tracer({ serviceName });
