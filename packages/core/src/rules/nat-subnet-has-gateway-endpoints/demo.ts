/**
 * Demo cases of nat-subnet-has-gateway-endpoints (the demo generator puts them into the demo account and
 * the demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // A private subnet behind NAT whose route table is attached to the S3 gateway endpoint.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("media-prod", { azs: 1 });
    d.b.gatewayEndpoint({ vpcId: vpc.vpcId, service: "s3", routeTableIds: [vpc.privateRouteTable], tags: { Name: "media-prod-s3-gateway" } });
    return vpc.privateSubnets[0] as string;
  },
  // A private subnet whose S3 traffic all goes through the NAT gateway ($0.045/GB).
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("batch-prod", { azs: 1 });
    return vpc.privateSubnets[0] as string;
  },
  // A public subnet: its default route is the internet gateway, NAT charges do not apply.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("web-edge", { azs: 1 });
    d.b.gatewayEndpoint({ vpcId: vpc.vpcId, service: "s3", routeTableIds: [vpc.privateRouteTable], tags: { Name: "web-edge-s3-gateway" } });
    return vpc.publicSubnets[0] as string;
  },
};
