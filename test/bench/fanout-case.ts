/**
 * The fan-out benchmark case (`npm run bench -- --only fanout`): core's `scanAccounts` with real SDK clients
 * against fake-aws (127.0.0.1, `latencyMs` per call), for `accounts` × `regions` assumed roles, compared with
 * one account-region scanned alone. Prints `BENCH_RESULT <json>`:
 * wall time per concurrency, calls per account-region vs the single-account floor, AssumeRole calls.
 *
 *   node fanout-case.mjs '{"accounts":20,"regions":4,"latencyMs":50,"concurrency":[4,16]}'
 */
import { assumeRole, roleArn, scanAccounts, type AccountCredentials, type RawRegion } from "@endpoint-auditor/core";
import { syntheticRegion } from "@endpoint-auditor/core/testing";
import { clientsFor, destroyClients, startFakeAws, type FakeClients } from "../support/fake-aws/index";
import { callFloor } from "./floor";

interface Options {
  accounts: number;
  regions: number;
  latencyMs: number;
  concurrency: number[];
  vpcs?: number;
}

const REGION_NAMES = ["us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "us-east-2", "eu-west-2"];

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as Options;
  const regions = REGION_NAMES.slice(0, options.regions);
  const now = new Date("2026-11-23T06:00:00Z");
  const raw = (region: string, i: number): RawRegion => ({ ...syntheticRegion({ seed: i + 1, vpcs: options.vpcs ?? 10, region, now } as never), region });
  const ids = Array.from({ length: options.accounts }, (_, i) => String(100000000000 + i + 1));
  const fake = await startFakeAws({
    data: {
      accountId: "999999999999",
      accounts: ids.map((accountId, i) => ({ accountId, regions: regions.map((r, j) => raw(r, i * 10 + j)), enabledRegions: regions })),
      roles: ids.map((accountId) => ({ accountId, roleName: "Audit" })),
    },
    faults: [{ latencyMs: options.latencyMs }],
  });
  const built: FakeClients[] = [];
  const factory = (region: string, credentials?: AccountCredentials): FakeClients => {
    const c = clientsFor(fake, region, credentials ? { credentials } : {});
    built.push(c);
    return c;
  };
  const caller = factory(regions[0] as string);
  const targets = ids.map((accountId) => ({ accountId, credentials: () => assumeRole(caller.sts, { accountId, roleArn: roleArn("aws", accountId, "Audit") }) }));

  // One account-region alone (after a warm-up run): the single-account wall time and calls.
  await scanAccounts({ accounts: [targets[1] as (typeof targets)[number]], regions: [regions[0] as string], now, clientsFor: factory, concurrency: 1 });
  fake.calls.reset();
  let started = performance.now();
  await scanAccounts({ accounts: [targets[0] as (typeof targets)[number]], regions: [regions[0] as string], now, clientsFor: factory, concurrency: 1 });
  const single = { wallMs: performance.now() - started, calls: fake.calls.count() - fake.calls.count("STS:AssumeRole") };
  const floor = callFloor(raw(regions[0] as string, 0));

  const runs: { concurrency: number; wallMs: number; calls: number; maxCallsPerAccountRegion: number; minCallsPerAccountRegion: number; floorPerAccountRegion: number; assumeRole: number; peak: number; evaluations: number; errors: number }[] = [];
  for (const concurrency of options.concurrency) {
    fake.calls.reset();
    started = performance.now();
    const out = await scanAccounts({ accounts: targets, regions, now, clientsFor: factory, concurrency });
    const wallMs = performance.now() - started;
    // Calls per account-region: the fake logs the region; the account is the one whose credentials signed.
    const perRegion = new Map<string, number>();
    for (const c of fake.calls.log) if (c.service !== "STS") perRegion.set(c.region, (perRegion.get(c.region) ?? 0) + 1);
    const perAccountRegion = [...perRegion.values()].map((n) => n / options.accounts);
    const floors = out.snapshot.accounts.flatMap((a) => a.regions.map((r) => callFloor(r).total));
    const total = fake.calls.count() - fake.calls.count("STS:AssumeRole");
    runs.push({
      concurrency,
      wallMs,
      calls: total,
      maxCallsPerAccountRegion: Math.max(...perAccountRegion),
      minCallsPerAccountRegion: Math.min(...perAccountRegion),
      floorPerAccountRegion: floors.reduce((a, b) => a + b, 0) / floors.length,
      assumeRole: fake.calls.count("STS:AssumeRole"),
      peak: fake.calls.maxConcurrency,
      evaluations: out.evaluations.length,
      errors: out.errors.length,
    });
    if (floors.reduce((a, b) => a + b, 0) !== total) process.stderr.write(`calls ${total} != floor ${floors.reduce((a, b) => a + b, 0)}\n`);
  }
  for (const c of built) destroyClients(c);
  await fake.close();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ accounts: options.accounts, regions: options.regions, latencyMs: options.latencyMs, single, singleFloor: floor.total, criticalPath: floor.criticalPath, runs })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
