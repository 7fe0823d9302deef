/** `DescribeSecurityGroups`: every security group of the region with its inbound permissions. */
import { DescribeSecurityGroupsCommand, type IpPermission, type SecurityGroup as Ec2SecurityGroup } from "@aws-sdk/client-ec2";
import type { SecurityGroup, SecurityGroupPermission } from "../model";
import { NO_ITEMS, listPart, requireId, stringsOf, tagsOf } from "../part";

const cidrIp = (r: { CidrIp?: string }): unknown => r.CidrIp;
const cidrIpv6 = (r: { CidrIpv6?: string }): unknown => r.CidrIpv6;
const groupId = (g: { GroupId?: string }): unknown => g.GroupId;
const prefixListId = (l: { PrefixListId?: string }): unknown => l.PrefixListId;

function permission(p: IpPermission): SecurityGroupPermission {
  // One literal per case (no spread): 100k-resource accounts hold tens of thousands of permissions.
  const protocol = String(p.IpProtocol ?? "-1").toLowerCase();
  const ipv4Ranges = stringsOf(p.IpRanges, cidrIp);
  const ipv6Ranges = stringsOf(p.Ipv6Ranges, cidrIpv6);
  const groupIds = stringsOf(p.UserIdGroupPairs, groupId);
  const prefixListIds = stringsOf(p.PrefixListIds, prefixListId);
  const from = typeof p.FromPort === "number";
  const to = typeof p.ToPort === "number";
  if (from && to) return { protocol, fromPort: p.FromPort as number, toPort: p.ToPort as number, ipv4Ranges, ipv6Ranges, groupIds, prefixListIds };
  if (from) return { protocol, fromPort: p.FromPort as number, ipv4Ranges, ipv6Ranges, groupIds, prefixListIds };
  if (to) return { protocol, toPort: p.ToPort as number, ipv4Ranges, ipv6Ranges, groupIds, prefixListIds };
  return { protocol, ipv4Ranges, ipv6Ranges, groupIds, prefixListIds };
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
    ingress: g.IpPermissions === undefined || g.IpPermissions.length === 0 ? NO_ITEMS : g.IpPermissions.map(permission),
    tags: tagsOf(g.Tags),
  }),
});
