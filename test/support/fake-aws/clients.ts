/**
 * Real AWS SDK v3 clients pointed at a running fake, built with the project's own `clientConfig`
 * (adaptive retries, attempts, connection and request timeouts) so tests exercise exactly the stack the
 * CLI and the Lambdas use.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { clientConfig, type AwsClients, type ClientOptions } from "@endpoint-auditor/core";
import { FAKE_CREDENTIALS } from "./server";

/**
 * `@aws-sdk/client-sts` exists twice in node_modules (an old copy hoisted for sst, the current one under
 * packages/core). Load the copy packages/core resolves, so a test sends the same STS client and commands
 * the collector does.
 */
const coreRequire = createRequire(fileURLToPath(new URL("../../../packages/core/package.json", import.meta.url)));

interface StsModule {
  STSClient: new (config: Record<string, unknown>) => AwsClients["sts"];
  GetCallerIdentityCommand: new (input: Record<string, never>) => unknown;
}

/** The STS module as packages/core resolves it. */
export const coreSts = coreRequire("@aws-sdk/client-sts") as StsModule;

/** Client settings a test may override. */
export type FakeClientOptions = Omit<ClientOptions, "region" | "profile">;

/** The clients of one region, pointed at the fake. */
export interface FakeClients extends AwsClients {
  config: ConfigServiceClient;
}

/**
 * Real SDK clients for `region`, pointed at the fake with its static test credentials (or `options.credentials`,
 * e.g. an assumed role's).
 *
 * @example
 * ```ts
 * const { ec2, cloudwatch, sts, config } = clientsFor(fake, "eu-west-1", { maxAttempts: 3, requestTimeoutMs: 500 });
 * ```
 */
export function clientsFor(fake: { url: string }, region: string, options: FakeClientOptions = {}): FakeClients {
  const config = {
    ...clientConfig({ region, ...options }),
    endpoint: fake.url,
    credentials: options.credentials ?? { ...FAKE_CREDENTIALS },
  };
  return {
    ec2: new EC2Client(config),
    cloudwatch: new CloudWatchClient(config),
    sts: new coreSts.STSClient(config),
    config: new ConfigServiceClient(config),
    route53: new Route53Client(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    organizations: new OrganizationsClient(config),
  };
}

/** Calls STS `GetCallerIdentity` with packages/core's STS copy. */
export async function getCallerIdentity(sts: AwsClients["sts"]): Promise<{ Account?: string; Arn?: string; UserId?: string }> {
  const command = new coreSts.GetCallerIdentityCommand({});
  const send = sts.send.bind(sts) as (c: unknown) => Promise<{ Account?: string; Arn?: string; UserId?: string }>;
  return send(command);
}

/** Destroys the clients' sockets. */
export function destroyClients(clients: Partial<FakeClients>): void {
  for (const c of Object.values(clients)) c?.destroy();
}
