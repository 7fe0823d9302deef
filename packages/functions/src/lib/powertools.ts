/**
 * The Powertools logger and metrics every handler shares, created once per execution environment. Service name and
 * metrics namespace can be overridden with `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE`.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

export const SERVICE_NAME = "endpoint-auditor";
/** CloudWatch namespace of the EMF metrics. */
export const METRICS_NAMESPACE = "EndpointAuditor";

export const serviceName = process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE });
