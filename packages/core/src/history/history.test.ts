import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { Compliance, type ComplianceType, type Evaluation } from "../evaluation";
import { HistoryInputError, HistoryReadError, HistoryWriteError } from "./errors";
import { historyPartitionKey, historySortKey } from "./schema";
import { loadDigestState } from "./queries";
import { recordEvaluations } from "./record";
import type { HistoryClient } from "./schema";
import { createHistoryTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const DAY = 86_400_000;

function ev(
  ruleId: string,
  resourceId: string,
  compliance: ComplianceType,
  extra: Partial<Evaluation> = {},
): Evaluation {
  return {
    accountId: ACCOUNT,
    region: REGION,
    ruleId,
    resourceId,
    resourceType: ruleId === "vpc-flow-logs-enabled" ? "AWS::EC2::VPC" : "AWS::EC2::VPCEndpoint",
    compliance,
    annotation: `${ruleId} says ${compliance} for ${resourceId}`,
    ...extra,
  };
}

/** Wraps a real client: records every command, optionally rewrites a call's outcome. */
function recording(
  inner: HistoryClient,
  intercept?: (command: { constructor: { name: string }; input: Record<string, unknown> }, call: number) => Promise<unknown> | undefined,
): HistoryClient & { calls: { name: string; input: Record<string, unknown> }[] } {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    calls,
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push({ name: command.constructor.name, input: structuredClone(command.input) });
      const replaced = intercept?.(command, calls.length);
      return replaced ?? (inner.send as (c: unknown) => Promise<unknown>)(command);
    },
  };
  return client as unknown as HistoryClient & { calls: { name: string; input: Record<string, unknown> }[] };
}

const noSleep = { sleep: async () => undefined, random: () => 0.5 };

