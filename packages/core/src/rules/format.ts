/** Small text helpers shared by the rules' annotations. Pure; no SDK. */

/** The two services that have gateway endpoints, with how annotations name them. */
export const GATEWAY_SERVICES = { s3: "S3", dynamodb: "DynamoDB" } as const;
export type GatewayService = keyof typeof GATEWAY_SERVICES;

/** `com.amazonaws.<region>.<service>`: the service name of a region's S3 or DynamoDB endpoint. */
export function awsServiceName(region: string, service: GatewayService): string {
  return `com.amazonaws.${region}.${service}`;
}

/**
 * The short name annotations give an endpoint's service: `ssm` for `com.amazonaws.<region>.ssm`, the
 * service id for another account's `com.amazonaws.vpce.<region>.vpce-svc-…`, else the name itself.
 *
 * @example
 * ```ts
 * serviceLabel("com.amazonaws.us-east-1.ecr.api", "us-east-1"); // "ecr.api"
 * ```
 */
export function serviceLabel(serviceName: string, region: string): string {
  const aws = `com.amazonaws.${region}.`;
  if (serviceName.startsWith(aws)) return serviceName.slice(aws.length);
  if (serviceName.startsWith("com.amazonaws.vpce.")) return serviceName.split(".").pop() ?? serviceName;
  return serviceName;
}

/**
 * Bytes in decimal units, as AWS bills data (1 GB = 10⁹ bytes).
 *
 * @example
 * ```ts
 * formatBytes(0); // "0 bytes"
 * formatBytes(3_400_000_000); // "3.4 GB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) {
    const n = Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0));
    return `${n} ${n === 1 ? "byte" : "bytes"}`;
  }
  const units = ["kB", "MB", "GB", "TB", "PB", "EB"];
  // One decimal below 100, none from 100: "1.5 kB", "99.9 MB", "123 MB".
  const show = (v: number): string => {
    const one = v.toFixed(1);
    return Number(one) >= 100 ? v.toFixed(0) : one;
  };
  let value = bytes / 1000;
  let i = 0;
  let text = show(value);
  // Move up while the printed value reaches 1000 (999,960 bytes prints as "1.0 MB", not "1000 kB").
  while (i < units.length - 1 && Number(text) >= 1000) {
    value /= 1000;
    i += 1;
    text = show(value);
  }
  return `${text} ${units[i]}`;
}

/**
 * Names at most `max` ids, then "+N more".
 *
 * @example
 * ```ts
 * listIds(["subnet-a", "subnet-b", "subnet-c"], 2); // "subnet-a, subnet-b (+1 more)"
 * ```
 */
export function listIds(ids: readonly string[], max = 3): string {
  if (ids.length <= max) return ids.join(", ");
  return `${ids.slice(0, max).join(", ")} (+${ids.length - max} more)`;
}

/** "1 AZ", "2 AZs". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Joins names as "A", "A and B", "A, B and C". */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** AWS Config's annotation limit (the engine clamps too; rules aim to fit so the fix is never cut). */
export const ANNOTATION_BUDGET = 256;

/**
 * Joins the required sentences, then adds each optional sentence that still fits the budget.
 *
 * @example
 * ```ts
 * fitSentences(["No flow log on vpc-1."], ["Fix: create one."], 30); // "No flow log on vpc-1."
 * ```
 */
export function fitSentences(required: readonly string[], optional: readonly string[], max = ANNOTATION_BUDGET): string {
  let text = required.filter((s) => s.length > 0).join(" ");
  for (const sentence of optional) {
    if (sentence.length === 0) continue;
    const next = text.length > 0 ? `${text} ${sentence}` : sentence;
    if (next.length <= max) text = next;
  }
  return text;
}
