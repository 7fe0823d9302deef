/** Small helpers about the Lambda environment. */
import type { Context } from "aws-lambda";

/**
 * The account a function runs in, from its ARN (`arn:aws:lambda:<region>:<account>:function:<name>`), or
 * undefined when the ARN does not have that shape.
 *
 * @example
 * ```ts
 * functionAccountId(context); // "123456789012"
 * ```
 */
export function functionAccountId(context: Pick<Context, "invokedFunctionArn"> | undefined): string | undefined {
  const parts = context?.invokedFunctionArn?.split(":") ?? [];
  const account = parts[4];
  return parts[0] === "arn" && parts[2] === "lambda" && account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The region the function runs in (`AWS_REGION`, set by Lambda). */
export function lambdaRegion(env: NodeJS.ProcessEnv = process.env): string {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("AWS_REGION is not set: the function cannot tell which region to evaluate");
  return region;
}
