/**
 * Failures are seen within one run. AWS Config (and EventBridge, for the digest) invoke the functions
 * asynchronously: an error goes back to nobody, and AWS Config keeps showing a rule's previous verdicts.
 * So, for each function:
 *
 * - an `EventInvokeConfig`: Lambda retries a failed invocation twice (1 and 2 minutes later), drops events
 *   older than `maxEventAge`, and hands the record of an invocation that still failed (the event, the
 *   error type and message) to the **on-failure destination**, one SQS queue kept 14 days;
 * - a CloudWatch alarm on its `Errors` (AWS/Lambda): any failed attempt in 5 minutes;
 * - a CloudWatch alarm on its failure metric in the `EndpointAuditor` namespace (`Failures`,
 *   `DigestFailures`): also counts the invocations the evaluator refuses without a retry (a malformed
 *   event, invalid parameters, a rule it does not serve), which end without a Lambda error;
 * - optionally, every alarm notifies an SNS topic (`alarms.snsTopic`).
 *
 * A plain `Construct` (no SST), so it can be synthesized in a bare `cdk.App`.
 */
import { Aws, Duration, RemovalPolicy, Token } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { EventInvokeConfig, type IDestination, type IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { METRICS_NAMESPACE } from "@endpoint-auditor/core";

/** How each function is watched. */
export interface WatchedFunction {
  /** A short name for ids and alarm names, e.g. `Evaluator`. */
  name: string;
  fn: IFunction;
  /** The function's failure metric in the `EndpointAuditor` namespace (core's `ConfigRuleMetrics.failures`, …). */
  failureMetric: string;
  /** The Powertools service name: the `service` dimension of its metrics. */
  service: string;
  /** Events older than this are not retried (default 6 hours, Lambda's maximum). */
  maxEventAge?: Duration;
}

export interface FailureAlarmsProps {
  /** Prefix of the alarm names, e.g. `endpoint-auditor-prod`. */
  namePrefix: string;
  functions: readonly WatchedFunction[];
  /** The SNS topic the alarms notify: a name (in the stack's account and region) or an ARN. */
  snsTopic?: string;
}

/** The `Sid` of each function's permission to send its failed invocations to the queue. */
export const FAILURE_DESTINATION_SID = "SendFailedInvocations";

/** Lambda's retries of a failed asynchronous invocation (its maximum). */
export const ASYNC_RETRY_ATTEMPTS = 2;
/** How long the failure queue keeps a record (SQS's maximum). */
export const FAILURE_RECORD_RETENTION = Duration.days(14);
/** The period of every alarm: one failed attempt within it raises the alarm. */
export const ALARM_PERIOD = Duration.minutes(5);

/**
 * The ARN of the topic the alarms notify: an ARN as is, a name in the stack's own account and region.
 *
 * @example
 * ```ts
 * alarmTopicArn("ops-alerts"); // arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops-alerts
 * ```
 */
export function alarmTopicArn(topic: string): string {
  if (Token.isUnresolved(topic) || topic.startsWith("arn:")) return topic;
  return `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${topic}`;
}

export class FailureAlarms extends Construct {
  /** The on-failure destination of every watched function. */
  public readonly failureQueue: Queue;
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: FailureAlarmsProps) {
    super(scope, id);
    this.failureQueue = new Queue(this, "FailedInvocations", {
      retentionPeriod: FAILURE_RECORD_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const action = props.snsTopic ? new SnsAction(Topic.fromTopicArn(this, "AlarmTopic", alarmTopicArn(props.snsTopic))) : undefined;

    // The queue as destination, with exactly sqs:SendMessage for each function (CDK's SqsDestination would
    // also grant GetQueueAttributes and GetQueueUrl, which Lambda does not need to deliver a record).
    const queueArn = this.failureQueue.queueArn;
    const destination: IDestination = { bind: () => ({ destination: queueArn }) };
    for (const watched of props.functions) {
      watched.fn.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ sid: FAILURE_DESTINATION_SID, actions: ["sqs:SendMessage"], resources: [queueArn] }),
      );
      const invokeConfig = new EventInvokeConfig(this, `${watched.name}AsyncInvoke`, {
        function: watched.fn,
        onFailure: destination,
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: watched.maxEventAge ?? Duration.hours(6),
      });
      // Lambda checks at configuration time that the role may send to the destination.
      if (watched.fn.role) invokeConfig.node.addDependency(watched.fn.role);
      const errors = new Alarm(this, `${watched.name}Errors`, {
        alarmName: `${props.namePrefix}-${watched.name.toLowerCase()}-errors`,
        alarmDescription: `endpoint-auditor: the ${watched.name.toLowerCase()} function failed (Lambda retries it twice, then its event goes to the failed-invocations queue). See its log group.`,
        metric: watched.fn.metricErrors({ period: ALARM_PERIOD, statistic: "Sum" }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const failures = new Alarm(this, `${watched.name}Failures`, {
        alarmName: `${props.namePrefix}-${watched.name.toLowerCase()}-failures`,
        alarmDescription: `endpoint-auditor: the ${watched.name.toLowerCase()} reported a failure (${watched.failureMetric}), including events it refused without a retry. See its log group.`,
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: watched.failureMetric,
          dimensionsMap: { service: watched.service },
          period: ALARM_PERIOD,
          statistic: "Sum",
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const alarm of [errors, failures]) {
        if (action) alarm.addAlarmAction(action);
        this.alarms.push(alarm);
      }
    }
  }
}
