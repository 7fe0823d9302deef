/**
 * Demo cases of s3-dynamodb-endpoint-is-gateway (the demo generator puts them into the demo account and
 * the demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // The network hub: on-premises clients come over the VPN and need the S3 interface endpoint.
  COMPLIANT: (d) => {
    const hub = d.appVpc("network-hub");
    d.b.vpnGateway({ attachments: [{ vpcId: hub.vpcId }], tags: { Name: "network-hub-vgw" } });
    d.b.gatewayEndpoint({ vpcId: hub.vpcId, service: "s3", routeTableIds: [hub.privateRouteTable], tags: { Name: "network-hub-s3-gateway" } });
    const s3 = d.b.interfaceEndpoint({
      vpcId: hub.vpcId,
      service: "s3",
      subnetIds: hub.privateSubnets,
      privateDnsEnabled: true,
      privateDnsOnlyForInboundResolverEndpoint: true,
      tags: { Name: "network-hub-s3-interface" },
    });
    d.b.traffic(s3, d.busyDays(60, 40_000_000_000));
    return s3;
  },
  // A DynamoDB interface endpoint in a VPC nobody reaches from outside: a free gateway endpoint would do.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("orders-prod");
    const ddb = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "dynamodb", subnetIds: vpc.privateSubnets, tags: { Name: "orders-prod-dynamodb" } });
    d.b.traffic(ddb, d.busyDays(60, 6_000_000_000));
    return ddb;
  },
  // Created an hour ago and still pending: it serves nobody yet, so gateway vs interface is moot.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("search-dev");
    return d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "s3", state: "pending", subnetIds: vpc.privateSubnets, createdAt: d.daysAgo(0.05), tags: { Name: "search-dev-s3" } });
  },
};
