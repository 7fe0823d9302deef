/**
 * The benchmark's verdicts (test/bench/report.mjs): which measured values meet which target. Results
 * are shaped as the suites produce them (scale.ts, calls.ts, bundles.mjs).
 */
import { describe, expect, it } from "vitest";
import { TARGETS, bundleRows, callsRows, formatTable, runtimeScaleRow, scaleRows, sizeRows, type Row } from "./report.mjs";

const RULES = { "interface-endpoint-in-use": 1, "s3-dynamodb-endpoint-is-gateway": 1, "nat-subnet-has-gateway-endpoints": 1, "vpc-flow-logs-enabled": 1 };

function scale(target: number, resources: number, totalMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    target,
    vpcs: Math.round(resources / 18),
    resources,
    runs: 7,
    parseMs: totalMs * 0.3,
    evaluateMs: totalMs * 0.7,
    totalMs,
    evaluations: Math.round(resources * 0.55),
    byRule: RULES,
    registeredRules: Object.keys(RULES).length,
    errors: [],
    peakRssMb: 300,
    rssAfterGenerateMb: 250,
    retainedHeapMb: 80,
    ...extra,
  };
}

const rowOf = (rows: readonly Row[], text: string): Row => {
  const row = rows.find((r) => r.case.includes(text));
  if (!row) throw new Error(`no row "${text}" in ${rows.map((r) => r.case).join(" | ")}`);
  return row;
};

describe("scaleRows", () => {
  it("Given 100k resources evaluated in 480 ms and linear growth Then every scale row is met", () => {
    const { rows, growth } = scaleRows([scale(1_000, 1_013, 5), scale(10_000, 9_986, 48), scale(100_000, 99_455, 480)]);
    expect(rows.filter((r) => r.ok !== null).every((r) => r.ok)).toBe(true);
    expect(growth?.overLinear).toBeCloseTo(480 / 48 / (99_455 / 9_986), 6);
  });

  it("Given 100k resources evaluated in 547 ms Then the 100k row misses its 500 ms target", () => {
    const { rows } = scaleRows([scale(10_000, 9_986, 50), scale(100_000, 99_455, 547)]);
    expect(rowOf(rows, "99,455 resources").ok).toBe(false);
    expect(rowOf(rows, "99,455 resources").target).toContain(`${TARGETS.evaluate100kMs} ms`);
  });

  it("Given time growing 20× for 10× resources (a quadratic join) Then the growth row misses", () => {
    const { rows } = scaleRows([scale(10_000, 10_000, 20), scale(100_000, 100_000, 400)]);
    expect(rowOf(rows, "growth").ok).toBe(false);
  });

  it("Given a rule that could not evaluate Then that size's row misses and names the rule", () => {
    const broken = scale(10_000, 9_986, 40, { errors: ["vpc-flow-logs-enabled: not evaluated: inventory lacks flowLogs"] });
    const { rows } = scaleRows([broken]);
    expect(rowOf(rows, "9,986 resources").ok).toBe(false);
    expect(rowOf(rows, "9,986 resources").measured).toContain("vpc-flow-logs-enabled");
  });

  it("Given a registered rule that produced no evaluation at all Then that size's row misses", () => {
    const { rows } = scaleRows([scale(10_000, 9_986, 40, { registeredRules: Object.keys(RULES).length + 1 })]);
    expect(rowOf(rows, "9,986 resources").ok).toBe(false);
    expect(rowOf(rows, "9,986 resources").target).toContain(`${Object.keys(RULES).length + 1} rules`);
  });

  it("Given a size whose process failed Then its row misses", () => {
    const { rows } = scaleRows([{ target: 100_000, error: "killed (SIGKILL, over 300 s)" }]);
    expect(rows[0]?.ok).toBe(false);
  });
});

