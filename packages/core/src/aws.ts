/**
 * AWS clients for the collector, built the same way for the CLI and the Lambdas: the SDK's standard
 * credential and region chain (so `AWS_PROFILE`, `AWS_ENDPOINT_URL` and friends work), adaptive retries
 * with a bounded number of attempts, and request timeouts so a hung connection is cut and retried.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { STSClient } from "@aws-sdk/client-sts";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** The clients one region's collection needs. */
export interface AwsClients {
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  sts: STSClient;
  /** Route 53 is global; built with the region's settings, it reaches the partition's endpoint. */
  route53: Route53Client;
  /** S3 (`ListBuckets`: the account's buckets, from any region). */
  s3: S3Client;
  /** AWS Organizations (global: the SDK sends every region's calls to the partition's endpoint). */
  organizations: OrganizationsClient;
}

export interface ClientOptions {
  region: string;
  /** A named profile from the shared config files. */
  profile?: string;
  /** Explicit credentials (e.g. an assumed role's); default: the SDK's credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
  /** Total attempts per call, including the first (default 8). */
  maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection (default 3000). */
  connectionTimeoutMs?: number;
  /** Milliseconds before a request that has not completed is cut and retried (default 15000). */
  requestTimeoutMs?: number;
}

/**
 * Client settings shared by every AWS client the project builds.
 *
 * @example
 * ```ts
 * new EC2Client(clientConfig({ region: "eu-west-1" }));
 * ```
 */
export function clientConfig(options: ClientOptions) {
  return {
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    retryMode: "adaptive" as const,
    maxAttempts: options.maxAttempts ?? 8,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      // Without this, @smithy/node-http-handler ≥ 4 only logs a warning when requestTimeout passes,
      // and a hung connection is never cut or retried.
      throwOnRequestTimeout: true,
    }),
  };
}

/**
 * Creates the clients of one region: EC2, CloudWatch, STS, S3, Organizations and Route 53.
 *
 * @example
 * ```ts
 * const clients = createClients({ region: "us-east-1", profile: "audit" });
 * ```
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = clientConfig(options);
  return {
    ec2: new EC2Client(config),
    cloudwatch: new CloudWatchClient(config),
    sts: new STSClient(config),
    route53: new Route53Client(config),
    s3: new S3Client(config),
    organizations: new OrganizationsClient(config),
  };
}

/**
 * An AWS Organizations client (a global service: pass the partition's home region, e.g. `us-east-1`).
 *
 * @example
 * ```ts
 * const organizations = createOrganizationsClient({ region: "us-east-1", profile: "management" });
 * ```
 */
export function createOrganizationsClient(options: ClientOptions): OrganizationsClient {
  return new OrganizationsClient(clientConfig(options));
}

/**
 * The region the SDK's standard chain resolves (`AWS_REGION`, the profile's `region`), or `undefined`
 * when none is configured. The SDK does not read `AWS_DEFAULT_REGION` (the AWS CLI does).
 *
 * @example
 * ```ts
 * const region = (await resolveRegion("audit")) ?? "us-east-1";
 * ```
 */
export async function resolveRegion(profile?: string): Promise<string | undefined> {
  const ec2 = new EC2Client({ ...(profile ? { profile } : {}) });
  try {
    const region = await ec2.config.region();
    return typeof region === "string" && region.length > 0 ? region : undefined;
  } catch {
    return undefined;
  } finally {
    ec2.destroy();
  }
}

/**
 * A DynamoDB document client for the findings history (the CLI's digest preview reads a deployed table
 * with the caller's credentials).
 *
 * @example
 * ```ts
 * const history = createHistoryClient({ region: "eu-west-1", profile: "audit" });
 * ```
 */
export function createHistoryClient(options: ClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig({ maxAttempts: 5, ...options })));
}
