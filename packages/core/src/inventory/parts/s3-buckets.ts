/**
 * `ListBuckets`: the general purpose buckets the audited account owns ("a list of all buckets owned by the
 * authenticated sender"), wherever they are — one global list, paged with `MaxBuckets` /
 * `ContinuationToken` (S3 pages at 10,000 when a continuation token is sent without `max-buckets`).
 */
import { ListBucketsCommand, type Bucket } from "@aws-sdk/client-s3";
import type { S3Bucket } from "../model";
import { listPart, requireId } from "../part";

export const s3Buckets = listPart({
  key: "s3Buckets",
  title: "S3 buckets owned by the account",
  service: "s3",
  command: ListBucketsCommand,
  api: "S3:ListBuckets",
  iamAction: "s3:ListAllMyBuckets",
  itemsKey: "Buckets",
  pageSize: 10_000, // MaxBuckets 1–10000
  paging: { sizeInput: "MaxBuckets", tokenInput: "ContinuationToken", tokenOutput: "ContinuationToken" },
  parseItem: (b: Bucket, { region }): S3Bucket => ({
    id: requireId(b.Name, "S3 bucket", region),
    ...(b.BucketRegion !== undefined ? { region: b.BucketRegion } : {}),
    tags: {},
  }),
});
