/**
 * Route 53 `ListHostedZonesByVPC`: the private hosted zones associated with each VPC that holds an
 * endpoint with private DNS off (the VPCs of `privateDnsOffVpcs`) — whoever owns the zones, so a hub
 * account's zones shared with a spoke VPC are seen from the spoke. One call per such VPC (more only past
 * 100 zones on one VPC), none for a VPC whose endpoints all have private DNS on.
 *
 * Route 53 is global: the VPC's region is a parameter. Zone associations made through Route 53 Profiles
 * are not listed by this API (AWS documents it), so they are not seen.
 */
import type { ServiceDetail, VpcEndpoint as Ec2VpcEndpoint } from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand, type HostedZoneSummary } from "@aws-sdk/client-route-53";
import { mapLimit } from "../../concurrency";
import { SnapshotError } from "../../errors";
import type { PrivateHostedZone } from "../model";
import { dnsName } from "../queries";
import { listAll, pagesFloor, type Outcome, type PartFloor, type PartSpec } from "../part";
import { privateDnsOffVpcs } from "./vpc-dns-attributes";

/** Zones per page. The API reference states no maximum; Route 53's list APIs return at most 100. */
export const HOSTED_ZONES_PAGE_SIZE = 100;
/** Calls in flight at once (Route 53 refills 10 requests per second per account). */
const CONCURRENCY = 3;

/** One VPC's answer: the request's VPC and region and every page's `HostedZoneSummaries`. */
export interface RawVpcHostedZones {
  VPCId: string;
  VPCRegion: string;
  HostedZoneSummaries: HostedZoneSummary[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const vpcHostedZones: PartSpec<"vpcHostedZones", RawVpcHostedZones[], ReadonlyMap<string, readonly PrivateHostedZone[]>> = {
  key: "vpcHostedZones",
  title: "private hosted zones of VPCs (Route 53)",
  // Route 53 checks the VPC on the caller's behalf: ListHostedZonesByVPC also needs ec2:DescribeVpcs.
  iamActions: ["route53:ListHostedZonesByVPC", "ec2:DescribeVpcs"],
  apis: ["Route53:ListHostedZonesByVPC"],
  after: ["vpcEndpoints", "vpcEndpointServices"],

  async collect(context): Promise<Outcome<RawVpcHostedZones[]>> {
    const route53 = context.clients.route53;
    if (!route53) return { ok: false, error: new Error(`no route53 client for ${context.region}`), calls: 0 };
    const vpcIds = privateDnsOffVpcs(
      (context.collected.vpcEndpoints ?? []) as Ec2VpcEndpoint[],
      (context.collected.vpcEndpointServices ?? []) as ServiceDetail[],
      context.region,
    );
    let calls = 0;
    try {
      const value = await mapLimit(vpcIds, CONCURRENCY, async (VPCId) => {
        const outcome = await listAll<HostedZoneSummary>(async (token) => {
          const out = await route53.send(
            new ListHostedZonesByVPCCommand({ VPCId, VPCRegion: context.region as never, MaxItems: HOSTED_ZONES_PAGE_SIZE, NextToken: token }),
          );
          return { items: out.HostedZoneSummaries, next: out.NextToken };
        });
        calls += outcome.calls;
        if (!outcome.ok) throw outcome.error;
        return { VPCId, VPCRegion: context.region, HostedZoneSummaries: outcome.value };
      });
      return { ok: true, value, calls };
    } catch (error) {
      return { ok: false, error, calls };
    }
  },

  check(value, where) {
    if (
      !Array.isArray(value) ||
      !value.every((v) => isRecord(v) && typeof v.VPCId === "string" && typeof v.VPCRegion === "string" && Array.isArray(v.HostedZoneSummaries))
    ) {
      throw new SnapshotError(`${where}: "vpcHostedZones" must be a list of {VPCId, VPCRegion, HostedZoneSummaries}`);
    }
  },

  parse(raw, { region }) {
    const map = new Map<string, PrivateHostedZone[]>();
    for (const answer of raw ?? []) {
      const zones = answer.HostedZoneSummaries.map((z): PrivateHostedZone => {
        if (!z.HostedZoneId || !z.Name) throw new SnapshotError(`${region}: a hosted zone of ${answer.VPCId} without an id or a name`);
        return {
          id: z.HostedZoneId,
          name: dnsName(z.Name),
          ...(z.Owner?.OwningAccount ? { owningAccount: z.Owner.OwningAccount } : {}),
          ...(z.Owner?.OwningService ? { owningService: z.Owner.OwningService } : {}),
        };
      });
      map.set(answer.VPCId, zones);
    }
    return map;
  },

  count: (raw) => raw.length,
  floor(raw): PartFloor {
    let calls = 0;
    let sequential = 0;
    for (const answer of raw) {
      const pages = pagesFloor(answer.HostedZoneSummaries.length, HOSTED_ZONES_PAGE_SIZE);
      calls += pages;
      sequential = Math.max(sequential, pages);
    }
    if (calls === 0) return { calls: {}, sequential: 0 };
    return { calls: { "Route53:ListHostedZonesByVPC": calls }, sequential };
  },
};
