/** Command-line parsing and exit codes, in-process. */
import { describe, expect, it } from "vitest";
import { UsageError, parseBoundedInteger, parseFlags, parseFormat, parseNow, parseRegions, parseSelections, parseStatuses } from "../src/args";
import { ExitCode, exitCodeFor } from "../src/exit-codes";

const KNOWN = ["interface-endpoint-in-use", "s3-dynamodb-endpoint-is-gateway", "nat-subnet-has-gateway-endpoints", "vpc-flow-logs-enabled"];

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("expected a UsageError");
}

describe("parseSelections", () => {
  it("Given no --rules and no --param, Then every known rule is selected with defaults, in registry order", () => {
    expect(parseSelections([], [], KNOWN)).toEqual(KNOWN.map((ruleId) => ({ ruleId })));
  });

  it("Given --rules repeated and comma-separated with duplicates and blanks, Then each rule once, in the order given", () => {
    expect(parseSelections(["vpc-flow-logs-enabled, interface-endpoint-in-use", "vpc-flow-logs-enabled,"], [], KNOWN)).toEqual([
      { ruleId: "vpc-flow-logs-enabled" },
      { ruleId: "interface-endpoint-in-use" },
    ]);
  });

  it("Given --param RULE.KEY=VALUE, Then the raw value goes to that rule (values may contain '=' and ',')", () => {
    expect(
      parseSelections(
        [],
        ["interface-endpoint-in-use.lookbackDays=60", "nat-subnet-has-gateway-endpoints.services=s3,dynamodb", "interface-endpoint-in-use.maxBytes=a=b"],
        KNOWN,
      ),
    ).toEqual([
      { ruleId: "interface-endpoint-in-use", params: { lookbackDays: "60", maxBytes: "a=b" } },
      { ruleId: "s3-dynamodb-endpoint-is-gateway" },
      { ruleId: "nat-subnet-has-gateway-endpoints", params: { services: "s3,dynamodb" } },
      { ruleId: "vpc-flow-logs-enabled" },
    ]);
  });

  it("Given bad input, Then a UsageError names it", () => {
    expect(usageError(() => parseSelections(["nope"], [], KNOWN)).message).toContain("unknown rule 'nope' in --rules");
    expect(usageError(() => parseSelections(["vpc-flow-log-enabled"], [], KNOWN)).message).toContain(
      "unknown rule 'vpc-flow-log-enabled' in --rules (did you mean 'vpc-flow-logs-enabled'?)",
    );
    expect(usageError(() => parseSelections([","], [], KNOWN)).message).toBe("--rules names no rule");
    expect(usageError(() => parseSelections([], ["lookbackDays=3"], KNOWN)).message).toContain("bad --param 'lookbackDays=3'");
    expect(usageError(() => parseSelections([], ["interface-endpoint-in-use.lookbackDays"], KNOWN)).message).toContain("expected RULE.KEY=VALUE");
    expect(usageError(() => parseSelections([], ["nope.x=1"], KNOWN)).message).toContain("unknown rule 'nope' in --param");
    expect(usageError(() => parseSelections(["vpc-flow-logs-enabled"], ["interface-endpoint-in-use.lookbackDays=3"], KNOWN)).message).toContain(
      "which --rules does not select",
    );
    expect(
      usageError(() => parseSelections([], ["interface-endpoint-in-use.lookbackDays=3", "interface-endpoint-in-use.lookbackDays=4"], KNOWN)).message,
    ).toBe("--param interface-endpoint-in-use.lookbackDays is given twice");
  });
});

