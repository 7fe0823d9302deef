/**
 * The table of inventory parts: one record per AWS list or dependent query, in collection order
 * (a part comes after the parts it needs). Everything that enumerates parts reads this table — the
 * collector, the snapshot format, IAM derivation, the call floor, the fixture builders, the fake AWS
 * server's coverage test. Adding a list: a record file here (made with `listPart`), its line below, its
 * model type in `../model.ts`, a fake-aws spec and a fixture method (see CONTRIBUTING.md).
 */
import type { PartSpec } from "../part";
import { endpointMetrics } from "./endpoint-metrics";
import { flowLogs } from "./flow-logs";
import { natGateways } from "./nat-gateways";
import { organization } from "./organization";
import { routeTables } from "./route-tables";
import { s3Buckets } from "./s3-buckets";
import { securityGroups } from "./security-groups";
import { subnets } from "./subnets";
import { transitGatewayAttachments } from "./transit-gateway-attachments";
import { vpcDnsAttributes } from "./vpc-dns-attributes";
import { vpcEndpointServices } from "./vpc-endpoint-services";
import { vpcEndpoints } from "./vpc-endpoints";
import { vpcHostedZones } from "./vpc-hosted-zones";
import { vpcPeeringConnections } from "./vpc-peering-connections";
import { vpcs } from "./vpcs";
import { vpnGateways } from "./vpn-gateways";

/** Every part, in collection order. */
export const PARTS = [
  vpcs,
  subnets,
  routeTables,
  natGateways,
  vpcEndpoints,
  flowLogs,
  vpnGateways,
  transitGatewayAttachments,
  vpcPeeringConnections,
  vpcEndpointServices,
  securityGroups,
  s3Buckets,
  organization,
  endpointMetrics,
  vpcHostedZones,
  vpcDnsAttributes,
] as const;

type PartUnion = (typeof PARTS)[number];

/** The key of an inventory part, e.g. `vpcs`. */
export type InventoryPart = PartUnion["key"];

/** The record of part `K`. */
export type PartOf<K extends InventoryPart> = Extract<PartUnion, { key: K }>;

/** What a snapshot stores for part `K` (the API's own shapes). */
export type RawOf<K extends InventoryPart> = PartOf<K> extends PartSpec<K, infer R, unknown> ? R : never;

/** What rules read for part `K` (a map by id for lists). */
export type ParsedOf<K extends InventoryPart> = PartOf<K> extends PartSpec<K, unknown, infer P> ? P : never;

/** Every part key, in collection order. */
export const ALL_PARTS: readonly InventoryPart[] = PARTS.map((p) => p.key);

/** Part keys by name, for code that wants a constant (`InventoryParts.vpcs`). */
export const InventoryParts = Object.freeze(Object.fromEntries(ALL_PARTS.map((k) => [k, k]))) as { readonly [K in InventoryPart]: K };

const BY_KEY: ReadonlyMap<string, PartSpec> = new Map(PARTS.map((p) => [p.key, p as PartSpec]));

/**
 * The record of a part.
 *
 * @example
 * ```ts
 * partSpec("routeTables").list?.pageSize; // 100
 * ```
 */
export function partSpec(key: InventoryPart): PartSpec {
  const part = BY_KEY.get(key);
  if (!part) throw new Error(`unknown inventory part ${key}`);
  return part;
}

/** True when `key` names an inventory part. */
export function isInventoryPart(key: unknown): key is InventoryPart {
  return typeof key === "string" && BY_KEY.has(key);
}

/** The IAM action(s) of each part, joined (for messages and docs). */
export const PART_CALLS: Readonly<Record<InventoryPart, string>> = Object.freeze(
  Object.fromEntries(PARTS.map((p) => [p.key, p.iamActions.join(", ")])),
) as Record<InventoryPart, string>;

/**
 * The closure of `parts` under each record's `after`, in collection order.
 *
 * @example
 * ```ts
 * resolveParts(["endpointMetrics"]); // ["vpcEndpoints", "endpointMetrics"]
 * ```
 */
export function resolveParts(parts: Iterable<InventoryPart>): InventoryPart[] {
  const wanted = new Set<InventoryPart>();
  const add = (p: InventoryPart): void => {
    if (wanted.has(p)) return;
    for (const d of partSpec(p).after ?? []) add(d as InventoryPart);
    wanted.add(p);
  };
  for (const p of parts) add(p);
  return ALL_PARTS.filter((p) => wanted.has(p));
}

/**
 * The IAM actions needed to collect `parts` (sorted, unique).
 *
 * @example
 * ```ts
 * permissionsFor(["vpcs", "flowLogs"]); // ["ec2:DescribeFlowLogs", "ec2:DescribeVpcs"]
 * ```
 */
export function permissionsFor(parts: Iterable<InventoryPart>): string[] {
  return [...new Set(resolveParts(parts).flatMap((p) => partSpec(p).iamActions))].sort();
}

/**
 * The list part whose items are AWS Config resources of `type` (what a rule of that type judges), if any.
 *
 * @example
 * ```ts
 * partOfResourceType("AWS::EC2::Subnet")?.key; // "subnets"
 * ```
 */
export function partOfResourceType(type: string): PartSpec | undefined {
  return PARTS.find((p) => p.resourceType === type && p.list !== undefined) as PartSpec | undefined;
}

export { normaliseEndpointState } from "./vpc-endpoints";
export { hubZoneVpcs, privateDnsOffVpcs } from "./vpc-dns-attributes";
export type { RawOrganization } from "./organization";
export { DEFAULT_ENDPOINT_METRIC, MAX_DATAPOINTS_PER_RESPONSE, METRIC_QUERIES_PER_CALL, PRIVATELINK_NAMESPACE, meteredEndpoints, type RawEndpointMetrics } from "./endpoint-metrics";

/**
 * Items listed in a raw region — every list part's items, not metric datapoints: what "a scan of N
 * resources" counts.
 *
 * @example
 * ```ts
 * resourceCount({ region: "us-east-1", vpcs: [{ VpcId: "vpc-1" }], subnets: [] }); // 1
 * ```
 */
export function resourceCount(raw: { readonly [key: string]: unknown }): number {
  let n = 0;
  for (const part of PARTS) {
    const value = raw[part.key];
    if (part.list !== undefined && Array.isArray(value)) n += value.length;
  }
  return n;
}
