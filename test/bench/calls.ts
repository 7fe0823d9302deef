/**
 * AWS calls: the real `collectRegion`, through real AWS SDK v3 clients (built with core's
 * `clientConfig`), against the fake AWS server (test/support/fake-aws) serving a synthetic account with
 * AWS's page caps and an injected latency per call. The server runs in a child process of its own so
 * its XML/JSON work does not share the collector's event loop; it listens on 127.0.0.1 only.
 */
import { fork, type ChildProcess } from "node:child_process";
import { PARTS, isListPart, metricNeeds, type PartSpec, partsFor, prepareRules, collectRegion, type RawRegion } from "@endpoint-auditor/core";
import { syntheticRegionWithCounts } from "@endpoint-auditor/core/testing";
import { clientsFor, destroyClients } from "../support/fake-aws/clients";
import { startFakeAws } from "../support/fake-aws/server";
import { callFloor, partCounts, type Floor } from "./floor";
import { median, peakListsInFlight, type TimelineEntry } from "./stats";

const REGION = "us-east-1";
const ACCOUNT_ID = "123456789012";
/** The synthetic generator's default "now" (end of its metric window). */
const NOW = new Date("2025-06-02T00:00:00.000Z");


export interface FakeServerOptions {
  vpcs: number;
  seed: number;
  latencyMs: number;
}

interface ReadyMessage {
  type: "ready";
  url: string;
  /** Items served per list part. */
  items: Record<string, number>;
  meteredEndpoints: number;
  datapoints: number;
}

interface CallsMessage {
  type: "calls";
  counts: Record<string, number>;
  notOk: Record<string, number>;
  maxConcurrency: number;
  /** CPU the server process used since the previous `calls` request (or its start), ms. */
  cpuMs: number;
  /** Each call's arrival and answer, ms after the first call arrived. */
  timeline: TimelineEntry[];
}


function timeline(log: readonly { key: string; startedAt: number; endedAt?: number }[]): TimelineEntry[] {
  const origin = Math.min(...log.map((c) => c.startedAt));
  return log.map((c) => ({ key: c.key, startMs: c.startedAt - origin, endMs: c.endedAt === undefined ? undefined : c.endedAt - origin }));
}

/** The `Service:Action` of every list part (what "lists in flight" counts: EC2's and S3's alike). */
const LIST_APIS: ReadonlySet<string> = new Set((PARTS as readonly PartSpec[]).filter(isListPart).map((p) => p.list.api));

/** Items per list part (every list of the table; 0 for one the region does not hold). */
function itemCounts(raw: RawRegion): Record<string, number> {
  const counts = partCounts(raw);
  return Object.fromEntries((PARTS as readonly PartSpec[]).filter(isListPart).map((p) => [p.key, counts[p.key] ?? 0]));
}

/**
 * Child-process side: generates the account, serves it on 127.0.0.1 with `latencyMs` added to every
 * call, and answers the parent's IPC requests (`calls`: the call log since the last request; `close`).
 * Exits when the parent goes away.
 */
