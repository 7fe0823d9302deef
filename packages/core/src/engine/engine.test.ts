import { describe, expect, it } from "vitest";
import { evaluateInventory, metricWindowDays, partsFor, prepareRules } from "./engine";
import { DuplicateRuleError, ParameterValidationError, RuleEvaluationError, UnknownRuleError } from "../errors";
import { Compliance, EXEMPT_TAG, ResourceTypes, type Finding, type ResourceType } from "../evaluation";
import { ALL_PARTS, resolveParts, type InventoryPart } from "../inventory/parts";
import { defineRule, type AnyRule } from "../rules/rule";
import { RULES } from "../rules/index";
import { FIXTURE_NOW, InventoryBuilder, routeTo } from "@endpoint-auditor/core/testing";

/** The registered rules whose data includes `part` (directly or as a dependency), in registry order. */
function rulesNeeding(part: InventoryPart): string[] {
  return RULES.filter((r) => resolveParts(r.metadata.requires).includes(part)).map((r) => r.metadata.id);
}

/** A test rule that returns fixed findings for whatever resource type it claims. */
function fixedRule(
  id: string,
  findings: (ids: { vpc: string; subnet: string; endpoint: string }) => Finding[],
  options: { resourceType?: ResourceType; requires?: InventoryPart[]; throws?: unknown } = {},
): { rule: AnyRule; ids: { vpc: string; subnet: string; endpoint: string }; builder: InventoryBuilder } {
  const builder = new InventoryBuilder();
  const vpc = builder.vpc({ tags: { team: "payments" } });
  const subnet = builder.subnet({ vpcId: vpc });
  const endpoint = builder.interfaceEndpoint({ vpcId: vpc, service: "ssm", subnetIds: [subnet] });
  const ids = { vpc, subnet, endpoint };
  const rule = defineRule({
    metadata: {
      id,
      title: "test rule",
      resourceType: options.resourceType ?? ResourceTypes.Vpc,
      severity: "low",
      description: "A rule used to test the engine.",
      risk: "None.",
      parameters: {},
      requires: options.requires ?? ["vpcs"],
      remediation: { text: "n/a", cli: "aws ec2 describe-vpcs", terraform: 'resource "aws_vpc" "x" {}' },
    },
    evaluate: () => {
      if (options.throws !== undefined) throw options.throws;
      return findings(ids);
    },
  }) as AnyRule;
  return { rule, ids, builder };
}

