/**
 * Evaluation scale: a synthetic region of about N resources (realistic ratios per VPC) parsed with the
 * real `parseRegion` and evaluated by every registered rule through `evaluateInventory`, exactly as
 * a scan or a snapshot replay does. Runs in its own process (one per size) so the peak memory is the
 * peak of that size.
 */
import { RULES, evaluateInventory, prepareRules, parseRegion, resourceCount } from "@endpoint-auditor/core";
import { syntheticRegionWithCounts, type SyntheticCounts } from "@endpoint-auditor/core/testing";
import { median } from "./stats";

const ACCOUNT_ID = "123456789012";
/** The synthetic generator's default "now" (end of its metric window). */
const NOW = new Date("2025-06-02T00:00:00.000Z");
const MB = 1024 * 1024;


/** VPCs to generate for about `target` resources, from the generator's own ratios (seeded sample). */
export function vpcsFor(target: number, seed: number): number {
  const sampleVpcs = 500;
  const sample = syntheticRegionWithCounts({ seed, vpcs: sampleVpcs, metricDays: 0 });
  const perVpc = resourceCount(sample.raw) / sampleVpcs;
  return Math.max(1, Math.round(target / perVpc));
}

export interface ScaleOptions {
  target: number;
  runs: number;
  warmup: number;
  seed: number;
}

export interface ScaleResult {
  target: number;
  vpcs: number;
  resources: number;
  counts: SyntheticCounts;
  runs: number;
  /** Medians over the measured runs, milliseconds. */
  parseMs: number;
  evaluateMs: number;
  totalMs: number;
  /** Fastest and slowest total, milliseconds. */
  totalMinMs: number;
  totalMaxMs: number;
  evaluations: number;
  /** Rules in the registry: all of them must evaluate. */
  registeredRules: number;
  /** Evaluations per rule. */
  byRule: Record<string, number>;
  /** Median time of each rule evaluated alone over one parsed inventory, ms. */
  byRuleMs: Record<string, number>;
  /** Rules that could not evaluate (must be none: the inventory is complete). */
  errors: string[];
  /**
   * Peak resident set of the process after generating the raw data and evaluating it once (the raw
   * responses, one inventory and its evaluations), MB.
   */
  peakRssMb: number;
  /** Peak resident set after all timed runs too (garbage of the repeated runs included), MB. */
  peakRssAfterRunsMb: number;
  /** Resident set after generating the raw data, before any parse (after a GC), MB. */
  rssAfterGenerateMb: number;
  /** Heap held by one parsed inventory plus its evaluations (after a GC), MB; undefined without --expose-gc. */
  retainedHeapMb: number | undefined;
  generateMs: number;
}

/** Peak resident set of this process so far, MB (`maxRSS` is in kilobytes). */
function maxRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

function gc(): boolean {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return false;
  collect();
  collect();
  return true;
}

/**
 * Generates, then parses and evaluates `warmup + runs` times; medians of the measured runs.
 *
 * @example
 * ```ts
 * const result = runScale({ target: 10_000, runs: 7, warmup: 2, seed: 1 });
 * ```
 */
export function runScale(options: ScaleOptions): ScaleResult {
  const vpcs = vpcsFor(options.target, options.seed);
  const g0 = performance.now();
  const { raw, counts } = syntheticRegionWithCounts({ seed: options.seed, vpcs, now: NOW });
  const generateMs = performance.now() - g0;
  const rules = prepareRules();

  // Memory of one evaluation, before the timed runs add garbage: peak RSS so far (generation, one parse
  // and one evaluation) and, with --expose-gc, the heap the inventory and its evaluations hold.
  const canGc = gc();
  const rssAfterGenerate = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const onceInventory = parseRegion(raw, ACCOUNT_ID, NOW);
  const once = evaluateInventory(onceInventory, rules, NOW);
  let retainedHeapMb: number | undefined;
  if (canGc) {
    gc();
    retainedHeapMb = (process.memoryUsage().heapUsed - heapBefore) / MB;
  }
  const peakRssOnceMb = maxRssMb();
  // Read both after the measurement so neither is collected before it.
  if (once.evaluations.length === 0 || onceInventory.subnets.size === 0) throw new Error("the synthetic inventory produced no evaluation");

  const parse: number[] = [];
  const evaluate: number[] = [];
  const total: number[] = [];
  let last: ReturnType<typeof evaluateInventory> | undefined;
  for (let i = 0; i < options.warmup + options.runs; i++) {
    // Each run starts as a real one does (a CLI scan or a Config invocation parses and evaluates once): with
    // the raw data on the heap, not the previous run's inventory and evaluations or their garbage — which
    // would otherwise be collected, unpredictably, inside this run's timing. Not timed.
    last = undefined;
    if (canGc) gc();
    const t0 = performance.now();
    const inventory = parseRegion(raw, ACCOUNT_ID, NOW);
    const t1 = performance.now();
    const result = evaluateInventory(inventory, rules, NOW);
    const t2 = performance.now();
    if (i >= options.warmup) {
      parse.push(t1 - t0);
      evaluate.push(t2 - t1);
      total.push(t2 - t0);
    }
    last = result;
  }
  if (!last) throw new Error("no run");
  const byRule: Record<string, number> = {};
  for (const e of last.evaluations) byRule[e.ruleId] = (byRule[e.ruleId] ?? 0) + 1;

  // Where the evaluation time goes: each rule alone, same inventory.
  const inventory = parseRegion(raw, ACCOUNT_ID, NOW);
  const byRuleMs: Record<string, number> = {};
  for (const prepared of rules) {
    const times: number[] = [];
    for (let i = 0; i < options.warmup + options.runs; i++) {
      if (canGc) gc();
      const t0 = performance.now();
      evaluateInventory(inventory, [prepared], NOW);
      if (i >= options.warmup) times.push(performance.now() - t0);
    }
    byRuleMs[prepared.rule.metadata.id] = median(times);
  }

  return {
    target: options.target,
    vpcs,
    resources: resourceCount(raw),
    registeredRules: RULES.length,
    counts,
    runs: options.runs,
    parseMs: median(parse),
    evaluateMs: median(evaluate),
    totalMs: median(total),
    totalMinMs: Math.min(...total),
    totalMaxMs: Math.max(...total),
    evaluations: last.evaluations.length,
    byRule,
    byRuleMs,
    errors: last.errors.map((e) => `${e.ruleId ?? "?"}: ${e.message}`),
    peakRssMb: peakRssOnceMb,
    peakRssAfterRunsMb: maxRssMb(),
    rssAfterGenerateMb: rssAfterGenerate / MB,
    retainedHeapMb,
    generateMs,
  };
}
