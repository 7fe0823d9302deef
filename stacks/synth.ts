/**
 * In-process SST synthesis, offline — the one way this repository synthesizes its stacks outside `sst
 * deploy`: the stand-alone template (`npm run synth`, `./standalone.ts`) and every infrastructure test.
 *
 * `sst build` is not offline (it asks STS who the caller is and looks up SST's bootstrap stack), so this
 * does what it does in-process: `initProject` (SST's project state: root, config, stage), a deploy-mode
 * `App`, the stacks, and **`app.finish()`** — without it SST leaves functions as placeholders instead of
 * building their code. `NODE_ENV=test` makes SST skip the bootstrap lookup (vitest sets it; `npm run
 * synth` sets it before loading this). SST runs `npm install` (of nothing) in each function's build
 * directory: the npm settings here keep it off the network.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { APP } from "./app";

/** The project SST works in after {@link initOfflineProject}. */
export interface OfflineProject {
  /** The app's name (its `sst.config`). */
  name: string;
  /** The app's default region. */
  region: string;
}

/**
 * Initialises SST's project state for `stage` in `root` (default: the repository, whose `sst.config.ts`
 * is found from the working directory), offline.
 *
 * @throws Error when `NODE_ENV` is not `test` (SST would then look up its bootstrap stack, which needs AWS).
 * @example
 * ```ts
 * const project = await initOfflineProject({ stage: "prod" });
 * project.name; // "endpoint-auditor"
 * ```
 */
export async function initOfflineProject(options: { stage: string; root?: string }): Promise<OfflineProject> {
  if (process.env.NODE_ENV !== "test") {
    throw new Error("Offline SST synthesis needs NODE_ENV=test so that SST does not look up its bootstrap stack (which needs AWS)");
  }
  process.env.npm_config_offline = "true";
  process.env.npm_config_audit = "false";
  process.env.npm_config_fund = "false";
  await initProject({ stage: options.stage, ...(options.root !== undefined ? { root: options.root } : {}) });
  const { name, region } = useProject().config;
  return { name, region: region ?? APP.region };
}

/**
 * A scratch SST project root (a temporary directory with a `package.json` and an `sst.config.mjs` naming
 * this app and no stacks), for syntheses whose build directories must not meet those of the repository's
 * own root (test files that run in parallel). Made in `parent` (default: the system's temporary
 * directory); the caller removes it.
 *
 * @example
 * ```ts
 * const root = scratchProjectRoot("digest-infra");
 * await initOfflineProject({ stage: "test", root });
 * ```
 */
export function scratchProjectRoot(label: string, parent: string = tmpdir()): string {
  const root = mkdtempSync(join(parent, `${label}-`));
  writeFileSync(join(root, "package.json"), `${JSON.stringify({ name: label, private: true, type: "module" })}\n`);
  writeFileSync(
    join(root, "sst.config.mjs"),
    `export default { config() { return ${JSON.stringify({ name: APP.name, region: APP.region })}; }, stacks() {} };\n`,
  );
  return root;
}

/** The deploy-mode app to synthesize. */
export interface SynthesizeOptions {
  stage: string;
  /** Default: this app's name. */
  name?: string;
  /** Default: this app's default region. A token (`Aws.REGION`) makes the template region-agnostic. */
  region?: string;
  /** A token (`Aws.ACCOUNT_ID`) makes the template account-agnostic. */
  account?: string;
  /** Cloud assembly directory (default: SST's, under `.sst/`). */
  outdir?: string;
}

/**
 * Builds a deploy-mode SST app, lets `add` put its stacks in, and finishes it (functions built, assets
 * staged). Call {@link initOfflineProject} first.
 *
 * @example
 * ```ts
 * await initOfflineProject({ stage: "test" });
 * const app = await synthesizeApp({ stage: "test" }, (app) => app.stack(AuditorStack, { id: AUDITOR_STACK_ID }));
 * const template = Template.fromStack(getStack(AuditorStack));
 * ```
 */
export async function synthesizeApp(options: SynthesizeOptions, add: (app: App) => void | Promise<void>): Promise<App> {
  const app = new App(
    {
      mode: "deploy",
      stage: options.stage,
      name: options.name ?? APP.name,
      region: options.region ?? APP.region,
      ...(options.account !== undefined ? { account: options.account } : {}),
    },
    options.outdir !== undefined ? { outdir: options.outdir } : undefined,
  );
  await add(app);
  await app.finish();
  return app;
}
