/**
 * AWS Config through the real client (AWS JSON 1.1): PutEvaluations validation, stored results and
 * injected FailedEvaluations; GetComplianceDetailsByConfigRule paged with NextToken.
 */
import {
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type Evaluation,
  type EvaluationResult,
} from "@aws-sdk/client-config-service";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientsFor, destroyClients, startFakeAws, type FakeAws, type FakeClients } from "../support/fake-aws";

const REGION = "eu-west-1";
const RULE = "interface-endpoint-in-use";
const ORDERING = new Date("2026-03-01T00:00:00.000Z");

function evaluation(id: string, compliance: string = "NON_COMPLIANT", annotation?: string): Evaluation {
  return {
    ComplianceResourceType: "AWS::EC2::VPCEndpoint",
    ComplianceResourceId: id,
    ComplianceType: compliance as Evaluation["ComplianceType"],
    OrderingTimestamp: ORDERING,
    ...(annotation !== undefined ? { Annotation: annotation } : {}),
  };
}

let fake: FakeAws;
let clients: FakeClients;

beforeEach(async () => {
  fake = await startFakeAws({ seed: 3 });
  clients = clientsFor(fake, REGION, { maxAttempts: 2 });
});
afterEach(async () => {
  destroyClients(clients);
  await fake.close();
});

async function listAllResults(ruleName: string, limit?: number, complianceTypes?: string[]): Promise<{ results: EvaluationResult[]; pages: number }> {
  const results: EvaluationResult[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await clients.config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: ruleName,
        Limit: limit,
        NextToken: token,
        ComplianceTypes: complianceTypes as NonNullable<EvaluationResult["ComplianceType"]>[] | undefined,
      }),
    );
    pages++;
    results.push(...(out.EvaluationResults ?? []));
    token = out.NextToken;
  } while (token);
  return { results, pages };
}

