import { describe, expect, it, vi } from "vitest";
import { backoff } from "./retry";

describe("backoff", () => {
  it("Given base 100 ms and cap 500 ms with the largest jitter, Then the delays double per retry and stop at the cap", () => {
    const delays = backoff({ random: () => 1 }, { baseDelayMs: 100, maxDelayMs: 500 });
    expect([1, 2, 3, 4, 5].map((n) => delays.delayMs(n))).toEqual([100, 200, 400, 500, 500]);
  });

  it("Given the smallest jitter, Then no delay is shorter than half the nominal one", () => {
    const delays = backoff({ random: () => 0 }, { baseDelayMs: 100, maxDelayMs: 500 });
    expect([1, 2, 3, 4].map((n) => delays.delayMs(n))).toEqual([50, 100, 200, 250]);
  });

  it("Given the caller's options, Then they override the defaults", () => {
    const delays = backoff({ baseDelayMs: 40, maxDelayMs: 1000, random: () => 0.5 }, { baseDelayMs: 50, maxDelayMs: 3000 });
    expect(delays.delayMs(1)).toBe(30); // 40 × (½ + ½·0.5)
  });

  it("Given jitter off and no cap, Then the delay is exactly base × 2^(n-1)", () => {
    const delays = backoff({ baseDelayMs: 250, random: () => 0 }, { baseDelayMs: 1, maxDelayMs: Number.POSITIVE_INFINITY, jitter: false });
    expect([1, 2, 3].map((n) => delays.delayMs(n))).toEqual([250, 500, 1000]);
  });

  it("Given an injected sleep, Then wait and sleep go through it with the computed and the given delay", async () => {
    const slept: number[] = [];
    const delays = backoff({ sleep: async (ms) => void slept.push(ms), random: () => 1 }, { baseDelayMs: 10, maxDelayMs: 1000 });
    await delays.wait(3);
    await delays.sleep(2000);
    expect(slept).toEqual([40, 2000]);
  });

  it("Given no injected sleep, Then wait resolves only once a timer of the delay has fired", async () => {
    vi.useFakeTimers();
    try {
      const delays = backoff({}, { baseDelayMs: 20, maxDelayMs: 20, jitter: false });
      let done = false;
      const waiting = delays.wait(1).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(19);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
