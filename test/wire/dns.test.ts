/**
 * The DNS parts through the real SDK against fake-aws: Route 53 `ListHostedZonesByVPC` (REST-XML, global,
 * the VPC's region as a parameter) and EC2 `DescribeVpcAttribute`, and the collector reading both only for
 * the VPCs that hold an endpoint with private DNS off — the shapes of the API references, errors included.
 */
import { DescribeVpcAttributeCommand } from "@aws-sdk/client-ec2";
import { ListHostedZonesByVPCCommand } from "@aws-sdk/client-route-53";
import { afterEach, describe, expect, it } from "vitest";
import { collectRegion, parseRegion, privateDnsOffVpcs, type RawRegion } from "@endpoint-auditor/core";
import { InventoryBuilder } from "@endpoint-auditor/core/testing";
import { destroyClients, startFakeAws, type FakeAws, type FakeAwsOptions, type FakeClients } from "../support/fake-aws";
import { callFloor } from "../bench/floor";
import { quickClients } from "../reliability/support";

const REGION = "eu-west-1";
const NOW = new Date("2026-03-02T00:00:00.000Z");
const HUB = "111100002222";

let fake: FakeAws | undefined;
const opened: FakeClients[] = [];

afterEach(async () => {
  for (const c of opened.splice(0)) destroyClients(c);
  await fake?.close();
  fake = undefined;
});

async function start(regions: RawRegion[], options: FakeAwsOptions = {}): Promise<{ server: FakeAws; clients: FakeClients }> {
  fake = await startFakeAws({ seed: 3, ...options, data: { regions } });
  // Production's client settings with a short backoff (the retries are real, the waits small).
  const clients = quickClients(fake, REGION, { maxAttempts: 4 });
  opened.push(clients);
  return { server: fake, clients };
}

/**
 * SSM endpoints in four VPCs: a spoke whose endpoint has private DNS off and resolves through a hub's zone
 * (plus `extraZones` zones of its own), one with private DNS on, one with private DNS off and the hub's
 * zone but DNS hostnames off, and one with private DNS off and no zone at all.
 */
function dnsRegion(extraZones = 0): { b: InventoryBuilder; spoke: string; on: string; noHostnames: string; noZone: string } {
  const b = new InventoryBuilder({ region: REGION, now: NOW });
  const spoke = b.vpc();
  const on = b.vpc();
  const noHostnames = b.vpc({ dnsHostnames: false });
  const noZone = b.vpc();
  for (const vpcId of [spoke, on, noHostnames, noZone]) {
    const subnet = b.subnet({ vpcId });
    b.interfaceEndpoint({ vpcId, service: "ssm", subnetIds: [subnet], privateDnsEnabled: vpcId === on });
  }
  b.privateHostedZone({ name: "ssm.eu-west-1.amazonaws.com", vpcIds: [spoke, noHostnames], owningAccount: HUB });
  b.privateHostedZone({ name: "fs-0a1b2c3d.efs.eu-west-1.amazonaws.com", vpcIds: [spoke], owningService: "efs.amazonaws.com" });
  for (let i = 0; i < extraZones; i++) b.privateHostedZone({ name: `app-${i}.internal.example.com`, vpcIds: [spoke] });
  return { b, spoke, on, noHostnames, noZone };
}

