/**
 * Organization scale against fake-aws: `scan --accounts/--org --role-name` (STS AssumeRole per account,
 * credentials per assumed role), `--region all` (EC2 DescribeRegions per account), bounded concurrency,
 * failures isolated per account and region, snapshot@2 replayed by `evaluate`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PARTS, RULES, isListPart, parseSnapshot, type PartSpec, type RawRegion, type Snapshot } from "@endpoint-auditor/core";
import { FAKE_CREDENTIALS, startFakeAws, type FakeAws } from "../../../test/support/fake-aws/index";
import { DEMO, runCli, sealedEnv, tempDir, type JsonResult } from "./support";

const CALLER = "999999999999";
const A = "111111111111";
const B = "222222222222";
const DENIED = "333333333333";
const SUSPENDED = "444444444444";
const NESTED = "555555555555";
const ROLE = "EndpointAuditorReadOnly";

let fake: FakeAws;
let demo: Snapshot;
let dir: { path: string; cleanup: () => Promise<void> };

function regionsOf(...names: string[]): RawRegion[] {
  return demo.regions.filter((r) => names.includes(r.region));
}

beforeAll(async () => {
  demo = parseSnapshot(await readFile(DEMO, "utf8"));
  dir = await tempDir();
  fake = await startFakeAws({
    data: {
      accountId: CALLER,
      regions: [],
      accounts: [
        { accountId: CALLER, name: "management", enabledRegions: ["us-east-1", "eu-west-1"] },
        { accountId: A, regions: regionsOf("us-east-1", "eu-west-1"), enabledRegions: ["us-east-1", "eu-west-1"], parentId: "ou-abcd-11111111" },
        // eu-west-1 is not enabled in B: EC2 answers AuthFailure there.
        { accountId: B, regions: regionsOf("us-east-1"), enabledRegions: ["us-east-1", "ap-east-1"], parentId: "ou-abcd-22222222" },
        { accountId: DENIED, enabledRegions: ["us-east-1"] },
        { accountId: SUSPENDED, state: "SUSPENDED", enabledRegions: ["us-east-1"], parentId: "ou-abcd-11111111" },
        { accountId: NESTED, regions: regionsOf("eu-west-1"), enabledRegions: ["eu-west-1"], parentId: "ou-abcd-33333333" },
      ],
      roles: [
        { accountId: A, roleName: ROLE, externalId: "ext-42" },
        { accountId: B, roleName: ROLE, externalId: "ext-42" },
        { accountId: DENIED, roleName: ROLE, deny: true },
        { accountId: SUSPENDED, roleName: ROLE, externalId: "ext-42" },
        { accountId: NESTED, roleName: ROLE, externalId: "ext-42" },
      ],
      organization: {
        id: "o-exampleorgid",
        rootId: "r-abcd",
        managementAccountId: CALLER,
        units: [
          { id: "ou-abcd-11111111", parentId: "r-abcd" },
          { id: "ou-abcd-22222222", parentId: "r-abcd" },
          { id: "ou-abcd-33333333", parentId: "ou-abcd-11111111" },
        ],
      },
      organizationsPageSize: 2,
    },
  });
});
afterAll(async () => {
  await fake.close();
  await dir.cleanup();
});
beforeEach(() => {
  fake.setFaults([]);
  fake.calls.reset();
  fake.accounts.assumeRoleCalls.length = 0;
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return sealedEnv(dir.path, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
    ...extra,
  });
}

/** The EC2 lists of the part table (each one call per account-region here: every list fits one page). */
const EC2_LISTS = (PARTS as readonly PartSpec[]).filter(isListPart).filter((p) => p.list.service === "ec2").map((p) => p.list.api);

