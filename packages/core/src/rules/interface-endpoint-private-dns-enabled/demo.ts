/**
 * Demo cases of interface-endpoint-private-dns-enabled (the demo generator puts them into the demo account
 * and the demo test holds the rule to them).
 */
import type { RuleDemo } from "../../../testing/demo";

/** The networking account whose private hosted zones the demo's shared-services VPC resolves through. */
const NETWORK_HUB_ACCOUNT = "210987654321";

export const demo: RuleDemo = {
  // Hub-and-spoke DNS: STS's endpoint keeps private DNS off; the hub's zone for the name is associated.
  COMPLIANT: (d) => {
    const vpc = d.appVpc("shared-services");
    const sts = d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "sts", subnetIds: vpc.privateSubnets, privateDnsEnabled: false, tags: { Name: "shared-services-sts" } });
    d.b.privateHostedZone({ name: `sts.${d.region}.amazonaws.com`, vpcIds: [vpc.vpcId], owningAccount: NETWORK_HUB_ACCOUNT });
    d.b.traffic(sts, d.busyDays(60, 40_000_000));
    return sts;
  },
  // Secrets Manager with private DNS off and no zone for its name: every call goes out through the NAT.
  NON_COMPLIANT: (d) => {
    const vpc = d.appVpc("reporting-prod");
    return d.b.interfaceEndpoint({ vpcId: vpc.vpcId, service: "secretsmanager", subnetIds: vpc.privateSubnets, privateDnsEnabled: false, tags: { Name: "reporting-prod-secrets" } });
  },
  // A partner's endpoint service: its DNS names are the partner's to publish.
  NOT_APPLICABLE: (d) => {
    const vpc = d.appVpc("partner-settlement");
    const partner = d.b.interfaceEndpoint({
      vpcId: vpc.vpcId,
      service: `com.amazonaws.vpce.${d.region}.vpce-svc-0e6f8a0b2c4d6e8f0`,
      subnetIds: vpc.privateSubnets,
      privateDnsEnabled: false,
      tags: { Name: "partner-settlement-api" },
    });
    d.b.traffic(partner, d.busyDays(60, 120_000_000));
    return partner;
  },
};
