/**
 * Demo cases of vpc-flow-logs-enabled (the demo generator puts them into the demo account and the demo
 * test holds the rule to them). The NOT_APPLICABLE case is the demo's one exempted resource.
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // Flow logs on every subnet instead of the VPC: covered all the same.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("identity-prod", { flowLog: false });
    for (const subnet of [...vpc.publicSubnets, ...vpc.privateSubnets]) d.b.flowLog({ resourceId: subnet, trafficType: "ALL", destination: "s3" });
    return vpc.vpcId;
  },
  // A flow log that stopped delivering (its role lost permission): nothing is recorded.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("billing-prod", { flowLog: false });
    d.b.flowLog({ resourceId: vpc.vpcId, trafficType: "ALL", deliverLogsStatus: "FAILED", deliverLogsErrorMessage: "Access error" });
    return vpc.vpcId;
  },
  // A sandbox rebuilt every week, exempted with a reason.
  NOT_APPLICABLE: (d) =>
    d.appVpc("sandbox", { flowLog: false, tags: { "endpoint-auditor:exempt": "sandbox, rebuilt weekly (ticket NET-1234)" } }).vpcId,
};
