import { describe, expect, it } from "vitest";
import { ParameterValidationError, UnknownRuleError } from "../errors";
import { Compliance, ResourceTypes } from "../evaluation";
import { defineRule, type AnyRule } from "../rules/rule";
import { ConfigEventError } from "./errors";
import { ConfigMessageTypes, parseConfigEvent } from "./events";
import { changeEventFor, eventWith, exampleEvent } from "@endpoint-auditor/core/testing";

// A registry of one rule with one bounded integer and one enum parameter: what parsing validates against.
const testRule = defineRule({
  metadata: {
    id: "test-vpc-rule",
    title: "Test rule",
    resourceType: ResourceTypes.Vpc,
    severity: "low",
    description: "Test rule.",
    risk: "None.",
    parameters: {
      lookbackDays: { type: "integer", description: "Days.", default: 30, minimum: 1, maximum: 90 },
      mode: { type: "enum", description: "Mode.", values: ["strict", "lenient"], default: "strict" },
    },
    requires: ["vpcs"],
    remediation: { text: "-", cli: "-", terraform: "-" },
  },
  evaluate: ({ inventory }) =>
    [...inventory.vpcs.values()].map((v) => ({ resourceId: v.id, compliance: Compliance.COMPLIANT, annotation: "ok" })),
});
const registry = [testRule as unknown as AnyRule];
const params = { ruleId: "test-vpc-rule" };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("parseConfigEvent: the documented example events", () => {
  it("Given the developer guide's periodic example, Then it is a ScheduledNotification with its creation time", () => {
    const parsed = parseConfigEvent(eventWith("scheduled", params), registry);
    expect(parsed.messageType).toBe(ConfigMessageTypes.ScheduledNotification);
    if (parsed.messageType !== ConfigMessageTypes.ScheduledNotification) throw new Error("narrowing");
    expect(parsed.notificationCreationTime.toISOString()).toBe("2016-07-13T21:50:00.373Z");
    expect(parsed).toMatchObject({
      configRuleName: "periodic-config-rule",
      configRuleArn: "arn:aws:config:us-east-2:123456789012:config-rule/config-rule-0123456",
      configRuleId: "config-rule-6543210",
      accountId: "123456789012",
      resultToken: "myResultToken",
      eventLeftScope: false,
      executionRoleArn: "arn:aws:iam::123456789012:role/config-role",
      version: "1.0",
    });
    expect(parsed.rule.rule.metadata.id).toBe("test-vpc-rule");
    expect(parsed.rule.params).toEqual({ lookbackDays: 30, mode: "strict" });
  });

  it("Given the configuration-change example, Then the changed resource is read from configurationItem", () => {
    const parsed = parseConfigEvent(eventWith("change", params), registry);
    expect(parsed.messageType).toBe(ConfigMessageTypes.ConfigurationItemChangeNotification);
    if (parsed.messageType === ConfigMessageTypes.ScheduledNotification) throw new Error("narrowing");
    expect(parsed.resource).toEqual({
      resourceType: "AWS::EC2::Instance",
      resourceId: "i-00000000",
      status: "OK",
      captureTime: new Date("2016-02-17T01:36:34.043Z"),
      awsRegion: "us-east-2",
      awsAccountId: "123456789012",
      arn: "arn:aws:ec2:us-east-2:123456789012:instance/i-00000000",
    });
    expect(parsed.configRuleName).toBe("change-triggered-config-rule");
  });

  it("Given the oversized-change example, Then the changed resource is read from configurationItemSummary", () => {
    const parsed = parseConfigEvent(eventWith("oversized", params), registry);
    expect(parsed.messageType).toBe(ConfigMessageTypes.OversizedConfigurationItemChangeNotification);
    if (parsed.messageType === ConfigMessageTypes.ScheduledNotification) throw new Error("narrowing");
    expect(parsed.resource).toEqual({
      resourceType: "AWS::EC2::Instance",
      resourceId: "i-00000000",
      status: "OK",
      captureTime: new Date("2016-10-06T16:46:16.261Z"),
      awsRegion: "us-west-2",
      awsAccountId: "123456789012",
      arn: "arn:aws:ec2:us-west-2:123456789012:instance/i-00000000",
    });
  });

  it("Given a change event with eventLeftScope true, Then it is carried", () => {
    const parsed = parseConfigEvent(eventWith("change", params, { eventLeftScope: true }), registry);
    expect(parsed.eventLeftScope).toBe(true);
  });

  it("Given a deleted resource's configuration item, Then its status is kept for the verdict", () => {
    const event = changeEventFor("change", params, { configurationItemStatus: "ResourceDeleted", configuration: null });
    const parsed = parseConfigEvent(event, registry);
    if (parsed.messageType === ConfigMessageTypes.ScheduledNotification) throw new Error("narrowing");
    expect(parsed.resource.status).toBe("ResourceDeleted");
  });
});

