/**
 * Governed exemptions. A resource tagged `endpoint-auditor:exempt` is exempt from every rule while the tag
 * says why and, if it says until when, that day has not passed:
 *
 *     endpoint-auditor:exempt = "<reason> until=YYYY-MM-DD"      e.g. "DR standby, OPS-1234 until=2026-03-31"
 *
 * - The reason is required. `until=` is optional unless the deployment requires it
 *   ({@link ExemptionPolicy.requireExpiry}); it is a UTC date and the exemption holds through that day.
 *   A deployment may cap how far ahead it reaches ({@link ExemptionPolicy.maxDays}).
 * - **Active**: the evaluation is `NOT_APPLICABLE` with `Exempt: <reason>` (or `Exempt until <date>: <reason>`)
 *   and carries {@link Evaluation.exemption}, so the history and the digest list it as an exemption —
 *   never as a resolved finding.
 * - **Expired**: the resource is judged as if untagged; the annotation begins `Exemption expired <date>`.
 * - **Ignored** (no reason, a date that is not `YYYY-MM-DD`, no `until=` when one is required, or one
 *   beyond the maximum): judged as if untagged; the annotation begins `Exemption ignored: <why>`.
 *
 * Tag values may hold letters, digits, spaces and `_ . : / = + - @` everywhere tags are allowed, so the
 * format uses only those.
 */
import { EXEMPT_TAG, clampAnnotation, type Exemption } from "../evaluation";

/** What a deployment demands of an exemption tag. */
export interface ExemptionPolicy {
  /** An exemption without `until=YYYY-MM-DD` is ignored. Default false. */
  requireExpiry?: boolean;
  /** `until` may be at most this many days after the evaluation's day; later ones are ignored. Default: no limit. */
  maxDays?: number;
}

/** What the exemption tag of one resource amounts to at one moment. */
export type ExemptionStatus =
  | { kind: "active"; exemption: Exemption }
  | { kind: "expired"; exemption: Exemption & { until: string } }
  | { kind: "ignored"; problem: string };

const DAY_MS = 86_400_000;
/** Characters of an expired exemption's reason quoted before the rule's annotation. */
const NOTE_REASON_MAX_LENGTH = 60;
const UNTIL = /(?:^|\s)until=(\S*)/gi;

/** The UTC day of a time, `YYYY-MM-DD`. */
function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The time `YYYY-MM-DD` starts (UTC), or NaN when it is not a real date. */
function dayStart(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return Number.NaN;
  const ms = Date.parse(`${text}T00:00:00.000Z`);
  return !Number.isNaN(ms) && utcDay(new Date(ms)) === text ? ms : Number.NaN;
}

/**
 * Reads an exemption tag's value at `now` under a deployment's policy.
 *
 * @example
 * ```ts
 * exemptionStatus("DR standby until=2026-03-31", new Date("2026-03-31T23:00:00Z"));
 * // { kind: "active", exemption: { reason: "DR standby", until: "2026-03-31" } }
 * exemptionStatus("DR standby until=2026-03-31", new Date("2026-04-01T00:00:00Z")).kind; // "expired"
 * exemptionStatus("", new Date()).kind; // "ignored" (no reason)
 * ```
 */
export function exemptionStatus(value: string, now: Date, policy: ExemptionPolicy = {}): ExemptionStatus {
  const untils = [...value.matchAll(UNTIL)].map((m) => m[1] ?? "");
  const reason = value.replace(UNTIL, " ").replace(/\s+/g, " ").trim();
  if (untils.length > 1) return { kind: "ignored", problem: `the tag has ${untils.length} until= dates; give one` };
  const until = untils[0];
  if (reason.length === 0) return { kind: "ignored", problem: `the tag gives no reason (${EXEMPT_TAG} = "<reason> until=YYYY-MM-DD")` };
  if (until === undefined) {
    if (policy.requireExpiry) return { kind: "ignored", problem: "this deployment requires an expiry (until=YYYY-MM-DD)" };
    return { kind: "active", exemption: { reason } };
  }
  const start = dayStart(until);
  if (Number.isNaN(start)) return { kind: "ignored", problem: `until=${until} is not a date (YYYY-MM-DD)` };
  if (policy.maxDays !== undefined) {
    const latest = dayStart(utcDay(now)) + policy.maxDays * DAY_MS;
    if (start > latest) {
      return { kind: "ignored", problem: `until=${until} is more than ${policy.maxDays} days away (this deployment's maximum)` };
    }
  }
  // Exempt through the whole `until` day (UTC).
  if (now.getTime() >= start + DAY_MS) return { kind: "expired", exemption: { reason, until } };
  return { kind: "active", exemption: { reason, until } };
}

/**
 * The annotation of an exempt resource.
 *
 * @example
 * ```ts
 * exemptAnnotation({ reason: "DR standby", until: "2026-03-31" }); // "Exempt until 2026-03-31: DR standby"
 * ```
 */
export function exemptAnnotation(exemption: Exemption): string {
  return exemption.until ? `Exempt until ${exemption.until}: ${exemption.reason}` : `Exempt: ${exemption.reason}`;
}

/**
 * What an expired or ignored exemption puts before the rule's own annotation.
 *
 * @example
 * ```ts
 * exemptionNote({ kind: "expired", exemption: { reason: "DR", until: "2026-03-31" } }); // "Exemption expired 2026-03-31 (DR)."
 * ```
 */
export function exemptionNote(status: Exclude<ExemptionStatus, { kind: "active" }>): string {
  // The reason is cut short: the rule's own annotation follows within Config's 256 characters.
  return status.kind === "expired"
    ? `Exemption expired ${status.exemption.until} (${clampAnnotation(status.exemption.reason, NOTE_REASON_MAX_LENGTH)}).`
    : `Exemption ignored: ${status.problem}.`;
}
