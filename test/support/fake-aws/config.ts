/**
 * AWS Config over AWS JSON 1.1 (`X-Amz-Target: StarlingDoveService.<Action>`): `PutEvaluations` and
 * `GetComplianceDetailsByConfigRule`, with in-memory state per region and rule.
 *
 * - `PutEvaluations` validates like the service (≤ 100 evaluations, `ComplianceType` ∈ COMPLIANT /
 *   NON_COMPLIANT / NOT_APPLICABLE, `Annotation` 1–256 characters, ids and types present, a known
 *   `ResultToken` unless `TestMode`), records every accepted write, keeps the latest result per resource,
 *   and can answer `FailedEvaluations` for chosen resource ids.
 * - `GetComplianceDetailsByConfigRule` pages the stored results (`Limit` 0–100, default 10) with `NextToken`.
 */
import { createHash, randomUUID } from "node:crypto";
import { draw } from "./faults";
import { FakeApiError, epochSeconds, readJsonTimestamp } from "./protocol";

export const CONFIG_COMPLIANCE_TYPES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"] as const;
export type ConfigComplianceType = (typeof CONFIG_COMPLIANCE_TYPES)[number] | "INSUFFICIENT_DATA";

/** One accepted evaluation, as the fake stored it. */
export interface StoredEvaluation {
  region: string;
  ruleName: string;
  resourceType: string;
  resourceId: string;
  complianceType: ConfigComplianceType;
  annotation?: string;
  orderingTimestamp: Date;
  recordedAt: Date;
  resultToken?: string;
}

/** A previous result to seed a rule with (what `GetComplianceDetailsByConfigRule` will list). */
export interface SeedResult {
  resourceType: string;
  resourceId: string;
  complianceType: ConfigComplianceType;
  annotation?: string;
  orderingTimestamp?: Date;
}

/** Which evaluations `PutEvaluations` answers as failed. */
export interface FailedEvaluationsPolicy {
  /** Resource ids that fail (default: every id, subject to `probability`). */
  resourceIds?: readonly string[];
  /** Probability (0–1) that a matching evaluation fails (default 1), drawn with the server's seed. */
  probability?: number;
  /** Each matching resource fails on its first `times` submissions only (default: always). */
  times?: number;
}

const MAX_EVALUATIONS = 100;
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;

function validation(message: string): FakeApiError {
  return new FakeApiError("ValidationException", message);
}

/** In-memory AWS Config for the rules the tests name. */
export class FakeConfigService {
  private readonly rules = new Set<string>();
  private readonly tokens = new Map<string, { region: string; ruleName: string }>();
  private readonly latest = new Map<string, StoredEvaluation>();
  private readonly log: StoredEvaluation[] = [];
  private readonly submissions = new Map<string, number>();
  private policy: FailedEvaluationsPolicy | undefined;
  private failedCount = 0;

  constructor(
    private readonly seed: number,
    private readonly defaultRegion: string,
  ) {}

  private ruleKey(region: string, ruleName: string): string {
    return `${region}\u0000${ruleName}`;
  }

  /** Declares a Config rule (a rule must exist for `GetComplianceDetailsByConfigRule`). */
  addRule(ruleName: string, region: string = this.defaultRegion): void {
    this.rules.add(this.ruleKey(region, ruleName));
  }

  /** Registers a `ResultToken` (e.g. the one in a documented Config event) as belonging to a rule. */
  registerResultToken(token: string, ruleName: string, region: string = this.defaultRegion): void {
    this.addRule(ruleName, region);
    this.tokens.set(token, { region, ruleName });
  }

  /** A fresh `ResultToken` for one invocation of a rule. */
  resultTokenFor(ruleName: string, region: string = this.defaultRegion): string {
    const token = `fake-result-token-${randomUUID()}`;
    this.registerResultToken(token, ruleName, region);
    return token;
  }

  /** Stores previous results of a rule, as if an earlier run had written them. */
  seedResults(ruleName: string, results: readonly SeedResult[], region: string = this.defaultRegion): void {
    this.addRule(ruleName, region);
    for (const r of results) {
      const stored: StoredEvaluation = {
        region,
        ruleName,
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        complianceType: r.complianceType,
        annotation: r.annotation,
        orderingTimestamp: r.orderingTimestamp ?? new Date(0),
        recordedAt: r.orderingTimestamp ?? new Date(0),
      };
      this.latest.set(this.resultKey(stored), stored);
    }
  }

