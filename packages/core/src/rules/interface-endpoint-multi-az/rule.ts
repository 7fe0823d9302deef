/*
 * interface-endpoint-multi-az — AWS::EC2::VPCEndpoint (Interface endpoints only)
 *
 * "Eligible zones" of an endpoint: the Availability Zones in which its VPC has a subnet AND its service is
 * offered (DescribeVpcEndpointServices); its zones are those of its subnets.
 *
 * Given an endpoint that is not of type Interface
 *   Then it is not evaluated.
 * Given an Interface endpoint in state deleting or deleted
 *   Then it is not reported.
 * Given an Interface endpoint in any other state but available
 *   Then NOT_APPLICABLE naming the state: judged once available.
 * Given an available endpoint whose service is not listed for the account (or lists no zones)
 *   Then NOT_APPLICABLE: its zones are unknown, never guessed.
 * Given an available endpoint in every eligible zone and in at least minAzs zones
 *   Then COMPLIANT naming the zones.
 * Given an available endpoint missing from eligible zones
 *   Then NON_COMPLIANT naming them, a subnet of the VPC in each that could host the interface, and both
 *   sides of the trade: clients there cross AZs (inter-AZ price per GB each way) and depend on another
 *   AZ; each added zone costs the region's AZ-hour price per month (a cost, not a saving).
 * Given an available endpoint in every eligible zone but fewer than minAzs, where the service is offered
 *   in other zones the VPC has no subnet in
 *   Then NON_COMPLIANT: add a subnet in one of those zones, then the endpoint there.
 * Given an available endpoint whose service is offered in fewer than minAzs zones at all
 *   Then NOT_APPLICABLE: it cannot be spread further.
 * Given an endpoint in a subnet the inventory does not list
 *   Then the rule throws RuleEvaluationError (its zone is unknown: no verdict).
 */
import { Compliance, type Finding } from "../../evaluation";
import { RuleEvaluationError } from "../../errors";
import { subnetsByZone } from "../../inventory/queries";
import { formatUsd, interfaceEndpointMonthlyUsd, pricesFor } from "../../pricing";
import { FALLBACK_PRICES_NOTE } from "../../savings";
import { defineRule } from "../rule";
import { ANNOTATION_BUDGET, fitSentences, listIds, plural, serviceLabel } from "../format";
import { metadata } from "./metadata";

