/**
 * The shared Lambda esbuild settings (the repository's esbuild.config.mjs) on their own:
 *
 * - `inlineSchemaKeys` rewrites only `[_x]:` keys whose `_x` is a top-level `const _x = "…";`, and the
 *   rewritten module evaluates to the same objects — on a small sample and on the real generated schema
 *   modules of every AWS SDK client the handlers use (each bundled with and without the plugin, both
 *   imported, every export compared);
 * - `literalSchemaKeys` is what lets esbuild drop the schemas of operations a bundle never calls;
 * - `keptModeledErrorsOnly` drops the modeled errors of a client that its called operations cannot raise;
 *   an error without a class still arrives with its code as its name;
 * - `packageJsonFieldsRead` bundles only the `package.json` fields the SDK and X-Ray read;
 * - `xraySemverGte` gives X-Ray's SDK v2 patcher a `gte` that agrees with `semver`, and nobody else;
 * - `lambdaCredentials` swaps the SDK's default credential chain for the environment provider, with the
 *   project's esbuild and with SST's (0.18, which builds the deployed functions), also when the settings
 *   module itself has been bundled somewhere else — as SST and `npm run synth` bundle the stacks that
 *   import it.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  CALLED_OPERATIONS,
  CLI_ESBUILD_OPTIONS,
  LAMBDA_CREDENTIALS_NAMESPACE,
  LAMBDA_ESBUILD_OPTIONS,
  NODE_ESM_OPTIONS,
  TOOL_ESBUILD_OPTIONS,
  SEMVER_GTE_MODULE,
  declaredErrors,
  dropModeledErrors,
  inlineSchemaKeys,
  keptModeledErrorsOnly,
  lambdaCredentials,
  lambdaEsbuildOptions,
  literalSchemaKeys,
  packageJsonFieldsRead,
  sstNodejsProps,
  untracedBuild,
  xraySemverGte,
} from "../../../esbuild.config.mjs";
import { bundleHandlers } from "../scripts/bundle.mjs";
import { FAKE_CREDENTIALS, startFakeAws } from "../../../test/support/fake-aws";

const FUNCTIONS_DIR = path.resolve(import.meta.dirname, "..");
const REPO_ROOT = path.resolve(FUNCTIONS_DIR, "../..");
/** The esbuild SST v2 builds functions with (its own pinned copy). */
const sstEsbuild = createRequire(import.meta.url)(path.join(REPO_ROOT, "node_modules/sst/node_modules/esbuild")) as typeof esbuild;

