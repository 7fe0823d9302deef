/**
 * Deployment settings: defaults from the registry, per-stage overrides, and clear errors for settings that
 * cannot be deployed. Pure: no CDK synthesis.
 */
import {
  ParameterValidationError,
  RULES,
  UnknownRuleError,
  defaultAsString,
  defineRule,
  type AnyRule,
} from "@endpoint-auditor/core";
import { describe, expect, test } from "vitest";
import { SETTINGS } from "../../stacks/settings";
import { BUILT_IN_DEFAULTS, type SettingsFile } from "../../stacks/settings/schema";
import { SettingsError, parameterAsString, settingsFor } from "../../stacks/settings/validate";

const EMPTY: SettingsFile = { defaults: {}, stages: {} };

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("settingsFor: defaults", () => {
  test("Given no settings, Then every registry rule is enabled with ruleId plus each parameter default as text", () => {
    const settings = settingsFor("dev", EMPTY);
    expect(settings.rules.map((r) => r.rule.metadata.id)).toEqual(RULES.map((r) => r.metadata.id));
    for (const { rule, enabled, inputParameters } of settings.rules) {
      expect(enabled).toBe(true);
      const expected: Record<string, string> = { ruleId: rule.metadata.id };
      for (const [name, spec] of Object.entries(rule.metadata.parameters)) {
        const text = defaultAsString(spec);
        if (text !== undefined) expected[name] = text;
      }
      expect(inputParameters).toEqual(expected);
    }
    expect(settings.maximumExecutionFrequency).toBe("TwentyFour_Hours");
    expect(settings.evaluator).toEqual(BUILT_IN_DEFAULTS.evaluator);
    // The digest and the findings history are part of the product: on unless a stage turns them off.
    expect(settings.digest).toEqual({ enabled: true, schedule: "cron(0 9 ? * MON *)", onAllClear: "send", topOffenders: 10 });
    expect(settings.digest).toEqual(BUILT_IN_DEFAULTS.digest);
  });

  test("Given the committed settings file, Then the digest is on with the built-in defaults and the SST secret as webhook parameter (no name set)", () => {
    const settings = settingsFor("any-stage");
    expect(settings.digest).toEqual(BUILT_IN_DEFAULTS.digest);
    expect(settings.digest.webhookParameterName).toBeUndefined();
    expect(settings.digest.webhookKmsKeyArn).toBeUndefined();
  });

  test("Given the interface-endpoint-in-use rule, Then its defaults appear as Config input-parameter strings", () => {
    const rule = settingsFor("dev", EMPTY).rules.find((r) => r.rule.metadata.id === "interface-endpoint-in-use");
    expect(rule?.inputParameters).toEqual({
      ruleId: "interface-endpoint-in-use",
      lookbackDays: "30",
      minAgeDays: "7",
      maxBytes: "0",
    });
  });

  test("Given the committed settings file, Then its defaults and every stage it names validate", () => {
    for (const stage of ["any-stage", ...Object.keys(SETTINGS.stages)]) {
      expect(() => settingsFor(stage)).not.toThrow();
    }
  });
});

describe("settingsFor: per-stage overrides", () => {
  const file: SettingsFile = {
    defaults: {
      maximumExecutionFrequency: "Twelve_Hours",
      rules: { "interface-endpoint-in-use": { parameters: { lookbackDays: 60 } } },
      evaluator: { memorySize: 2048 },
    },
    stages: {
      prod: {
        maximumExecutionFrequency: "Six_Hours",
        rules: {
          "interface-endpoint-in-use": { parameters: { maxBytes: "1048576" } },
          "nat-subnet-has-gateway-endpoints": { parameters: { services: ["dynamodb", "s3"] } },
          "vpc-flow-logs-enabled": { enabled: false, parameters: { trafficType: "reject" } },
        },
        evaluator: { timeout: 900, logRetention: 365, metrics: false },
        digest: { enabled: true },
      },
    },
  };

  test("Given a stage without overrides, Then the file's defaults apply over the built-in ones", () => {
    const dev = settingsFor("dev", file);
    expect(dev.maximumExecutionFrequency).toBe("Twelve_Hours");
    expect(dev.evaluator).toEqual({ memorySize: 2048, timeout: 600, logRetention: 30, metrics: true, tracing: false });
    expect(dev.rules.find((r) => r.rule.metadata.id === "interface-endpoint-in-use")?.inputParameters).toEqual({
      ruleId: "interface-endpoint-in-use",
      lookbackDays: "60",
      minAgeDays: "7",
      maxBytes: "0",
    });
    expect(dev.rules.every((r) => r.enabled)).toBe(true);
  });

  test("Given prod overrides, Then they merge field by field over the defaults (parameters of one rule included)", () => {
    const prod = settingsFor("prod", file);
    expect(prod.maximumExecutionFrequency).toBe("Six_Hours");
    expect(prod.evaluator).toEqual({ memorySize: 2048, timeout: 900, logRetention: 365, metrics: false, tracing: false });
    const byId = new Map(prod.rules.map((r) => [r.rule.metadata.id, r]));
    expect(byId.get("interface-endpoint-in-use")?.inputParameters).toEqual({
      ruleId: "interface-endpoint-in-use",
      lookbackDays: "60",
      minAgeDays: "7",
      maxBytes: "1048576",
    });
    // enumList values are validated, de-duplicated and written comma-separated, in the order given.
    expect(byId.get("nat-subnet-has-gateway-endpoints")?.inputParameters.services).toBe("dynamodb,s3");
    // enum values are normalised to the schema's spelling.
    expect(byId.get("vpc-flow-logs-enabled")).toMatchObject({
      enabled: false,
      inputParameters: { ruleId: "vpc-flow-logs-enabled", trafficType: "REJECT" },
    });
    expect(prod.digest).toEqual({ enabled: true, schedule: "cron(0 9 ? * MON *)", onAllClear: "send", topOffenders: 10 });
  });
});

