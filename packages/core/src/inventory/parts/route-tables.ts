/** `DescribeRouteTables`: every route table with its routes and associations. */
import { DescribeRouteTablesCommand, type RouteTable as Ec2RouteTable } from "@aws-sdk/client-ec2";
import type { RouteTable } from "../model";
import { NO_ITEMS, listPart, requireId, tagsOf } from "../part";

export const routeTables = listPart({
  key: "routeTables",
  title: "route tables",
  service: "ec2",
  command: DescribeRouteTablesCommand,
  api: "EC2:DescribeRouteTables",
  iamAction: "ec2:DescribeRouteTables",
  itemsKey: "RouteTables",
  pageSize: 100, // MaxResults 5–100: the one EC2 list with a smaller page
  parseItem: (rt: Ec2RouteTable, { region }): RouteTable => {
    // One pass over the associations (no intermediate lists: large accounts hold tens of thousands of tables).
    let isMain = false;
    let subnetIds: string[] | undefined;
    for (const a of rt.Associations ?? NO_ITEMS) {
      if (a.Main === true) isMain = true;
      if (a.SubnetId !== undefined && (a.AssociationState?.State ?? "associated") === "associated") (subnetIds ??= []).push(a.SubnetId);
    }
    return {
      id: requireId(rt.RouteTableId, "route table", region),
      vpcId: requireId(rt.VpcId, "route table VPC", region),
      isMain,
      subnetIds: subnetIds ?? NO_ITEMS,
      routes: (rt.Routes ?? NO_ITEMS).map((r) => ({
        destinationCidrBlock: r.DestinationCidrBlock,
        destinationIpv6CidrBlock: r.DestinationIpv6CidrBlock,
        destinationPrefixListId: r.DestinationPrefixListId,
        gatewayId: r.GatewayId,
        natGatewayId: r.NatGatewayId,
        transitGatewayId: r.TransitGatewayId,
        vpcPeeringConnectionId: r.VpcPeeringConnectionId,
        networkInterfaceId: r.NetworkInterfaceId,
        instanceId: r.InstanceId,
        egressOnlyInternetGatewayId: r.EgressOnlyInternetGatewayId,
        localGatewayId: r.LocalGatewayId,
        carrierGatewayId: r.CarrierGatewayId,
        coreNetworkArn: r.CoreNetworkArn,
        state: r.State,
      })),
      tags: tagsOf(rt.Tags),
    };
  },
});