let workDir: string;
let counter = 0;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "endpoint-auditor-esbuild-"));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file in the work directory and imports it. */
async function importText(text: string, name = "module"): Promise<Record<string, unknown>> {
  const file = path.join(workDir, `${name}-${++counter}.mjs`);
  await writeFile(file, text);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/**
 * Bundles `contents` (an entry module resolved from packages/functions, like a handler) and returns the
 * output text and the metafile's input paths.
 */
async function bundle(
  contents: string,
  options: { plugins: esbuild.Plugin[]; minify?: boolean; builder?: typeof esbuild },
): Promise<{ text: string; inputs: string[] }> {
  const builder = options.builder ?? esbuild;
  const result = await builder.build({
    stdin: { contents, resolveDir: FUNCTIONS_DIR, loader: "js", sourcefile: "entry.mjs" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    mainFields: ["module", "main"],
    minify: options.minify ?? false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: REPO_ROOT,
    plugins: options.plugins,
  });
  return { text: result.outputFiles![0]!.text, inputs: Object.keys(result.metafile!.inputs).map((i) => i.replaceAll("\\", "/")) };
}

describe("inlineSchemaKeys", () => {
  // The shape of the SDK's generated dist-es/schemas/schemas_0.js, with the cases the rewrite must leave alone.
  const SAMPLE = [
    'const _A = "Annotation";',
    'const _e = "error";',
    'const _c = "client";',
    'const _hE = "httpError";',
    'const _q = "say \\"hi\\"\\\\n";',
    "const _n = 5;",
    'var _v = "not a const";',
    'const n0 = "com.amazonaws.sample";',
    "export var ThingError$ = [-3, n0, _A,",
    "    { [_e]: _c, [_hE]: 400 },",
    "    [_A, _q],",
    "    [0, 0]",
    "];",
    "export var Quoted$ = { [_q]: _A };",
    "export var NumberKey$ = { [_n]: 1, [_v]: 2 };",
    "export function inner() {",
    '  const _i = "shadowing is not top-level";',
    "  return { [_i]: 3 };",
    "}",
    "",
  ].join("\n");

  it("Given keys that name top-level string constants, Then each becomes the string literal, and nothing else changes", () => {
    const out = inlineSchemaKeys(SAMPLE);
    expect(out).toContain('    { ["error"]: _c, ["httpError"]: 400 },');
    expect(out).toContain('export var Quoted$ = { ["say \\"hi\\"\\\\n"]: _A };');
    // Values, array elements and the constants themselves are untouched.
    expect(out).toContain("    [_A, _q],");
    expect(out).toContain('const _e = "error";');
  });

  it("Given keys that are a number constant, a var, or a constant that is not at the top level, Then they are left as they are", () => {
    const out = inlineSchemaKeys(SAMPLE);
    expect(out).toContain("export var NumberKey$ = { [_n]: 1, [_v]: 2 };");
    expect(out).toContain("  return { [_i]: 3 };");
    // Exactly the three keys named by top-level string constants changed.
    const changed = SAMPLE.split("\n").filter((line, i) => line !== out.split("\n")[i]);
    expect(changed).toEqual(["    { [_e]: _c, [_hE]: 400 },", "export var Quoted$ = { [_q]: _A };"]);
  });

  it("Given the sample before and after the rewrite, Then both are valid modules whose exports are deep-equal", async () => {
    const before = await importText(SAMPLE, "sample-before");
    const after = await importText(inlineSchemaKeys(SAMPLE), "sample-after");
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of ["ThingError$", "Quoted$", "NumberKey$"]) expect(after[name], name).toEqual(before[name]);
    expect((after.inner as () => unknown)()).toEqual((before.inner as () => unknown)());
    expect(after.ThingError$).toEqual([-3, "com.amazonaws.sample", "Annotation", { error: "client", httpError: 400 }, ["Annotation", 'say "hi"\\n'], [0, 0]]);
  });

  it("Given text without schema keys, Then it is returned unchanged", () => {
    const text = 'const _a = "x";\nexport const list = [_a];\nexport const o = { a: _a };\n';
    expect(inlineSchemaKeys(text)).toBe(text);
  });
});

/**
 * A value as plain data: functions that are lazy schema references (`() => Foo$`) are followed, classes
 * become their name, values that are exports become `ref:<name>`, Maps their entries, cycles a marker.
 */
function plain(value: unknown, exportsByValue: Map<unknown, string>, self: unknown, stack: unknown[] = []): unknown {
  if (value !== self && exportsByValue.has(value)) return `ref:${exportsByValue.get(value)}`;
  if (typeof value === "function") {
    const fn = value as (() => unknown) & { prototype?: unknown };
    if (/^class\b/.test(Function.prototype.toString.call(fn)) || fn.length > 0) return `function:${fn.name}`;
    return { lazy: plain(fn(), exportsByValue, undefined, stack) };
  }
  if (value === null || typeof value !== "object") return value;
  if (stack.includes(value)) return "cycle";
  const next = [...stack, value];
  if (Array.isArray(value)) return value.map((v) => plain(v, exportsByValue, undefined, next));
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [plain(k, exportsByValue, undefined, next), plain(v, exportsByValue, undefined, next)]);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, exportsByValue, undefined, next)]));
}

function plainExports(mod: Record<string, unknown>): Record<string, unknown> {
  const byValue = new Map<unknown, string>();
  for (const [name, value] of Object.entries(mod)) if (typeof value === "object" && value !== null && !byValue.has(value)) byValue.set(value, name);
  return Object.fromEntries(Object.entries(mod).map(([name, value]) => [name, plain(value, byValue, value)]));
}

