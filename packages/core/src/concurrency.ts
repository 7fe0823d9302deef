/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order.
 *
 * @example
 * ```ts
 * const pages = await mapLimit(batches, 4, (batch) => fetchBatch(batch));
 * ```
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
