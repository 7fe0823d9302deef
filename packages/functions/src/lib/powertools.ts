/**
 * The Powertools logger and metrics every handler shares, created once per execution environment. Service name and
 * metrics namespace can be overridden with `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE`.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { EnvironmentVariables as Env, METRICS_NAMESPACE, ServiceNames } from "@endpoint-auditor/core";

export const serviceName = process.env[Env.powertoolsServiceName] || ServiceNames.evaluator;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env[Env.powertoolsMetricsNamespace] || METRICS_NAMESPACE });
