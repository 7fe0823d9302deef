/**
 * Snapshots: what `--save-snapshot` writes must replay through the same parsing to the same inventory
 * (and so the same evaluations), and a malformed file must fail with a SnapshotError that says what is
 * wrong, never with a TypeError deep inside the parser.
 */
import { describe, expect, it } from "vitest";
import { SnapshotError } from "../errors";
import { prepareRules } from "../engine/engine";
import { evaluateRawRegions, evaluateSnapshot } from "../engine/scan";
import { syntheticRegion, syntheticSnapshot } from "@endpoint-auditor/core/testing";
import { parseRegion } from "./parse";
import { SNAPSHOT_FORMAT, type Snapshot } from "./raw";
import { checkSnapshot, parseSnapshot, serializeSnapshot } from "./snapshot";

const ACCOUNT = "123456789012";
const NOW = new Date("2025-06-02T00:00:00.000Z");

function liveSnapshot(): Snapshot {
  const east = syntheticRegion({ seed: 21, region: "us-east-1", now: NOW, vpcs: 12, interfaceEndpoints: 40 });
  const west = syntheticRegion({ seed: 22, region: "eu-west-1", now: NOW, vpcs: 5, interfaceEndpoints: 10 });
  delete west.flowLogs;
  west.errors = [{ part: "flowLogs", call: "ec2:DescribeFlowLogs", message: "You are not authorized to perform this operation.", code: "UnauthorizedOperation" }];
  return { format: SNAPSHOT_FORMAT, accountId: ACCOUNT, capturedAt: NOW.toISOString(), regions: [east, west] };
}

