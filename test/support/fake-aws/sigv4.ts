/**
 * Signature Version 4 verification, written from the AWS specification ("Create a signed AWS API
 * request": canonical request → string to sign → HMAC chain), independent of the SDK's signer, so a
 * request the SDK signs wrongly (or a retry that is not re-signed) is refused like AWS would.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** The credential scope a request was signed for. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface ParsedAuthorization {
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

/** Parses a SigV4 `Authorization` header, or returns undefined when it is not one. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const m = AUTH_RE.exec(header.trim());
  if (!m) return undefined;
  return {
    scope: { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! },
    signedHeaders: m[5]!.split(";"),
    signature: m[6]!,
  };
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** RFC 3986 encoding as SigV4 requires (everything but unreserved characters). */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(",") : v;
}

export interface VerifyInput {
  method: string;
  /** Request target as received (`/` or `/?a=b`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  secretAccessKey: string;
}

export type VerifyResult = { ok: true; auth: ParsedAuthorization } | { ok: false; reason: string; auth?: ParsedAuthorization };

/** Verifies the SigV4 signature of a received request. */
export function verifySigV4(input: VerifyInput): VerifyResult {
  const auth = parseAuthorization(headerValue(input.headers, "authorization"));
  if (!auth) return { ok: false, reason: "missing or malformed Authorization header" };
  const amzDate = headerValue(input.headers, "x-amz-date");
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return { ok: false, reason: "missing X-Amz-Date", auth };
  if (!amzDate.startsWith(auth.scope.date)) return { ok: false, reason: "credential scope date differs from X-Amz-Date", auth };
  if (!auth.signedHeaders.includes("host")) return { ok: false, reason: "host is not a signed header", auth };

  const bodyHash = sha256Hex(input.body);
  const declared = headerValue(input.headers, "x-amz-content-sha256");
  if (declared !== undefined && declared !== "UNSIGNED-PAYLOAD" && declared !== bodyHash) {
    return { ok: false, reason: "x-amz-content-sha256 does not match the body", auth };
  }
  const payloadHash = declared ?? bodyHash;

  const target = new URL(input.url, "http://fake.invalid");
  const query = [...target.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = auth.signedHeaders
    .map((name) => `${name}:${(headerValue(input.headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonicalRequest = [
    input.method.toUpperCase(),
    target.pathname || "/",
    query,
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${auth.scope.date}/${auth.scope.region}/${auth.scope.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${input.secretAccessKey}`, auth.scope.date);
  key = hmac(key, auth.scope.region);
  key = hmac(key, auth.scope.service);
  key = hmac(key, "aws4_request");
  const expected = Buffer.from(createHmac("sha256", key).update(stringToSign, "utf8").digest("hex"));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: "signature does not match", auth };
  }
  return { ok: true, auth };
}
