/**
 * The digest function's settings from the environment the stack sets. The variable names are written out
 * here on purpose: they are a contract with deployed stacks, so renaming one must break a test.
 */
import { describe, expect, it } from "vitest";
import { DigestConfigurationError, digestSettingsFromEnv } from "./settings";

const base = {
  HISTORY_TABLE_NAME: "history",
  IDEMPOTENCY_TABLE_NAME: "idempotency",
  SLACK_WEBHOOK_PARAMETER_NAME: "/endpoint-auditor/prod/slack-webhook-url",
  DEPLOYED_CONFIG_RULES: '{"vpc-flow-logs-enabled":"endpoint-auditor-prod-vpc-flow-logs-enabled"}',
};

function failure(env: Record<string, string>): DigestConfigurationError {
  try {
    digestSettingsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(DigestConfigurationError);
    return error as DigestConfigurationError;
  }
  throw new Error("expected a DigestConfigurationError");
}

describe("digestSettingsFromEnv", () => {
  it("Given the required variables only, Then defaults apply", () => {
    expect(digestSettingsFromEnv(base)).toEqual({
      historyTableName: "history",
      idempotencyTableName: "idempotency",
      webhookParameterName: "/endpoint-auditor/prod/slack-webhook-url",
      onAllClear: "send",
      topOffenders: 10,
      configRuleNamePrefix: "",
      webhookCacheSeconds: 300,
      slackTimeoutMs: 10_000,
      deployedRules: [{ ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled" }],
      frequency: "TwentyFour_Hours",
    });
  });

  it("Given every variable as the stack sets it (with stray spaces), Then each is read and trimmed", () => {
    expect(
      digestSettingsFromEnv({
        ...base,
        DIGEST_ON_ALL_CLEAR: " skip ",
        DIGEST_TOP_OFFENDERS: "50",
        CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-prod- ",
        WEBHOOK_CACHE_SECONDS: "0",
        SLACK_TIMEOUT_MS: "60000",
      }),
    ).toMatchObject({ onAllClear: "skip", topOffenders: 50, configRuleNamePrefix: "endpoint-auditor-prod-", webhookCacheSeconds: 0, slackTimeoutMs: 60_000 });
  });

  it("Given a required variable missing or blank, Then a DigestConfigurationError naming it", () => {
    for (const name of Object.keys(base)) {
      const env: Record<string, string> = { ...base };
      delete env[name];
      expect(failure(env).message).toMatch(new RegExp(`^Environment variable ${name} is not set`));
      expect(failure({ ...base, [name]: "  " }).message).toMatch(new RegExp(`^Environment variable ${name} is not set`));
    }
  });

  it("Given DIGEST_ON_ALL_CLEAR other than send or skip, Then the error names the variable and both values", () => {
    expect(failure({ ...base, DIGEST_ON_ALL_CLEAR: "never" }).message).toBe(
      'Environment variable DIGEST_ON_ALL_CLEAR must be "send" or "skip", got "never"',
    );
  });

  it("Given an integer variable out of its bounds or not an integer, Then the error names it with its bounds", () => {
    const cases: Array<[string, string, string]> = [
      ["DIGEST_TOP_OFFENDERS", "0", "from 1 to 50"],
      ["DIGEST_TOP_OFFENDERS", "51", "from 1 to 50"],
      ["DIGEST_TOP_OFFENDERS", "2.5", "from 1 to 50"],
      ["WEBHOOK_CACHE_SECONDS", "-1", "from 0 to 86400"],
      ["SLACK_TIMEOUT_MS", "99", "from 100 to 60000"],
      ["SLACK_TIMEOUT_MS", "ten seconds", "from 100 to 60000"],
    ];
    for (const [name, value, bounds] of cases) {
      expect(failure({ ...base, [name]: value }).message).toBe(`Environment variable ${name} must be an integer ${bounds}, got "${value}"`);
    }
  });

  it("Given DEPLOYED_CONFIG_RULES that is not JSON, names an unknown rule, or EVALUATION_FREQUENCY Config does not accept, Then the error names the variable", () => {
    expect(failure({ ...base, DEPLOYED_CONFIG_RULES: "vpc-flow-logs-enabled" }).message).toMatch(/^Environment variable DEPLOYED_CONFIG_RULES is not JSON/);
    expect(failure({ ...base, DEPLOYED_CONFIG_RULES: '{"no-such-rule":"x"}' }).message).toBe(
      'Environment variable DEPLOYED_CONFIG_RULES names rule "no-such-rule", which is not registered',
    );
    expect(failure({ ...base, EVALUATION_FREQUENCY: "Daily" }).message).toMatch(/^Environment variable EVALUATION_FREQUENCY must be one of One_Hour, .*TwentyFour_Hours, got "Daily"$/);
    expect(digestSettingsFromEnv({ ...base, EVALUATION_FREQUENCY: "Six_Hours" }).frequency).toBe("Six_Hours");
  });
});