describe("snapshot round trip", () => {
  it("Given a live collection (Dates from the SDK), When it is saved and read back, Then every region parses to the same inventory", () => {
    const live = liveSnapshot();

    const text = serializeSnapshot(live);
    const replay = parseSnapshot(text);

    expect(text.endsWith("\n")).toBe(true);
    expect(text).toContain('"CreationTimestamp": "20'); // dates became ISO strings
    expect(replay.accountId).toBe(ACCOUNT);
    expect(replay.capturedAt).toBe(NOW.toISOString());
    expect(replay.regions.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1"]);
    live.regions.forEach((raw, i) => {
      const replayed = replay.regions[i];
      expect(replayed).toBeDefined();
      expect(parseRegion(replayed!, ACCOUNT, NOW)).toEqual(parseRegion(raw, ACCOUNT, NOW));
    });
  });

  it("Given a saved snapshot, When it is evaluated, Then the evaluations and errors equal those of the live collection", () => {
    const live = liveSnapshot();
    const rules = prepareRules();

    const fromLive = evaluateRawRegions(ACCOUNT, live.regions, rules, NOW);
    const fromFile = evaluateSnapshot(parseSnapshot(serializeSnapshot(live)));

    expect(fromLive.evaluations.length).toBeGreaterThan(100);
    expect(fromLive.errors.some((e) => e.region === "eu-west-1")).toBe(true); // the failed flow-log list
    expect(fromFile).toEqual(fromLive);
  });

  it("Given a saved snapshot saved again, Then the text is identical (stable, diffable files)", () => {
    const text = serializeSnapshot(syntheticSnapshot({ seed: 4, vpcs: 3 }));
    expect(serializeSnapshot(parseSnapshot(text))).toBe(text);
  });
});

describe("malformed snapshots", () => {
  const valid = (): Record<string, unknown> => JSON.parse(serializeSnapshot(liveSnapshot())) as Record<string, unknown>;
  const withRegion = (patch: Record<string, unknown>): Record<string, unknown> => {
    const s = valid();
    const regions = s.regions as Record<string, unknown>[];
    regions[0] = { ...regions[0], ...patch };
    return s;
  };

  it("Given text that is not JSON, Then a SnapshotError says so and keeps the parser's error as cause", () => {
    const error = (() => {
      try {
        parseSnapshot('{"format": "endpoint-auditor/snapshot@1", ');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toMatch(/^not JSON: /);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  const cases: [string, () => unknown, string | RegExp][] = [
    ["a JSON array", () => [], "a snapshot is a JSON object"],
    ["another format", () => ({ ...valid(), format: "prowler/v3" }), 'unsupported snapshot format "prowler/v3"; expected "endpoint-auditor/snapshot@1"'],
    ["no format", () => ({ ...valid(), format: undefined }), /unsupported snapshot format undefined/],
    ["an account id that is not 12 digits", () => ({ ...valid(), accountId: "12345" }), '"accountId" must be a 12-digit account id'],
    ["a capture time that is not a date", () => ({ ...valid(), capturedAt: "last tuesday" }), '"capturedAt" must be an ISO date'],
    ["no regions", () => ({ ...valid(), regions: [] }), '"regions" must be a non-empty list'],
    ["regions that are not a list", () => ({ ...valid(), regions: { "us-east-1": {} } }), '"regions" must be a non-empty list'],
    ["a region that is not an object", () => ({ ...valid(), regions: ["us-east-1"] }), "regions[0] is not an object"],
    ["a region without a valid name", () => withRegion({ region: "US East" }), 'regions[0].region is not a region name: "US East"'],
    ["a list that is not a list", () => withRegion({ subnets: { SubnetId: "subnet-1" } }), 'us-east-1: "subnets" is not a list'],
    ["a list item that is not an object", () => withRegion({ vpcs: ["vpc-0a1b2c3d4e5f6a7b8"] }), "us-east-1: vpcs[0] is not an object"],
    ["metrics that are not an object", () => withRegion({ endpointMetrics: [] }), 'us-east-1: "endpointMetrics" is not an object'],
    ["metrics without a window", () => withRegion({ endpointMetrics: { queries: [], results: [] } }), 'us-east-1: "endpointMetrics" needs startTime, endTime and period'],
    ["metrics with a non-positive period", () => withRegion({ endpointMetrics: { startTime: "2025-05-03T00:00:00.000Z", endTime: "2025-06-02T00:00:00.000Z", period: 0, queries: [], results: [] } }), 'us-east-1: "endpointMetrics" needs startTime, endTime and period'],
    ["metric queries without endpoint ids", () => withRegion({ endpointMetrics: { startTime: "2025-05-03T00:00:00.000Z", endTime: "2025-06-02T00:00:00.000Z", period: 86400, queries: [{ id: "e0" }], results: [] } }), 'us-east-1: "endpointMetrics.queries" must be a list of {id, endpointId, metric?}'],
    ["metric results that are not objects", () => withRegion({ endpointMetrics: { startTime: "2025-05-03T00:00:00.000Z", endTime: "2025-06-02T00:00:00.000Z", period: 86400, queries: [], results: [42] } }), 'us-east-1: "endpointMetrics.results" must be a list of MetricDataResult'],
    ["an error for an unknown part", () => withRegion({ errors: [{ part: "noSuchPart", call: "ec2:DescribeNoSuchThing", message: "denied" }] }), 'us-east-1: "errors" must be a list of {part, call, message}'],
    ["an error without its call", () => withRegion({ errors: [{ part: "flowLogs", message: "denied" }] }), 'us-east-1: "errors" must be a list of {part, call, message}'],
    ["an error with a non-string code", () => withRegion({ errors: [{ part: "flowLogs", call: "ec2:DescribeFlowLogs", message: "denied", code: 403 }] }), 'us-east-1: "errors" must be a list of {part, call, message}'],
    ["the same region twice", () => ({ ...valid(), regions: [(valid().regions as unknown[])[0], (valid().regions as unknown[])[0]] }), "region us-east-1 appears twice"],
  ];
  for (const [what, make, message] of cases) {
    it(`Given ${what}, Then a SnapshotError says what is wrong`, () => {
      const value = make();
      expect(() => checkSnapshot(value)).toThrow(SnapshotError);
      expect(() => checkSnapshot(value)).toThrow(message);
      // The same through the text entry point.
      expect(() => parseSnapshot(JSON.stringify(value))).toThrow(message);
    });
  }

  it("Given a well-formed file whose item lacks its id, Then parsing that region fails with a SnapshotError naming the region", () => {
    const s = withRegion({ natGateways: [{ VpcId: "vpc-0a1b2c3d4e5f6a7b8", State: "available" }] });
    const snapshot = checkSnapshot(s);
    expect(() => parseRegion(snapshot.regions[0]!, ACCOUNT, NOW)).toThrow(new SnapshotError("us-east-1: a NAT gateway without an id in the API response"));
  });
});
