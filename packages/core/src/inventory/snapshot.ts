/** Reading and writing snapshot files (the raw API responses of a scan, keyed by the parts of `parts/index.ts`). */
import { SnapshotError } from "../errors";
import { ALL_PARTS, PARTS } from "./parts/index";
import { SNAPSHOT_FORMAT, type RawRegion, type Snapshot } from "./raw";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkRegion(value: unknown, i: number): RawRegion {
  if (!isRecord(value)) throw new SnapshotError(`regions[${i}] is not an object`);
  if (typeof value.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value.region)) {
    throw new SnapshotError(`regions[${i}].region is not a region name: ${JSON.stringify(value.region)}`);
  }
  // Each part's record checks its own value (a list: objects; metrics: the GetMetricData exchange).
  for (const part of PARTS) {
    const v = value[part.key];
    if (v !== undefined) part.check(v, value.region);
  }
  if (value.errors !== undefined) {
    if (
      !Array.isArray(value.errors) ||
      !value.errors.every(
        (e) =>
          isRecord(e) &&
          typeof e.part === "string" &&
          ALL_PARTS.includes(e.part as never) &&
          typeof e.call === "string" &&
          typeof e.message === "string" &&
          (e.code === undefined || typeof e.code === "string"),
      )
    ) {
      throw new SnapshotError(`${value.region}: "errors" must be a list of {part, call, message}`);
    }
  }
  return value as unknown as RawRegion;
}

/**
 * Parses and checks a snapshot file's text.
 *
 * @throws SnapshotError when the text is not JSON or not a snapshot.
 * @example
 * ```ts
 * const snapshot = parseSnapshot(await readFile("demo.json", "utf8"));
 * ```
 */
export function parseSnapshot(text: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  return checkSnapshot(value);
}

/** Checks an already-parsed value has the snapshot shape. */
export function checkSnapshot(value: unknown): Snapshot {
  if (!isRecord(value)) throw new SnapshotError("a snapshot is a JSON object");
  if (value.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`unsupported snapshot format ${JSON.stringify(value.format)}; expected "${SNAPSHOT_FORMAT}"`);
  }
  if (typeof value.accountId !== "string" || !/^\d{12}$/.test(value.accountId)) {
    throw new SnapshotError(`"accountId" must be a 12-digit account id`);
  }
  if (typeof value.capturedAt !== "string" || Number.isNaN(Date.parse(value.capturedAt))) {
    throw new SnapshotError(`"capturedAt" must be an ISO date`);
  }
  if (!Array.isArray(value.regions) || value.regions.length === 0) {
    throw new SnapshotError(`"regions" must be a non-empty list`);
  }
  const regions = value.regions.map(checkRegion);
  const names = new Set<string>();
  for (const r of regions) {
    if (names.has(r.region)) throw new SnapshotError(`region ${r.region} appears twice`);
    names.add(r.region);
  }
  return { format: SNAPSHOT_FORMAT, accountId: value.accountId, capturedAt: value.capturedAt, regions };
}

/** Serialises a snapshot (dates become ISO strings). */
export function serializeSnapshot(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
