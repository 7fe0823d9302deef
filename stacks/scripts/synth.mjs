#!/usr/bin/env node
// `npm run synth [-- --stage <name>] [-- --out <dir>]`: writes the stand-alone CloudFormation template of
// the auditor stack, its Lambda code zips (the evaluator's and, with the digest on, the digest's) and a
// manifest into dist/cloudformation/, offline. The template's parameters (AssetsBucketPrefix, AssetsKeyPrefix,
// SlackWebhookParameterName) are explained in stacks/standalone.ts.
//
// `sst build` cannot do this: it asks STS who the caller is and looks up SST's bootstrap stack, and waits
// forever without AWS. Instead this bundles stacks/standalone.ts with esbuild (as SST bundles
// sst.config.ts) and synthesizes through SST's App in-process with NODE_ENV=test, which makes SST skip the
// bootstrap lookup; the template uses a bootstrap-free synthesizer (see stacks/standalone.ts).
import { build } from "esbuild";
import { TOOL_ESBUILD_OPTIONS } from "../../esbuild.config.mjs";
import { rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const { values } = parseArgs({
  options: {
    stage: { type: "string", default: "prod" },
    out: { type: "string", default: "dist/cloudformation" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log("Usage: npm run synth -- [--stage prod] [--out dist/cloudformation]");
  process.exit(0);
}
if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(values.stage)) {
  console.error(`Invalid --stage ${JSON.stringify(values.stage)}: letters, digits and hyphens, starting with a letter`);
  process.exit(2);
}

process.chdir(root);
// SST skips its bootstrap lookup (AWS calls) under NODE_ENV=test (stacks/synth.ts keeps npm offline too).
process.env.NODE_ENV = "test";

const bundle = join(root, `.sst/synth.${process.pid}.${Date.now()}.mjs`);
try {
  // Workspace packages are TypeScript source: bundled. Everything else (sst, aws-cdk-lib, the AWS SDK, …)
  // stays a runtime import, so that there is one copy of SST's project state (esbuild.config.mjs).
  await build({ ...TOOL_ESBUILD_OPTIONS, entryPoints: [join(root, "stacks/standalone.ts")], outfile: bundle, logLevel: "warning" });
  const { writeStandalone } = await import(pathToFileURL(bundle).href);
  const outDir = resolve(root, values.out);
  const manifest = await writeStandalone({
    stage: values.stage,
    outDir,
    workDir: join(root, ".sst/standalone", values.stage),
  });
  const shown = relative(process.cwd(), outDir) || ".";
  console.log(`Stack ${manifest.stackName} (stage ${manifest.stage})`);
  console.log(`  template  ${join(shown, manifest.template)}`);
  for (const asset of manifest.assets) console.log(`  asset     ${join(shown, asset.file)}`);
  console.log(`  manifest  ${join(shown, `${manifest.stackName}.manifest.json`)}`);
  console.log(`Parameters: ${Object.keys(manifest.parameters).join(", ")}; capabilities: ${manifest.capabilities.join(", ")}`);
  console.log("Upload each asset to s3://<AssetsBucketPrefix>-<region>/<AssetsKeyPrefix><file name> in every target region.");
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  rmSync(bundle, { force: true });
}