const GONE_STATES = new Set(["deleting", "deleted"]);

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params }) => {
    const findings: Finding[] = [];
    const unlisted: string[] = [];
    const prices = pricesFor(inventory.region);
    const basis = prices.exact ? "" : FALLBACK_PRICES_NOTE;
    const perAz = `${formatUsd(interfaceEndpointMonthlyUsd(inventory.region, 1))}/month per AZ${basis}`;
    const crossAz = `about ${formatUsd(prices.dataTransferInterAzPerGb)}/GB each way`;

    // Per service (an account's endpoints use a few dozen): its label and the zones it is offered in.
    const offeredBy = new Map<string, { label: string; offered: ReadonlySet<string> }>();

    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (endpoint.type !== "Interface" || GONE_STATES.has(endpoint.state)) continue;
      const { id, vpcId } = endpoint;
      if (endpoint.state !== "available") {
        const state = endpoint.state === "unknown" ? endpoint.rawState || endpoint.state : endpoint.state;
        findings.push({ resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `${id} is ${state}; its zones are judged once it is available.` });
        continue;
      }
      const service = inventory.vpcEndpointServices.get(endpoint.serviceName);
      if (!service || service.availabilityZones.length === 0) {
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `${endpoint.serviceName} is not listed for this account with its zones (DescribeVpcEndpointServices), so the zones it is offered in are unknown; not judged.`,
        });
        continue;
      }

      const zones: string[] = [];
      let known = true;
      for (const subnetId of endpoint.subnetIds) {
        const zone = inventory.subnets.get(subnetId)?.availabilityZone;
        if (zone !== undefined) {
          if (!zones.includes(zone)) zones.push(zone);
        } else {
          unlisted.push(`${subnetId} (${id})`);
          known = false;
        }
      }
      if (!known) continue;

      let byService = offeredBy.get(service.id);
      if (!byService) offeredBy.set(service.id, (byService = { label: serviceLabel(service.id, inventory.region), offered: new Set(service.availabilityZones) }));
      const { label, offered } = byService;
      const vpcZones = subnetsByZone(inventory, vpcId);
      // Eligible zones in name order (a VPC has one endpoint per service as a rule: nothing to share).
      const eligible: string[] = [];
      const missing: string[] = [];
      for (const z of vpcZones.keys()) {
        if (!offered.has(z)) continue;
        eligible.push(z);
        if (!zones.includes(z)) missing.push(z);
      }

      if (missing.length === 0 && zones.length >= params.minAzs) {
        // Every eligible zone, so the endpoint's zones are the eligible ones (in name order).
        findings.push({
          resourceId: id,
          compliance: Compliance.COMPLIANT,
          annotation: `In all ${plural(eligible.length, "AZ")} where ${vpcId} has subnets and ${label} is offered (${listIds(eligible, 6)}).`,
        });
        continue;
      }
      const inZones = zones.length === 1 ? zones : zones.sort();

      if (missing.length > 0) {
        // One subnet of the VPC in each missing zone that could host the interface.
        const hosts = missing.map((z) => vpcZones.get(z)?.[0]?.id).filter((s): s is string => s !== undefined);
        const where = inZones.length > 0 ? `Only in ${listIds(inZones, 2)}: clients` : "Clients";
        // Name as many zones and subnets as AWS Config's 256 characters allow (the fix and its cost always fit).
        const text = (zonesShown: number, subnetsShown: number): string =>
          `${where} in ${listIds(missing, zonesShown)} (where ${vpcId} has subnets and ${label} is offered) cross AZs, ${crossAz}, ` +
          `and depend on another AZ. Add ${listIds(hosts, subnetsShown)} (${perAz}).`;
        const shown = [text(3, 2), text(2, 1), text(1, 1)];
        findings.push({ resourceId: id, compliance: Compliance.NON_COMPLIANT, annotation: shown.find((a) => a.length <= ANNOTATION_BUDGET) ?? (shown[2] as string) });
        continue;
      }

      // In every eligible zone, but fewer than minAzs: the VPC lacks subnets where the service is offered.
      if (offered.size < params.minAzs) {
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `${label} is offered in only ${plural(service.availabilityZones.length, "AZ")} (${listIds([...service.availabilityZones].sort(), 3)}), fewer than minAzs ${params.minAzs}: it cannot be spread further.`,
        });
        continue;
      }
      const elsewhere = [...offered].filter((z) => !vpcZones.has(z)).sort();
      const choice = elsewhere.length <= 2 ? elsewhere.join(" or ") : `${elsewhere.slice(0, 2).join(", ")} or another offered AZ`;
      findings.push({
        resourceId: id,
        compliance: Compliance.NON_COMPLIANT,
        annotation: fitSentences(
          [
            `Only in ${listIds(inZones, 3)}, the ${inZones.length === 1 ? "only AZ" : `only ${plural(inZones.length, "AZ")}`} where ${vpcId} has subnets and ${label} is offered (minAzs ${params.minAzs}): one AZ failure takes it away.`,
            `Add a subnet in ${choice}, then the endpoint there (${perAz}).`,
          ],
          [],
        ),
      });
    }

    if (unlisted.length > 0) {
      throw new RuleEvaluationError(
        { ruleId: metadata.id, region: inventory.region, accountId: inventory.accountId },
        `endpoint subnets missing from the subnet list, so their zones are unknown: ${listIds(unlisted, 3)}; not judged rather than guessed`,
      );
    }
    return findings;
  },
});
