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
