/**
 * Convention tests for the rule registry: conventions are kept by tests, not by reviewers.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ParameterValidationError, UnknownRuleError } from "../errors";
import { ResourceTypes } from "../evaluation";
import { ALL_PARTS, partSpec } from "../inventory/parts/index";
import { defaultAsString, defaultValue, parseParameters, type ParameterSpec } from "../parameters";
import { Severity, type AnyRule } from "./rule";
import { InventoryBuilder, routeTo } from "@endpoint-auditor/core/testing";
import { RULES, allRulePermissions, getRule, ruleIds, rulePermissions } from "./index";

const RULES_DIR = dirname(fileURLToPath(import.meta.url));

const ruleFolders = readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

function defaultOf(spec: ParameterSpec): unknown {
  return defaultValue(spec);
}

describe("rule registry", () => {
  it("Given the registry (the one place that names every rule), Then it holds exactly these rules in order", () => {
    expect(ruleIds()).toEqual([
      "interface-endpoint-in-use",
      "s3-dynamodb-endpoint-is-gateway",
      "nat-subnet-has-gateway-endpoints",
      "vpc-flow-logs-enabled",
      "interface-endpoint-multi-az",
      "interface-endpoint-private-dns-enabled",
      "interface-endpoint-healthy",
      "interface-endpoint-reachable-from-vpc",
      "endpoint-policy-blocks-exfiltration",
    ]);
    expect(RULES.map((r) => r.metadata.resourceType)).toEqual([
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::Subnet",
      "AWS::EC2::VPC",
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::VPCEndpoint",
    ]);
  });

  it("Given the folders under rules/, Then every folder is a registered rule and every rule has a folder", () => {
    expect(ruleFolders).toEqual([...ruleIds()].sort());
  });

  it.each(ruleFolders)("Given folder %s, Then it holds metadata.ts, rule.ts and rule.test.ts, and its rule module is the registered one with id = folder name", async (folder) => {
    for (const file of ["metadata.ts", "rule.ts", "rule.test.ts"]) {
      expect(statSync(join(RULES_DIR, folder, file)).isFile()).toBe(true);
    }
    const mod = (await import(join(RULES_DIR, folder, "rule.ts"))) as { rule: AnyRule };
    expect(mod.rule.metadata.id).toBe(folder);
    expect(getRule(folder)).toBe(mod.rule);
  });

  it("Given the registered ids, Then they are unique", () => {
    expect(new Set(ruleIds()).size).toBe(RULES.length);
  });

  it("Given an unknown id, Then getRule throws UnknownRuleError naming the known rules", () => {
    expect(() => getRule("no-such-rule")).toThrow(UnknownRuleError);
    expect(() => getRule("no-such-rule")).toThrow(/known rules: interface-endpoint-in-use, s3-dynamodb-endpoint-is-gateway/);
  });

  it("Given all rules, Then allRulePermissions is the sorted union of every part's API call", () => {
    expect(allRulePermissions()).toEqual([
      "cloudwatch:GetMetricData",
      "ec2:DescribeFlowLogs",
      "ec2:DescribeNatGateways",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeTransitGatewayVpcAttachments",
      "ec2:DescribeVpcAttribute",
      "ec2:DescribeVpcEndpointServices",
      "ec2:DescribeVpcEndpoints",
      "ec2:DescribeVpcPeeringConnections",
      "ec2:DescribeVpcs",
      "ec2:DescribeVpnGateways",
      "organizations:DescribeOrganization",
      "route53:ListHostedZonesByVPC",
      "s3:ListAllMyBuckets",
    ]);
    expect(allRulePermissions()).toEqual([...new Set(RULES.flatMap(rulePermissions))].sort());
  });
});

describe.each(RULES.map((r) => [r.metadata.id, r] as const))("rule %s metadata", (id, rule) => {
  const { metadata } = rule;

  it("Given its metadata, Then title, description, risk and severity are filled in", () => {
    expect(metadata.title.trim()).not.toBe("");
    expect(metadata.description.trim().length).toBeGreaterThan(40);
    expect(metadata.risk.trim().length).toBeGreaterThan(40);
    expect(Object.values(Severity)).toContain(metadata.severity);
  });

  it("Given its resource type, Then it is one of ResourceTypes", () => {
    expect(Object.values(ResourceTypes)).toContain(metadata.resourceType);
  });

  it("Given its remediation, Then text, AWS CLI commands and a Terraform snippet are all present", () => {
    expect(metadata.remediation.text.trim().length).toBeGreaterThan(20);
    const commands = metadata.remediation.cli.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#") && !l.startsWith("  "));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/^aws [a-z0-9-]+ [a-z0-9-]+/);
    expect(metadata.remediation.terraform).toMatch(/^resource "aws_[a-z_]+" "[a-z0-9_]+" \{$/m);
    // Balanced braces: a snippet that can be pasted.
    const opens = metadata.remediation.terraform.split("{").length;
    const closes = metadata.remediation.terraform.split("}").length;
    expect(opens).toBe(closes);
  });

  it("Given its required parts, Then they are known, unique, non-empty and closed under part dependencies", () => {
    expect(metadata.requires.length).toBeGreaterThan(0);
    expect(new Set(metadata.requires).size).toBe(metadata.requires.length);
    for (const part of metadata.requires) {
      expect(ALL_PARTS).toContain(part);
      for (const dep of partSpec(part).after ?? []) expect(metadata.requires).toContain(dep);
    }
  });

  it("Given its required parts, Then its permissions are exactly their API calls", () => {
    const expected = [...new Set(metadata.requires.flatMap((p) => partSpec(p).iamActions))].sort();
    expect(rulePermissions(rule)).toEqual(expected);
  });

  it("Given no parameters, Then parsing succeeds and yields exactly the schema's defaults", () => {
    const expected = Object.fromEntries(Object.entries(metadata.parameters).map(([name, spec]) => [name, defaultOf(spec)]));
    expect(parseParameters(id, metadata.parameters, {})).toEqual(expected);
  });

  it("Given the defaults as AWS Config input-parameter strings, Then they parse back to the defaults", () => {
    const asStrings = Object.fromEntries(
      Object.entries(metadata.parameters)
        .map(([name, spec]) => [name, defaultAsString(spec)] as const)
        .filter(([, value]) => value !== undefined),
    );
    const expected = Object.fromEntries(Object.entries(metadata.parameters).map(([name, spec]) => [name, defaultOf(spec)]));
    expect(parseParameters(id, metadata.parameters, asStrings)).toEqual(expected);
  });

  it("Given each parameter's spec, Then its default lies within its bounds or values", () => {
    for (const [name, spec] of Object.entries(metadata.parameters)) {
      expect(spec.description.trim(), name).not.toBe("");
      switch (spec.type) {
        case "integer":
          expect(Number.isSafeInteger(spec.default), name).toBe(true);
          expect(spec.default, name).toBeGreaterThanOrEqual(spec.minimum);
          if (spec.maximum !== undefined) expect(spec.default, name).toBeLessThanOrEqual(spec.maximum);
          break;
        case "enum":
          expect(new Set(spec.values).size, name).toBe(spec.values.length);
          if (spec.default !== undefined) expect(spec.values, name).toContain(spec.default);
          break;
        case "enumList":
          expect(new Set(spec.values).size, name).toBe(spec.values.length);
          expect(spec.default.length, name).toBeGreaterThan(0);
          for (const v of spec.default) expect(spec.values, name).toContain(v);
          break;
        case "stringList":
          for (const v of spec.default) expect(v, name).toMatch(spec.pattern);
          // An empty default must say what it means.
          if (spec.default.length === 0) expect(spec.emptyMeans?.trim(), name).toBeTruthy();
          expect(spec.item.trim(), name).not.toBe("");
          break;
        case "boolean":
          expect(typeof spec.default, name).toBe("boolean");
          break;
      }
    }
  });

  it("Given an unknown parameter name, Then the schema is closed: ParameterValidationError", () => {
    expect(() => parseParameters(id, metadata.parameters, { notAParameter: "1" })).toThrow(ParameterValidationError);
  });

  it("Given the same inventory twice, Then evaluation is pure: equal findings and an unchanged inventory", () => {
    const b = new InventoryBuilder();
    const vpcId = b.vpc();
    const pub = b.subnet({ vpcId });
    const priv = b.subnet({ vpcId });
    b.routeTable({ vpcId, main: true, subnetIds: [pub], routes: [routeTo.internetGateway("igw-0aaaabbbbccccdddd")] });
    const nat = b.natGateway({ vpcId, subnetId: pub });
    b.routeTable({ vpcId, subnetIds: [priv], routes: [routeTo.nat(nat)] });
    b.interfaceEndpoint({ vpcId, service: "s3", subnetIds: [pub, priv] });
    b.flowLog({ resourceId: vpcId });
    const inventory = b.build();
    const before = structuredClone({ vpcs: [...inventory.vpcs.values()], endpoints: [...inventory.vpcEndpoints.values()] });
    const params = parseParameters(id, metadata.parameters, {});
    const now = b.now;

    const first = rule.evaluate({ inventory, params, now });
    const second = rule.evaluate({ inventory, params, now });

    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    expect({ vpcs: [...inventory.vpcs.values()], endpoints: [...inventory.vpcEndpoints.values()] }).toEqual(before);
  });
});

describe("rule source conventions", () => {
  const files = sourceFiles(RULES_DIR);

  it("Given the rule sources, Then there are some to check", () => {
    expect(files.some((f) => f.endsWith("rule.ts"))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(ruleFolders.length * 2 + 1);
  });

  it.each(files.map((f) => [relative(RULES_DIR, f), f] as const))(
    "Given %s, Then it imports no AWS SDK or Smithy module and nothing that talks to AWS",
    (_name, file) => {
      const text = readFileSync(file, "utf8");
      const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1] as string);
      for (const spec of specifiers) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^@aws-sdk\/|^@smithy\//);
        expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\//);
        expect(spec, `${file} imports ${spec}`).not.toMatch(/\/(aws|scan|inventory\/collect|inventory\/snapshot)$/);
      }
    },
  );

  it.each(ruleFolders)("Given %s/rule.ts, Then it opens with its scenarios as a Given/Then comment", (folder) => {
    const text = readFileSync(join(RULES_DIR, folder, "rule.ts"), "utf8");
    expect(text.startsWith("/*")).toBe(true);
    const header = text.slice(0, text.indexOf("*/"));
    expect(header).toContain(folder);
    expect(header.match(/Given /g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(header.match(/Then /g)?.length ?? 0).toBeGreaterThanOrEqual(3);
  });

  it.each(ruleFolders)("Given %s/rule.test.ts, Then every test is named as a Given/Then scenario", (folder) => {
    const text = readFileSync(join(RULES_DIR, folder, "rule.test.ts"), "utf8");
    const titles = [...text.matchAll(/\bit(?:\.each\([\s\S]*?\))?\(\s*"([^"]+)"/g)].map((m) => m[1] as string);
    expect(titles.length).toBeGreaterThan(5);
    for (const title of titles) expect(title).toMatch(/^Given .*Then /);
  });
});