describe("prepareRules", () => {
  it("Given no selections, Then every registered rule runs with its defaults", () => {
    const prepared = prepareRules();
    expect(prepared.map((p) => p.rule.metadata.id)).toEqual(RULES.map((r) => r.metadata.id));
    expect(prepared[0]?.params).toEqual({ lookbackDays: 30, minAgeDays: 7, maxBytes: 0 });
    expect(prepared[2]?.params).toEqual({ services: ["s3"] });
    expect(prepared[3]?.params).toEqual({ trafficType: undefined });
  });

  it("Given selections with string parameters as AWS Config sends them, Then they are validated and typed", () => {
    const [p] = prepareRules([{ ruleId: "interface-endpoint-in-use", params: { lookbackDays: "90", maxBytes: "1048576" } }]);
    expect(p?.params).toEqual({ lookbackDays: 90, minAgeDays: 7, maxBytes: 1_048_576 });
  });

  it("Given an unknown rule id, Then UnknownRuleError naming the known rules", () => {
    expect(() => prepareRules([{ ruleId: "vpc-flow-logs" }])).toThrow(UnknownRuleError);
    expect(() => prepareRules([{ ruleId: "vpc-flow-logs" }])).toThrow(/known rules: .*vpc-flow-logs-enabled/);
  });

  it("Given a parameter out of bounds, Then ParameterValidationError naming rule and parameter", () => {
    let error: unknown;
    try {
      prepareRules([{ ruleId: "interface-endpoint-in-use", params: { lookbackDays: "456" } }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParameterValidationError);
    expect((error as ParameterValidationError).ruleId).toBe("interface-endpoint-in-use");
    expect((error as ParameterValidationError).parameter).toBe("lookbackDays");
  });
});

describe("partsFor and metricWindowDays", () => {
  it("Given the flow-log rule only, Then only VPCs, subnets and flow logs are collected and no metrics window", () => {
    const rules = prepareRules([{ ruleId: "vpc-flow-logs-enabled" }]);
    expect(partsFor(rules)).toEqual(["vpcs", "subnets", "flowLogs"]);
    expect(metricWindowDays(rules)).toBe(0);
  });

  it("Given the idle-endpoint rule with lookbackDays 90, Then endpoints and their metrics over 90 days are collected", () => {
    const rules = prepareRules([
      { ruleId: "interface-endpoint-in-use", params: { lookbackDays: "90" } },
      { ruleId: "s3-dynamodb-endpoint-is-gateway" },
    ]);
    expect(partsFor(rules)).toEqual(["vpcEndpoints", "vpnGateways", "transitGatewayAttachments", "vpcPeeringConnections", "endpointMetrics"]);
    expect(metricWindowDays(rules)).toBe(90);
  });

  it("Given every rule, Then every part of the table is collected, once (no part is collected that no rule reads)", () => {
    const parts = partsFor(prepareRules());
    expect(new Set(parts).size).toBe(parts.length);
    expect(parts).toEqual([...ALL_PARTS]);
  });
});

describe("evaluateInventory", () => {
  it("Given findings, Then each becomes an evaluation placed in its rule, resource type, region and account", () => {
    const { rule, ids, builder } = fixedRule("t-place", ({ vpc }) => [
      { resourceId: vpc, compliance: Compliance.NON_COMPLIANT, annotation: "No flow log.", monthlySavingsUsd: 3.5 },
    ]);

    const { evaluations, errors } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-place" }], [rule]), FIXTURE_NOW);

    expect(errors).toEqual([]);
    expect(evaluations).toEqual([
      {
        ruleId: "t-place",
        resourceType: "AWS::EC2::VPC",
        resourceId: ids.vpc,
        region: "us-east-1",
        accountId: builder.accountId,
        compliance: "NON_COMPLIANT",
        annotation: "No flow log.",
        monthlySavingsUsd: 3.5,
      },
    ]);
  });

  describe("exemption tag", () => {
    it.each([
      [ResourceTypes.Vpc, "vpc"],
      [ResourceTypes.Subnet, "subnet"],
      [ResourceTypes.VpcEndpoint, "endpoint"],
    ] as const)("Given a %s tagged endpoint-auditor:exempt, Then NOT_APPLICABLE 'Exempt: <value>' without savings", (resourceType, which) => {
      const requires: InventoryPart[] = which === "vpc" ? ["vpcs"] : which === "subnet" ? ["subnets"] : ["vpcEndpoints"];
      const { rule, ids, builder } = fixedRule(
        "t-exempt",
        (all) => [{ resourceId: all[which], compliance: Compliance.NON_COMPLIANT, annotation: "Bad.", monthlySavingsUsd: 14.6 }],
        { resourceType, requires },
      );
      const item =
        which === "vpc" ? builder.vpcs[0] : which === "subnet" ? builder.subnets[0] : builder.vpcEndpoints[0];
      item?.Tags?.push({ Key: EXEMPT_TAG, Value: "  shared services VPC, see ADR-12  " });

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-exempt" }], [rule]), FIXTURE_NOW);

      expect(evaluations).toHaveLength(1);
      expect(evaluations[0]).toMatchObject({ resourceId: ids[which], compliance: "NOT_APPLICABLE", annotation: "Exempt: shared services VPC, see ADR-12" });
      expect(evaluations[0]?.monthlySavingsUsd).toBeUndefined();
    });

    it("Given an exempt tag with an empty value, Then the exemption is ignored: judged normally, the annotation says a reason is needed", () => {
      const { rule, builder } = fixedRule("t-exempt-empty", ({ vpc }) => [{ resourceId: vpc, compliance: "NON_COMPLIANT", annotation: "Bad.", monthlySavingsUsd: 7.3 }]);
      builder.vpcs[0]?.Tags?.push({ Key: EXEMPT_TAG, Value: "  until=2099-01-01 " });

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-exempt-empty" }], [rule]), FIXTURE_NOW);

      expect(evaluations[0]).toMatchObject({
        compliance: "NON_COMPLIANT",
        annotation: 'Exemption ignored: the tag gives no reason (endpoint-auditor:exempt = "<reason> until=YYYY-MM-DD"). Bad.',
        monthlySavingsUsd: 7.3,
      });
      expect(evaluations[0]?.exemption).toBeUndefined();
    });

    describe("governed: reason, expiry, policy", () => {
      const now = new Date("2026-03-31T12:00:00.000Z");
      const judge = (value: string, options: Parameters<typeof evaluateInventory>[3] = {}, at = now) => {
        const { rule, builder } = fixedRule("t-gov", ({ vpc }) => [
          { resourceId: vpc, compliance: "NON_COMPLIANT", annotation: "No flow log on this VPC.", monthlySavingsUsd: 3.5 },
        ]);
        builder.vpcs[0]?.Tags?.push({ Key: EXEMPT_TAG, Value: value });
        return evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-gov" }], [rule]), at, options).evaluations[0];
      };

      it("Given a reason and until= today, Then exempt through the end of that UTC day, carrying the exemption", () => {
        expect(judge("lab VPC, OPS-12 until=2026-03-31")).toMatchObject({
          compliance: "NOT_APPLICABLE",
          annotation: "Exempt until 2026-03-31: lab VPC, OPS-12",
          exemption: { reason: "lab VPC, OPS-12", until: "2026-03-31" },
        });
        expect(judge("lab VPC until=2026-03-31", {}, new Date("2026-03-31T23:59:59.999Z"))?.compliance).toBe("NOT_APPLICABLE");
      });

      it("Given until= yesterday, Then the exemption expired: judged normally (savings kept), the annotation says so first", () => {
        const evaluation = judge("lab VPC until=2026-03-30");
        expect(evaluation).toMatchObject({
          compliance: "NON_COMPLIANT",
          annotation: "Exemption expired 2026-03-30 (lab VPC). No flow log on this VPC.",
          monthlySavingsUsd: 3.5,
        });
        expect(evaluation?.exemption).toBeUndefined();
      });

      it.each([
        ["lab until=2026-02-30", {}, "until=2026-02-30 is not a date (YYYY-MM-DD)"],
        ["lab until=31/03/2026", {}, "until=31/03/2026 is not a date (YYYY-MM-DD)"],
        ["lab until=2026-04-01 until=2026-05-01", {}, "the tag has 2 until= dates; give one"],
        ["lab VPC", { requireExpiry: true }, "this deployment requires an expiry (until=YYYY-MM-DD)"],
        ["lab until=2026-07-01", { maxDays: 90 }, "until=2026-07-01 is more than 90 days away (this deployment's maximum)"],
      ] as const)("Given %j under %j, Then the exemption is ignored: %s", (value, exemptions, problem) => {
        expect(judge(value, { exemptions })).toMatchObject({ compliance: "NON_COMPLIANT", annotation: `Exemption ignored: ${problem}. No flow log on this VPC.` });
      });

      it("Given a maximum of 90 days, Then until= exactly 90 days ahead is accepted and without a maximum any date is", () => {
        expect(judge("lab until=2026-06-29", { exemptions: { maxDays: 90, requireExpiry: true } })?.compliance).toBe("NOT_APPLICABLE");
        expect(judge("lab until=2099-12-31")?.compliance).toBe("NOT_APPLICABLE");
      });

      it("Given a long reason on an expired exemption, Then the rule's annotation still follows within 256 characters", () => {
        const evaluation = judge(`${"r".repeat(200)} until=2026-01-01`);
        expect(evaluation?.annotation).toBe(`Exemption expired 2026-01-01 (${"r".repeat(59)}…). No flow log on this VPC.`);
      });
    });

    it("Given a tag key that only looks like the exempt tag, Then the finding is kept", () => {
      const { rule, builder } = fixedRule("t-exempt-near", ({ vpc }) => [{ resourceId: vpc, compliance: "NON_COMPLIANT", annotation: "Bad." }]);
      builder.vpcs[0]?.Tags?.push({ Key: "Endpoint-Auditor:Exempt", Value: "yes" }, { Key: "endpoint-auditor:exempted", Value: "yes" });

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-exempt-near" }], [rule]), FIXTURE_NOW);

      expect(evaluations[0]?.compliance).toBe("NON_COMPLIANT");
    });

    it("Given a real rule and an exempt idle endpoint, Then the engine reports it exempt", () => {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const idle = b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [b.subnet({ vpcId })], tags: { [EXEMPT_TAG]: "DR standby" } });

      const { evaluations } = evaluateInventory(b.build(), prepareRules([{ ruleId: "interface-endpoint-in-use" }]), FIXTURE_NOW);

      expect(evaluations).toEqual([
        {
          ruleId: "interface-endpoint-in-use",
          resourceType: "AWS::EC2::VPCEndpoint",
          resourceId: idle,
          region: "us-east-1",
          accountId: b.accountId,
          compliance: "NOT_APPLICABLE",
          annotation: "Exempt: DR standby",
          exemption: { reason: "DR standby" },
        },
      ]);
    });
  });

  describe("AWS Config limits", () => {
    it("Given a 1,000-character annotation, Then it is clamped to 256 characters ending with an ellipsis", () => {
      const long = `Start ${"x".repeat(1000)} end`;
      const { rule, builder } = fixedRule("t-clamp", ({ vpc }) => [{ resourceId: vpc, compliance: "NON_COMPLIANT", annotation: long }]);

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-clamp" }], [rule]), FIXTURE_NOW);

      const annotation = evaluations[0]?.annotation ?? "";
      expect(annotation).toHaveLength(256);
      expect(annotation.startsWith("Start xxx")).toBe(true);
      expect(annotation.endsWith("…")).toBe(true);
    });

    it("Given an empty or whitespace annotation, Then it is replaced (AWS Config refuses empty annotations)", () => {
      const { rule, ids, builder } = fixedRule("t-empty", ({ vpc, subnet }) => [
        { resourceId: vpc, compliance: "COMPLIANT", annotation: "" },
        { resourceId: subnet, compliance: "COMPLIANT", annotation: " \n\t " },
      ]);

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-empty" }], [rule]), FIXTURE_NOW);

      expect(evaluations.map((e) => [e.resourceId, e.annotation])).toEqual([
        [ids.vpc, "No details."],
        [ids.subnet, "No details."],
      ]);
    });

    it("Given savings on COMPLIANT and NOT_APPLICABLE findings, Then they are dropped; on NON_COMPLIANT they are kept in cents", () => {
      const { rule, ids, builder } = fixedRule("t-savings", ({ vpc, subnet, endpoint }) => [
        { resourceId: vpc, compliance: "COMPLIANT", annotation: "ok", monthlySavingsUsd: 10 },
        { resourceId: subnet, compliance: "NOT_APPLICABLE", annotation: "n/a", monthlySavingsUsd: 10 },
        { resourceId: endpoint, compliance: "NON_COMPLIANT", annotation: "idle", monthlySavingsUsd: 14.6049 },
      ]);

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-savings" }], [rule]), FIXTURE_NOW);

      const byId = new Map(evaluations.map((e) => [e.resourceId, e]));
      expect(byId.get(ids.vpc)).not.toHaveProperty("monthlySavingsUsd");
      expect(byId.get(ids.subnet)).not.toHaveProperty("monthlySavingsUsd");
      expect(byId.get(ids.endpoint)?.monthlySavingsUsd).toBe(14.6);
    });

    it("Given a NON_COMPLIANT finding with a zero or negative saving, Then no saving is reported", () => {
      const { rule, builder } = fixedRule("t-zero", ({ vpc, subnet }) => [
        { resourceId: vpc, compliance: "NON_COMPLIANT", annotation: "a", monthlySavingsUsd: 0 },
        { resourceId: subnet, compliance: "NON_COMPLIANT", annotation: "b", monthlySavingsUsd: -5 },
      ]);

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-zero" }], [rule]), FIXTURE_NOW);

      expect(evaluations).toHaveLength(2);
      for (const e of evaluations) expect(e).not.toHaveProperty("monthlySavingsUsd");
    });

    it("Given a rule that reports the same resource twice, Then only the first finding becomes an evaluation", () => {
      const { rule, ids, builder } = fixedRule("t-dup", ({ vpc }) => [
        { resourceId: vpc, compliance: "NON_COMPLIANT", annotation: "first" },
        { resourceId: vpc, compliance: "COMPLIANT", annotation: "second" },
      ]);

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-dup" }], [rule]), FIXTURE_NOW);

      expect(evaluations).toHaveLength(1);
      expect(evaluations[0]).toMatchObject({ resourceId: ids.vpc, compliance: "NON_COMPLIANT", annotation: "first" });
    });

    it("Given findings out of the list's order, on unlisted resources and repeated, Then each resource's first finding counts, in the rule's order", () => {
      let second = "";
      const { rule, ids, builder } = fixedRule("t-order", ({ vpc }) => [
        { resourceId: second, compliance: "COMPLIANT", annotation: "second vpc" },
        { resourceId: vpc, compliance: "NON_COMPLIANT", annotation: "first vpc" },
        { resourceId: "vpc-0unlisted000000", compliance: "COMPLIANT", annotation: "unlisted" },
        { resourceId: second, compliance: "NON_COMPLIANT", annotation: "second vpc again" },
        { resourceId: "vpc-0unlisted000000", compliance: "NON_COMPLIANT", annotation: "unlisted again" },
      ]);
      second = builder.vpc();

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-order" }], [rule]), FIXTURE_NOW);

      expect(evaluations.map((e) => [e.resourceId, e.annotation])).toEqual([
        [second, "second vpc"],
        [ids.vpc, "first vpc"],
        ["vpc-0unlisted000000", "unlisted"],
      ]);
    });

    it("Given one finding per resource in the list's order with resources skipped, Then every finding becomes an evaluation", () => {
      let last = "";
      const { rule, ids, builder } = fixedRule("t-skip", ({ vpc }) => [
        { resourceId: vpc, compliance: "COMPLIANT", annotation: "first" },
        { resourceId: last, compliance: "NON_COMPLIANT", annotation: "third" },
      ]);
      builder.vpc();
      last = builder.vpc();

      const { evaluations } = evaluateInventory(builder.build(), prepareRules([{ ruleId: "t-skip" }], [rule]), FIXTURE_NOW);

      expect(evaluations.map((e) => [e.resourceId, e.annotation])).toEqual([
        [ids.vpc, "first"],
        [last, "third"],
      ]);
    });
  });

  describe("missing or failed data", () => {
    function fullAccount(): InventoryBuilder {
      const b = new InventoryBuilder();
      const vpcId = b.vpc();
      const pub = b.subnet({ vpcId });
      const priv = b.subnet({ vpcId });
      b.routeTable({ vpcId, main: true, subnetIds: [pub], routes: [routeTo.internetGateway("igw-0aaaabbbbccccdddd")] });
      const nat = b.natGateway({ vpcId, subnetId: pub });
      b.routeTable({ vpcId, subnetIds: [priv], routes: [routeTo.nat(nat)] });
      b.interfaceEndpoint({ vpcId, service: "s3", subnetIds: [pub, priv] });
      return b;
    }

    it("Given DescribeFlowLogs failed, Then the flow-log rule reports an error and no evaluations, and the other rules still evaluate", () => {
      const b = fullAccount().fail("flowLogs", "ec2:DescribeFlowLogs", "User is not authorized to perform: ec2:DescribeFlowLogs", "UnauthorizedOperation");

      const { evaluations, errors } = evaluateInventory(b.build(), prepareRules(), FIXTURE_NOW);

      expect(errors.filter((e) => e.ruleId === "vpc-flow-logs-enabled")).toEqual([
        {
          region: "us-east-1",
          ruleId: "vpc-flow-logs-enabled",
          message: "not evaluated: ec2:DescribeFlowLogs failed: User is not authorized to perform: ec2:DescribeFlowLogs",
          failedParts: [
            {
              part: "flowLogs",
              call: "ec2:DescribeFlowLogs",
              code: "UnauthorizedOperation",
              message: "User is not authorized to perform: ec2:DescribeFlowLogs",
            },
          ],
        },
      ]);
      // Exactly the rules that need the flow-log list are blocked; every other rule evaluates as in a clean run.
      const blocked = rulesNeeding("flowLogs");
      expect(errors.map((e) => e.ruleId)).toEqual(blocked);
      const clean = evaluateInventory(fullAccount().build(), prepareRules(), FIXTURE_NOW);
      expect(evaluations).toEqual(clean.evaluations.filter((e) => !blocked.includes(e.ruleId)));
      expect(evaluations.some((e) => e.ruleId === "interface-endpoint-in-use")).toBe(true);
    });

    it("Given DescribeVpcEndpoints failed, Then both endpoint rules and the NAT-subnet rule report errors, and the flow-log rule evaluates", () => {
      const b = fullAccount().fail("vpcEndpoints", "ec2:DescribeVpcEndpoints", "Rate exceeded", "RequestLimitExceeded");

      const { evaluations, errors } = evaluateInventory(b.build(), prepareRules(), FIXTURE_NOW);

      const blocked = rulesNeeding("vpcEndpoints");
      expect(blocked).toEqual(expect.arrayContaining(["interface-endpoint-in-use", "s3-dynamodb-endpoint-is-gateway", "nat-subnet-has-gateway-endpoints"]));
      expect(errors.map((e) => e.ruleId)).toEqual(blocked);
      for (const e of errors) expect(e.message).toContain("ec2:DescribeVpcEndpoints failed: Rate exceeded");
      const clean = evaluateInventory(fullAccount().build(), prepareRules(), FIXTURE_NOW);
      expect(evaluations).toEqual(clean.evaluations.filter((e) => !blocked.includes(e.ruleId)));
      expect(evaluations.some((e) => e.ruleId === "vpc-flow-logs-enabled")).toBe(true);
    });

    it("Given a part that was not collected at all, Then the rule needing it reports what the inventory lacks", () => {
      const b = fullAccount().omit("natGateways");

      const { evaluations, errors } = evaluateInventory(b.build(), prepareRules([{ ruleId: "nat-subnet-has-gateway-endpoints" }]), FIXTURE_NOW);

      expect(evaluations).toEqual([]);
      expect(errors).toEqual([{ region: "us-east-1", ruleId: "nat-subnet-has-gateway-endpoints", message: "not evaluated: inventory lacks natGateways" }]);
    });

    it("Given a rule that throws RuleEvaluationError, Then its message becomes the error and other rules are unaffected", () => {
      const failing = fixedRule("t-fails", () => [], {
        throws: new RuleEvaluationError({ ruleId: "t-fails", region: "us-east-1" }, "no data for vpce-1"),
      });
      const ok = fixedRule("t-ok", ({ vpc }) => [{ resourceId: vpc, compliance: "COMPLIANT", annotation: "ok" }]);

      const { evaluations, errors } = evaluateInventory(
        failing.builder.build(),
        prepareRules([{ ruleId: "t-fails" }, { ruleId: "t-ok" }], [failing.rule, ok.rule]),
        FIXTURE_NOW,
      );

      expect(errors).toEqual([{ region: "us-east-1", ruleId: "t-fails", message: "Rule t-fails in us-east-1: no data for vpce-1" }]);
      expect(evaluations.map((e) => e.ruleId)).toEqual(["t-ok"]);
    });

    it("Given a rule with a bug (TypeError), Then the region reports 'rule failed' for that rule instead of crashing the scan", () => {
      const buggy = fixedRule("t-bug", () => [], { throws: new TypeError("Cannot read properties of undefined (reading 'id')") });

      const { evaluations, errors } = evaluateInventory(buggy.builder.build(), prepareRules([{ ruleId: "t-bug" }], [buggy.rule]), FIXTURE_NOW);

      expect(evaluations).toEqual([]);
      expect(errors).toEqual([{ region: "us-east-1", ruleId: "t-bug", message: "rule failed: Cannot read properties of undefined (reading 'id')" }]);
    });
  });
});

