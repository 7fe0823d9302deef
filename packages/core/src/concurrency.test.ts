import { describe, expect, it } from "vitest";
import { mapLimit } from "./concurrency";

describe("mapLimit", () => {
  it("Given 10 items and a limit of 3, Then at most 3 calls are in flight and results keep the input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await mapLimit([...Array(10).keys()], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (10 - n) % 4));
      inFlight--;
      return n * 2;
    });
    expect(result).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(3);
  });

  it("Given no items, Then no call is made", async () => {
    let calls = 0;
    expect(await mapLimit([], 4, async () => ++calls)).toEqual([]);
    expect(calls).toBe(0);
  });

  it("Given a failing call, Then the failure propagates", async () => {
    await expect(mapLimit([1, 2], 2, async (n) => (n === 2 ? Promise.reject(new Error("boom")) : n))).rejects.toThrow("boom");
  });
});