export async function serveFake(options: FakeServerOptions): Promise<void> {
  const send = (message: unknown): void => {
    process.send?.(message);
  };
  const { raw, counts } = syntheticRegionWithCounts({ seed: options.seed, vpcs: options.vpcs, region: REGION, now: NOW });
  // The account manages an organization, so DescribeOrganization answers as it does for most audited accounts.
  const organization = { id: "o-b3nchmark01", rootId: "r-b3n1", managementAccountId: ACCOUNT_ID };
  const fake = await startFakeAws({ data: { accountId: ACCOUNT_ID, regions: [raw], organization }, faults: [{ latencyMs: options.latencyMs }] });
  let cpuMark = process.cpuUsage();
  const stop = async (): Promise<void> => {
    await fake.close();
    process.exit(0);
  };
  process.on("disconnect", () => void stop());
  process.on("message", (message: { type?: string }) => {
    if (message.type === "calls") {
      const notOk: Record<string, number> = {};
      for (const c of fake.calls.log) if (c.outcome !== "ok") notOk[`${c.key} ${c.outcome}`] = (notOk[`${c.key} ${c.outcome}`] ?? 0) + 1;
      const cpu = process.cpuUsage(cpuMark);
      cpuMark = process.cpuUsage();
      const reply: CallsMessage = {
        type: "calls",
        counts: fake.calls.counts(),
        notOk,
        maxConcurrency: fake.calls.maxConcurrency,
        cpuMs: (cpu.user + cpu.system) / 1000,
        timeline: timeline(fake.calls.log),
      };
      fake.calls.reset();
      send(reply);
    } else if (message.type === "close") {
      void stop();
    }
  });
  const ready: ReadyMessage = {
    type: "ready",
    url: fake.url,
    items: itemCounts(raw),
    meteredEndpoints: counts.meteredEndpoints,
    datapoints: counts.datapoints,
  };
  send(ready);
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T["type"], timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`fake server: no "${type}" message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type?: string }): void => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`fake server exited (code ${String(code)}) before sending "${type}"`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

export interface CallsOptions extends FakeServerOptions {
  runs: number;
  warmup: number;
  /** This module's bundled file (forked as the server). */
  selfFile: string;
}

export interface CallsResult {
  vpcs: number;
  latencyMs: number;
  /** Items served per list part. */
  items: Record<string, number>;
  meteredEndpoints: number;
  windowDays: number;
  /** Calls per `Service:Action` of the last measured run. */
  calls: Record<string, number>;
  totalCalls: number;
  /** Every measured run made exactly the same calls. */
  stableAcrossRuns: boolean;
  floor: Floor;
  /** Median wall time of one `collectRegion`, ms. */
  wallMs: number;
  wallRunsMs: number[];
  /** wall / latency: how many call latencies the collection took. */
  latencyRounds: number;
  /** calls × latency: the wall time if the calls ran one after another, ms. */
  sequentialMs: number;
  maxConcurrency: number;
  /** The most distinct list APIs in flight at once (median run). */
  listsInFlight: number;
  /** Median CPU time per run of the collector's process (SDK signing, XML/JSON parsing), ms. */
  clientCpuMs: number;
  /** Median CPU time per run of the fake server's process, ms. */
  serverCpuMs: number;
  /** The calls of the median run as the server saw them. */
  timeline: TimelineEntry[];
  /** Lists the collector returned complete (same item counts as served) and without errors. */
  complete: boolean;
  problems: string[];
}

/**
 * Runs the collector `warmup + runs` times against a forked fake server.
 *
 * @example
 * ```ts
 * const result = await runCalls({ vpcs: 100, seed: 1, latencyMs: 50, runs: 3, warmup: 1, selfFile });
 * ```
 */
export async function runCalls(options: CallsOptions): Promise<CallsResult> {
  const server = fork(options.selfFile, ["fake-server", JSON.stringify({ vpcs: options.vpcs, seed: options.seed, latencyMs: options.latencyMs })], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: ["--no-warnings"],
  });
  const clientsHolder: { clients?: ReturnType<typeof clientsFor> } = {};
  try {
    const ready = await nextMessage<ReadyMessage>(server, "ready", 120_000);
    const clients = clientsFor({ url: ready.url }, REGION);
    clientsHolder.clients = clients;
    const rules = prepareRules();
    const parts = partsFor(rules);
    const metrics = metricNeeds(rules);
    const windowDays = metrics.days;
    const problems: string[] = [];
    const walls: number[] = [];
    const clientCpu: number[] = [];
    const serverCpu: number[] = [];
    const callSets: string[] = [];
    const timelines: TimelineEntry[][] = [];
    let last: CallsMessage | undefined;
    let lastRaw: RawRegion | undefined;
    let maxConcurrency = 0;
    for (let i = 0; i < options.warmup + options.runs; i++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const raw = await collectRegion({ region: REGION, accountId: ACCOUNT_ID, clients, parts, now: NOW, metricWindowDays: windowDays, metricNames: metrics.names });
      lastRaw = raw;
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      server.send({ type: "calls" });
      const calls = await nextMessage<CallsMessage>(server, "calls", 30_000);
      if (i < options.warmup) continue;
      walls.push(wall);
      clientCpu.push((cpu.user + cpu.system) / 1000);
      serverCpu.push(calls.cpuMs);
      timelines.push(calls.timeline);
      callSets.push(JSON.stringify(Object.entries(calls.counts).sort()));
      last = calls;
      maxConcurrency = Math.max(maxConcurrency, calls.maxConcurrency);
      for (const e of raw.errors ?? []) problems.push(`${e.call}: ${e.message}`);
      for (const [key, n] of Object.entries(calls.notOk)) problems.push(`${n}× ${key}`);
      const got = itemCounts(raw);
      for (const part of Object.keys(got)) {
        if (got[part] !== ready.items[part]) problems.push(`${part}: collected ${got[part]} of ${ready.items[part]} items`);
      }
      const queried = raw.endpointMetrics?.queries.length ?? 0;
      const expectedQueries = ready.meteredEndpoints * metrics.names.length;
      if (queried !== expectedQueries) problems.push(`GetMetricData: ${queried} queries for ${ready.meteredEndpoints} endpoints × ${metrics.names.length} metrics`);
    }
    if (!last || !lastRaw) throw new Error("no measured run");
    // The floor of what was collected; the completeness checks above make sure that is everything served.
    const floor = callFloor(lastRaw);
    const totalCalls = Object.values(last.counts).reduce((a, b) => a + b, 0);
    const wallMs = median(walls);
    const medianRun = walls.indexOf([...walls].sort((a, b) => a - b)[Math.floor((walls.length - 1) / 2)] as number);
    return {
      vpcs: options.vpcs,
      latencyMs: options.latencyMs,
      items: ready.items,
      meteredEndpoints: ready.meteredEndpoints,
      windowDays,
      calls: last.counts,
      totalCalls,
      stableAcrossRuns: new Set(callSets).size === 1,
      floor,
      wallMs,
      wallRunsMs: walls,
      latencyRounds: wallMs / options.latencyMs,
      sequentialMs: totalCalls * options.latencyMs,
      maxConcurrency,
      timeline: timelines[medianRun] ?? [],
      listsInFlight: peakListsInFlight(timelines[medianRun] ?? [], LIST_APIS),
      clientCpuMs: median(clientCpu),
      serverCpuMs: median(serverCpu),
      complete: problems.length === 0,
      problems: [...new Set(problems)],
    };
  } finally {
    if (clientsHolder.clients) destroyClients(clientsHolder.clients);
    if (server.connected) server.send({ type: "close" });
    await new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        server.kill("SIGKILL");
        resolve();
      }, 5_000);
      server.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Every API the floor counts (for reports that list APIs with no calls too). */
export const FLOOR_APIS: readonly string[] = PARTS.flatMap((p) => p.apis);