describe("scan --accounts --role-name", () => {
  let run: Awaited<ReturnType<typeof runCli>>;
  let result: JsonResult;
  let snapshotPath: string;
  let calls: typeof fake.calls.log;
  let assumed: typeof fake.accounts.assumeRoleCalls;
  beforeAll(async () => {
    fake.calls.reset();
    fake.accounts.assumeRoleCalls.length = 0;
    snapshotPath = join(dir.path, "org.json");
    run = await runCli(
      ["scan", "--accounts", `${A},${B}`, "--accounts", DENIED, "--role-name", ROLE, "--external-id", "ext-42", "--region", "us-east-1,eu-west-1", "--format", "json", "--save-snapshot", snapshotPath],
      { env: env() },
    );
    result = JSON.parse(run.stdout) as JsonResult;
    calls = [...fake.calls.log];
    assumed = [...fake.accounts.assumeRoleCalls];
  });

  it("Given three accounts, one whose role is denied, Then it exits 1 and reports every account, the denied one with its id", () => {
    expect(run.code).toBe(1);
    expect(result.accountId).toBeUndefined();
    expect(result.accounts.map((a) => [a.accountId, a.scanned])).toEqual([[A, true], [B, true], [DENIED, false]]);
    const denied = result.errors.filter((e) => e.accountId === DENIED);
    expect(denied).toEqual([
      {
        accountId: DENIED,
        message: expect.stringMatching(new RegExp(`^sts:AssumeRole for account ${DENIED} failed: User: arn:aws:iam::${CALLER}:user/fake-aws is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${DENIED}:role/${ROLE}`)) as unknown as string,
        call: "sts:AssumeRole",
        code: "AccessDenied",
      },
    ]);
  });

  it("Then each role was assumed once with the partition from the caller's ARN, the session name endpoint-auditor and the external id", () => {
    expect(assumed.map((c) => [c.RoleArn, c.RoleSessionName, c.ExternalId, c.callerAccountId]).sort()).toEqual(
      [A, B, DENIED].map((id) => [`arn:aws:iam::${id}:role/${ROLE}`, "endpoint-auditor", "ext-42", CALLER]).sort(),
    );
  });

  it("Then each account's data came with its own credentials: evaluations carry the account id, and A has both regions", () => {
    const byAccount = (id: string): Set<string> => new Set(result.evaluations.filter((e) => e.accountId === id).map((e) => e.region));
    expect(byAccount(A)).toEqual(new Set(["us-east-1", "eu-west-1"]));
    expect(byAccount(B)).toEqual(new Set(["us-east-1"]));
    expect(byAccount(DENIED).size).toBe(0);
    expect(result.evaluations.filter((e) => e.accountId === A && e.region === "us-east-1").length).toBe(
      result.evaluations.filter((e) => e.accountId === B && e.region === "us-east-1").length,
    );
  });

  it("Then the region not enabled in B is an error entry for B and eu-west-1 (AuthFailure), not a crash", () => {
    const bErrors = result.errors.filter((e) => e.accountId === B);
    expect(new Set(bErrors.map((e) => e.region))).toEqual(new Set(["eu-west-1"]));
    expect(bErrors.every((e) => e.failedParts?.some((p) => p.code === "AuthFailure"))).toBe(true);
  });

  it("Then every EC2 list was called once per account-region that answered (the single-account floor) and STS once per account", () => {
    const ok = calls.filter((c) => c.outcome === "ok");
    for (const list of EC2_LISTS) {
      const action = list.replace("EC2:", "");
      expect(ok.filter((c) => c.action === action).length, action).toBe(3); // A×2 + B×1
    }
    expect(calls.filter((c) => c.key === "STS:AssumeRole").length).toBe(3);
    expect(calls.filter((c) => c.key === "STS:GetCallerIdentity").length).toBe(1);
  });

  it("Then the saved snapshot@2 holds both accounts and the failure, and `evaluate` replays it to the same result", async () => {
    const saved = JSON.parse(await readFile(snapshotPath, "utf8")) as { format: string; accounts: { accountId: string }[]; failures: { accountId: string }[] };
    expect(saved.format).toBe("endpoint-auditor/snapshot@2");
    expect(saved.accounts.map((a) => a.accountId)).toEqual([A, B]);
    expect(saved.failures.map((f) => f.accountId)).toEqual([DENIED]);
    const replay = await runCli(["evaluate", "--snapshot", snapshotPath, "--format", "json"], { env: env() });
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.stdout)).toEqual(result);
  });

  it("Then the table groups by rule with an ACCOUNT column, totals savings per account and names the denied account in Errors", async () => {
    const table = await runCli(["evaluate", "--snapshot", snapshotPath], { env: env({ COLUMNS: "140" }) });
    expect(table.stdout).toMatch(/^3 accounts · regions us-east-1, eu-west-1/);
    expect(table.stdout).toContain("  ACCOUNT       RESOURCE");
    expect(table.stdout).toMatch(new RegExp(`Savings by account\\n {2}${A} +\\$[\\d,.]+/month .*\\n {2}${B} +\\$[\\d,.]+/month .*\\n {2}${DENIED} +\\$0\\.00/month {2}not scanned \\(see Errors\\)`));
    expect(table.stdout).toContain(`  ${DENIED}: sts:AssumeRole for account ${DENIED} failed:`);
    const blocked = new RegExp(`${B} eu-west-1: every call failed with AuthFailure \\(.*?\\): AWS was not able to validate the provided access credentials — is eu-west-1 enabled for the account\\? not evaluated: ([a-z0-9, -]+?) ${DENIED}`).exec(table.stdout.replace(/\s+/g, " "));
    // Every rule is blocked (in the order their failed lists were met).
    expect(blocked?.[1]?.split(", ").sort()).toEqual(RULES.map((r) => r.metadata.id).sort());
  });
});

