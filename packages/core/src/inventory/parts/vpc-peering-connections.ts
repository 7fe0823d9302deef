/** `DescribeVpcPeeringConnections`: peering connections (cross-region peering is reach a gateway endpoint cannot serve). */
import { DescribeVpcPeeringConnectionsCommand, type VpcPeeringConnection as Ec2Peering } from "@aws-sdk/client-ec2";
import type { VpcPeeringConnection } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const vpcPeeringConnections = listPart({
  key: "vpcPeeringConnections",
  title: "VPC peering connections",
  service: "ec2",
  command: DescribeVpcPeeringConnectionsCommand,
  api: "EC2:DescribeVpcPeeringConnections",
  iamAction: "ec2:DescribeVpcPeeringConnections",
  itemsKey: "VpcPeeringConnections",
  pageSize: 1000, // MaxResults 5–1000
  // Drops deleted/deleting/rejected/failed/expired peering connections.
  filters: [{ Name: "status-code", Values: ["pending-acceptance", "provisioning", "active"] }],
  parseItem: (p: Ec2Peering, { region }): VpcPeeringConnection => ({
    id: requireId(p.VpcPeeringConnectionId, "VPC peering connection", region),
    status: p.Status?.Code,
    requester: { vpcId: p.RequesterVpcInfo?.VpcId, ownerId: p.RequesterVpcInfo?.OwnerId, region: p.RequesterVpcInfo?.Region },
    accepter: { vpcId: p.AccepterVpcInfo?.VpcId, ownerId: p.AccepterVpcInfo?.OwnerId, region: p.AccepterVpcInfo?.Region },
    tags: tagsOf(p.Tags),
  }),
});
