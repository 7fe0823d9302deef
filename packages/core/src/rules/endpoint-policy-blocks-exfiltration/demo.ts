/**
 * Demo cases of endpoint-policy-blocks-exfiltration (the demo generator puts them into the demo account and
 * the demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

export const demo: RuleDemo = {
  // The data lake's S3 gateway: full access for the account, and a Deny on buckets of any other account.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("data-lake");
    d.b.bucket({ name: "data-lake-curated-7f3a" });
    return d.b.gatewayEndpoint({
      vpcId: vpc.vpcId,
      service: "s3",
      routeTableIds: [vpc.privateRouteTable],
      policyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AllowAll", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
          { Sid: "DenyOtherAccounts", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { StringNotEquals: { "s3:ResourceAccount": d.accountId } } },
        ],
      }),
      tags: { Name: "data-lake-s3" },
    });
  },
  // An SQS endpoint with AWS's default policy: stolen credentials can send messages to the attacker's queue.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("orders-events");
    return d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "sqs", subnetIds: vpc.privateSubnets, tags: { Name: "orders-events-sqs" } });
  },
  // A CloudWatch Logs endpoint: no write to another account's resource is probed through it.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("observability");
    return d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "logs", subnetIds: vpc.privateSubnets, tags: { Name: "observability-logs" } });
  },
};