describe("Route 53 ListHostedZonesByVPC through the real SDK", () => {
  it("Given a VPC associated with zones of a hub account, an AWS service and its own account, Then each summary comes back with its id, name and owner", async () => {
    const { b, spoke } = dnsRegion();
    const { clients, server } = await start([b.toRaw()]);

    const out = await clients.route53.send(new ListHostedZonesByVPCCommand({ VPCId: spoke, VPCRegion: REGION, MaxItems: 100 }));

    expect(out.HostedZoneSummaries).toEqual(b.hostedZoneAnswers().find((a) => a.VPCId === spoke)?.HostedZoneSummaries);
    expect(out.HostedZoneSummaries?.map((z) => z.Owner)).toEqual([{ OwningAccount: HUB }, { OwningService: "efs.amazonaws.com" }]);
    expect(out.MaxItems).toBe(100);
    expect(out.NextToken).toBeUndefined();
    const call = server.calls.of("Route53:ListHostedZonesByVPC")[0];
    expect(call?.params).toEqual({ VPCId: spoke, VPCRegion: REGION, MaxItems: 100 });
  });

  it("Given 150 zones on one VPC, When listed at 100 a page, Then two calls return every zone once, in order", async () => {
    const { b, spoke } = dnsRegion(148);
    const { clients, server } = await start([b.toRaw()]);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const out = await clients.route53.send(new ListHostedZonesByVPCCommand({ VPCId: spoke, VPCRegion: REGION, MaxItems: 100, NextToken: token }));
      names.push(...(out.HostedZoneSummaries ?? []).map((z) => z.Name ?? ""));
      token = out.NextToken;
    } while (token);
    expect(names).toHaveLength(150);
    expect(new Set(names).size).toBe(150);
    expect(server.calls.count("Route53:ListHostedZonesByVPC")).toBe(2);
  });

  it("Given a VPC the region does not have, Then InvalidInput (400), not retried", async () => {
    const { b } = dnsRegion();
    const { clients, server } = await start([b.toRaw()]);
    const error = await clients.route53.send(new ListHostedZonesByVPCCommand({ VPCId: "vpc-0ffffffffffffffff", VPCRegion: REGION })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InvalidInput", $metadata: { httpStatusCode: 400 } });
    expect(server.calls.count("Route53:ListHostedZonesByVPC")).toBe(1);
  });

  it("Given a token that was never issued, Then InvalidPaginationToken", async () => {
    const { b, spoke } = dnsRegion();
    const { clients } = await start([b.toRaw()]);
    await expect(clients.route53.send(new ListHostedZonesByVPCCommand({ VPCId: spoke, VPCRegion: REGION, NextToken: "bm90LWEtdG9rZW4" }))).rejects.toMatchObject({
      name: "InvalidPaginationToken",
    });
  });

  it("Given Route 53 throttles the first two calls (Throttling, 400), Then the SDK retries and the answer arrives", async () => {
    const { b, spoke } = dnsRegion();
    const { clients, server } = await start([b.toRaw()], { faults: [{ service: "Route53", throttle: 1, times: 2 }] });
    const out = await clients.route53.send(new ListHostedZonesByVPCCommand({ VPCId: spoke, VPCRegion: REGION }));
    expect(out.HostedZoneSummaries).toHaveLength(2);
    expect(server.calls.count("Route53:ListHostedZonesByVPC", "throttled")).toBe(2);
  });
});

describe("EC2 DescribeVpcAttribute through the real SDK", () => {
  it("Given recorded answers and a VPC without any, Then the recorded value, else AWS's defaults (DNS support on, hostnames only in a default VPC)", async () => {
    const { b, noHostnames } = dnsRegion();
    const raw = b.toRaw();
    raw.vpcs?.push({ VpcId: "vpc-0d0d0d0d0d0d0d0d0", IsDefault: true, State: "available", OwnerId: b.accountId, CidrBlock: "172.31.0.0/16" });
    raw.vpcs?.push({ VpcId: "vpc-0c0c0c0c0c0c0c0c0", IsDefault: false, State: "available", OwnerId: b.accountId, CidrBlock: "10.99.0.0/16" });
    const { clients } = await start([raw]);
    const ask = (VpcId: string, Attribute: "enableDnsSupport" | "enableDnsHostnames") => clients.ec2.send(new DescribeVpcAttributeCommand({ VpcId, Attribute }));

    expect(await ask(noHostnames, "enableDnsHostnames")).toMatchObject({ VpcId: noHostnames, EnableDnsHostnames: { Value: false } });
    expect(await ask(noHostnames, "enableDnsSupport")).toMatchObject({ VpcId: noHostnames, EnableDnsSupport: { Value: true } });
    expect((await ask("vpc-0d0d0d0d0d0d0d0d0", "enableDnsHostnames")).EnableDnsHostnames?.Value).toBe(true);
    expect((await ask("vpc-0c0c0c0c0c0c0c0c0", "enableDnsHostnames")).EnableDnsHostnames?.Value).toBe(false);
    expect((await ask("vpc-0c0c0c0c0c0c0c0c0", "enableDnsSupport")).EnableDnsSupport?.Value).toBe(true);
    await expect(ask("vpc-0ffffffffffffffff", "enableDnsSupport")).rejects.toMatchObject({ name: "InvalidVpcID.NotFound" });
  });
});

