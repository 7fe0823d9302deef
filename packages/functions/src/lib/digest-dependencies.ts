/**
 * What the digest handler runs with, and the production wiring from the environment: DynamoDB and IAM
 * clients (core's client settings; no Tracer — a few calls a week do not justify ~110 KB of X-Ray SDK,
 * and no trace can hold the webhook URL), Powertools Idempotency on the idempotency table, and the
 * webhook URL from Powertools Parameters (decrypted, cached for `WEBHOOK_CACHE_SECONDS`).
 */
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient, ListAccountAliasesCommand } from "@aws-sdk/client-iam";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientConfig, digestSettingsFromEnv, type DigestRunOptions, type DigestSettings } from "@endpoint-auditor/core";
import { lambdaRegion } from "./lambda";

/** Core's run options without the week and the log, plus the idempotency store (tests pass local ones). */
export type DigestDependencies = Omit<DigestRunOptions, "key" | "now" | "log" | "settings"> & {
  settings: DigestSettings;
  persistenceStore: BasePersistenceLayer;
  /** Region the function runs in (default `AWS_REGION`). */
  region?: string;
  /** Clock used when the event has no `time`. */
  now?: () => Date;
};

/**
 * Production dependencies from the environment.
 *
 * @throws DigestConfigurationError naming a missing or invalid variable.
 * @example
 * ```ts
 * const deps = dependenciesFromEnv(process.env);
 * ```
 */
export function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): DigestDependencies {
  const settings = digestSettingsFromEnv(env);
  const region = lambdaRegion(env);
  const dynamo = new DynamoDBClient(clientConfig({ region, maxAttempts: 5 }));
  const iam = new IAMClient(clientConfig({ region, maxAttempts: 3 }));
  return {
    settings,
    region,
    history: DynamoDBDocumentClient.from(dynamo),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: settings.idempotencyTableName, awsSdkV3Client: dynamo }),
    getWebhookUrl: (name, maxAge) => getParameter(name, { decrypt: true, maxAge }),
    getAccountAlias: async () => (await iam.send(new ListAccountAliasesCommand({}))).AccountAliases?.[0],
  };
}