describe("settingsFor: evaluator.tracing (X-Ray)", () => {
  test("Given no tracing setting (built-in defaults and the committed file), Then tracing is off", () => {
    expect(BUILT_IN_DEFAULTS.evaluator.tracing).toBe(false);
    expect(settingsFor("dev", EMPTY).evaluator.tracing).toBe(false);
    expect(settingsFor("any-stage").evaluator.tracing).toBe(false);
  });

  test("Given tracing true for one stage only, Then that stage traces, the others do not, and the other evaluator settings are untouched", () => {
    const file: SettingsFile = {
      defaults: { evaluator: { memorySize: 2048 } },
      stages: { prod: { evaluator: { tracing: true } } },
    };
    expect(settingsFor("prod", file).evaluator).toEqual({
      memorySize: 2048,
      timeout: 600,
      logRetention: 30,
      metrics: true,
      tracing: true,
    });
    expect(settingsFor("dev", file).evaluator.tracing).toBe(false);
  });

  test("Given tracing true in the defaults and false in a stage, Then the stage's false wins", () => {
    const file: SettingsFile = {
      defaults: { evaluator: { tracing: true } },
      stages: { dev: { evaluator: { tracing: false } } },
    };
    expect(settingsFor("dev", file).evaluator.tracing).toBe(false);
    expect(settingsFor("prod", file).evaluator.tracing).toBe(true);
  });

  test.each([["true"], ["false"], [1], [0], [null], [{}]])(
    "Given evaluator.tracing %j (not a boolean), Then SettingsError names the stage and the setting, and nothing is returned",
    (tracing) => {
      const file = { defaults: {}, stages: { prod: { evaluator: { tracing } } } } as unknown as SettingsFile;
      const error = caught(() => settingsFor("prod", file));
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).stage).toBe("prod");
      expect((error as Error).message).toBe(
        `Invalid endpoint-auditor settings for stage "prod": evaluator.tracing must be true or false; got ${JSON.stringify(tracing)}`,
      );
    },
  );
});

describe("settingsFor: digest overrides", () => {
  const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const file: SettingsFile = {
    defaults: { digest: { topOffenders: 20, webhookParameterName: "/org/slack/auditor" } },
    stages: {
      prod: { digest: { schedule: " cron(0 7 ? * MON-FRI *) ", onAllClear: "skip", webhookKmsKeyArn: KEY } },
      dev: { digest: { enabled: false } },
      weekly: { digest: { schedule: "rate(7 days)", webhookParameterName: "slack-webhook" } },
    },
  };

  test("Given digest options in the defaults and a stage, Then they merge field by field (schedule trimmed)", () => {
    expect(settingsFor("prod", file).digest).toEqual({
      enabled: true,
      schedule: "cron(0 7 ? * MON-FRI *)",
      onAllClear: "skip",
      topOffenders: 20,
      webhookParameterName: "/org/slack/auditor",
      webhookKmsKeyArn: KEY,
    });
    expect(settingsFor("weekly", file).digest).toEqual({
      enabled: true,
      schedule: "rate(7 days)",
      onAllClear: "send",
      topOffenders: 20,
      webhookParameterName: "slack-webhook",
    });
  });

  test("Given digest.enabled false for one stage, Then only that stage turns it off", () => {
    expect(settingsFor("dev", file).digest.enabled).toBe(false);
    expect(settingsFor("other", file).digest.enabled).toBe(true);
  });

  test("Given the boundaries of topOffenders, Then 1 and 50 are accepted", () => {
    for (const topOffenders of [1, 50]) {
      expect(settingsFor("dev", { defaults: { digest: { topOffenders } }, stages: {} }).digest.topOffenders).toBe(topOffenders);
    }
  });
});