describe("parseRegions, parseNow, parseFormat", () => {
  it("Given regions repeated and comma-separated, Then each once in order; a non-region is refused", () => {
    expect(parseRegions(["us-east-1,eu-west-1", " us-east-1 ", "us-gov-west-1"])).toEqual(["us-east-1", "eu-west-1", "us-gov-west-1"]);
    expect(usageError(() => parseRegions(["us-east-1,"])).message).toBe("'' is not a region name in --region");
    expect(usageError(() => parseRegions(["US-EAST-1"])).message).toContain("'US-EAST-1'");
  });

  it("Given ISO dates and date-times, Then they parse; anything else is refused", () => {
    expect(parseNow("2026-11-23").toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(parseNow("2026-11-23T06:00:00Z").toISOString()).toBe("2026-11-23T06:00:00.000Z");
    expect(parseNow("2026-11-23T08:00:00+02:00").toISOString()).toBe("2026-11-23T06:00:00.000Z");
    for (const bad of ["yesterday", "1700000000", "2026-13-45", "23/11/2026"]) expect(() => parseNow(bad)).toThrow(UsageError);
  });

  it("Given a format in any case, Then it is accepted; table is the default", () => {
    expect(parseFormat("scan", undefined)).toBe("table");
    expect(parseFormat("scan", "JSON")).toBe("json");
    expect(parseFormat("scan", "OCSF")).toBe("ocsf");
    expect(usageError(() => parseFormat("scan", "xml")).hint).toBe("use one of table, json, markdown, csv, ocsf, html");
    expect(usageError(() => parseFormat("scan", "josn")).message).toBe("unknown --format 'josn' for 'scan' (did you mean 'json'?)");
    expect(usageError(() => parseFormat("rules", "csv", ["table", "json", "markdown"])).hint).toBe("use one of table, json, markdown");
  });

  it("Given --status values in any case, with - or _, comma-separated or repeated, Then they parse; 'all' is every status", () => {
    expect(parseStatuses([])).toBeUndefined();
    expect([...(parseStatuses(["non-compliant,not_applicable"]) ?? [])]).toEqual(["NON_COMPLIANT", "NOT_APPLICABLE"]);
    expect([...(parseStatuses(["COMPLIANT", "noncompliant"]) ?? [])]).toEqual(["COMPLIANT", "NON_COMPLIANT"]);
    expect([...(parseStatuses(["all"]) ?? [])]).toEqual(["NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE"]);
    expect(usageError(() => parseStatuses(["FAILED"])).message).toBe("unknown --status 'FAILED'");
    expect(usageError(() => parseStatuses(["COMPLAINT"])).message).toBe("unknown --status 'COMPLAINT' (did you mean 'COMPLIANT'?)");
  });

  it("Given bounded integers, Then whole numbers in range parse and anything else names the flag and the range", () => {
    expect(parseBoundedInteger("--concurrency", "8", 1, 64)).toBe(8);
    for (const bad of ["0", "65", "2.5", "four", "-1"]) {
      expect(usageError(() => parseBoundedInteger("--concurrency", bad, 1, 64)).message).toBe(`--concurrency '${bad}' is not a whole number from 1 to 64`);
    }
  });

  it("Given 'all' among other regions, Then it is refused (all stands alone)", () => {
    expect(usageError(() => parseRegions(["all", "us-east-1"])).message).toBe("--region all cannot be combined with other regions");
  });
});

describe("parseFlags", () => {
  const options = { region: { type: "string", multiple: true }, "fail-on-noncompliant": { type: "boolean" } } as const;

  it("Given parseArgs errors, Then they become one short UsageError naming the command and the flag", () => {
    expect(usageError(() => parseFlags("scan", ["--nope"], options)).message).toBe("scan: unknown option '--nope'");
    expect(usageError(() => parseFlags("scan", ["--regoin", "x"], options)).message).toBe("scan: unknown option '--regoin' (did you mean '--region'?)");
    expect(usageError(() => parseFlags("scan", ["--region"], options)).message).toBe("scan: option '--region' needs a value");
    expect(usageError(() => parseFlags("scan", ["--region", "--fail-on-noncompliant"], options)).message).toContain(
      "scan: option '--region' needs a value (got another option instead",
    );
    expect(usageError(() => parseFlags("scan", ["--fail-on-noncompliant=yes"], options)).message).toBe(
      "scan: option '--fail-on-noncompliant' does not take a value",
    );
    expect(usageError(() => parseFlags("scan", ["us-east-1"], options)).message).toBe("scan: unexpected argument 'us-east-1'");
    expect(usageError(() => parseFlags("scan", ["--nope"], options)).hint).toBe("run 'endpoint-auditor scan --help' for usage");
  });

  it("Given valid flags, Then repeated values are kept in order", () => {
    expect(parseFlags("scan", ["--region", "a", "--region=b", "--fail-on-noncompliant"], options)).toEqual({
      region: ["a", "b"],
      "fail-on-noncompliant": true,
    });
  });
});

describe("exitCodeFor", () => {
  const nc = [{ compliance: "NON_COMPLIANT" }];
  const ok = [{ compliance: "COMPLIANT" }, { compliance: "NOT_APPLICABLE" }];
  const error = [{ region: "us-east-1", message: "x" }];
  it.each([
    ["complete, compliant", ExitCode.OK, ok, [], false],
    ["complete, non-compliant, no flag", ExitCode.OK, nc, [], false],
    ["complete, non-compliant, --fail-on-noncompliant", ExitCode.NON_COMPLIANT, nc, [], true],
    ["complete, compliant, --fail-on-noncompliant", ExitCode.OK, ok, [], true],
    ["an error", ExitCode.INCOMPLETE, ok, error, false],
    ["an error and non-compliant with --fail-on-noncompliant (1 wins over 3)", ExitCode.INCOMPLETE, nc, error, true],
  ] as const)("Given %s, Then the exit code is %i", (_name, code, evaluations, errors, fail) => {
    expect(exitCodeFor({ evaluations, errors }, fail)).toBe(code);
  });
});
