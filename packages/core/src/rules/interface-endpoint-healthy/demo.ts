/**
 * Demo cases of interface-endpoint-healthy (the demo generator puts them into the demo account and the demo
 * test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // KMS in production: busy, never a dropped packet.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("ledger-prod");
    const kms = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "kms", subnetIds: vpc.privateSubnets, tags: { Name: "ledger-prod-kms" } });
    d.b.traffic(kms, d.busyDays(60, 300_000_000));
    return kms;
  },
  // API Gateway reached over a VPN whose tunnel lowers the MTU: large packets are dropped on two days.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("branch-gateway");
    const api = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "execute-api", subnetIds: vpc.privateSubnets, tags: { Name: "branch-gateway-execute-api" } });
    d.b.traffic(api, d.busyDays(60, 1_100_000_000));
    d.b.metric(api, "PacketsDropped", [
      { daysAgo: 2, bytes: 18_422 },
      { daysAgo: 4, bytes: 3_107 },
    ]);
    return api;
  },
  // An endpoint created this week: its window is not complete yet.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("ml-training");
    const sagemaker = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "sagemaker.api", subnetIds: vpc.privateSubnets, createdAt: d.daysAgo(3), tags: { Name: "ml-training-sagemaker-api" } });
    d.b.traffic(sagemaker, [{ daysAgo: 1, bytes: 64_000_000 }]);
    return sagemaker;
  },
};
