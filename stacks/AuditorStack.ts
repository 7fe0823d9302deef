/**
 * The auditor in one account and region: the evaluator Lambda and one AWS Config custom rule per enabled
 * registry rule, with an IAM policy holding exactly the actions the rules declare plus the two Config calls
 * (the evaluator's own role: no managed policy, logs written to its own log group only; with
 * `evaluator.tracing` also the two X-Ray write actions on "*");
 * and (unless `digest.enabled` is false) the weekly Slack digest with the findings history the evaluator
 * writes (findings and heartbeats), for which the evaluator gets exactly `BatchGetItem`/`BatchWriteItem`/
 * `UpdateItem` on the history table. Every function has an on-failure destination and alarms
 * (`./constructs/FailureAlarms.ts`); log groups may be encrypted with a KMS key; with `codeSigning` the
 * functions accept only signed code.
 */
import { CfnParameter, RemovalPolicy } from "aws-cdk-lib";
import { Key } from "aws-cdk-lib/aws-kms";
import { CfnCodeSigningConfig, type CfnFunction } from "aws-cdk-lib/aws-lambda";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Function as SstFunction, type StackContext } from "sst/constructs";
import {
  ConfigRuleMetrics,
  DigestMetrics,
  EnvironmentVariables as Env,
  METRICS_NAMESPACE,
  MetricsScope,
  ServiceNames,
  clampAnnotation,
  formatDeployedRules,
  rulePermissions,
} from "@endpoint-auditor/core";
import { sstNodejsProps } from "../esbuild.config.mjs";
import { ConfigRules } from "./constructs/ConfigRules";
import { FailureAlarms } from "./constructs/FailureAlarms";
import { createFunctionRole } from "./constructs/FunctionRole";
import { Digest, sstSecretParameterName } from "./digest/Digest";
import type { AuditorSettings } from "./settings/schema";
import { SsmParameterNameLimits, settingsFor } from "./settings/validate";

/** The evaluator's handler, relative to the project root. */
export const EVALUATOR_HANDLER = "packages/functions/src/evaluate.handler";

/** The stack id; SST names the CloudFormation stack `${stage}-${app}-AuditorStack`. */
export const AUDITOR_STACK_ID = "AuditorStack";

/** Lambda's limit on a function name. */
const MAX_FUNCTION_NAME_LENGTH = 64;

/**
 * The IAM actions the evaluator needs to collect what the enabled rules read (sorted, unique). With every
 * rule enabled this is the registry's `allRulePermissions()`.
 */
export function evaluatorCollectionActions(settings: AuditorSettings): string[] {
  const actions = new Set<string>();
  for (const r of settings.rules) if (r.enabled) for (const a of rulePermissions(r.rule)) actions.add(a);
  return [...actions].sort();
}

/** The stand-alone template's parameter naming the webhook's SSM parameter (see {@link AuditorStackOptions}). */
export const WEBHOOK_PARAMETER_NAME_PARAMETER = "SlackWebhookParameterName";

export interface AuditorStackOptions {
  /** Settings to deploy; default: `settingsFor(app.stage)` of `stacks/settings.ts`. */
  settings?: AuditorSettings;
  /**
   * Make the webhook's SSM parameter name the CloudFormation parameter
   * {@link WEBHOOK_PARAMETER_NAME_PARAMETER} (default: `digest.webhookParameterName`, else the SST secret's
   * path) instead of a fixed string. For the stand-alone template (StackSets): every target account keeps
   * the webhook URL in its own SecureString parameter — by default at the same name in every account; a
   * stack set (or one stack instance, with parameter overrides) can name another one. The digest's
   * `ssm:GetParameter` is granted on `arn:<partition>:ssm:<region>:<account>:parameter<name>` with the
   * stack's own account and region, so the one template resolves per account.
   */
  webhookParameterNameAsTemplateParameter?: boolean;
}

/**
 * Returns the SST stack function; `AuditorStack` is this with the settings of `stacks/settings.ts`.
 *
 * @example
 * ```ts
 * app.stack(createAuditorStack({ settings: settingsFor("prod", mySettingsFile) }));
 * ```
 */
