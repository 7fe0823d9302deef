/**
 * Faults injected by fake-aws, seen through the real SDK stack with the project's client settings
 * (adaptive retries, attempts, request timeout): throttling and 5xx are retried and succeed, permanent
 * failures surface with the service's error name and code, a hung request is cut and retried.
 */
import { GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetComplianceDetailsByConfigRuleCommand } from "@aws-sdk/client-config-service";
import { DescribeRouteTablesCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterEach, describe, expect, it } from "vitest";
import { clientConfig } from "@endpoint-auditor/core";
import {
  clientsFor,
  coreSts,
  destroyClients,
  draw,
  FAKE_CREDENTIALS,
  getCallerIdentity,
  startFakeAws,
  type FakeAws,
  type FakeClients,
  type FakeClientOptions,
  type FaultRule,
} from "../support/fake-aws";
import { ACCOUNT, richRegion } from "./fixtures";

const REGION = "eu-west-1";
const metricQuery = {
  StartTime: new Date("2026-01-01T00:00:00Z"),
  EndTime: new Date("2026-01-31T00:00:00Z"),
  MetricDataQueries: [
    {
      Id: "q0",
      MetricStat: {
        Metric: { Namespace: "AWS/PrivateLinkEndpoints", MetricName: "BytesProcessed", Dimensions: [{ Name: "VPC Endpoint Id", Value: "vpce-1" }] },
        Period: 86_400,
        Stat: "Sum",
      },
    },
  ],
};

let fake: FakeAws | undefined;
let clients: FakeClients | undefined;

async function setup(faults: FaultRule[], options: FakeClientOptions = {}, seed = 7): Promise<{ fake: FakeAws; clients: FakeClients }> {
  fake = await startFakeAws({ seed, faults, data: { accountId: ACCOUNT, regions: [richRegion(REGION), richRegion("us-east-1")] } });
  clients = clientsFor(fake, REGION, options);
  return { fake, clients };
}

afterEach(async () => {
  if (clients) destroyClients(clients);
  await fake?.close();
  clients = undefined;
  fake = undefined;
});

