import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrgStateTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { CHUNK_BYTES, ORG_STATE_RETENTION_DAYS, OrgStateError, readPreviousState, writeState, type OrgState } from "./state";

const TABLE = "org-state";
let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

async function freshTable(): Promise<string> {
  const name = `${TABLE}-${++tables}`;
  await createOrgStateTable(dynamo.client, name);
  return name;
}

function stateOf(isoWeek: string, findings: number, takenAt = "2026-03-02T09:00:00.000Z"): OrgState {
  return {
    version: 1,
    aggregatorName: "org",
    isoWeek,
    takenAt,
    sources: [{ ruleId: "interface-endpoint-in-use", accountId: "111111111111", region: "eu-west-1", lastEvaluatedAt: "2026-03-02T06:00:00.000Z", lastSeenAt: takenAt }],
    open: Array.from({ length: findings }, (_, i) => ({
      ruleId: "interface-endpoint-in-use",
      accountId: "111111111111",
      region: "eu-west-1",
      resourceType: "AWS::EC2::VPCEndpoint",
      // Random-looking ids so the state does not compress to nothing.
      resourceId: `vpce-${(i * 2_654_435_761 % 4_294_967_296).toString(16).padStart(17, "0")}`,
      annotation: `No traffic in 30 days; about $${(7.3 * ((i % 3) + 1)).toFixed(2)}/month for ${(i % 3) + 1} AZs. Delete vpce-${i.toString(36)} (com.amazonaws.eu-west-1.service-${i % 97}) or share it via a hub VPC.`,
      monthlySavingsUsd: Math.round(730 * ((i % 3) + 1)) / 100,
      firstSeenAt: "2026-02-23T09:00:00.000Z",
    })),
  };
}

describe("organization digest state", () => {
  it("Given no state was ever written, Then there is no previous state", async () => {
    expect(await readPreviousState(dynamo.doc, await freshTable(), "org", "2026-W10")).toEqual({});
  });

  it("Given states of two earlier weeks and of this week, Then the previous state is the newest earlier week's, exactly as written", async () => {
    const table = await freshTable();
    await writeState(dynamo.doc, table, stateOf("2026-W08", 3), new Date("2026-02-16T09:00:00Z"));
    const w09 = stateOf("2026-W09", 5, "2026-02-23T09:00:00.000Z");
    await writeState(dynamo.doc, table, w09, new Date("2026-02-23T09:00:00Z"));
    await writeState(dynamo.doc, table, stateOf("2026-W10", 7), new Date("2026-03-02T09:00:00Z"));
    expect(await readPreviousState(dynamo.doc, table, "org", "2026-W10")).toEqual({ state: w09 });
    // A state of another aggregator in the same table is not this one's.
    expect(await readPreviousState(dynamo.doc, table, "other", "2026-W11")).toEqual({});
  });

  it("Given a state larger than one item, Then it is written in several chunks and read back whole", async () => {
    const table = await freshTable();
    const big = stateOf("2026-W09", 30_000);
    const written = await writeState(dynamo.doc, table, big, new Date("2026-02-23T09:00:00Z"));
    expect(written.bytes).toBeGreaterThan(CHUNK_BYTES);
    expect(written.chunks).toBe(Math.ceil(written.bytes / CHUNK_BYTES));
    const read = await readPreviousState(dynamo.doc, table, "org", "2026-W10");
    expect(read.state?.open).toHaveLength(30_000);
    expect(read.state).toEqual(big);
  });

  it("Given every item written, Then it carries a TTL of the retention period after the write", async () => {
    const table = await freshTable();
    const now = new Date("2026-02-23T09:00:00Z");
    await writeState(dynamo.doc, table, stateOf("2026-W09", 2), now);
    const items = (await dynamo.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "ORG#org" } }))).Items ?? [];
    expect(items.map((i) => String(i.sk).split("#")[0])).toEqual(["CHUNK", "MANIFEST"]);
    for (const item of items) expect(item.ttl).toBe(now.getTime() / 1000 + ORG_STATE_RETENTION_DAYS * 86_400);
  });

  it("Given chunks written but no manifest (a run cut off), Then that week does not count and the week before it is the previous state", async () => {
    const table = await freshTable();
    const w08 = stateOf("2026-W08", 2);
    await writeState(dynamo.doc, table, w08, new Date("2026-02-16T09:00:00Z"));
    await writeState(dynamo.doc, table, stateOf("2026-W09", 2), new Date("2026-02-23T09:00:00Z"));
    await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: { pk: "ORG#org", sk: "MANIFEST#2026-W09" } }));
    expect(await readPreviousState(dynamo.doc, table, "org", "2026-W10")).toEqual({ state: w08 });
  });

  it("Given a chunk that is missing or altered, Then the state is reported unusable with the reason, not guessed", async () => {
    const table = await freshTable();
    await writeState(dynamo.doc, table, stateOf("2026-W09", 2), new Date("2026-02-23T09:00:00Z"));
    const [chunk] = (await dynamo.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk AND begins_with(sk, :c)", ExpressionAttributeValues: { ":pk": "ORG#org", ":c": "CHUNK#" } }))).Items ?? [];
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: { ...chunk, data: Buffer.from("not the state") } }));
    expect(await readPreviousState(dynamo.doc, table, "org", "2026-W10")).toEqual({ unusable: "the state of 2026-W09 does not match its checksum" });
    await dynamo.doc.send(new DeleteCommand({ TableName: table, Key: { pk: chunk!.pk, sk: chunk!.sk } }));
    expect(await readPreviousState(dynamo.doc, table, "org", "2026-W10")).toEqual({ unusable: "the state of 2026-W09 has 0 of its 1 parts" });
  });

  it("Given the table does not exist, Then OrgStateError naming the table, with the SDK error as cause", async () => {
    const error = await readPreviousState(dynamo.doc, "no-such-table", "org", "2026-W10").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrgStateError);
    expect((error as OrgStateError).message).toContain("table no-such-table");
    expect((error as OrgStateError).cause).toBeDefined();
    const write = await writeState(dynamo.doc, "no-such-table", stateOf("2026-W10", 1), new Date()).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(OrgStateError);
    expect((write as OrgStateError).isoWeek).toBe("2026-W10");
  });
});