describe("literalSchemaKeys on the SDK clients the handlers use", () => {
  // Resolved from packages/functions, as the handlers' imports are (client-iam has its own copy there).
  const require = createRequire(path.join(FUNCTIONS_DIR, "package.json"));
  const CLIENTS = ["client-ec2", "client-cloudwatch", "client-config-service", "client-dynamodb", "client-ssm", "client-iam", "client-route-53"];

  it.each(CLIENTS)(
    "Given @aws-sdk/%s's generated schemas, When bundled with and without the plugin, Then the rewrite changed keys and both modules export the same schemas",
    async (client) => {
      const dir = path.join(path.dirname(require.resolve(`@aws-sdk/${client}/package.json`)), "dist-es/schemas");
      const file = path.join(dir, "schemas_0.js");
      const source = await readFile(file, "utf8");
      const rewritten = inlineSchemaKeys(source);
      const keys = (text: string) => (text.match(/\[_\w+\]:/g) ?? []).length;
      expect(keys(source), "computed keys in the original").toBeGreaterThan(0);
      expect(keys(rewritten), "computed keys left").toBe(0);

      const entry = `export * from ${JSON.stringify(file)};`;
      const without = await bundle(entry, { plugins: [] });
      const withPlugin = await bundle(entry, { plugins: [literalSchemaKeys] });
      expect(withPlugin.text).not.toBe(without.text);
      const before = plainExports(await importText(without.text, `${client}-without`));
      const after = plainExports(await importText(withPlugin.text, `${client}-with`));
      expect(Object.keys(before).length).toBeGreaterThan(10);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      expect(after).toEqual(before);
    },
  );

  it("Given a handler that sends only DescribeVpcs, When bundled with the plugin, Then the schemas of EC2 operations it never calls are gone (without the plugin they all stay)", async () => {
    const entry = [
      'import { EC2Client, DescribeVpcsCommand } from "@aws-sdk/client-ec2";',
      "export const handler = () => new EC2Client({}).send(new DescribeVpcsCommand({}));",
    ].join("\n");
    const without = await bundle(entry, { plugins: [], minify: true });
    const withPlugin = await bundle(entry, { plugins: [literalSchemaKeys], minify: true });
    for (const text of [without.text, withPlugin.text]) {
      expect(text).toContain('"DescribeVpcsRequest"');
      expect(text).toContain('"DescribeVpcsResult"');
    }
    for (const unused of ["RunInstancesRequest", "TerminateInstancesRequest", "CreateVpcRequest"]) {
      expect(without.text, unused).toContain(unused);
      expect(withPlugin.text, unused).not.toContain(unused);
    }
    expect(Buffer.byteLength(without.text) - Buffer.byteLength(withPlugin.text)).toBeGreaterThan(400 * 1024);
  });
});

describe("keptModeledErrorsOnly", () => {
  const SAMPLE = [
    "const _s_registry = new TypeRegistry(_s);",
    "_s_registry.registerError(SampleServiceException$, SampleServiceException);",
    "const n0_registry = new TypeRegistry(n0);",
    "n0_registry.registerError(InvalidInput$, InvalidInput);",
    "n0_registry.registerError(NoSuchHostedZone$, NoSuchHostedZone);",
    "n0_registry.registerError(InvalidPaginationToken$, InvalidPaginationToken);",
    "export var Other$ = [3, n0, _O, 0, [], []];",
    "",
  ].join("\n");

  it("Given a schema module, Then only the registrations of kept errors and of the service exception remain, and nothing else changes", () => {
    const out = dropModeledErrors(SAMPLE, ["InvalidInput", "InvalidPaginationToken"]);
    expect(out.split("\n").filter((l: string) => l.includes("registerError"))).toEqual([
      "_s_registry.registerError(SampleServiceException$, SampleServiceException);",
      "n0_registry.registerError(InvalidInput$, InvalidInput);",
      "n0_registry.registerError(InvalidPaginationToken$, InvalidPaginationToken);",
    ]);
    expect(out.replace(/.*registerError.*\n/g, "")).toBe(SAMPLE.replace(/.*registerError.*\n/g, ""));
  });

  const ENTRY = [
    'import { Route53Client, ListHostedZonesByVPCCommand } from "@aws-sdk/client-route-53";',
    "export const list = (endpoint, credentials, VPCId) =>",
    '  new Route53Client({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 }).send(new ListHostedZonesByVPCCommand({ VPCId, VPCRegion: "eu-west-1" }));',
  ].join("\n");

  it("Given a handler that sends ListHostedZonesByVPC, When bundled with the plugin, Then the error classes it cannot raise are gone and the two it can raise stay", async () => {
    const without = await bundle(ENTRY, { plugins: [literalSchemaKeys], minify: true });
    const withPlugin = await bundle(ENTRY, { plugins: [keptModeledErrorsOnly, literalSchemaKeys], minify: true });
    for (const gone of ["ConcurrentModification", "HostedZoneNotEmpty", "TooManyTrafficPolicies"]) {
      expect(without.text, gone).toContain(gone);
      expect(withPlugin.text, gone).not.toContain(gone);
    }
    for (const kept of ['"InvalidInput"', '"InvalidPaginationToken"']) expect(withPlugin.text).toContain(kept);
    expect(Buffer.byteLength(without.text) - Buffer.byteLength(withPlugin.text)).toBeGreaterThan(15 * 1024);
  });

  it("Given the bundled client against fake-aws, When Route 53 answers a kept error and an error whose class was dropped, Then both arrive as service exceptions named by their code", async () => {
    const { text } = await bundle(ENTRY, { plugins: [keptModeledErrorsOnly, literalSchemaKeys] });
    const { list } = (await importText(text, "route53")) as { list: (endpoint: string, credentials: object, vpcId: string) => Promise<unknown> };
    const fake = await startFakeAws({ data: { regions: [{ region: "eu-west-1", vpcs: [{ VpcId: "vpc-0a1b2c3d4e5f60718" }] }] } });
    try {
      await expect(list(fake.url, FAKE_CREDENTIALS, "vpc-0ffffffffffffffff")).rejects.toMatchObject({ name: "InvalidInput", $fault: "client" });
      fake.setFaults([{ service: "Route53", fail: { code: "NoSuchHostedZone", status: 404, message: "No hosted zone found" } }]);
      await expect(list(fake.url, FAKE_CREDENTIALS, "vpc-0a1b2c3d4e5f60718")).rejects.toMatchObject({
        name: "NoSuchHostedZone",
        message: "No hosted zone found",
        $metadata: { httpStatusCode: 404 },
      });
    } finally {
      await fake.close();
    }
  });
});

