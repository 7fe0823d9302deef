/**
 * The execution role of one of the auditor's Lambda functions, in place of the role CDK would create with
 * the AWS managed policy `AWSLambdaBasicExecutionRole` (`logs:CreateLogGroup`, `logs:CreateLogStream` and
 * `logs:PutLogEvents` on `*`, i.e. any log group of the account).
 *
 * Each function has its own log group, created by the stack and named in its `LoggingConfig`, so the role
 * needs no `logs:CreateLogGroup` and writes only there: `logs:CreateLogStream` and `logs:PutLogEvents` on
 * the log group's ARN as CloudFormation returns it (`arn:<partition>:logs:<region>:<account>:log-group:<name>:*`,
 * which also covers the group's log streams, the resource `PutLogEvents` is authorized on).
 *
 * The statement goes into the role's default policy. CDK makes the function depend on the role construct,
 * default policy included, so the function is created only once it may write its logs (no first invocation
 * without permissions). Every other grant of the function goes into the same default policy.
 */
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/** What a function needs to write its logs to an existing log group. */
export const LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** The `Sid` of the log-writing statement. */
export const WRITE_OWN_LOGS_SID = "WriteOwnLogs";

/**
 * Creates a role that only the Lambda service may assume, with no managed policy, allowed to write logs to
 * `logGroup` only. Pass it as the function's `role`; add the function's other grants to it as usual
 * (`fn.attachPermissions`, `grantee.grantPrincipal.addToPrincipalPolicy`).
 *
 * @example
 * ```ts
 * const logGroup = new LogGroup(stack, "Logs", { retention: RetentionDays.ONE_MONTH });
 * const role = createFunctionRole(stack, "Role", logGroup);
 * new Function(stack, "Fn", { handler: "src/fn.handler", logGroup, role });
 * ```
 */
export function createFunctionRole(scope: Construct, id: string, logGroup: ILogGroup): Role {
  const role = new Role(scope, id, { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
  role.addToPrincipalPolicy(
    new PolicyStatement({ sid: WRITE_OWN_LOGS_SID, actions: [...LOG_WRITE_ACTIONS], resources: [logGroup.logGroupArn] }),
  );
  return role;
}