describe("findings history on dynalite: recording (batch I/O) and the digest's queries", () => {
  let dynamo: LocalDynamo;
  let tableCount = 0;
  const newTable = async (): Promise<string> => {
    const name = `history-${++tableCount}`;
    await createHistoryTable(dynamo.client, name);
    return name;
  };
  const getItem = async (table: string, ruleId: string, resourceId: string) =>
    (
      await dynamo.doc.send(
        new GetCommand({
          TableName: table,
          Key: { pk: historyPartitionKey(ACCOUNT, REGION), sk: historySortKey(ruleId, resourceId) },
          ConsistentRead: true,
        }),
      )
    ).Item;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it("Given 60 evaluations, Then they are written 25 per BatchWriteItem call (3 calls) and read back", async () => {
    const table = await newTable();
    const client = recording(dynamo.doc);
    const evaluations = Array.from({ length: 60 }, (_, i) =>
      ev("interface-endpoint-in-use", `vpce-${String(i).padStart(4, "0")}`, i % 2 ? Compliance.NON_COMPLIANT : Compliance.COMPLIANT),
    );
    const result = await recordEvaluations(client, table, evaluations, new Date("2024-01-01T09:00:00Z"), { retry: noSleep });

    expect(result.written).toBe(60);
    expect(result.transitions.OPENED).toBe(30);
    expect(result.transitions.UNCHANGED).toBe(30);
    const writes = client.calls.filter((c) => c.name === "BatchWriteCommand");
    const sizes = writes.map((c) => ((c.input.RequestItems as Record<string, unknown[]>)[table] ?? []).length);
    expect(sizes).toEqual([25, 25, 10]);
    expect(client.calls.filter((c) => c.name === "BatchGetCommand")).toHaveLength(1);
    const item = await getItem(table, "interface-endpoint-in-use", "vpce-0001");
    expect(item).toMatchObject({
      compliance: "NON_COMPLIANT",
      firstNonCompliantAt: "2024-01-01T09:00:00.000Z",
      statusPk: `ACCOUNT#${ACCOUNT}#REGION#${REGION}#OPEN`,
    });
    expect(item?.ttl).toBeUndefined();
  });

  it("Given 230 stored findings, When recorded again, Then previous state is read 100 keys per BatchGetItem and all are STILL_OPEN", async () => {
    const table = await newTable();
    const evaluations = Array.from({ length: 230 }, (_, i) => ev("nat-subnet", `subnet-${i}`, Compliance.NON_COMPLIANT));
    await recordEvaluations(dynamo.doc, table, evaluations, new Date("2024-01-01T09:00:00Z"), { retry: noSleep });

    const client = recording(dynamo.doc);
    const second = await recordEvaluations(client, table, evaluations, new Date("2024-01-02T09:00:00Z"), { retry: noSleep });
    expect(second.transitions.STILL_OPEN).toBe(230);
    const gets = client.calls.filter((c) => c.name === "BatchGetCommand");
    expect(gets.map((c) => ((c.input.RequestItems as Record<string, { Keys: unknown[] }>)[table]?.Keys ?? []).length)).toEqual([
      100, 100, 30,
    ]);
    expect((await getItem(table, "nat-subnet", "subnet-229"))?.firstNonCompliantAt).toBe("2024-01-01T09:00:00.000Z");
  });

  it("Given DynamoDB returns 15 of 25 items as UnprocessedItems, Then they are retried after a bounded backoff and all are stored", async () => {
    const table = await newTable();
    const delays: number[] = [];
    let first = true;
    const client = recording(dynamo.doc, (command) => {
      if (command.constructor.name !== "BatchWriteCommand" || !first) return undefined;
      first = false;
      // Store only the first 10 for real, answer the other 15 as unprocessed (the documented shape).
      const requests = (command.input.RequestItems as Record<string, unknown[]>)[table] ?? [];
      const processed = requests.slice(0, 10);
      const unprocessed = requests.slice(10);
      return dynamo.doc
        .send(new BatchWriteCommand({ RequestItems: { [table]: processed as never } }))
        .then(() => ({ UnprocessedItems: { [table]: unprocessed } }));
    });
    const evaluations = Array.from({ length: 25 }, (_, i) => ev("interface-endpoint-in-use", `vpce-${i}`, Compliance.NON_COMPLIANT));
    const result = await recordEvaluations(client, table, evaluations, new Date("2024-01-01T09:00:00Z"), {
      retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5, baseDelayMs: 40, maxDelayMs: 1000 },
    });

    expect(result.written).toBe(25);
    const writes = client.calls.filter((c) => c.name === "BatchWriteCommand");
    expect(writes.map((c) => ((c.input.RequestItems as Record<string, unknown[]>)[table] ?? []).length)).toEqual([25, 15]);
    expect(delays).toEqual([30]); // 40 ms × (½ + ½·0.5)
    for (let i = 0; i < 25; i++) expect(await getItem(table, "interface-endpoint-in-use", `vpce-${i}`)).toBeDefined();
  });

  it("Given BatchGetItem returns UnprocessedKeys, Then they are fetched again and transitions use the stored state", async () => {
    const table = await newTable();
    const evaluations = Array.from({ length: 5 }, (_, i) => ev("r1", `vpce-${i}`, Compliance.NON_COMPLIANT));
    await recordEvaluations(dynamo.doc, table, evaluations, new Date("2024-01-01T09:00:00Z"), { retry: noSleep });
    let first = true;
    const client = recording(dynamo.doc, (command) => {
      if (command.constructor.name !== "BatchGetCommand" || !first) return undefined;
      first = false;
      const keys = (command.input.RequestItems as Record<string, { Keys: unknown[] }>)[table]?.Keys ?? [];
      return Promise.resolve({ Responses: { [table]: [] }, UnprocessedKeys: { [table]: { Keys: keys, ConsistentRead: true } } });
    });
    const result = await recordEvaluations(
      client,
      table,
      evaluations.map((e) => ({ ...e, compliance: Compliance.COMPLIANT })),
      new Date("2024-01-02T09:00:00Z"),
      { retry: noSleep },
    );
    expect(client.calls.filter((c) => c.name === "BatchGetCommand")).toHaveLength(2);
    expect(result.transitions.RESOLVED).toBe(5);
  });

  it("Given UnprocessedItems on every attempt, Then a HistoryWriteError after maxAttempts with counts and bounded delays", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    const table = "history-throttled";
    mock.on(BatchGetCommand).resolves({ Responses: { [table]: [] } });
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: { [table]: input.RequestItems[table] },
    }));
    const delays: number[] = [];
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const evaluations = Array.from({ length: 30 }, (_, i) => ev("r1", `vpce-${i}`, Compliance.NON_COMPLIANT));
    try {
      const error = await recordEvaluations(doc, table, evaluations, new Date("2024-01-01T09:00:00Z"), {
        retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500, sleep: async (ms) => void delays.push(ms), random: () => 1 },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HistoryWriteError);
      const e = error as HistoryWriteError;
      expect(e.written).toBe(0);
      expect(e.unwritten).toBe(30);
      expect(e.accountId).toBe(ACCOUNT);
      expect(e.region).toBe(REGION);
      expect(e.message).toContain("25 items still unprocessed after 5 BatchWriteItem calls");
      expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(5);
      expect(delays).toEqual([100, 200, 400, 500]);
    } finally {
      mock.restore();
    }
  });

  it("Given UnprocessedKeys on every attempt, Then a HistoryReadError after maxAttempts and nothing is written", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    const table = "history-unreadable";
    mock.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({
      Responses: { [table]: [] },
      UnprocessedKeys: { [table]: { Keys: input.RequestItems[table]?.Keys, ConsistentRead: true } },
    }));
    const delays: number[] = [];
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    try {
      const error = await recordEvaluations(doc, table, [ev("r1", "vpce-1", Compliance.NON_COMPLIANT)], new Date("2024-01-01T09:00:00Z"), {
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 1000, sleep: async (ms) => void delays.push(ms), random: () => 1 },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HistoryReadError);
      expect((error as HistoryReadError).message).toContain("1 keys still unprocessed after 3 BatchGetItem calls");
      expect((error as HistoryReadError).tableName).toBe(table);
      expect(mock.commandCalls(BatchGetCommand)).toHaveLength(3);
      expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(0);
      expect(delays).toEqual([10, 20]);
    } finally {
      mock.restore();
    }
  });

  it("Given the second BatchWriteItem call fails, Then the HistoryWriteError counts the first batch as written and keeps the cause", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    const table = "history-half-written";
    const cause = Object.assign(new Error("Throughput exceeds the current capacity"), { name: "ProvisionedThroughputExceededException" });
    mock.on(BatchGetCommand).resolves({ Responses: { [table]: [] } });
    mock.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: {} }).rejects(cause);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const evaluations = Array.from({ length: 30 }, (_, i) => ev("r1", `vpce-${i}`, Compliance.NON_COMPLIANT));
    try {
      const error = await recordEvaluations(doc, table, evaluations, new Date("2024-01-01T09:00:00Z"), { retry: noSleep }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HistoryWriteError);
      expect(error).toMatchObject({ written: 25, unwritten: 5, tableName: table });
      expect((error as HistoryWriteError).message).toContain("BatchWriteItem: Throughput exceeds the current capacity");
      expect((error as HistoryWriteError).cause).toBe(cause);
    } finally {
      mock.restore();
    }
  });

  it("Given 1,030 evaluations and a BatchWriteItem failure in the second slice of 1,000, Then the HistoryWriteError counts the whole call", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    const table = "history-second-slice";
    const cause = Object.assign(new Error("Throughput exceeds the current capacity"), { name: "ProvisionedThroughputExceededException" });
    mock.on(BatchGetCommand).resolves({ Responses: { [table]: [] } });
    let calls = 0;
    mock.on(BatchWriteCommand).callsFake(() => {
      calls += 1;
      if (calls > 40) throw cause; // 40 calls of 25 = the first slice
      return { UnprocessedItems: {} };
    });
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const evaluations = Array.from({ length: 1_030 }, (_, i) => ev("r1", `vpce-${i}`, Compliance.NON_COMPLIANT));
    try {
      const error = await recordEvaluations(doc, table, evaluations, new Date("2024-01-01T09:00:00Z"), { retry: noSleep }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HistoryWriteError);
      expect(error).toMatchObject({ written: 1_000, unwritten: 30 });
      expect((error as HistoryWriteError).cause).toBe(cause);
      // Slices: each reads its own keys (10 + 1 BatchGetItem calls of at most 100 keys).
      expect(mock.commandCalls(BatchGetCommand)).toHaveLength(11);
    } finally {
      mock.restore();
    }
  });

  it("Given a stored item without its compliance, Then recording fails with a HistoryReadError naming the item's keys", async () => {
    const table = await newTable();
    const pk = historyPartitionKey(ACCOUNT, REGION);
    const sk = historySortKey("r1", "vpce-broken");
    await dynamo.doc.send(
      new PutCommand({
        TableName: table,
        Item: { pk, sk, accountId: ACCOUNT, region: REGION, ruleId: "r1", resourceId: "vpce-broken", annotation: "x", lastEvaluatedAt: "2024-01-01T09:00:00.000Z" },
      }),
    );
    const error = await recordEvaluations(dynamo.doc, table, [ev("r1", "vpce-broken", Compliance.COMPLIANT)], new Date("2024-01-02T09:00:00Z"), {
      retry: noSleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryReadError);
    expect((error as Error).message).toContain(`malformed item ${pk} / ${sk}`);
  });

  it("Given an evaluation without a resource id, Then HistoryInputError and nothing is written", async () => {
    const table = await newTable();
    const client = recording(dynamo.doc);
    const bad = [ev("r1", "vpce-1", Compliance.NON_COMPLIANT), ev("r1", "", Compliance.NON_COMPLIANT)];
    await expect(recordEvaluations(client, table, bad, new Date())).rejects.toBeInstanceOf(HistoryInputError);
    expect(client.calls).toHaveLength(0);
    expect(await getItem(table, "r1", "vpce-1")).toBeUndefined();
  });

  it("Given the same resource twice in one call, Then the last evaluation wins (no duplicate-key ValidationException)", async () => {
    const table = await newTable();
    const result = await recordEvaluations(
      dynamo.doc,
      table,
      [ev("r1", "vpce-1", Compliance.NON_COMPLIANT), ev("r1", "vpce-1", Compliance.COMPLIANT)],
      new Date("2024-01-01T09:00:00Z"),
    );
    expect(result.written).toBe(1);
    expect((await getItem(table, "r1", "vpce-1"))?.compliance).toBe("COMPLIANT");
  });

  it("Given a finding resolved then recorded from an older (retried) evaluation, Then the stale evaluation is not written", async () => {
    const table = await newTable();
    await recordEvaluations(dynamo.doc, table, [ev("r1", "vpce-1", Compliance.NON_COMPLIANT)], new Date("2024-01-01T09:00:00Z"));
    await recordEvaluations(dynamo.doc, table, [ev("r1", "vpce-1", Compliance.COMPLIANT)], new Date("2024-01-03T09:00:00Z"));
    const stale = await recordEvaluations(dynamo.doc, table, [ev("r1", "vpce-1", Compliance.NON_COMPLIANT)], new Date("2024-01-02T09:00:00Z"));
    expect(stale.transitions.STALE).toBe(1);
    expect(stale.written).toBe(0);
    const item = await getItem(table, "r1", "vpce-1");
    expect(item).toMatchObject({ compliance: "COMPLIANT", resolvedAt: "2024-01-03T09:00:00.000Z" });
    expect(item?.ttl).toBe(Date.parse("2024-01-03T09:00:00Z") / 1000 + 90 * 86_400);
  });

  it("Given two simulated weeks of daily evaluations, Then each week's digest state has the right open, new and resolved findings", async () => {
    const table = await newTable();
    const week1 = new Date("2024-01-01T00:00:00Z"); // Monday
    const week2 = new Date(week1.getTime() + 7 * DAY);
    const week3 = new Date(week1.getTime() + 14 * DAY);
    const at = (day: number) => new Date(week1.getTime() + day * DAY + 9 * 3_600_000);
    // Daily state of 6 resources over 14 days: N = non-compliant, C = compliant.
    const plan: Record<string, { rule: string; days: string; savings?: number }> = {
      "vpce-a": { rule: "interface-endpoint-in-use", days: "NNNNNNN" + "NNNNNNN", savings: 21.9 }, // open throughout
      "vpce-b": { rule: "interface-endpoint-in-use", days: "NNNCCCC" + "CCCCCCC", savings: 14.6 }, // resolved in week 1
      "vpce-c": { rule: "interface-endpoint-in-use", days: "CCCCCCC" + "CCNNNNN", savings: 7.3 }, // new in week 2
      "vpc-d": { rule: "vpc-flow-logs-enabled", days: "NNNNNNN" + "NNNNCCC" }, // resolved in week 2
      "vpc-e": { rule: "vpc-flow-logs-enabled", days: "NNCCCCC" + "CCNNNNN" }, // resolved week 1, reopened week 2
      "vpc-f": { rule: "vpc-flow-logs-enabled", days: "CCCCCCC" + "CCCCCCC" }, // never open
    };
    const client = recording(dynamo.doc);
    for (let day = 0; day < 14; day++) {
      const evaluations = Object.entries(plan).map(([id, p]) =>
        ev(p.rule, id, p.days[day] === "N" ? Compliance.NON_COMPLIANT : Compliance.COMPLIANT, {
          ...(p.days[day] === "N" && p.savings ? { monthlySavingsUsd: p.savings } : {}),
        }),
      );
      await recordEvaluations(client, table, evaluations, at(day), { retry: noSleep });
      if (day === 6) {
        // The digest on Monday of week 2 looks back over week 1.
        const s1 = await loadDigestState(client, table, { accountId: ACCOUNT, region: REGION, since: week1, until: week2 });
        expect(s1.open.map((r) => r.resourceId).sort()).toEqual(["vpc-d", "vpce-a"]);
        expect(s1.open.filter((r) => r.firstNonCompliantAt! >= week1.toISOString()).map((r) => r.resourceId).sort()).toEqual([
          "vpc-d",
          "vpce-a",
        ]);
        expect(s1.resolved.map((r) => r.resourceId).sort()).toEqual(["vpc-e", "vpce-b"]);
      }
    }
    const s2 = await loadDigestState(client, table, { accountId: ACCOUNT, region: REGION, since: week2, until: week3 });
    expect(s2.open.map((r) => r.resourceId).sort()).toEqual(["vpc-e", "vpce-a", "vpce-c"]);
    const newIds = s2.open.filter((r) => r.firstNonCompliantAt! >= week2.toISOString()).map((r) => r.resourceId).sort();
    expect(newIds).toEqual(["vpc-e", "vpce-c"]);
    expect(s2.open.find((r) => r.resourceId === "vpc-e")?.reopenCount).toBe(1);
    expect(s2.resolved.map((r) => r.resourceId)).toEqual(["vpc-d"]);
    expect(s2.resolved[0]?.resolvedAt).toBe(at(11).toISOString());
    expect(s2.open.find((r) => r.resourceId === "vpce-c")?.monthlySavingsUsd).toBe(7.3);
    // Served by queries on the status index only; never a scan.
    const reads = client.calls.filter((c) => c.name === "QueryCommand" || c.name === "ScanCommand");
    expect(reads.every((c) => c.name === "QueryCommand" && c.input.IndexName === "byStatus")).toBe(true);
    expect(reads).toHaveLength(6); // two digests × (open, resolved, exempt)
  });

  it("Given findings exempted during the week, Then the digest state lists them as exempt (by until), never as resolved", async () => {
    const table = await newTable();
    const monday = new Date("2024-01-01T09:00:00Z");
    const tuesday = new Date("2024-01-02T09:00:00Z");
    await recordEvaluations(
      dynamo.doc,
      table,
      [ev("r1", "vpce-1", Compliance.NON_COMPLIANT), ev("r1", "vpce-2", Compliance.NON_COMPLIANT), ev("r1", "vpce-3", Compliance.NON_COMPLIANT)],
      monday,
    );
    const exempted = (id: string, until?: string) =>
      ev("r1", id, Compliance.NOT_APPLICABLE, { annotation: "Exempt: DR", exemption: { reason: "DR", ...(until ? { until } : {}) } });
    const result = await recordEvaluations(dynamo.doc, table, [exempted("vpce-1"), exempted("vpce-2", "2024-01-10"), ev("r1", "vpce-3", Compliance.COMPLIANT)], tuesday);
    expect(result.transitions).toMatchObject({ EXEMPTED: 2, RESOLVED: 1 });

    const state = await loadDigestState(dynamo.doc, table, { accountId: ACCOUNT, region: REGION, since: monday, until: new Date("2024-01-08T09:00:00Z") });
    expect(state.open).toEqual([]);
    expect(state.resolved.map((r) => r.resourceId)).toEqual(["vpce-3"]);
    expect(state.exempt.map((r) => [r.resourceId, r.exemptUntil, r.exemptedAt])).toEqual([
      ["vpce-2", "2024-01-10", tuesday.toISOString()],
      ["vpce-1", undefined, tuesday.toISOString()],
    ]);
    expect((await getItem(table, "r1", "vpce-1"))?.ttl).toBeUndefined();
  });

  it("Given more open findings than one Query page, Then loadDigestState follows LastEvaluatedKey", async () => {
    const table = await newTable();
    const evaluations = Array.from({ length: 23 }, (_, i) => ev("r1", `vpce-${i}`, Compliance.NON_COMPLIANT));
    await recordEvaluations(dynamo.doc, table, evaluations, new Date("2024-01-01T09:00:00Z"));
    const client = recording(dynamo.doc, (command) => {
      if (command.constructor.name === "QueryCommand") command.input.Limit = 5; // force small pages
      return undefined;
    });
    const state = await loadDigestState(client, table, {
      accountId: ACCOUNT,
      region: REGION,
      since: new Date("2024-01-01T00:00:00Z"),
      until: new Date("2024-01-08T00:00:00Z"),
    });
    expect(state.open).toHaveLength(23);
    expect(client.calls.filter((c) => c.name === "QueryCommand").length).toBeGreaterThanOrEqual(6);
  });

  it("Given a Query failure, Then a HistoryReadError naming the table, account and region keeps the cause", async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    try {
      const cause = Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" });
      mock.on(QueryCommand).rejects(cause);
      const doc = DynamoDBDocumentClient.from(dynamo.client);
      const error = await loadDigestState(doc, "missing-table", {
        accountId: ACCOUNT,
        region: REGION,
        since: new Date("2024-01-01T00:00:00Z"),
        until: new Date("2024-01-08T00:00:00Z"),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HistoryReadError);
      expect((error as HistoryReadError).message).toContain(`missing-table (account ${ACCOUNT}, ${REGION})`);
      expect((error as HistoryReadError).cause).toBe(cause);
    } finally {
      mock.restore();
    }
  });
});
