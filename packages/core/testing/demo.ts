/**
 * The built-in demo account (`npm start` replays it): a synthetic background per region
 * ({@link syntheticRegion}, seeded) plus, in the primary region, every rule's own **demo cases** — the
 * `demo.ts` module of its folder puts one resource for each verdict (COMPLIANT, NON_COMPLIANT,
 * NOT_APPLICABLE) into the account and says which resource that is. The demo test replays the account
 * and holds every rule to its cases, so a new rule brings its own demo and its own check.
 *
 * Everything is deterministic (seeded background, counter-based ids), so the committed file can be
 * compared with what this produces (`node packages/cli/scripts/make-demo.mjs --check`).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DAY_MS, InventoryBuilder, routeTo } from "./inventory-fixtures";
import { syntheticRegion } from "./synthetic";
import type { ComplianceType } from "../src/evaluation";
import { SNAPSHOT_FORMAT, type Snapshot } from "../src/inventory/raw";
import { RULES } from "../src/rules/index";

export const DEMO_ACCOUNT_ID = "123456789012";
export const DEMO_CAPTURED_AT = "2026-11-23T06:00:00.000Z";
/** The regions of the demo account; rule demo cases go into the first. */
export const DEMO_REGIONS = ["us-east-1", "eu-west-1"] as const;
/** Days of endpoint metrics in the demo (rules may look back at most this far; 90 allows `lookbackDays=60`). */
export const DEMO_METRIC_DAYS = 90;

/** A typical application VPC made for a demo case (see {@link DemoContext.appVpc}). */
export interface DemoVpc {
  vpcId: string;
  /** One public subnet per AZ (default route to the internet gateway). */
  publicSubnets: string[];
  /** One private subnet per AZ (default route to the NAT gateway). */
  privateSubnets: string[];
  publicRouteTable: string;
  privateRouteTable: string;
  natGatewayId: string;
}

/** What a rule's demo case gets. */
export interface DemoContext {
  /** The builder of the demo's primary region: add resources with its methods. */
  b: InventoryBuilder;
  region: string;
  accountId: string;
  now: Date;
  /** `now` minus `days` days. */
  daysAgo(days: number): Date;
  /** Route helpers (as DescribeRouteTables returns routes). */
  routeTo: typeof routeTo;
  /**
   * A VPC named `name` as most accounts have them: a public and a private subnet in each of `azs` zones
   * (default 2), an internet gateway for the public route table, one NAT gateway for the private one, the
   * main route table with the local route only, and (unless `flowLog: false`) a delivering flow log.
   */
  appVpc(name: string, options?: { azs?: number; flowLog?: boolean; tags?: Record<string, string> }): DemoVpc;
  /** Daily traffic (bytes) on every one of the last `days` days, a little different each day. */
  busyDays(days: number, bytesPerDay: number): { daysAgo: number; bytes: number }[];
}

/**
 * A rule's demo cases: each adds what it needs to the demo account and returns the id of the resource
 * that must get that verdict from the rule (with default parameters).
 */
export type RuleDemo = { readonly [C in ComplianceType]: (context: DemoContext) => string };

/** A verdict the demo promises: what the demo test checks. */
export interface DemoExpectation {
  ruleId: string;
  region: string;
  resourceId: string;
  compliance: ComplianceType;
}

/** The order cases run in (so ids are stable). */
const CASES: readonly ComplianceType[] = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"];

