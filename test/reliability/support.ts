/**
 * Shared pieces of the reliability tests: the account and clock every test uses, small synthetic
 * inventories, and real SDK clients pointed at fake-aws that keep the production settings of
 * `clientConfig` (adaptive retry mode, bounded attempts, connection and request timeouts) but back off
 * for milliseconds instead of seconds, so a test with 30% throttling finishes quickly.
 *
 * Only the delay between attempts is shortened: the retry *strategy* stays the SDK's
 * `AdaptiveRetryStrategy` (client-side rate limiter included) with the production number of attempts,
 * and the same errors are classified as retryable. Production code never builds these clients.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { AdaptiveRetryStrategy } from "@smithy/util-retry";
import { clientConfig, type RawRegion } from "@endpoint-auditor/core";
import { syntheticRegion } from "@endpoint-auditor/core/testing";
import { FAKE_CREDENTIALS, coreSts, type FakeClientOptions, type FakeClients } from "../support/fake-aws";

export const ACCOUNT = "123456789012";
export const NOW = new Date("2026-03-02T06:00:00.000Z");
export const EU = "eu-west-1";
export const US = "us-east-1";
export const AP = "ap-southeast-2";

/**
 * A region of a few hundred resources (12 VPCs: ~72 subnets, ~48 route tables, ~60 endpoints, NAT
 * gateways, flow logs, hybrid links), deterministic for a seed.
 */
export function smallRegion(region: string, seed: number): RawRegion {
  return syntheticRegion({
    seed,
    region,
    accountId: ACCOUNT,
    now: NOW,
    vpcs: 12,
    interfaceEndpoints: 60,
    s3DynamoInterfaceRatio: 0.2,
    peeringRatio: 0.2,
    transitGatewayRatio: 0.2,
    vpnRatio: 0.2,
  });
}


/** Milliseconds between attempts in tests: 2, 4, 8 … capped at 25 (production: up to 20 s). */
export const TEST_BACKOFF = {
  computeNextBackoffDelay: (retry: number): number => Math.min(25, 2 * 2 ** retry),
  setDelayBase: (): void => undefined,
};

/** The SDK's adaptive strategy with the production attempts and the short test backoff. */
export function testRetryStrategy(maxAttempts: number): AdaptiveRetryStrategy {
  return new AdaptiveRetryStrategy(maxAttempts, { maxAttempts, backoff: TEST_BACKOFF });
}

/**
 * Real EC2, CloudWatch, STS and Config clients for `region` pointed at the fake: `clientConfig` exactly
 * as production builds it (timeouts, attempts), plus the endpoint, the fake's static credentials and the
 * short-backoff adaptive strategy.
 */
export function quickClients(fake: { url: string }, region: string, options: FakeClientOptions = {}): FakeClients {
  const base = clientConfig({ region, ...options });
  const config = {
    ...base,
    endpoint: fake.url,
    credentials: { ...FAKE_CREDENTIALS },
    retryStrategy: testRetryStrategy(base.maxAttempts),
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

/** A JSON copy (dates → ISO strings), to compare values that went through the wire with their source. */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Awaits a promise that must reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
