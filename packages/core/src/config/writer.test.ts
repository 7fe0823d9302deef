import { ConfigServiceClient, PutEvaluationsCommand, type Evaluation as ConfigEvaluation } from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Compliance, type ComplianceType } from "../evaluation";
import { InvalidEvaluationError, PutEvaluationsError } from "./errors";
import { putEvaluations, type WritableEvaluation } from "./writer";

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({ region: "us-east-2", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } });
const ORDERING = new Date("2016-07-13T21:50:00.373Z");
const COMPLIANCE: ComplianceType[] = [Compliance.COMPLIANT, Compliance.NON_COMPLIANT, Compliance.NOT_APPLICABLE];

function vpcs(count: number): WritableEvaluation[] {
  return Array.from({ length: count }, (_, i) => ({
    resourceType: "AWS::EC2::VPC",
    resourceId: `vpc-${String(i).padStart(17, "0")}`,
    compliance: COMPLIANCE[i % 3] as ComplianceType,
    annotation: `Annotation ${i}`,
  }));
}

function sentCalls(): { ResultToken?: string; TestMode?: boolean; Evaluations: ConfigEvaluation[] }[] {
  return config.commandCalls(PutEvaluationsCommand).map((c) => ({
    ResultToken: c.args[0].input.ResultToken,
    TestMode: c.args[0].input.TestMode,
    Evaluations: c.args[0].input.Evaluations ?? [],
  }));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

const noWait = (delays: number[]) => async (ms: number) => {
  delays.push(ms);
};

beforeEach(() => {
  config.reset();
});
afterEach(() => {
  config.reset();
});

describe("putEvaluations", () => {
  it("Given 250 evaluations, Then 3 PutEvaluations calls of 100, 100 and 50 write each exactly once", async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    const evaluations = vpcs(250);
    const result = await putEvaluations(client, "myResultToken", evaluations, { orderingTimestamp: ORDERING });

    const calls = sentCalls();
    expect(calls.map((c) => c.Evaluations.length)).toEqual([100, 100, 50]);
    expect(calls.every((c) => c.ResultToken === "myResultToken" && c.TestMode === undefined)).toBe(true);
    const sentIds = calls.flatMap((c) => c.Evaluations.map((e) => e.ComplianceResourceId));
    expect(sentIds).toEqual(evaluations.map((e) => e.resourceId));
    expect(calls[0]?.Evaluations[1]).toEqual({
      ComplianceResourceType: "AWS::EC2::VPC",
      ComplianceResourceId: "vpc-00000000000000001",
      ComplianceType: "NON_COMPLIANT",
      Annotation: "Annotation 1",
      OrderingTimestamp: ORDERING,
    });
    expect(result).toEqual({ written: 250, calls: 3, retried: 0, byCompliance: { COMPLIANT: 84, NON_COMPLIANT: 83, NOT_APPLICABLE: 83 } });
  });

  it("Given test mode, Then every call carries TestMode: true", async () => {
    config.on(PutEvaluationsCommand).resolves({});
    await putEvaluations(client, "token", vpcs(150), { orderingTimestamp: ORDERING, testMode: true });
    expect(sentCalls().map((c) => c.TestMode)).toEqual([true, true]);
  });

  it("Given an annotation of 1,000 characters, Then 256 are sent; Given an empty one, Then a non-empty one is sent", async () => {
    config.on(PutEvaluationsCommand).resolves({});
    const [first, second] = vpcs(2) as [WritableEvaluation, WritableEvaluation];
    await putEvaluations(client, "token", [{ ...first, annotation: "x".repeat(1000) }, { ...second, annotation: "  " }], {
      orderingTimestamp: ORDERING,
    });
    const [a, b] = sentCalls()[0]?.Evaluations ?? [];
    expect(a?.Annotation).toHaveLength(256);
    expect(a?.Annotation?.startsWith("x".repeat(255))).toBe(true);
    expect(b?.Annotation?.length).toBeGreaterThanOrEqual(1);
    expect(b?.Annotation?.trim().length).toBeGreaterThanOrEqual(1);
  });

  it("Given no evaluations, Then no call is made", async () => {
    const result = await putEvaluations(client, "token", [], { orderingTimestamp: ORDERING });
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
    expect(result.written).toBe(0);
  });

  it("Given INSUFFICIENT_DATA, Then InvalidEvaluationError and no call at all", async () => {
    config.on(PutEvaluationsCommand).resolves({});
    const bad = { ...vpcs(1)[0], compliance: "INSUFFICIENT_DATA" } as unknown as WritableEvaluation;
    const error = await rejection(putEvaluations(client, "token", [...vpcs(120), bad], { orderingTimestamp: ORDERING }));
    expect(error).toBeInstanceOf(InvalidEvaluationError);
    expect((error as Error).message).toContain("INSUFFICIENT_DATA");
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });

  it("Given the same resource twice, Then InvalidEvaluationError and no call at all", async () => {
    config.on(PutEvaluationsCommand).resolves({});
    const list = vpcs(3);
    const error = await rejection(putEvaluations(client, "token", [...list, { ...(list[1] as WritableEvaluation) }], { orderingTimestamp: ORDERING }));
    expect(error).toMatchObject({ name: "InvalidEvaluationError", resourceId: "vpc-00000000000000001" });
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });

  it("Given FailedEvaluations once, Then only the failed ones are sent again after a backoff, and all are written", async () => {
    const evaluations = vpcs(150);
    let call = 0;
    config.on(PutEvaluationsCommand).callsFake((input: { Evaluations: ConfigEvaluation[] }) => {
      call++;
      // First call: Config refuses two of the hundred (it returns them as they were sent).
      if (call === 1) return { FailedEvaluations: [input.Evaluations[5], input.Evaluations[42]] };
      return { FailedEvaluations: [] };
    });
    const delays: number[] = [];
    const result = await putEvaluations(client, "token", evaluations, { orderingTimestamp: ORDERING, sleep: noWait(delays) });

    const calls = sentCalls();
    expect(calls.map((c) => c.Evaluations.length)).toEqual([100, 50, 2]);
    expect(calls[2]?.Evaluations.map((e) => e.ComplianceResourceId)).toEqual(["vpc-00000000000000005", "vpc-00000000000000042"]);
    expect(delays).toEqual([250]);
    expect(result).toMatchObject({ written: 150, calls: 3, retried: 2 });
    // Nothing sent twice except the two Config refused.
    const counts = new Map<string, number>();
    for (const id of calls.flatMap((c) => c.Evaluations.map((e) => e.ComplianceResourceId as string))) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1).map(([id]) => id)).toEqual(["vpc-00000000000000005", "vpc-00000000000000042"]);
  });

  it("Given FailedEvaluations that never clear, Then a bounded number of retries, then PutEvaluationsError listing them", async () => {
    const evaluations = vpcs(120);
    const stubborn = new Set(["vpc-00000000000000007", "vpc-00000000000000110"]);
    config.on(PutEvaluationsCommand).callsFake((input: { Evaluations: ConfigEvaluation[] }) => ({
      FailedEvaluations: input.Evaluations.filter((e) => stubborn.has(e.ComplianceResourceId as string)),
    }));
    const delays: number[] = [];
    const error = await rejection(
      putEvaluations(client, "token", evaluations, { orderingTimestamp: ORDERING, maxRetries: 2, backoffMs: 100, sleep: noWait(delays) }),
    );

    expect(error).toBeInstanceOf(PutEvaluationsError);
    const failure = error as PutEvaluationsError;
    expect(failure.notWritten).toEqual([
      { resourceType: "AWS::EC2::VPC", resourceId: "vpc-00000000000000007", compliance: "NON_COMPLIANT" },
      { resourceType: "AWS::EC2::VPC", resourceId: "vpc-00000000000000110", compliance: "NOT_APPLICABLE" },
    ]);
    expect(failure.written).toBe(118);
    expect(failure.message).toContain("AWS::EC2::VPC vpc-00000000000000007");
    expect(failure.message).toContain("AWS::EC2::VPC vpc-00000000000000110");
    // First round: 100 + 20; then two retry rounds of only the two failed ones.
    expect(sentCalls().map((c) => c.Evaluations.length)).toEqual([100, 20, 2, 2]);
    expect(delays).toEqual([100, 200]);
  });

  it("Given a call that fails after the SDK's retries (throttled), Then PutEvaluationsError lists that batch and the unsent ones", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });
    config.on(PutEvaluationsCommand).resolvesOnce({}).rejectsOnce(throttled).resolves({});
    const evaluations = vpcs(250);
    const error = await rejection(putEvaluations(client, "token", evaluations, { orderingTimestamp: ORDERING }));

    expect(error).toBeInstanceOf(PutEvaluationsError);
    const failure = error as PutEvaluationsError;
    expect(failure.cause).toBe(throttled);
    expect(failure.written).toBe(100);
    expect(failure.notWritten.map((u) => u.resourceId)).toEqual(evaluations.slice(100).map((e) => e.resourceId));
    expect(failure.message).toContain("Rate exceeded");
    // The third batch is not sent after a failed call.
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(2);
  });

  it("Given a batch size over 100, Then RangeError before any call", async () => {
    await expect(putEvaluations(client, "token", vpcs(1), { orderingTimestamp: ORDERING, batchSize: 101 })).rejects.toBeInstanceOf(RangeError);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });
});
