/**
 * Several accounts behind one fake: STS AssumeRole (credentials per assumed role, each serving its own
 * account's data), EC2 DescribeRegions (the regions enabled per account; a disabled region refuses EC2 and
 * CloudWatch with AuthFailure, as AWS does), and AWS Organizations (DescribeOrganization for any member, ListAccounts, ListAccountsForParent,
 * ListChildren; JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.*`). Response shapes follow the API
 * references (STS AssumeRole, EC2 DescribeRegions / Region, Organizations Account / Child).
 */
import { createHash } from "node:crypto";
import type { RawRegion } from "@endpoint-auditor/core";
import { EC2_XMLNS, FakeApiError, STS_XMLNS } from "./protocol";
import { escapeXml } from "./schema";

/** One account the fake serves. */
export interface FakeAccount {
  accountId: string;
  /** EC2 lists per region (as `FakeAwsData.regions`). */
  regions?: readonly RawRegion[];
  /** Regions enabled for the account (default: every region with data, plus us-east-1). */
  enabledRegions?: readonly string[];
  /** Name and state in the organization (default ACTIVE), and its parent (root or OU id). */
  name?: string;
  state?: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED" | "PENDING_ACTIVATION";
  parentId?: string;
}

/** A role that can (or cannot) be assumed. */
export interface FakeRole {
  accountId: string;
  roleName: string;
  /** The external id the trust policy requires, if any. */
  externalId?: string;
  /** Refuse every AssumeRole (an SCP or a trust policy that does not trust the caller). */
  deny?: boolean;
}

/** An organizational unit. */
export interface FakeOrganizationalUnit {
  id: string;
  parentId: string;
}

/** The organization the caller's account manages. */
export interface FakeOrganization {
  id: string;
  rootId: string;
  /** The account allowed to list the organization (management or delegated administrator). */
  managementAccountId: string;
  units?: readonly FakeOrganizationalUnit[];
  /** Further member accounts that may call DescribeOrganization (besides the management account and `accounts`). */
  memberAccountIds?: readonly string[];
}

export interface FakeAccountsData {
  accounts?: readonly FakeAccount[];
  roles?: readonly FakeRole[];
  organization?: FakeOrganization;
  /** Page size of the Organizations list calls (the API's default and maximum is 20). */
  organizationsPageSize?: number;
}

/** Credentials issued by AssumeRole. */
interface Issued {
  secretAccessKey: string;
  accountId: string;
  roleArn: string;
  sessionName: string;
}

/** One AssumeRole call as received. */
export interface AssumeRoleCall {
  RoleArn: string;
  RoleSessionName: string;
  ExternalId?: string;
  DurationSeconds?: string;
  /** The account of the credentials that asked. */
  callerAccountId: string;
}

/** Every region name the fake's DescribeRegions knows, with its opt-in requirement. */
const REGIONS: readonly (readonly [string, boolean])[] = [
  ["us-east-1", false],
  ["us-east-2", false],
  ["us-west-1", false],
  ["us-west-2", false],
  ["eu-west-1", false],
  ["eu-west-2", false],
  ["eu-central-1", false],
  ["ap-southeast-1", false],
  ["ap-northeast-1", false],
  ["ap-east-1", true],
  ["eu-south-1", true],
  ["me-south-1", true],
];

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(.+)$/;

/** The multi-account state of a fake. */
export class FakeAccounts {
  private accounts = new Map<string, FakeAccount>();
  private roles: FakeRole[] = [];
  private organization: FakeOrganization | undefined;
  private pageSize = 20;
  private readonly issued = new Map<string, Issued>();
  private counter = 0;
  /** Every AssumeRole call, in arrival order. */
  readonly assumeRoleCalls: AssumeRoleCall[] = [];

  set(data: FakeAccountsData): void {
    this.accounts = new Map((data.accounts ?? []).map((a) => [a.accountId, a]));
    this.roles = [...(data.roles ?? [])];
    this.organization = data.organization;
    this.pageSize = data.organizationsPageSize ?? 20;
    this.issued.clear();
    this.assumeRoleCalls.length = 0;
  }

