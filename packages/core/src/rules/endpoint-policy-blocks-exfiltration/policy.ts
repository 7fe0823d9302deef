/**
 * IAM policy evaluation for VPC endpoint policies: the decision AWS makes with an endpoint's policy for one
 * request — an explicit Deny wins, an Allow is needed, otherwise the request is implicitly denied. Every
 * element counts: `Principal` / `NotPrincipal` (the forms endpoint policies take, with the gateway-endpoint
 * rule that an account principal means its root user only), `Action` / `NotAction`, `Resource` /
 * `NotResource` (ARN components matched one by one, `*` and `?` wildcards), and `Condition` with every
 * operator of the IAM reference (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*, Null), the
 * `…IfExists` suffix, the `ForAnyValue:` / `ForAllValues:` set prefixes and policy variables (`${aws:…}`).
 *
 * Pure and synchronous. An operator this module does not know never hides a write: in an Allow it is taken
 * to hold, in a Deny not to (`unknownOperators` reports it).
 */

/** The request a principal makes through the endpoint. */
export interface PolicyRequest {
  /** e.g. `arn:aws:iam::111122223333:role/probe` */
  principalArn: string;
  /** e.g. `s3:PutObject` */
  action: string;
  /** e.g. `arn:aws:s3:::bucket/key` */
  resource: string;
  /** Request context: `aws:ResourceAccount`, `s3:ResourceAccount`, … (keys compare case-insensitively). */
  context: Readonly<Record<string, string | readonly string[]>>;
}

export type Effect = "Allow" | "Deny";

/** A parsed statement: each element as a list (absent elements stay undefined). */
export interface Statement {
  sid?: string;
  effect: Effect;
  principal?: PrincipalElement;
  notPrincipal?: PrincipalElement;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition: Record<string, Record<string, string[]>>;
}

/** `"*"`, or principals by type (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
export type PrincipalElement = "*" | Record<string, string[]>;

export interface Policy {
  statements: Statement[];
}

/** A policy that is not a well-formed IAM policy document. */
export class PolicyDocumentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface Decision {
  decision: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
  /** The statements that decided it (the Deny, or the Allows). */
  statements: Statement[];
  /** Condition operators met that this module does not know. */
  unknownOperators: string[];
}

/** How `Principal: {"AWS": "<account>"}` reads: every principal of the account (interface), or its root only (gateway). */
export type AccountPrincipalMeaning = "account" | "root";

function list(value: unknown, what: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  throw new PolicyDocumentError(`${what} must be a string or a list of strings`);
}

function principalElement(value: unknown, what: string): PrincipalElement {
  if (value === "*") return "*";
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PolicyDocumentError(`${what} must be "*" or an object`);
  const out: Record<string, string[]> = {};
  for (const [type, v] of Object.entries(value)) out[type] = list(v, `${what}.${type}`);
  return out;
}

function conditionBlock(value: unknown): Record<string, Record<string, string[]>> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PolicyDocumentError("Condition must be an object");
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (typeof keys !== "object" || keys === null || Array.isArray(keys)) throw new PolicyDocumentError(`Condition.${operator} must be an object`);
    out[operator] = {};
    for (const [key, v] of Object.entries(keys)) {
      const values = Array.isArray(v) ? v : [v];
      if (!values.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean")) {
        throw new PolicyDocumentError(`Condition.${operator}.${key} must hold strings, numbers or booleans`);
      }
      (out[operator] as Record<string, string[]>)[key] = values.map(String);
    }
  }
  return out;
}

