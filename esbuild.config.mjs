/**
 * The esbuild settings of the whole repository, in one place:
 *
 * - {@link LAMBDA_ESBUILD_OPTIONS}: every Lambda bundle — by `npm run bundle`
 *   (`packages/functions/scripts/bundle.mjs`, esbuild from the root package) and by the SST stacks
 *   ({@link sstNodejsProps}: `nodejs.esbuild`, built by SST's own esbuild), so the local bundle is the
 *   deployed one;
 * - {@link CLI_ESBUILD_OPTIONS}: the CLI bundle (`packages/cli/scripts/build.mjs`);
 * - {@link TOOL_ESBUILD_OPTIONS}: repository TypeScript run by a Node script with its npm dependencies
 *   left external (`npm run synth` bundling the stacks, the soak test).
 *
 * All of them are ESM for Node ({@link NODE_ESM_OPTIONS}). Two plugins keep the bundles small:
 *
 * - `literalSchemaKeys`: the AWS SDK's generated schema modules (e.g. client-ec2's 1.3 MB
 *   `schemas_0.js`) key their objects with computed names (`{ [_xN]: … }` where `_xN` is a const
 *   string). esbuild must assume a computed key may run code, so it keeps every schema of the service —
 *   551 KB of EC2 schemas for the nine Describe calls we make. Writing the string itself in the brackets
 *   is the same object and lets esbuild drop the unused schemas.
 * - `lambdaCredentials`: in Lambda the execution role's credentials always arrive in environment
 *   variables, so the SDK's default chain (which bundles STS, SSO and OIDC clients for profiles, SSO and
 *   web identity) is replaced by the environment provider alone. The CLI keeps the full chain.
 *
 * This module is imported by the stacks, which SST (and `npm run synth`) bundle into a file elsewhere, so
 * nothing here may depend on where this file lives: the credentials replacement is a virtual module.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

/** Rewrites `[_id]:` keys of SDK schema modules to the string literal `_id` stands for. */
export const literalSchemaKeys = {
  name: "literal-schema-keys",
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      return { contents: inlineSchemaKeys(text), loader: "js", resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * The rewrite itself: every `[_x]:` whose `_x` is a top-level `const _x = "…";` becomes `["…"]:`.
 * Keys whose name is not such a constant are left as they are.
 */
export function inlineSchemaKeys(text) {
  const strings = new Map([...text.matchAll(/^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm)].map((m) => [m[1], m[2]]));
  return text.replace(/\[(_\w+)\]:/g, (all, id) => (strings.has(id) ? `[${strings.get(id)}]:` : all));
}

/**
 * The SDK clients import their whole `package.json` for one field, `version` (the user agent's client
 * version), and the X-Ray SDK for `name` and `version` (its segments' SDK data): bundle those fields alone
 * (about 2 KB per package).
 */
export const packageJsonFieldsRead = {
  name: "package-json-fields-read",
  setup(build) {
    build.onLoad({ filter: /[\\/](@aws-sdk[\\/]client-[^\\/]+|aws-xray-sdk-core)[\\/]package\.json$/ }, async (args) => {
      const { name, version } = JSON.parse(await readFile(args.path, "utf8"));
      return { contents: JSON.stringify(args.path.includes("aws-xray-sdk-core") ? { name, version } : { version }), loader: "json" };
    });
  },
};

/** The namespace of the module that stands in for `semver` in the X-Ray SDK. */
export const XRAY_SEMVER_NAMESPACE = "xray-semver";

/**
 * `semver` (30 KB) reaches the bundle through one caller: the X-Ray SDK's patcher for the AWS SDK v2
 * (`patchers/aws_p.js`, `captureAWS`), which checks `semver.gte(AWS.VERSION, "2.7.15")` — a code path the
 * handlers never take (they trace SDK v3 clients). For that importer only, `semver` is a module with the
 * one function it calls: `gte` of two `major.minor.patch` versions.
 */
export const xraySemverGte = {
  name: "xray-semver-gte",
  setup(build) {
    build.onResolve({ filter: /^semver$/ }, (args) =>
      /[\\/]aws-xray-sdk-core[\\/]dist[\\/]lib[\\/]patchers[\\/]aws_p\.js$/.test(args.importer) ? { path: "semver", namespace: XRAY_SEMVER_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: XRAY_SEMVER_NAMESPACE }, () => ({ contents: SEMVER_GTE_MODULE, loader: "js" }));
  },
};

/** The CommonJS module {@link xraySemverGte} bundles: `gte(a, b)` on the numeric `major.minor.patch` of each. */
export const SEMVER_GTE_MODULE = [
  "const parts = (v) => String(v).replace(/^v/, '').split(/[-+]/)[0].split('.').map((n) => Number.parseInt(n, 10) || 0);",
  "exports.gte = (a, b) => {",
  "  const x = parts(a), y = parts(b);",
  "  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);",
  "  return true;",
  "};",
  "",
].join("\n");

/**
 * The operations the Lambda handlers call, per SDK client (the project's own calls and those of the
 * Powertools packages the handlers use). A client registers every modeled error of its service at load
 * time (Organizations: 50 classes, 17.5 KB; Config: 57; SSM: 140), so none can be tree-shaken;
 * {@link keptModeledErrorsOnly} keeps the errors these operations can raise — read from the `@throws` of
 * each command's declaration in the installed client, so they follow the SDK — and drops the others. An
 * error whose class is not registered still arrives as the client's service exception with the error code
 * as its `name` (which is all our code reads; retries classify throttling by that name too). A client not
 * listed keeps every class. `packages/functions/test/bundle-esbuild.test.ts` checks that every command the
 * handlers' sources import is listed here.
 */
export const CALLED_OPERATIONS = {
  // The inventory part records and the accounts' organization; the organization digest's account names.
  "client-organizations": ["DescribeOrganization", "ListAccounts", "ListAccountsForParent", "ListChildren"],
  "client-route-53": ["ListHostedZonesByVPC"],
  "client-s3": ["ListBuckets"],
  "client-cloudwatch": ["GetMetricData"],
  // PutEvaluations and the stale clean-up; the organization digest's aggregator reads.
  "client-config-service": [
    "PutEvaluations",
    "GetComplianceDetailsByConfigRule",
    "DescribeAggregateComplianceByConfigRules",
    "GetAggregateComplianceDetailsByConfigRule",
  ],
  // The findings history (lib-dynamodb's Put/Get/Query/Update/Delete/Batch*) and Powertools idempotency
  // (GetItem, PutItem, UpdateItem, DeleteItem; it tests `instanceof ConditionalCheckFailedException`).
  "client-dynamodb": ["PutItem", "GetItem", "Query", "UpdateItem", "DeleteItem", "BatchWriteItem", "BatchGetItem"],
  // The digest's webhook parameter.
  "client-ssm": ["GetParameter"],
  "client-sts": ["GetCallerIdentity", "AssumeRole"],
  "client-iam": ["ListAccountAliases"],
};

/**
 * The errors the operations' commands declare (`@throws {@link X}` in their `.d.ts`; the service's base
 * exception among them).
 *
 * @param clientDir the installed client's folder (`…/node_modules/@aws-sdk/client-x`)
 */
export async function declaredErrors(clientDir, operations) {
  const errors = new Set();
  for (const operation of operations) {
    const text = await readFile(path.join(clientDir, "dist-types", "commands", `${operation}Command.d.ts`), "utf8");
    for (const m of text.matchAll(/@throws \{@link (\w+)\}/g)) errors.add(m[1]);
  }
  return [...errors].sort();
}

/** Drops the registration of modeled errors that {@link CALLED_OPERATIONS} cannot raise, so their classes are dropped. */
export const keptModeledErrorsOnly = {
  name: "kept-modeled-errors-only",
  setup(build) {
    const kept = new Map();
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const client = /[\\/]@aws-sdk[\\/](client-[^\\/]+)[\\/]/.exec(args.path)?.[1];
      const operations = client !== undefined ? CALLED_OPERATIONS[client] : undefined;
      if (operations === undefined) return undefined;
      const clientDir = args.path.slice(0, args.path.lastIndexOf(`${path.sep}dist-es${path.sep}`));
      if (!kept.has(clientDir)) kept.set(clientDir, declaredErrors(clientDir, operations));
      const text = inlineSchemaKeys(await readFile(args.path, "utf8"));
      return { contents: dropModeledErrors(text, await kept.get(clientDir)), loader: "js", resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * The rewrite: `n0_registry.registerError(X$, X);` lines of errors not in `keep` are removed (the
 * service exception's `_s_registry` line stays).
 */
export function dropModeledErrors(text, keep) {
  const kept = new Set(keep);
  return text.replace(/^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);\n/gm, (line, registry, schema, ctor) =>
    registry === "_s" || kept.has(ctor) ? line : "",
  );
}

/** The namespace of the virtual module that stands in for `@aws-sdk/credential-provider-node`. */
export const LAMBDA_CREDENTIALS_NAMESPACE = "lambda-credentials";
const RESOLVING = Symbol("lambda-credentials: resolving the real module");

/**
 * Resolves `@aws-sdk/credential-provider-node` to a module that re-exports the environment provider
 * (`fromEnv`) as `defaultProvider` — the `@aws-sdk/credential-provider-env` that the replaced
 * `credential-provider-node` itself depends on (resolved from its folder, so versions match).
 */
export const lambdaCredentials = {
  name: "lambda-credentials",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
      if (args.pluginData === RESOLVING) return undefined;
      const node = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: RESOLVING,
      });
      if (node.errors.length > 0) return { errors: node.errors };
      const env = await build.resolve("@aws-sdk/credential-provider-env", {
        kind: "import-statement",
        resolveDir: path.dirname(node.path),
        pluginData: RESOLVING,
      });
      if (env.errors.length > 0) return { errors: env.errors };
      return { path: env.path, namespace: LAMBDA_CREDENTIALS_NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: LAMBDA_CREDENTIALS_NAMESPACE }, (args) => ({
      contents: `export { fromEnv as defaultProvider } from ${JSON.stringify(args.path)};\n`,
      loader: "js",
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * The build of a stage whose evaluator does not trace (`evaluator.tracing: false`, the default): the
 * handlers' `./lib/tracer` (the Powertools Tracer, which bundles the X-Ray SDK: ~95 KB with cls-hooked and
 * its patchers, loaded at every cold start) is replaced by `./lib/tracer-off`, the same exports doing
 * nothing — what the Tracer itself does with `POWERTOOLS_TRACE_ENABLED=false`.
 */
export const untracedBuild = {
  name: "untraced-build",
  setup(build) {
    build.onResolve({ filter: /^\.\/lib\/tracer$/ }, (args) =>
      /[\\/]packages[\\/]functions[\\/]src$/.test(args.resolveDir) ? { path: path.join(args.resolveDir, "lib", "tracer-off.ts") } : undefined,
    );
  },
};

/**
 * ESM output still meets CommonJS dependencies that call `require`, `__filename` or `__dirname`. (SST's
 * default banner defines `require` and `__dirname` only; this one replaces it.)
 */
export const LAMBDA_BANNER = [
  'import { createRequire as __eaCreateRequire } from "node:module";',
  'import { fileURLToPath as __eaFileURLToPath } from "node:url";',
  'import { dirname as __eaDirname } from "node:path";',
  "const require = __eaCreateRequire(import.meta.url);",
  "const __filename = __eaFileURLToPath(import.meta.url);",
  "const __dirname = __eaDirname(__filename);",
].join("\n");

/** A banner that defines `require` for CommonJS dependencies of an ESM bundle (the CLI's and the tools'). */
export const REQUIRE_BANNER = 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

/** What every bundle of this repository is: one ES module for Node.js. */
export const NODE_ESM_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "node",
};

/**
 * esbuild options of the Lambda handler bundles (entry and output are added by the caller). `tracing`:
 * whether the stage traces its evaluator (`evaluator.tracing`); without it (the default) the handlers are
 * built with {@link untracedBuild}.
 */
export function lambdaEsbuildOptions({ tracing = false } = {}) {
  const { plugins, ...rest } = TRACED_LAMBDA_ESBUILD_OPTIONS;
  return { ...rest, plugins: tracing ? [...plugins] : [...plugins, untracedBuild] };
}

/** esbuild options shared by every Lambda handler bundle, tracing on. */
const TRACED_LAMBDA_ESBUILD_OPTIONS = {
  ...NODE_ESM_OPTIONS,
  minify: true,
  // Errors are named after their class (`this.name = new.target.name`): keep class names through
  // minification so Lambda and Config show `ConfigEventError`, not a mangled name.
  keepNames: true,
  target: "node22",
  // Prefer the ESM builds of dependencies (smaller, tree-shakeable).
  mainFields: ["module", "main"],
  sourcemap: false,
  legalComments: "none",
  banner: { js: LAMBDA_BANNER },
  // keptModeledErrorsOnly reads the schema modules it rewrites itself (literal keys included): it goes first.
  plugins: [keptModeledErrorsOnly, literalSchemaKeys, lambdaCredentials, packageJsonFieldsRead, xraySemverGte],
};

/** The Lambda handler bundles of the default settings (no tracing): `npm run bundle`, the benchmarks. */
export const LAMBDA_ESBUILD_OPTIONS = lambdaEsbuildOptions();

/**
 * esbuild options of the CLI bundle (entry and output are added by the caller): like a Lambda's, for the
 * Node.js versions the CLI supports, and with the SDK's full credential chain (profiles, SSO, web
 * identity) — only `literalSchemaKeys`.
 */
export const CLI_ESBUILD_OPTIONS = {
  ...NODE_ESM_OPTIONS,
  target: "node20",
  minify: true,
  // Prefer the SDK's ES module builds (smaller, tree-shakeable); fall back to CommonJS.
  mainFields: ["module", "main"],
  // Some dependencies are CommonJS and call require() for Node built-ins.
  banner: { js: REQUIRE_BANNER },
  legalComments: "none",
  plugins: [literalSchemaKeys],
};

/**
 * Bundles this repository's TypeScript (the workspace packages `@endpoint-auditor/*` and relative
 * imports) and leaves every npm package external, resolved at run time from `node_modules` — so the
 * bundle shares one copy of each package (SST's project state, the SDK clients a test mocks) with
 * whoever imports it.
 */
export const workspaceSourcesOnly = {
  name: "workspace-sources-only",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@endpoint-auditor/") ? undefined : { path: args.path, external: true },
    );
  },
};

/** esbuild options for repository TypeScript that a Node script imports (`npm run synth`, the soak test). */
export const TOOL_ESBUILD_OPTIONS = {
  ...NODE_ESM_OPTIONS,
  target: "node20",
  keepNames: true,
  banner: { js: REQUIRE_BANNER },
  plugins: [workspaceSourcesOnly],
};

/**
 * The `nodejs` props of an SST `Function` that build it like `npm run bundle`: minified ESM with
 * {@link lambdaEsbuildOptions} as SST's `nodejs.esbuild` (SST spreads it over its own options); `tracing`
 * for the evaluator of a stage that traces it. Left to
 * SST: the entry point, output file, metafile and log level; and the sourcemap (none when deployed,
 * `nodejs.sourcemap: false`; SST makes a linked one for `sst dev`).
 */
export function sstNodejsProps({ tracing = false } = {}) {
  const { sourcemap: _sourcemap, ...esbuild } = lambdaEsbuildOptions({ tracing });
  return {
    format: "esm",
    minify: true,
    sourcemap: false,
    esbuild: { ...esbuild, banner: { ...esbuild.banner }, mainFields: [...esbuild.mainFields], plugins: [...esbuild.plugins] },
  };
}