describe("CALLED_OPERATIONS (the operations whose errors keptModeledErrorsOnly keeps)", () => {
  /** Every non-test `.ts` file under `dir`. */
  async function sources(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")).map((e) => path.join(e.parentPath, e.name));
  }

  it("Given every command the Lambda sources import from an SDK client that is listed, Then its operation is listed (so its errors keep their classes)", async () => {
    const files = [...(await sources(path.join(REPO_ROOT, "packages/core/src"))), ...(await sources(path.join(FUNCTIONS_DIR, "src")))];
    const imported = new Map<string, Set<string>>();
    for (const file of files) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"@aws-sdk\/(client-[a-z0-9-]+)"/g)) {
        for (const name of m[1]!.matchAll(/\b(\w+)Command\b/g)) {
          if (!imported.has(m[2]!)) imported.set(m[2]!, new Set());
          imported.get(m[2]!)!.add(name[1]!);
        }
      }
    }
    // The sources do import commands (the check looks at something).
    expect([...(imported.get("client-ec2") ?? [])]).toContain("DescribeVpcs");
    for (const [client, operations] of imported) {
      const listed = (CALLED_OPERATIONS as Record<string, readonly string[] | undefined>)[client];
      if (listed === undefined) continue;
      for (const operation of operations) expect(listed, `${client} ${operation}`).toContain(operation);
    }
  });

  it("Given the installed clients, Then every listed operation has a command declaration, and the errors kept are those the SDK declares (ConditionalCheckFailedException, which Powertools idempotency tests with instanceof, among DynamoDB's)", async () => {
    const require = createRequire(path.join(FUNCTIONS_DIR, "package.json"));
    for (const [client, operations] of Object.entries(CALLED_OPERATIONS)) {
      const dir = path.dirname(require.resolve(`@aws-sdk/${client}/package.json`));
      const errors = await declaredErrors(dir, operations);
      expect(errors.length, client).toBeGreaterThan(0);
    }
    const dir = (client: string) => path.dirname(require.resolve(`@aws-sdk/${client}/package.json`));
    expect(await declaredErrors(dir("client-organizations"), ["DescribeOrganization"])).toEqual([
      "AWSOrganizationsNotInUseException",
      "AccessDeniedException",
      "ConcurrentModificationException",
      "OrganizationsServiceException",
      "ServiceException",
      "TooManyRequestsException",
    ]);
    expect(await declaredErrors(dir("client-dynamodb"), CALLED_OPERATIONS["client-dynamodb"]!)).toContain("ConditionalCheckFailedException");
    await expect(declaredErrors(dir("client-s3"), ["NoSuchOperation"])).rejects.toThrow(/NoSuchOperationCommand\.d\.ts/);
  });

  it("Given a handler that sends DescribeOrganization, When bundled with the plugin, Then Organizations' other error classes are gone and its own stay", async () => {
    const entry = 'import { OrganizationsClient, DescribeOrganizationCommand } from "@aws-sdk/client-organizations";\nexport const d = () => new OrganizationsClient({}).send(new DescribeOrganizationCommand({}));';
    const without = await bundle(entry, { plugins: [literalSchemaKeys], minify: true });
    const withPlugin = await bundle(entry, { plugins: [keptModeledErrorsOnly, literalSchemaKeys], minify: true });
    for (const gone of ["DuplicatePolicyException", "HandshakeConstraintViolationException", "PolicyTypeNotEnabledException"]) {
      expect(without.text, gone).toContain(gone);
      expect(withPlugin.text, gone).not.toContain(gone);
    }
    for (const kept of ["AWSOrganizationsNotInUseException", "TooManyRequestsException", "AccessDeniedException"]) expect(withPlugin.text, kept).toContain(kept);
    expect(Buffer.byteLength(without.text) - Buffer.byteLength(withPlugin.text)).toBeGreaterThan(10 * 1024);
  });
});

