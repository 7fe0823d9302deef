import { describe, expect, it } from "vitest";
import { DigestConfigurationError } from "../digest/settings";
import { orgDigestSettingsFromEnv } from "./settings";

const BASE = {
  CONFIG_AGGREGATOR_NAME: "org-aggregator",
  ORG_STATE_TABLE_NAME: "org-state",
  IDEMPOTENCY_TABLE_NAME: "org-idempotency",
  SLACK_WEBHOOK_PARAMETER_NAME: "/endpoint-auditor/slack-webhook-url",
  CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-prod-",
};

describe("organization digest settings from the environment", () => {
  it("Given the required variables only, Then the defaults of core's limits apply", () => {
    expect(orgDigestSettingsFromEnv(BASE)).toEqual({
      aggregatorName: "org-aggregator",
      stateTableName: "org-state",
      idempotencyTableName: "org-idempotency",
      webhookParameterName: "/endpoint-auditor/slack-webhook-url",
      configRuleNamePrefix: "endpoint-auditor-prod-",
      onAllClear: "send",
      topOffenders: 10,
      topAccounts: 10,
      evaluationFrequencyHours: 24,
      webhookCacheSeconds: 300,
      slackTimeoutMs: 10_000,
    });
  });

  it("Given every optional variable, Then each is read", () => {
    const settings = orgDigestSettingsFromEnv({ ...BASE, DIGEST_ON_ALL_CLEAR: "skip", DIGEST_TOP_OFFENDERS: "20", ORG_DIGEST_TOP_ACCOUNTS: "25", EVALUATION_FREQUENCY_HOURS: "12" });
    expect(settings).toMatchObject({ onAllClear: "skip", topOffenders: 20, topAccounts: 25, evaluationFrequencyHours: 12 });
  });

  it.each(Object.keys(BASE))("Given %s missing, Then a DigestConfigurationError naming it", (name) => {
    const env: Record<string, string | undefined> = { ...BASE, [name]: undefined };
    expect(() => orgDigestSettingsFromEnv(env)).toThrow(DigestConfigurationError);
    expect(() => orgDigestSettingsFromEnv(env)).toThrow(name);
  });

  it("Given values out of bounds or of the wrong form, Then a DigestConfigurationError naming the variable and what it accepts", () => {
    expect(() => orgDigestSettingsFromEnv({ ...BASE, EVALUATION_FREQUENCY_HOURS: "48" })).toThrow("EVALUATION_FREQUENCY_HOURS must be an integer from 1 to 24");
    expect(() => orgDigestSettingsFromEnv({ ...BASE, ORG_DIGEST_TOP_ACCOUNTS: "0" })).toThrow("ORG_DIGEST_TOP_ACCOUNTS must be an integer from 1 to 50");
    expect(() => orgDigestSettingsFromEnv({ ...BASE, DIGEST_ON_ALL_CLEAR: "maybe" })).toThrow('DIGEST_ON_ALL_CLEAR must be "send" or "skip"');
    expect(() => orgDigestSettingsFromEnv({ ...BASE, CONFIG_AGGREGATOR_NAME: "org aggregator" })).toThrow("CONFIG_AGGREGATOR_NAME must match");
  });
});
