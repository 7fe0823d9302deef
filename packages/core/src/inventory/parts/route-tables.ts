/** `DescribeRouteTables`: every route table with its routes and associations. */
import { DescribeRouteTablesCommand, type RouteTable as Ec2RouteTable } from "@aws-sdk/client-ec2";
import type { RouteTable } from "../model";
import { listPart, requireId, tagsOf } from "../part";

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
    const associations = rt.Associations ?? [];
    return {
      id: requireId(rt.RouteTableId, "route table", region),
      vpcId: requireId(rt.VpcId, "route table VPC", region),
      isMain: associations.some((a) => a.Main === true),
      subnetIds: associations
        .filter((a) => a.SubnetId !== undefined && (a.AssociationState?.State ?? "associated") === "associated")
        .map((a) => a.SubnetId as string),
      routes: (rt.Routes ?? []).map((r) => ({
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