describe("settingsFor: invalid settings are refused with a clear error", () => {
  test("Given an unknown rule id, Then SettingsError names the stage, the id and the known rules, with UnknownRuleError as cause", () => {
    const error = caught(() =>
      settingsFor("prod", { defaults: {}, stages: { prod: { rules: { "no-such-rule": { enabled: false } } } } }),
    );
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).stage).toBe("prod");
    expect((error as Error).message).toMatch(/stage "prod".*Unknown rule "no-such-rule".*interface-endpoint-in-use/);
    expect((error as Error).cause).toBeInstanceOf(UnknownRuleError);
  });

  test("Given a parameter outside its bounds, Then SettingsError carries the ParameterValidationError naming rule, parameter and allowed range", () => {
    const error = caught(() =>
      settingsFor("dev", {
        defaults: { rules: { "interface-endpoint-in-use": { parameters: { lookbackDays: 1000 } } } },
        stages: {},
      }),
    );
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(
      /Invalid parameter "lookbackDays" for rule interface-endpoint-in-use: got 1000; allowed: an integer from 1 to 455/,
    );
    const cause = (error as Error).cause as ParameterValidationError;
    expect(cause).toBeInstanceOf(ParameterValidationError);
    expect(cause.parameter).toBe("lookbackDays");
  });

  test("Given a parameter the rule does not have, Then the error lists the rule's parameters", () => {
    expect(() =>
      settingsFor("dev", { defaults: { rules: { "vpc-flow-logs-enabled": { parameters: { lookback: 3 } } } }, stages: {} }),
    ).toThrow(/Invalid parameter "lookback" for rule vpc-flow-logs-enabled.*known: trafficType/);
  });

  test("Given an enum value not in the schema, Then it is refused", () => {
    expect(() =>
      settingsFor("dev", {
        defaults: { rules: { "nat-subnet-has-gateway-endpoints": { parameters: { services: ["s3", "ec2"] } } } },
        stages: {},
      }),
    ).toThrow(/services.*allowed: a comma-separated list of s3, dynamodb/);
  });

  test("Given a frequency Config does not accept, Then it is refused listing the accepted ones", () => {
    const file = { defaults: { maximumExecutionFrequency: "Daily" }, stages: {} } as unknown as SettingsFile;
    expect(() => settingsFor("dev", file)).toThrow(
      /maximumExecutionFrequency must be one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours; got "Daily"/,
    );
  });

  test.each([
    [{ memorySize: 64 }, /evaluator.memorySize must be an integer from 128 to 10240; got 64/],
    [{ memorySize: 1024.5 }, /evaluator.memorySize must be an integer/],
    [{ timeout: 901 }, /evaluator.timeout must be an integer from 1 to 900; got 901/],
    [{ logRetention: 10 }, /evaluator.logRetention must be one of 1, 3, 5, 7, 14, 30.*got 10/],
    [{ metrics: "off" }, /evaluator.metrics must be true or false; got "off"/],
  ])("Given evaluator settings %j, Then they are refused", (evaluator, message) => {
    const file = { defaults: { evaluator }, stages: {} } as unknown as SettingsFile;
    expect(() => settingsFor("dev", file)).toThrow(message);
  });

  test("Given every rule disabled, Then the stage is refused (nothing to deploy)", () => {
    const rules = Object.fromEntries(RULES.map((r) => [r.metadata.id, { enabled: false }]));
    expect(() => settingsFor("dev", { defaults: { rules }, stages: {} })).toThrow(/every rule is disabled/);
  });

  test("Given enabled that is not a boolean, Then it is refused", () => {
    const file = {
      defaults: { rules: { "vpc-flow-logs-enabled": { enabled: "no" } } },
      stages: {},
    } as unknown as SettingsFile;
    expect(() => settingsFor("dev", file)).toThrow(/rules.vpc-flow-logs-enabled.enabled must be true or false/);
  });

  test("Given a digest schedule that is not an EventBridge expression, Then it is refused", () => {
    expect(() => settingsFor("dev", { defaults: { digest: { schedule: "every monday" } }, stages: {} })).toThrow(
      /digest.schedule must be an EventBridge schedule expression/,
    );
  });

  test.each([
    [{ enabled: "yes" }, /digest.enabled must be true or false; got "yes"/],
    [{ schedule: "cron(0 9 * * MON)" }, /digest.schedule must be an EventBridge schedule expression.*has 5 fields; EventBridge cron needs 6/],
    [{ schedule: "cron(0 9 * * MON *)" }, /digest.schedule .*must use "\?" in day-of-month or day-of-week/],
    [{ schedule: "rate(1 days)" }, /digest.schedule .*singular unit for 1 and a plural one otherwise/],
    [{ schedule: "rate(0 days)" }, /digest.schedule .*is not an EventBridge cron\(\.\.\.\) or rate\(\.\.\.\) expression/],
    [{ schedule: 7 }, /digest.schedule .*is not a string/],
    [{ onAllClear: "never" }, /digest.onAllClear must be one of "send", "skip"; got "never"/],
    [{ topOffenders: 0 }, /digest.topOffenders must be an integer from 1 to 50; got 0/],
    [{ topOffenders: 51 }, /digest.topOffenders must be an integer from 1 to 50; got 51/],
    [{ topOffenders: 2.5 }, /digest.topOffenders must be an integer from 1 to 50; got 2.5/],
    [{ topOffenders: "10" }, /digest.topOffenders must be an integer from 1 to 50; got "10"/],
    [{ webhookParameterName: "" }, /digest.webhookParameterName must be a non-empty string/],
    [{ webhookParameterName: "endpoint-auditor/slack" }, /digest.webhookParameterName "endpoint-auditor\/slack" has "\/" so it must start with "\/"/],
    [{ webhookParameterName: "/endpoint auditor/slack" }, /digest.webhookParameterName .*may contain only letters, digits/],
    [{ webhookParameterName: "/a//b" }, /digest.webhookParameterName .*has an empty level/],
    [{ webhookParameterName: "/a/b/" }, /digest.webhookParameterName .*has an empty level/],
    [{ webhookParameterName: `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join("/")}` }, /has 16 levels; Systems Manager allows 15/],
    [{ webhookParameterName: `/${"x".repeat(1011)}` }, /digest.webhookParameterName is 1012 characters; Systems Manager allows 1011/],
    [{ webhookParameterName: "/aws/slack" }, /digest.webhookParameterName .*starts with "aws" or "ssm"/],
    [{ webhookParameterName: "SSMslack" }, /digest.webhookParameterName .*starts with "aws" or "ssm"/],
    [{ webhookKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/slack" }, /digest.webhookKmsKeyArn must be a key ARN .*not an alias ARN/],
    [{ webhookKmsKeyArn: "1234abcd-12ab-34cd-56ef-1234567890ab" }, /digest.webhookKmsKeyArn must be a KMS key ARN like arn:aws:kms:<region>:<account>:key\/<key-id>/],
  ])("Given digest settings %j, Then SettingsError says what is wrong", (digest, message) => {
    const file = { defaults: { digest }, stages: {} } as unknown as SettingsFile;
    const error = caught(() => settingsFor("dev", file));
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/^Invalid endpoint-auditor settings for stage "dev": /);
    expect((error as Error).message).toMatch(message);
  });

  test.each([
    "https://hooks.slack.com/services/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",
    "hooks.slack.com/services/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",
  ])("Given the webhook URL %s as digest.webhookParameterName, Then it is refused without repeating the secret", (url) => {
    const error = caught(() => settingsFor("prod", { defaults: {}, stages: { prod: { digest: { webhookParameterName: url } } } }));
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/digest.webhookParameterName must be the NAME of an SSM parameter, not the webhook URL/);
    expect((error as Error).message).not.toContain("Vb7nM2kL9pQ4rS8tW1xY5zA3");
  });

  test("Given a multi-Region key ARN, Then it is accepted", () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    expect(settingsFor("dev", { defaults: { digest: { webhookKmsKeyArn: arn } }, stages: {} }).digest.webhookKmsKeyArn).toBe(arn);
  });

  test("Given a rule whose input parameters exceed Config's 1024 characters, Then it is refused naming the rule", () => {
    const values = Array.from({ length: 60 }, (_, i) => `value-number-${String(i).padStart(3, "0")}`);
    const wide = defineRule({
      metadata: {
        ...RULES[0]!.metadata,
        id: "wide-rule",
        parameters: { items: { type: "enumList", description: "many", values, default: values } },
      },
      evaluate: () => [],
    }) as unknown as AnyRule;
    expect(() => settingsFor("dev", EMPTY, [wide])).toThrow(
      /rule wide-rule: InputParameters are \d+ characters; AWS Config allows 1024/,
    );
  });
});

describe("parameterAsString", () => {
  test("Given parsed values of each parameter type, Then they become Config input-parameter text", () => {
    expect(parameterAsString({ type: "integer", description: "", default: 1, minimum: 0 }, 42)).toBe("42");
    expect(parameterAsString({ type: "enum", description: "", values: ["A", "B"] }, "B")).toBe("B");
    expect(parameterAsString({ type: "enum", description: "", values: ["A", "B"] }, undefined)).toBeUndefined();
    expect(parameterAsString({ type: "enumList", description: "", values: ["a", "b"], default: ["a"] }, ["b", "a"])).toBe(
      "b,a",
    );
  });
});
