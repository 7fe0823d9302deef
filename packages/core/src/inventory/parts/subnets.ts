/** `DescribeSubnets`: every subnet of the region. */
import { DescribeSubnetsCommand, type Subnet as Ec2Subnet } from "@aws-sdk/client-ec2";
import type { Subnet } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const subnets = listPart({
  key: "subnets",
  title: "subnets",
  service: "ec2",
  command: DescribeSubnetsCommand,
  api: "EC2:DescribeSubnets",
  iamAction: "ec2:DescribeSubnets",
  itemsKey: "Subnets",
  pageSize: 1000, // MaxResults 5–1000
  resourceType: "AWS::EC2::Subnet",
  parseItem: (s: Ec2Subnet, { region }): Subnet => ({
    id: requireId(s.SubnetId, "subnet", region),
    vpcId: requireId(s.VpcId, "subnet VPC", region),
    ownerId: s.OwnerId,
    availabilityZone: s.AvailabilityZone,
    cidrBlock: s.CidrBlock,
    tags: tagsOf(s.Tags),
  }),
});
