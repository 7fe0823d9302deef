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
  open: boolean;
}

function overlapsAny(cidr: string, blocks: readonly CidrRange[]): boolean {
  const range = parseCidr(cidr);
  if (range === undefined) return false;
  for (const b of blocks) if (rangesOverlap(range, b)) return true;
  return false;
}

/** Every source of the group's permissions for the port that reaches the VPC's clients. */
function admissions(group: SecurityGroup, port: number | undefined, blocks: readonly CidrRange[]): Admission[] {
  const out: Admission[] = [];
  for (const p of group.ingress) {
    if (!admitsTcp(p, port)) continue;
    for (const ranges of [p.ipv4Ranges, p.ipv6Ranges]) {
      for (const cidr of ranges) if (overlapsAny(cidr, blocks)) out.push({ groupId: group.id, source: cidr, open: ANYWHERE.has(cidr) });
    }
    for (const g of p.groupIds) out.push({ groupId: group.id, source: g, open: false });
    for (const l of p.prefixListIds) out.push({ groupId: group.id, source: l, open: false });
  }
  return out;
}

/** Sources open to the world in the group's permissions for the port (whatever the VPC's blocks). */
function openSources(group: SecurityGroup, port: number | undefined): string[] {
  return group.ingress.filter((p) => admitsTcp(p, port)).flatMap((p) => [...p.ipv4Ranges, ...p.ipv6Ranges].filter((c) => ANYWHERE.has(c)));
}

function blocksOf(vpc: Vpc): string[] {
  return [...vpc.ipv4CidrBlocks, ...vpc.ipv6CidrBlocks];
}

/** The parsed blocks of each VPC, computed once per rule run. */
type BlockCache = Map<string, CidrRange[]>;

function judge(inventory: Inventory, endpoint: VpcEndpoint, allowAnySource: boolean, cache: BlockCache): Finding {
  const { id, vpcId } = endpoint;
  const aws = AWS_SERVICE.exec(endpoint.serviceName);
  const label = aws?.[1] ?? serviceLabel(endpoint.serviceName);
  const port = aws ? 443 : undefined;
  const portText = port === undefined ? "TCP on any port" : `TCP ${port}`;
  if (endpoint.securityGroupIds.length === 0) {
    return { resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `Interface endpoint ${id} (${label}) lists no security group: cannot tell whether ${vpcId} reaches it.` };
  }
  const vpc = inventory.vpcs.get(vpcId);
  const blocks = vpc ? blocksOf(vpc) : [];
  const groups = endpoint.securityGroupIds.map((g) => inventory.securityGroups.get(g)).filter((g): g is SecurityGroup => g !== undefined);
  const missing = endpoint.securityGroupIds.filter((g) => !inventory.securityGroups.has(g));
  let ranges = cache.get(vpcId);
  if (ranges === undefined) cache.set(vpcId, (ranges = blocks.map(parseCidr).filter((r): r is CidrRange => r !== undefined)));
  const admitted: Admission[] = [];
  for (const g of groups) for (const a of admissions(g, port, ranges)) admitted.push(a);

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
  const first = admitted[0];
  if (first) {
    const from = blocks.some((b) => b === first.source) || first.source.includes("/") ? `${first.source} (${vpcId})` : first.source;
    const more = admitted.length > 1 ? ` (+${admitted.length - 1} more)` : "";
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
      findings.push(judge(inventory, endpoint, params.allowAnySource, cache));
    }
    return findings;
  },
});
