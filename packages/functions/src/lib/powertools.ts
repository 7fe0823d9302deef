/**
 * The Powertools instances every handler shares, created once per execution environment. Service name and
 * metrics namespace can be overridden with `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE`.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

export const SERVICE_NAME = "endpoint-auditor";
/** CloudWatch namespace of the EMF metrics. */
export const METRICS_NAMESPACE = "EndpointAuditor";

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE });
export const tracer = new Tracer({ serviceName });
