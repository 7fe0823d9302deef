/**
 * Inventory parts are data. Each part of an inventory — one AWS list such as `DescribeVpcs`, or a
 * dependent query such as the endpoints' CloudWatch metrics — is one {@link PartSpec} record: its key,
 * the API it calls and the IAM action that needs, how it pages, how a snapshot stores it, how its raw
 * items become the model, the AWS Config resource type it yields and the fewest calls it can take.
 *
 * Everything that enumerates parts reads the table in `parts/index.ts`: the collector, the snapshot
 * format, IAM derivation, the benchmarks' call floor, the fake AWS server's coverage test, the fixture
 * builders and the Config clean-up. Adding a list is one record made with {@link listPart}, a model type,
 * a fake-aws spec and a fixture method.
 */
import type { AwsClients } from "../aws";
import { SnapshotError, errorMessage } from "../errors";
import type { ResourceType } from "../evaluation";
import type { Tags } from "./model";

/** A client of any service: something that sends SDK commands. */
export interface CommandSender {
  send(command: never): Promise<unknown>;
}

/** Where parsing happens: names the region in errors and gives the owner of resources that omit it. */
export interface ParseContext {
  region: string;
  accountId: string;
}

/** The endpoint metrics the selected rules read (see {@link RuleMetadata.metrics}). */
export interface MetricNeeds {
  /** Days of daily datapoints before `now`; 0 collects none. */
  days: number;
  /** CloudWatch metric names in `AWS/PrivateLinkEndpoints`, e.g. `BytesProcessed`. */
  names: readonly string[];
}

/** What a part's `collect` gets. */
export interface CollectContext {
  region: string;
  /** Only used to name the account in error messages. */
  accountId?: string;
  /** The clients of the region; a part uses the one of its `service`. */
  clients: Partial<AwsClients>;
  now: Date;
  metrics: MetricNeeds;
  /** Raw values of the parts listed in this part's `after`, all collected successfully. */
  collected: Readonly<Record<string, unknown>>;
}

/** A step's outcome: the value and the calls it took, or the error and the calls made before it. */
export type Outcome<T> = { ok: true; value: T; calls: number } | { ok: false; error: unknown; calls: number };

/**
 * One part of an inventory. `Raw` is what a snapshot stores (the API's own shapes), `Parsed` what rules
 * read (through `inventory/queries.ts`).
 */
export interface PartSpec<K extends string = string, Raw = unknown, Parsed = unknown> {
  /** The snapshot key, the `requires` entry of rules and the `Inventory` property. */
  readonly key: K;
  /** A few words for documentation, e.g. "VPCs". */
  readonly title: string;
  /** IAM actions collecting it needs. */
  readonly iamActions: readonly string[];
  /** `Service:Action` of every API it calls (as fake-aws and the call counter name them), e.g. `EC2:DescribeVpcs`. */
  readonly apis: readonly string[];
  /** Parts whose raw values it needs first (e.g. metrics need the endpoint list). */
  readonly after?: readonly string[];
  /** Items it lists are AWS Config resources of this type (what a rule of that type judges). */
  readonly resourceType?: ResourceType;
  /** A list part: its raw value is an array of API items and it parses into a map by id. */
  readonly list?: ListInfo;
  /** True when nothing needs collecting for these needs (e.g. no metric window). */
  skip?(context: Pick<CollectContext, "metrics">): boolean;
  /** Fetches the raw value; never throws (a failure is an outcome). */
  collect(context: CollectContext): Promise<Outcome<Raw>>;
  /** Checks a snapshot's value for this part; throws {@link SnapshotError} naming `where`. */
  check(value: unknown, where: string): void;
  /** The model rules read; `undefined` (not collected) parses to the empty model. */
  parse(raw: Raw | undefined, context: ParseContext): Parsed;
  /** How many items `raw` holds (progress, resource counts). */
  count(raw: Raw): number;
  /**
   * The fewest calls any collector could make to fetch `raw`: the call floor the benchmarks hold the
   * collector to.
   */
  floor(raw: Raw): PartFloor;
}

/** The fewest calls a part takes. */
export interface PartFloor {
  /** Calls by `Service:Action`. */
  calls: Record<string, number>;
  /** Of those, how many must follow one another (a list's pages; batches that may run at once count once). */
  sequential: number;
}

