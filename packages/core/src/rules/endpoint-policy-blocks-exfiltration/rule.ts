/*
 * endpoint-policy-blocks-exfiltration — AWS::EC2::VPCEndpoint
 * In scope: Gateway and Interface endpoints of com.amazonaws.<region>.<service> for the services of the
 * `services` parameter (s3, dynamodb, sqs, sns, kinesis-streams, lambda), each probed with one write
 * (s3:PutObject, dynamodb:PutItem, sqs:SendMessage, sns:Publish, kinesis:PutRecord, lambda:InvokeFunction).
 * Trusted: the audited account, `trustedAccounts`, `trustedOrgIds` and the account's organization when
 * DescribeOrganization names it (when the call is refused or fails, only the accounts count, and the annotation ends
 * "(org unknown)"; an account in no organization has none to trust).
 *
 * Given an endpoint in state deleting or deleted
 *   Then it is not reported.
 * Given any other endpoint (another service, another type, or not available)
 *   Then NOT_APPLICABLE saying why.
 * Given an in-scope endpoint without a policy document, or with AWS's default full-access policy
 *   Then NON_COMPLIANT: any principal here may write to any account's resources.
 * Given its policy, evaluated with IAM's rules for principals of the account (a plain role, and every
 *   principal of the account the policy names), allows the write to a resource of an untrusted account —
 *   a fresh account in a fresh organization (and with none), every untrusted account and organization the
 *   policy names, every bucket an Allow names that the account does not own, every resource ARN an Allow
 *   names in an untrusted account
 *   Then NON_COMPLIANT naming the write, to whom, and the Deny to add.
 * Given no such write is allowed
 *   Then COMPLIANT naming what was probed.
 * Given a policy that is not a valid policy document
 *   Then NOT_APPLICABLE naming the problem (AWS would not have accepted it; never a guess).
 */
import { Compliance, type Finding } from "../../evaluation";
import type { Inventory, VpcEndpoint } from "../../inventory/model";
import { listIds } from "../format";
import { defineRule } from "../rule";
import { WRITE_PROBES, metadata, type ProbedService } from "./metadata";
import { PolicyDocumentError, evaluatePolicy, globMatch, parsePolicy, type Policy, type PolicyRequest } from "./policy";

const GONE_STATES = new Set(["deleting", "deleted"]);
/** AWS's default endpoint policy (what an endpoint without a policy document has). */
export const DEFAULT_ENDPOINT_POLICY = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';
/** A fresh account and organization: nobody trusts them, no policy names them. */
const FRESH_ACCOUNT = "000000000000";
const FRESH_ORG = "o-0000000000freshorg";
const PROBE_NAME = "endpoint-auditor-exfiltration-probe";

interface Trust {
  accounts: ReadonlySet<string>;
  orgs: ReadonlySet<string>;
  /** The account's organization, when known. */
  ownOrg?: string;
  orgUnknown?: string;
}

/** One write to try: the resource, whose it is, and how the annotation names it. */
interface Target {
  account: string;
  org?: string;
  resource: string;
  whom: string;
}

function resourceArn(service: ProbedService, region: string, account: string, bucket?: string): string {
  switch (service) {
    case "s3":
      return `arn:aws:s3:::${bucket ?? `${PROBE_NAME}-${account}`}/exfiltrated-object`;
    case "dynamodb":
      return `arn:aws:dynamodb:${region}:${account}:table/${PROBE_NAME}`;
    case "sqs":
      return `arn:aws:sqs:${region}:${account}:${PROBE_NAME}`;
    case "sns":
      return `arn:aws:sns:${region}:${account}:${PROBE_NAME}`;
    case "kinesis-streams":
      return `arn:aws:kinesis:${region}:${account}:stream/${PROBE_NAME}`;
    case "lambda":
      return `arn:aws:lambda:${region}:${account}:function:${PROBE_NAME}`;
  }
}

