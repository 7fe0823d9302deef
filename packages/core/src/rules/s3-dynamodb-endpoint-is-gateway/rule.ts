/*
 * s3-dynamodb-endpoint-is-gateway — AWS::EC2::VPCEndpoint
 * In scope: Interface endpoints whose service is exactly com.amazonaws.<region>.s3 or
 * com.amazonaws.<region>.dynamodb (the inventory's region). Everything else is not evaluated.
 *
 * Given an in-scope endpoint in state deleting or deleted
 *   Then it is not reported (as in interface-endpoint-in-use).
 * Given an in-scope endpoint in any other state but available/partial (pendingAcceptance, pending,
 *   rejected, failed, expired, unknown)
 *   Then NOT_APPLICABLE naming the state: it serves no client, so gateway vs interface is moot;
 *   interface-endpoint-in-use reports the ones that can never carry traffic.
 * Given its VPC has hybrid or transit reach — a VPN gateway whose attachment to the VPC is `attached`,
 *   an `available` transit-gateway VPC attachment, or an `active` peering connection whose other side
 *   is in another region
 *   Then COMPLIANT naming the evidence, and
 *     - when the VPC has no available gateway endpoint for the service: recommend adding one for
 *       in-VPC clients and setting PrivateDnsOnlyForInboundResolverEndpoint;
 *     - when it has one and the interface endpoint's private DNS answers every resolver: recommend
 *       PrivateDnsOnlyForInboundResolverEndpoint so in-VPC clients use the gateway;
 *     - when it has one and PrivateDnsOnlyForInboundResolverEndpoint is set: say it is the AWS-recommended setup.
 * Given no such evidence
 *   Then NON_COMPLIANT: replace it with a (free) gateway endpoint, monthlySavingsUsd = its hourly cost;
 *   when an available gateway endpoint for the service already exists in the VPC, name it.
 * A VPN attachment in another state (attaching, detached, …), a TGW attachment that is not available,
 * a peering connection that is not active or that stays in this region, is not evidence.
 */
import { Compliance, type Finding } from "../../evaluation";
import type { Inventory, VpcEndpoint } from "../../inventory/model";
import { endpointsOf, peeringConnectionsOf, transitGatewayAttachmentsOf, vpnGatewaysOf } from "../../inventory/queries";
import { interfaceEndpointMonthlyUsd } from "../../pricing";
import { formatMonthlySavings } from "../../savings";
import { defineRule } from "../rule";
import { GATEWAY_SERVICES, awsServiceName, listIds, type GatewayService } from "../format";
import { metadata } from "./metadata";

const GONE_STATES = new Set(["deleting", "deleted"]);
const OPERATING_STATES = new Set(["available", "partial"]);

/** Hybrid or transit reach of a VPC, one short phrase per piece of evidence. */
export function hybridEvidence(inventory: Inventory, vpcId: string): string[] {
  const evidence: string[] = [];
  for (const gateway of vpnGatewaysOf(inventory, vpcId)) {
    if (gateway.attachments.some((a) => a.vpcId === vpcId && a.state === "attached")) {
      evidence.push(`VPN gateway ${gateway.id} attached`);
    }
  }
  for (const attachment of transitGatewayAttachmentsOf(inventory, vpcId)) {
    if (attachment.state === "available") {
      evidence.push(`transit gateway attachment ${attachment.id}`);
    }
  }
  for (const peering of peeringConnectionsOf(inventory, vpcId)) {
    if (peering.status !== "active") continue;
    const other = peering.requester.vpcId === vpcId ? peering.accepter : peering.requester;
    // A side without a region cannot be shown to be remote, so it is not evidence.
    if (other.region !== undefined && other.region !== inventory.region) {
      evidence.push(`peering ${peering.id} to ${other.vpcId ?? "a VPC"} in ${other.region}`);
    }
  }
  return evidence;
}

function gatewayEndpointsFor(inventory: Inventory, vpcId: string, serviceName: string): VpcEndpoint[] {
  return endpointsOf(inventory, vpcId).filter(
    (e) => e.type === "Gateway" && e.serviceName === serviceName && e.state === "available",
  );
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory }) => {
    const findings: Finding[] = [];
    const services = new Map<string, GatewayService>(
      (Object.keys(GATEWAY_SERVICES) as GatewayService[]).map((s) => [awsServiceName(inventory.region, s), s]),
    );

    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (endpoint.type !== "Interface") continue;
      const service = services.get(endpoint.serviceName);
      if (service === undefined) continue;
      const { id, vpcId, state } = endpoint;
      const label = GATEWAY_SERVICES[service];
      if (GONE_STATES.has(state)) continue;
      if (!OPERATING_STATES.has(state)) {
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `${label} interface endpoint ${id} is ${state === "unknown" ? endpoint.rawState || state : state} and serves no clients; judged once available.`,
        });
        continue;
      }

      const gateways = gatewayEndpointsFor(inventory, vpcId, endpoint.serviceName).map((g) => g.id);
      const evidence = hybridEvidence(inventory, vpcId);

      if (evidence.length > 0) {
        const reason = `Needed for hybrid/transit clients of ${vpcId}: ${listIds(evidence, 1)}.`;
        let advice: string;
        if (gateways.length === 0) {
          advice = ` Add a free ${label} gateway endpoint for in-VPC clients, then set PrivateDnsOnlyForInboundResolverEndpoint here.`;
        } else if (endpoint.privateDnsOnlyForInboundResolverEndpoint) {
          advice = ` In-VPC clients use gateway ${listIds(gateways, 1)} (PrivateDnsOnlyForInboundResolverEndpoint set).`;
        } else if (endpoint.privateDnsEnabled) {
          advice = ` Its private DNS sends in-VPC clients here, not to gateway ${listIds(gateways, 1)}: set PrivateDnsOnlyForInboundResolverEndpoint.`;
        } else {
          advice = ` Gateway ${listIds(gateways, 1)} serves in-VPC clients.`;
        }
        findings.push({ resourceId: id, compliance: Compliance.COMPLIANT, annotation: reason + advice });
        continue;
      }

      const azs = Math.max(endpoint.subnetIds.length, 1);
      const saving = interfaceEndpointMonthlyUsd(inventory.region, azs);
      const savingText = `saves ${formatMonthlySavings(saving, { region: inventory.region })}`;
      const annotation =
        gateways.length > 0
          ? `No VPN, transit gateway or cross-region peering reaches ${vpcId}, and ${label} gateway endpoint ${listIds(gateways, 1)} ` +
            `already serves it: delete interface endpoint ${id} (${savingText}).`
          : `No VPN, transit gateway or cross-region peering reaches ${vpcId}: replace ${label} interface endpoint ${id} ` +
            `with a gateway endpoint (free; ${savingText}).`;
      findings.push({ resourceId: id, compliance: Compliance.NON_COMPLIANT, annotation, monthlySavingsUsd: saving });
    }
    return findings;
  },
});
