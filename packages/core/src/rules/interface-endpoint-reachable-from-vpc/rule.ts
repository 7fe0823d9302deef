/*
 * interface-endpoint-reachable-from-vpc — AWS::EC2::VPCEndpoint
 * In scope: Interface endpoints (not Gateway, not Gateway Load Balancer endpoints). The port is 443 for
 * AWS services (`com.amazonaws.<region>.<service>`) and any TCP port for endpoint services of other
 * accounts (`com.amazonaws.vpce.<region>.vpce-svc-…` and other names).
 *
 * Given an interface endpoint in state deleting or deleted
 *   Then it is not reported.
 * Given an interface endpoint in any other state but available
 *   Then NOT_APPLICABLE naming the state: judged once available.
 * Given one of its security groups has an inbound rule for TCP on the port (or all traffic, `-1`) from a
 *   block that overlaps one of the VPC's associated IPv4 or IPv6 blocks, from a referenced security
 *   group, or from a prefix list
 *   Then COMPLIANT naming the group and the source;
 *   unless allowAnySource is false and a rule admitting the port is open to 0.0.0.0/0 or ::/0:
 *   Then NON_COMPLIANT: narrow the group to the VPC's blocks or client security groups.
 * Given none of its groups admits the port from the VPC, and every group is listed
 *   Then NON_COMPLIANT naming the groups and the VPC's blocks, with the rule to add.
 * Given no group admits it but a group (or the VPC) is not in the inventory, or the endpoint names no group
 *   Then NOT_APPLICABLE saying what is missing: never COMPLIANT, never a guess.
 */
import { Compliance, type Finding } from "../../evaluation";
import type { Inventory, SecurityGroup, SecurityGroupPermission, Vpc, VpcEndpoint } from "../../inventory/model";
import { listIds } from "../format";
import { defineRule } from "../rule";
import { parseCidr, rangesOverlap, type CidrRange } from "./cidr";
import { metadata } from "./metadata";

const GONE_STATES = new Set(["deleting", "deleted"]);
const ANYWHERE = new Set(["0.0.0.0/0", "::/0"]);
const AWS_SERVICE = /^com\.amazonaws\.(?!vpce\.)[a-z0-9-]+\.(.+)$/;

/** How an annotation names the endpoint's service: `ssm`, `ecr.api`, or the endpoint service's name. */
function serviceLabel(serviceName: string): string {
  return AWS_SERVICE.exec(serviceName)?.[1] ?? serviceName.split(".").pop() ?? serviceName;
}

/** Whether a permission admits TCP on `port` (any TCP port when `port` is undefined). */
function admitsTcp(p: SecurityGroupPermission, port: number | undefined): boolean {
  if (p.protocol === "-1") return true;
  if (p.protocol !== "tcp" && p.protocol !== "6") return false;
  if (port === undefined) return true;
  return (p.fromPort ?? 0) <= port && port <= (p.toPort ?? 65535);
}

interface Admission {
  groupId: string;
  source: string;
}

/** Sources open to the world in the group's permissions for the port (whatever the VPC's blocks). */
function openSources(group: SecurityGroup, port: number | undefined): string[] {
  return group.ingress.filter((p) => admitsTcp(p, port)).flatMap((p) => [...p.ipv4Ranges, ...p.ipv6Ranges].filter((c) => ANYWHERE.has(c)));
}

/** A VPC's associated blocks, as text and parsed, computed once per rule run. */
interface VpcBlocks {
  texts: string[];
  ranges: CidrRange[];
}
type BlockCache = Map<string, VpcBlocks | null>;

function blocksOf(inventory: Inventory, vpcId: string, cache: BlockCache): VpcBlocks | undefined {
  let blocks = cache.get(vpcId);
  if (blocks === undefined) {
    const vpc: Vpc | undefined = inventory.vpcs.get(vpcId);
    const texts = vpc ? [...vpc.ipv4CidrBlocks, ...vpc.ipv6CidrBlocks] : [];
    cache.set(vpcId, (blocks = vpc ? { texts, ranges: texts.map(parseCidr).filter((r): r is CidrRange => r !== undefined) } : null));
  }
  return blocks ?? undefined;
}

function overlapsAny(cidr: string, blocks: readonly CidrRange[]): boolean {
  const range = parseCidr(cidr);
  if (range === undefined) return false;
  for (const b of blocks) if (rangesOverlap(range, b)) return true;
  return false;
}

