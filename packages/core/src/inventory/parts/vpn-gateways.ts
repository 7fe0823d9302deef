/** `DescribeVpnGateways`: virtual private gateways (hybrid reach of a VPC). Not paginated. */
import { DescribeVpnGatewaysCommand, type VpnGateway as Ec2VpnGateway } from "@aws-sdk/client-ec2";
import type { VpnGateway } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const vpnGateways = listPart({
  key: "vpnGateways",
  title: "VPN gateways",
  service: "ec2",
  command: DescribeVpnGatewaysCommand,
  api: "EC2:DescribeVpnGateways",
  iamAction: "ec2:DescribeVpnGateways",
  itemsKey: "VpnGateways",
  // Not paginated: one call returns every gateway.
  // A deleting/deleted virtual private gateway gives no hybrid reach.
  filters: [{ Name: "state", Values: ["pending", "available"] }],
  parseItem: (g: Ec2VpnGateway, { region }): VpnGateway => ({
    id: requireId(g.VpnGatewayId, "VPN gateway", region),
    state: g.State,
    attachments: (g.VpcAttachments ?? []).filter((a) => a.VpcId !== undefined).map((a) => ({ vpcId: a.VpcId as string, state: a.State })),
    tags: tagsOf(g.Tags),
  }),
});
