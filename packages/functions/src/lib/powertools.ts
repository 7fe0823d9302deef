/**
 * The Powertools logger and metrics every handler shares, created once per execution environment. Service name and
 * metrics namespace can be overridden with `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_METRICS_NAMESPACE`.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { EnvironmentVariables as Env, METRICS_NAMESPACE, MetricsScope, ServiceNames } from "@endpoint-auditor/core";

export const serviceName = process.env[Env.powertoolsServiceName] || ServiceNames.evaluator;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: process.env[Env.powertoolsMetricsNamespace] || METRICS_NAMESPACE });

/**
 * Whether every custom metric is published (`METRICS_SCOPE` unset or `all`), or only the failure metrics
 * (`failures`: published only when something fails, so a healthy deployment pays for none).
 */
export function publishesAllMetrics(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env[Env.metricsScope]?.trim() || MetricsScope.all) === MetricsScope.all;
}
