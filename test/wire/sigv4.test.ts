/**
 * fake-aws verifies SigV4 with its own implementation of the specification; it must accept AWS's
 * published example and refuse any change to what was signed.
 */
import { describe, expect, it } from "vitest";
import { parseAuthorization, verifySigV4, type VerifyInput } from "../support/fake-aws/sigv4";

// The IAM ListUsers example of the AWS General Reference ("Signature Version 4 signing process").
const EXAMPLE: VerifyInput = {
  method: "GET",
  url: "/?Action=ListUsers&Version=2010-05-08",
  headers: {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    host: "iam.amazonaws.com",
    "x-amz-date": "20150830T123600Z",
    authorization:
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
  },
  body: Buffer.alloc(0),
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

describe("SigV4 verification", () => {
  it("Given AWS's published IAM ListUsers example, Then the signature verifies and the scope is read", () => {
    const result = verifySigV4(EXAMPLE);
    expect(result.ok).toBe(true);
    expect(result.auth?.scope).toEqual({ accessKeyId: "AKIDEXAMPLE", date: "20150830", region: "us-east-1", service: "iam" });
  });

  it.each([
    ["another secret key", { secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEX" }],
    ["another query", { url: "/?Action=ListUsers&Version=2010-05-09" }],
    ["another method", { method: "POST" }],
    ["a body", { body: Buffer.from("Action=ListUsers") }],
    ["another signed header value", { headers: { ...EXAMPLE.headers, host: "iam.us-east-1.amazonaws.com" } }],
    ["another date", { headers: { ...EXAMPLE.headers, "x-amz-date": "20150830T123601Z" } }],
  ])("Given %s than was signed, Then verification fails", (_name, change) => {
    expect(verifySigV4({ ...EXAMPLE, ...change }).ok).toBe(false);
  });

  it("Given an x-amz-content-sha256 that is not the body's hash, Then verification fails", () => {
    const result = verifySigV4({ ...EXAMPLE, headers: { ...EXAMPLE.headers, "x-amz-content-sha256": "0".repeat(64) } });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("x-amz-content-sha256") });
  });

  it("Given no or a malformed Authorization header, Then it is refused and not parsed", () => {
    expect(verifySigV4({ ...EXAMPLE, headers: { ...EXAMPLE.headers, authorization: undefined } }).ok).toBe(false);
    expect(parseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/2015/us-east-1/iam/aws4_request")).toBeUndefined();
  });
});