/** Every 12-digit account id and `o-…` organization id a policy names (in resources, principals or conditions). */
function namedIds(policy: Policy): { accounts: Set<string>; orgs: Set<string> } {
  const text = JSON.stringify(policy.statements);
  return {
    accounts: new Set([...text.matchAll(/(?<![0-9])([0-9]{12})(?![0-9])/g)].map((m) => m[1] as string)),
    orgs: new Set([...text.matchAll(/\b(o-[a-z0-9]{10,32})\b/g)].map((m) => m[1] as string)),
  };
}

/** Resource patterns that Allow statements name for the write (wildcards instantiated). */
function allowedResourcePatterns(policy: Policy, action: string): string[] {
  const out: string[] = [];
  for (const st of policy.statements) {
    if (st.effect !== "Allow" || st.resource === undefined) continue;
    const actionApplies = st.action !== undefined ? st.action.some((a) => globMatch(a, action, true)) : !(st.notAction ?? []).some((a) => globMatch(a, action, true));
    if (!actionApplies) continue;
    for (const r of st.resource) if (r !== "*" && r.startsWith("arn:")) out.push(r.replace(/\$\{[^}]*\}/g, "x").replace(/\*/g, "x").replace(/\?/g, "x"));
  }
  return out;
}

/** Whether an ARN names a resource of the same service and type as `canonical` (`function:`, `table/`, …). */
function sameResourceType(arn: string, canonical: string): boolean {
  const a = arn.split(":");
  const c = canonical.split(":");
  if (a[2] !== c[2]) return false;
  const typeOf = (resource: string): string | undefined => /^([a-z-]+)[:/]/.exec(resource)?.[1];
  const want = typeOf(c.slice(5).join(":"));
  return want === undefined ? !/[:/]/.test(a.slice(5).join(":")) : typeOf(a.slice(5).join(":")) === want;
}

/** At most `max` characters, the cut marked with "…". */
function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function targets(policy: Policy, service: ProbedService, inventory: Inventory, trust: Trust): Target[] {
  const region = inventory.region;
  const { action } = WRITE_PROBES[service];
  const named = namedIds(policy);
  const untrustedAccounts = [...named.accounts].filter((a) => !trust.accounts.has(a));
  const untrustedOrgs = [...named.orgs].filter((o) => !trust.orgs.has(o));
  const orgsOfOthers: (string | undefined)[] = [FRESH_ORG, undefined, ...untrustedOrgs];
  const out: Target[] = [];
  const add = (t: Target): void => {
    if (!out.some((o) => o.account === t.account && o.org === t.org && o.resource === t.resource)) out.push(t);
  };
  for (const org of orgsOfOthers) add({ account: FRESH_ACCOUNT, org, resource: resourceArn(service, region, FRESH_ACCOUNT), whom: org && org !== FRESH_ORG ? `an account of ${org}` : "any account" });
  for (const account of untrustedAccounts) {
    for (const org of orgsOfOthers) add({ account, org, resource: resourceArn(service, region, account), whom: `account ${account}` });
  }
  for (const pattern of allowedResourcePatterns(policy, action)) {
    if (service === "s3") {
      const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(pattern)?.[1];
      if (bucket === undefined || inventory.s3Buckets.has(bucket)) continue; // the account's own bucket
      for (const account of [FRESH_ACCOUNT, ...untrustedAccounts]) {
        for (const org of orgsOfOthers) add({ account, org, resource: pattern.includes("/") ? pattern : `${pattern}/exfiltrated-object`, whom: `bucket ${short(bucket, 40)} (not the account's)` });
      }
      continue;
    }
    const account = pattern.split(":")[4] ?? "";
    if (!/^\d{12}$/.test(account) || trust.accounts.has(account)) continue;
    // Only resources the write acts on (a function, not a layer; a table, not a backup).
    if (!sameResourceType(pattern, resourceArn(service, region, account))) continue;
    for (const org of orgsOfOthers) add({ account, org, resource: pattern, whom: `account ${account}` });
  }
  return out;
}

