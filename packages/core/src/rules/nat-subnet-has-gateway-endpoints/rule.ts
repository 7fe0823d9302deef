/*
 * nat-subnet-has-gateway-endpoints — AWS::EC2::Subnet
 *
 * Given a subnet owned by another account (shared to this one)
 *   Then NOT_APPLICABLE: its owner manages its route table.
 * Given a subnet whose route table cannot be found (no explicit association and no main route table
 *   of its own VPC in the inventory)
 *   Then NOT_APPLICABLE saying so — never COMPLIANT.
 * The effective route table is the explicit association, else the main route table of the subnet's
 * OWN VPC (never another VPC's main table).
 * Given its default route (0.0.0.0/0) is a blackhole
 *   Then NOT_APPLICABLE saying the target is gone and nothing leaves the subnet that way.
 * Given its default route goes to an internet gateway (igw-…)
 *   Then NOT_APPLICABLE: public subnet.
 * Given it has no default route
 *   Then NOT_APPLICABLE: isolated subnet.
 * Given its default route goes to anything but a NAT gateway (tgw-, pcx-, vgw-, eni-, an instance, a
 *   Gateway Load Balancer endpoint, …)
 *   Then NOT_APPLICABLE naming the target.
 * Given its default route goes to a NAT gateway that is failed, deleting or deleted
 *   Then NOT_APPLICABLE: the subnet has no working NAT egress.
 * Given its default route goes to a NAT gateway, and for every service in `services` the route table is
 *   attached to an available gateway endpoint of com.amazonaws.<region>.<service> in the same VPC
 *   Then COMPLIANT naming the endpoint(s).
 * Given a service without such an endpoint
 *   Then NON_COMPLIANT: "reaches S3 only through nat-…; attach rtb-… to an S3 gateway endpoint (free)",
 *   adding, when true, that a gateway endpoint exists in the VPC but is not attached to this table.
 */
import { Compliance, type Finding } from "../../evaluation";
import type { Route, RouteTable, Subnet, VpcEndpoint } from "../../inventory/model";
import { effectiveRouteTable, endpointsOf } from "../../inventory/queries";
import { defineRule } from "../rule";
import { GATEWAY_SERVICES, awsServiceName, joinAnd, listIds, type GatewayService } from "../format";
import { metadata } from "./metadata";

const DEFAULT_ROUTE = "0.0.0.0/0";
const DEAD_NAT_STATES = new Set(["failed", "deleting", "deleted"]);

/** What a route points at, as "kind id". */
export function describeRouteTarget(route: Route): string {
  if (route.natGatewayId) return `NAT gateway ${route.natGatewayId}`;
  if (route.gatewayId?.startsWith("igw-")) return `internet gateway ${route.gatewayId}`;
  if (route.gatewayId?.startsWith("vgw-")) return `virtual private gateway ${route.gatewayId}`;
  if (route.gatewayId?.startsWith("vpce-")) return `Gateway Load Balancer endpoint ${route.gatewayId}`;
  if (route.transitGatewayId) return `transit gateway ${route.transitGatewayId}`;
  if (route.vpcPeeringConnectionId) return `peering connection ${route.vpcPeeringConnectionId}`;
  // An instance route also names the instance's network interface: name the instance.
  if (route.instanceId) return `instance ${route.instanceId}`;
  if (route.networkInterfaceId) return `network interface ${route.networkInterfaceId}`;
  if (route.egressOnlyInternetGatewayId) return `egress-only internet gateway ${route.egressOnlyInternetGatewayId}`;
  if (route.localGatewayId) return `local gateway ${route.localGatewayId}`;
  if (route.carrierGatewayId) return `carrier gateway ${route.carrierGatewayId}`;
  if (route.coreNetworkArn) return `Cloud WAN core network ${route.coreNetworkArn}`;
  if (route.gatewayId) return `gateway ${route.gatewayId}`;
  return "an unknown target";
}

function article(label: string): string {
  return /^[AEIOS]/.test(label) ? "an" : "a";
}

