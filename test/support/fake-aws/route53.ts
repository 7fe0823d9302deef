/**
 * Route 53 (REST-XML, `https://route53.amazonaws.com/doc/2013-04-01/`): `ListHostedZonesByVPC` served from
 * the `vpcHostedZones` part of the regions' raw data (each entry: the zones associated with one VPC), as
 * the API reference states it — `GET /2013-04-01/hostedzonesbyvpc?vpcid=&vpcregion=&maxitems=&nexttoken=`,
 * `HostedZoneSummaries` of `HostedZoneSummary` (id, name, `Owner` with `OwningAccount` or `OwningService`),
 * `MaxItems` echoed, `NextToken` while more remain; `InvalidInput` and `InvalidPaginationToken` errors.
 */
import type { HostedZoneSummary } from "@aws-sdk/client-route-53";
import { ListHostedZonesByVPC$ } from "@aws-sdk/client-route-53";
import { createHash } from "node:crypto";
import type { RawRegion } from "@endpoint-auditor/core";
import { FakeApiError } from "./protocol";
import { escapeXml, outputSchema, structToXml } from "./schema";

export const ROUTE53_XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";
/** The API version prefix of every Route 53 path. */
export const ROUTE53_PATH_PREFIX = "/2013-04-01/";
/** Zones per page when `maxitems` is absent or larger (Route 53's list APIs return at most 100). */
export const ROUTE53_MAX_ITEMS = 100;

/** The action a Route 53 request names by its method and path, if fake-aws serves it. */
export function route53Action(method: string, path: string): string | undefined {
  if (method === "GET" && path === `${ROUTE53_PATH_PREFIX}hostedzonesbyvpc`) return "ListHostedZonesByVPC";
  return undefined;
}

/** The request's query parameters in SDK input shape (for the call log). */
export function route53Input(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names: Record<string, string> = { vpcid: "VPCId", vpcregion: "VPCRegion", maxitems: "MaxItems", nexttoken: "NextToken" };
  for (const [key, value] of query) out[names[key] ?? key] = key === "maxitems" ? Number(value) : value;
  return out;
}

/** Route 53's REST-XML error body. */
export function route53ErrorBody(error: FakeApiError, requestId: string): string {
  const type = error.status >= 500 ? "Receiver" : "Sender";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ROUTE53_XMLNS}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function tokenFor(vpcId: string, region: string, offset: number): string {
  const mac = createHash("sha256").update(`${vpcId} ${region} ${offset}`).digest("hex").slice(0, 12);
  return Buffer.from(JSON.stringify({ o: offset, m: mac })).toString("base64url");
}

function offsetOf(token: string, vpcId: string, region: string): number | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof t.o === "number" && Number.isInteger(t.o) && t.o >= 0 && tokenFor(vpcId, region, t.o) === token) return t.o;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Answers `ListHostedZonesByVPC`. `regionData` gives the raw data of a region (the VPC's region, which is
 * a parameter: Route 53 is global). Throws {@link FakeApiError} for what the API refuses.
 */
export function handleListHostedZonesByVpc(query: URLSearchParams, regionData: (name: string) => RawRegion | undefined): string {
  const vpcId = query.get("vpcid");
  const region = query.get("vpcregion");
  if (!vpcId || !region) throw new FakeApiError("InvalidInput", "vpcid and vpcregion are required");
  const max = query.get("maxitems");
  let pageSize = ROUTE53_MAX_ITEMS;
  if (max !== null) {
    const n = Number(max);
    if (!Number.isInteger(n) || n < 1) throw new FakeApiError("InvalidInput", `Invalid value for maxitems: ${max}`);
    pageSize = Math.min(n, ROUTE53_MAX_ITEMS);
  }
  const data = regionData(region);
  if (!(data?.vpcs ?? []).some((v) => v.VpcId === vpcId)) {
    throw new FakeApiError("InvalidInput", `The VPC ${vpcId} in ${region} does not exist or is not accessible`);
  }
  const zones: HostedZoneSummary[] = (data?.vpcHostedZones ?? []).find((v) => v.VPCId === vpcId)?.HostedZoneSummaries ?? [];
  const token = query.get("nexttoken");
  let offset = 0;
  if (token !== null && token !== "") {
    const o = offsetOf(token, vpcId, region);
    if (o === undefined || o > zones.length) throw new FakeApiError("InvalidPaginationToken", `Invalid pagination token: ${token}`);
    offset = o;
  }
  const page = zones.slice(offset, offset + pageSize);
  const end = offset + page.length;
  const output: Record<string, unknown> = { HostedZoneSummaries: page, MaxItems: max === null ? pageSize : Number(max) };
  if (end < zones.length) output.NextToken = tokenFor(vpcId, region, end);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListHostedZonesByVPCResponse xmlns="${ROUTE53_XMLNS}">` +
    `${structToXml(outputSchema(ListHostedZonesByVPC$), output)}</ListHostedZonesByVPCResponse>`
  );
}
