/**
 * Throttling, server faults and timeouts through the real AWS SDK v3 stack (SigV4, EC2 query / CloudWatch
 * JSON protocols, the SDK's adaptive retry strategy, @smithy/node-http-handler timeouts) against fake-aws:
 *
 * - with 30% of EC2 and CloudWatch calls throttled and 5% answered InternalError, a scan of a few hundred
 *   resources in two regions returns exactly the evaluations of a clean run;
 * - a call that keeps failing makes the rules that need it report an error for that region, with no
 *   evaluation guessed, while the rules that do not need it evaluate as in a clean run;
 * - a hung connection is cut by the request timeout and retried; a scan whose calls all hang ends.
 *
 * The clients are built from the production `clientConfig` (adaptive mode, 8 attempts, timeouts); only the
 * delay between attempts is shortened (support.ts), so the test does not sleep for seconds.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { ConfigServiceClient } from "@aws-sdk/client-config-service";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { MAXIMUM_RETRY_DELAY } from "@smithy/util-retry";
import { afterEach, describe, expect, it } from "vitest";
import { RULES, clientConfig, createClients, prepareRules, CollectionError, type Evaluation, type InventoryPart, evaluateRawRegions, resolveParts, resourceCount, scanAccount, type ScanOutput } from "@endpoint-auditor/core";
import { createConfigRuleClients, ApiCallCounter } from "../../packages/functions/src/lib/clients";
import { tracer } from "../../packages/functions/src/lib/tracer";
import { settingsFor } from "../../stacks/settings/validate";
import { destroyClients, startFakeAws, type FakeAws, type FakeAwsOptions, type FakeClients, type FakeClientOptions } from "../support/fake-aws";
import { ACCOUNT, EU, NOW, US, quickClients, rejectionOf, smallRegion } from "./support";

const euSource = smallRegion(EU, 701);
const usSource = smallRegion(US, 702);
const RULE_IDS = RULES.map((r) => r.metadata.id);
/** The registered rules whose data includes `part`. */
const rulesNeeding = (part: InventoryPart): string[] => RULES.filter((r) => resolveParts(r.metadata.requires).includes(part)).map((r) => r.metadata.id);

let fake: FakeAws | undefined;
const opened: FakeClients[] = [];

async function start(options: FakeAwsOptions = {}): Promise<FakeAws> {
  fake = await startFakeAws({ seed: 7, ...options, data: { accountId: ACCOUNT, regions: [euSource, usSource] } });
  return fake;
}

function clients(server: FakeAws, region: string, options: FakeClientOptions = {}): FakeClients {
  const c = quickClients(server, region, options);
  opened.push(c);
  return c;
}

afterEach(async () => {
  for (const c of opened.splice(0)) destroyClients(c);
  await fake?.close();
  fake = undefined;
});

function scan(server: FakeAws, options: FakeClientOptions = {}): Promise<ScanOutput> {
  return scanAccount({ regions: [EU, US], now: NOW, clientsFor: (region) => clients(server, region, options) });
}

/** The evaluations a run must produce: every rule over the source inventories, no network involved. */
const expected = evaluateRawRegions(ACCOUNT, [euSource, usSource], prepareRules(), NOW);

function of(evaluations: readonly Evaluation[], ruleId: string, region?: string): Evaluation[] {
  return evaluations.filter((e) => e.ruleId === ruleId && (region === undefined || e.region === region));
}

