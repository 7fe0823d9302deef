import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { syntheticRegion } from "@endpoint-auditor/core/testing";
import { Compliance, clampAnnotation } from "./evaluation";
import { prepareRules } from "./engine/engine";
import { evaluateRawRegions } from "./engine/scan";
import { FALLBACK_PRICES_NOTE, formatMonthlySavings, parseMonthlySavings } from "./savings";

const NOW = new Date("2026-03-02T06:00:00.000Z");

describe("savings: the phrase annotations write", () => {
  it("Given an amount, Then it is written as 'about $X.YY/month' with two decimals and no thousands separator", () => {
    expect(formatMonthlySavings(14.6)).toBe("about $14.60/month");
    expect(formatMonthlySavings(0)).toBe("about $0.00/month");
    expect(formatMonthlySavings(1234.5)).toBe("about $1234.50/month");
  });

  it("Given a region without a price table of its own, Then the phrase says the figure uses us-east-1 prices; a region with one says nothing more", () => {
    expect(formatMonthlySavings(7.3, { region: "ap-south-2" })).toBe(`about $7.30/month${FALLBACK_PRICES_NOTE}`);
    expect(formatMonthlySavings(8.03, { region: "eu-west-1" })).toBe("about $8.03/month");
  });

  it("Given a negative, fractional-cent or non-finite amount, Then it throws RangeError rather than write a figure that reads back as another", () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1.234]) expect(() => formatMonthlySavings(bad)).toThrow(RangeError);
  });
});

describe("savings: reading the phrase back", () => {
  it("Given any whole-cents amount written by the formatter inside any text, Then the parser reads exactly that amount", () => {
    const noPhrase = fc.string({ maxLength: 80 }).filter((s) => !s.includes("about $"));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), noPhrase, noPhrase, fc.constantFrom(undefined, "us-east-1", "ap-south-2"), (cents, before, after, region) => {
        const usd = cents / 100;
        const text = `${before}${formatMonthlySavings(usd, region === undefined ? {} : { region })}${after}`;
        expect(parseMonthlySavings(text)).toBe(usd);
      }),
      { numRuns: 500, seed: 13 },
    );
  });

  it("Given an annotation with no saving, Then undefined (not 0)", () => {
    expect(parseMonthlySavings("No flow log records vpc-0a1b2c3d or its subnets.")).toBeUndefined();
    expect(parseMonthlySavings("costs $14.60 per month")).toBeUndefined();
    expect(parseMonthlySavings("")).toBeUndefined();
  });

  it("Given two different amounts, Then undefined (no guess); the same amount twice reads as that amount", () => {
    expect(parseMonthlySavings("about $1.00/month here, about $2.00/month there")).toBeUndefined();
    expect(parseMonthlySavings("about $1.00/month, really about $1.00/month")).toBe(1);
  });

  it("Given an annotation cut by AWS Config's 256-character limit inside the amount, Then undefined", () => {
    const annotation = clampAnnotation(`${"x".repeat(240)} about $14.60/month for 2 AZs.`);
    expect(annotation).toHaveLength(256);
    expect(parseMonthlySavings(annotation)).toBeUndefined();
  });
});

describe("savings: the contract with every registered rule", () => {
  // Regions with and without a price table of their own, seeded so every rule has NON_COMPLIANT results.
  const regions = [
    syntheticRegion({ seed: 31, region: "us-east-1", now: NOW, vpcs: 12, interfaceEndpoints: 40, s3DynamoInterfaceRatio: 0.3, idleEndpointRatio: 0.5 }),
    syntheticRegion({ seed: 32, region: "eu-central-1", now: NOW, vpcs: 12, interfaceEndpoints: 40, s3DynamoInterfaceRatio: 0.3, idleEndpointRatio: 0.5 }),
    syntheticRegion({ seed: 33, region: "ap-south-2", now: NOW, vpcs: 12, interfaceEndpoints: 40, s3DynamoInterfaceRatio: 0.3, idleEndpointRatio: 0.5 }),
  ];
  const { evaluations, errors } = evaluateRawRegions("123456789012", regions, prepareRules(), NOW);

  it("Given the rules' evaluations of three regions, Then the parser reads every annotation's saving back as exactly its monthlySavingsUsd, and finds none where there is none", () => {
    expect(errors).toEqual([]);
    const priced = evaluations.filter((e) => e.monthlySavingsUsd !== undefined);
    // Enough of each kind that the check means something.
    expect(priced.length).toBeGreaterThan(20);
    expect(new Set(priced.map((e) => e.ruleId)).size).toBeGreaterThanOrEqual(2);
    expect(priced.some((e) => e.annotation.includes(FALLBACK_PRICES_NOTE))).toBe(true);
    for (const e of evaluations) {
      expect(parseMonthlySavings(e.annotation), `${e.ruleId} ${e.resourceId}: ${e.annotation}`).toBe(e.monthlySavingsUsd);
    }
  });

  it("Given the rules' evaluations, Then only NON_COMPLIANT ones state a saving", () => {
    for (const e of evaluations) if (e.compliance !== Compliance.NON_COMPLIANT) expect(parseMonthlySavings(e.annotation)).toBeUndefined();
  });
});
