/** The benchmark's own statistics (test/bench/stats.ts): medians and the lists-in-flight count. */
import { describe, expect, it } from "vitest";
import { median, peakListsInFlight, type TimelineEntry } from "./stats";

describe("median", () => {
  it("Given an odd count Then the middle value, whatever the order", () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it("Given an even count Then the mean of the two middle values", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("Given nothing Then it refuses", () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

const call = (key: string, startMs: number, endMs: number | undefined): TimelineEntry => ({ key, startMs, endMs });

describe("peakListsInFlight", () => {
  it("Given five lists started together Then five, even though one list pages on afterwards", () => {
    const lists = ["DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeNatGateways", "DescribeVpcEndpoints"];
    const timeline = [
      ...lists.map((l) => call(`EC2:${l}`, 0, 55)),
      call("EC2:DescribeRouteTables", 60, 115),
      call("EC2:DescribeRouteTables", 120, 175),
    ];
    expect(peakListsInFlight(timeline)).toBe(5);
  });

  it("Given lists called one after another Then one", () => {
    const timeline = [call("EC2:DescribeVpcs", 0, 50), call("EC2:DescribeSubnets", 50, 100), call("EC2:DescribeRouteTables", 100, 150)];
    expect(peakListsInFlight(timeline)).toBe(1);
  });

  it("Given metric calls overlapping a list Then only EC2 lists count", () => {
    const timeline = [call("EC2:DescribeVpcEndpoints", 0, 50), call("CloudWatch:GetMetricData", 10, 60), call("CloudWatch:GetMetricData", 10, 60)];
    expect(peakListsInFlight(timeline)).toBe(1);
  });

  it("Given two pages of the same list overlapping (a retry) Then that list counts once", () => {
    const timeline = [call("EC2:DescribeSubnets", 0, 100), call("EC2:DescribeSubnets", 20, 80), call("EC2:DescribeVpcs", 30, 40)];
    expect(peakListsInFlight(timeline)).toBe(2);
  });

  it("Given a call never answered Then it stays in flight", () => {
    const timeline = [call("EC2:DescribeVpcs", 0, undefined), call("EC2:DescribeSubnets", 500, 550)];
    expect(peakListsInFlight(timeline)).toBe(2);
  });
});

describe("peakListsInFlight with the list parts' APIs", () => {
  it("Given an S3 list next to EC2 lists and a metrics call, Then the S3 list counts and the metrics call does not", () => {
    const entries: TimelineEntry[] = [
      { key: "EC2:DescribeVpcs", startMs: 0, endMs: 50 },
      { key: "S3:ListBuckets", startMs: 1, endMs: 51 },
      { key: "CloudWatch:GetMetricData", startMs: 2, endMs: 52 },
    ];
    expect(peakListsInFlight(entries, new Set(["EC2:DescribeVpcs", "S3:ListBuckets"]))).toBe(2);
    expect(peakListsInFlight(entries)).toBe(1);
  });
});
