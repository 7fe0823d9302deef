/**
 * The two non-EC2 parts through the real SDK against fake-aws: S3 `ListBuckets` (REST-XML, paged with
 * MaxBuckets / ContinuationToken) and Organizations `DescribeOrganization` (JSON 1.1, allowed to fail).
 */
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectRegion, parseRegion, partSpec, type RawRegion } from "@endpoint-auditor/core";
import { clientsFor, destroyClients, startFakeAws, type FakeAws, type FakeClients } from "../support/fake-aws";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const NOW = new Date("2026-03-02T00:00:00.000Z");

function buckets(n: number): NonNullable<RawRegion["s3Buckets"]> {
  return Array.from({ length: n }, (_, i) => ({ Name: `bucket-${String(i).padStart(5, "0")}`, CreationDate: new Date(Date.UTC(2024, 0, 1 + (i % 365))), BucketRegion: i % 3 === 0 ? "us-east-1" : REGION }));
}

describe("S3 ListBuckets and Organizations DescribeOrganization through the real SDK", () => {
  let fake: FakeAws;
  let clients: FakeClients;
  const source = buckets(10_001);

  beforeAll(async () => {
    fake = await startFakeAws({
      data: { accountId: ACCOUNT, regions: [{ region: REGION, s3Buckets: source }], organization: { id: "o-w1r3t3st00", rootId: "r-w1r3", managementAccountId: "999988887777", memberAccountIds: [ACCOUNT] } },
    });
    clients = clientsFor(fake, REGION);
  });
  afterAll(async () => {
    destroyClients(clients);
    await fake.close();
  });

  it("Given 10,001 buckets, When the s3Buckets part collects them, Then two ListBuckets calls at MaxBuckets 10,000 return every bucket in order, each parsed by name", async () => {
    fake.calls.reset();
    const raw = await collectRegion({ region: REGION, clients, parts: ["s3Buckets"], now: NOW, metricWindowDays: 0 });
    expect(raw.errors).toBeUndefined();
    expect(JSON.parse(JSON.stringify(raw.s3Buckets))).toEqual(JSON.parse(JSON.stringify(source)));
    const calls = fake.calls.of("S3:ListBuckets");
    expect(calls.map((c) => c.params["max-buckets"])).toEqual(["10000", "10000"]);
    expect(calls[0]?.params["continuation-token"]).toBeUndefined();
    expect(calls[1]?.params["continuation-token"]).toBeTruthy();
    expect(partSpec("s3Buckets").floor(raw.s3Buckets as never).calls).toEqual({ "S3:ListBuckets": 2 });
    expect(parseRegion(raw, ACCOUNT, NOW).s3Buckets.get("bucket-00003")).toEqual({ id: "bucket-00003", region: "us-east-1", tags: {} });
  });

  it("Given MaxBuckets 10,001, Then S3 answers InvalidArgument (400) and the SDK does not retry", async () => {
    fake.calls.reset();
    const error = await clients.s3.send(new ListBucketsCommand({ MaxBuckets: 10_001 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InvalidArgument", $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(fake.calls.count("S3:ListBuckets")).toBe(1);
  });

  it("Given a member account, When the organization part collects, Then DescribeOrganization names the organization and its management account", async () => {
    const raw = await collectRegion({ region: REGION, clients, parts: ["organization"], now: NOW, metricWindowDays: 0 });
    expect(raw.errors).toBeUndefined();
    expect(parseRegion(raw, ACCOUNT, NOW).organization).toEqual({ id: "o-w1r3t3st00", managementAccountId: "999988887777" });
  });

  it("Given DescribeOrganization is denied (after the SDK's retries), Then the part is still collected with the reason, and no error is recorded", async () => {
    fake.setFaults([{ service: "Organizations", action: "DescribeOrganization", fail: { code: "AccessDeniedException", message: "You don't have permissions to access this resource.", status: 400 } }]);
    try {
      const raw = await collectRegion({ region: REGION, clients, parts: ["organization"], now: NOW, metricWindowDays: 0 });
      expect(raw.errors).toBeUndefined();
      expect(raw.organization).toEqual({ error: { code: "AccessDeniedException", message: "You don't have permissions to access this resource." } });
      expect(parseRegion(raw, ACCOUNT, NOW).organization.unknown).toBe("AccessDeniedException: You don't have permissions to access this resource.");
    } finally {
      fake.setFaults([]);
    }
  });

  it("Given an account in no organization, Then AWSOrganizationsNotInUseException is the recorded reason", async () => {
    const lonely = await startFakeAws({ data: { accountId: ACCOUNT, regions: [{ region: REGION }] } });
    const c = clientsFor(lonely, REGION);
    try {
      const raw = await collectRegion({ region: REGION, clients: c, parts: ["organization"], now: NOW, metricWindowDays: 0 });
      expect(raw.organization?.error?.code).toBe("AWSOrganizationsNotInUseException");
    } finally {
      destroyClients(c);
      await lonely.close();
    }
  });
});
