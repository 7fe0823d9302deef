/**
 * The AWS Config custom-rule Lambda: one function serves the four rules; the rule comes from the rule's
 * `ruleId` input parameter. Everything it decides lives in core's `runConfigRule`; this file wires the
 * event, the clients (created once at cold start) and the Powertools middlewares.
 */
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { runConfigRule, type ConfigRunResult } from "./lib/config-rule";
import middy from "@middy/core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { EnvironmentVariables as Env, clientConfig, recordEvaluations, type WrittenEvaluations } from "@endpoint-auditor/core";
import type { Context } from "aws-lambda";
import { ApiCallCounter, createConfigRuleClients } from "./lib/clients";
import { envFlag, functionAccountId, lambdaRegion } from "./lib/lambda";
import { logger, metrics } from "./lib/powertools";
import { tracer } from "./lib/tracer";
import { recordConfigFailure, recordConfigRun } from "./lib/telemetry";

const region = lambdaRegion();
const calls = new ApiCallCounter();
const clients = createConfigRuleClients(region, tracer, calls);
/** The findings history (the digest's data), when the stack created it. */
const historyTable = process.env[Env.historyTableName];
const history = historyTable
  ? DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient(clientConfig({ region, maxAttempts: 5 }))))
  : undefined;

async function recordHistory(written: WrittenEvaluations): Promise<void> {
  if (!history || !historyTable) return;
  const recorded = await recordEvaluations(history, historyTable, written.evaluations, written.orderingTimestamp, {
    configRuleNames: { [written.ruleId]: written.configRuleName },
  });
  logger.info("Findings history recorded", { written: recorded.written, transitions: recorded.transitions });
}

export async function lambdaHandler(event: unknown, context: Context): Promise<ConfigRunResult> {
  calls.reset();
  const started = performance.now();
  try {
    const result = await runConfigRule({
      event,
      clients,
      region,
      functionAccountId: functionAccountId(context),
      env: { testMode: envFlag(process.env[Env.evaluationsTestMode]) },
      onWritten: recordHistory,
    });
    recordConfigRun(result, calls, performance.now() - started);
    return result;
  } catch (error) {
    recordConfigFailure(error, calls, performance.now() - started, { region });
    throw error;
  }
}

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