describe("Given the clients the CLI and the Lambdas build", () => {
  it("Then every one uses the SDK's adaptive retry mode with 8 attempts, a 3 s connection timeout and a 15 s request timeout that throws (so it is retried)", async () => {
    const cli = createClients({ region: EU });
    const lambda = createConfigRuleClients(EU, tracer, new ApiCallCounter());
    const all = [cli.ec2, cli.cloudwatch, cli.sts, lambda.ec2, lambda.cloudwatch, lambda.config];
    try {
      for (const client of all) {
        const strategy = (await client.config.retryStrategy()) as { mode: string; maxAttemptsProvider?: () => Promise<number> };
        expect(strategy.mode).toBe("adaptive");
        expect(await strategy.maxAttemptsProvider?.()).toBe(8);
        // NodeHttpHandler resolves its options into `configProvider` (read here as the handler will).
        const resolved = await (client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
        expect(resolved).toMatchObject({ connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true });
      }
    } finally {
      for (const client of all) client.destroy();
    }
  });

  it("Then the worst case of one call (every attempt timing out after connecting, with the SDK's longest backoff between attempts) stays under the evaluator's Lambda timeout", () => {
    const config = clientConfig({ region: EU });
    const attempts = config.maxAttempts;
    const perAttemptMs = 3_000 + 15_000; // connection + request timeout, as asserted above
    const worstCaseMs = attempts * perAttemptMs + (attempts - 1) * MAXIMUM_RETRY_DELAY;
    expect(MAXIMUM_RETRY_DELAY).toBe(20_000);
    expect(worstCaseMs).toBe(284_000);
    expect(worstCaseMs).toBeLessThan(settingsFor("test").evaluator.timeout * 1000);
  });

  it("Then the test clients differ from production only in their backoff: same adaptive mode, same attempts, same timeouts", async () => {
    const server = await start();
    const c = clients(server, EU);
    for (const client of [c.ec2, c.cloudwatch, c.config] as (EC2Client | CloudWatchClient | ConfigServiceClient)[]) {
      const strategy = (await client.config.retryStrategy()) as unknown as { mode: string; maxAttemptsProvider(): Promise<number> };
      expect(strategy.mode).toBe("adaptive");
      expect(await strategy.maxAttemptsProvider()).toBe(8);
    }
  });
});

describe("Throttling and server errors on EC2 and CloudWatch", () => {
  it("Given a clean fake account of a few hundred resources in two regions, Then a scan returns exactly the evaluations of its source inventories", async () => {
    expect(resourceCount(euSource) + resourceCount(usSource)).toBeGreaterThanOrEqual(300);
    const server = await start();
    const out = await scan(server);
    expect(out.errors).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations);
    expect(out.evaluations.length).toBeGreaterThan(150);
    for (const id of RULE_IDS) expect(of(out.evaluations, id).length, id).toBeGreaterThan(0);
  });

  it("Given 30% RequestLimitExceeded / Throttling and 5% InternalError on every EC2 and CloudWatch call, When the account is scanned, Then the evaluations equal a clean run's and every faulted call was retried", async () => {
    const server = await start({
      faults: [
        { service: "EC2", throttle: 0.3, internalError: 0.05 },
        { service: "CloudWatch", throttle: 0.3, internalError: 0.05 },
      ],
    });
    const out = await scan(server);
    expect(out.errors).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations);

    const log = server.calls.log.filter((c) => c.service === "EC2" || c.service === "CloudWatch");
    const throttled = log.filter((c) => c.outcome === "throttled");
    const internal = log.filter((c) => c.outcome === "internal-error");
    expect(throttled.length).toBeGreaterThan(0);
    expect(internal.length).toBeGreaterThan(0);
    expect(new Set(throttled.map((c) => c.errorCode))).toEqual(new Set(["RequestLimitExceeded", "Throttling"].filter((code) => throttled.some((c) => c.errorCode === code))));
    expect(throttled.some((c) => c.service === "CloudWatch") || internal.some((c) => c.service === "CloudWatch")).toBe(true);
    // Every faulted request was followed by a later attempt of the same action in the same region.
    for (const bad of [...throttled, ...internal]) {
      const retried = log.some((c) => c.key === bad.key && c.region === bad.region && c.seq > bad.seq && (c.attempt ?? 1) > (bad.attempt ?? 1));
      expect(retried, `${bad.key} #${bad.seq} in ${bad.region}`).toBe(true);
    }
    // And no attempt went beyond the configured maximum.
    expect(Math.max(...log.map((c) => c.attempt ?? 1))).toBeLessThanOrEqual(8);
  });

  it("Given DescribeRouteTables throttled on every attempt in eu-west-1, Then the SDK gives up after 8 attempts, the rule that needs route tables reports RequestLimitExceeded for that region with no evaluation, and every other evaluation equals a clean run's", async () => {
    const server = await start({ faults: [{ service: "EC2", action: "DescribeRouteTables", region: EU, throttle: 1 }] });
    const out = await scan(server);
    expect(server.calls.of("EC2:DescribeRouteTables").filter((c) => c.region === EU)).toHaveLength(8);

    expect(out.errors).toEqual([
      {
        region: EU,
        ruleId: "nat-subnet-has-gateway-endpoints",
        message: expect.stringContaining("ec2:DescribeRouteTables failed"),
        failedParts: [{ part: "routeTables", call: "ec2:DescribeRouteTables", code: "RequestLimitExceeded", message: expect.any(String) }],
      },
    ]);
    expect(out.errors[0]?.message).toContain("Request limit exceeded");
    expect(of(out.evaluations, "nat-subnet-has-gateway-endpoints", EU)).toEqual([]);
    const untouched = expected.evaluations.filter((e) => !(e.ruleId === "nat-subnet-has-gateway-endpoints" && e.region === EU));
    expect(out.evaluations).toEqual(untouched);
    expect(of(out.evaluations, "nat-subnet-has-gateway-endpoints", US).length).toBeGreaterThan(0);
  });

  it("Given GetMetricData answering InternalError on every attempt in us-east-1, Then interface-endpoint-in-use reports an error for us-east-1 (never a zero-traffic guess) and the other rules and region are intact", async () => {
    const server = await start({ faults: [{ service: "CloudWatch", action: "GetMetricData", region: US, internalError: 1 }] });
    const out = await scan(server);
    expect(out.errors.map((e) => [e.region, e.ruleId])).toEqual([[US, "interface-endpoint-in-use"]]);
    expect(out.errors[0]?.message).toContain("cloudwatch:GetMetricData");
    expect(of(out.evaluations, "interface-endpoint-in-use", US)).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations.filter((e) => !(e.ruleId === "interface-endpoint-in-use" && e.region === US)));
    // Endpoints in that region are still judged by the rule that does not read traffic.
    expect(of(out.evaluations, "s3-dynamodb-endpoint-is-gateway", US)).toEqual(of(expected.evaluations, "s3-dynamodb-endpoint-is-gateway", US));
  });

  it("Given DescribeVpcEndpoints denied in eu-west-1, Then the rules that need the endpoint list report errors there and the others (vpc-flow-logs-enabled among them) still evaluate", async () => {
    const server = await start({ faults: [{ service: "EC2", action: "DescribeVpcEndpoints", region: EU, fail: true }] });
    const out = await scan(server);
    const blocked = rulesNeeding("vpcEndpoints");
    expect(blocked).toEqual(expect.arrayContaining(["interface-endpoint-in-use", "nat-subnet-has-gateway-endpoints", "s3-dynamodb-endpoint-is-gateway"]));
    expect(out.errors.map((e) => e.ruleId).sort()).toEqual([...blocked].sort());
    expect(out.errors.every((e) => e.region === EU && e.message.includes("ec2:DescribeVpcEndpoints"))).toBe(true);
    expect(out.evaluations.filter((e) => e.region === EU)).toEqual(expected.evaluations.filter((e) => e.region === EU && !blocked.includes(e.ruleId)));
    expect(of(out.evaluations, "vpc-flow-logs-enabled", EU).length).toBeGreaterThan(0);
    expect(out.evaluations.filter((e) => e.region === US)).toEqual(expected.evaluations.filter((e) => e.region === US));
  });
});

