/**
 * The organization digest's infrastructure, as one construct, for the account that owns an AWS Config
 * aggregator (the management account or a delegated administrator), in the aggregator's region:
 *
 * - optionally the aggregator itself (`AWS::Config::ConfigurationAggregator` with an
 *   `OrganizationAggregationSource`) and the role AWS Config assumes for it (the four read-only
 *   Organizations actions of the AWS managed policy `AWSConfigRoleForOrganizations`, inline);
 * - the state table (on-demand, TTL on `ttl`): last week's findings, so the digest can tell new from
 *   resolved;
 * - the Powertools Idempotency table (TTL on `expiration`): one message per aggregator and ISO week;
 * - the function (nodejs22.x, arm64) and its log group, and an EventBridge schedule;
 * - IAM (a role of its own, no managed policy): the two aggregator read actions on exactly the aggregator's
 *   ARN, `dynamodb:Query` and `PutItem` on the state table, item read/write on the idempotency table,
 *   `ssm:GetParameter` on exactly the webhook parameter (plus `kms:Decrypt` via SSM with a customer-managed
 *   key), and its own log group.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { CfnConfigurationAggregator } from "aws-cdk-lib/aws-config";
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { Function as SstFunction } from "sst/constructs";
import type {
  AllClearMode} from "@endpoint-auditor/core";
import {
  AGGREGATOR_READ_ACTIONS,
  EnvironmentVariables as Env,
  METRICS_NAMESPACE,
  ORG_STATE_TABLE,
  ServiceNames,
} from "@endpoint-auditor/core";
import { sstNodejsProps } from "../../esbuild.config.mjs";
import { createFunctionRole } from "../constructs/FunctionRole";
import { webhookParameterArn, webhookReadStatements } from "../constructs/webhook";
import { IDEMPOTENCY_TABLE, checkScheduleExpression } from "../digest/Digest";

/** The organization digest handler, relative to the project root. */
export const ORG_DIGEST_HANDLER = "packages/functions/src/org-digest.handler";

/** What the role AWS Config assumes for an organization aggregator may do (AWSConfigRoleForOrganizations, v2). */
export const ORGANIZATION_AGGREGATOR_ACTIONS = [
  "organizations:DescribeOrganization",
  "organizations:ListAWSServiceAccessForOrganization",
  "organizations:ListAccounts",
  "organizations:ListDelegatedAdministrators",
] as const;

/** Items the idempotency layer reads and writes (Powertools' DynamoDB persistence layer). */
const IDEMPOTENCY_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/** Which aggregator the digest reads: an existing one, or one this construct creates. */
export type AggregatorSource = { name: string; arn: string } | { name: string; create: true; regions?: readonly string[] };

export interface OrgDigestProps {
  aggregator: AggregatorSource;
  /** NAME of the SSM SecureString parameter with the webhook URL. */
  webhookParameterName: string;
  webhookKmsKeyArn?: string;
  /** Prefix of the auditor's rule names in the member accounts (`<app>-<stage>-`). */
  memberRuleNamePrefix: string;
  /** The member rules' period in hours (1–24). */
  evaluationFrequencyHours: number;
  /** EventBridge schedule expression. */
  schedule: string;
  onAllClear: AllClearMode;
  topOffenders: number;
  topAccounts: number;
  /** Lambda function name (default: CloudFormation's). */
  functionName?: string;
  /** KMS key of the log group (the stage's `logs.kmsKeyArn`; default: CloudWatch Logs' own encryption). */
  logsKey?: IKey;
}

export class OrgDigest extends Construct {
  public readonly stateTable: Table;
  public readonly idempotencyTable: Table;
  public readonly function: SstFunction;
  public readonly schedule: Rule;
  /** The aggregator's ARN (the only resource the digest may read from AWS Config). */
  public readonly aggregatorArn: string;
  public readonly aggregatorName: string;
  /** The aggregator, when this construct created it. */
  public readonly aggregator?: CfnConfigurationAggregator;