/** What a list part declares about its API. */
export interface ListInfo {
  /** SDK client key in {@link AwsClients}, e.g. `ec2`. */
  service: keyof AwsClients;
  /** The SDK command class, e.g. `DescribeVpcsCommand`. */
  command: new (input: never) => unknown;
  /** `Service:Action`, e.g. `EC2:DescribeVpcs`. */
  api: string;
  /** Output member that carries the items, e.g. `Vpcs`. */
  itemsKey: string;
  /** Largest page the API returns ("Valid Range" of `MaxResults` in its reference); undefined: it does not page. */
  pageSize?: number;
  /** Input member names for paging (default `MaxResults` / `NextToken`, output `NextToken`). */
  paging: { sizeInput: string; tokenInput: string; tokenOutput: string };
  /** Server-side filters sent with every call (only states that can never matter are dropped). */
  filters?: readonly { Name: string; Values: readonly string[] }[];
  /** Input member of the filters (`Filters`; `DescribeNatGateways` and `DescribeFlowLogs` say `Filter`). */
  filterInput: string;
}

/** A model item of a list part: every list item has an id and tags. */
export interface ListItem {
  id: string;
  tags: Tags;
}

/** A list part: raw API items in, a map by id out. */
export interface ListPart<K extends string, Item, Model extends ListItem> extends PartSpec<K, Item[], ReadonlyMap<string, Model>> {
  readonly list: ListInfo;
  /** Parses one raw item. */
  parseItem(item: Item, context: ParseContext): Model;
  /** False for listed items that are gone all the same (e.g. a `deleted` endpoint the API still lists). */
  exists(model: Model): boolean;
}

/** Follows a list's pages: its items and the token of the next page. */
interface Page<T> {
  items: readonly T[] | undefined;
  next: string | undefined;
}

/** A page token that repeats would loop forever: refuse it. */
export class PaginationError extends Error {}

/**
 * Follows `NextToken` until the last page, counting calls; refuses a token that does not advance.
 *
 * @example
 * ```ts
 * const outcome = await listAll(async (token) => ({ items: [], next: undefined }));
 * ```
 */
export async function listAll<T>(fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<Outcome<T[]>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let calls = 0;
  try {
    do {
      calls++;
      const page = await fetchPage(token);
      if (page.items) for (const item of page.items) items.push(item);
      token = page.next === "" ? undefined : page.next;
      if (token !== undefined) {
        if (seen.has(token)) throw new PaginationError(`pagination did not advance (NextToken ${JSON.stringify(token)} repeated)`);
        seen.add(token);
      }
    } while (token !== undefined);
  } catch (error) {
    return { ok: false, error, calls };
  }
  return { ok: true, value: items, calls };
}

/** The message and AWS error code of anything thrown by the SDK. */
export function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const raw = (error as { Code?: unknown }).Code;
    const code = typeof raw === "string" ? raw : error.name !== "Error" ? error.name : undefined;
    return { message: error.message || error.name, code };
  }
  return { message: errorMessage(error) };
}