function calls(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const byApi = {
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
  };
  return {
    vpcs: 1000,
    latencyMs: 50,
    items: {
      DescribeVpcs: 1000,
      DescribeSubnets: 6000,
      DescribeRouteTables: 3880,
      DescribeNatGateways: 1937,
      DescribeVpcEndpoints: 3954,
      DescribeFlowLogs: 1197,
      DescribeVpnGateways: 47,
      DescribeTransitGatewayVpcAttachments: 109,
      DescribeVpcPeeringConnections: 49,
    },
    meteredEndpoints: 2917,
    windowDays: 30,
    calls: { ...byApi },
    totalCalls: 63,
    stableAcrossRuns: true,
    floor: { byApi, total: 63, criticalPath: 39 },
    wallMs: 2760,
    latencyRounds: 55.2,
    sequentialMs: 3150,
    maxConcurrency: 9,
    listsInFlight: 9,
    clientCpuMs: 877,
    serverCpuMs: 442,
    complete: true,
    problems: [],
    ...extra,
  };
}

describe("callsRows", () => {
  it("Given calls equal to the floor, every item collected and nine lists in flight Then every row is met", () => {
    const rows = callsRows([calls()]);
    expect(rows.filter((r) => r.ok !== null).every((r) => r.ok)).toBe(true);
    expect(rowOf(rows, "DescribeRouteTables").measured).toBe("39");
  });

  it("Given one route-table page more than the floor Then the account row and the API row miss", () => {
    const base = calls();
    const rows = callsRows([
      calls({ calls: { ...(base.calls as Record<string, number>), "EC2:DescribeRouteTables": 40 }, totalCalls: 64 }),
    ]);
    expect(rowOf(rows, "1,000 VPCs: 18,173 items").ok).toBe(false);
    expect(rowOf(rows, "DescribeRouteTables").ok).toBe(false);
    expect(rowOf(rows, "DescribeSubnets").ok).toBe(true);
  });

  it("Given a call moved from one API to another (same total) Then the account row still misses", () => {
    const base = calls().calls as Record<string, number>;
    const rows = callsRows([calls({ calls: { ...base, "EC2:DescribeRouteTables": 38, "EC2:DescribeSubnets": 7 } })]);
    expect(rowOf(rows, "1,000 VPCs: 18,173 items").ok).toBe(false);
  });

  it("Given the floor met but a list collected incompletely Then the account row misses and says what is missing", () => {
    const rows = callsRows([calls({ complete: false, problems: ["DescribeRouteTables: collected 3800 of 3880 items"] })]);
    expect(rowOf(rows, "1,000 VPCs: 18,173 items").ok).toBe(false);
    expect(rowOf(rows, "1,000 VPCs: 18,173 items").measured).toContain("3800 of 3880");
  });

  it("Given lists that ran three at a time Then the wall-time row misses", () => {
    const rows = callsRows([calls({ listsInFlight: 3 })]);
    expect(rowOf(rows, "wall time").ok).toBe(false);
  });
});

function bundle(name: string, bytes: number, importMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    file: `dist/lambda/${name}/index.mjs`,
    bytes,
    gzipBytes: Math.round(bytes / 3.5),
    stale: false,
    largest: [{ package: "@smithy/core", bytes: 143_000 }],
    cold: { runs: 20, ok: 20, importMs, importMinMs: importMs - 3, importMaxMs: importMs + 10, readyMs: importMs + 20, processMs: importMs + 30, handlerExport: "function", errors: [] },
    ...extra,
  };
}

describe("sizeRows", () => {
  const size = (path: string, evaluations: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    path,
    target: TARGETS.sizeEvaluations,
    evaluations,
    ms: 4_200,
    peakRssMb: 2_100,
    rssAfterGenerateMb: 600,
    details: {},
    ...extra,
  });

  it("Given every path carrying all 1,000,000 evaluations Then every size row is met and shows the peak memory", () => {
    const rows = sizeRows([size("scan", 1_000_000, { details: { ec2Calls: 1_002 } }), size("json", 1_000_000, { details: { jsonMb: 380, chunks: 1_002 } })]);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(rowOf(rows, "scan").measured).toContain("RSS peak 2,100 MB");
    expect(rowOf(rows, "JSON").measured).toContain("380 MB of JSON in 1,002 writes");
  });

  it("Given a path that crashed with a stack overflow Then its row misses and quotes the error", () => {
    const rows = sizeRows([{ path: "evaluate", target: TARGETS.sizeEvaluations, error: "exit 1: RangeError: Maximum call stack size exceeded" }]);
    expect(rows[0]?.ok).toBe(false);
    expect(rows[0]?.measured).toContain("Maximum call stack size exceeded");
  });

  it("Given a path that lost evaluations Then its row misses", () => {
    expect(sizeRows([size("config", 999_900)])[0]?.ok).toBe(false);
  });
});