function judgeNatSubnet(
  subnet: Subnet,
  table: RouteTable,
  natId: string,
  services: readonly GatewayService[],
  serviceNames: readonly string[],
  endpointsInVpc: readonly VpcEndpoint[],
): Finding {
  const attached: string[] = [];
  const missing: GatewayService[] = [];
  const unattached: { label: string; id: string }[] = [];
  services.forEach((service, s) => {
    const serviceName = serviceNames[s];
    const candidates: string[] = [];
    const onTable: string[] = [];
    for (const e of endpointsInVpc) {
      if (e.type !== "Gateway" || e.serviceName !== serviceName || e.state !== "available") continue;
      candidates.push(e.id);
      if (e.routeTableIds.includes(table.id)) onTable.push(e.id);
    }
    if (onTable.length > 0) {
      attached.push(`${GATEWAY_SERVICES[service]} via ${listIds(onTable, 1)}`);
    } else {
      missing.push(service);
      if (candidates.length > 0) {
        unattached.push({ label: GATEWAY_SERVICES[service], id: listIds(candidates, 1) });
      }
    }
  });

  if (missing.length === 0) {
    return {
      resourceId: subnet.id,
      compliance: Compliance.COMPLIANT,
      annotation: `Behind ${natId}, ${table.id} sends ${joinAnd(attached)} (gateway endpoint${attached.length > 1 ? "s" : ""}, free).`,
    };
  }
  const labels = missing.map((s) => GATEWAY_SERVICES[s]);
  const what = labels.length === 1 ? `${article(labels[0] as string)} ${labels[0]} gateway endpoint` : `${joinAnd(labels)} gateway endpoints`;
  const parts = [`Reaches ${joinAnd(labels)} only through ${natId}; attach ${table.id} to ${what} (free).`];
  const only = unattached[0];
  if (unattached.length === 1 && only) {
    parts.push(`${only.label} gateway endpoint ${only.id} exists in ${subnet.vpcId} but is not attached to ${table.id}.`);
  } else if (unattached.length > 1) {
    parts.push(`Existing in ${subnet.vpcId}, not attached: ${unattached.map((u) => `${u.id} (${u.label})`).join(", ")}.`);
  }
  if (attached.length > 0) parts.push(`${joinAnd(attached)} already.`);
  return { resourceId: subnet.id, compliance: Compliance.NON_COMPLIANT, annotation: parts.join(" ") };
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params }) => {
    const findings: Finding[] = [];
    const services = params.services as GatewayService[];
    const serviceNames = services.map((s) => awsServiceName(inventory.region, s));
    const na = (subnet: Subnet, annotation: string): void => {
      findings.push({ resourceId: subnet.id, compliance: Compliance.NOT_APPLICABLE, annotation });
    };
    for (const subnet of inventory.subnets.values()) {
      if (subnet.ownerId !== undefined && subnet.ownerId !== inventory.accountId) {
        na(subnet, `${subnet.id} is shared from account ${subnet.ownerId}; its owner manages its route table.`);
        continue;
      }
      const table = effectiveRouteTable(inventory, subnet);
      if (!table) {
        na(subnet, `No route table found for ${subnet.id}: no explicit association and no main route table of ${subnet.vpcId} in the inventory; not judged.`);
        continue;
      }
      const route = table.routes.find((r) => r.destinationCidrBlock === DEFAULT_ROUTE);
      if (!route) {
        na(subnet, `Isolated subnet: ${table.id} has no default route (0.0.0.0/0), so no traffic goes through a NAT gateway.`);
        continue;
      }
      const target = describeRouteTarget(route);
      if (route.state === "blackhole") {
        na(subnet, `The default route of ${table.id} to ${target} is a blackhole (target gone): nothing leaves ${subnet.id} that way; fix or remove the route.`);
        continue;
      }
      if (route.gatewayId?.startsWith("igw-")) {
        na(subnet, `Public subnet: the default route of ${table.id} goes to ${target}, not through a NAT gateway.`);
        continue;
      }
      const natId = route.natGatewayId;
      if (!natId) {
        na(subnet, `The default route of ${table.id} goes to ${target}, not to a NAT gateway in this VPC; not judged.`);
        continue;
      }
      const nat = inventory.natGateways.get(natId);
      if (nat && DEAD_NAT_STATES.has(nat.state)) {
        na(subnet, `The default route of ${table.id} goes to ${natId}, which is ${nat.state}: ${subnet.id} has no working NAT egress.`);
        continue;
      }
      findings.push(
        judgeNatSubnet(subnet, table, natId, services, serviceNames, endpointsOf(inventory, subnet.vpcId)),
      );
    }
    return findings;
  },
});
