/** `DescribeVpcEndpoints`: every VPC endpoint (interface, gateway, Gateway Load Balancer, …). */
import { DescribeVpcEndpointsCommand, type VpcEndpoint as Ec2VpcEndpoint } from "@aws-sdk/client-ec2";
import type { EndpointState, VpcEndpoint } from "../model";
import { NO_ITEMS, listPart, requireId, stringsOf, tagsOf, toDate } from "../part";

const groupId = (g: { GroupId?: string }): unknown => g.GroupId;

const ENDPOINT_STATES: Readonly<Record<string, EndpointState>> = {
  pendingacceptance: "pendingAcceptance",
  pending: "pending",
  available: "available",
  deleting: "deleting",
  deleted: "deleted",
  rejected: "rejected",
  failed: "failed",
  expired: "expired",
  partial: "partial",
};

/**
 * Normalises an endpoint state (the API answers `available`, `pendingAcceptance`; the SDK's enum spells
 * `Available`; both occur in the wild).
 *
 * @example
 * ```ts
 * normaliseEndpointState("Available"); // "available"
 * ```
 */
export function normaliseEndpointState(state: string | undefined): EndpointState {
  return ENDPOINT_STATES[(state ?? "").toLowerCase()] ?? "unknown";
}

export const vpcEndpoints = listPart({
  key: "vpcEndpoints",
  title: "VPC endpoints",
  service: "ec2",
  command: DescribeVpcEndpointsCommand,
  api: "EC2:DescribeVpcEndpoints",
  iamAction: "ec2:DescribeVpcEndpoints",
  itemsKey: "VpcEndpoints",
  pageSize: 1000, // "If the value is greater than 1,000, we return only 1,000 items."
  resourceType: "AWS::EC2::VPCEndpoint",
  // DescribeVpcEndpoints keeps listing a deleted endpoint for a while: it is gone all the same.
  exists: (e: VpcEndpoint) => e.state !== "deleted",
  parseItem: (e: Ec2VpcEndpoint, { region }): VpcEndpoint => {
    // One literal, the policy set after it (no spread): large accounts list tens of thousands of endpoints.
    const endpoint: VpcEndpoint = {
      id: requireId(e.VpcEndpointId, "VPC endpoint", region),
      vpcId: requireId(e.VpcId, "VPC endpoint VPC", region),
      ownerId: e.OwnerId,
      serviceName: e.ServiceName ?? "",
      type: e.VpcEndpointType ?? "",
      state: normaliseEndpointState(e.State),
      rawState: e.State,
      creationTimestamp: toDate(e.CreationTimestamp),
      subnetIds: e.SubnetIds ?? NO_ITEMS,
      routeTableIds: e.RouteTableIds ?? NO_ITEMS,
      privateDnsEnabled: e.PrivateDnsEnabled === true,
      privateDnsOnlyForInboundResolverEndpoint: e.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === true,
      securityGroupIds: stringsOf(e.Groups, groupId),
      tags: tagsOf(e.Tags),
    };
    if (typeof e.PolicyDocument === "string") endpoint.policyDocument = e.PolicyDocument;
    return endpoint;
  },
});