describe("bundleRows", () => {
  const build = { command: "npm run bundle", exitCode: 0, wallMs: 1200 };

  it("Given a 561 KB bundle importing in 55 ms Then both its rows are met", () => {
    const rows = bundleRows({ build, bundles: [bundle("evaluate", 561 * 1024, 55)] });
    expect(rowOf(rows, "evaluate: size").ok).toBe(true);
    expect(rowOf(rows, "evaluate: cold import").ok).toBe(true);
  });

  it("Given a bundle of 600 KB or more Then its size row misses", () => {
    const rows = bundleRows({ build, bundles: [bundle("evaluate", 600 * 1024, 55), bundle("digest", 1_237_811, 80)] });
    expect(rowOf(rows, "evaluate: size").ok).toBe(false);
    expect(rowOf(rows, "digest: size").ok).toBe(false);
  });

  it("Given a cold import of 150 ms or more Then its cold-import row misses", () => {
    const rows = bundleRows({ build, bundles: [bundle("evaluate", 500_000, 150)] });
    expect(rowOf(rows, "evaluate: cold import").ok).toBe(false);
  });

  it("Given a bundle without a handler export, or not rebuilt by this run Then it misses", () => {
    const noHandler = bundle("evaluate", 500_000, 50);
    (noHandler.cold as Record<string, unknown>).handlerExport = "undefined";
    const rows = bundleRows({ build, bundles: [noHandler, bundle("digest", 500_000, 50, { stale: true })] });
    expect(rowOf(rows, "evaluate: cold import").ok).toBe(false);
    expect(rowOf(rows, "digest: size").ok).toBe(false);
  });

  it("Given the bundle script missing Then one failed row says so", () => {
    const rows = bundleRows({ bundles: [], error: "packages/functions/scripts/bundle.mjs does not exist" });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.ok).toBe(false);
  });
});

describe("formatTable", () => {
  it("Given rows of different widths Then every column starts at the same offset on every line", () => {
    const rows: Row[] = [
      { suite: "scale", case: "a", measured: "1 ms", target: "< 500 ms", ok: true },
      { suite: "calls", case: "a much longer case", measured: "63 calls (floor 63)", target: "calls = floor", ok: false },
    ];
    const lines = formatTable(rows).split("\n").filter((l) => l.startsWith("scale") || l.startsWith("calls"));
    expect(lines).toHaveLength(2);
    const targetAt = lines.map((l) => l.indexOf(l.includes("< 500 ms") ? "< 500 ms" : "calls = floor"));
    expect(targetAt[0]).toBe(targetAt[1]);
    expect(lines[0]?.endsWith("✔")).toBe(true);
    expect(lines[1]?.endsWith("✘")).toBe(true);
  });
});

describe("runtimeScaleRow", () => {
  it("Given the 100k case under the Lambda runtime's Node in 420 ms, Then its row is met and names the Node", () => {
    const row = runtimeScaleRow(scale(100_000, 99_455, 420), "22.23.5", "bash .ci/run installs it");
    expect(row.case).toContain("Node 22.23.5");
    expect(row.ok).toBe(true);
    expect(row.measured).toContain("420 ms");
  });

  it("Given it took 520 ms, Then the row is missed", () => {
    expect(runtimeScaleRow(scale(100_000, 99_455, 520), "22.23.5", "x").ok).toBe(false);
  });

  it("Given a rule that did not evaluate, Then the row is missed whatever the time", () => {
    const row = runtimeScaleRow(scale(100_000, 99_455, 300, { errors: ["vpc-flow-logs-enabled: not evaluated: inventory lacks flowLogs"] }), "22.23.5", "x");
    expect(row.ok).toBe(false);
    expect(row.measured).toContain("NOT EVALUATED");
  });

  it("Given that Node is not installed, Then the row says how to install it and judges nothing", () => {
    const row = runtimeScaleRow(undefined, "22.23.5", "bash .ci/run installs it");
    expect(row.ok).toBeNull();
    expect(row.measured).toContain("bash .ci/run installs it");
  });
});
