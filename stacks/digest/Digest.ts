/**
 * The weekly Slack digest's infrastructure, as one construct to add to the auditor's SST stack:
 *
 * - the findings history table (on-demand, point-in-time recovery, deletion protection, TTL on `ttl`, the
 *   sparse status index the digest queries) — the evaluator writes findings and heartbeats to it (see
 *   {@link Digest.grantHistoryWrite});
 * - the Powertools Idempotency table (TTL on `expiration`) that makes the digest send one message per
 *   account, region and ISO week;
 * - the digest Lambda (nodejs22.x, arm64) and its log group;
 * - an EventBridge schedule (default Mondays 09:00 UTC);
 * - IAM (a role of its own, no managed policy): `ssm:GetParameter` on exactly the webhook parameter,
 *   `dynamodb:Query` on the history table's status index (findings) and on the table (heartbeats),
 *   `dynamodb:BatchWriteItem` on the table (closing findings of rules no longer deployed), item read/write
 *   on the idempotency table, `iam:ListAccountAliases`, and `logs:CreateLogStream`/`logs:PutLogEvents` on
 *   its own log group.
 *
 * The webhook URL itself is never in the template: only the SSM parameter's NAME is (an environment
 * variable). By default that is the SST secret `SLACK_WEBHOOK_URL` of the app and stage, set with
 * `npx sst secrets set SLACK_WEBHOOK_URL <url> --stage <stage>` (SST stores it as a SecureString encrypted
 * with the AWS-managed key `aws/ssm`, whose key policy already lets principals of the account decrypt
 * through SSM, so no `kms:Decrypt` statement is needed). A parameter encrypted with a customer-managed key
 * needs `webhookKmsKeyArn`, which adds `kms:Decrypt` on that key, via SSM only.
 */
import { Aws, Duration, RemovalPolicy, Token } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement, type IGrantable } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { Function as SstFunction, App as SstApp } from "sst/constructs";
import {
  AllClearMode,
  DEFAULT_ALL_CLEAR_MODE,
  DigestLimits,
  EnvironmentVariables as Env,
  HISTORY_TABLE,
  METRICS_NAMESPACE,
  ServiceNames,
  isWithin,
} from "@endpoint-auditor/core";
import { sstNodejsProps } from "../../esbuild.config.mjs";
import { createFunctionRole } from "../constructs/FunctionRole";
import { DEFAULT_DIGEST_SCHEDULE } from "../settings/schema";
import { kmsKeyArnProblem, scheduleExpressionProblem, webhookParameterNameProblem } from "../settings/validate";

export { DEFAULT_DIGEST_SCHEDULE };

/** The digest handler, relative to the project root. */
export const DIGEST_HANDLER = "packages/functions/src/digest.handler";

/** The SST secret holding the webhook URL (`npx sst secrets set SLACK_WEBHOOK_URL <url>`). */
export const WEBHOOK_SECRET_NAME = "SLACK_WEBHOOK_URL";

/**
 * The SSM parameter in which SST v2 stores a secret of an app and stage (`sst secrets set`), as a
 * SecureString encrypted with the AWS-managed key `aws/ssm`.
 *
 * @example
 * ```ts
 * sstSecretParameterName("endpoint-auditor", "prod"); // "/sst/endpoint-auditor/prod/Secret/SLACK_WEBHOOK_URL/value"
 * ```
 */
export function sstSecretParameterName(appName: string, stage: string, secret = WEBHOOK_SECRET_NAME): string {
  return `/sst/${appName}/${stage}/Secret/${secret}/value`;
}

/** Attribute names of the Powertools Idempotency table (the library's defaults). */
export const IDEMPOTENCY_TABLE = { partitionKey: "id", ttlAttribute: "expiration" } as const;

/** Items the idempotency layer reads and writes (Powertools' DynamoDB persistence layer). */
const IDEMPOTENCY_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