/** The first source of the groups' permissions for the port that reaches the VPC's clients, and how many there are (no allocation per source: this runs for every endpoint). */
function admissions(groups: readonly SecurityGroup[], port: number | undefined, blocks: readonly CidrRange[]): { first?: Admission; count: number } {
  let first: Admission | undefined;
  let count = 0;
  const note = (groupId: string, source: string): void => {
    count++;
    first ??= { groupId, source };
  };
  for (const group of groups) {
    for (const p of group.ingress) {
      if (!admitsTcp(p, port)) continue;
      for (const cidr of p.ipv4Ranges) if (overlapsAny(cidr, blocks)) note(group.id, cidr);
      for (const cidr of p.ipv6Ranges) if (overlapsAny(cidr, blocks)) note(group.id, cidr);
      for (const g of p.groupIds) note(group.id, g);
      for (const l of p.prefixListIds) note(group.id, l);
    }
  }
  return { first, count };
}

/** How a service is named and which port its endpoints serve, worked out once per service name. */
interface ServicePort {
  label: string;
  port: number | undefined;
  portText: string;
}
type ServiceCache = Map<string, ServicePort>;

function servicePort(serviceName: string, services: ServiceCache): ServicePort {
  let known = services.get(serviceName);
  if (known === undefined) {
    const aws = AWS_SERVICE.exec(serviceName);
    const port = aws ? 443 : undefined;
    known = { label: aws?.[1] ?? serviceLabel(serviceName), port, portText: port === undefined ? "TCP on any port" : `TCP ${port}` };
    services.set(serviceName, known);
  }
  return known;
}

function judge(inventory: Inventory, endpoint: VpcEndpoint, allowAnySource: boolean, cache: BlockCache, services: ServiceCache): Finding {
  const { id, vpcId } = endpoint;
  const { label, port, portText } = servicePort(endpoint.serviceName, services);
  if (endpoint.securityGroupIds.length === 0) {
    return { resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `Interface endpoint ${id} (${label}) lists no security group: cannot tell whether ${vpcId} reaches it.` };
  }
  const vpc = blocksOf(inventory, vpcId, cache);
  const blocks = vpc?.texts ?? [];
  const groups: SecurityGroup[] = [];
  const missing: string[] = [];
  for (const g of endpoint.securityGroupIds) {
    const group = inventory.securityGroups.get(g);
    if (group) groups.push(group);
    else missing.push(g);
  }

  if (!allowAnySource) {
    const open = groups.flatMap((g) => openSources(g, port).map((source) => ({ groupId: g.id, source })));
    const first = open[0];
    if (first) {
      const narrowTo = blocks.length > 0 ? listIds(blocks, 2) : "the VPC's CIDRs";
      return {
        resourceId: id,
        compliance: Compliance.NON_COMPLIANT,
        annotation: `${first.groupId} admits ${portText} to ${id} (${label}) from ${first.source}: narrow ${first.groupId} to ${narrowTo} or client security groups.`,
      };
    }
  }
  const { first, count } = admissions(groups, port, vpc?.ranges ?? []);
  if (first) {
    const from = first.source.includes("/") ? `${first.source} (${vpcId})` : first.source;
    const more = count > 1 ? ` (+${count - 1} more)` : "";
    return { resourceId: id, compliance: Compliance.COMPLIANT, annotation: `${first.groupId} admits ${portText} to ${id} (${label}) from ${from}${more}.` };
  }
  if (missing.length > 0) {
    return {
      resourceId: id,
      compliance: Compliance.NOT_APPLICABLE,
      annotation: `Security group ${listIds(missing, 2)} of ${id} (${label}) is not listed in this account: cannot tell whether ${vpcId} reaches it.`,
    };
  }
  if (!vpc) {
    return { resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `${vpcId} of ${id} (${label}) is not listed: its CIDR blocks are unknown.` };
  }
  const target = blocks[0] ?? "the VPC's CIDR";
  return {
    resourceId: id,
    compliance: Compliance.NON_COMPLIANT,
    annotation:
      `Clients in ${vpcId} (${listIds(blocks, 2)}) cannot reach ${id} (${label}): ${listIds(groups.map((g) => g.id), 1)} ` +
      `${groups.length === 1 ? "admits" : "admit"} no ${portText} from the VPC. Add an inbound rule for ${port ?? "the service's port"} from ${target}.`,
  };
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params }) => {
    const findings: Finding[] = [];
    const cache: BlockCache = new Map();
    const services: ServiceCache = new Map();
    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (endpoint.type !== "Interface" || GONE_STATES.has(endpoint.state)) continue;
      if (endpoint.state !== "available") {
        const state = endpoint.state === "unknown" ? endpoint.rawState || endpoint.state : endpoint.state;
        findings.push({
          resourceId: endpoint.id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `Interface endpoint ${endpoint.id} (${serviceLabel(endpoint.serviceName)}) is ${state}: judged once available.`,
        });
        continue;
      }
      findings.push(judge(inventory, endpoint, params.allowAnySource, cache, services));
    }
    return findings;
  },
});
