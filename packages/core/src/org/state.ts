/**
 * The organization digest's memory: what the aggregator showed at the last run (open findings, and each
 * rule's sources with their last evaluation), kept in the org digest stack's own DynamoDB table so the next
 * week can tell what is new and what was resolved.
 *
 * ## Items (partition `pk` = `ORG#<aggregatorName>`)
 *
 * | `sk` | what |
 * |---|---|
 * | `CHUNK#<isoWeek>#<digest>#<n>` | bytes `[n × CHUNK_BYTES, …)` of the week's state: JSON, gzip-compressed (`data`, binary); `<digest>` = the first 16 hex digits of its SHA-256 |
 * | `MANIFEST#<isoWeek>` | written last: the digest, the chunk count, the SHA-256 of the compressed state, when it was taken |
 *
 * A week's state counts only once its manifest exists and its chunks match the manifest's hash, so a run
 * cut off half-way leaves nothing that could be read as a state (chunks are keyed by their content, so a
 * second run of the same week never mixes its chunks with the first's). Reading "the previous week" is one `Query`
 * for the newest manifest before this week (`sk BETWEEN MANIFEST# AND MANIFEST#<thisWeek>`, newest first)
 * and one for its chunks; writing is one `PutItem` per chunk and one for the manifest. A re-run in the same
 * week compares with the same previous state and overwrites its own week: the result does not change.
 * Items expire ({@link ORG_STATE_TABLE.ttlAttribute}) {@link ORG_STATE_RETENTION_DAYS} days after they were
 * written.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { EndpointAuditorError, errorMessage } from "../errors";

/** Attribute names of the state table (the stack creates it from these). */
export const ORG_STATE_TABLE = { partitionKey: "pk", sortKey: "sk", ttlAttribute: "ttl" } as const;

/** How long a week's state is kept: enough to compare across a few skipped weeks. */
export const ORG_STATE_RETENTION_DAYS = 35;

/** Compressed bytes per item (DynamoDB's item limit is 400 KB, attribute names included). */
export const CHUNK_BYTES = 350_000;

/** The part of a DynamoDB document client the state store uses. */
export type OrgStateClient = Pick<DynamoDBDocumentClient, "send">;

/** An open finding as remembered from week to week. */
export interface OrgStateFinding {
  ruleId: string;
  accountId: string;
  region: string;
  resourceType: string;
  resourceId: string;
  annotation: string;
  monthlySavingsUsd?: number;
  /** ISO time of the first run that saw it open (this episode). */
  firstSeenAt: string;
}

/** A rule in one source account and region, as remembered. */
export interface OrgStateSource {
  ruleId: string;
  accountId: string;
  region: string;
  /** ISO time of its newest evaluation known. */
  lastEvaluatedAt?: string;
  /** ISO time of the last run at which the aggregator showed it. */
  lastSeenAt: string;
}

/** One week's state. */
export interface OrgState {
  version: 1;
  aggregatorName: string;
  /** ISO week of the run that took it. */
  isoWeek: string;
  /** ISO time the run took it. */
  takenAt: string;
  sources: OrgStateSource[];
  open: OrgStateFinding[];
}

/** The state table could not be read or written, or a stored state is damaged. */
export class OrgStateError extends EndpointAuditorError {
  public readonly tableName: string;
  public readonly isoWeek?: string;

  public constructor(context: { tableName: string; isoWeek?: string }, message: string, options?: { cause?: unknown }) {
    super(`Organization digest state (table ${context.tableName}${context.isoWeek ? `, week ${context.isoWeek}` : ""}): ${message}`, options);
    this.tableName = context.tableName;
    this.isoWeek = context.isoWeek;
  }
}

function partitionKey(aggregatorName: string): string {
  return `ORG#${aggregatorName}`;
}

const MANIFEST = "MANIFEST#";
const CHUNK = "CHUNK#";

/** The newest complete state written before `isoWeek`, or `undefined` when there is none. */
export interface PreviousState {
  state?: OrgState;
  /** Why no state was used although a manifest exists (a damaged state is reported, not thrown). */
  unusable?: string;
}

/**
 * Reads the newest state of the aggregator written in an earlier week than `isoWeek`. A manifest whose
 * chunks are missing or do not match its hash gives `{ unusable: reason }` rather than a guess.
 *
 * @throws OrgStateError when DynamoDB cannot be read.
 * @example
 * ```ts
 * const { state } = await readPreviousState(doc, "org-state", "org", "2026-W10");
 * state?.open.length;
 * ```
 */
