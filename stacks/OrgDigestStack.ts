/**
 * The organization digest as its own stack, for a stage whose settings enable `orgDigest`: deployed with
 * `npx sst deploy --stage <stage>` into the account that owns the AWS Config aggregator, in the aggregator's
 * region (`npx sst deploy --stage <stage> OrgDigestStack` deploys it alone, without the auditor stack).
 */
import { Key } from "aws-cdk-lib/aws-kms";
import type { StackContext } from "sst/constructs";
import { OrgDigestMetrics, ServiceNames } from "@endpoint-auditor/core";
import { FailureAlarms } from "./constructs/FailureAlarms";
import { OrgDigest } from "./org/OrgDigest";
import { sstSecretParameterName } from "./digest/Digest";
import { FREQUENCY_HOURS, type AuditorSettings } from "./settings/schema";
import { SettingsError, settingsFor } from "./settings/validate";

/** The stack id; SST names the CloudFormation stack `${stage}-${app}-OrgDigestStack`. */
export const ORG_DIGEST_STACK_ID = "OrgDigestStack";

export interface OrgDigestStackOptions {
  /** Settings to deploy; default: `settingsFor(app.stage)` of `stacks/settings.ts`. */
  settings?: AuditorSettings;
}

/**
 * Returns the SST stack function; `OrgDigestStack` is this with the settings of `stacks/settings.ts`.
 *
 * @throws SettingsError when the stage does not enable `orgDigest`.
 * @example
 * ```ts
 * app.stack(createOrgDigestStack({ settings: settingsFor("org", mySettingsFile) }), { id: ORG_DIGEST_STACK_ID });
 * ```
 */
export function createOrgDigestStack(options: OrgDigestStackOptions = {}) {
  // Named so that SST uses "OrgDigestStack" as the stack id.
  return function OrgDigestStack({ app, stack }: StackContext) {
    const settings = options.settings ?? settingsFor(app.stage);
    const org = settings.orgDigest;
    if (!org.enabled || org.aggregatorName === undefined) {
      throw new SettingsError(app.stage, "orgDigest.enabled is not true for this stage, so there is no organization digest to deploy");
    }
    // Only the SST stack's own resources: no custom-resource Lambda.
    stack.node.tryRemoveChild("CustomResourceHandler");
    const digest = new OrgDigest(stack, "OrgDigest", {
      aggregator: org.createAggregator
        ? { name: org.aggregatorName, create: true, ...(org.aggregatorRegions ? { regions: org.aggregatorRegions } : {}) }
        : { name: org.aggregatorName, arn: org.aggregatorArn as string },
      webhookParameterName: org.webhookParameterName ?? sstSecretParameterName(app.name, app.stage),
      ...(org.webhookKmsKeyArn ? { webhookKmsKeyArn: org.webhookKmsKeyArn } : {}),
      memberRuleNamePrefix: org.memberRuleNamePrefix ?? `${app.name}-${app.stage}-`,
      evaluationFrequencyHours: FREQUENCY_HOURS[org.memberEvaluationFrequency ?? settings.maximumExecutionFrequency],
      schedule: org.schedule,
      onAllClear: org.onAllClear,
      topOffenders: org.topOffenders,
      topAccounts: org.topAccounts,
      functionName: `${app.name}-${app.stage}-org-digest`,
      ...(settings.logs.kmsKeyArn ? { logsKey: Key.fromKeyArn(stack, "LogsKey", settings.logs.kmsKeyArn) } : {}),
    });
    // Its failures are seen like the auditor's: an on-failure destination and alarms (see FailureAlarms).
    const failures = new FailureAlarms(stack, "FailureAlarms", {
      namePrefix: `${app.name}-${app.stage}`,
      ...(settings.alarms.snsTopic !== undefined ? { snsTopic: settings.alarms.snsTopic } : {}),
      functions: [{ name: "OrgDigest", fn: digest.function, failureMetric: OrgDigestMetrics.failures, service: ServiceNames.orgDigest }],
    });
    stack.addOutputs({
      FailedInvocationsQueueUrl: failures.failureQueue.queueUrl,
      OrgDigestFunctionName: digest.function.functionName,
      OrgStateTableName: digest.stateTable.tableName,
      ConfigAggregatorArn: digest.aggregatorArn,
      SlackWebhookParameterName: org.webhookParameterName ?? sstSecretParameterName(app.name, app.stage),
    });
    return { digest, settings, failures };
  };
}

export const OrgDigestStack = createOrgDigestStack();
