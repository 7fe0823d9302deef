import { describe, expect, it } from "vitest";
import { prepareRules } from "./engine";
import { evaluateRawRegions, evaluateSnapshot } from "./scan";
import { SNAPSHOT_FORMAT, type RawRegion } from "../inventory/raw";
import { evaluateSnapshotSet } from "./snapshots";

const ACCOUNT = "123456789012";
const NOW = new Date("2025-06-02T00:00:00.000Z");

/** One region with `count` VPCs of this account (DescribeVpcs item shape), no subnets and no flow logs. */
function manyVpcs(region: string, count: number): RawRegion {
  const vpcs = new Array(count);
  for (let i = 0; i < count; i++) {
    vpcs[i] = { VpcId: `vpc-${i.toString(16).padStart(17, "0")}`, OwnerId: ACCOUNT, CidrBlock: "10.0.0.0/16", State: "available", IsDefault: false, Tags: [] };
  }
  return { region, vpcs, subnets: [], flowLogs: [] };
}

describe("scan results of any size", () => {
  // push(...list) passes every element as an argument: past ~120,000 it overflowed the call stack.
  it("Given one region yielding 150,000 evaluations, Then evaluateRawRegions returns all of them (no stack overflow)", () => {
    const rules = prepareRules([{ ruleId: "vpc-flow-logs-enabled" }]);
    const result = evaluateRawRegions(ACCOUNT, [manyVpcs("eu-west-1", 150_000)], rules, NOW);
    expect(result.errors).toEqual([]);
    expect(result.evaluations).toHaveLength(150_000);
    expect(result.evaluations[149_999]).toMatchObject({ region: "eu-west-1", compliance: "NON_COMPLIANT" });
  });

  it("Given a snapshot of two such regions, Then evaluateSnapshot keeps every evaluation in region order", () => {
    const result = evaluateSnapshot(
      { format: SNAPSHOT_FORMAT, accountId: ACCOUNT, capturedAt: NOW.toISOString(), regions: [manyVpcs("eu-west-1", 130_000), manyVpcs("us-east-1", 1_000)] },
      [{ ruleId: "vpc-flow-logs-enabled" }],
    );
    expect(result.evaluations).toHaveLength(131_000);
    expect(result.evaluations[129_999]?.region).toBe("eu-west-1");
    expect(result.evaluations[130_000]?.region).toBe("us-east-1");
  });

  it("Given a snapshot set (the CLI's evaluate and scan) of one account whose region yields 130,000 evaluations, Then all of them come back", () => {
    const result = evaluateSnapshotSet(
      { capturedAt: NOW.toISOString(), accounts: [{ accountId: ACCOUNT, regions: [manyVpcs("eu-west-1", 130_000)] }], failures: [] },
      [{ ruleId: "vpc-flow-logs-enabled" }],
    );
    expect(result.errors).toEqual([]);
    expect(result.evaluations).toHaveLength(130_000);
  });
});