export async function readPreviousState(client: OrgStateClient, tableName: string, aggregatorName: string, isoWeek: string): Promise<PreviousState> {
  const pk = partitionKey(aggregatorName);
  const query = async (input: Record<string, unknown>) => {
    try {
      return await client.send(new QueryCommand({ TableName: tableName, ...input }));
    } catch (error) {
      throw new OrgStateError({ tableName }, `Query: ${errorMessage(error)}`, { cause: error });
    }
  };
  const manifests = await query({
    KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :lo AND :hi",
    ExpressionAttributeNames: { "#pk": ORG_STATE_TABLE.partitionKey, "#sk": ORG_STATE_TABLE.sortKey },
    ExpressionAttributeValues: { ":pk": pk, ":lo": MANIFEST, ":hi": `${MANIFEST}${isoWeek}` },
    ScanIndexForward: false,
    Limit: 2,
    ConsistentRead: true,
  });
  const manifest = (manifests.Items ?? []).find((item) => item[ORG_STATE_TABLE.sortKey] !== `${MANIFEST}${isoWeek}`);
  if (!manifest) return {};
  const week = String(manifest.isoWeek);
  const sha256 = String(manifest.sha256);
  const chunks: Array<{ n: number; data: Uint8Array }> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await query({
      KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
      ExpressionAttributeNames: { "#pk": ORG_STATE_TABLE.partitionKey, "#sk": ORG_STATE_TABLE.sortKey },
      ExpressionAttributeValues: { ":pk": pk, ":prefix": `${CHUNK}${week}#${sha256.slice(0, 16)}#` },
      ConsistentRead: true,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    });
    for (const item of page.Items ?? []) {
      if (item.data instanceof Uint8Array && typeof item.n === "number") chunks.push({ n: item.n, data: item.data });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  chunks.sort((a, b) => a.n - b.n);
  if (chunks.length !== manifest.chunks || chunks.some((c, i) => c.n !== i)) {
    return { unusable: `the state of ${week} has ${chunks.length} of its ${String(manifest.chunks)} parts` };
  }
  const compressed = Buffer.concat(chunks.map((c) => c.data));
  if (createHash("sha256").update(compressed).digest("hex") !== sha256) {
    return { unusable: `the state of ${week} does not match its checksum` };
  }
  try {
    const state = JSON.parse(gunzipSync(compressed).toString("utf8")) as OrgState;
    if (state.version !== 1 || !Array.isArray(state.open) || !Array.isArray(state.sources)) {
      return { unusable: `the state of ${week} has an unknown format` };
    }
    return { state };
  } catch (error) {
    return { unusable: `the state of ${week} cannot be decoded: ${errorMessage(error)}` };
  }
}

/**
 * Writes a week's state: its chunks, then its manifest (so a cut-off write is never read as a state).
 * Writing the same week again replaces it.
 *
 * @throws OrgStateError naming the table and week.
 * @example
 * ```ts
 * await writeState(doc, "org-state", state, new Date());
 * ```
 */
export async function writeState(client: OrgStateClient, tableName: string, state: OrgState, now: Date): Promise<{ chunks: number; bytes: number }> {
  const pk = partitionKey(state.aggregatorName);
  const compressed = gzipSync(Buffer.from(JSON.stringify(state), "utf8"));
  const ttl = Math.floor(now.getTime() / 1000) + ORG_STATE_RETENTION_DAYS * 86_400;
  const count = Math.max(1, Math.ceil(compressed.length / CHUNK_BYTES));
  const sha256 = createHash("sha256").update(compressed).digest("hex");
  const put = async (item: Record<string, unknown>) => {
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: { [ORG_STATE_TABLE.partitionKey]: pk, ...item, [ORG_STATE_TABLE.ttlAttribute]: ttl } }));
    } catch (error) {
      throw new OrgStateError({ tableName, isoWeek: state.isoWeek }, `PutItem: ${errorMessage(error)}`, { cause: error });
    }
  };
  for (let n = 0; n < count; n++) {
    await put({
      [ORG_STATE_TABLE.sortKey]: `${CHUNK}${state.isoWeek}#${sha256.slice(0, 16)}#${String(n).padStart(4, "0")}`,
      n,
      data: compressed.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES),
    });
  }
  await put({
    [ORG_STATE_TABLE.sortKey]: `${MANIFEST}${state.isoWeek}`,
    isoWeek: state.isoWeek,
    chunks: count,
    sha256,
    takenAt: state.takenAt,
    openFindings: state.open.length,
  });
  return { chunks: count, bytes: compressed.length };
}