/** Principals of the audited account to probe with: a plain role, and those the policy names. */
function principals(policy: Policy, accountId: string): string[] {
  const out = [`arn:aws:iam::${accountId}:role/${PROBE_NAME}`];
  for (const st of policy.statements) {
    if (st.principal === undefined || st.principal === "*") continue;
    for (const v of st.principal.AWS ?? []) {
      if (v.startsWith(`arn:aws:iam::${accountId}:`) && !v.endsWith(":root") && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

/** The organizations a principal of the account may be in: the known one, or (unknown) none or any the policy or parameters name. */
function principalOrgs(policy: Policy, trust: Trust): (string | undefined)[] {
  if (trust.ownOrg !== undefined) return [trust.ownOrg];
  return [undefined, ...new Set([...namedIds(policy).orgs, ...trust.orgs])];
}

function request(principalArn: string, principalOrg: string | undefined, accountId: string, service: ProbedService, target: Target, endpoint: VpcEndpoint): PolicyRequest {
  const context: Record<string, string> = {
    "aws:PrincipalArn": principalArn,
    "aws:PrincipalAccount": accountId,
    "aws:PrincipalIsAWSService": "false",
    "aws:ResourceAccount": target.account,
    "aws:SourceVpce": endpoint.id,
    "aws:SourceVpc": endpoint.vpcId,
    "aws:SecureTransport": "true",
  };
  if (principalOrg !== undefined) context["aws:PrincipalOrgID"] = principalOrg;
  if (target.org !== undefined) context["aws:ResourceOrgID"] = target.org;
  if (service === "s3") context["s3:ResourceAccount"] = target.account;
  return { principalArn, action: WRITE_PROBES[service].action, resource: target.resource, context };
}

function serviceOf(endpoint: VpcEndpoint, region: string, services: readonly ProbedService[]): ProbedService | undefined {
  const prefix = `com.amazonaws.${region}.`;
  if (!endpoint.serviceName.startsWith(prefix)) return undefined;
  const name = endpoint.serviceName.slice(prefix.length) as ProbedService;
  return services.includes(name) ? name : undefined;
}

function fix(service: ProbedService, accountId: string, trust: Trust): string {
  const prefix = WRITE_PROBES[service].action.split(":")[0] as string;
  if (service === "s3") return `Add a Deny on s3:* where s3:ResourceAccount is not ${[...trust.accounts].includes(accountId) ? accountId : [...trust.accounts][0]}.`;
  if (trust.ownOrg !== undefined) return `Add a Deny on ${prefix}:* where aws:ResourceOrgID is not ${trust.ownOrg}.`;
  return `Add a Deny on ${prefix}:* where aws:ResourceAccount is not ${accountId}.`;
}

/**
 * The verdict of a policy for a service and endpoint type, kept per rule run: most endpoints share a few
 * policies (AWS's default above all). A policy that reads aws:SourceVpc(e) is judged per endpoint.
 */
type Verdicts = Map<string, Finding>;

function judge(inventory: Inventory, endpoint: VpcEndpoint, service: ProbedService, trust: Trust, verdicts: Verdicts): Finding {
  const text = endpoint.policyDocument;
  const key = text !== undefined && /sourcevpc/i.test(text) ? undefined : `${service}|${endpoint.type}|${text ?? "(none)"}`;
  if (key === undefined) return judgeOnce(inventory, endpoint, service, trust);
  let shared = verdicts.get(key);
  if (!shared) verdicts.set(key, (shared = judgeOnce(inventory, endpoint, service, trust)));
  // The annotation names no endpoint id (AWS Config shows the resource beside it): it is the same for all.
  return { resourceId: endpoint.id, compliance: shared.compliance, annotation: shared.annotation };
}

function judgeOnce(inventory: Inventory, endpoint: VpcEndpoint, service: ProbedService, trust: Trust): Finding {
  const { id } = endpoint;
  const label = `${WRITE_PROBES[service].label} ${endpoint.type.toLowerCase()}`;
  const accountId = inventory.accountId;
  // DescribeOrganization was refused or failed: only the trusted accounts (and trustedOrgIds) count. (An
  // account in no organization has none to trust: nothing to say.)
  const orgNote = trust.orgUnknown !== undefined ? " (org unknown)" : "";
  let policy: Policy;
  try {
    policy = parsePolicy(endpoint.policyDocument ?? DEFAULT_ENDPOINT_POLICY);
  } catch (error) {
    if (!(error instanceof PolicyDocumentError)) throw error;
    return { resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `${label} endpoint: its policy cannot be evaluated: ${error.message}.` };
  }
  // Gateway endpoints read an account principal as its root user only; interface endpoints as every principal.
  const accountMeaning = endpoint.type === "Gateway" ? "root" : "account";
  const probes = targets(policy, service, inventory, trust);
  const orgs = principalOrgs(policy, trust);
  for (const principalArn of principals(policy, accountId)) {
    for (const principalOrg of orgs) {
      for (const target of probes) {
        const decision = evaluatePolicy(policy, request(principalArn, principalOrg, accountId, service, target, endpoint), accountMeaning);
        if (decision.decision !== "Allowed") continue;
        const resource = principalArn.split(":").pop() ?? principalArn;
        const who = principalArn.endsWith(`/${PROBE_NAME}`) ? "any principal" : `${resource.split("/")[0]}/${short(resource.split("/").pop() ?? "", 40)}`;
        const how = endpoint.policyDocument === undefined
          ? "it has no policy (full access)"
          : target.whom === "any account" && !/ResourceAccount|ResourceOrgID/i.test(endpoint.policyDocument)
            ? `nothing limits ${service === "s3" ? "s3:ResourceAccount" : "aws:ResourceAccount"} or aws:ResourceOrgID`
            : `allowed by ${short(decision.statements[0]?.sid ?? "an Allow", 64)}`;
        const head = `${label} endpoint lets ${who} ${WRITE_PROBES[service].action} to ${WRITE_PROBES[service].noun} of ${target.whom}`;
        const full = `${head}: ${how}. ${fix(service, accountId, trust)}${orgNote}`;
        // AWS Config keeps 256 characters: without the "how" when it does not fit, before the engine clamps.
        const annotation = [full, `${head}. ${fix(service, accountId, trust)}${orgNote}`, `${head}.${orgNote}`].find((a) => a.length <= 256) ?? full;
        return { resourceId: id, compliance: Compliance.NON_COMPLIANT, annotation };
      }
    }
  }
  const trusted = listIds([...trust.accounts, ...trust.orgs], 2);
  return {
    resourceId: id,
    compliance: Compliance.COMPLIANT,
    annotation: `${label} endpoint allows no ${WRITE_PROBES[service].action} outside ${trusted} (${probes.length} resource${probes.length === 1 ? "" : "s"} of other accounts probed)${orgNote}.`,
  };
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params }) => {
    const org = inventory.organization;
    const trust: Trust = {
      accounts: new Set([inventory.accountId, ...params.trustedAccounts]),
      orgs: new Set([...(org.id !== undefined ? [org.id] : []), ...params.trustedOrgIds]),
      ...(org.id !== undefined ? { ownOrg: org.id } : org.unknown !== undefined ? { orgUnknown: org.unknown } : {}),
    };
    const findings: Finding[] = [];
    const verdicts: Verdicts = new Map();
    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (GONE_STATES.has(endpoint.state)) continue;
      const service = serviceOf(endpoint, inventory.region, params.services);
      if (service === undefined || (endpoint.type !== "Gateway" && endpoint.type !== "Interface")) {
        findings.push({ resourceId: endpoint.id, compliance: Compliance.NOT_APPLICABLE, annotation: `${endpoint.id} (${endpoint.serviceName}) is not an endpoint whose writes this rule probes.` });
        continue;
      }
      if (endpoint.state !== "available") {
        const state = endpoint.state === "unknown" ? endpoint.rawState || endpoint.state : endpoint.state;
        findings.push({ resourceId: endpoint.id, compliance: Compliance.NOT_APPLICABLE, annotation: `${endpoint.id} is ${state}: it carries no request yet; judged once available.` });
        continue;
      }
      findings.push(judge(inventory, endpoint, service, trust, verdicts));
    }
    return findings;
  },
});

