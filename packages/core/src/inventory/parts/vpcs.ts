/** `DescribeVpcs`: every VPC of the region, including VPCs shared into the account. */
import { DescribeVpcsCommand, type Vpc as Ec2Vpc } from "@aws-sdk/client-ec2";
import type { Vpc } from "../model";
import { listPart, requireId, tagsOf } from "../part";

/** The blocks in state `associated` (or `associating`); without an association set, the primary block. */
function associated(pairs: readonly (readonly [string | undefined, string | undefined])[] | undefined, primary?: string): string[] {
  if (pairs === undefined) return primary !== undefined ? [primary] : [];
  const out: string[] = [];
  for (const [cidr, state] of pairs) {
    if (cidr !== undefined && (state === undefined || state === "associated" || state === "associating") && !out.includes(cidr)) out.push(cidr);
  }
  return out;
}

export const vpcs = listPart({
  key: "vpcs",
  title: "VPCs",
  service: "ec2",
  command: DescribeVpcsCommand,
  api: "EC2:DescribeVpcs",
  iamAction: "ec2:DescribeVpcs",
  itemsKey: "Vpcs",
  pageSize: 1000, // MaxResults 5–1000
  resourceType: "AWS::EC2::VPC",
  parseItem: (v: Ec2Vpc, { region, accountId }): Vpc => ({
    id: requireId(v.VpcId, "VPC", region),
    ownerId: v.OwnerId ?? accountId,
    cidrBlock: v.CidrBlock,
    // Blocks being disassociated or that failed to associate serve no client.
    ipv4CidrBlocks: associated(v.CidrBlockAssociationSet?.map((a) => [a.CidrBlock, a.CidrBlockState?.State]), v.CidrBlock),
    ipv6CidrBlocks: associated(v.Ipv6CidrBlockAssociationSet?.map((a) => [a.Ipv6CidrBlock, a.Ipv6CidrBlockState?.State])),
    isDefault: v.IsDefault === true,
    state: v.State,
    tags: tagsOf(v.Tags),
  }),
});
