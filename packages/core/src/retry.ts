/**
 * Bounded exponential backoff, shared by everything in core that retries on its own: the findings
 * history's `UnprocessedItems` / `UnprocessedKeys`, Slack's 5xx and refused connections, and AWS Config's
 * `FailedEvaluations`. What is retried, how often and when to give up stays with each caller; this module
 * only says how long to wait before retry number `n` (1 = the first retry) and waits.
 *
 * The delay is `min(maxDelayMs, baseDelayMs × 2^(n-1))`, with "equal jitter" by default: half of it fixed,
 * the other half random (so two callers that failed together do not retry together, and no retry waits
 * less than half the nominal delay).
 */

/** What a caller of a retrying function may set (every field optional; defaults are the caller's). */
export interface BackoffOptions {
  /** Delay before the first retry, in ms; doubles per retry. */
  baseDelayMs?: number;
  /** Cap of one delay, in ms. */
  maxDelayMs?: number;
  /** Injectable for tests (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests; returns [0, 1) (default `Math.random`). */
  random?: () => number;
}

/** A caller's defaults. */
export interface BackoffDefaults {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Equal jitter (default true); `false` waits exactly the nominal delay. */
  jitter?: boolean;
}

/** The delays of one retrying operation. */
export interface Backoff {
  /** The delay before retry `retry` (1 = the first retry), in ms. */
  delayMs(retry: number): number;
  /** Waits {@link Backoff.delayMs}`(retry)`. */
  wait(retry: number): Promise<void>;
  /** Waits `ms` (e.g. a server's `Retry-After`), through the injected sleep. */
  sleep(ms: number): Promise<void>;
}

/**
 * Waits `ms` milliseconds on a timer.
 *
 * @example
 * ```ts
 * await sleepMs(250);
 * ```
 */
export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The backoff of one operation: the caller's options over its defaults.
 *
 * @example
 * ```ts
 * const delays = backoff(options.retry ?? {}, { baseDelayMs: 50, maxDelayMs: 3_000 });
 * for (let attempt = 1; ; attempt++) {
 *   if (attempt > 1) await delays.wait(attempt - 1);
 *   // … call, break when done …
 * }
 * ```
 */
export function backoff(options: BackoffOptions, defaults: BackoffDefaults): Backoff {
  const base = options.baseDelayMs ?? defaults.baseDelayMs;
  const cap = options.maxDelayMs ?? defaults.maxDelayMs;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepMs;
  const jitter = defaults.jitter ?? true;
  const delayMs = (retry: number): number => {
    const nominal = Math.min(cap, base * 2 ** (retry - 1));
    return jitter ? Math.round(nominal / 2 + (random() * nominal) / 2) : nominal;
  };
  return { delayMs, wait: (retry) => sleep(delayMs(retry)), sleep };
}
