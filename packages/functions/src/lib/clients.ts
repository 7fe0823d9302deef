/**
 * AWS clients of the handlers: created once at cold start with core's `clientConfig` (adaptive retries,
 * bounded attempts, connection and request timeouts), captured by the Tracer, and counted per invocation
 * (the `ApiCalls` metric).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { clientConfig } from "@endpoint-auditor/core";
import type { ClientTracer } from "./tracer";

/** Counts the API calls the handler's clients make (logical calls: an SDK retry is not counted again). */
export class ApiCallCounter {
  private readonly counts = new Map<string, number>();

  public add(service: string): void {
    this.counts.set(service, (this.counts.get(service) ?? 0) + 1);
  }

  /** Calls per service since the last reset, e.g. `{ ec2: 3, config: 2 }`. */
  public byService(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  public total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  public reset(): void {
    this.counts.clear();
  }
}

interface Sender {
  send(...args: never[]): Promise<unknown>;
}

/**
 * The same client, with every `send` counted under `service`. The returned object is the client (its
 * prototype), so `instanceof` and the client's configuration are unchanged.
 */
export function countCalls<C extends Sender>(client: C, service: string, counter: ApiCallCounter): C {
  const counted = Object.create(client) as C;
  Object.defineProperty(counted, "send", {
    value: (...args: never[]) => {
      counter.add(service);
      // Looked up at call time: whatever `send` the client has now (the SDK's, or a test's stub).
      return client.send(...args);
    },
  });
  return counted;
}

/** The clients a Config rule invocation needs. */
export interface ConfigRuleClients {
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  config: ConfigServiceClient;
  s3: S3Client;
  organizations: OrganizationsClient;
  route53: Route53Client;
}

/**
 * Creates the EC2, CloudWatch, Config, S3, Organizations and Route 53 clients for `region`, traced and counted.
 *
 * @example
 * ```ts
 * const counter = new ApiCallCounter();
 * const clients = createConfigRuleClients(process.env.AWS_REGION ?? "us-east-1", tracer, counter);
 * ```
 */
export function createConfigRuleClients(region: string, tracer: ClientTracer, counter: ApiCallCounter): ConfigRuleClients {
  const config = clientConfig({ region });
  return {
    ec2: countCalls(tracer.captureAWSv3Client(new EC2Client(config)), "ec2", counter),
    cloudwatch: countCalls(tracer.captureAWSv3Client(new CloudWatchClient(config)), "cloudwatch", counter),
    config: countCalls(tracer.captureAWSv3Client(new ConfigServiceClient(config)), "config", counter),
    route53: countCalls(tracer.captureAWSv3Client(new Route53Client(config)), "route53", counter),
    s3: countCalls(tracer.captureAWSv3Client(new S3Client(config)), "s3", counter),
    organizations: countCalls(tracer.captureAWSv3Client(new OrganizationsClient(config)), "organizations", counter),
  };
}