  public constructor(scope: Construct, id: string, props: OrgDigestProps) {
    super(scope, id);
    const schedule = checkScheduleExpression(props.schedule);
    this.aggregatorName = props.aggregator.name;

    if ("create" in props.aggregator) {
      // The role AWS Config assumes to list the organization's accounts: the managed policy's actions, inline.
      const role = new Role(this, "AggregatorRole", {
        assumedBy: new ServicePrincipal("config.amazonaws.com"),
        description: "endpoint-auditor: AWS Config organization aggregator (read-only Organizations calls)",
        inlinePolicies: {
          ReadOrganization: new PolicyDocument({ statements: [new PolicyStatement({ actions: [...ORGANIZATION_AGGREGATOR_ACTIONS], resources: ["*"] })] }),
        },
      });
      const regions = props.aggregator.regions;
      this.aggregator = new CfnConfigurationAggregator(this, "Aggregator", {
        configurationAggregatorName: props.aggregator.name,
        organizationAggregationSource: { roleArn: role.roleArn, ...(regions ? { awsRegions: [...regions] } : { allAwsRegions: true }) },
      });
      this.aggregatorArn = this.aggregator.attrConfigurationAggregatorArn;
    } else {
      this.aggregatorArn = props.aggregator.arn;
    }

    this.stateTable = new Table(this, "State", {
      partitionKey: { name: ORG_STATE_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ORG_STATE_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ORG_STATE_TABLE.ttlAttribute,
      // Five weeks of state; losing it only means one week without new/resolved counts.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.idempotencyTable = new Table(this, "Idempotency", {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const logGroup = new LogGroup(this, "Logs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logsKey ? { encryptionKey: props.logsKey } : {}),
    });
    this.function = new SstFunction(this, "Function", {
      handler: ORG_DIGEST_HANDLER,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      role: createFunctionRole(this, "Role", logGroup),
      description: "endpoint-auditor: weekly Slack digest of the organization (AWS Config aggregator)",
      runtime: "nodejs22.x",
      architecture: "arm_64",
      memorySize: 512,
      // About one aggregator call per rule, account and region (800 for 50 accounts × 4 regions × 4 rules),
      // 4 at a time with adaptive retries, plus Slack's Retry-After: minutes at worst.
      timeout: 900,
      logGroup,
      // Never traced: a trace could hold the webhook URL, and X-Ray would need two more actions on "*".
      tracing: "disabled",
      nodejs: sstNodejsProps(),
      _doNotAllowOthersToBind: true,
      environment: {
        [Env.configAggregatorName]: props.aggregator.name,
        [Env.orgStateTableName]: this.stateTable.tableName,
        [Env.idempotencyTableName]: this.idempotencyTable.tableName,
        [Env.slackWebhookParameterName]: props.webhookParameterName,
        [Env.configRuleNamePrefix]: props.memberRuleNamePrefix,
        [Env.evaluationFrequencyHours]: String(props.evaluationFrequencyHours),
        [Env.digestOnAllClear]: props.onAllClear,
        [Env.digestTopOffenders]: String(props.topOffenders),
        [Env.orgDigestTopAccounts]: String(props.topAccounts),
        [Env.powertoolsServiceName]: ServiceNames.orgDigest,
        [Env.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
        [Env.powertoolsLogLevel]: "INFO",
        [Env.powertoolsTraceEnabled]: "false",
        [Env.powertoolsTracerCaptureHttpsRequests]: "false",
      },
    });
    this.function.attachPermissions([
      new PolicyStatement({ sid: "ReadAggregator", actions: [...AGGREGATOR_READ_ACTIONS], resources: [this.aggregatorArn] }),
      new PolicyStatement({ sid: "State", actions: ["dynamodb:Query", "dynamodb:PutItem"], resources: [this.stateTable.tableArn] }),
      new PolicyStatement({ sid: "Idempotency", actions: IDEMPOTENCY_ACTIONS, resources: [this.idempotencyTable.tableArn] }),
      ...webhookReadStatements(webhookParameterArn(props.webhookParameterName), props.webhookKmsKeyArn),
    ]);

    this.schedule = new Rule(this, "Schedule", {
      description: "endpoint-auditor: weekly Slack digest of the organization",
      schedule: Schedule.expression(schedule),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