  /** Sets (or clears, with `undefined`) which evaluations are answered as `FailedEvaluations`. */
  failEvaluations(policy: FailedEvaluationsPolicy | undefined): void {
    if (policy?.probability !== undefined && !(policy.probability >= 0 && policy.probability <= 1)) {
      throw new RangeError("fake-aws: failEvaluations.probability must be between 0 and 1");
    }
    this.policy = policy;
    this.submissions.clear();
  }

  /** Every evaluation accepted (not failed, not test mode), in write order, duplicates included. */
  writes(filter: { ruleName?: string; region?: string } = {}): StoredEvaluation[] {
    return this.log.filter((e) => (filter.ruleName === undefined || e.ruleName === filter.ruleName) && (filter.region === undefined || e.region === filter.region));
  }

  /** The current result per resource of a rule (latest `OrderingTimestamp` wins). */
  results(ruleName: string, region: string = this.defaultRegion): StoredEvaluation[] {
    return [...this.latest.values()].filter((e) => e.ruleName === ruleName && e.region === region);
  }

  /** How many evaluations were answered as failed so far. */
  get failedEvaluationCount(): number {
    return this.failedCount;
  }

  private resultKey(e: { region: string; ruleName: string; resourceType: string; resourceId: string }): string {
    return [e.region, e.ruleName, e.resourceType, e.resourceId].join("\u0000");
  }

  private shouldFail(resourceId: string): boolean {
    const p = this.policy;
    if (!p) return false;
    if (p.resourceIds && !p.resourceIds.includes(resourceId)) return false;
    const n = this.submissions.get(resourceId) ?? 0;
    this.submissions.set(resourceId, n + 1);
    if (p.times !== undefined && n >= p.times) return false;
    const probability = p.probability ?? 1;
    return probability >= 1 || draw(this.seed, `config-failed|${resourceId}`, n) < probability;
  }

  /** Answers `PutEvaluations`. */
  putEvaluations(body: Record<string, unknown>, region: string, now: Date): Record<string, unknown> {
    const token = body.ResultToken;
    const testMode = body.TestMode === true;
    if (typeof token !== "string" || token.length === 0) {
      throw validation("1 validation error detected: Value null at 'resultToken' failed to satisfy constraint: Member must not be null");
    }
    const evaluations = body.Evaluations ?? [];
    if (!Array.isArray(evaluations)) throw validation("Evaluations must be a list");
    if (evaluations.length > MAX_EVALUATIONS) {
      throw validation(
        `1 validation error detected: Value at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EVALUATIONS}`,
      );
    }
    const parsed = evaluations.map((raw: unknown, i: number) => {
      const e = (raw ?? {}) as Record<string, unknown>;
      const at = `evaluations.${i + 1}.member`;
      const type = e.ComplianceResourceType;
      const id = e.ComplianceResourceId;
      const compliance = e.ComplianceType;
      const annotation = e.Annotation;
      if (typeof type !== "string" || type.length < 1 || type.length > 256) {
        throw validation(`1 validation error detected: Value at '${at}.complianceResourceType' failed to satisfy constraint: Member must have length between 1 and 256`);
      }
      if (typeof id !== "string" || id.length < 1 || id.length > 768) {
        throw validation(`1 validation error detected: Value at '${at}.complianceResourceId' failed to satisfy constraint: Member must have length between 1 and 768`);
      }
      if (typeof compliance !== "string") {
        throw validation(`1 validation error detected: Value null at '${at}.complianceType' failed to satisfy constraint: Member must not be null`);
      }
      if (!(CONFIG_COMPLIANCE_TYPES as readonly string[]).includes(compliance)) {
        throw new FakeApiError(
          "InvalidParameterValueException",
          `The ComplianceType ${compliance} is not valid for PutEvaluations: use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.`,
        );
      }
      if (annotation !== undefined && (typeof annotation !== "string" || annotation.length < 1 || annotation.length > 256)) {
        throw validation(
          `1 validation error detected: Value '${String(annotation).slice(0, 40)}…' at '${at}.annotation' failed to satisfy constraint: Member must have length between 1 and 256`,
        );
      }
      if (e.OrderingTimestamp === undefined || e.OrderingTimestamp === null) {
        throw validation(`1 validation error detected: Value null at '${at}.orderingTimestamp' failed to satisfy constraint: Member must not be null`);
      }
      let ordering: Date;
      try {
        ordering = readJsonTimestamp(e.OrderingTimestamp, `${at}.orderingTimestamp`);
      } catch (err) {
        throw validation((err as Error).message);
      }
      return { raw: e, type, id, compliance: compliance as ConfigComplianceType, annotation: annotation as string | undefined, ordering };
    });
    if (testMode) return { FailedEvaluations: [] };
    const owner = this.tokens.get(token);
    if (!owner || owner.region !== region) {
      throw new FakeApiError("InvalidResultTokenException", "The specified ResultToken is not valid.");
    }
    const failed: Record<string, unknown>[] = [];
    for (const p of parsed) {
      if (this.shouldFail(p.id)) {
        failed.push(p.raw);
        this.failedCount++;
        continue;
      }
      const stored: StoredEvaluation = {
        region,
        ruleName: owner.ruleName,
        resourceType: p.type,
        resourceId: p.id,
        complianceType: p.compliance,
        annotation: p.annotation,
        orderingTimestamp: p.ordering,
        recordedAt: now,
        resultToken: token,
      };
      this.log.push(stored);
      const key = this.resultKey(stored);
      const previous = this.latest.get(key);
      if (!previous || previous.orderingTimestamp.getTime() <= stored.orderingTimestamp.getTime()) this.latest.set(key, stored);
    }
    return { FailedEvaluations: failed };
  }

