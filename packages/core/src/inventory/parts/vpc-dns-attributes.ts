/**
 * `DescribeVpcAttribute` (`enableDnsSupport`, `enableDnsHostnames`): the DNS attributes of the VPCs that
 * hold an endpoint whose private DNS is off although its AWS service offers it — the only VPCs where
 * the attributes decide a finding (private DNS and private hosted zones need both on). `DescribeVpcs`
 * does not return them and the API answers one attribute of one VPC per call, so the floor is two calls
 * per such VPC and none for a VPC whose endpoints all have private DNS on.
 */
import {
  DescribeVpcAttributeCommand,
  type DescribeVpcAttributeResult,
  type ServiceDetail,
  type VpcEndpoint as Ec2VpcEndpoint,
} from "@aws-sdk/client-ec2";
import { mapLimit } from "../../concurrency";
import { SnapshotError } from "../../errors";
import type { VpcDnsAttributes } from "../model";
import type { Outcome, PartFloor, PartSpec } from "../part";
import { normaliseEndpointState } from "./vpc-endpoints";

/** The two attributes read, in the order they are asked for. */
export const VPC_DNS_ATTRIBUTES = ["enableDnsSupport", "enableDnsHostnames"] as const;
/** Calls in flight at once (EC2's Describe bucket refills at 20 per second). */
const CONCURRENCY = 4;

/**
 * Endpoints whose private DNS decides how clients resolve their service: available Interface endpoints of
 * an AWS service (owner `amazon`) that has a private DNS name, except S3 and DynamoDB (reached by
 * endpoint-specific names). Of those, the ones with private DNS off need the VPC's DNS attributes and
 * its private hosted zones.
 *
 * @example
 * ```ts
 * privateDnsOffVpcs(endpoints, services, "us-east-1"); // ["vpc-0a1b2c3d4e5f60718"]
 * ```
 */
export function privateDnsOffVpcs(endpoints: readonly Ec2VpcEndpoint[], services: readonly ServiceDetail[], region: string): string[] {
  const dnsServices = new Set(
    services.filter((s) => s.Owner === "amazon" && Boolean(s.PrivateDnsName) && s.ServiceName !== undefined).map((s) => s.ServiceName as string),
  );
  for (const gateway of ["s3", "dynamodb"]) dnsServices.delete(`com.amazonaws.${region}.${gateway}`);
  const vpcs = new Set<string>();
  for (const e of endpoints) {
    if (e.VpcEndpointType !== "Interface" || e.PrivateDnsEnabled === true || !e.VpcId) continue;
    if (normaliseEndpointState(e.State) !== "available") continue;
    if (e.ServiceName !== undefined && dnsServices.has(e.ServiceName)) vpcs.add(e.VpcId);
  }
  return [...vpcs];
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
  after: ["vpcEndpoints", "vpcEndpointServices"],

  async collect(context): Promise<Outcome<DescribeVpcAttributeResult[]>> {
    const ec2 = context.clients.ec2;
    if (!ec2) return { ok: false, error: new Error(`no ec2 client for ${context.region}`), calls: 0 };
    const vpcIds = privateDnsOffVpcs(
      (context.collected.vpcEndpoints ?? []) as Ec2VpcEndpoint[],
      (context.collected.vpcEndpointServices ?? []) as ServiceDetail[],
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
