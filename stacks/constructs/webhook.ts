/**
 * The Slack webhook as a function reads it: the NAME of an SSM SecureString parameter (never its value), the
 * parameter's ARN for IAM, and exactly the statements that let a function read it — `ssm:GetParameter` on
 * that ARN, and with a customer-managed key `kms:Decrypt` on that key via SSM only.
 */
import { Aws, Token } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";

/**
 * The ARN of the parameter `name` in the stack's own account and region (pseudo parameters, so the template
 * names no account or region). `…:parameter/<name>` for a simple name, `…:parameter<name>` for a fully
 * qualified one; a token must be fully qualified.
 *
 * @example
 * ```ts
 * webhookParameterArn("/endpoint-auditor/slack-webhook-url"); // "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/endpoint-auditor/slack-webhook-url"
 * ```
 */
export function webhookParameterArn(name: string): string {
  const resourceName = Token.isUnresolved(name) || name.startsWith("/") ? name : `/${name}`;
  return `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${resourceName}`;
}

/**
 * The statements that let a function read the webhook parameter.
 *
 * @example
 * ```ts
 * fn.attachPermissions(webhookReadStatements(webhookParameterArn(name), props.webhookKmsKeyArn));
 * ```
 */
export function webhookReadStatements(parameterArn: string, kmsKeyArn?: string): PolicyStatement[] {
  const statements = [new PolicyStatement({ sid: "ReadWebhookParameter", actions: ["ssm:GetParameter"], resources: [parameterArn] })];
  if (kmsKeyArn) {
    statements.push(
      new PolicyStatement({
        sid: "DecryptWebhookParameter",
        actions: ["kms:Decrypt"],
        resources: [kmsKeyArn],
        conditions: { StringEquals: { "kms:ViaService": `ssm.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
  return statements;
}
