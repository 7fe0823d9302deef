/**
 * Demo cases of interface-endpoint-reachable-from-vpc (the demo generator puts them into the demo account
 * and the demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";
import { inbound } from "../../../testing/inventory-fixtures";

function cidrOf(d: Parameters<RuleDemo["COMPLIANT"]>[0], vpcId: string): string {
  return d.b.vpcs.find((v) => v.VpcId === vpcId)?.CidrBlock ?? "10.0.0.0/16";
}

export const demo: RuleDemo = {
  // Systems Manager endpoints whose group admits HTTPS from the whole VPC.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("payments-prod");
    const sg = d.b.securityGroup({ vpcId: vpc.vpcId, name: "payments-prod-endpoints", ingress: [inbound.tcp(443, { cidrs: [cidrOf(d, vpc.vpcId)] })] });
    return d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "ssm", subnetIds: vpc.privateSubnets, securityGroupIds: [sg], tags: { Name: "payments-prod-ssm" } });
  },
  // A Secrets Manager endpoint whose group was copied from a bastion: SSH only, so every call times out.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("reports-dev");
    const sg = d.b.securityGroup({ vpcId: vpc.vpcId, name: "reports-dev-bastion", ingress: [inbound.tcp(22, { cidrs: [cidrOf(d, vpc.vpcId)] })] });
    return d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "secretsmanager", subnetIds: vpc.privateSubnets, securityGroupIds: [sg], tags: { Name: "reports-dev-secrets" } });
  },
  // Waiting for the partner to accept the connection: nobody can use it yet.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("partner-feed");
    const sg = d.b.securityGroup({ vpcId: vpc.vpcId, name: "partner-feed-endpoint", ingress: [inbound.tcp(443, { cidrs: [cidrOf(d, vpc.vpcId)] })] });
    return d.b.interfaceEndpoint({
      vpcId: vpc.vpcId,
      service: "com.amazonaws.vpce.us-east-1.vpce-svc-0e1d2c3b4a5968778",
      state: "pendingAcceptance",
      subnetIds: vpc.privateSubnets,
      securityGroupIds: [sg],
      privateDnsEnabled: false,
      tags: { Name: "partner-feed" },
    });
  },
};
