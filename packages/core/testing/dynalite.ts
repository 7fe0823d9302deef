/**
 * Test support (`@endpoint-auditor/core/testing`): a dynalite server (a DynamoDB implementation speaking the
 * real wire protocol) on 127.0.0.1, and SDK clients pointed at it.
 */
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { HISTORY_TABLE } from "../src/history/schema";
import { ORG_STATE_TABLE } from "../src/org/state";

type DynaliteFactory = (options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
/** Loaded on first use, so importing the testing entry for other helpers does not load dynalite. */
function loadDynalite(): DynaliteFactory {
  return createRequire(import.meta.url)("dynalite") as DynaliteFactory;
}

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** Starts dynalite on a free loopback port. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = loadDynalite()({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const doc = DynamoDBDocumentClient.from(client);
  return {
    endpoint,
    client,
    doc,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

async function createAndWait(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  for (let i = 0; i < 50; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${input.TableName} did not become ACTIVE`);
}

/** Creates a history table with the production key schema and status index. */
export async function createHistoryTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createAndWait(client, {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: HISTORY_TABLE.partitionKey, AttributeType: "S" },
      { AttributeName: HISTORY_TABLE.sortKey, AttributeType: "S" },
      { AttributeName: HISTORY_TABLE.statusPartitionKey, AttributeType: "S" },
      { AttributeName: HISTORY_TABLE.statusSortKey, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: HISTORY_TABLE.partitionKey, KeyType: "HASH" },
      { AttributeName: HISTORY_TABLE.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: HISTORY_TABLE.statusIndex,
        KeySchema: [
          { AttributeName: HISTORY_TABLE.statusPartitionKey, KeyType: "HASH" },
          { AttributeName: HISTORY_TABLE.statusSortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  });
}

/** Creates a Powertools Idempotency table (partition key `id`). */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createAndWait(client, {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  });
}

/** Creates an organization digest state table with the production key schema (`pk`, `sk`). */
export async function createOrgStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createAndWait(client, {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: ORG_STATE_TABLE.partitionKey, AttributeType: "S" },
      { AttributeName: ORG_STATE_TABLE.sortKey, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: ORG_STATE_TABLE.partitionKey, KeyType: "HASH" },
      { AttributeName: ORG_STATE_TABLE.sortKey, KeyType: "RANGE" },
    ],
  });
}
