/**
 * The ZIP writer used for the stand-alone template's Lambda code, read back with an independent parser that
 * follows the PKWARE APPNOTE layout (end of central directory → central directory → local headers).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { afterEach, describe, expect, test } from "vitest";
import { crc32, zipDirectory, zipEntries } from "../../stacks/zip";

interface ReadEntry {
  path: string;
  data: Buffer;
  crc: number;
  externalAttributes: number;
  madeBy: number;
  method: number;
}

function readZip(zip: Buffer): ReadEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("no end of central directory");
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header at ${at}`);
    const madeBy = zip.readUInt16LE(at + 4);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const externalAttributes = zip.readUInt32LE(at + 38);
    const localOffset = zip.readUInt32LE(at + 42);
    const path = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`bad local header for ${path}`);
    const localName = zip.readUInt16LE(localOffset + 26);
    const localExtra = zip.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localName + localExtra;
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    if (data.length !== size) throw new Error(`size mismatch for ${path}`);
    out.push({ path, data, crc, externalAttributes, madeBy, method });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("zip", () => {
  test("Given known inputs, Then crc32 gives the standard check values", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    const sample = Buffer.from("export const handler = async () => 42;\n".repeat(50));
    // Node ≥ 20.15 has its own CRC-32; compare when it is there.
    const nodeCrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (nodeCrc) expect(crc32(sample)).toBe(nodeCrc(sample));
  });

  test("Given a directory with nested files, Then the archive holds each file once, deflated, with its CRC, sorted, as rw-r--r-- Unix files", () => {
    dir = mkdtempSync(join(tmpdir(), "zip-test-"));
    mkdirSync(join(dir, "packages/functions/src"), { recursive: true });
    const handler = Buffer.from(`export const handler = async () => "${"x".repeat(5000)}";\n`);
    writeFileSync(join(dir, "packages/functions/src/evaluate.mjs"), handler);
    writeFileSync(join(dir, "package.json"), '{"dependencies":{}}');
    writeFileSync(join(dir, "empty.txt"), "");

    const zip = zipDirectory(dir);
    const entries = readZip(zip);

    expect(entries.map((e) => e.path)).toEqual(["empty.txt", "package.json", "packages/functions/src/evaluate.mjs"]);
    const evaluate = entries[2]!;
    expect(evaluate.data.equals(handler)).toBe(true);
    expect(evaluate.crc).toBe(crc32(handler));
    expect(evaluate.method).toBe(8);
    expect(zip.length).toBeLessThan(handler.length);
    expect(entries[0]!.data.length).toBe(0);
    for (const e of entries) {
      expect(e.externalAttributes >>> 16).toBe(0o100644);
      expect(e.madeBy >> 8).toBe(3);
    }
  });

  test("Given the same entries in a different order, Then the bytes are identical (reproducible asset hashes)", () => {
    const a = { path: "a.js", data: Buffer.from("a") };
    const b = { path: "dir/b.js", data: Buffer.from("b".repeat(100)) };
    expect(zipEntries([a, b]).equals(zipEntries([b, a]))).toBe(true);
  });

  test("Given an empty entry list, Then the archive is a valid empty ZIP", () => {
    const zip = zipEntries([]);
    expect(zip.length).toBe(22);
    expect(readZip(zip)).toEqual([]);
  });

  test.each(["", "/abs.js", "dir\\file.js"])("Given the entry path %j, Then it is refused", (path) => {
    expect(() => zipEntries([{ path, data: Buffer.from("x") }])).toThrow(/invalid entry path/);
  });
});
