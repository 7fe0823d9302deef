/**
 * The esbuild settings every Lambda bundle is built with — by `npm run bundle` and by the SST stacks
 * (`nodejs.esbuild`), so the local bundle is the deployed one. Two plugins keep the bundles small:
 *
 * - `literalSchemaKeys`: the AWS SDK's generated schema modules (e.g. client-ec2's 1.3 MB
 *   `schemas_0.js`) key their objects with computed names (`{ [_xN]: … }` where `_xN` is a const
 *   string). esbuild must assume a computed key may run code, so it keeps every schema of the service —
 *   551 KB of EC2 schemas for the nine Describe calls we make. Writing the string itself in the brackets
 *   is the same object and lets esbuild drop the unused schemas.
 * - `lambdaCredentials`: in Lambda the execution role's credentials always arrive in environment
 *   variables, so the SDK's default chain (which bundles STS, SSO and OIDC clients for profiles, SSO and
 *   web identity) is replaced by the environment provider alone. The CLI keeps the full chain.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Rewrites `[_id]:` keys of SDK schema modules to the string literal `_id` stands for. */
export const literalSchemaKeys = {
  name: "literal-schema-keys",
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      return { contents: inlineSchemaKeys(text), loader: "js" };
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

/** Resolves `@aws-sdk/credential-provider-node` to the environment-only provider. */
export const lambdaCredentials = {
  name: "lambda-credentials",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: path.join(here, "lambda-credentials.mjs"),
    }));
  },
};

/** esbuild options shared by every Lambda handler bundle (entry and output are added by the caller). */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  // Errors are named after their class (`this.name = new.target.name`): keep class names through
  // minification so Lambda and Config show `ConfigEventError`, not a mangled name.
  keepNames: true,
  format: "esm",
  platform: "node",
  target: "node22",
  // Prefer the ESM builds of dependencies (smaller, tree-shakeable).
  mainFields: ["module", "main"],
  sourcemap: false,
  legalComments: "none",
  plugins: [literalSchemaKeys, lambdaCredentials],
};