export interface DigestProps {
  /** EventBridge schedule expression (`cron(...)` with 6 fields, or `rate(...)`). Default {@link DEFAULT_DIGEST_SCHEDULE}. */
  schedule?: string;
  /**
   * Name of the SSM SecureString parameter holding the webhook URL. Default: the SST secret
   * {@link WEBHOOK_SECRET_NAME} of this app and stage, `/sst/<app>/<stage>/Secret/SLACK_WEBHOOK_URL/value`.
   * May be a token (e.g. a CloudFormation parameter's value), which must then be fully qualified (start
   * with `/`): the construct cannot check it, and builds the parameter's ARN as `…:parameter<name>`.
   */
  webhookParameterName?: string;
  /** ARN of the customer-managed KMS key of the parameter; leave unset for the AWS-managed `aws/ssm` key. */
  webhookKmsKeyArn?: string;
  /** Prefix of the AWS Config rule names, for console links (the auditor stack uses `<app>-<stage>-`). */
  configRuleNamePrefix: string;
  /** The deployed Config rules (`DEPLOYED_CONFIG_RULES`): each must report; findings of others are closed. */
  deployedRules: string;
  /** The rules' `MaximumExecutionFrequency`: a rule without a run within twice it is not reporting. */
  evaluationFrequency: string;
  /** KMS key of the log group (default: CloudWatch Logs' own encryption). */
  logsKey?: IKey;
  /** What an all-clear week does: send a short all-clear message (default) or nothing. */
  onAllClear?: AllClearMode;
  /** Top offenders listed per message (1–50, default 10). */
  topOffenders?: number;
  /** The handler, relative to the project root (default {@link DIGEST_HANDLER}). */
  handler?: string;
  memorySize?: number;
  /** Seconds (default 300: Slack retries with `Retry-After` can take minutes). */
  timeout?: number;
  logRetention?: RetentionDays;
  /**
   * Lambda active tracing of each invocation (adds `xray:PutTraceSegments`/`PutTelemetryRecords` on "*").
   * The digest code itself records no subsegments (it bundles no Tracer). Default false.
   */
  tracing?: boolean;
  /** What happens to the history table when the stack is deleted (default RETAIN). */
  historyRemovalPolicy?: RemovalPolicy;
}

/**
 * Returns the trimmed EventBridge schedule expression (`rate(...)`, or `cron(...)` with its 6 fields), or
 * throws saying why EventBridge would refuse it.
 */
export function checkScheduleExpression(expression: string): string {
  const problem = scheduleExpressionProblem(expression);
  if (problem) throw new Error(`Digest: ${problem}`);
  return expression.trim();
}

export class Digest extends Construct {
  public readonly historyTable: Table;
  public readonly idempotencyTable: Table;
  public readonly function: SstFunction;
  public readonly schedule: Rule;
  /** The SSM parameter NAME the function reads (never its value). */
  public readonly webhookParameterName: string;
  public readonly webhookParameterArn: string;