describe("packageJsonFieldsRead", () => {
  const require = createRequire(path.join(FUNCTIONS_DIR, "package.json"));

  it.each([
    ["@aws-sdk/client-route-53", ["version"]],
    ["@aws-sdk/client-ec2", ["version"]],
    ["aws-xray-sdk-core", ["name", "version"]],
  ] as const)("Given %s's package.json, When bundled with the plugin, Then it holds exactly the fields read (%j) with their values", async (pkg, fields) => {
    const file = require.resolve(`${pkg}/package.json`);
    const full = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const { text } = await bundle(`export { default as pkg } from ${JSON.stringify(file)};`, { plugins: [packageJsonFieldsRead] });
    const { pkg: bundled } = (await importText(text, "package-json")) as { pkg: Record<string, unknown> };
    expect(bundled).toEqual(Object.fromEntries(fields.map((f) => [f, full[f]])));
    expect(typeof full.version).toBe("string");
  });
});

describe("xraySemverGte", () => {
  const require = createRequire(path.join(FUNCTIONS_DIR, "package.json"));

  it("Given version pairs, Then the stand-in's gte answers as semver's does", async () => {
    const semver = require("semver") as { gte: (a: string, b: string) => boolean };
    const { gte } = (await importText(`const exports = {};\n${SEMVER_GTE_MODULE}\nexport const gte = exports.gte;`, "semver-gte")) as { gte: (a: string, b: string) => boolean };
    const pairs = [
      ["2.1693.0", "2.7.15"],
      ["2.7.15", "2.7.15"],
      ["2.7.14", "2.7.15"],
      ["2.6.99", "2.7.15"],
      ["3.0.0", "2.7.15"],
      ["1.12.0", "2.7.15"],
      ["2.10.0", "2.9.9"],
    ] as const;
    for (const [a, b] of pairs) expect(gte(a, b), `${a} >= ${b}`).toBe(semver.gte(a, b));
  });

  it("Given X-Ray's SDK v2 patcher bundled with the plugin, Then semver is not in the bundle and captureAWS still checks the SDK version", async () => {
    const patcher = require.resolve("aws-xray-sdk-core/dist/lib/patchers/aws_p.js");
    const { text, inputs } = await bundle(`export { captureAWS } from ${JSON.stringify(patcher)};`, { plugins: [xraySemverGte] });
    expect(inputs.filter((i) => i.includes("node_modules/semver/"))).toEqual([]);
    const { captureAWS } = (await importText(text, "xray-aws-p")) as { captureAWS: (sdk: object) => unknown };
    const sdk = { VERSION: "2.1693.0" };
    expect(captureAWS(sdk)).toBe(sdk);
    expect(() => captureAWS({ VERSION: "2.6.0" })).toThrow("AWS SDK version 2.7.15 or greater required.");
  });

  it("Given another importer of semver, Then it gets the real module", async () => {
    const { inputs } = await bundle('import semver from "semver";\nexport const ok = semver.satisfies("1.2.3", "^1");', { plugins: [xraySemverGte] });
    expect(inputs.some((i) => i.includes("node_modules/semver/"))).toBe(true);
  });
});