describe("Timeouts", () => {
  it("Given 10% of EC2 and CloudWatch requests hanging (accepted, never answered), When scanned with a 300 ms request timeout, Then each hung request is cut and retried and the evaluations equal a clean run's", async () => {
    const server = await start({
      faults: [
        { service: "EC2", hang: 0.1 },
        { service: "CloudWatch", hang: 0.1 },
      ],
    });
    const out = await scan(server, { requestTimeoutMs: 300 });
    expect(out.errors).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations);
    const hung = server.calls.log.filter((c) => c.outcome === "hang");
    expect(hung.length).toBeGreaterThan(0);
    for (const h of hung) {
      const retried = server.calls.log.some((c) => c.key === h.key && c.region === h.region && c.seq > h.seq && c.outcome === "ok");
      expect(retried, `${h.key} #${h.seq}`).toBe(true);
    }
  });

  it("Given every EC2 and CloudWatch request in us-east-1 hanging, When scanned with a 200 ms request timeout and 2 attempts, Then the scan ends: every rule reports a timeout error for us-east-1 and eu-west-1 is intact", async () => {
    const server = await start({ faults: [{ service: "EC2", region: US, hang: 1 }, { service: "CloudWatch", region: US, hang: 1 }] });
    const out = await scan(server, { requestTimeoutMs: 200, maxAttempts: 2 });
    expect(out.errors.map((e) => [e.region, e.ruleId]).sort()).toEqual(RULE_IDS.map((id) => [US, id]).sort());
    for (const e of out.errors) expect(e.message).toMatch(/requestTimeout|timed out/);
    expect(out.evaluations.filter((e) => e.region === US)).toEqual([]);
    expect(out.evaluations).toEqual(expected.evaluations.filter((e) => e.region === EU));
    // Each list was tried exactly twice (the SDK's attempts), then given up.
    expect(server.calls.of("EC2:DescribeVpcs").filter((c) => c.region === US).map((c) => c.outcome)).toEqual(["hang", "hang"]);
  });

  it("Given STS hanging in every region, When scanned, Then scanAccount rejects with a CollectionError naming sts:GetCallerIdentity instead of waiting forever", async () => {
    const server = await start({ faults: [{ service: "STS", hang: 1 }] });
    const error = await rejectionOf(scan(server, { requestTimeoutMs: 200, maxAttempts: 2 }));
    expect(error).toBeInstanceOf(CollectionError);
    expect((error as CollectionError).call).toBe("sts:GetCallerIdentity");
    expect((error as CollectionError).code).toBe("TimeoutError");
    expect(server.calls.count("STS:GetCallerIdentity", "hang")).toBe(4);
    expect(server.calls.count("EC2:DescribeVpcs")).toBe(0);
  });
});
