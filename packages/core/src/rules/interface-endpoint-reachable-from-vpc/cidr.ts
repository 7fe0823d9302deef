/**
 * IPv4 and IPv6 CIDR blocks as number ranges, to tell whether a security group's source overlaps a VPC's
 * blocks. Pure; malformed text parses to `undefined` (never a guess).
 */

/** A block as its first and last address (IPv4 and IPv6 never overlap each other). */
export interface CidrRange {
  version: 4 | 6;
  first: bigint;
  last: bigint;
}

function ipv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function ipv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => (s === "" ? [] : s.split(":").every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? s.split(":") : undefined);
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail]) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

/**
 * The range of a CIDR block, or `undefined` when the text is not one.
 *
 * @example
 * ```ts
 * parseCidr("10.0.0.0/16"); // { version: 4, first: 167772160n, last: 167837695n }
 * ```
 */
export function parseCidr(text: string): CidrRange | undefined {
  // The same few blocks (a VPC's, a group's) are asked about again and again: parse each text once.
  let cached = parsed.get(text);
  if (cached === undefined) {
    if (parsed.size >= 10_000) parsed.clear();
    parsed.set(text, (cached = parse(text) ?? null));
  }
  return cached ?? undefined;
}

const parsed = new Map<string, CidrRange | null>();

function parse(text: string): CidrRange | undefined {
  const [address = "", bits = "", extra] = text.trim().split("/");
  if (extra !== undefined || !/^\d{1,3}$/.test(bits)) return undefined;
  const version = address.includes(":") ? 6 : 4;
  const width = version === 4 ? 32n : 128n;
  const prefix = BigInt(Number(bits));
  if (prefix > width) return undefined;
  const value = version === 4 ? ipv4(address) : ipv6(address);
  if (value === undefined) return undefined;
  const hostBits = width - prefix;
  const first = (value >> hostBits) << hostBits;
  return { version, first, last: first + (1n << hostBits) - 1n };
}

/**
 * Whether two CIDR blocks share at least one address (blocks of different IP versions never do).
 *
 * @example
 * ```ts
 * cidrsOverlap("10.0.0.0/16", "10.0.128.0/24"); // true
 * cidrsOverlap("0.0.0.0/0", "2600:1f18::/56"); // false
 * ```
 */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && rangesOverlap(x, y);
}

/** Whether two parsed blocks share an address. */
export function rangesOverlap(x: CidrRange, y: CidrRange): boolean {
  return x.version === y.version && x.first <= y.last && y.first <= x.last;
}