describe("PutEvaluations", () => {
  it("Given a rule's ResultToken, When evaluations are written, Then the fake records each one and GetComplianceDetailsByConfigRule lists them", async () => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    const out = await clients.config.send(
      new PutEvaluationsCommand({ ResultToken: token, Evaluations: [evaluation("vpce-1", "NON_COMPLIANT", "No traffic in 30 days"), evaluation("vpce-2", "COMPLIANT", "12 GB")] }),
    );
    expect(out.FailedEvaluations).toEqual([]);
    expect(fake.config.writes({ ruleName: RULE }).map((w) => [w.resourceId, w.complianceType, w.annotation])).toEqual([
      ["vpce-1", "NON_COMPLIANT", "No traffic in 30 days"],
      ["vpce-2", "COMPLIANT", "12 GB"],
    ]);
    expect(fake.config.writes()[0]?.orderingTimestamp).toEqual(ORDERING);
    const { results } = await listAllResults(RULE);
    expect(results.map((r) => [r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId, r.ComplianceType, r.Annotation])).toEqual([
      ["vpce-1", "NON_COMPLIANT", "No traffic in 30 days"],
      ["vpce-2", "COMPLIANT", "12 GB"],
    ]);
    expect(results[0]?.EvaluationResultIdentifier?.OrderingTimestamp).toEqual(ORDERING);
    expect(results[0]?.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceType).toBe("AWS::EC2::VPCEndpoint");
    expect(results[0]?.ResultRecordedTime).toBeInstanceOf(Date);
  });

  it("Given a later evaluation of the same resource, Then the stored result is the latest, and both writes are in the log", async () => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: [evaluation("vpce-1", "NON_COMPLIANT", "idle")] }));
    await clients.config.send(
      new PutEvaluationsCommand({ ResultToken: token, Evaluations: [{ ...evaluation("vpce-1", "NOT_APPLICABLE", "no longer exists"), OrderingTimestamp: new Date(ORDERING.getTime() + 1000) }] }),
    );
    expect(fake.config.results(RULE, REGION).map((r) => r.complianceType)).toEqual(["NOT_APPLICABLE"]);
    expect(fake.config.writes()).toHaveLength(2);
  });

  it("Given 100 evaluations, Then they are accepted; Given 101, Then the SDK raises ValidationException and nothing is written", async () => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    const many = Array.from({ length: 101 }, (_, i) => evaluation(`vpce-${i}`));
    await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: many.slice(0, 100) }));
    expect(fake.config.writes()).toHaveLength(100);
    const error = await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: many })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ValidationException", $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(fake.config.writes()).toHaveLength(100);
  });

  it.each([
    ["INSUFFICIENT_DATA", [evaluation("vpce-1", "INSUFFICIENT_DATA")], "InvalidParameterValueException"],
    ["an empty annotation", [evaluation("vpce-1", "COMPLIANT", "")], "ValidationException"],
    ["a 257-character annotation", [evaluation("vpce-1", "COMPLIANT", "x".repeat(257))], "ValidationException"],
    ["no OrderingTimestamp", [{ ...evaluation("vpce-1"), OrderingTimestamp: undefined }], "ValidationException"],
    ["an empty resource id", [evaluation("")], "ValidationException"],
  ])("Given %s, Then the SDK raises %s and nothing is written", async (_name, evaluations, errorName) => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    const error = await clients.config
      .send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: [evaluation("vpce-ok", "COMPLIANT"), ...(evaluations as Evaluation[])] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: errorName, $metadata: { httpStatusCode: 400 } });
    expect(fake.config.writes()).toEqual([]);
  });

  it("Given a 256-character annotation, Then it is accepted whole", async () => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: [evaluation("vpce-1", "NON_COMPLIANT", "y".repeat(256))] }));
    expect(fake.config.writes()[0]?.annotation).toHaveLength(256);
  });

  it("Given an unknown ResultToken, Then the SDK raises InvalidResultTokenException; Given TestMode, Then any token is accepted and nothing is stored", async () => {
    const error = await clients.config.send(new PutEvaluationsCommand({ ResultToken: "made-up", Evaluations: [evaluation("vpce-1")] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InvalidResultTokenException" });
    const out = await clients.config.send(new PutEvaluationsCommand({ ResultToken: "made-up", TestMode: true, Evaluations: [evaluation("vpce-1")] }));
    expect(out.FailedEvaluations).toEqual([]);
    expect(fake.config.writes()).toEqual([]);
    expect(fake.calls.of("Config:PutEvaluations").at(-1)?.params).toMatchObject({ TestMode: true });
  });

  it("Given a token registered for a documented event's resultToken, Then writes with it land on that rule", async () => {
    fake.config.registerResultToken("myResultToken", "vpc-flow-logs-enabled", REGION);
    await clients.config.send(new PutEvaluationsCommand({ ResultToken: "myResultToken", Evaluations: [{ ...evaluation("vpc-1", "COMPLIANT"), ComplianceResourceType: "AWS::EC2::VPC" }] }));
    expect(fake.config.results("vpc-flow-logs-enabled", REGION).map((r) => r.resourceId)).toEqual(["vpc-1"]);
  });

  it("Given injected FailedEvaluations for two resource ids, Then exactly those come back as failed and are not stored", async () => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    fake.config.failEvaluations({ resourceIds: ["vpce-2", "vpce-4"] });
    const out = await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: [1, 2, 3, 4].map((i) => evaluation(`vpce-${i}`)) }));
    expect(out.FailedEvaluations?.map((e) => e.ComplianceResourceId)).toEqual(["vpce-2", "vpce-4"]);
    expect(out.FailedEvaluations?.[0]).toMatchObject({ ComplianceResourceType: "AWS::EC2::VPCEndpoint", ComplianceType: "NON_COMPLIANT" });
    expect(fake.config.writes().map((w) => w.resourceId)).toEqual(["vpce-1", "vpce-3"]);
    expect(fake.config.failedEvaluationCount).toBe(2);
  });

  it("Given a resource that fails once (times: 1), When the caller resends it, Then the second write succeeds", async () => {
    const token = fake.config.resultTokenFor(RULE, REGION);
    fake.config.failEvaluations({ resourceIds: ["vpce-2"], times: 1 });
    const first = await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: [evaluation("vpce-1"), evaluation("vpce-2")] }));
    expect(first.FailedEvaluations?.map((e) => e.ComplianceResourceId)).toEqual(["vpce-2"]);
    const retry = await clients.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: first.FailedEvaluations }));
    expect(retry.FailedEvaluations).toEqual([]);
    expect(fake.config.writes().map((w) => w.resourceId)).toEqual(["vpce-1", "vpce-2"]);
  });

  it("Given a failure probability, Then the same seed fails the same resources run after run", async () => {
    const failedIds = async (): Promise<string[]> => {
      const server = await startFakeAws({ seed: 11 });
      const c = clientsFor(server, REGION);
      try {
        const token = server.config.resultTokenFor(RULE, REGION);
        server.config.failEvaluations({ probability: 0.3 });
        const out = await c.config.send(new PutEvaluationsCommand({ ResultToken: token, Evaluations: Array.from({ length: 100 }, (_, i) => evaluation(`vpce-${i}`)) }));
        return (out.FailedEvaluations ?? []).map((e) => e.ComplianceResourceId as string);
      } finally {
        destroyClients(c);
        await server.close();
      }
    };
    const a = await failedIds();
    expect(a).toEqual(await failedIds());
    expect(a.length).toBeGreaterThan(15);
    expect(a.length).toBeLessThan(45);
  });
});

