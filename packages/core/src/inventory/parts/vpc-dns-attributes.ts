/**
 * `DescribeVpcAttribute` (`enableDnsSupport`, `enableDnsHostnames`): the DNS attributes of the VPCs where
 * they decide a verdict — those holding an endpoint with private DNS off whose service name has a private
 * hosted zone associated with the VPC (`hubZoneVpcs`): such a zone answers only when both attributes are on.
 * Without such a zone the endpoint is NON_COMPLIANT whatever the attributes are, so they are not read.
 * `DescribeVpcs` does not return them and the API answers one attribute of one VPC per call: the floor is
 * two calls per such VPC, after the hosted zones.
 */
import {
  DescribeVpcAttributeCommand,
  type DescribeVpcAttributeResult,
  type ServiceDetail,
  type VpcEndpoint as Ec2VpcEndpoint,
} from "@aws-sdk/client-ec2";
import { mapLimit } from "../../concurrency";
import { dnsName } from "../queries";
import { SnapshotError } from "../../errors";
import type { VpcDnsAttributes } from "../model";
import type { Outcome, PartFloor, PartSpec } from "../part";
import { normaliseEndpointState } from "./vpc-endpoints";
import type { RawVpcHostedZones } from "./vpc-hosted-zones";

/** The two attributes read, in the order they are asked for. */
export const VPC_DNS_ATTRIBUTES = ["enableDnsSupport", "enableDnsHostnames"] as const;
/** Calls in flight at once (EC2's Describe bucket refills at 20 per second). */
const CONCURRENCY = 4;

/**
 * The private DNS names (as zones are named: `ssm.us-east-1.amazonaws.com`) of the endpoints whose private
 * DNS decides how clients resolve their service, by VPC: available Interface endpoints of an AWS service
 * (owner `amazon`) that has a private DNS name, except S3 and DynamoDB (reached by endpoint-specific names),
 * with private DNS off.
 */
function privateDnsOffNames(endpoints: readonly Ec2VpcEndpoint[], services: readonly ServiceDetail[], region: string): Map<string, Set<string>> {
  const dnsNames = new Map<string, string>();
  for (const s of services) {
    if (s.Owner === "amazon" && s.PrivateDnsName && s.ServiceName !== undefined) dnsNames.set(s.ServiceName, dnsName(s.PrivateDnsName));
  }
  for (const gateway of ["s3", "dynamodb"]) dnsNames.delete(`com.amazonaws.${region}.${gateway}`);
  const byVpc = new Map<string, Set<string>>();
  for (const e of endpoints) {
    if (e.VpcEndpointType !== "Interface" || e.PrivateDnsEnabled === true || !e.VpcId) continue;
    if (normaliseEndpointState(e.State) !== "available") continue;
    const name = e.ServiceName !== undefined ? dnsNames.get(e.ServiceName) : undefined;
    if (name === undefined) continue;
    let names = byVpc.get(e.VpcId);
    if (!names) byVpc.set(e.VpcId, (names = new Set()));
    names.add(name);
  }
  return byVpc;
}

/**
 * The VPCs whose private hosted zones decide a finding: those holding an available Interface endpoint of
 * an AWS service with a private DNS name (not S3 or DynamoDB) whose private DNS is off.
 *
 * @example
 * ```ts
 * privateDnsOffVpcs(endpoints, services, "us-east-1"); // ["vpc-0a1b2c3d4e5f60718"]
 * ```
 */
export function privateDnsOffVpcs(endpoints: readonly Ec2VpcEndpoint[], services: readonly ServiceDetail[], region: string): string[] {
  return [...privateDnsOffNames(endpoints, services, region).keys()];
}

/**
 * Of those VPCs, the ones with a private hosted zone named like the service of one of those endpoints:
 * where the VPC's DNS attributes decide whether the zone answers.
 *
 * @example
 * ```ts
 * hubZoneVpcs(endpoints, services, zones, "us-east-1"); // ["vpc-0a1b2c3d4e5f60718"]
 * ```
 */
export function hubZoneVpcs(
  endpoints: readonly Ec2VpcEndpoint[],
  services: readonly ServiceDetail[],
  zones: readonly RawVpcHostedZones[],
  region: string,
): string[] {
  const names = privateDnsOffNames(endpoints, services, region);
  return zones
    .filter((answer) => answer.HostedZoneSummaries.some((z) => z.Name !== undefined && names.get(answer.VPCId)?.has(dnsName(z.Name))))
    .map((answer) => answer.VPCId);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function flag(value: { Value?: boolean } | undefined): boolean | undefined {
  return typeof value?.Value === "boolean" ? value.Value : undefined;
}

export const vpcDnsAttributes: PartSpec<"vpcDnsAttributes", DescribeVpcAttributeResult[], ReadonlyMap<string, VpcDnsAttributes>> = {
  key: "vpcDnsAttributes",
  title: "VPC DNS attributes",
  iamActions: ["ec2:DescribeVpcAttribute"],
  apis: ["EC2:DescribeVpcAttribute"],
  after: ["vpcEndpoints", "vpcEndpointServices", "vpcHostedZones"],

  async collect(context): Promise<Outcome<DescribeVpcAttributeResult[]>> {
    const ec2 = context.clients.ec2;
    if (!ec2) return { ok: false, error: new Error(`no ec2 client for ${context.region}`), calls: 0 };
    const vpcIds = hubZoneVpcs(
      (context.collected.vpcEndpoints ?? []) as Ec2VpcEndpoint[],
      (context.collected.vpcEndpointServices ?? []) as ServiceDetail[],
      (context.collected.vpcHostedZones ?? []) as RawVpcHostedZones[],
      context.region,
    );
    const requests = vpcIds.flatMap((VpcId) => VPC_DNS_ATTRIBUTES.map((Attribute) => ({ VpcId, Attribute })));
    let calls = 0;
    try {
      const answers = await mapLimit(requests, CONCURRENCY, async (input) => {
        calls++;
        const out = await ec2.send(new DescribeVpcAttributeCommand(input));
        // Keep what the API answered, minus the SDK's response metadata.
        const { $metadata: _metadata, ...answer } = out;
        return answer;
      });
      return { ok: true, value: answers, calls };
    } catch (error) {
      return { ok: false, error, calls };
    }
  },

  check(value, where) {
    if (!Array.isArray(value) || !value.every((a) => isRecord(a) && typeof a.VpcId === "string")) {
      throw new SnapshotError(`${where}: "vpcDnsAttributes" must be a list of DescribeVpcAttribute answers with a VpcId`);
    }
  },

  parse(raw) {
    const map = new Map<string, VpcDnsAttributes>();
    for (const answer of raw ?? []) {
      const vpcId = answer.VpcId as string;
      const entry = map.get(vpcId) ?? { vpcId };
      const support = flag(answer.EnableDnsSupport);
      const hostnames = flag(answer.EnableDnsHostnames);
      if (support !== undefined) entry.enableDnsSupport = support;
      if (hostnames !== undefined) entry.enableDnsHostnames = hostnames;
      map.set(vpcId, entry);
    }
    return map;
  },

  count: (raw) => new Set(raw.map((a) => a.VpcId)).size,
  // One call per attribute and VPC; they may all run at once.
  floor(raw): PartFloor {
    if (raw.length === 0) return { calls: {}, sequential: 0 };
    return { calls: { "EC2:DescribeVpcAttribute": raw.length }, sequential: 1 };
  },
};
