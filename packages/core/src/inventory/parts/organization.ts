/**
 * `DescribeOrganization`: the organization of the audited account, which rules may trust like the account
 * itself. Member accounts may call it; it is still **allowed to fail** — an account in no organization
 * (`AWSOrganizationsNotInUseException`), a role without `organizations:DescribeOrganization`, an SCP that
 * denies it. A failure is not a failed part: it is recorded in the raw value as the reason the organization
 * is unknown, and rules that would trust it trust only what their parameters name (and say so).
 */
import { DescribeOrganizationCommand, type Organization } from "@aws-sdk/client-organizations";
import { SnapshotError } from "../../errors";
import type { OrganizationInfo } from "../model";
import { describeError, type Outcome, type PartSpec } from "../part";

/** What a snapshot stores: the call's `Organization`, or why it is unknown. */
export interface RawOrganization {
  /** `DescribeOrganization`'s `Organization` member, when the call succeeded. */
  Organization?: Organization;
  /** The error the call ended with (after the SDK's retries), when it failed. */
  error?: { code?: string; message: string };
}

/** What DescribeOrganization answers for an account that is in no organization. */
export const NOT_IN_AN_ORGANIZATION = "AWSOrganizationsNotInUseException";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const organization: PartSpec<"organization", RawOrganization, OrganizationInfo> = {
  key: "organization",
  title: "the account's organization",
  iamActions: ["organizations:DescribeOrganization"],
  apis: ["Organizations:DescribeOrganization"],

  async collect(context): Promise<Outcome<RawOrganization>> {
    const client = context.clients.organizations;
    if (!client) return { ok: true, value: { error: { message: `no organizations client for ${context.region}` } }, calls: 0 };
    try {
      const out = await client.send(new DescribeOrganizationCommand({}));
      if (!isRecord(out.Organization) || typeof out.Organization.Id !== "string") {
        return { ok: true, value: { error: { message: "DescribeOrganization answered without an organization id" } }, calls: 1 };
      }
      return { ok: true, value: { Organization: out.Organization }, calls: 1 };
    } catch (error) {
      const { message, code } = describeError(error);
      return { ok: true, value: { error: { ...(code !== undefined ? { code } : {}), message } }, calls: 1 };
    }
  },

  check(value, where) {
    if (!isRecord(value)) throw new SnapshotError(`${where}: "organization" is not an object`);
    const org = value.Organization;
    const error = value.error;
    if (org !== undefined && !(isRecord(org) && typeof org.Id === "string")) {
      throw new SnapshotError(`${where}: "organization.Organization" needs an Id`);
    }
    if (error !== undefined && !(isRecord(error) && typeof error.message === "string")) {
      throw new SnapshotError(`${where}: "organization.error" needs a message`);
    }
    if ((org === undefined) === (error === undefined)) {
      throw new SnapshotError(`${where}: "organization" holds either Organization or error`);
    }
  },

  parse(raw): OrganizationInfo {
    if (raw === undefined) return { unknown: "DescribeOrganization was not called" };
    const id = raw.Organization?.Id;
    if (typeof id === "string" && id.length > 0) {
      return { id, ...(raw.Organization?.MasterAccountId !== undefined ? { managementAccountId: raw.Organization.MasterAccountId } : {}) };
    }
    const e = raw.error;
    // The account is in no organization: that is known, not unknown (nothing to trust beyond the account).
    if (e?.code === NOT_IN_AN_ORGANIZATION) return {};
    return { unknown: e ? `${e.code !== undefined ? `${e.code}: ` : ""}${e.message}` : "DescribeOrganization named no organization" };
  },
  count: (raw) => (raw.Organization ? 1 : 0),
  floor: () => ({ calls: { "Organizations:DescribeOrganization": 1 }, sequential: 1 }),
};
