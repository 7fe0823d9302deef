/** `DescribeVpcs`: every VPC of the region, including VPCs shared into the account. */
import { DescribeVpcsCommand, type Vpc as Ec2Vpc } from "@aws-sdk/client-ec2";
import type { Vpc } from "../model";
import { listPart, requireId, tagsOf } from "../part";

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
    isDefault: v.IsDefault === true,
    state: v.State,
    tags: tagsOf(v.Tags),
  }),
});