  public constructor(scope: Construct, id: string, props: DigestProps) {
    super(scope, id);
    const schedule = checkScheduleExpression(props.schedule ?? DEFAULT_DIGEST_SCHEDULE);
    const topOffenders = props.topOffenders ?? DigestLimits.topOffenders.default;
    const onAllClear = props.onAllClear ?? DEFAULT_ALL_CLEAR_MODE;
    if (!(Object.values(AllClearMode) as unknown[]).includes(onAllClear)) {
      throw new Error(`Digest: onAllClear must be "send" or "skip", got ${JSON.stringify(props.onAllClear)}`);
    }
    const bounds = DigestLimits.topOffenders;
    if (!isWithin(bounds, topOffenders)) {
      throw new Error(`Digest: topOffenders must be an integer from ${bounds.min} to ${bounds.max}, got ${topOffenders}`);
    }

    const root = this.node.root;
    const parameterName =
      props.webhookParameterName ??
      (root instanceof SstApp
        ? sstSecretParameterName(root.name, root.stage)
        : (() => {
            throw new Error("Digest: webhookParameterName is required outside an SST app");
          })());
    // A token (e.g. a CloudFormation parameter of the stand-alone template) is checked by whoever made it;
    // it must be fully qualified (start with "/"), as the ARN below assumes.
    if (!Token.isUnresolved(parameterName)) {
      const problem = webhookParameterNameProblem(parameterName);
      if (problem) throw new Error(`Digest: webhookParameterName ${problem}`);
    }
    if (props.webhookKmsKeyArn !== undefined && !Token.isUnresolved(props.webhookKmsKeyArn)) {
      const problem = kmsKeyArnProblem(props.webhookKmsKeyArn);
      if (problem) throw new Error(`Digest: webhookKmsKeyArn ${problem}`);
    }
    this.webhookParameterName = parameterName;
    // Pseudo parameters, not the synth-time account/region: the template stays environment-agnostic
    // (StackSets), like the auditor stack's Config rules. A parameter's ARN is `…:parameter/<name>` for a
    // simple name and `…:parameter<name>` for a fully qualified one (`/a/b` → `…:parameter/a/b`).
    const resourceName = Token.isUnresolved(parameterName) || parameterName.startsWith("/") ? parameterName : `/${parameterName}`;
    this.webhookParameterArn = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${resourceName}`;

    // Keys and index: packages/core/src/history/schema.ts explains the access patterns.
    this.historyTable = new Table(this, "History", {
      partitionKey: { name: HISTORY_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: HISTORY_TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: HISTORY_TABLE.ttlAttribute,
      removalPolicy: props.historyRemovalPolicy ?? RemovalPolicy.RETAIN,
      // Kept when the stack goes (RETAIN), and not deletable by hand until protection is turned off.
      deletionProtection: true,
    });
    this.historyTable.addGlobalSecondaryIndex({
      indexName: HISTORY_TABLE.statusIndex,
      partitionKey: { name: HISTORY_TABLE.statusPartitionKey, type: AttributeType.STRING },
      sortKey: { name: HISTORY_TABLE.statusSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    this.idempotencyTable = new Table(this, "Idempotency", {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logsKey ? { encryptionKey: props.logsKey } : {}),
    });

    this.function = new SstFunction(this, "Function", {
      handler: props.handler ?? DIGEST_HANDLER,
      // No AWSLambdaBasicExecutionRole: the role may write to this log group only.
      role: createFunctionRole(this, "Role", logGroup),
      description: "endpoint-auditor: weekly Slack digest of the findings history",
      runtime: "nodejs22.x",
      architecture: "arm_64",
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? 300,
      logGroup,
      tracing: props.tracing ? "active" : "disabled",
      // Built exactly like `npm run bundle` (minified ESM, the shared esbuild settings and plugins), no sourcemap.
      nodejs: sstNodejsProps(),
      _doNotAllowOthersToBind: true,
      environment: {
        [Env.historyTableName]: this.historyTable.tableName,
        [Env.idempotencyTableName]: this.idempotencyTable.tableName,
        [Env.slackWebhookParameterName]: parameterName,
        [Env.digestOnAllClear]: onAllClear,
        [Env.digestTopOffenders]: String(topOffenders),
        [Env.configRuleNamePrefix]: props.configRuleNamePrefix,
        [Env.deployedRules]: props.deployedRules,
        [Env.evaluationFrequency]: props.evaluationFrequency,
        [Env.powertoolsServiceName]: ServiceNames.digest,
        [Env.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
        [Env.powertoolsLogLevel]: "INFO",
        [Env.powertoolsTraceEnabled]: props.tracing ? "true" : "false",
        // With tracing on, the Tracer would record each outgoing HTTPS request's URL — the webhook's.
        [Env.powertoolsTracerCaptureHttpsRequests]: "false",
      },
    });

    const statements = [
      new PolicyStatement({ sid: "ReadWebhookParameter", actions: ["ssm:GetParameter"], resources: [this.webhookParameterArn] }),
      new PolicyStatement({
        sid: "QueryHistory",
        actions: ["dynamodb:Query"],
        // The status index (findings) and the table (heartbeats, by key prefix).
        resources: [`${this.historyTable.tableArn}/index/${HISTORY_TABLE.statusIndex}`, this.historyTable.tableArn],
      }),
      // Closing the open findings of rules that are no longer deployed (full puts of their items).
      new PolicyStatement({ sid: "CloseRetiredFindings", actions: ["dynamodb:BatchWriteItem"], resources: [this.historyTable.tableArn] }),
      new PolicyStatement({ sid: "Idempotency", actions: IDEMPOTENCY_ACTIONS, resources: [this.idempotencyTable.tableArn] }),
      // ListAccountAliases has no resource-level permissions.
      new PolicyStatement({ sid: "AccountAlias", actions: ["iam:ListAccountAliases"], resources: ["*"] }),
    ];
    if (props.webhookKmsKeyArn) {
      statements.push(
        new PolicyStatement({
          sid: "DecryptWebhookParameter",
          actions: ["kms:Decrypt"],
          resources: [props.webhookKmsKeyArn],
          conditions: { StringEquals: { "kms:ViaService": `ssm.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    this.function.attachPermissions(statements);

    this.schedule = new Rule(this, "Schedule", {
      description: "endpoint-auditor: weekly Slack digest",
      schedule: Schedule.expression(schedule),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }

  /**
   * Lets the evaluator record evaluations and heartbeats: `BatchGetItem` and `BatchWriteItem` (findings),
   * `UpdateItem` (a rule's heartbeat) on the history table (no scan, no delete, no index access).
   */
  public grantHistoryWrite(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "RecordFindingsHistory",
        actions: ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"],
        resources: [this.historyTable.tableArn],
      }),
    );
  }

  /** The environment variable the evaluator needs to record history. */
  public get historyEnvironment(): Record<string, string> {
    return { [Env.historyTableName]: this.historyTable.tableName };
  }
}