/** An id the model cannot do without; a missing one makes the API response malformed. */
export function requireId(value: string | undefined, what: string, region: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new SnapshotError(`${region}: a ${what} without an id in the API response`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Fewest calls to read `items` items from pages of at most `pageSize` (undefined: one call). */
export function pagesFloor(items: number, pageSize: number | undefined): number {
  if (pageSize === undefined) return 1;
  return Math.max(1, Math.ceil(items / pageSize));
}

/** The declaration {@link listPart} turns into a record. */
export interface ListDeclaration<K extends string, Item, Model extends ListItem> {
  key: K;
  title: string;
  service: keyof AwsClients;
  command: new (input: never) => unknown;
  /** `Service:Action`, e.g. `EC2:DescribeVpcs`. */
  api: string;
  iamAction: string;
  itemsKey: string;
  pageSize?: number;
  paging?: Partial<ListInfo["paging"]>;
  filters?: ListInfo["filters"];
  filterInput?: string;
  resourceType?: ResourceType;
  parseItem(item: Item, context: ParseContext): Model;
  exists?(model: Model): boolean;
}

/**
 * Makes the record of a list part from its declaration: collection pages through the API at its
 * largest page size with the declared filters, a snapshot stores the items as the API returned them,
 * parsing maps each item to the model by id.
 *
 * @example
 * ```ts
 * export const vpcs = listPart({
 *   key: "vpcs", title: "VPCs", service: "ec2", command: DescribeVpcsCommand, api: "EC2:DescribeVpcs",
 *   iamAction: "ec2:DescribeVpcs", itemsKey: "Vpcs", pageSize: 1000, resourceType: "AWS::EC2::VPC",
 *   parseItem: (v: Ec2Vpc, { region }) => ({ id: requireId(v.VpcId, "VPC", region), tags: tagsOf(v.Tags) }),
 * });
 * ```
 */
export function listPart<const K extends string, Item, Model extends ListItem>(
  declaration: ListDeclaration<K, Item, Model>,
): ListPart<K, Item, Model> {
  const info: ListInfo = {
    service: declaration.service,
    command: declaration.command,
    api: declaration.api,
    itemsKey: declaration.itemsKey,
    pageSize: declaration.pageSize,
    paging: {
      sizeInput: declaration.paging?.sizeInput ?? "MaxResults",
      tokenInput: declaration.paging?.tokenInput ?? "NextToken",
      tokenOutput: declaration.paging?.tokenOutput ?? "NextToken",
    },
    filters: declaration.filters,
    filterInput: declaration.filterInput ?? "Filters",
  };
  const { key, parseItem } = declaration;
  const exists = declaration.exists ?? (() => true);
  return {
    key,
    title: declaration.title,
    iamActions: [declaration.iamAction],
    apis: [declaration.api],
    resourceType: declaration.resourceType,
    list: info,
    parseItem,
    exists,
    async collect(context) {
      const client = context.clients[info.service] as CommandSender | undefined;
      if (!client) return { ok: false, error: new Error(`no ${info.service} client for ${context.region}`), calls: 0 };
      const Command = info.command as new (input: Record<string, unknown>) => unknown;
      const filters = info.filters?.map((f) => ({ Name: f.Name, Values: [...f.Values] }));
      return listAll<Item>(async (token) => {
        const input: Record<string, unknown> = {};
        if (info.pageSize !== undefined) {
          input[info.paging.sizeInput] = info.pageSize;
          if (token !== undefined) input[info.paging.tokenInput] = token;
        }
        if (filters) input[info.filterInput] = filters;
        const out = (await client.send(new Command(input) as never)) as Record<string, unknown>;
        const next = out[info.paging.tokenOutput];
        return {
          items: out[info.itemsKey] as Item[] | undefined,
          next: info.pageSize !== undefined && typeof next === "string" ? next : undefined,
        };
      });
    },
    check(value, where) {
      if (!Array.isArray(value)) throw new SnapshotError(`${where}: "${key}" is not a list`);
      value.forEach((item, j) => {
        if (!isRecord(item)) throw new SnapshotError(`${where}: ${key}[${j}] is not an object`);
      });
    },
    parse(raw, context) {
      const map = new Map<string, Model>();
      for (const item of raw ?? []) {
        const model = parseItem(item, context);
        map.set(model.id, model);
      }
      return map;
    },
    count: (raw) => raw.length,
    floor: (raw) => {
      const pages = pagesFloor(raw.length, info.pageSize);
      return { calls: { [info.api]: pages }, sequential: pages };
    },
  };
}

/** Whether a part is a list part. */
export function isListPart(part: PartSpec): part is ListPart<string, unknown, ListItem> {
  return part.list !== undefined;
}

/** The empty list parsed items share (frozen: the model is read-only). */
export const NO_ITEMS: readonly never[] = Object.freeze([]);

/**
 * The strings `pick` reads from each of `items` (undefined and non-strings left out), in one pass; the shared
 * empty list when there are none (most lists of a security group rule or an endpoint are empty).
 *
 * @example
 * ```ts
 * stringsOf([{ GroupId: "sg-1" }, {}], (g) => g.GroupId); // ["sg-1"]
 * ```
 */
export function stringsOf<T>(items: readonly T[] | undefined, pick: (item: T) => unknown): readonly string[] {
  if (items === undefined || items.length === 0) return NO_ITEMS;
  let out: string[] | undefined;
  for (const item of items) {
    const value = pick(item);
    if (typeof value === "string") (out ??= []).push(value);
  }
  return out ?? NO_ITEMS;
}

/** EC2-style tags (`[{ Key, Value }]`) as a record. */
export function tagsOf(list: readonly { Key?: string; Value?: string }[] | undefined): Tags {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? "";
  return out;
}

/** Accepts a `Date` (live SDK output) or an ISO string (snapshot JSON). */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "string" || typeof value === "number") {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
