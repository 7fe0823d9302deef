/**
 * What the organization digest handler runs with, and the production wiring from the environment: the AWS
 * Config client that reads the aggregator and the DynamoDB client of the state and idempotency tables
 * (core's client settings; no Tracer — no trace may hold the webhook URL), Powertools Idempotency on the
 * idempotency table, and the webhook URL from Powertools Parameters (decrypted, cached).
 */
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientConfig, orgDigestSettingsFromEnv, type OrgDigestRunOptions, type OrgDigestSettings } from "@endpoint-auditor/core";
import { lambdaRegion } from "./lambda";

/** Core's run options without the week and the log, plus the idempotency store (tests pass local ones). */
export type OrgDigestDependencies = Omit<OrgDigestRunOptions, "key" | "now" | "log" | "settings" | "region"> & {
  settings: OrgDigestSettings;
  persistenceStore: BasePersistenceLayer;
  /** Region the function (and the aggregator) is in. */
  region: string;
  /** Clock used when the event has no `time`. */
  now?: () => Date;
};

/**
 * Production dependencies from the environment.
 *
 * @throws DigestConfigurationError naming a missing or invalid variable.
 * @example
 * ```ts
 * const deps = orgDependenciesFromEnv(process.env);
 * ```
 */
export function orgDependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): OrgDigestDependencies {
  const settings = orgDigestSettingsFromEnv(env);
  const region = lambdaRegion(env);
  const dynamo = new DynamoDBClient(clientConfig({ region, maxAttempts: 5 }));
  return {
    settings,
    region,
    config: new ConfigServiceClient(clientConfig({ region })),
    state: DynamoDBDocumentClient.from(dynamo),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: settings.idempotencyTableName, awsSdkV3Client: dynamo }),
    getWebhookUrl: (name, maxAge) => getParameter(name, { decrypt: true, maxAge }),
  };
}