describe("throttling and server errors are retried by the SDK", () => {
  it("Given EC2 answers RequestLimitExceeded (503) twice, When DescribeVpcs is sent, Then the SDK retries and returns the VPCs on the third attempt", async () => {
    const { fake, clients } = await setup([{ service: "EC2", action: "DescribeVpcs", throttle: 1, times: 2 }]);
    const out = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
    expect(out.Vpcs).toHaveLength(3);
    expect(out.$metadata.attempts).toBe(3);
    const calls = fake.calls.of("EC2:DescribeVpcs");
    expect(calls.map((c) => c.outcome)).toEqual(["throttled", "throttled", "ok"]);
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(calls.map((c) => c.errorCode)).toEqual(["RequestLimitExceeded", "RequestLimitExceeded", undefined]);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it("Given EC2 answers InternalError (500) once, Then the SDK retries and succeeds", async () => {
    const { fake, clients } = await setup([{ service: "EC2", internalError: 1, times: 1 }]);
    const out = await clients.ec2.send(new DescribeRouteTablesCommand({ MaxResults: 100 }));
    expect(out.RouteTables).toHaveLength(3);
    expect(fake.calls.of("EC2:DescribeRouteTables").map((c) => [c.status, c.errorCode])).toEqual([
      [500, "InternalError"],
      [200, undefined],
    ]);
  });

  it("Given CloudWatch answers Throttling (400, JSON) once, Then the SDK retries GetMetricData and succeeds", async () => {
    const { fake, clients } = await setup([{ service: "CloudWatch", action: "GetMetricData", throttle: 1, times: 1 }]);
    const out = await clients.cloudwatch.send(new GetMetricDataCommand(metricQuery));
    expect(out.MetricDataResults?.map((r) => r.Id)).toEqual(["q0"]);
    expect(fake.calls.of("CloudWatch:GetMetricData").map((c) => [c.status, c.errorCode])).toEqual([
      [400, "Throttling"],
      [200, undefined],
    ]);
  });

  it("Given CloudWatch answers InternalServiceError (500) once, Then the SDK retries and succeeds", async () => {
    const { fake, clients } = await setup([{ service: "CloudWatch", internalError: 1, times: 1 }]);
    await clients.cloudwatch.send(new GetMetricDataCommand(metricQuery));
    expect(fake.calls.count("CloudWatch:GetMetricData")).toBe(2);
  });

  it("Given STS answers Throttling once, Then GetCallerIdentity is retried and returns the account", async () => {
    const { fake, clients } = await setup([{ service: "STS", throttle: 1, times: 1 }]);
    const out = await getCallerIdentity(clients.sts);
    expect(out.Account).toBe(ACCOUNT);
    expect(out.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/fake-aws`);
    expect(fake.calls.of("STS:GetCallerIdentity").map((c) => c.outcome)).toEqual(["throttled", "ok"]);
  });

  it("Given Config answers ThrottlingException once, Then the SDK retries and succeeds", async () => {
    const { fake, clients } = await setup([{ service: "Config", throttle: 1, times: 1 }]);
    fake.config.addRule("vpc-flow-logs-enabled", REGION);
    const out = await clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: "vpc-flow-logs-enabled" }));
    expect(out.EvaluationResults).toEqual([]);
    expect(fake.calls.of("Config:GetComplianceDetailsByConfigRule").map((c) => c.errorCode)).toEqual(["ThrottlingException", undefined]);
  });

  it("Given throttling that never stops, When maxAttempts is 3, Then the SDK gives up after 3 calls with RequestLimitExceeded", async () => {
    const { fake, clients } = await setup([{ service: "EC2", throttle: 1 }], { maxAttempts: 3 });
    const error = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RequestLimitExceeded", $metadata: { httpStatusCode: 503, attempts: 3 } });
    expect(fake.calls.count("EC2:DescribeVpcs")).toBe(3);
  });
});

describe("permanent failures surface as the service's error", () => {
  it("Given EC2 DescribeFlowLogs always fails (fail: true), Then the SDK raises UnauthorizedOperation (403) without retrying, and other actions still work", async () => {
    const { fake, clients } = await setup([{ service: "EC2", action: "DescribeFlowLogs", fail: true }]);
    const { DescribeFlowLogsCommand } = await import("@aws-sdk/client-ec2");
    const error = await clients.ec2.send(new DescribeFlowLogsCommand({ MaxResults: 1000 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "UnauthorizedOperation", $fault: "client", $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect((error as Error).message).toBe("You are not authorized to perform this operation.");
    expect(fake.calls.count("EC2:DescribeFlowLogs")).toBe(1);
    await expect(clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }))).resolves.toMatchObject({ Vpcs: expect.any(Array) });
  });

  it("Given a custom permanent error code, Then the SDK error carries that name, code and status", async () => {
    const { clients } = await setup([{ service: "EC2", action: "DescribeVpcs", fail: { code: "OptInRequired", status: 401, message: "You are not subscribed to this service." } }]);
    const error = await clients.ec2.send(new DescribeVpcsCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "OptInRequired", message: "You are not subscribed to this service.", $metadata: { httpStatusCode: 401 } });
  });

  it("Given CloudWatch always fails, Then the SDK raises AccessDenied with the query-compatible Code", async () => {
    const { clients } = await setup([{ service: "CloudWatch", fail: true }]);
    const error = await clients.cloudwatch.send(new GetMetricDataCommand(metricQuery)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AccessDenied", Code: "AccessDenied", $metadata: { httpStatusCode: 403 } });
  });

  it("Given one whole region fails, Then every call in it fails and the other region answers", async () => {
    const { fake } = await setup([{ region: REGION, fail: true }]);
    const eu = clients as FakeClients;
    const us = clientsFor(fake, "us-east-1");
    try {
      await expect(eu.ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: "UnauthorizedOperation" });
      await expect(eu.cloudwatch.send(new GetMetricDataCommand(metricQuery))).rejects.toMatchObject({ name: "AccessDenied" });
      await expect(getCallerIdentity(eu.sts)).rejects.toMatchObject({ name: "AccessDenied" });
      const ok = await us.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
      expect(ok.Vpcs).toHaveLength(3);
    } finally {
      destroyClients(us);
    }
  });
});

describe("hangs and latency", () => {
  it("Given a request handler that throws on its request timeout, When the first call hangs, Then the SDK cuts it after the timeout, retries, and succeeds", async () => {
    const { fake } = await setup([{ service: "EC2", action: "DescribeVpcs", hang: 1, times: 1 }]);
    const ec2 = new EC2Client({
      ...clientConfig({ region: REGION }),
      requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 300, throwOnRequestTimeout: true }),
      endpoint: fake.url,
      credentials: { ...FAKE_CREDENTIALS },
    });
    try {
      const out = await ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
      expect(out.Vpcs).toHaveLength(3);
      expect(fake.calls.of("EC2:DescribeVpcs").map((c) => c.outcome)).toEqual(["hang", "ok"]);
      expect(fake.calls.of("EC2:DescribeVpcs")[0]?.status).toBeUndefined();
    } finally {
      ec2.destroy();
    }
  });

  // These two use the project's clientConfig (packages/core/src/aws.ts) unchanged: a scan must never hang.
  it("Given the project's client settings with a 300 ms request timeout, When the first DescribeVpcs hangs, Then the SDK cuts it, retries, and succeeds", { timeout: 10_000 }, async () => {
    const { fake, clients } = await setup([{ service: "EC2", action: "DescribeVpcs", hang: 1, times: 1 }], { requestTimeoutMs: 300 });
    const out = await clients.ec2.send(new DescribeVpcsCommand({ MaxResults: 1000 }));
    expect(out.Vpcs).toHaveLength(3);
    expect(fake.calls.of("EC2:DescribeVpcs").map((c) => c.outcome)).toEqual(["hang", "ok"]);
  });

  it("Given the project's client settings and every call hanging, When maxAttempts is 2, Then the SDK fails with TimeoutError instead of waiting forever", { timeout: 10_000 }, async () => {
    const { fake, clients } = await setup([{ service: "EC2", hang: 1 }], { requestTimeoutMs: 200, maxAttempts: 2 });
    const error = await clients.ec2.send(new DescribeVpcsCommand({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("TimeoutError");
    expect(fake.calls.count("EC2:DescribeVpcs", "hang")).toBe(2);
  });

  it("Given 50 ms of added latency, Then each answer is held at least 50 ms and the call log records it", async () => {
    const { fake, clients } = await setup([{ latencyMs: 50 }]);
    await clients.ec2.send(new DescribeVpcsCommand({}));
    await getCallerIdentity(clients.sts);
    for (const call of fake.calls.log) expect(call.durationMs).toBeGreaterThanOrEqual(49);
    expect(fake.calls.counts()).toEqual({ "EC2:DescribeVpcs": 1, "STS:GetCallerIdentity": 1 });
  });

  it("Given calls sent concurrently, Then the call log reports how many were in flight at once", async () => {
    const { fake, clients } = await setup([{ latencyMs: 100 }]);
    await Promise.all([
      clients.ec2.send(new DescribeVpcsCommand({})),
      clients.ec2.send(new DescribeRouteTablesCommand({})),
      getCallerIdentity(clients.sts),
    ]);
    expect(fake.calls.maxConcurrency).toBe(3);
  });
});

describe("seeded, reproducible faults", () => {
  async function outcomes(seed: number): Promise<string[]> {
    const server = await startFakeAws({ seed, faults: [{ service: "EC2", throttle: 0.5 }], data: { regions: [richRegion(REGION)] } });
    // Standard retries: the adaptive mode's client-side rate limiter would only slow this check down.
    const ec2 = new EC2Client({ ...clientConfig({ region: REGION, maxAttempts: 1 }), retryMode: "standard", endpoint: server.url, credentials: { ...FAKE_CREDENTIALS } });
    try {
      for (let i = 0; i < 20; i++) await ec2.send(new DescribeVpcsCommand({})).catch(() => undefined);
      return server.calls.log.map((c) => c.outcome);
    } finally {
      ec2.destroy();
      await server.close();
    }
  }

  it("Given the same seed, Then two runs inject the same faults in the same calls; another seed gives another sequence", async () => {
    const a = await outcomes(42);
    const b = await outcomes(42);
    const c = await outcomes(43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((o) => o === "throttled").length).toBeGreaterThan(3);
    expect(a.filter((o) => o === "ok").length).toBeGreaterThan(3);
  });

  it("Given the PRNG, Then draws are uniform enough for probabilities to mean what they say", () => {
    let below = 0;
    for (let i = 0; i < 10_000; i++) if (draw(1, "stream", i) < 0.3) below++;
    expect(below / 10_000).toBeGreaterThan(0.28);
    expect(below / 10_000).toBeLessThan(0.32);
  });

  it("Given 30% throttling and 5% internal errors on every EC2 call, When a region is listed with the SDK's retries, Then the result equals a clean run", async () => {
    const { fake, clients } = await setup([{ service: "EC2", throttle: 0.3, internalError: 0.05 }], { maxAttempts: 10 });
    const { rawRegionViaSdk } = await import("./sdk-lists");
    const faulty = await rawRegionViaSdk(clients.ec2, REGION);
    fake.setFaults([]);
    const clean = await rawRegionViaSdk(clients.ec2, REGION);
    expect(JSON.stringify(faulty)).toEqual(JSON.stringify(clean));
    expect(fake.calls.count(undefined, "throttled") + fake.calls.count(undefined, "internal-error")).toBeGreaterThan(0);
  });

  it("Given fault rules that cannot mean anything, Then setFaults refuses them", async () => {
    const { fake } = await setup([]);
    expect(() => fake.setFaults([{ throttle: 1.5 }])).toThrow(RangeError);
    expect(() => fake.setFaults([{ throttle: 0.6, internalError: 0.6 }])).toThrow(/add up/);
    expect(() => fake.setFaults([{ times: -1, throttle: 1 }])).toThrow(RangeError);
  });
});

describe("request signing", () => {
  it("Given a client signing with a wrong secret key, Then EC2 answers AuthFailure and STS SignatureDoesNotMatch", async () => {
    const { fake } = await setup([]);
    const config = { ...clientConfig({ region: REGION, maxAttempts: 1 }), endpoint: fake.url, credentials: { accessKeyId: "AKIAFAKEAWS000000001", secretAccessKey: "wrong" } };
    const ec2 = new EC2Client(config);
    const sts = new coreSts.STSClient(config);
    try {
      await expect(ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: "AuthFailure", $metadata: { httpStatusCode: 401 } });
      await expect(getCallerIdentity(sts)).rejects.toMatchObject({ name: "SignatureDoesNotMatch", $metadata: { httpStatusCode: 403 } });
      expect(fake.calls.count(undefined, "auth-error")).toBe(2);
    } finally {
      ec2.destroy();
      sts.destroy();
    }
  });
});
