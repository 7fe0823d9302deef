/** `DescribeSecurityGroups`: every security group of the region with its inbound permissions. */
import { DescribeSecurityGroupsCommand, type IpPermission, type SecurityGroup as Ec2SecurityGroup } from "@aws-sdk/client-ec2";
import type { SecurityGroup, SecurityGroupPermission } from "../model";
import { listPart, requireId, tagsOf } from "../part";

function permission(p: IpPermission): SecurityGroupPermission {
  const defined = (values: (string | undefined)[] | undefined): string[] => (values ?? []).filter((v): v is string => typeof v === "string");
  return {
    protocol: String(p.IpProtocol ?? "-1").toLowerCase(),
    ...(typeof p.FromPort === "number" ? { fromPort: p.FromPort } : {}),
    ...(typeof p.ToPort === "number" ? { toPort: p.ToPort } : {}),
    ipv4Ranges: defined(p.IpRanges?.map((r) => r.CidrIp)),
    ipv6Ranges: defined(p.Ipv6Ranges?.map((r) => r.CidrIpv6)),
    groupIds: defined(p.UserIdGroupPairs?.map((g) => g.GroupId)),
    prefixListIds: defined(p.PrefixListIds?.map((l) => l.PrefixListId)),
  };
}

export const securityGroups = listPart({
  key: "securityGroups",
  title: "security groups",
  service: "ec2",
  command: DescribeSecurityGroupsCommand,
  api: "EC2:DescribeSecurityGroups",
  iamAction: "ec2:DescribeSecurityGroups",
  itemsKey: "SecurityGroups",
  pageSize: 1000, // MaxResults 5–1000
  parseItem: (g: Ec2SecurityGroup, { region }): SecurityGroup => ({
    id: requireId(g.GroupId, "security group", region),
    name: g.GroupName,
    vpcId: g.VpcId,
    ownerId: g.OwnerId,
    ingress: (g.IpPermissions ?? []).map(permission),
    tags: tagsOf(g.Tags),
  }),
});
