/**
 * Demo cases of interface-endpoint-multi-az (the demo generator puts them into the demo account and the
 * demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // CloudWatch Logs in every zone of a three-zone VPC.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("orders-prod", { azs: 3 });
    const logs = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "logs", subnetIds: vpc.privateSubnets, tags: { Name: "orders-prod-logs" } });
    d.b.traffic(logs, d.busyDays(60, 9_500_000_000));
    return logs;
  },
  // ECR squeezed into one subnet of a three-zone VPC: two zones pull images across AZs.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("search-prod", { azs: 3 });
    const ecr = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "ecr.api", subnetIds: vpc.privateSubnets.slice(0, 1), tags: { Name: "search-prod-ecr-api" } });
    d.b.traffic(ecr, d.busyDays(60, 2_400_000_000));
    return ecr;
  },
  // A partner's service offered in a single zone: it cannot be spread.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("market-data", { azs: 2 });
    const service = d.b.endpointService({ service: `com.amazonaws.vpce.${d.region}.vpce-svc-0c5d7e9f1a3b5c7d9`, zones: [`${d.region}a`] });
    const feed = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service, subnetIds: vpc.privateSubnets.slice(0, 1), privateDnsEnabled: false, tags: { Name: "market-data-feed" } });
    d.b.traffic(feed, d.busyDays(60, 700_000_000));
    return feed;
  },
};
