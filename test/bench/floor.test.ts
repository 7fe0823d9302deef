/**
 * The benchmark's call floor (test/bench/floor.ts): the formula, and its page caps against the fake AWS
 * server's pagination (both written from the AWS API references; a disagreement means one of them is wrong).
 */
import { describe, expect, it } from "vitest";
import { MAX_METRIC_DATA_QUERIES } from "../support/fake-aws/cloudwatch";
import { EC2_LISTS, pageLimits, type Ec2Action } from "../support/fake-aws/ec2";
import { AWS_PAGE_CAPS, GET_METRIC_DATA_MAX_QUERIES, callFloor, listFloor, metricsFloor, type ListApi } from "./floor";

const noItems = (): Record<ListApi, number> =>
  Object.fromEntries(Object.keys(AWS_PAGE_CAPS).map((k) => [k, 0])) as Record<ListApi, number>;

describe("listFloor", () => {
  it("Given items that fill pages exactly or not Then it needs ⌈items / cap⌉ calls", () => {
    expect(listFloor(1000, 1000)).toBe(1);
    expect(listFloor(1001, 1000)).toBe(2);
    expect(listFloor(3880, 100)).toBe(39);
    expect(listFloor(3900, 100)).toBe(39);
    expect(listFloor(3901, 100)).toBe(40);
  });

  it("Given an empty list Then one call is still needed to learn it is empty", () => {
    expect(listFloor(0, 1000)).toBe(1);
  });

  it("Given an API without pagination Then one call, whatever the count", () => {
    expect(listFloor(5000, undefined)).toBe(1);
  });

  it("Given a negative or fractional count or a zero cap Then it refuses", () => {
    expect(() => listFloor(-1, 100)).toThrow(RangeError);
    expect(() => listFloor(1.5, 100)).toThrow(RangeError);
    expect(() => listFloor(10, 0)).toThrow(RangeError);
  });
});

describe("metricsFloor", () => {
  it("Given metered endpoints Then one GetMetricData call per 500 of them", () => {
    expect(metricsFloor(1, 30)).toBe(1);
    expect(metricsFloor(500, 30)).toBe(1);
    expect(metricsFloor(501, 30)).toBe(2);
    expect(metricsFloor(2917, 30)).toBe(6);
  });

  it("Given no metered endpoint or no window Then no call", () => {
    expect(metricsFloor(0, 30)).toBe(0);
    expect(metricsFloor(400, 0)).toBe(0);
  });

  it("Given a window so long that a full batch would page (500 × days > 100,800) Then it refuses instead of under-counting", () => {
    expect(metricsFloor(10, 201)).toBe(1);
    expect(() => metricsFloor(10, 202)).toThrow(RangeError);
  });
});

describe("callFloor", () => {
  it("Given a 1,000-VPC account Then calls per API, total and longest chain follow the caps", () => {
    const items = {
      ...noItems(),
      DescribeVpcs: 1000,
      DescribeSubnets: 6000,
      DescribeRouteTables: 3880,
      DescribeNatGateways: 1937,
      DescribeVpcEndpoints: 3954,
      DescribeFlowLogs: 1197,
      DescribeVpnGateways: 47,
      DescribeTransitGatewayVpcAttachments: 109,
      DescribeVpcPeeringConnections: 49,
    };
    const floor = callFloor({ items, meteredEndpoints: 2917, windowDays: 30 });
    expect(floor.byApi).toEqual({
      "EC2:DescribeVpcs": 1,
      "EC2:DescribeSubnets": 6,
      "EC2:DescribeRouteTables": 39,
      "EC2:DescribeNatGateways": 2,
      "EC2:DescribeVpcEndpoints": 4,
      "EC2:DescribeFlowLogs": 2,
      "EC2:DescribeVpnGateways": 1,
      "EC2:DescribeTransitGatewayVpcAttachments": 1,
      "EC2:DescribeVpcPeeringConnections": 1,
      "CloudWatch:GetMetricData": 6,
    });
    expect(floor.total).toBe(63);
    expect(floor.criticalPath).toBe(39);
  });

  it("Given many endpoints and few route tables Then the longest chain is the endpoint pages plus the metrics after them", () => {
    const floor = callFloor({ items: { ...noItems(), DescribeVpcEndpoints: 4500, DescribeRouteTables: 200 }, meteredEndpoints: 4000, windowDays: 30 });
    expect(floor.byApi["EC2:DescribeVpcEndpoints"]).toBe(5);
    expect(floor.byApi["EC2:DescribeRouteTables"]).toBe(2);
    expect(floor.criticalPath).toBe(6);
  });

  it("Given no metered endpoint Then no GetMetricData entry and nine list calls", () => {
    const floor = callFloor({ items: noItems(), meteredEndpoints: 0, windowDays: 30 });
    expect(floor.byApi["CloudWatch:GetMetricData"]).toBeUndefined();
    expect(floor.total).toBe(9);
    expect(floor.criticalPath).toBe(1);
  });
});

describe("page caps", () => {
  it("Given the fake AWS server's pagination Then every cap of the floor equals the largest page it serves", () => {
    expect(Object.keys(AWS_PAGE_CAPS).sort()).toEqual(Object.keys(EC2_LISTS).sort());
    for (const api of Object.keys(AWS_PAGE_CAPS) as ListApi[]) {
      expect({ api, cap: pageLimits(api as Ec2Action)?.max }).toEqual({ api, cap: AWS_PAGE_CAPS[api] });
    }
    expect(GET_METRIC_DATA_MAX_QUERIES).toBe(MAX_METRIC_DATA_QUERIES);
  });
});