describe("lambdaCredentials", () => {
  const ENTRY = 'export { defaultProvider } from "@aws-sdk/credential-provider-node";';
  type Provider = (init?: object) => () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  function expectEnvironmentOnly(inputs: string[]): void {
    expect(inputs.some((i) => i.includes("node_modules/@aws-sdk/credential-provider-env/"))).toBe(true);
    expect(inputs.some((i) => i.startsWith(`${LAMBDA_CREDENTIALS_NAMESPACE}:`))).toBe(true);
    for (const chain of ["credential-provider-node/", "credential-provider-ini/", "credential-provider-sso/", "credential-provider-web-identity/", "client-sso/", "nested-clients/"]) {
      expect(inputs.filter((i) => i.includes(chain)), chain).toEqual([]);
    }
  }

  async function expectProvidesFromEnvironment(text: string): Promise<void> {
    const { defaultProvider } = (await importText(text, "credentials")) as { defaultProvider: Provider };
    vi.stubEnv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE01");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    vi.stubEnv("AWS_SESSION_TOKEN", "session-token-from-the-lambda-role");
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: "ASIAEXAMPLEEXAMPLE01",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      sessionToken: "session-token-from-the-lambda-role",
    });
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expect(defaultProvider()()).rejects.toMatchObject({ name: "CredentialsProviderError" });
  }

  it.each([
    ["the project's esbuild", esbuild],
    ["SST's esbuild (0.18)", sstEsbuild],
  ] as const)(
    "Given %s, When the SDK's default provider is bundled with the plugin, Then the bundle holds the environment provider only and reads the Lambda role's variables",
    async (_label, builder) => {
      const out = await bundle(ENTRY, { plugins: [lambdaCredentials], builder });
      expectEnvironmentOnly(out.inputs);
      await expectProvidesFromEnvironment(out.text);
    },
  );

  it("Given the settings module bundled into another folder (as SST bundles the stacks that import it), When its plugins build, Then the credentials swap still resolves", async () => {
    const moved = path.join(workDir, "elsewhere", "stacks.bundle.mjs");
    await esbuild.build({
      entryPoints: [path.join(REPO_ROOT, "esbuild.config.mjs")],
      outfile: moved,
      bundle: true,
      format: "esm",
      platform: "node",
      logLevel: "silent",
    });
    const relocated = (await import(pathToFileURL(moved).href)) as { LAMBDA_ESBUILD_OPTIONS: typeof LAMBDA_ESBUILD_OPTIONS };
    const out = await bundle(ENTRY, { plugins: relocated.LAMBDA_ESBUILD_OPTIONS.plugins, builder: sstEsbuild });
    expectEnvironmentOnly(out.inputs);
    await expectProvidesFromEnvironment(out.text);
  });
});

describe("untracedBuild (a stage whose evaluator does not trace)", () => {
  it("Given the evaluator built with and without tracing, Then only the traced build holds the Powertools Tracer and the X-Ray SDK; the untraced one holds tracer-off instead", async () => {
    const outdir = path.join(workDir, "untraced");
    const [untraced] = await bundleHandlers({ names: ["evaluate"], outdir });
    const [traced] = await bundleHandlers({ names: ["evaluate"], outdir: path.join(workDir, "traced"), tracing: true });
    const inputs = (b: typeof untraced) => Object.keys(b!.metafile.inputs).map((i) => i.replaceAll("\\", "/"));
    expect(inputs(traced).some((i) => i.includes("/aws-xray-sdk-core/"))).toBe(true);
    expect(inputs(traced).some((i) => i.includes("/@aws-lambda-powertools/tracer/"))).toBe(true);
    expect(inputs(traced).some((i) => i.endsWith("lib/tracer-off.ts"))).toBe(false);
    expect(inputs(untraced).some((i) => i.includes("/aws-xray-sdk-core/") || i.includes("/@aws-lambda-powertools/tracer/") || i.includes("/cls-hooked/"))).toBe(false);
    expect(inputs(untraced).some((i) => i.endsWith("lib/tracer-off.ts"))).toBe(true);
    expect(traced!.bytes - untraced!.bytes).toBeGreaterThan(60 * 1024);
  });

  it("Given the no-op tracer, Then it hands back the very client it is given and adds no middleware", async () => {
    const off = await import("../src/lib/tracer-off");
    const client = { send: () => "sent" };
    expect(off.tracer.captureAWSv3Client(client)).toBe(client);
    expect(off.tracing()).toEqual([]);
  });
});

