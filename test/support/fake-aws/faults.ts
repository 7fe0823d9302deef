/**
 * Fault injection for the fake AWS server: throttling, internal errors, hangs, added latency and
 * permanent failures, chosen per service / action / region with a seeded PRNG so runs are reproducible.
 *
 * A draw depends only on (seed, rule, service:action:region, how many calls of that key came before), so
 * the outcome of the n-th `DescribeVpcs` in `eu-west-1` is the same from run to run even when the
 * collector interleaves different calls differently.
 */
import { createRng } from "@endpoint-auditor/core/testing";

/** Service names as they appear in call keys (`EC2:DescribeVpcs`). */
export const FakeServices = {
  ec2: "EC2",
  cloudwatch: "CloudWatch",
  sts: "STS",
  config: "Config",
  organizations: "Organizations",
  route53: "Route53",
  s3: "S3",
} as const;

export type FakeService = (typeof FakeServices)[keyof typeof FakeServices];

/** An error the server answers with, in the protocol of the service that was called. */
export interface FaultError {
  /** Error code as the service spells it (`UnauthorizedOperation`, `AccessDenied`, …). */
  code: string;
  /** HTTP status (default 400). */
  status?: number;
  message?: string;
}

/**
 * One fault rule. Selectors left out match everything; every matching rule applies (latencies add up,
 * the first rule whose draw fires decides the answer).
 */
export interface FaultRule {
  service?: FakeService;
  /** Action name without the service (`DescribeRouteTables`, `GetMetricData`, `PutEvaluations`). */
  action?: string;
  region?: string;
  /** Probability (0–1) of a throttling answer: EC2 `RequestLimitExceeded` 503, others `Throttling` 400. */
  throttle?: number;
  /** Probability (0–1) of an internal error answer (HTTP 500). */
  internalError?: number;
  /** Probability (0–1) that the request is accepted and never answered. */
  hang?: number;
  /** Always answer with this error (`true`: the service's access-denied error). */
  fail?: FaultError | true;
  /** Milliseconds added before answering each matching call (also to faulty answers). */
  latencyMs?: number;
  /** Apply the fault part of this rule to the first `times` matching calls only (latency is unaffected). */
  times?: number;
}

/** What the server does with one call. */
export type FaultDecision =
  | { kind: "none" }
  | { kind: "throttle" }
  | { kind: "internal" }
  | { kind: "hang" }
  | { kind: "fail"; error: FaultError | true };

/** mulberry32: the project's seeded PRNG (one implementation, in core's test support). */
export const mulberry32 = createRng;

/** FNV-1a 32-bit hash of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A deterministic uniform draw in [0, 1) for (seed, stream name, index). */
export function draw(seed: number, stream: string, index: number): number {
  return mulberry32(fnv1a(`${seed}|${stream}|${index}`))();
}

function checkProbability(name: string, p: number | undefined): void {
  if (p === undefined) return;
  if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new RangeError(`fake-aws: fault ${name} must be a probability between 0 and 1, got ${String(p)}`);
  }
}

/** Rejects rules that cannot mean anything (probabilities outside 0–1, negative latency or count). */
export function validateFaultRules(rules: readonly FaultRule[]): void {
  rules.forEach((r, i) => {
    checkProbability(`#${i}.throttle`, r.throttle);
    checkProbability(`#${i}.internalError`, r.internalError);
    checkProbability(`#${i}.hang`, r.hang);
    const total = (r.throttle ?? 0) + (r.internalError ?? 0) + (r.hang ?? 0);
    if (total > 1 + 1e-9) throw new RangeError(`fake-aws: fault #${i} probabilities add up to ${total} > 1`);
    if (r.latencyMs !== undefined && !(r.latencyMs >= 0)) throw new RangeError(`fake-aws: fault #${i}.latencyMs must be ≥ 0`);
    if (r.times !== undefined && !(Number.isInteger(r.times) && r.times >= 0)) {
      throw new RangeError(`fake-aws: fault #${i}.times must be a non-negative integer`);
    }
  });
}

/** Holds the active rules and decides, call by call, what to inject. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private fired: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly seed: number) {}

  /** Replaces the active rules (their `times` counters restart). */
  set(rules: readonly FaultRule[]): void {
    validateFaultRules(rules);
    this.rules = rules.map((r) => ({ ...r }));
    this.fired = rules.map(() => 0);
  }

  /** The active rules. */
  get active(): readonly FaultRule[] {
    return this.rules;
  }

  private matches(rule: FaultRule, service: FakeService, action: string, region: string): boolean {
    return (
      (rule.service === undefined || rule.service === service) &&
      (rule.action === undefined || rule.action === action) &&
      (rule.region === undefined || rule.region === region)
    );
  }

  /** Decides the latency and the fault of one call. */
  decide(service: FakeService, action: string, region: string): { latencyMs: number; fault: FaultDecision } {
    const key = `${service}:${action}:${region}`;
    const index = this.seen.get(key) ?? 0;
    this.seen.set(key, index + 1);
    let latencyMs = 0;
    let fault: FaultDecision = { kind: "none" };
    this.rules.forEach((rule, i) => {
      if (!this.matches(rule, service, action, region)) return;
      latencyMs += rule.latencyMs ?? 0;
      if (fault.kind !== "none") return;
      if (rule.times !== undefined && (this.fired[i] ?? 0) >= rule.times) return;
      let decided: FaultDecision = { kind: "none" };
      if (rule.fail !== undefined) {
        decided = { kind: "fail", error: rule.fail };
      } else {
        const u = draw(this.seed, `${i}|${key}`, index);
        const throttle = rule.throttle ?? 0;
        const internal = rule.internalError ?? 0;
        const hang = rule.hang ?? 0;
        if (u < throttle) decided = { kind: "throttle" };
        else if (u < throttle + internal) decided = { kind: "internal" };
        else if (u < throttle + internal + hang) decided = { kind: "hang" };
      }
      if (decided.kind !== "none") {
        this.fired[i] = (this.fired[i] ?? 0) + 1;
        fault = decided;
      }
    });
    return { latencyMs, fault };
  }
}
