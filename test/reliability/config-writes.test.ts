/**
 * Config writes under faults, through the real Config client (AWS JSON 1.1, adaptive retries) against
 * fake-aws, whose state records every accepted evaluation: a run of 1,000 evaluations with random
 * `FailedEvaluations` and throttled `PutEvaluations` ends either with every evaluation written exactly
 * once, or with the invocation failing with a PutEvaluationsError whose list is exactly what the server
 * does not have.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PutEvaluationsError, runConfigRule, NO_LONGER_EXISTS_ANNOTATION, putEvaluations, type WritableEvaluation, prepareRules, clampAnnotation, type ComplianceType, evaluateRawRegions } from "@endpoint-auditor/core";
import { scheduledEventFor, syntheticRegion } from "@endpoint-auditor/core/testing";
import { destroyClients, mulberry32, startFakeAws, type FakeAws, type FakeAwsOptions, type FakeClients, type StoredEvaluation } from "../support/fake-aws";
import { ACCOUNT, EU, NOW, quickClients, rejectionOf } from "./support";

const RULE = "endpoint-auditor-test-interface-endpoint-in-use";
const ORDERING = new Date("2026-03-02T05:59:58.120Z");
const TYPES: readonly ComplianceType[] = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"];

/** 1,000 distinct evaluations of the shape the rules produce. */
const THOUSAND: WritableEvaluation[] = Array.from({ length: 1000 }, (_, i) => ({
  resourceType: "AWS::EC2::VPCEndpoint",
  resourceId: `vpce-${(0x1000000 + i * 7919).toString(16).padStart(17, "0")}`,
  compliance: TYPES[i % 3] as ComplianceType,
  annotation: `Evaluation ${i}: ${"x".repeat(i % 300)}`,
}));

let fake: FakeAws | undefined;
let clients: FakeClients | undefined;

async function start(options: FakeAwsOptions = {}, clientOptions: { maxAttempts?: number } = {}): Promise<{ fake: FakeAws; clients: FakeClients }> {
  fake = await startFakeAws({ seed: 1234, ...options });
  clients = quickClients(fake, EU, clientOptions);
  return { fake, clients };
}

afterEach(async () => {
  if (clients) destroyClients(clients);
  await fake?.close();
  clients = undefined;
  fake = undefined;
});

/** `n` distinct ids of `from`, drawn with a seeded PRNG. */
function pick(from: readonly string[], n: number, seed: number): string[] {
  const random = mulberry32(seed);
  const chosen = new Set<string>();
  while (chosen.size < n) chosen.add(from[Math.floor(random() * from.length)] as string);
  return [...chosen];
}

/** How many times each resource id was accepted by the server. */
function countsById(writes: readonly StoredEvaluation[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of writes) out.set(w.resourceId, (out.get(w.resourceId) ?? 0) + 1);
  return out;
}

