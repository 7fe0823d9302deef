/*
 * interface-endpoint-private-dns-enabled — AWS::EC2::VPCEndpoint (Interface endpoints only)
 *
 * Given an endpoint that is not of type Interface
 *   Then it is not evaluated.
 * Given an Interface endpoint in state deleting or deleted
 *   Then it is not reported.
 * Given an Interface endpoint in any other state but available
 *   Then NOT_APPLICABLE naming the state.
 * Given an available S3 or DynamoDB interface endpoint
 *   Then NOT_APPLICABLE: reached by endpoint-specific names (s3-dynamodb-endpoint-is-gateway judges it).
 * Given an endpoint of another account's endpoint service, or of a service not listed for the account
 *   Then NOT_APPLICABLE: its DNS is its provider's (or unknown), not guessed.
 * Given an AWS service without a private DNS name
 *   Then NOT_APPLICABLE.
 * Given an available endpoint of an AWS service with private DNS enabled
 *   Then COMPLIANT.
 * Given private DNS off, a private hosted zone named exactly like the service associated with the VPC (of
 *   any owner: the hub-and-spoke pattern) and DNS support and hostnames on in the VPC
 *   Then COMPLIANT naming the zone and its owner.
 * Given private DNS off and no such zone
 *   Then NON_COMPLIANT: "Clients in vpc-… resolve ssm.us-east-1.amazonaws.com to public addresses and reach it
 *   through nat-… (or not at all); vpce-… carries nothing they send. Enable private DNS (the VPC needs DNS
 *   hostnames and DNS support)." (the VPC's attributes are not read: they change nothing here).
 * Given private DNS off and such a zone, but a DNS attribute of the VPC off
 *   Then NON_COMPLIANT naming the attributes to turn on (the zone is unused until then).
 * Given private DNS off but the VPC's hosted zones (or, with such a zone, its DNS attributes) were not read
 *   Then the rule throws RuleEvaluationError (never a verdict without them).
 */
import { Compliance, type Finding } from "../../evaluation";
import { RuleEvaluationError } from "../../errors";
import type { PrivateHostedZone, VpcDnsAttributes } from "../../inventory/model";
import { dnsName, natGatewaysOf, privateHostedZonesOf, vpcDnsAttributesOf } from "../../inventory/queries";
import { defineRule } from "../rule";
import { ANNOTATION_BUDGET, GATEWAY_SERVICES, awsServiceName, joinAnd, listIds, serviceLabel, type GatewayService } from "../format";
import { metadata } from "./metadata";

const GONE_STATES = new Set(["deleting", "deleted"]);

/** The VPC DNS attributes that are off (what must be turned on first), in the order AWS names them. */
function attributesOff(attributes: VpcDnsAttributes): string[] {
  const off: string[] = [];
  if (attributes.enableDnsSupport !== true) off.push("DNS support");
  if (attributes.enableDnsHostnames !== true) off.push("DNS hostnames");
  return off;
}