describe("GetComplianceDetailsByConfigRule", () => {
  beforeEach(() => {
    fake.config.seedResults(
      RULE,
      Array.from({ length: 250 }, (_, i) => ({
        resourceType: "AWS::EC2::VPCEndpoint",
        resourceId: `vpce-${String(i).padStart(4, "0")}`,
        complianceType: i % 5 === 0 ? ("COMPLIANT" as const) : ("NON_COMPLIANT" as const),
        annotation: `seeded ${i}`,
        orderingTimestamp: ORDERING,
      })),
      REGION,
    );
  });

  it("Given 250 previous results, When paged with Limit 100, Then 3 calls return each result exactly once", async () => {
    const { results, pages } = await listAllResults(RULE, 100);
    expect(pages).toBe(3);
    const ids = results.map((r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId);
    expect(new Set(ids).size).toBe(250);
    expect(fake.calls.count("Config:GetComplianceDetailsByConfigRule")).toBe(3);
    expect(fake.calls.of("Config:GetComplianceDetailsByConfigRule").map((c) => c.params.Limit)).toEqual([100, 100, 100]);
  });

  it("Given no Limit (or 0), Then pages hold the documented default of 10", async () => {
    const out = await clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE }));
    expect(out.EvaluationResults).toHaveLength(10);
    expect(out.NextToken).toBeTruthy();
    const zero = await clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, Limit: 0 }));
    expect(zero.EvaluationResults).toHaveLength(10);
  });

  it("Given Limit 101, Then the SDK raises ValidationException", async () => {
    await expect(clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, Limit: 101 }))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("Given a ComplianceTypes filter, Then only those results are listed", async () => {
    const { results } = await listAllResults(RULE, 100, ["COMPLIANT"]);
    expect(results).toHaveLength(50);
    expect(new Set(results.map((r) => r.ComplianceType))).toEqual(new Set(["COMPLIANT"]));
    await expect(
      clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, ComplianceTypes: ["INSUFFICIENT_DATA"] })),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException" });
  });

  it("Given an unknown rule or a NextToken of another query, Then the SDK raises NoSuchConfigRuleException / InvalidNextTokenException", async () => {
    await expect(clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: "nope" }))).rejects.toMatchObject({
      name: "NoSuchConfigRuleException",
    });
    const first = await clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, Limit: 100 }));
    await expect(
      clients.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, Limit: 100, ComplianceTypes: ["COMPLIANT"], NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: "InvalidNextTokenException" });
  });

  it("Given results of the same rule name in another region, Then each region lists only its own", async () => {
    const us = clientsFor(fake, "us-east-1");
    try {
      await expect(us.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE }))).rejects.toMatchObject({ name: "NoSuchConfigRuleException" });
      fake.config.addRule(RULE, "us-east-1");
      const out = await us.config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE }));
      expect(out.EvaluationResults).toEqual([]);
    } finally {
      destroyClients(us);
    }
  });
});
