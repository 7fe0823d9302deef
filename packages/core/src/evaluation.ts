/** Evaluations: what every front door (Config, digest, CLI) reports. */

export const Compliance = {
  COMPLIANT: "COMPLIANT",
  NON_COMPLIANT: "NON_COMPLIANT",
  NOT_APPLICABLE: "NOT_APPLICABLE",
} as const;
export type ComplianceType = (typeof Compliance)[keyof typeof Compliance];

export const ResourceTypes = {
  VpcEndpoint: "AWS::EC2::VPCEndpoint",
  Subnet: "AWS::EC2::Subnet",
  Vpc: "AWS::EC2::VPC",
} as const;
export type ResourceType = (typeof ResourceTypes)[keyof typeof ResourceTypes];

/**
 * The tag that exempts a resource from every rule: `<reason> until=YYYY-MM-DD` (the date optional unless the
 * deployment requires one). See `engine/exemptions.ts`.
 */
export const EXEMPT_TAG = "endpoint-auditor:exempt";

/** An exemption in force: why, and through which UTC day (inclusive) when the tag says. */
export interface Exemption {
  reason: string;
  /** `YYYY-MM-DD`. */
  until?: string;
}

/** AWS Config's annotation limit. */
export const MAX_ANNOTATION_LENGTH = 256;

/** What a rule says about one resource. */
export interface Finding {
  resourceId: string;
  compliance: ComplianceType;
  annotation: string;
  /** Set on NON_COMPLIANT findings whose fix saves money. */
  monthlySavingsUsd?: number;
}

/** A finding placed in its account, region and rule. */
export interface Evaluation extends Finding {
  ruleId: string;
  resourceType: ResourceType;
  region: string;
  accountId: string;
  /** Set when an exemption in force made the resource `NOT_APPLICABLE` (the history keeps it apart from resolved findings). */
  exemption?: Exemption;
}

/** A rule (or a whole region) that could not be evaluated. */
export interface ScanError {
  /** The account, where the front door knows it (a scan of several accounts always sets it). */
  accountId?: string;
  region: string;
  ruleId?: string;
  message: string;
  /**
   * The inventory lists whose collection failed and kept this rule from being evaluated (absent for other
   * errors). One failed list blocks every rule that needs it; front doors can group by `call`.
   */
  failedParts?: FailedPart[];
}

/** A list that could not be collected, as reported with the rules it blocked. */
export interface FailedPart {
  /** Inventory part key, e.g. `flowLogs`. */
  part: string;
  /** IAM-style call name, e.g. `ec2:DescribeFlowLogs`. */
  call: string;
  message: string;
  /** The AWS error code, when there is one (e.g. `UnauthorizedOperation`). */
  code?: string;
}

/**
 * Whitespace {@link clampAnnotation} would change: a space at either end, a run of two, or any whitespace
 * other than a plain space (`\s` less " "). One regular expression: V8 compiles it to machine code that
 * scans a one-byte string several times faster than a loop over `charCodeAt` (this runs for every
 * evaluation; `npm run -s bench -- --only scale`).
 */
const UNCLEAN_WHITESPACE = /^ | $| {2}|[^\S ]/;

/** True when {@link clampAnnotation} would leave `text`'s whitespace as it is. */
function cleanWhitespace(text: string): boolean {
  return !UNCLEAN_WHITESPACE.test(text);
}

/**
 * True when {@link clampAnnotation} returns `text` as it is: 1 to `max` characters, single plain spaces inside.
 *
 * @example
 * ```ts
 * annotationFits("No traffic in 30 days."); // true
 * annotationFits("two  spaces"); // false
 * ```
 */
export function annotationFits(text: string, max = MAX_ANNOTATION_LENGTH): boolean {
  return text.length > 0 && text.length <= max && cleanWhitespace(text);
}

/**
 * Cuts an annotation to AWS Config's 1–256 characters, ending a cut one with "…".
 *
 * @example
 * ```ts
 * clampAnnotation("x".repeat(1000)).length; // 256
 * ```
 */
export function clampAnnotation(text: string, max = MAX_ANNOTATION_LENGTH): string {
  // Most annotations are already clean and fit: tested (no allocation) and returned as they are.
  if (annotationFits(text, max)) return text;
  const clean = text.length > 0 && cleanWhitespace(text) ? text : text.replace(/\s+/g, " ").trim();
  return clean.length === 0 ? "No details." : clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

/** Rounds dollars to cents. */
export function roundUsd(value: number): number {
  return Math.round(value * 100) / 100;
}