  /** The secret of credentials this fake issued. */
  secretFor(accessKeyId: string): string | undefined {
    return this.issued.get(accessKeyId)?.secretAccessKey;
  }

  /** The account whose credentials these are (issued by AssumeRole), if any. */
  accountFor(accessKeyId: string): Issued | undefined {
    return this.issued.get(accessKeyId);
  }

  /** The EC2 data of `accountId` in `region`, or undefined when the fake has no such account. */
  account(accountId: string): FakeAccount | undefined {
    return this.accounts.get(accountId);
  }

  /** Whether `region` is enabled for the account (accounts the fake does not know: every region). */
  regionEnabled(accountId: string, region: string): boolean {
    const account = this.accounts.get(accountId);
    if (!account) return true;
    return this.enabledRegions(account).includes(region);
  }

  private enabledRegions(account: FakeAccount): readonly string[] {
    return account.enabledRegions ?? [...new Set(["us-east-1", ...(account.regions ?? []).map((r) => r.region)])];
  }

  /** STS AssumeRole: checks the role and the external id, issues credentials for the role's account. */
  assumeRole(form: URLSearchParams, callerAccountId: string, callerArn: string, requestId: string): string {
    const call: AssumeRoleCall = {
      RoleArn: form.get("RoleArn") ?? "",
      RoleSessionName: form.get("RoleSessionName") ?? "",
      callerAccountId,
      ...(form.get("ExternalId") !== null ? { ExternalId: form.get("ExternalId") as string } : {}),
      ...(form.get("DurationSeconds") !== null ? { DurationSeconds: form.get("DurationSeconds") as string } : {}),
    };
    this.assumeRoleCalls.push(call);
    if (!/^[\w+=,.@-]{2,64}$/.test(call.RoleSessionName)) {
      throw new FakeApiError("ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint", 400);
    }
    const match = ROLE_ARN.exec(call.RoleArn);
    const denied = new FakeApiError("AccessDenied", `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${call.RoleArn}`, 403);
    if (!match) throw new FakeApiError("ValidationError", `${call.RoleArn} is invalid`, 400);
    const [, , accountId = "", roleName = ""] = match;
    const role = this.roles.find((r) => r.accountId === accountId && r.roleName === roleName);
    if (!role || role.deny || (role.externalId !== undefined && role.externalId !== call.ExternalId)) throw denied;
    this.counter++;
    const accessKeyId = `ASIAFAKE${String(this.counter).padStart(12, "0")}`;
    const secretAccessKey = createHash("sha256").update(`${accessKeyId}/${accountId}`).digest("base64").slice(0, 40);
    const sessionToken = createHash("sha256").update(`token/${accessKeyId}`).digest("base64");
    const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
    this.issued.set(accessKeyId, { secretAccessKey, accountId, roleArn, sessionName: call.RoleSessionName });
    const expiration = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    return (
      `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult>` +
      `<AssumedRoleUser><Arn>${escapeXml(`arn:aws:sts::${accountId}:assumed-role/${roleName}/${call.RoleSessionName}`)}</Arn>` +
      `<AssumedRoleId>AROAFAKE${String(this.counter).padStart(12, "0")}:${escapeXml(call.RoleSessionName)}</AssumedRoleId></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(secretAccessKey)}</SecretAccessKey>` +
      `<SessionToken>${escapeXml(sessionToken)}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`
    );
  }

  /** EC2 DescribeRegions for an account: its enabled regions (all known regions with `AllRegions=true`). */
  describeRegions(accountId: string, form: URLSearchParams, requestId: string): string {
    const account = this.accounts.get(accountId);
    const enabled = account ? this.enabledRegions(account) : REGIONS.filter(([, optIn]) => !optIn).map(([name]) => name);
    const all = form.get("AllRegions") === "true";
    const items = REGIONS.filter(([name]) => all || enabled.includes(name))
      .concat(enabled.filter((name) => !REGIONS.some(([n]) => n === name)).map((name) => [name, false] as const))
      .map(([name, optIn]) => {
        const status = !optIn ? "opt-in-not-required" : enabled.includes(name) ? "opted-in" : "not-opted-in";
        return `<item><regionName>${name}</regionName><regionEndpoint>ec2.${name}.amazonaws.com</regionEndpoint><optInStatus>${status}</optInStatus></item>`;
      });
    return `<DescribeRegionsResponse xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId><regionInfo>${items.join("")}</regionInfo></DescribeRegionsResponse>`;
  }