function context(b: InventoryBuilder): DemoContext {
  let vpcs = 0;
  return {
    b,
    region: b.region,
    accountId: b.accountId,
    now: b.now,
    daysAgo: (days) => new Date(b.now.getTime() - days * DAY_MS),
    routeTo,
    appVpc(name, options = {}) {
      vpcs += 1;
      const azs = options.azs ?? 2;
      const vpcId = b.vpc({ cidr: `10.${100 + vpcs}.0.0/16`, tags: { Name: name, ...options.tags } });
      const zone = (i: number): string => `${b.region}${"abcdef"[i]}`;
      const publicSubnets = Array.from({ length: azs }, (_, i) =>
        b.subnet({ vpcId, availabilityZone: zone(i), tags: { Name: `${name}-public-${"abcdef"[i]}` } }),
      );
      const privateSubnets = Array.from({ length: azs }, (_, i) =>
        b.subnet({ vpcId, availabilityZone: zone(i), tags: { Name: `${name}-private-${"abcdef"[i]}` } }),
      );
      b.routeTable({ vpcId, main: true, tags: { Name: `${name}-main` } });
      const igw = b.id("igw");
      const publicRouteTable = b.routeTable({ vpcId, subnetIds: publicSubnets, routes: [routeTo.internetGateway(igw)], tags: { Name: `${name}-public` } });
      const natGatewayId = b.natGateway({ vpcId, subnetId: publicSubnets[0] as string, tags: { Name: `${name}-nat` } });
      const privateRouteTable = b.routeTable({ vpcId, subnetIds: privateSubnets, routes: [routeTo.nat(natGatewayId)], tags: { Name: `${name}-private` } });
      if (options.flowLog !== false) b.flowLog({ resourceId: vpcId, trafficType: "ALL", tags: { Name: `${name}-flow-log` } });
      return { vpcId, publicSubnets, privateSubnets, publicRouteTable, privateRouteTable, natGatewayId };
    },
    busyDays: (days, bytesPerDay) => Array.from({ length: days }, (_, d) => ({ daysAgo: d + 1, bytes: Math.round(bytesPerDay * (0.6 + ((d * 37) % 80) / 100)) })),
  };
}

/** The synthetic background of each demo region: a handful of VPCs with the usual mix. */
function background(region: string, index: number, now: Date) {
  return syntheticRegion({
    seed: 2026 + index,
    region,
    accountId: DEMO_ACCOUNT_ID,
    now,
    vpcs: index === 0 ? 3 : 2,
    interfaceEndpoints: index === 0 ? 6 : 4,
    s3DynamoInterfaceRatio: 0.15,
    vpnRatio: 0.2,
    transitGatewayRatio: 0.2,
    peeringRatio: 0.25,
    sharedVpcRatio: 0.15,
    metricDays: DEMO_METRIC_DAYS,
  });
}

/**
 * Builds the demo account: the synthetic background of each region and, in the first region, every
 * rule's demo cases (in the order given). Returns the snapshot and the verdicts the cases promise.
 *
 * @example
 * ```ts
 * const { snapshot, expectations } = buildDemo([{ ruleId: "vpc-flow-logs-enabled", demo }]);
 * ```
 */
export function buildDemo(demos: readonly { ruleId: string; demo: RuleDemo }[]): { snapshot: Snapshot; expectations: DemoExpectation[] } {
  const now = new Date(DEMO_CAPTURED_AT);
  const expectations: DemoExpectation[] = [];
  const regions = DEMO_REGIONS.map((region, index) => {
    const b = new InventoryBuilder({ region, accountId: DEMO_ACCOUNT_ID, now });
    b.importRaw(background(region, index, now));
    b.metrics({ lookbackDays: DEMO_METRIC_DAYS });
    if (index === 0) {
      const ctx = context(b);
      for (const { ruleId, demo } of demos) {
        for (const compliance of CASES) {
          const resourceId = demo[compliance](ctx);
          expectations.push({ ruleId, region, resourceId, compliance });
        }
      }
    }
    return b.toJsonRaw();
  });
  return {
    snapshot: { format: SNAPSHOT_FORMAT, accountId: DEMO_ACCOUNT_ID, capturedAt: DEMO_CAPTURED_AT, regions },
    expectations,
  };
}

/**
 * The demo cases of every registered rule, in registry order, loaded from each rule folder's `demo.ts`
 * (for tests; `packages/cli/scripts/make-demo.mjs` bundles the same modules).
 *
 * @throws Error naming a registered rule whose folder has no `demo.ts` exporting `demo`.
 * @example
 * ```ts
 * const { snapshot } = buildDemo(await loadRuleDemos());
 * ```
 */
export async function loadRuleDemos(): Promise<{ ruleId: string; demo: RuleDemo }[]> {
  const rulesDir = fileURLToPath(new URL("../src/rules/", import.meta.url));
  return Promise.all(
    RULES.map(async (rule) => {
      const ruleId = rule.metadata.id;
      let mod: { demo?: RuleDemo };
      try {
        mod = (await import(join(rulesDir, ruleId, "demo.ts"))) as { demo?: RuleDemo };
      } catch (error) {
        throw new Error(`rule ${ruleId} has no demo cases (${join("packages/core/src/rules", ruleId, "demo.ts")})`, { cause: error });
      }
      if (!mod.demo) throw new Error(`${join("packages/core/src/rules", ruleId, "demo.ts")} does not export demo`);
      return { ruleId, demo: mod.demo };
    }),
  );
}
