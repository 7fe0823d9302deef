/**
 * The digest's inputs, checked without CDK (so that `stacks/settings.ts` can validate the digest settings
 * before anything is synthesized, and the construct can refuse what AWS would refuse at deploy time).
 */

/** The digest's default schedule: Mondays 09:00 UTC. */
export const DEFAULT_DIGEST_SCHEDULE = "cron(0 9 ? * MON *)";

/** The SST secret holding the webhook URL (`npx sst secrets set SLACK_WEBHOOK_URL <url>`). */
export const WEBHOOK_SECRET_NAME = "SLACK_WEBHOOK_URL";

/** Systems Manager's limits on a parameter name. */
export const SsmParameterNameLimits = { maxLength: 1011, maxDepth: 15 } as const;

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

/**
 * Why EventBridge would refuse `expression`, or `undefined` when it is a `rate(...)` or a 6-field `cron(...)`
 * expression with `?` in day-of-month or day-of-week.
 *
 * @example
 * ```ts
 * scheduleExpressionProblem("cron(0 9 ? * MON *)"); // undefined
 * scheduleExpressionProblem("cron(0 9 * * MON)"); // "… has 5 fields; EventBridge cron needs 6 …"
 * ```
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  const cron = /^cron\((.+)\)$/.exec(trimmed);
  if (cron) {
    const fields = (cron[1] ?? "").trim().split(/\s+/);
    if (fields.length !== 6) {
      return `schedule ${expression} has ${fields.length} fields; EventBridge cron needs 6 (minutes hours day-of-month month day-of-week year)`;
    }
    if (fields[2] !== "?" && fields[4] !== "?") {
      return `schedule ${expression} must use "?" in day-of-month or day-of-week`;
    }
    return undefined;
  }
  const rate = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/.exec(trimmed);
  if (rate) {
    // EventBridge wants the singular unit for 1 and the plural otherwise ("rate(1 day)", "rate(7 days)").
    const singular = !(rate[2] ?? "").endsWith("s");
    if ((rate[1] === "1") !== singular) {
      return `schedule ${expression}: EventBridge wants a singular unit for 1 and a plural one otherwise, e.g. rate(1 day), rate(7 days)`;
    }
    return undefined;
  }
  return `schedule "${expression}" is not an EventBridge cron(...) or rate(...) expression`;
}

/**
 * Why `name` cannot be the NAME of the SSM parameter holding the webhook URL, or `undefined` when it can.
 * Systems Manager's naming rules: letters, digits, `_.-` and `/`; a name with `/` is fully qualified (starts
 * with `/`); no empty level; at most 15 levels and 1011 characters; no `aws`/`ssm` prefix. A URL is refused
 * with its own message — and never echoed, because it would be the secret itself.
 *
 * @example
 * ```ts
 * webhookParameterNameProblem("/endpoint-auditor/slack-webhook-url"); // undefined
 * webhookParameterNameProblem("endpoint-auditor/slack"); // "… must start with / …"
 * ```
 */
export function webhookParameterNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0) return `must be a non-empty string; got ${JSON.stringify(name)}`;
  if (name.includes("://") || /hooks\.slack\.com/i.test(name)) {
    return "must be the NAME of an SSM parameter, not the webhook URL (store the URL in a SecureString parameter)";
  }
  if (!/^[A-Za-z0-9_.\-/]+$/.test(name)) {
    return `${JSON.stringify(name)} may contain only letters, digits, "_", ".", "-" and "/"`;
  }
  if (name.includes("/") && !name.startsWith("/")) return `${JSON.stringify(name)} has "/" so it must start with "/" (fully qualified)`;
  const levels = name.replace(/^\//, "").split("/");
  if (levels.some((level) => level.length === 0)) return `${JSON.stringify(name)} has an empty level ("//" or a trailing "/")`;
  if (levels.length > SsmParameterNameLimits.maxDepth) {
    return `${JSON.stringify(name)} has ${levels.length} levels; Systems Manager allows ${SsmParameterNameLimits.maxDepth}`;
  }
  if (name.length > SsmParameterNameLimits.maxLength) {
    return `is ${name.length} characters; Systems Manager allows ${SsmParameterNameLimits.maxLength}`;
  }
  if (/^(aws|ssm)/i.test(levels[0] ?? "")) return `${JSON.stringify(name)} starts with "aws" or "ssm", which Systems Manager reserves`;
  return undefined;
}

/**
 * Why `arn` cannot be the KMS key of the webhook parameter, or `undefined` when it is a key ARN. An alias
 * ARN is refused: IAM matches `kms:Decrypt` against the key's ARN, so an alias in `Resource` grants nothing.
 *
 * @example
 * ```ts
 * kmsKeyArnProblem("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"); // undefined
 * ```
 */
export function kmsKeyArnProblem(arn: unknown): string | undefined {
  if (typeof arn === "string" && /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:key\/(mrk-)?[0-9a-f-]{32,36}$/.test(arn)) {
    return undefined;
  }
  if (typeof arn === "string" && /^arn:aws[a-z-]*:kms:.*:alias\//.test(arn)) {
    return `must be a key ARN (…:key/<key-id>), not an alias ARN: IAM matches kms:Decrypt against the key's ARN; got ${JSON.stringify(arn)}`;
  }
  return `must be a KMS key ARN like arn:aws:kms:<region>:<account>:key/<key-id>; got ${JSON.stringify(arn)}`;
}