describe("prepareRules: the same rule twice", () => {
  it("Given a rule selected twice, Then it is refused with DuplicateRuleError naming the rule", () => {
    expect(() =>
      prepareRules([{ ruleId: "vpc-flow-logs-enabled" }, { ruleId: "vpc-flow-logs-enabled", params: { trafficType: "ALL" } }]),
    ).toThrow(DuplicateRuleError);
    expect(() => prepareRules([{ ruleId: "vpc-flow-logs-enabled" }, { ruleId: "vpc-flow-logs-enabled" }])).toThrow(
      /vpc-flow-logs-enabled/,
    );
  });
});

describe("annotations", () => {
  it("Given annotations that fit, that have a run of spaces and a newline, and that are too long, Then the first is used as it is and the others are cleaned and cut", () => {
    const long = `Too long: ${"x".repeat(300)}`;
    const { rule, ids, builder } = fixedRule("annotation-test", (i) => [
      { resourceId: i.vpc, compliance: Compliance.COMPLIANT, annotation: `Fits as it is: ${i.vpc}.` },
      { resourceId: "vpc-0000000000000000b", compliance: Compliance.NON_COMPLIANT, annotation: "Two  spaces\nand a newline." },
      { resourceId: "vpc-0000000000000000c", compliance: Compliance.NON_COMPLIANT, annotation: long },
    ]);
    const { evaluations } = evaluateInventory(builder.build(), [{ rule, params: {} }], FIXTURE_NOW);
    expect(evaluations.map((e) => e.annotation)).toEqual([`Fits as it is: ${ids.vpc}.`, "Two spaces and a newline.", `${long.slice(0, 255)}…`]);
  });
});
