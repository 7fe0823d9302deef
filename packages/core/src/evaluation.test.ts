import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annotationFits, clampAnnotation, MAX_ANNOTATION_LENGTH, roundUsd } from "./evaluation";

describe("clampAnnotation", () => {
  it("Given a clean annotation, Then it is returned unchanged", () => {
    const text = "No traffic in 30 days; about $14.60/month for 2 AZs.";
    expect(clampAnnotation(text)).toBe(text);
  });

  it.each([
    ["a run of spaces", "a  b", "a b"],
    ["a newline", "a\nb", "a b"],
    ["a tab", "a\tb", "a b"],
    ["leading space", " a b", "a b"],
    ["trailing newline", "a b\n", "a b"],
    ["a non-breaking space", "a\u00a0b", "a b"],
  ])("Given %s, Then whitespace is folded to single spaces and trimmed", (_name, input, expected) => {
    expect(clampAnnotation(input)).toBe(expected);
  });

  it("Given an empty or blank annotation, Then Config still gets 1–256 characters", () => {
    expect(clampAnnotation("")).toBe("No details.");
    expect(clampAnnotation(" \n\t ")).toBe("No details.");
  });

  it("Given 1,000 characters, Then the result is exactly 256 characters ending with an ellipsis", () => {
    const out = clampAnnotation("x".repeat(1000));
    expect(out).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(out.endsWith("…")).toBe(true);
  });

  it("Given exactly 256 characters, Then nothing is cut", () => {
    const text = "y".repeat(256);
    expect(clampAnnotation(text)).toBe(text);
  });
});

describe("annotationFits", () => {
  it.each([
    ["a clean sentence", "No traffic in 30 days.", true],
    ["exactly 256 characters", "y".repeat(256), true],
    ["257 characters", "y".repeat(257), false],
    ["nothing", "", false],
    ["a run of spaces", "a  b", false],
    ["a tab", "a\tb", false],
    ["a leading space", " a", false],
    ["a trailing space", "a ", false],
    ["a non-breaking space", "a\u00a0b", false],
  ])("Given %s, Then it fits exactly when clampAnnotation returns it unchanged", (_name, text, fits) => {
    expect(annotationFits(text)).toBe(fits);
    expect(clampAnnotation(text) === text).toBe(fits);
  });
});

describe("roundUsd", () => {
  it("Given fractions of a cent, Then dollars are rounded to cents", () => {
    expect(roundUsd(14.604)).toBe(14.6);
    expect(roundUsd(7.3)).toBe(7.3);
    expect(roundUsd(0.004)).toBe(0);
  });
});

describe("annotationFits against its definition", () => {
  /** The definition: 1–256 characters, no whitespace run, nothing but plain spaces, none at either end. */
  const reference = (text: string): boolean =>
    text.length > 0 && text.length <= MAX_ANNOTATION_LENGTH && !/^\s|\s$|\s\s|[^\S ]/.test(text);
  const pieces = ["a", "Z", "0", " ", "  ", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u1680", "é", "€", "\u0085", "\u0001", "…", "vpce-0a1b"];

  it("Given any text made of letters, spaces, ASCII and Unicode whitespace and other characters, Then it fits exactly when the definition says so", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join("");
        expect(annotationFits(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("Given any string at all, Then it fits exactly when the definition says so", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        expect(annotationFits(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});
