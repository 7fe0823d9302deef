/**
 * The AWS Config custom-rule Lambda: one function serves the deployed rules; the rule comes from the
 * rule's `ruleId` input parameter, and only the Config rules the stack created (`DEPLOYED_CONFIG_RULES`)
 * are served. Everything it decides lives in core (`evaluatorSettingsFromEnv`, `runConfigRule`,
 * `isRetryable`); this file wires the event, the clients (created once at cold start) and the Powertools
 * middlewares. A failure a retry can fix is thrown (Lambda retries it, then hands it to the on-failure
 * destination); one it cannot fix is refused: logged, counted as a failure, answered without a retry.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { runConfigRule, type ConfigRunResult } from "./lib/config-rule";
import middy from "@middy/core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  clientConfig,
  evaluatorSettingsFromEnv,
  isRetryable,
  recordEvaluations,
  refusal,
  type RefusedInvocation,
  type WrittenEvaluations,
} from "@endpoint-auditor/core";
import type { Context } from "aws-lambda";
import { ApiCallCounter, createConfigRuleClients } from "./lib/clients";
import { functionAccountId, lambdaRegion } from "./lib/lambda";
import { logger, metrics, publishesAllMetrics } from "./lib/powertools";
import { tracer, tracing } from "./lib/tracer";
import { recordConfigFailure, recordConfigRun } from "./lib/telemetry";

const region = lambdaRegion();
const calls = new ApiCallCounter();
const clients = createConfigRuleClients(region, tracer, calls);
/** The findings history client (history and heartbeats), created on first use. */
let history: DynamoDBDocumentClient | undefined;
const historyClient = (): DynamoDBDocumentClient =>
  (history ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient(clientConfig({ region, maxAttempts: 5 })))));

export async function lambdaHandler(event: unknown, context: Context): Promise<ConfigRunResult | RefusedInvocation> {
  calls.reset();
  const started = performance.now();
  try {
    const settings = evaluatorSettingsFromEnv(process.env);
    const table = settings.historyTableName;
    const recordHistory = async (written: WrittenEvaluations): Promise<void> => {
      if (!table) return;
      const recorded = await recordEvaluations(historyClient(), table, written.evaluations, written.orderingTimestamp, {
        configRuleNames: { [written.ruleId]: written.configRuleName },
      });
      logger.info("Findings history recorded", { written: recorded.written, transitions: recorded.transitions });
    };
    const result = await runConfigRule({
      event,
      clients,
      region,
      functionAccountId: functionAccountId(context),
      env: { testMode: settings.testMode },
      deployedRules: settings.deployedRules,
      exemptions: settings.exemptions,
      ...(table ? { heartbeats: { client: historyClient(), tableName: table, frequency: settings.frequency } } : {}),
      onWritten: recordHistory,
      log: logger,
    });
    recordConfigRun(result, calls, performance.now() - started);
    return result;
  } catch (error) {
    const retried = isRetryable(error);
    recordConfigFailure(error, calls, performance.now() - started, { region, retried });
    if (retried) throw error;
    return refusal(error);
  }
}

export const handler = middy(lambdaHandler)
  .use(tracing())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: publishesAllMetrics() }));
