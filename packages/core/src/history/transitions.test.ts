import { describe, expect, it } from "vitest";
import { Compliance, type ComplianceType, type Evaluation } from "../evaluation";
import { HISTORY_RETENTION_DAYS } from "./schema";
import { Transition, nextRecord } from "./transitions";

function ev(ruleId: string, resourceId: string, compliance: ComplianceType, extra: Partial<Evaluation> = {}): Evaluation {
  return {
    accountId: "123456789012",
    region: "eu-west-1",
    ruleId,
    resourceId,
    resourceType: "AWS::EC2::VPCEndpoint",
    compliance,
    annotation: `${ruleId} says ${compliance} for ${resourceId}`,
    ...extra,
  };
}

describe("nextRecord (pure transitions)", () => {
  const t0 = "2024-01-01T09:00:00.000Z";
  const t1 = "2024-01-03T09:00:00.000Z";
  const t2 = "2024-01-05T09:00:00.000Z";

  it("Given no stored item and a NON_COMPLIANT evaluation, Then OPENED with firstNonCompliantAt = now and no TTL", () => {
    const { record, transition } = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT, { monthlySavingsUsd: 14.6 }), t0);
    expect(transition).toBe(Transition.OPENED);
    expect(record.firstNonCompliantAt).toBe(t0);
    expect(record.monthlySavingsUsd).toBe(14.6);
    expect(record.ttl).toBeUndefined();
    expect(record.resolvedAt).toBeUndefined();
  });

  it("Given an open item, When NON_COMPLIANT again, Then STILL_OPEN keeping firstNonCompliantAt", () => {
    const first = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT), t0).record;
    const { record, transition } = nextRecord(first, ev("r", "x", Compliance.NON_COMPLIANT), t1);
    expect(transition).toBe(Transition.STILL_OPEN);
    expect(record.firstNonCompliantAt).toBe(t0);
    expect(record.lastEvaluatedAt).toBe(t1);
  });

  it("Given an open item, When NOT_APPLICABLE (deleted or exempted), Then RESOLVED with TTL = resolvedAt + retention", () => {
    const first = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT, { monthlySavingsUsd: 9 }), t0).record;
    const { record, transition } = nextRecord(first, ev("r", "x", Compliance.NOT_APPLICABLE), t1);
    expect(transition).toBe(Transition.RESOLVED);
    expect(record.resolvedAt).toBe(t1);
    expect(record.ttl).toBe(Date.parse(t1) / 1000 + HISTORY_RETENTION_DAYS * 86_400);
    expect(record.monthlySavingsUsd).toBeUndefined();
    expect(record.firstNonCompliantAt).toBe(t0);
  });

  it("Given a resolved item, When COMPLIANT again later, Then UNCHANGED and the TTL is not extended", () => {
    const open = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT), t0).record;
    const resolved = nextRecord(open, ev("r", "x", Compliance.COMPLIANT), t1).record;
    const { record, transition } = nextRecord(resolved, ev("r", "x", Compliance.COMPLIANT), t2);
    expect(transition).toBe(Transition.UNCHANGED);
    expect(record.resolvedAt).toBe(t1);
    expect(record.ttl).toBe(resolved.ttl);
  });

  it("Given a resolved item, When NON_COMPLIANT again, Then REOPENED as a new episode", () => {
    const open = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT), t0).record;
    const resolved = nextRecord(open, ev("r", "x", Compliance.COMPLIANT), t1).record;
    const { record, transition } = nextRecord(resolved, ev("r", "x", Compliance.NON_COMPLIANT), t2);
    expect(transition).toBe(Transition.REOPENED);
    expect(record.firstNonCompliantAt).toBe(t2);
    expect(record.reopenCount).toBe(1);
    expect(record.resolvedAt).toBeUndefined();
    expect(record.ttl).toBeUndefined();
  });

  it("Given a never non-compliant item, When COMPLIANT, Then UNCHANGED with a TTL refreshed from now", () => {
    const first = nextRecord(undefined, ev("r", "x", Compliance.COMPLIANT), t0).record;
    const { record, transition } = nextRecord(first, ev("r", "x", Compliance.COMPLIANT), t1);
    expect(transition).toBe(Transition.UNCHANGED);
    expect(record.ttl).toBe(Date.parse(t1) / 1000 + HISTORY_RETENTION_DAYS * 86_400);
    expect(record.firstNonCompliantAt).toBeUndefined();
  });

  it("Given a stored item evaluated later than this evaluation, Then STALE and the stored item is kept", () => {
    const stored = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT), t1).record;
    const { record, transition } = nextRecord(stored, ev("r", "x", Compliance.COMPLIANT), t0);
    expect(transition).toBe(Transition.STALE);
    expect(record).toBe(stored);
  });
});

