/**
 * Amazon S3 `ListBuckets` (REST-XML: `GET /?max-buckets=N&continuation-token=T`), served from a region's
 * `s3Buckets` items with the API's paging: `max-buckets` 1–10,000 (`InvalidArgument` otherwise), an opaque
 * `ContinuationToken` while buckets remain, and the documented default page of 10,000 when a continuation
 * token comes without `max-buckets`. The body is the `ListAllMyBucketsResult` of the S3 API reference.
 */
import type { Bucket } from "@aws-sdk/client-s3";
import type { RawRegion } from "@endpoint-auditor/core";
import { FakeApiError } from "./protocol";
import { escapeXml } from "./schema";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
/** `max-buckets` bounds and the page S3 applies when paging without it. */
export const S3_MAX_BUCKETS = 10_000;

/** S3's error document (`<Error><Code/><Message/><RequestId/></Error>`). */
export function s3ErrorBody(error: FakeApiError, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`
  );
}

function timestamp(value: unknown): string | undefined {
  const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString().replace(/\.\d{3}Z$/, "+00:00") : undefined;
}

/** Answers `ListBuckets` for the account's buckets in `region` (the fake keeps them per region). */
export function handleListBuckets(query: URLSearchParams, region: RawRegion | undefined, ownerId: string): string {
  const buckets = ((region as { s3Buckets?: Bucket[] } | undefined)?.s3Buckets ?? []).slice();
  const rawMax = query.get("max-buckets");
  const token = query.get("continuation-token");
  let size = Number.POSITIVE_INFINITY;
  if (rawMax !== null) {
    const n = Number(rawMax);
    if (!/^\d+$/.test(rawMax) || n < 1 || n > S3_MAX_BUCKETS) {
      throw new FakeApiError("InvalidArgument", `Argument max-buckets must be an integer between 1 and ${S3_MAX_BUCKETS}`, 400);
    }
    size = n;
  } else if (token !== null) {
    size = S3_MAX_BUCKETS;
  }
  let start = 0;
  if (token !== null && token !== "") {
    const decoded = /^bucket:(\d+)$/.exec(Buffer.from(token, "base64").toString("utf8"));
    if (!decoded || Number(decoded[1]) > buckets.length) throw new FakeApiError("InvalidArgument", "The continuation token provided is incorrect", 400);
    start = Number(decoded[1]);
  }
  const page = buckets.slice(start, start + size);
  const end = start + page.length;
  const items = page
    .map((b) => {
      const created = timestamp(b.CreationDate);
      return (
        `<Bucket>${b.BucketRegion !== undefined ? `<BucketRegion>${escapeXml(b.BucketRegion)}</BucketRegion>` : ""}` +
        `${created !== undefined ? `<CreationDate>${created}</CreationDate>` : ""}<Name>${escapeXml(b.Name ?? "")}</Name></Bucket>`
      );
    })
    .join("");
  const next = end < buckets.length ? `<ContinuationToken>${Buffer.from(`bucket:${end}`).toString("base64")}</ContinuationToken>` : "";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="${S3_XMLNS}"><Buckets>${items}</Buckets>` +
    `<Owner><ID>${escapeXml(ownerId)}</ID></Owner>${next}</ListAllMyBucketsResult>`
  );
}
