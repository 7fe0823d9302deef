/**
 * Lists a region through the real SDK clients, page by page, the way a collector does, so wire tests can
 * compare what came back over HTTP with the data the fake served.
 */
import type { EC2Client, Filter } from "@aws-sdk/client-ec2";
import { PARTS, isListPart, type ListPart, type ListItem, type PartSpec, type RawRegion } from "@endpoint-auditor/core";
import type { Ec2ListKey } from "../support/fake-aws/ec2";

export interface PageRequest {
  MaxResults?: number;
  NextToken?: string;
  Filters?: Filter[];
}

interface Page {
  items: unknown[];
  nextToken?: string;
}

/** The EC2 list records of the part table (what the fake's EC2 serves). */
export const EC2_LIST_PARTS: readonly ListPart<string, unknown, ListItem>[] = (PARTS as readonly PartSpec[])
  .filter(isListPart)
  .filter((p) => p.list.service === "ec2");

function recordOf(list: Ec2ListKey): ListPart<string, unknown, ListItem> {
  const part = EC2_LIST_PARTS.find((p) => p.key === list);
  if (!part) throw new Error(`no EC2 list record ${list}`);
  return part;
}

/** One Describe call for a list (the record's SDK command and output member), returning its items and nextToken. */
export async function describePage(ec2: EC2Client, list: Ec2ListKey, req: PageRequest): Promise<Page> {
  const { command, itemsKey, paging, filterInput, pageSize } = recordOf(list).list;
  const input: Record<string, unknown> = {};
  if (pageSize !== undefined) {
    if (req.MaxResults !== undefined) input[paging.sizeInput] = req.MaxResults;
    if (req.NextToken !== undefined) input[paging.tokenInput] = req.NextToken;
  }
  if (req.Filters !== undefined) input[filterInput] = req.Filters;
  const Command = command as new (input: Record<string, unknown>) => Parameters<EC2Client["send"]>[0];
  const out = (await ec2.send(new Command(input))) as unknown as Record<string, unknown>;
  const next = out[paging.tokenOutput];
  return { items: (out[itemsKey] as unknown[] | undefined) ?? [], nextToken: typeof next === "string" ? next : undefined };
}

/** Follows nextToken until the list ends; returns every item and the number of calls made. */
export async function listAll(
  ec2: EC2Client,
  list: Ec2ListKey,
  maxResults: number | undefined,
  filters?: Filter[],
): Promise<{ items: unknown[]; pages: number; pageSizes: number[] }> {
  const items: unknown[] = [];
  const pageSizes: number[] = [];
  let token: string | undefined;
  do {
    const page = await describePage(ec2, list, { MaxResults: maxResults, NextToken: token, Filters: filters });
    items.push(...page.items);
    pageSizes.push(page.items.length);
    token = page.nextToken;
  } while (token);
  return { items, pages: pageSizes.length, pageSizes };
}

/** The largest page each list allows (what a collector should ask for): the records' page sizes. */
export const MAX_PAGE: Record<Ec2ListKey, number | undefined> = Object.fromEntries(EC2_LIST_PARTS.map((p) => [p.key, p.list.pageSize])) as Record<
  Ec2ListKey,
  number | undefined
>;

export const EC2_LIST_KEYS: readonly Ec2ListKey[] = EC2_LIST_PARTS.map((p) => p.key as Ec2ListKey);

/** Reads every EC2 list of a region through the SDK into a RawRegion. */
export async function rawRegionViaSdk(ec2: EC2Client, region: string, maxResults?: (list: Ec2ListKey) => number | undefined): Promise<RawRegion> {
  const out: RawRegion = { region };
  for (const list of EC2_LIST_KEYS) {
    const { items } = await listAll(ec2, list, maxResults ? maxResults(list) : MAX_PAGE[list]);
    (out as unknown as Record<string, unknown>)[list] = items;
  }
  return out;
}
