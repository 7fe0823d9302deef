/**
 * The member-account role for `scan --accounts/--org --role-name` (packages/cli/iam/member-role.template.json):
 * exactly the read-only actions the rules' data needs plus ec2:DescribeRegions, nothing else, and a trust
 * policy for the auditor account only, tied to the session name the CLI uses.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ROLE_SESSION_NAME, allRulePermissions } from "@endpoint-auditor/core";
import { REPO_ROOT } from "./support";

interface Template {
  Parameters: Record<string, { Default?: string }>;
  Resources: { AuditorRole: { Type: string; Properties: { MaxSessionDuration: number; AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] }; Policies: { PolicyDocument: { Statement: { Effect: string; Action: string[]; Resource: string }[] } }[] } } };
}

describe("member-account role template", () => {
  it("Given the registry, Then the role allows exactly the rules' read-only actions and ec2:DescribeRegions (for --region all), on *, and no more", async () => {
    const template = JSON.parse(await readFile(`${REPO_ROOT}packages/cli/iam/member-role.template.json`, "utf8")) as Template;
    const role = template.Resources.AuditorRole;
    expect(role.Type).toBe("AWS::IAM::Role");
    const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.every((s) => s.Effect === "Allow" && s.Resource === "*")).toBe(true);
    const actions = statements.flatMap((s) => s.Action);
    expect(actions).toEqual([...new Set([...allRulePermissions(), "ec2:DescribeRegions"])].sort());
    expect(actions.every((a) => /^(ec2:Describe|cloudwatch:Get|organizations:Describe|route53:List|s3:List)/.test(a) && !a.includes("*"))).toBe(true);
  });

  it("Then only the auditor account may assume it, with the CLI's session name (and the external id when one is set)", async () => {
    const template = JSON.parse(await readFile(`${REPO_ROOT}packages/cli/iam/member-role.template.json`, "utf8")) as Template;
    const [trust, ...more] = template.Resources.AuditorRole.Properties.AssumeRolePolicyDocument.Statement;
    expect(more).toEqual([]);
    expect(trust).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AuditorAccountId}:root" } } });
    expect(JSON.stringify(trust?.Condition)).toContain(`"sts:RoleSessionName":"${ROLE_SESSION_NAME}"`);
    expect(JSON.stringify(trust?.Condition)).toContain('"sts:ExternalId":{"Ref":"ExternalId"}');
    expect(template.Parameters.RoleName?.Default).toBe("EndpointAuditorReadOnly");
  });
});