/** The writer's backoff, recorded instead of slept. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe("putEvaluations: 1,000 evaluations", () => {
  it("Given 20% of evaluations answered once in FailedEvaluations and 30% of PutEvaluations calls throttled, Then every evaluation is written exactly once, as sent", async () => {
    const { fake, clients } = await start({ faults: [{ service: "Config", action: "PutEvaluations", throttle: 0.3 }] });
    fake.config.failEvaluations({ probability: 0.2, times: 1 });
    const token = fake.config.resultTokenFor(RULE, EU);
    const { sleep, waits } = recordingSleep();

    const result = await putEvaluations(clients.config, token, THOUSAND, { orderingTimestamp: ORDERING, sleep });

    const writes = fake.config.writes({ ruleName: RULE, region: EU });
    const counts = countsById(writes);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(new Set(THOUSAND.map((e) => e.resourceId)));
    const byId = new Map(writes.map((w) => [w.resourceId, w]));
    for (const e of THOUSAND) {
      const w = byId.get(e.resourceId);
      expect([w?.complianceType, w?.annotation, w?.orderingTimestamp.toISOString()]).toEqual([e.compliance, clampAnnotation(e.annotation), ORDERING.toISOString()]);
    }
    expect(result.written).toBe(1000);
    expect(result.retried).toBeGreaterThan(100);
    expect(result.byCompliance).toEqual({ COMPLIANT: 334, NON_COMPLIANT: 333, NOT_APPLICABLE: 333 });
    // The faults really happened: throttled calls retried by the SDK, failed evaluations resent by the writer.
    expect(fake.calls.count("Config:PutEvaluations", "throttled")).toBeGreaterThan(0);
    expect(waits.length).toBeGreaterThan(0);
    // Every call carried at most 100 evaluations (the fake refuses more with ValidationException).
    expect(fake.calls.of("Config:PutEvaluations").every((c) => ((c.params.Evaluations as unknown[]) ?? []).length <= 100)).toBe(true);
  });

  it("Given 30 of the evaluations (seeded draw) always answered in FailedEvaluations, Then after the bounded retries the write fails with a PutEvaluationsError listing exactly the evaluations the server does not have, and the others are written once", async () => {
    const { fake, clients } = await start({ faults: [{ service: "Config", action: "PutEvaluations", throttle: 0.3 }] });
    const refused = pick(THOUSAND.map((e) => e.resourceId), 30, 99);
    fake.config.failEvaluations({ resourceIds: refused });
    const token = fake.config.resultTokenFor(RULE, EU);
    const { sleep, waits } = recordingSleep();

    const error = await rejectionOf(putEvaluations(clients.config, token, THOUSAND, { orderingTimestamp: ORDERING, sleep }));

    expect(error).toBeInstanceOf(PutEvaluationsError);
    const failure = error as PutEvaluationsError;
    const counts = countsById(fake.config.writes({ ruleName: RULE, region: EU }));
    const missing = THOUSAND.filter((e) => !counts.has(e.resourceId));
    expect(missing.map((e) => e.resourceId).sort()).toEqual([...refused].sort());
    expect(failure.notWritten.map((u) => u.resourceId).sort()).toEqual(missing.map((e) => e.resourceId).sort());
    expect(failure.notWritten.every((u) => u.resourceType === "AWS::EC2::VPCEndpoint")).toBe(true);
    expect(failure.written).toBe(counts.size);
    expect(counts.size + missing.length).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const u of failure.notWritten) expect(failure.message).toContain(u.resourceId);
    // Three retry rounds with doubling backoff, then the error.
    expect(waits).toEqual([250, 500, 1000]);
  });

  it("Given PutEvaluations calls that keep answering InternalError (2 attempts each), Then the write stops at the first call the SDK gives up on, and the error lists exactly what the server does not have", async () => {
    const { fake, clients } = await start({ faults: [{ service: "Config", action: "PutEvaluations", internalError: 0.45 }] }, { maxAttempts: 2 });
    fake.config.failEvaluations({ probability: 0.1, times: 1 });
    const token = fake.config.resultTokenFor(RULE, EU);

    const error = await rejectionOf(putEvaluations(clients.config, token, THOUSAND, { orderingTimestamp: ORDERING, sleep: async () => undefined }));

    expect(error).toBeInstanceOf(PutEvaluationsError);
    const failure = error as PutEvaluationsError;
    expect((failure.cause as Error).name).toBe("InternalFailure");
    const counts = countsById(fake.config.writes({ ruleName: RULE, region: EU }));
    const missing = THOUSAND.filter((e) => !counts.has(e.resourceId)).map((e) => e.resourceId);
    expect(counts.size).toBeGreaterThan(0);
    expect(missing.length).toBeGreaterThan(0);
    expect(failure.notWritten.map((u) => u.resourceId).sort()).toEqual(missing.sort());
    expect(failure.written).toBe(counts.size);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The last PutEvaluations request was refused twice in a row: the SDK's attempts, no more.
    const last = fake.calls.of("Config:PutEvaluations").slice(-2);
    expect(last.map((c) => [c.outcome, c.attempt])).toEqual([
      ["internal-error", 1],
      ["internal-error", 2],
    ]);
  });
});

describe("runConfigRule: a scheduled run of about 1,000 evaluations", () => {
  const source = syntheticRegion({ seed: 4242, region: EU, accountId: ACCOUNT, now: NOW, vpcs: 100, interfaceEndpoints: 1050 });
  const expected = evaluateRawRegions(ACCOUNT, [source], prepareRules([{ ruleId: "interface-endpoint-in-use" }]), NOW).evaluations;

  function event(token: string): unknown {
    return scheduledEventFor({ ruleId: "interface-endpoint-in-use" }, ORDERING.toISOString(), { configRuleName: RULE, accountId: ACCOUNT, resultToken: token });
  }

  it("Given faults on every service (5% InternalError on EC2 and CloudWatch, 30% of Config calls throttled, 20% of evaluations answered once in FailedEvaluations), Then the invocation writes every evaluation exactly once and reports the count", async () => {
    expect(expected.length).toBeGreaterThanOrEqual(1000);
    const { fake, clients } = await start({
      data: { accountId: ACCOUNT, regions: [source] },
      faults: [
        // (30% on EC2 and CloudWatch is faults.test.ts's; here the adaptive limiter would only slow the run.)
        { service: "EC2", internalError: 0.05 },
        { service: "CloudWatch", internalError: 0.05 },
        { service: "Config", throttle: 0.3 },
      ],
    });
    fake.config.failEvaluations({ probability: 0.2, times: 1 });
    const token = fake.config.resultTokenFor(RULE, EU);
    // Yesterday's results include 12 endpoints that no longer exist: the clean-up must mark each once.
    const gone = Array.from({ length: 12 }, (_, i) => `vpce-0gone${String(i).padStart(12, "0")}`);
    fake.config.seedResults(RULE, gone.map((resourceId) => ({ resourceType: "AWS::EC2::VPCEndpoint", resourceId, complianceType: "NON_COMPLIANT", annotation: "idle", orderingTimestamp: new Date("2026-03-01T05:59:58.000Z") })), EU);

    const result = await runConfigRule({ event: event(token), clients, region: EU, now: NOW, writer: { sleep: async () => undefined } });

    const writes = fake.config.writes({ ruleName: RULE, region: EU });
    const counts = countsById(writes);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const staleRows = gone.map((id) => [id, "NOT_APPLICABLE", NO_LONGER_EXISTS_ANNOTATION]);
    expect(writes.map((w) => [w.resourceId, w.complianceType, w.annotation]).sort()).toEqual(
      [...expected.map((e) => [e.resourceId, e.compliance, e.annotation]), ...staleRows].sort(),
    );
    expect(result.stale).toBe(gone.length);
    expect(result.written).toBe(expected.length + gone.length);
    expect(result.evaluated).toBe(expected.length);
    expect(fake.calls.count("Config:PutEvaluations", "throttled")).toBeGreaterThan(0);
  });

  it("Given 20 evaluations (seeded draw) always refused, Then the invocation fails with a PutEvaluationsError listing exactly what the server does not have, after writing everything else once", async () => {
    const { fake, clients } = await start({ data: { accountId: ACCOUNT, regions: [source] }, faults: [{ service: "Config", internalError: 0.1 }] });
    const refused = pick(expected.map((e) => e.resourceId), 20, 7);
    fake.config.failEvaluations({ resourceIds: refused });
    const token = fake.config.resultTokenFor(RULE, EU);

    const error = await rejectionOf(runConfigRule({ event: event(token), clients, region: EU, now: NOW, writer: { sleep: async () => undefined } }));

    expect(error).toBeInstanceOf(PutEvaluationsError);
    const counts = countsById(fake.config.writes({ ruleName: RULE, region: EU }));
    const missing = expected.filter((e) => !counts.has(e.resourceId)).map((e) => e.resourceId);
    expect(missing.sort()).toEqual([...refused].sort());
    expect((error as PutEvaluationsError).notWritten.map((u) => u.resourceId).sort()).toEqual(missing.sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size + missing.length).toBe(expected.length);
    // The stale clean-up never ran on a partial write.
    expect(fake.calls.count("Config:GetComplianceDetailsByConfigRule")).toBe(0);
  });
});