describe("sstNodejsProps", () => {
  it("Given the SST props, Then they are minified ESM without a sourcemap and pass the shared options and every plugin to SST's esbuild, leaving the sourcemap and externals to SST", () => {
    const props = sstNodejsProps();
    expect(props).toMatchObject({ format: "esm", minify: true, sourcemap: false });
    const { sourcemap: _sourcemap, ...shared } = LAMBDA_ESBUILD_OPTIONS;
    expect(props.esbuild).toEqual(shared);
    expect(props.esbuild).not.toHaveProperty("sourcemap");
    expect(props.esbuild).not.toHaveProperty("external");
    expect(props.esbuild?.plugins?.map((p) => p.name)).toEqual([keptModeledErrorsOnly.name, literalSchemaKeys.name, lambdaCredentials.name, packageJsonFieldsRead.name, xraySemverGte.name, untracedBuild.name]);
    // A traced evaluator's: the same without untracedBuild.
    expect(sstNodejsProps({ tracing: true }).esbuild?.plugins?.map((p) => p.name)).toEqual([keptModeledErrorsOnly.name, literalSchemaKeys.name, lambdaCredentials.name, packageJsonFieldsRead.name, xraySemverGte.name]);
    expect(lambdaEsbuildOptions({ tracing: true })).toEqual({ ...LAMBDA_ESBUILD_OPTIONS, plugins: LAMBDA_ESBUILD_OPTIONS.plugins.slice(0, -1) });
  });

  it("Given the props of one function changed, Then the shared options and the next function's props are not", () => {
    const first = sstNodejsProps();
    first.esbuild!.plugins!.pop();
    first.esbuild!.mainFields!.push("browser");
    expect(LAMBDA_ESBUILD_OPTIONS.plugins).toHaveLength(6);
    expect(LAMBDA_ESBUILD_OPTIONS.mainFields).toEqual(["module", "main"]);
    expect(sstNodejsProps().esbuild?.plugins).toHaveLength(6);
  });
});

describe("the repository's other esbuild settings (esbuild.config.mjs)", () => {
  it("Given the Lambda, CLI and tool options, Then all three are ESM bundles for Node", () => {
    for (const options of [LAMBDA_ESBUILD_OPTIONS, CLI_ESBUILD_OPTIONS, TOOL_ESBUILD_OPTIONS]) expect(options).toMatchObject(NODE_ESM_OPTIONS);
    expect(NODE_ESM_OPTIONS).toEqual({ bundle: true, format: "esm", platform: "node" });
  });

  it("Given the CLI options, Then the SDK schemas are trimmed but the SDK's full credential chain stays (profiles, SSO)", () => {
    expect(CLI_ESBUILD_OPTIONS.plugins.map((p) => p.name)).toEqual([literalSchemaKeys.name]);
    expect(CLI_ESBUILD_OPTIONS).toMatchObject({ minify: true, target: "node20", mainFields: ["module", "main"] });
  });

  it("Given the tool options, When repository code importing a workspace package and an npm package is bundled, Then the workspace source is inlined and the npm package stays an import", async () => {
    const result = await esbuild.build({
      ...TOOL_ESBUILD_OPTIONS,
      stdin: {
        contents: 'import { clampAnnotation } from "@endpoint-auditor/core";\nimport { mockClient } from "aws-sdk-client-mock";\nexport { clampAnnotation, mockClient };\n',
        resolveDir: REPO_ROOT,
        loader: "ts",
        sourcefile: "tool-entry.ts",
      },
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const text = result.outputFiles[0]?.text ?? "";
    expect(text).toMatch(/from "aws-sdk-client-mock"/);
    expect(text).not.toContain('"@endpoint-auditor/core"');
    expect(Object.keys(result.metafile.inputs).some((input) => input.startsWith("packages/core/src/"))).toBe(true);
  });
});