export function createAuditorStack(options: AuditorStackOptions = {}) {
  // Named so that SST uses "AuditorStack" as the stack id.
  return function AuditorStack({ app, stack }: StackContext) {
    const settings = options.settings ?? settingsFor(app.stage);
    // SST gives every stack a custom-resource Lambda (for its sourcemap uploader, secrets prefetcher, …).
    // This stack uses none of those, so it goes: the deployed stack has one function and one role for it.
    stack.node.tryRemoveChild("CustomResourceHandler");
    const enabled = settings.rules.filter((r) => r.enabled);
    const namePrefix = `${app.name}-${app.stage}`;

    const functionName = `${namePrefix}-evaluator`;
    if (functionName.length > MAX_FUNCTION_NAME_LENGTH) {
      throw new Error(
        `The evaluator's name ${functionName} is longer than Lambda's ${MAX_FUNCTION_NAME_LENGTH} characters; use a shorter stage name`,
      );
    }

    // An explicit log group (instead of the `logRetention` prop) keeps the template free of CDK's
    // log-retention custom resource and its extra Lambda and asset. Lambda's default name, so it is where
    // people look; deleted with the stack.
    const logsKey = settings.logs.kmsKeyArn ? Key.fromKeyArn(stack, "LogsKey", settings.logs.kmsKeyArn) : undefined;
    const logGroup = new LogGroup(stack, "EvaluatorLogs", {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: settings.evaluator.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logsKey ? { encryptionKey: logsKey } : {}),
    });

    // Our own role instead of CDK's, which carries AWSLambdaBasicExecutionRole (logs:* actions on every log
    // group): this one may write to the evaluator's log group only.
    const role = createFunctionRole(stack, "EvaluatorRole", logGroup);

    const evaluator = new SstFunction(stack, "Evaluator", {
      handler: EVALUATOR_HANDLER,
      functionName,
      role,
      description: clampAnnotation(
        `endpoint-auditor (${app.stage}): evaluates the AWS Config rules ${enabled.map((r) => r.rule.metadata.id).join(", ")}`,
      ),
      runtime: "nodejs22.x",
      architecture: "arm_64",
      memorySize: settings.evaluator.memorySize,
      timeout: settings.evaluator.timeout,
      logGroup,
      // `evaluator.tracing` (default off). Active tracing makes CDK add exactly xray:PutTraceSegments and
      // xray:PutTelemetryRecords on "*" to this role's default policy (X-Ray has no resource-level
      // permissions for them); disabled leaves TracingConfig out and the role without any X-Ray action.
      tracing: settings.evaluator.tracing ? "active" : "disabled",
      // Built exactly like `npm run bundle` (minified ESM, the shared esbuild settings and plugins). No
      // sourcemap: SST would add a second asset and, outside tests, an uploader custom resource.
      // Untraced, the X-Ray SDK is not even bundled (esbuild.config.mjs, untracedBuild).
      nodejs: sstNodejsProps({ tracing: settings.evaluator.tracing }),
      // Nothing binds to the evaluator, so no SST binding SSM parameter for its name.
      _doNotAllowOthersToBind: true,
      environment: {
        [Env.powertoolsServiceName]: ServiceNames.evaluator,
        [Env.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
        [Env.powertoolsLogLevel]: "INFO",
        [Env.powertoolsTraceEnabled]: settings.evaluator.tracing ? "true" : "false",
        // `metrics: false` keeps the failure metric (published only on a failure): the alarm needs it.
        [Env.metricsScope]: settings.evaluator.metrics ? MetricsScope.all : MetricsScope.failures,
        [Env.evaluationFrequency]: settings.maximumExecutionFrequency,
        [Env.exemptionRequireExpiry]: settings.exemptions.requireExpiry ? "true" : "false",
        ...(settings.exemptions.maxDays !== undefined ? { [Env.exemptionMaxDays]: String(settings.exemptions.maxDays) } : {}),
      },
    });

    // Describe* (EC2) and cloudwatch:GetMetricData do not support resource-level permissions, so the
    // registry's actions are granted on "*". Only actions the enabled rules declare; no wildcard actions.
    evaluator.attachPermissions([
      new PolicyStatement({
        sid: "CollectInventory",
        actions: evaluatorCollectionActions(settings),
        resources: ["*"],
      }),
    ]);

    const configRules = new ConfigRules(stack, "ConfigRules", {
      namePrefix,
      evaluator,
      evaluatorRole: role,
      maximumExecutionFrequency: settings.maximumExecutionFrequency,
      rules: enabled.map((r) => ({
        id: r.rule.metadata.id,
        title: r.rule.metadata.title,
        description: r.rule.metadata.description,
        resourceType: r.rule.metadata.resourceType,
        inputParameters: r.inputParameters,
      })),
    });

    // Only these Config rules may invoke the evaluator and write history (checked on every event).
    const deployedRules = formatDeployedRules(configRules.deployedRules);
    evaluator.addEnvironment(Env.deployedRules, deployedRules);

    stack.addOutputs({
      EvaluatorFunctionName: evaluator.functionName,
      ConfigRuleNames: configRules.ruleNames.join(","),
    });

    // The weekly Slack digest and the findings history it reads (the evaluator writes it).
    let digest: Digest | undefined;
    if (settings.digest.enabled) {
      const { schedule, onAllClear, topOffenders, webhookKmsKeyArn } = settings.digest;
      let webhookParameterName = settings.digest.webhookParameterName;
      if (options.webhookParameterNameAsTemplateParameter) {
        webhookParameterName = new CfnParameter(stack, WEBHOOK_PARAMETER_NAME_PARAMETER, {
          type: "String",
          default: webhookParameterName ?? sstSecretParameterName(app.name, app.stage),
          description:
            "NAME of the SSM SecureString parameter holding the Slack incoming-webhook URL, in each target account and region (fully qualified: starts with /).",
          // Fully qualified names only: the digest's IAM resource is `…:parameter<name>`.
          allowedPattern: "^(/[A-Za-z0-9_.-]+)+$",
          maxLength: SsmParameterNameLimits.maxLength,
          constraintDescription: "a fully qualified SSM parameter name such as /endpoint-auditor/slack-webhook-url",
        }).valueAsString;
      }
      digest = new Digest(stack, "Digest", {
        schedule,
        onAllClear,
        topOffenders,
        configRuleNamePrefix: `${namePrefix}-`,
        deployedRules,
        evaluationFrequency: settings.maximumExecutionFrequency,
        ...(logsKey ? { logsKey } : {}),
        ...(webhookParameterName !== undefined ? { webhookParameterName } : {}),
        ...(webhookKmsKeyArn !== undefined ? { webhookKmsKeyArn } : {}),
      });
      digest.grantHistoryWrite(role);
      for (const [key, value] of Object.entries(digest.historyEnvironment)) evaluator.addEnvironment(key, value);
      stack.addOutputs({
        DigestFunctionName: digest.function.functionName,
        HistoryTableName: digest.historyTable.tableName,
        // The stand-alone template shows the name as its parameter (an output may not share its logical id).
        ...(options.webhookParameterNameAsTemplateParameter ? {} : { SlackWebhookParameterName: digest.webhookParameterName }),
      });
    }

    const failures = new FailureAlarms(stack, "FailureAlarms", {
      namePrefix,
      ...(settings.alarms.snsTopic !== undefined ? { snsTopic: settings.alarms.snsTopic } : {}),
      functions: [
        { name: "Evaluator", fn: evaluator, failureMetric: ConfigRuleMetrics.failures, service: ServiceNames.evaluator },
        ...(digest ? [{ name: "Digest", fn: digest.function, failureMetric: DigestMetrics.failures, service: ServiceNames.digest }] : []),
      ],
    });
    stack.addOutputs({ FailedInvocationsQueueUrl: failures.failureQueue.queueUrl });

    if (settings.codeSigning) {
      // Lambda refuses code not signed by one of these profiles (at deployment: Enforce).
      const signing = new CfnCodeSigningConfig(stack, "CodeSigning", {
        description: `endpoint-auditor (${app.stage}): only code signed by the configured AWS Signer profiles`,
        allowedPublishers: { signingProfileVersionArns: [...settings.codeSigning.signingProfileVersionArns] },
        codeSigningPolicies: { untrustedArtifactOnDeployment: "Enforce" },
      });
      for (const fn of [evaluator, ...(digest ? [digest.function] : [])]) {
        (fn.node.defaultChild as CfnFunction).codeSigningConfigArn = signing.attrCodeSigningConfigArn;
      }
    }

    return { evaluator, configRules, settings, digest, failures };
  };
}

export const AuditorStack = createAuditorStack();