function ownerOf(zone: PrivateHostedZone): string {
  if (zone.owningAccount !== undefined) return `account ${zone.owningAccount}`;
  return zone.owningService ?? "an unknown owner";
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory }) => {
    const findings: Finding[] = [];
    const unread: string[] = [];
    const gateways = new Set((Object.keys(GATEWAY_SERVICES) as GatewayService[]).map((s) => awsServiceName(inventory.region, s)));
    // What depends on the service alone, worked out once per service: why it is not judged, or its DNS name
    // (as zones are named) and the COMPLIANT annotation of an endpoint with private DNS on.
    const byService = new Map<string, { na: string } | { na?: undefined; name: string; zoneName: string; on: string }>();
    const serviceInfo = (serviceName: string) => {
      let info = byService.get(serviceName);
      if (info) return info;
      const label = serviceLabel(serviceName, inventory.region);
      const service = inventory.vpcEndpointServices.get(serviceName);
      if (gateways.has(serviceName)) info = { na: `${label} interface endpoints are reached by endpoint-specific names; s3-dynamodb-endpoint-is-gateway judges this one.` };
      else if (!service) info = { na: `${serviceName} is not listed for this account (DescribeVpcEndpointServices), so its private DNS name is unknown; not judged.` };
      else if (service.owner !== "amazon") {
        info = { na: `${label} is an endpoint service of ${service.owner ? `account ${service.owner}` : "another account"}: its DNS names are its provider's; not judged.` };
      } else if (!service.privateDnsName) info = { na: `${label} offers no private DNS name: clients use the endpoint's own names.` };
      else {
        const name = service.privateDnsName;
        info = { name, zoneName: dnsName(name), on: `Private DNS on: clients in the VPC resolve ${name} to this endpoint.` };
      }
      byService.set(serviceName, info);
      return info;
    };

    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (endpoint.type !== "Interface" || GONE_STATES.has(endpoint.state)) continue;
      const { id, vpcId } = endpoint;
      if (endpoint.state !== "available") {
        const state = endpoint.state === "unknown" ? endpoint.rawState || endpoint.state : endpoint.state;
        findings.push({ resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `${id} is ${state}; its DNS is judged once it is available.` });
        continue;
      }
      const info = serviceInfo(endpoint.serviceName);
      if (info.na !== undefined) {
        findings.push({ resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: info.na });
        continue;
      }
      const { name } = info;
      if (endpoint.privateDnsEnabled) {
        findings.push({ resourceId: id, compliance: Compliance.COMPLIANT, annotation: info.on });
        continue;
      }

      const zones = privateHostedZonesOf(inventory, vpcId);
      if (!zones) {
        unread.push(`${vpcId} (${id})`);
        continue;
      }
      const zone = zones.find((z) => z.name === info.zoneName);
      // A zone for the name answers only when the VPC has both DNS attributes on (read only then).
      const attributes = zone ? vpcDnsAttributesOf(inventory, vpcId) : undefined;
      if (zone && (!attributes || attributes.enableDnsSupport === undefined || attributes.enableDnsHostnames === undefined)) {
        unread.push(`${vpcId} (${id})`);
        continue;
      }
      const off = attributes ? attributesOff(attributes) : [];
      if (zone && off.length === 0) {
        findings.push({
          resourceId: id,
          compliance: Compliance.COMPLIANT,
          annotation: `Private DNS off, but private hosted zone ${zone.name} (${zone.id}, owned by ${ownerOf(zone)}) is associated with ${vpcId}: clients resolve the service through it.`,
        });
        continue;
      }

      const nats = natGatewaysOf(inventory, vpcId).filter((n) => n.state === "available").map((n) => n.id);
      // The fullest wording that fits AWS Config's 256 characters: the endpoint's own id (it is the resource
      // anyway), then the detail of the path, then the detail of the fix give way; the cause and the fix stay.
      const toTurnOn = joinAnd(off);
      const fixes = zone
        ? [
            `Turn on the VPC's ${toTurnOn}: zone ${zone.id} for the name is associated but unused until then.`,
            `Turn on ${toTurnOn}: zone ${zone.id} is unused until then.`,
            `Turn on the VPC's ${toTurnOn}.`,
          ]
        : ["Enable private DNS (the VPC needs DNS hostnames and DNS support).", "Enable private DNS."];
      const cause = (who: string, long: boolean): string => {
        const path = nats.length > 0 ? (long ? `through ${listIds(nats, 1)} (or not at all)` : `via ${listIds(nats, 1)}`) : "over the internet, if at all";
        return `Clients in ${vpcId} resolve ${name} to public ${long ? "addresses" : "IPs"} and reach it ${path}; ${who} carries nothing they send.`;
      };
      const wordings = [
        `${cause(id, true)} ${fixes[0]}`,
        `${cause("this endpoint", true)} ${fixes[0]}`,
        ...fixes.map((fix) => `${cause("this endpoint", false)} ${fix}`),
      ];
      findings.push({ resourceId: id, compliance: Compliance.NON_COMPLIANT, annotation: wordings.find((a) => a.length <= ANNOTATION_BUDGET) ?? (wordings[wordings.length - 1] as string) });
    }

    if (unread.length > 0) {
      throw new RuleEvaluationError(
        { ruleId: metadata.id, region: inventory.region, accountId: inventory.accountId },
        `the private hosted zones or DNS attributes of ${listIds(unread, 3)} were not read; not judged rather than guessed`,
      );
    }
    return findings;
  },
});