describe("scan --org", () => {
  it("Given --org --region all, Then every ACTIVE account (all pages) is scanned in its own enabled regions, the suspended one is left out", async () => {
    const run = await runCli(["scan", "--org", "--role-name", ROLE, "--external-id", "ext-42", "--region", "all", "--format", "json"], { env: env() });
    const result = JSON.parse(run.stdout) as JsonResult;
    // The caller's own account has no such role: it is reported, not skipped silently.
    expect(result.accounts.map((a) => a.accountId).sort()).toEqual([A, B, CALLER, DENIED, NESTED].sort());
    expect(result.accounts.find((a) => a.accountId === SUSPENDED)).toBeUndefined();
    expect(fake.calls.count("Organizations:ListAccounts")).toBe(3); // 6 accounts, pages of 2
    expect(fake.calls.count("EC2:DescribeRegions")).toBe(3); // A, B, NESTED (CALLER and DENIED were not assumed)
    // A: us-east-1, eu-west-1; B: us-east-1, ap-east-1 (opted in); NESTED: eu-west-1.
    const scanned = [...new Set(fake.calls.log.filter((c) => c.action === "DescribeVpcs").map((c) => c.region))];
    expect(scanned.sort()).toEqual(["ap-east-1", "eu-west-1", "us-east-1"]);
    expect(fake.calls.count("EC2:DescribeVpcs")).toBe(5);
    expect(run.code).toBe(1);
  });

  it("Given --org --ou, Then only the accounts under that OU and its nested OUs (ListAccountsForParent, ListChildren) are scanned", async () => {
    const run = await runCli(["scan", "--org", "--ou", "ou-abcd-11111111", "--role-name", ROLE, "--external-id", "ext-42", "--region", "eu-west-1", "--format", "json"], { env: env() });
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.accounts.map((a) => a.accountId)).toEqual([A, NESTED]);
    expect(run.code).toBe(0);
    expect(fake.calls.count("Organizations:ListAccounts")).toBe(0);
    expect(fake.calls.of("Organizations:ListChildren").map((c) => c.params.ParentId)).toEqual(["ou-abcd-11111111", "ou-abcd-33333333"]);
  });

  it("Given --org from an account that does not manage the organization, Then it exits 1 with one line naming the call", async () => {
    fake.setFaults([{ service: "Organizations", action: "ListAccounts", fail: { code: "AccessDeniedException", message: "You don't have permissions to access this resource.", status: 400 } }]);
    const run = await runCli(["scan", "--org", "--role-name", ROLE, "--region", "us-east-1"], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^endpoint-auditor: scan failed: organizations:ListAccounts failed: You don't have permissions/);
  });
});

describe("--region all and concurrency", () => {
  it("Given --region all for the caller's own account, Then DescribeRegions is called once and every enabled region is scanned", async () => {
    const run = await runCli(["scan", "--region", "all", "--rules", "vpc-flow-logs-enabled", "--format", "json"], { env: env() });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonResult).regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(fake.calls.count("EC2:DescribeRegions")).toBe(1);
  });

  it("Given --concurrency 1 and 2 with latency, Then at most that many account-regions are collected at once", async () => {
    fake.setFaults([{ latencyMs: 30 }]);
    const peaks: number[] = [];
    for (const n of ["1", "2"]) {
      fake.calls.reset();
      const run = await runCli(["scan", "--accounts", `${A},${NESTED}`, "--role-name", ROLE, "--external-id", "ext-42", "--region", "us-east-1,eu-west-1", "--rules", "vpc-flow-logs-enabled", "--concurrency", n, "--format", "json"], { env: env() });
      expect(run.code).toBe(1); // NESTED has no us-east-1
      peaks.push(fake.calls.maxConcurrency);
    }
    // vpc-flow-logs-enabled needs 3 lists per account-region, all in flight together.
    expect(peaks[0]).toBeLessThanOrEqual(3);
    expect(peaks[1]).toBeGreaterThan(3);
    expect(peaks[1]).toBeLessThanOrEqual(6);
  });

  it.each([
    [["--role-name", ROLE], "--role-name needs --accounts or --org"],
    [["--accounts", A], "--accounts needs --role-name NAME"],
    [["--ou", "ou-abcd-11111111"], "--ou needs --org"],
    [["--accounts", "12345", "--role-name", ROLE], "'12345' in --accounts is not a 12-digit account id"],
    [["--accounts", A, "--org", "--role-name", ROLE], "--accounts and --org exclude each other"],
    [["--concurrency", "0"], "--concurrency '0' is not a whole number from 1 to 64"],
  ])("Given %j, Then it exits 2 before calling AWS: %s", async (args, message) => {
    const run = await runCli(["scan", "--region", "us-east-1", ...args], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(fake.calls.count()).toBe(0);
  });
});