  /** AWS Organizations, JSON 1.1. */
  organizations(action: string, input: Record<string, unknown>, callerAccountId: string): Record<string, unknown> {
    const org = this.organization;
    const member = org !== undefined && (callerAccountId === org.managementAccountId || this.accounts.has(callerAccountId) || (org.memberAccountIds ?? []).includes(callerAccountId));
    if (!org || (action === "DescribeOrganization" && !member)) {
      throw new FakeApiError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.", 400);
    }
    if (action === "DescribeOrganization") {
      // Any member account may describe its organization (the management account's details included).
      return {
        Organization: {
          Id: org.id,
          Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
          FeatureSet: "ALL",
          MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
          MasterAccountId: org.managementAccountId,
          MasterAccountEmail: `aws+${org.managementAccountId}@example.com`,
          AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
        },
      };
    }
    if (callerAccountId !== org.managementAccountId) {
      throw new FakeApiError("AccessDeniedException", "You don't have permissions to access this resource.", 400);
    }
    const page = <T>(items: T[]): { items: T[]; next?: string } => {
      const max = typeof input.MaxResults === "number" ? Math.min(input.MaxResults, 20) : this.pageSize;
      const start = typeof input.NextToken === "string" ? Number(Buffer.from(input.NextToken, "base64").toString("utf8").split(":")[1]) : 0;
      if (!Number.isInteger(start) || start < 0) throw new FakeApiError("InvalidInputException", "The provided NextToken is not valid.", 400);
      const slice = items.slice(start, start + max);
      return { items: slice, ...(start + max < items.length ? { next: Buffer.from(`${action}:${start + max}`).toString("base64") } : {}) };
    };
    const accountJson = (a: FakeAccount): Record<string, unknown> => ({
      Id: a.accountId,
      Arn: `arn:aws:organizations::${callerAccountId}:account/${org.id}/${a.accountId}`,
      Email: `aws+${a.accountId}@example.com`,
      Name: a.name ?? `account-${a.accountId}`,
      State: a.state ?? "ACTIVE",
      JoinedMethod: a.accountId === callerAccountId ? "CREATED" : "INVITED",
      JoinedTimestamp: 1_700_000_000,
    });
    const knownParent = (id: unknown): string => {
      if (typeof id !== "string" || !(id === org.rootId || (org.units ?? []).some((u) => u.id === id))) {
        throw new FakeApiError("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.", 400);
      }
      return id;
    };
    const all = [...this.accounts.values()];
    switch (action) {
      case "ListAccounts": {
        const { items, next } = page(all);
        return { Accounts: items.map(accountJson), ...(next ? { NextToken: next } : {}) };
      }
      case "ListAccountsForParent": {
        const parent = knownParent(input.ParentId);
        const { items, next } = page(all.filter((a) => (a.parentId ?? org.rootId) === parent));
        return { Accounts: items.map(accountJson), ...(next ? { NextToken: next } : {}) };
      }
      case "ListChildren": {
        const parent = knownParent(input.ParentId);
        if (input.ChildType !== "ORGANIZATIONAL_UNIT" && input.ChildType !== "ACCOUNT") {
          throw new FakeApiError("InvalidInputException", "ChildType must be ORGANIZATIONAL_UNIT or ACCOUNT.", 400);
        }
        const children =
          input.ChildType === "ACCOUNT"
            ? all.filter((a) => (a.parentId ?? org.rootId) === parent).map((a) => ({ Id: a.accountId, Type: "ACCOUNT" }))
            : (org.units ?? []).filter((u) => u.parentId === parent).map((u) => ({ Id: u.id, Type: "ORGANIZATIONAL_UNIT" }));
        const { items, next } = page(children);
        return { Children: items, ...(next ? { NextToken: next } : {}) };
      }
      default:
        throw new FakeApiError("UnknownOperationException", `fake-aws does not serve Organizations ${action}`, 400);
    }
  }
}