describe("nextRecord: exemptions", () => {
  const t0 = "2024-01-01T09:00:00.000Z";
  const t1 = "2024-01-03T09:00:00.000Z";
  const t2 = "2024-01-05T09:00:00.000Z";
  const exempt = (until?: string): Partial<Evaluation> => ({
    annotation: "Exempt: DR standby",
    exemption: { reason: "DR standby", ...(until ? { until } : {}) },
  });

  it("Given an open item, When an exemption comes into force, Then EXEMPTED (not RESOLVED): no resolvedAt, no TTL, the open episode kept", () => {
    const open = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT, { monthlySavingsUsd: 9 }), t0).record;
    const { record, transition } = nextRecord(open, ev("r", "x", Compliance.NOT_APPLICABLE, exempt("2024-03-31")), t1);
    expect(transition).toBe(Transition.EXEMPTED);
    expect(record).toMatchObject({ compliance: "NOT_APPLICABLE", exemptReason: "DR standby", exemptUntil: "2024-03-31", exemptedAt: t1, firstNonCompliantAt: t0 });
    expect(record.resolvedAt).toBeUndefined();
    expect(record.ttl).toBeUndefined();
    expect(record.monthlySavingsUsd).toBeUndefined();
  });

  it("Given an exempt item, When still exempt (even with a new until), Then UNCHANGED keeping when the exemption began", () => {
    const first = nextRecord(undefined, ev("r", "x", Compliance.NOT_APPLICABLE, exempt("2024-02-01")), t0).record;
    const { record, transition } = nextRecord(first, ev("r", "x", Compliance.NOT_APPLICABLE, exempt("2024-03-01")), t1);
    expect(transition).toBe(Transition.UNCHANGED);
    expect(record).toMatchObject({ exemptedAt: t0, exemptUntil: "2024-03-01" });
  });

  it("Given an exempt item, When the exemption ended and the resource is NON_COMPLIANT, Then OPENED as a new episode without exemption fields", () => {
    const open = nextRecord(undefined, ev("r", "x", Compliance.NON_COMPLIANT), t0).record;
    const exempted = nextRecord(open, ev("r", "x", Compliance.NOT_APPLICABLE, exempt("2024-01-04")), t1).record;
    const { record, transition } = nextRecord(exempted, ev("r", "x", Compliance.NON_COMPLIANT, { annotation: "Exemption expired 2024-01-04 (DR standby). Bad." }), t2);
    expect(transition).toBe(Transition.OPENED);
    expect(record.firstNonCompliantAt).toBe(t2);
    expect(record.exemptedAt).toBeUndefined();
    expect(record.exemptReason).toBeUndefined();
  });

  it("Given an exempt item, When the exemption ended and the resource is COMPLIANT, Then UNCHANGED with a TTL and no exemption fields", () => {
    const exempted = nextRecord(undefined, ev("r", "x", Compliance.NOT_APPLICABLE, exempt()), t0).record;
    const { record, transition } = nextRecord(exempted, ev("r", "x", Compliance.COMPLIANT), t1);
    expect(transition).toBe(Transition.UNCHANGED);
    expect(record.exemptedAt).toBeUndefined();
    expect(record.ttl).toBe(Date.parse(t1) / 1000 + HISTORY_RETENTION_DAYS * 86_400);
  });
});
