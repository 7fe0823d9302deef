/**
 * The built-in demo snapshot (packages/cli/demo/demo-account.json): reproducible from its generator, in
 * the snapshot format, with API-shaped items, and every registered rule held to its own demo cases
 * (`packages/core/src/rules/<id>/demo.ts`).
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { EXEMPT_TAG, PARTS, RULES, evaluateSnapshot, isListPart, parseSnapshot, serializeSnapshot, type PartSpec, type Snapshot } from "@endpoint-auditor/core";
import { DEMO_ACCOUNT_ID, DEMO_CAPTURED_AT, DEMO_REGIONS, buildDemo, loadRuleDemos, type DemoExpectation } from "@endpoint-auditor/core/testing";
import { DEMO } from "./support";

let text: string;
let demo: Snapshot;
let built: { snapshot: Snapshot; expectations: DemoExpectation[] };
beforeAll(async () => {
  text = await readFile(DEMO, "utf8");
  demo = parseSnapshot(text);
  built = buildDemo(await loadRuleDemos());
});

const LIST_PARTS = (PARTS as readonly PartSpec[]).filter(isListPart);

describe("demo snapshot", () => {
  it("Given the generator, Then the committed file is exactly what it produces (node packages/cli/scripts/make-demo.mjs)", () => {
    expect(text === serializeSnapshot(built.snapshot)).toBe(true);
  });

  it("Then it is a valid snapshot of the demo account with a fixed capture time and its regions", () => {
    expect(demo.accountId).toBe(DEMO_ACCOUNT_ID);
    expect(demo.capturedAt).toBe(DEMO_CAPTURED_AT);
    expect(demo.regions.map((r) => r.region)).toEqual([...DEMO_REGIONS]);
  });

  it("Then every list item carries an id with the shape of a real AWS id (a bucket a valid bucket name; an endpoint service its service name), unique within its region", () => {
    let checked = 0;
    for (const region of demo.regions) {
      const seen = new Set<string>();
      for (const part of LIST_PARTS) {
        for (const item of ((region as Record<string, unknown>)[part.key] ?? []) as unknown[]) {
          const id = part.parseItem(item, { region: region.region, accountId: demo.accountId }).id;
          // EC2 ids look like `prefix-0` + 16 hex digits; S3 buckets are named (3–63 lower-case letters, digits,
          // dots, hyphens); endpoint services: `com.amazonaws.<region>.<service>` or another account's
          // `com.amazonaws.vpce.<region>.vpce-svc-0…`.
          expect(id, part.key).toMatch(
            part.list.service === "s3"
              ? /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/
              : /^[a-z]+(-[a-z]+)*-0[0-9a-f]{16}$|^com\.amazonaws\.[a-z]{2}-[a-z]+-\d\.[a-z0-9-]+(\.[a-z0-9-]+)*$|^com\.amazonaws\.vpce\.[a-z]{2}-[a-z]+-\d\.vpce-svc-0[0-9a-f]{16}$/,
          );
          expect(seen.has(id), id).toBe(false);
          seen.add(id);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("Then dates are ISO strings as a snapshot file holds them", () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    for (const region of demo.regions) {
      for (const e of region.vpcEndpoints ?? []) expect(String(e.CreationTimestamp)).toMatch(iso);
      for (const n of region.natGateways ?? []) expect(String(n.CreateTime)).toMatch(iso);
      for (const f of region.flowLogs ?? []) expect(String(f.CreationTime)).toMatch(iso);
    }
  });

  it("Then exactly one resource carries the exemption tag", () => {
    const tagged = demo.regions.flatMap((r) =>
      LIST_PARTS.flatMap((p) => ((r as Record<string, unknown>)[p.key] ?? []) as { Tags?: { Key?: string }[] }[]).filter((item) =>
        (item.Tags ?? []).some((t) => t.Key === EXEMPT_TAG),
      ),
    );
    expect(tagged).toHaveLength(1);
  });

  it("Then every metered endpoint is queried for every metric a rule reads, busy ones have 30+ daily datapoints and idle ones none", () => {
    const counts: number[] = [];
    for (const region of demo.regions) {
      const metrics = region.endpointMetrics;
      expect(metrics?.period).toBe(86_400);
      const interfaces = (region.vpcEndpoints ?? []).filter((e) => e.VpcEndpointType === "Interface" && !["deleting", "deleted"].includes(String(e.State).toLowerCase()));
      expect(new Set(metrics?.queries.map((q) => q.endpointId))).toEqual(new Set(interfaces.map((e) => e.VpcEndpointId)));
      const results = new Map(metrics?.results.map((r) => [r.Id, r]));
      counts.push(...(metrics?.queries ?? []).filter((q) => q.metric === undefined).map((q) => results.get(q.id)?.Timestamps?.length ?? 0));
      for (const r of metrics?.results ?? []) {
        expect(r.StatusCode).toBe("Complete");
        expect(r.Timestamps?.length).toBe(r.Values?.length);
      }
    }
    expect(counts.filter((n) => n >= 30).length).toBeGreaterThan(5);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThanOrEqual(2);
  });
});

describe("every rule's demo cases", () => {
  it("Given the registry, Then every registered rule brought one case for each verdict", () => {
    const byRule = new Map<string, string[]>();
    for (const e of built.expectations) byRule.set(e.ruleId, [...(byRule.get(e.ruleId) ?? []), e.compliance]);
    expect([...byRule.keys()]).toEqual(RULES.map((r) => r.metadata.id));
    for (const [ruleId, cases] of byRule) expect([ruleId, cases.sort()]).toEqual([ruleId, ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]]);
  });

  it("Given the demo replayed with default parameters, Then there is no error and every case gets the verdict it promises", () => {
    const result = evaluateSnapshot(demo);
    expect(result.errors).toEqual([]);
    for (const e of built.expectations) {
      const got = result.evaluations.find((x) => x.ruleId === e.ruleId && x.region === e.region && x.resourceId === e.resourceId);
      expect({ ...e, got: got?.compliance, annotation: got?.annotation }).toMatchObject({ ...e, got: e.compliance });
    }
  });

  it("Given the demo replayed, Then every rule has all three verdicts somewhere in the account", () => {
    const byRule = new Map<string, Set<string>>();
    for (const e of evaluateSnapshot(demo).evaluations) byRule.set(e.ruleId, (byRule.get(e.ruleId) ?? new Set()).add(e.compliance));
    expect([...byRule.keys()].sort()).toEqual(RULES.map((r) => r.metadata.id).sort());
    for (const [ruleId, statuses] of byRule) expect([ruleId, [...statuses].sort()]).toEqual([ruleId, ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]]);
  });
});
