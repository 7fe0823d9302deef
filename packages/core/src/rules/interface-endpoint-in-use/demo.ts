/**
 * Demo cases of interface-endpoint-in-use (the demo generator puts them into the demo account and the
 * demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // Systems Manager in production: busy every day.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("payments-prod");
    const ssm = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "ssm", subnetIds: vpc.privateSubnets, tags: { Name: "payments-prod-ssm" } });
    d.b.traffic(ssm, d.busyDays(80, 1_800_000_000));
    return ssm;
  },
  // A Kinesis endpoint left behind after a staging experiment: no byte in 90 days, still billed for 3 AZs.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("analytics-staging", { azs: 3 });
    return d.b.interfaceEndpoint({
      vpcId: vpc.vpcId,
      service: "kinesis-streams",
      subnetIds: vpc.privateSubnets,
      createdAt: d.daysAgo(210),
      tags: { Name: "analytics-staging-kinesis" },
    });
  },
  // An endpoint to a partner's endpoint service, still waiting for the partner to accept it.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("partner-integration");
    return d.b.interfaceEndpoint({
      vpcId: vpc.vpcId,
      service: "com.amazonaws.vpce.us-east-1.vpce-svc-0a4f3e2d1c0b9a876",
      state: "pendingAcceptance",
      subnetIds: vpc.privateSubnets,
      privateDnsEnabled: false,
      createdAt: d.daysAgo(2),
      tags: { Name: "partner-payments-api" },
    });
  },
};