  /** Answers `GetComplianceDetailsByConfigRule`. */
  getComplianceDetailsByConfigRule(body: Record<string, unknown>, region: string): Record<string, unknown> {
    const ruleName = body.ConfigRuleName;
    if (typeof ruleName !== "string" || ruleName.length === 0) {
      throw validation("1 validation error detected: Value null at 'configRuleName' failed to satisfy constraint: Member must not be null");
    }
    if (!this.rules.has(this.ruleKey(region, ruleName))) {
      throw new FakeApiError("NoSuchConfigRuleException", `The ConfigRule '${ruleName}' provided in the request is invalid. Please check the configRule name.`);
    }
    const limitRaw = body.Limit;
    if (limitRaw !== undefined && (typeof limitRaw !== "number" || !Number.isInteger(limitRaw) || limitRaw < 0 || limitRaw > MAX_LIMIT)) {
      throw validation(`1 validation error detected: Value '${String(limitRaw)}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${MAX_LIMIT}`);
    }
    const limit = limitRaw === undefined || limitRaw === 0 ? DEFAULT_LIMIT : limitRaw;
    const types = body.ComplianceTypes;
    let wanted: Set<string> | undefined;
    if (types !== undefined) {
      if (!Array.isArray(types)) throw validation("ComplianceTypes must be a list");
      for (const t of types) {
        if (!(CONFIG_COMPLIANCE_TYPES as readonly string[]).includes(t as string)) {
          throw new FakeApiError("InvalidParameterValueException", `ComplianceType ${String(t)} cannot be used as a filter.`);
        }
      }
      if (types.length > 0) wanted = new Set(types as string[]);
    }
    const all = this.results(ruleName, region)
      .filter((e) => !wanted || wanted.has(e.complianceType))
      .sort((a, b) => (a.resourceType + a.resourceId < b.resourceType + b.resourceId ? -1 : 1));
    const fingerprint = createHash("sha256").update(JSON.stringify([region, ruleName, types ?? null])).digest("hex").slice(0, 12);
    let offset = 0;
    const token = body.NextToken;
    if (typeof token === "string" && token !== "") {
      const m = /^([0-9a-f]{12}):(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
      if (!m || m[1] !== fingerprint || Number(m[2]) > all.length) {
        throw new FakeApiError("InvalidNextTokenException", "The specified next token is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.");
      }
      offset = Number(m[2]);
    }
    const page = all.slice(offset, offset + limit);
    const end = offset + page.length;
    const out: Record<string, unknown> = {
      EvaluationResults: page.map((e) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: {
            ConfigRuleName: e.ruleName,
            ResourceType: e.resourceType,
            ResourceId: e.resourceId,
            EvaluationMode: "DETECTIVE",
          },
          OrderingTimestamp: epochSeconds(e.orderingTimestamp),
        },
        ComplianceType: e.complianceType,
        ResultRecordedTime: epochSeconds(e.recordedAt),
        ConfigRuleInvokedTime: epochSeconds(e.recordedAt),
        ...(e.annotation !== undefined ? { Annotation: e.annotation } : {}),
        ...(e.resultToken !== undefined ? { ResultToken: e.resultToken } : {}),
      })),
    };
    if (end < all.length) out.NextToken = Buffer.from(`${fingerprint}:${end}`).toString("base64url");
    return out;
  }
}