/**
 * Parses a policy document (the JSON text `DescribeVpcEndpoints` returns).
 *
 * @throws PolicyDocumentError naming what is malformed.
 * @example
 * ```ts
 * parsePolicy('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}').statements.length; // 1
 * ```
 */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new PolicyDocumentError(`the policy is not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new PolicyDocumentError("the policy is not a JSON object");
  const raw = (doc as { Statement?: unknown }).Statement;
  const items = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
  if (items.length === 0) throw new PolicyDocumentError("the policy has no Statement");
  const statements = items.map((s, i): Statement => {
    const where = `Statement[${i}]`;
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new PolicyDocumentError(`${where} is not an object`);
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") throw new PolicyDocumentError(`${where}.Effect must be Allow or Deny`);
    const out: Statement = { effect: st.Effect, condition: conditionBlock(st.Condition) };
    if (typeof st.Sid === "string") out.sid = st.Sid;
    if (st.Principal !== undefined) out.principal = principalElement(st.Principal, `${where}.Principal`);
    if (st.NotPrincipal !== undefined) out.notPrincipal = principalElement(st.NotPrincipal, `${where}.NotPrincipal`);
    if (st.Action !== undefined) out.action = list(st.Action, `${where}.Action`);
    if (st.NotAction !== undefined) out.notAction = list(st.NotAction, `${where}.NotAction`);
    if (st.Resource !== undefined) out.resource = list(st.Resource, `${where}.Resource`);
    if (st.NotResource !== undefined) out.notResource = list(st.NotResource, `${where}.NotResource`);
    if ((out.action === undefined) === (out.notAction === undefined)) throw new PolicyDocumentError(`${where} needs exactly one of Action and NotAction`);
    if (out.resource !== undefined && out.notResource !== undefined) throw new PolicyDocumentError(`${where} has both Resource and NotResource`);
    if (out.principal !== undefined && out.notPrincipal !== undefined) throw new PolicyDocumentError(`${where} has both Principal and NotPrincipal`);
    return out;
  });
  return { statements };
}

const regexCache = new Map<string, RegExp>();

/** What `${*}` and `${?}` become: characters that match only a literal `*` / `?` (see {@link literal}). */
const LITERAL_STAR = "\u0000";
const LITERAL_QUESTION = "\u0001";

/** A substituted value as text: escaped `*` and `?` back to themselves. */
function literal(text: string): string {
  return text.replaceAll(LITERAL_STAR, "*").replaceAll(LITERAL_QUESTION, "?");
}

/** `*` (any run) and `?` (one character) wildcards; `ignoreCase` for actions. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*") && !pattern.includes("?")) {
    const p = literal(pattern);
    return ignoreCase ? p.toLowerCase() === text.toLowerCase() : p === text;
  }
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")
      .replaceAll(LITERAL_STAR, "\\*")
      .replaceAll(LITERAL_QUESTION, "\\?");
    re = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re.test(text);
}

/** ARN matching as `ArnLike` and the Resource element do it: the six components one by one. */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return globMatch(pattern, arn);
  return p.every((part, i) => globMatch(part, a[i] as string));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

function contextValue(context: PolicyRequest["context"], key: string): readonly string[] | undefined {
  const direct = context[key];
  if (direct !== undefined) return typeof direct === "string" ? [direct] : direct;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === lower) return typeof v === "string" ? [v] : v;
  return undefined;
}

/** Replaces `${key}` policy variables with the request's value (`${*}`, `${?}`, `${$}` are escapes). */
function substitute(value: string, request: PolicyRequest): string {
  if (!value.includes("${")) return value;
  return value.replace(/\$\{([^}]+)\}/g, (all, name: string) => {
    if (name === "*") return LITERAL_STAR;
    if (name === "?") return LITERAL_QUESTION;
    if (name === "$") return "$";
    const [key, fallback] = name.split(/,\s*/);
    const v = contextValue(request.context, key ?? "");
    if (v && v.length === 1) return v[0] as string;
    const def = /^'(.*)'$/.exec(fallback ?? "");
    return def ? (def[1] as string) : all;
  });
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [base = "", bitsText] = cidr.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipv4ToInt(ip.split("/")[0] ?? "");
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return ip === cidr; // IPv6: exact text only
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

type Matcher = (contextValue: string, policyValue: string) => boolean;

const numeric = (f: (a: number, b: number) => boolean): Matcher => (a, b) => Number.isFinite(Number(a)) && Number.isFinite(Number(b)) && f(Number(a), Number(b));
const date = (f: (a: number, b: number) => boolean): Matcher => (a, b) => {
  const x = /^\d+$/.test(a) ? Number(a) * 1000 : Date.parse(a);
  const y = /^\d+$/.test(b) ? Number(b) * 1000 : Date.parse(b);
  return Number.isFinite(x) && Number.isFinite(y) && f(x, y);
};

/** Base operators: their matcher and whether they are negated (true when no policy value matches). */
const OPERATORS: Readonly<Record<string, { match: Matcher; negated: boolean }>> = {
  stringequals: { match: (a, b) => a === b, negated: false },
  stringnotequals: { match: (a, b) => a === b, negated: true },
  stringequalsignorecase: { match: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  stringnotequalsignorecase: { match: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true },
  stringlike: { match: (a, b) => globMatch(b, a), negated: false },
  stringnotlike: { match: (a, b) => globMatch(b, a), negated: true },
  numericequals: { match: numeric((a, b) => a === b), negated: false },
  numericnotequals: { match: numeric((a, b) => a === b), negated: true },
  numericlessthan: { match: numeric((a, b) => a < b), negated: false },
  numericlessthanequals: { match: numeric((a, b) => a <= b), negated: false },
  numericgreaterthan: { match: numeric((a, b) => a > b), negated: false },
  numericgreaterthanequals: { match: numeric((a, b) => a >= b), negated: false },
  dateequals: { match: date((a, b) => a === b), negated: false },
  datenotequals: { match: date((a, b) => a === b), negated: true },
  datelessthan: { match: date((a, b) => a < b), negated: false },
  datelessthanequals: { match: date((a, b) => a <= b), negated: false },
  dategreaterthan: { match: date((a, b) => a > b), negated: false },
  dategreaterthanequals: { match: date((a, b) => a >= b), negated: false },
  bool: { match: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  binaryequals: { match: (a, b) => a === b, negated: false },
  ipaddress: { match: (a, b) => ipInCidr(a, b), negated: false },
  notipaddress: { match: (a, b) => ipInCidr(a, b), negated: true },
  arnequals: { match: (a, b) => arnMatch(b, a), negated: false },
  arnlike: { match: (a, b) => arnMatch(b, a), negated: false },
  arnnotequals: { match: (a, b) => arnMatch(b, a), negated: true },
  arnnotlike: { match: (a, b) => arnMatch(b, a), negated: true },
};

/** Whether one `operator: { key: values }` entry holds; `undefined` when the operator is unknown. */
function conditionHolds(operatorText: string, key: string, policyValues: readonly string[], request: PolicyRequest): boolean | undefined {
  let op = operatorText;
  let set: "any" | "all" | undefined;
  const prefix = /^(ForAnyValue|ForAllValues):(.+)$/i.exec(op);
  if (prefix) {
    set = (prefix[1] as string).toLowerCase() === "foranyvalue" ? "any" : "all";
    op = prefix[2] as string;
  }
  let ifExists = false;
  if (/IfExists$/i.test(op)) {
    ifExists = true;
    op = op.slice(0, -"IfExists".length);
  }
  const values = contextValue(request.context, key);
  if (op.toLowerCase() === "null") {
    if (set !== undefined || ifExists) return undefined;
    const absent = values === undefined || values.length === 0;
    return policyValues.some((v) => (v.toLowerCase() === "true" ? absent : !absent));
  }
  const base = OPERATORS[op.toLowerCase()];
  if (!base) return undefined;
  // Only the *Like and Arn* operators read wildcards; elsewhere a substituted value is plain text.
  const wildcards = /like$|^arn/.test(op.toLowerCase());
  const wanted = policyValues.map((v) => (wildcards ? substitute(v, request) : literal(substitute(v, request))));
  const matchesOne = (c: string): boolean => {
    const hit = wanted.some((w) => base.match(c, w));
    return base.negated ? !hit : hit;
  };
  if (values === undefined || values.length === 0) {
    if (set === "all") return true; // vacuously: no value to fail
    if (set === "any") return false;
    if (ifExists) return true;
    return base.negated;
  }
  if (set === "all") return values.every(matchesOne);
  return values.some(matchesOne);
}

function principalMatches(element: PrincipalElement, request: PolicyRequest, accountMeaning: AccountPrincipalMeaning): boolean {
  if (element === "*") return true;
  const arn = request.principalArn;
  const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
  for (const [type, values] of Object.entries(element)) {
    if (type !== "AWS") continue; // service, federated and canonical-user principals are never an IAM role of the account
    for (const v of values) {
      if (v === "*") return true;
      const accountOnly = /^\d{12}$/.test(v) ? v : /^arn:[^:]+:iam::(\d{12}):root$/.exec(v)?.[1];
      if (accountOnly !== undefined) {
        if (accountMeaning === "account" ? account === accountOnly : arn === `arn:aws:iam::${accountOnly}:root`) return true;
        continue;
      }
      if (v === arn) return true;
      // A role's session: arn:aws:sts::<account>:assumed-role/<role>/<session> is the role arn:aws:iam::<account>:role/<role>.
      const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
      if (session && v === `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`) return true;
    }
  }
  return false;
}

/** Whether a statement applies to the request (every element matches), and the unknown operators met. */
function statementApplies(st: Statement, request: PolicyRequest, accountMeaning: AccountPrincipalMeaning, unknown: string[]): boolean {
  if (st.principal !== undefined && !principalMatches(st.principal, request, accountMeaning)) return false;
  if (st.notPrincipal !== undefined && principalMatches(st.notPrincipal, request, accountMeaning)) return false;
  if (st.action !== undefined && !st.action.some((a) => globMatch(a, request.action, true))) return false;
  if (st.notAction !== undefined && st.notAction.some((a) => globMatch(a, request.action, true))) return false;
  if (st.resource !== undefined && !st.resource.some((r) => arnMatch(substitute(r, request), request.resource))) return false;
  if (st.notResource !== undefined && st.notResource.some((r) => arnMatch(substitute(r, request), request.resource))) return false;
  for (const [operator, keys] of Object.entries(st.condition)) {
    for (const [key, values] of Object.entries(keys)) {
      const holds = conditionHolds(operator, key, values, request);
      if (holds === undefined) {
        if (!unknown.includes(operator)) unknown.push(operator);
        // Never hide a write: an unknown operator lets an Allow apply and keeps a Deny from applying.
        if (st.effect === "Deny") return false;
        continue;
      }
      if (!holds) return false;
    }
  }
  return true;
}

/**
 * The endpoint policy's decision for one request.
 *
 * @example
 * ```ts
 * const policy = parsePolicy('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}');
 * evaluatePolicy(policy, { principalArn: "arn:aws:iam::111122223333:role/app", action: "s3:PutObject", resource: "arn:aws:s3:::b/k", context: {} }).decision;
 * // "ImplicitlyDenied"
 * ```
 */
export function evaluatePolicy(policy: Policy, request: PolicyRequest, accountMeaning: AccountPrincipalMeaning = "account"): Decision {
  const unknownOperators: string[] = [];
  const allows: Statement[] = [];
  for (const st of policy.statements) {
    if (!statementApplies(st, request, accountMeaning, unknownOperators)) continue;
    if (st.effect === "Deny") return { decision: "ExplicitlyDenied", statements: [st], unknownOperators };
    allows.push(st);
  }
  return { decision: allows.length > 0 ? "Allowed" : "ImplicitlyDenied", statements: allows, unknownOperators };
}
