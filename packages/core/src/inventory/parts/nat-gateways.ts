/** `DescribeNatGateways`: every NAT gateway with its state. */
import { DescribeNatGatewaysCommand, type NatGateway as Ec2NatGateway } from "@aws-sdk/client-ec2";
import type { NatGateway } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const natGateways = listPart({
  key: "natGateways",
  title: "NAT gateways",
  service: "ec2",
  command: DescribeNatGatewaysCommand,
  api: "EC2:DescribeNatGateways",
  iamAction: "ec2:DescribeNatGateways",
  itemsKey: "NatGateways",
  pageSize: 1000, // MaxResults 5–1000
  filterInput: "Filter",
  parseItem: (n: Ec2NatGateway, { region }): NatGateway => ({
    id: requireId(n.NatGatewayId, "NAT gateway", region),
    vpcId: requireId(n.VpcId, "NAT gateway VPC", region),
    subnetId: n.SubnetId,
    state: (n.State ?? "unknown").toLowerCase(),
    connectivityType: n.ConnectivityType,
    tags: tagsOf(n.Tags),
  }),
});
