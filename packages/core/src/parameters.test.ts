import { describe, expect, it } from "vitest";
import { ParameterValidationError } from "./errors";
import { defaultAsString, describeAllowed, parseParameters, type ParameterSchema } from "./parameters";

const schema = {
  lookbackDays: { type: "integer", description: "days", default: 30, minimum: 1, maximum: 455 },
  maxBytes: { type: "integer", description: "bytes", default: 0, minimum: 0 },
  trafficType: { type: "enum", description: "type", values: ["ALL", "ACCEPT", "REJECT"] },
  mode: { type: "enum", description: "mode", values: ["strict", "lenient"], default: "strict" },
  services: { type: "enumList", description: "services", values: ["s3", "dynamodb"], default: ["s3"] },
} as const satisfies ParameterSchema;

function refusal(raw: unknown): ParameterValidationError {
  try {
    parseParameters("test-rule", schema, raw as Record<string, unknown>);
  } catch (error) {
    if (error instanceof ParameterValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe("parseParameters", () => {
  describe("defaults", () => {
    it("Given no parameters, Then every default is filled in and an optional enum without default stays undefined", () => {
      expect(parseParameters("test-rule", schema, {})).toEqual({
        lookbackDays: 30,
        maxBytes: 0,
        trafficType: undefined,
        mode: "strict",
        services: ["s3"],
      });
      expect(parseParameters("test-rule", schema)).toEqual(parseParameters("test-rule", schema, {}));
    });

    it("Given null, empty and blank strings (as AWS Config sends unset parameters), Then they take the defaults", () => {
      expect(parseParameters("test-rule", schema, { lookbackDays: "", maxBytes: null, trafficType: "  ", services: "" })).toEqual({
        lookbackDays: 30,
        maxBytes: 0,
        trafficType: undefined,
        mode: "strict",
        services: ["s3"],
      });
    });

    it("Given an enumList default, Then the result is a copy: changing it does not change the schema", () => {
      const parsed = parseParameters("test-rule", schema, {});
      parsed.services.push("dynamodb");
      expect(schema.services.default).toEqual(["s3"]);
      expect(parseParameters("test-rule", schema, {}).services).toEqual(["s3"]);
    });
  });

  describe("integers", () => {
    it.each([
      ["60", 60],
      [" 60 ", 60],
      ["007", 7],
      [60, 60],
      ["1", 1],
      ["455", 455],
    ])("Given lookbackDays %j, Then it parses to %d", (raw, expected) => {
      expect(parseParameters("test-rule", schema, { lookbackDays: raw }).lookbackDays).toBe(expected);
    });

    it.each([["0"], ["456"], [-1], ["-5"], ["1.5"], [1.5], ["abc"], ["60d"], ["1e3"], [true], [Number.NaN], [Number.POSITIVE_INFINITY], [["30"]]])(
      "Given lookbackDays %j, Then ParameterValidationError naming the allowed range",
      (raw) => {
        const error = refusal({ lookbackDays: raw });
        expect(error.ruleId).toBe("test-rule");
        expect(error.parameter).toBe("lookbackDays");
        expect(error.allowed).toBe("an integer from 1 to 455");
        expect(error.message).toContain('Invalid parameter "lookbackDays" for rule test-rule');
      },
    );

    it("Given an integer with no maximum, Then large values are accepted and unsafe integers refused", () => {
      expect(parseParameters("test-rule", schema, { maxBytes: "1099511627776" }).maxBytes).toBe(1_099_511_627_776);
      expect(refusal({ maxBytes: "99999999999999999999" }).allowed).toBe("an integer ≥ 0");
      expect(refusal({ maxBytes: "-1" }).parameter).toBe("maxBytes");
    });
  });

  describe("enums", () => {
    it("Given an enum value in any case, Then it is normalised to the schema's spelling", () => {
      expect(parseParameters("test-rule", schema, { trafficType: "accept" }).trafficType).toBe("ACCEPT");
      expect(parseParameters("test-rule", schema, { trafficType: " Reject " }).trafficType).toBe("REJECT");
    });

    it.each([["DENY"], [1], [["ALL"]], [true]])("Given trafficType %j, Then ParameterValidationError listing the values", (raw) => {
      const error = refusal({ trafficType: raw });
      expect(error.parameter).toBe("trafficType");
      expect(error.allowed).toBe("one of ALL, ACCEPT, REJECT");
    });
  });

  describe("enum lists", () => {
    it.each([
      ["s3,dynamodb", ["s3", "dynamodb"]],
      ["dynamodb", ["dynamodb"]],
      [" S3 , DynamoDB ", ["s3", "dynamodb"]],
      ["s3,s3", ["s3"]],
      [["dynamodb", "s3"], ["dynamodb", "s3"]],
    ] as const)("Given services %j, Then it parses to %j", (raw, expected) => {
      expect(parseParameters("test-rule", schema, { services: raw }).services).toEqual(expected);
    });

    it.each([["s3,sqs"], ["s3,,dynamodb"], [","], [[]], [["s3", 1]], [5]])("Given services %j, Then ParameterValidationError", (raw) => {
      const error = refusal({ services: raw });
      expect(error.parameter).toBe("services");
      expect(error.allowed).toBe("a comma-separated list of s3, dynamodb");
    });
  });

  describe("closed schema", () => {
    it("Given an unknown parameter, Then ParameterValidationError naming the known ones", () => {
      const error = refusal({ lookbackDays: "30", lookback: "30" });
      expect(error.parameter).toBe("lookback");
      expect(error.allowed).toBe("no such parameter; known: lookbackDays, maxBytes, trafficType, mode, services");
    });

    it("Given any parameter for a rule without parameters, Then it says the rule takes none", () => {
      expect(() => parseParameters("no-params", {}, { x: "1" })).toThrow(/this rule takes no parameters/);
      expect(parseParameters("no-params", {}, {})).toEqual({});
    });

    it.each([[[]], ["lookbackDays=30"], [42]])("Given parameters that are not an object (%j), Then ParameterValidationError", (raw) => {
      expect(refusal(raw).parameter).toBe("(parameters)");
    });

    it("Given AWS Config's ruleParameters JSON string after JSON.parse, Then all values parse", () => {
      const fromConfig = JSON.parse('{"lookbackDays":"90","trafficType":"REJECT","services":"s3,dynamodb"}') as Record<string, unknown>;
      expect(parseParameters("test-rule", schema, fromConfig)).toEqual({
        lookbackDays: 90,
        maxBytes: 0,
        trafficType: "REJECT",
        mode: "strict",
        services: ["s3", "dynamodb"],
      });
    });
  });
});

describe("describeAllowed and defaultAsString", () => {
  it("Given each kind of parameter, Then its allowed values and its default read as AWS Config input text", () => {
    expect(describeAllowed(schema.lookbackDays)).toBe("an integer from 1 to 455");
    expect(describeAllowed(schema.maxBytes)).toBe("an integer ≥ 0");
    expect(describeAllowed(schema.trafficType)).toBe("one of ALL, ACCEPT, REJECT");
    expect(describeAllowed(schema.services)).toBe("a comma-separated list of s3, dynamodb");
    expect(defaultAsString(schema.lookbackDays)).toBe("30");
    expect(defaultAsString(schema.trafficType)).toBeUndefined();
    expect(defaultAsString(schema.mode)).toBe("strict");
    expect(defaultAsString({ type: "enumList", description: "", values: ["s3", "dynamodb"], default: ["s3", "dynamodb"] })).toBe("s3,dynamodb");
  });
});

describe("stringList and boolean parameters", () => {
  const schema = {
    trustedAccounts: { type: "stringList", description: "accounts", item: "a 12-digit account id", pattern: /^\d{12}$/, default: [], emptyMeans: "the audited account" },
    allowAnySource: { type: "boolean", description: "any source", default: true },
  } as const satisfies ParameterSchema;

  it("Given AWS Config text, Then a comma-separated list of account ids is trimmed, de-duplicated and kept in order, and true/false parse in any case", () => {
    expect(parseParameters("r", schema, { trustedAccounts: " 111122223333, 444455556666 ,111122223333", allowAnySource: "FALSE" })).toEqual({
      trustedAccounts: ["111122223333", "444455556666"],
      allowAnySource: false,
    });
    expect(parseParameters("r", schema, { trustedAccounts: ["999988887777"], allowAnySource: true })).toEqual({ trustedAccounts: ["999988887777"], allowAnySource: true });
  });

  it("Given nothing, Then the defaults: an empty list (a copy) and the boolean default; the empty list has no Config text", () => {
    const a = parseParameters("r", schema, {});
    const b = parseParameters("r", schema, { trustedAccounts: "", allowAnySource: " " });
    expect(a).toEqual({ trustedAccounts: [], allowAnySource: true });
    expect(b).toEqual(a);
    a.trustedAccounts.push("111122223333");
    expect(schema.trustedAccounts.default).toEqual([]);
    expect(defaultAsString(schema.trustedAccounts)).toBeUndefined();
    expect(defaultAsString(schema.allowAnySource)).toBe("true");
  });

  it.each([
    ["trustedAccounts", "11112222333"],
    ["trustedAccounts", "111122223333,o-abcdefghij"],
    ["trustedAccounts", 111122223333],
    ["allowAnySource", "yes"],
    ["allowAnySource", 1],
  ])("Given %s = %j, Then ParameterValidationError names the parameter and what it accepts", (name, value) => {
    expect(() => parseParameters("r", schema, { [name]: value })).toThrow(ParameterValidationError);
    expect(() => parseParameters("r", schema, { [name]: value })).toThrow(name === "allowAnySource" ? /true or false/ : /each a 12-digit account id/);
  });
});
