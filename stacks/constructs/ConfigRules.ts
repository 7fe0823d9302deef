/**
 * The AWS Config side of the auditor as raw CloudFormation resources: one periodic `CUSTOM_LAMBDA`
 * `AWS::Config::ConfigRule` per enabled rule, the `AWS::Lambda::Permission` that lets Config invoke the
 * evaluator (only for this account), and the evaluator's Config permissions.
 *
 * A plain `Construct` (no SST) so it can be synthesized and tested in a bare `cdk.App`.
 */
import { Aws } from "aws-cdk-lib";
import { CfnConfigRule } from "aws-cdk-lib/aws-config";
import { Policy, PolicyStatement, type IRole } from "aws-cdk-lib/aws-iam";
import { CfnPermission, type IFunction } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { clampAnnotation, type ResourceType } from "@endpoint-auditor/core";
import { ConfigRuleLimits, type MaximumExecutionFrequency } from "../settings/schema";

/** What one Config rule needs to know about a registry rule. */
export interface ConfigRuleSpec {
  /** The registry rule id (also `InputParameters.ruleId`). */
  id: string;
  title: string;
  description: string;
  resourceType: ResourceType;
  /** The rule's `InputParameters`; must include `ruleId`. */
  inputParameters: Readonly<Record<string, string>>;
}

export interface ConfigRulesProps {
  /** Prefix of every rule name, e.g. `endpoint-auditor-prod`; the rule name is `${namePrefix}-${id}`. */
  namePrefix: string;
  /** The evaluator Lambda every rule invokes. */
  evaluator: IFunction;
  /** The evaluator's execution role, which receives the Config permissions. */
  evaluatorRole: IRole;
  rules: readonly ConfigRuleSpec[];
  maximumExecutionFrequency: MaximumExecutionFrequency;
}

/** AWS Config's limit on a rule description. */
const MAX_DESCRIPTION_LENGTH = 256;

/**
 * Creates the Config rules, the invoke permission and the evaluator's Config IAM.
 *
 * @example
 * ```ts
 * new ConfigRules(stack, "ConfigRules", {
 *   namePrefix: "endpoint-auditor-prod",
 *   evaluator: fn,
 *   evaluatorRole: fn.role!,
 *   rules: [{ id: "vpc-flow-logs-enabled", title, description, resourceType: "AWS::EC2::VPC",
 *             inputParameters: { ruleId: "vpc-flow-logs-enabled" } }],
 *   maximumExecutionFrequency: "TwentyFour_Hours",
 * });
 * ```
 */
export class ConfigRules extends Construct {
  /** Lets `config.amazonaws.com` invoke the evaluator, for this account only. Every rule depends on it. */
  public readonly permission: CfnPermission;
  /** The Config rules by registry rule id. */
  public readonly rules: ReadonlyMap<string, CfnConfigRule>;
  /**
   * The evaluator's `config:GetComplianceDetailsByConfigRule`, scoped to these rules' ARNs. A separate
   * policy (not the function's default policy) so that there is no cycle: rules → permission → function →
   * default policy.
   */
  public readonly complianceHistoryPolicy: Policy;

  public constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    if (props.rules.length === 0) throw new Error("ConfigRules: no rules to create");

    // The account is the deploying account's pseudo parameter, so the template works unchanged in every
    // StackSets target account.
    this.permission = new CfnPermission(this, "ConfigInvokePermission", {
      action: "lambda:InvokeFunction",
      functionName: props.evaluator.functionArn,
      principal: "config.amazonaws.com",
      sourceAccount: Aws.ACCOUNT_ID,
    });

    const rules = new Map<string, CfnConfigRule>();
    for (const spec of props.rules) {
      if (spec.inputParameters.ruleId !== spec.id) {
        throw new Error(`ConfigRules: rule ${spec.id} has InputParameters.ruleId ${spec.inputParameters.ruleId}`);
      }
      if (rules.has(spec.id)) throw new Error(`ConfigRules: rule ${spec.id} listed twice`);
      const configRuleName = `${props.namePrefix}-${spec.id}`;
      if (configRuleName.length > ConfigRuleLimits.maxNameLength) {
        throw new Error(
          `ConfigRules: rule name ${configRuleName} is longer than ${ConfigRuleLimits.maxNameLength} characters`,
        );
      }
      const rule = new CfnConfigRule(this, spec.id, {
        configRuleName,
        description: clampAnnotation(`${spec.title}. ${spec.description}`, MAX_DESCRIPTION_LENGTH),
        inputParameters: { ...spec.inputParameters },
        // Periodic rules only: Config's scope is informational for them, but it keeps the console's
        // per-resource-type views right.
        scope: { complianceResourceTypes: [spec.resourceType] },
        maximumExecutionFrequency: props.maximumExecutionFrequency,
        source: {
          owner: "CUSTOM_LAMBDA",
          sourceIdentifier: props.evaluator.functionArn,
          sourceDetails: [
            {
              eventSource: "aws.config",
              messageType: "ScheduledNotification",
              maximumExecutionFrequency: props.maximumExecutionFrequency,
            },
          ],
        },
      });
      // Config checks at rule creation that it may invoke the function.
      rule.addDependency(this.permission);
      rules.set(spec.id, rule);
    }
    this.rules = rules;

    // config:PutEvaluations has no resource-level permissions (the Service Authorization Reference lists no
    // resource type for it), so it needs "*". It goes into the role's default policy, which the function
    // itself depends on, so it exists before the first invocation.
    props.evaluatorRole.addToPrincipalPolicy(
      new PolicyStatement({ sid: "ConfigPutEvaluations", actions: ["config:PutEvaluations"], resources: ["*"] }),
    );

    // GetComplianceDetailsByConfigRule supports the config-rule resource type, but a rule's ARN ends in a
    // generated id (config-rule/config-rule-abc123), so it is taken from the rules themselves. This policy is
    // created after the rules; if Config's first scheduled run comes before it, the evaluator's listing of
    // previous results is denied once and Lambda's asynchronous retry (1 and 2 minutes later) succeeds.
    this.complianceHistoryPolicy = new Policy(this, "ComplianceHistoryPolicy", {
      statements: [
        new PolicyStatement({
          sid: "ConfigReadOwnRuleResults",
          actions: ["config:GetComplianceDetailsByConfigRule"],
          resources: [...rules.values()].map((r) => r.attrArn),
        }),
      ],
      roles: [props.evaluatorRole],
    });
  }

  /** The Config rule names, in creation order. */
  public get ruleNames(): string[] {
    return [...this.rules.values()].map((r) => r.configRuleName as string);
  }

  /** Each rule id with its Config rule name (what the functions get as `DEPLOYED_CONFIG_RULES`). */
  public get deployedRules(): { ruleId: string; configRuleName: string }[] {
    return [...this.rules.entries()].map(([ruleId, r]) => ({ ruleId, configRuleName: r.configRuleName as string }));
  }
}
