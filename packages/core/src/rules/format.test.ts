import { describe, expect, it } from "vitest";
import { awsServiceName, fitSentences, formatBytes, joinAnd, listIds, plural } from "./format";

describe("annotation text helpers", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [999, "999 bytes"],
    [1000, "1.0 kB"],
    [1500, "1.5 kB"],
    [99_949, "99.9 kB"],
    [99_950, "100 kB"],
    [999_499, "999 kB"],
    [999_500, "1.0 MB"],
    [1_000_000, "1.0 MB"],
    [123_456_789, "123 MB"],
    [5_000_000_000, "5.0 GB"],
    [2.5e12, "2.5 TB"],
    [3e21, "3000 EB"],
  ])("Given %d bytes, Then formatBytes prints %s (decimal units, as AWS bills)", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("Given more ids than the limit, Then listIds names the first ones and counts the rest", () => {
    expect(listIds(["a", "b"], 3)).toBe("a, b");
    expect(listIds(["a", "b", "c", "d", "e"], 3)).toBe("a, b, c (+2 more)");
    expect(listIds([], 3)).toBe("");
  });

  it("Given counts and lists, Then plural and joinAnd read as English", () => {
    expect(plural(1, "AZ")).toBe("1 AZ");
    expect(plural(2, "AZ")).toBe("2 AZs");
    expect(joinAnd(["S3"])).toBe("S3");
    expect(joinAnd(["S3", "DynamoDB"])).toBe("S3 and DynamoDB");
    expect(joinAnd(["a", "b", "c"])).toBe("a, b and c");
  });

  it("Given a region, Then awsServiceName builds the gateway-capable service names", () => {
    expect(awsServiceName("eu-west-1", "s3")).toBe("com.amazonaws.eu-west-1.s3");
    expect(awsServiceName("us-east-1", "dynamodb")).toBe("com.amazonaws.us-east-1.dynamodb");
  });

  it("Given optional sentences that do not fit, Then fitSentences keeps the required ones and every optional one that fits", () => {
    expect(fitSentences(["Reason."], ["Fix one.", "Fix two."], 100)).toBe("Reason. Fix one. Fix two.");
    expect(fitSentences(["Reason."], ["A much longer optional sentence.", "Short."], 20)).toBe("Reason. Short.");
    expect(fitSentences(["Reason.", ""], [""], 20)).toBe("Reason.");
  });
});
