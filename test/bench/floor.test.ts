/**
 * The benchmark's call floor (test/bench/floor.ts): the formula over the part records, and the records'
 * page sizes against the fake AWS server's pagination (both written from the AWS API references; a
 * disagreement means one of them is wrong).
 */
import { describe, expect, it } from "vitest";
import { METRIC_QUERIES_PER_CALL, MAX_DATAPOINTS_PER_RESPONSE, PARTS, isListPart, pagesFloor, type PartSpec, type RawRegion } from "@endpoint-auditor/core";

const LIST_PARTS = (PARTS as readonly PartSpec[]).filter(isListPart);
import { DEFAULT_MAX_DATAPOINTS, MAX_METRIC_DATA_QUERIES } from "../support/fake-aws/cloudwatch";
import { EC2_LISTS, pageLimits, type Ec2Action } from "../support/fake-aws/ec2";
import { callFloor, partCounts } from "./floor";

/** A raw region with `n` placeholder items per list (the floor only counts them). */
function region(counts: Partial<Record<string, number>>, metered = 0, windowDays = 30): RawRegion {
  const raw: Record<string, unknown> = { region: "us-east-1" };
  for (const part of LIST_PARTS) {
    raw[part.key] = Array.from({ length: counts[part.key] ?? 0 }, () => ({}));
  }
  const end = new Date("2026-11-23T00:00:00.000Z");
  raw.endpointMetrics = {
    startTime: new Date(end.getTime() - windowDays * 86_400_000).toISOString(),
    endTime: end.toISOString(),
    period: 86_400,
    queries: Array.from({ length: metered }, (_, i) => ({ id: `e${i}`, endpointId: `vpce-${i}` })),
    results: [],
  };
  return raw as RawRegion;
}

describe("pagesFloor", () => {
  it("Given items that fill pages exactly or not Then it needs ⌈items / page⌉ calls", () => {
    expect(pagesFloor(1000, 1000)).toBe(1);
    expect(pagesFloor(1001, 1000)).toBe(2);
    expect(pagesFloor(3880, 100)).toBe(39);
    expect(pagesFloor(3900, 100)).toBe(39);
    expect(pagesFloor(3901, 100)).toBe(40);
  });

  it("Given an empty list Then one call is still needed to learn it is empty", () => {
    expect(pagesFloor(0, 1000)).toBe(1);
  });

  it("Given an API without pagination Then one call, whatever the count", () => {
    expect(pagesFloor(5000, undefined)).toBe(1);
  });
});

describe("callFloor", () => {
  it("Given a 1,000-VPC account Then calls per API, total and longest chain follow the records' page sizes", () => {
    const raw = region(
      {
        vpcs: 1000,
        subnets: 6000,
        routeTables: 3880,
        natGateways: 1937,
        vpcEndpoints: 3954,
        flowLogs: 1197,
        vpnGateways: 47,
        transitGatewayAttachments: 109,
        vpcPeeringConnections: 49,
      },
      2917,
    );
    const floor = callFloor(raw);
    expect(floor.byApi).toMatchObject({
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
    // Every other list of the table is empty: one call each.
    const lists = LIST_PARTS.length;
    expect(floor.total).toBe(63 + (lists - 9));
    expect(floor.criticalPath).toBe(39);
  });

  it("Given many endpoints and few route tables Then the longest chain is the endpoint pages plus the metrics after them", () => {
    const floor = callFloor(region({ vpcEndpoints: 4500, routeTables: 200 }, 4000));
    expect(floor.byApi["EC2:DescribeVpcEndpoints"]).toBe(5);
    expect(floor.byApi["EC2:DescribeRouteTables"]).toBe(2);
    expect(floor.byApi["CloudWatch:GetMetricData"]).toBe(8);
    expect(floor.criticalPath).toBe(6);
  });

  it("Given no metered endpoint Then no GetMetricData entry and one call per list", () => {
    const floor = callFloor(region({}, 0));
    expect(floor.byApi["CloudWatch:GetMetricData"]).toBeUndefined();
    expect(floor.total).toBe(LIST_PARTS.length);
    expect(floor.criticalPath).toBe(1);
  });

  it("Given a window so long that a full batch's datapoints overflow one response (500 × 300 days > 100,800) Then the batch counts the pages it needs", () => {
    expect(callFloor(region({}, 500, 300)).byApi["CloudWatch:GetMetricData"]).toBe(Math.ceil((500 * 300) / MAX_DATAPOINTS_PER_RESPONSE));
    expect(callFloor(region({}, 10, 300)).byApi["CloudWatch:GetMetricData"]).toBe(1);
  });

  it("Given a part that was not collected Then it is not in the floor", () => {
    const raw = region({ vpcs: 3 }, 0);
    delete (raw as Record<string, unknown>).flowLogs;
    expect(callFloor(raw).byApi["EC2:DescribeFlowLogs"]).toBeUndefined();
    expect(partCounts(raw)).toMatchObject({ vpcs: 3 });
    expect(partCounts(raw).flowLogs).toBeUndefined();
  });
});

describe("page sizes", () => {
  it("Given the fake AWS server's pagination Then every EC2 list record has a fake spec whose largest page equals the record's page size", () => {
    for (const part of LIST_PARTS) {
      if (!part.list.api.startsWith("EC2:")) continue;
      const action = part.list.api.slice("EC2:".length) as Ec2Action;
      expect({ part: part.key, served: action in EC2_LISTS }).toEqual({ part: part.key, served: true });
      expect({ part: part.key, list: EC2_LISTS[action].list, output: EC2_LISTS[action].output }).toEqual({
        part: part.key,
        list: part.key,
        output: part.list.itemsKey,
      });
      expect({ part: part.key, page: pageLimits(action)?.max }).toEqual({ part: part.key, page: part.list.pageSize });
    }
    expect(METRIC_QUERIES_PER_CALL).toBe(MAX_METRIC_DATA_QUERIES);
    expect(MAX_DATAPOINTS_PER_RESPONSE).toBe(DEFAULT_MAX_DATAPOINTS);
  });
});