describe("parseConfigEvent: rule parameters", () => {
  it("Given string parameters as Config sends them, Then they are validated and converted", () => {
    const parsed = parseConfigEvent(eventWith("scheduled", { ruleId: "test-vpc-rule", lookbackDays: "60", mode: "LENIENT" }), registry);
    expect(parsed.rule.params).toEqual({ lookbackDays: 60, mode: "lenient" });
  });

  it("Given the documented example's own parameters (no ruleId), Then ParameterValidationError names ruleId and the known rules", () => {
    const error = thrown(() => parseConfigEvent(exampleEvent("scheduled"), registry));
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect(error).toMatchObject({ parameter: "ruleId", allowed: "one of test-vpc-rule", ruleId: "periodic-config-rule" });
  });

  it("Given no ruleParameters at all, Then ParameterValidationError names ruleId", () => {
    const event: Record<string, unknown> = { ...exampleEvent("scheduled") };
    delete event.ruleParameters;
    expect(thrown(() => parseConfigEvent(event, registry))).toMatchObject({ name: "ParameterValidationError", parameter: "ruleId" });
  });

  it("Given an unknown ruleId, Then UnknownRuleError lists the known rules", () => {
    const error = thrown(() => parseConfigEvent(eventWith("scheduled", { ruleId: "no-such-rule" }), registry));
    expect(error).toBeInstanceOf(UnknownRuleError);
    expect((error as Error).message).toContain('"no-such-rule"');
    expect((error as Error).message).toContain("test-vpc-rule");
  });

  it('Given lookbackDays "abc", Then ParameterValidationError names the parameter and its allowed values', () => {
    const error = thrown(() => parseConfigEvent(eventWith("scheduled", { ruleId: "test-vpc-rule", lookbackDays: "abc" }), registry));
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect(error).toMatchObject({ parameter: "lookbackDays", allowed: "an integer from 1 to 90", ruleId: "test-vpc-rule" });
  });

  it("Given a value outside the bounds, Then ParameterValidationError", () => {
    const error = thrown(() => parseConfigEvent(eventWith("scheduled", { ruleId: "test-vpc-rule", lookbackDays: "91" }), registry));
    expect(error).toMatchObject({ name: "ParameterValidationError", parameter: "lookbackDays" });
  });

  it("Given an enum value that is not allowed, Then ParameterValidationError lists the values", () => {
    const error = thrown(() => parseConfigEvent(eventWith("scheduled", { ruleId: "test-vpc-rule", mode: "loose" }), registry));
    expect(error).toMatchObject({ name: "ParameterValidationError", parameter: "mode", allowed: "one of strict, lenient" });
  });

  it("Given a parameter the rule does not have (a typo), Then ParameterValidationError names it", () => {
    const error = thrown(() => parseConfigEvent(eventWith("scheduled", { ruleId: "test-vpc-rule", lookbackDay: "60" }), registry));
    expect(error).toMatchObject({ name: "ParameterValidationError", parameter: "lookbackDay" });
    expect((error as Error).message).toContain("known: lookbackDays, mode");
  });

  it("Given ruleParameters that are not JSON, Then ConfigEventError names ruleParameters", () => {
    const error = thrown(() => parseConfigEvent({ ...exampleEvent("scheduled"), ruleParameters: "{ruleId: x" }, registry));
    expect(error).toBeInstanceOf(ConfigEventError);
    expect(error).toMatchObject({ field: "ruleParameters" });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("Given ruleParameters as an object instead of a JSON string, Then ConfigEventError", () => {
    const error = thrown(() => parseConfigEvent({ ...exampleEvent("scheduled"), ruleParameters: params }, registry));
    expect(error).toMatchObject({ name: "ConfigEventError", field: "ruleParameters" });
  });
});

describe("parseConfigEvent: malformed events", () => {
  const cases: [string, () => unknown, string][] = [
    ["null", () => null, "(event)"],
    ["a string", () => JSON.stringify(eventWith("scheduled", params)), "(event)"],
    ["no configRuleName", () => ({ ...eventWith("scheduled", params), configRuleName: undefined }), "configRuleName"],
    ["an account id that is not 12 digits", () => eventWith("scheduled", params, { accountId: "12345" }), "accountId"],
    ["an empty resultToken", () => eventWith("scheduled", params, { resultToken: "" }), "resultToken"],
    ["eventLeftScope as a string", () => ({ ...eventWith("scheduled", params), eventLeftScope: "true" }), "eventLeftScope"],
    ["no invokingEvent", () => ({ ...eventWith("scheduled", params), invokingEvent: undefined }), "invokingEvent"],
    [
      "invokingEvent already parsed (an object)",
      () => ({ ...eventWith("scheduled", params), invokingEvent: JSON.parse(exampleEvent("scheduled").invokingEvent) }),
      "invokingEvent",
    ],
    ["invokingEvent that is not JSON", () => eventWith("scheduled", params, { invokingEvent: '{"messageType":' }), "invokingEvent"],
    ["invokingEvent that is a JSON list", () => eventWith("scheduled", params, { invokingEvent: "[]" }), "invokingEvent"],
    [
      "a ConfigurationSnapshotDeliveryCompleted message",
      () =>
        eventWith("scheduled", params, {
          invokingEvent: JSON.stringify({
            configSnapshotId: "00000000-0000-0000-0000-000000000000",
            s3ObjectKey: "AWSLogs/000000000000/Config/us-east-1/2016/2/24/ConfigSnapshot/x.json.gz",
            s3Bucket: "config-bucket",
            notificationCreationTime: "2016-02-24T18:23:20.328Z",
            messageType: "ConfigurationSnapshotDeliveryCompleted",
            recordVersion: "1.1",
          }),
        }),
      "invokingEvent.messageType",
    ],
    [
      "no messageType",
      () => eventWith("scheduled", params, { invokingEvent: JSON.stringify({ notificationCreationTime: "2016-07-13T21:50:00.373Z" }) }),
      "invokingEvent.messageType",
    ],
    [
      "a scheduled notification without a creation time",
      () => eventWith("scheduled", params, { invokingEvent: JSON.stringify({ messageType: "ScheduledNotification" }) }),
      "invokingEvent.notificationCreationTime",
    ],
    [
      "a scheduled notification with a creation time that is not a time",
      () =>
        eventWith("scheduled", params, {
          invokingEvent: JSON.stringify({ messageType: "ScheduledNotification", notificationCreationTime: "yesterday" }),
        }),
      "invokingEvent.notificationCreationTime",
    ],
    [
      "a change notification without its configuration item",
      () => eventWith("change", params, { invokingEvent: JSON.stringify({ messageType: "ConfigurationItemChangeNotification" }) }),
      "invokingEvent.configurationItem",
    ],
    [
      "a configuration item without a resource id",
      () => changeEventFor("change", params, { resourceId: null }),
      "invokingEvent.configurationItem.resourceId",
    ],
    [
      "an oversized summary without a capture time",
      () => changeEventFor("oversized", params, { configurationItemCaptureTime: undefined }),
      "invokingEvent.configurationItemSummary.configurationItemCaptureTime",
    ],
    [
      "an oversized summary without a status",
      () => changeEventFor("oversized", params, { configurationItemStatus: 3 }),
      "invokingEvent.configurationItemSummary.configurationItemStatus",
    ],
  ];
  for (const [name, event, field] of cases) {
    it(`Given ${name}, Then ConfigEventError names ${field}`, () => {
      const error = thrown(() => parseConfigEvent(event(), registry));
      expect(error).toBeInstanceOf(ConfigEventError);
      expect(error).toMatchObject({ field });
      expect((error as Error).message).toContain(field);
    });
  }

  it("Given an unsupported message type, Then the error lists the supported ones", () => {
    const event = eventWith("scheduled", params, {
      invokingEvent: JSON.stringify({ messageType: "ConfigurationSnapshotDeliveryCompleted", notificationCreationTime: "2016-02-24T18:23:20.328Z" }),
    });
    const error = thrown(() => parseConfigEvent(event, registry)) as Error;
    expect(error.message).toContain('"ConfigurationSnapshotDeliveryCompleted"');
    expect(error.message).toContain("ScheduledNotification, ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification");
  });

  it("Given a malformed event with a rule name, Then the error names the Config rule", () => {
    const error = thrown(() => parseConfigEvent(eventWith("scheduled", params, { resultToken: "" }), registry));
    expect(error).toMatchObject({ configRuleName: "periodic-config-rule" });
    expect((error as Error).message).toContain("periodic-config-rule");
  });
});