describe("collectRegion: the DNS parts", () => {
  it("Given four VPCs of which three hold an endpoint with private DNS off, two of them with a zone for its name, Then zones are read for the three, attributes for the two, equal to the source, at the floor of calls", async () => {
    const { b, spoke, on, noHostnames, noZone } = dnsRegion();
    const source = b.toRaw();
    const { clients, server } = await start([source]);

    const raw = await collectRegion({
      region: REGION,
      clients,
      parts: ["vpcDnsAttributes", "vpcHostedZones"],
      now: NOW,
      metricWindowDays: 0,
    });

    expect(raw.errors).toBeUndefined();
    expect(privateDnsOffVpcs(source.vpcEndpoints ?? [], source.vpcEndpointServices ?? [], REGION).sort()).toEqual([spoke, noHostnames, noZone].sort());
    expect(new Set(raw.vpcHostedZones?.map((a) => a.VPCId))).toEqual(new Set([spoke, noHostnames, noZone]));
    expect(JSON.parse(JSON.stringify(raw.vpcHostedZones))).toEqual(expect.arrayContaining(JSON.parse(JSON.stringify(source.vpcHostedZones))));
    const inventory = parseRegion(raw, b.accountId, NOW);
    expect(inventory.vpcDnsAttributes.get(noHostnames)).toEqual({ vpcId: noHostnames, enableDnsSupport: true, enableDnsHostnames: false });
    expect(inventory.vpcDnsAttributes.get(spoke)).toEqual({ vpcId: spoke, enableDnsSupport: true, enableDnsHostnames: true });
    expect(inventory.vpcDnsAttributes.has(on)).toBe(false);
    expect(inventory.vpcDnsAttributes.has(noZone)).toBe(false);
    expect(inventory.vpcHostedZones.get(noZone)).toEqual([]);
    expect(inventory.vpcHostedZones.get(spoke)?.map((z) => z.name)).toEqual(["ssm.eu-west-1.amazonaws.com", "fs-0a1b2c3d.efs.eu-west-1.amazonaws.com"]);
    expect(server.calls.counts()).toEqual(callFloor(raw).byApi);
    expect(callFloor(raw).byApi).toMatchObject({ "EC2:DescribeVpcAttribute": 4, "Route53:ListHostedZonesByVPC": 3 });
  });

  it("Given ListHostedZonesByVPC is denied, Then the zones are an error naming both IAM actions it needs and the code, and the attributes (which need the zones) fail without a call", async () => {
    const { b } = dnsRegion();
    const { clients } = await start([b.toRaw()], { faults: [{ service: "Route53", fail: true }] });

    const raw = await collectRegion({ region: REGION, clients, parts: ["vpcDnsAttributes", "vpcHostedZones"], now: NOW, metricWindowDays: 0 });

    expect(raw.vpcHostedZones).toBeUndefined();
    expect(raw.vpcDnsAttributes).toBeUndefined();
    expect(raw.errors).toEqual([
      { part: "vpcHostedZones", call: "route53:ListHostedZonesByVPC, ec2:DescribeVpcs", code: "AccessDenied", message: expect.stringContaining("not authorized") },
      { part: "vpcDnsAttributes", call: "ec2:DescribeVpcAttribute", message: expect.stringContaining("needs the private hosted zones of VPCs (Route 53) list, which failed") },
    ]);
    expect(fake?.calls.count("EC2:DescribeVpcAttribute")).toBe(0);
  });
});
