/**
 * Offline synthesis of a stand-alone CloudFormation template for CloudFormation StackSets (and plain
 * `aws cloudformation deploy`): no SST or CDK bootstrap stack, no account, no network.
 *
 * The template is environment-agnostic (account and region are the `AWS::AccountId` / `AWS::Region` pseudo
 * parameters) and reads the Lambda code (the evaluator's and, with the digest on, the digest's zip) from
 * `s3://${AssetsBucketPrefix}-${AWS::Region}/${AssetsKeyPrefix}<hash>.zip`, so one template serves every
 * account and region of an organisation.
 *
 * What StackSets users set, per stack set (or per stack instance with parameter overrides):
 * - `AssetsBucketPrefix` (required) and `AssetsKeyPrefix`: where the zips listed in the manifest were uploaded,
 *   one bucket `<prefix>-<region>` per target region, readable by the target accounts' Lambda service.
 * - `SlackWebhookParameterName` (only when the digest is enabled; default: `digest.webhookParameterName`, else
 *   `/sst/<app>/<stage>/Secret/SLACK_WEBHOOK_URL/value`): the NAME of the SecureString parameter holding the
 *   webhook URL. The URL is never in the template: each target account and region must hold that parameter
 *   (e.g. `aws ssm put-parameter --type SecureString --name <name> --value <url>`, encrypted with `aws/ssm`).
 *   The digest may read exactly `arn:<partition>:ssm:<region>:<account>:parameter<name>` of its own account
 *   and region, so the same template resolves it per account. A customer-managed key
 *   (`digest.webhookKmsKeyArn`) is one ARN in one account and does not suit StackSets.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AssetStaging,
  Aws,
  CfnParameter,
  Fn,
  StackSynthesizer,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
  type ISynthesisSession,
  type Stack,
} from "aws-cdk-lib";
import { getStack } from "sst/constructs";
import { AUDITOR_STACK_ID, createAuditorStack, type AuditorStackOptions } from "./AuditorStack";
import type { SettingsFile } from "./settings/schema";
import { settingsFor } from "./settings/validate";
import { initOfflineProject, synthesizeApp } from "./synth";
import { zipDirectory } from "./zip";

/** The template's parameters for the Lambda code location. */
export const AssetParameters = {
  bucketPrefix: "AssetsBucketPrefix",
  bucketAccount: "AssetsBucketAccountId",
  keyPrefix: "AssetsKeyPrefix",
} as const;

/**
 * The name of the bucket holding the Lambda code in the stack's region:
 * `<AssetsBucketPrefix>-<AssetsBucketAccountId>-<region>-an` — a name in the owning account's **account
 * regional namespace** of S3 (the `-<account>-<region>-an` suffix), which only that account can create. A
 * name without the account could be taken, in a region where the owner has no bucket yet, by anyone — whose
 * code the stack would then run with its roles.
 */
export const ASSETS_BUCKET_NAME = `\${${AssetParameters.bucketPrefix}}-\${${AssetParameters.bucketAccount}}-\${AWS::Region}-an`;

/** A file asset the template references: a directory to zip and upload as `${keyPrefix}${objectKey}`. */
export interface StandaloneAsset {
  sourceHash: string;
  /** The staged directory (or file), relative to the cloud assembly directory. */
  fileName: string;
  packaging: string;
  /** The object key without the `AssetsKeyPrefix` value, e.g. `3f2a….zip`. */
  objectKey: string;
}

/**
 * A stack synthesizer that needs no bootstrap: file assets are read from a bucket named by a template
 * parameter, docker image assets are refused, and no `BootstrapVersion` parameter or rule is added.
 */
export class StandaloneSynthesizer extends StackSynthesizer {
  private readonly recorded = new Map<string, StandaloneAsset>();
  private parametersAdded = false;

  /** Every file asset added to the stack (including ones later removed from the tree). */
  public get assets(): StandaloneAsset[] {
    return [...this.recorded.values()];
  }

  public override addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!asset.fileName) throw new Error("StandaloneSynthesizer: only file-system assets are supported");
    if (asset.packaging !== "zip" && asset.packaging !== "file" && asset.packaging !== undefined) {
      throw new Error(`StandaloneSynthesizer: unsupported asset packaging ${asset.packaging}`);
    }
    this.addParameters();
    const extension = asset.packaging === "zip" ? ".zip" : (/\.[A-Za-z0-9]+$/.exec(asset.fileName)?.[0] ?? "");
    const objectKey = `${asset.sourceHash}${extension}`;
    this.recorded.set(asset.sourceHash, {
      sourceHash: asset.sourceHash,
      fileName: asset.fileName,
      packaging: asset.packaging ?? "file",
      objectKey,
    });
    const bucketName = Fn.sub(ASSETS_BUCKET_NAME);
    const key = Fn.sub(`\${${AssetParameters.keyPrefix}}${objectKey}`);
    const httpUrl = Fn.sub(
      `https://${ASSETS_BUCKET_NAME}.s3.\${AWS::Region}.\${AWS::URLSuffix}/\${${AssetParameters.keyPrefix}}${objectKey}`,
    );
    return {
      bucketName,
      objectKey: key,
      httpUrl,
      s3ObjectUrl: Fn.sub(`s3://${ASSETS_BUCKET_NAME}/\${${AssetParameters.keyPrefix}}${objectKey}`),
    };
  }

  public override addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error("StandaloneSynthesizer: docker image assets are not supported");
  }

  public override synthesize(session: ISynthesisSession): void {
    this.synthesizeStackTemplate(this.boundStack, session);
    this.emitArtifact(session);
  }

  private addParameters(): void {
    if (this.parametersAdded) return;
    this.parametersAdded = true;
    const stack: Stack = this.boundStack;
    new CfnParameter(stack, AssetParameters.bucketPrefix, {
      type: "String",
      description:
        "Prefix of the S3 buckets holding the Lambda code: the stack reads s3://<prefix>-<AssetsBucketAccountId>-<region>-an/, a bucket in the stack's own region in that account's regional namespace.",
      // 63 characters in all: the suffix -<12 digits>-<region, at most 14>-an takes 31.
      allowedPattern: "^[a-z0-9][a-z0-9-]*[a-z0-9]$",
      maxLength: 32,
      constraintDescription: "an S3 bucket name prefix of at most 32 lowercase letters, digits and hyphens",
    });
    new CfnParameter(stack, AssetParameters.bucketAccount, {
      type: "String",
      description: "The account that owns the code buckets (12 digits): only it can create a bucket named with its id and the -an suffix.",
      allowedPattern: "^\\d{12}$",
      constraintDescription: "a 12-digit AWS account id",
    });
    new CfnParameter(stack, AssetParameters.keyPrefix, {
      type: "String",
      default: "",
      description: "Key prefix of the Lambda code objects in that bucket, ending in / when not empty.",
      allowedPattern: "^$|^.*/$",
      constraintDescription: "empty or ending in /",
    });
  }
}

export interface StandaloneOptions {
  stage: string;
  /** Cloud assembly directory (assets are staged here). */
  outdir: string;
  /** Settings file to read instead of `stacks/settings.ts`. */
  settingsFile?: SettingsFile;
}

export interface StandaloneResult {
  stackName: string;
  stage: string;
  template: Record<string, unknown>;
  /** The file assets the template references, relative to `outdir`. */
  assets: StandaloneAsset[];
}

/**
 * Synthesizes the auditor stack for `stage` into a stand-alone template, offline. Needs `NODE_ENV=test`
 * (SST then skips its bootstrap lookup, which needs AWS credentials and the network).
 *
 * @example
 * ```ts
 * process.env.NODE_ENV = "test";
 * const { template, assets } = await synthesizeStandalone({ stage: "prod", outdir: ".sst/standalone" });
 * ```
 */
export async function synthesizeStandalone(options: StandaloneOptions): Promise<StandaloneResult> {
  // CDK caches staged assets per process by source and output directory; writeStandalone empties that
  // directory first, so a second synthesis in the same process must stage (copy) the code again.
  AssetStaging.clearAssetHashCache();
  const project = await initOfflineProject({ stage: options.stage });
  const synthesizer = new StandaloneSynthesizer();
  const stackOptions: AuditorStackOptions = {
    ...(options.settingsFile ? { settings: settingsFor(options.stage, options.settingsFile) } : {}),
    webhookParameterNameAsTemplateParameter: true,
  };
  const stackFn = createAuditorStack(stackOptions);
  const app = await synthesizeApp(
    // Environment-agnostic: every account and region reference is a pseudo parameter.
    { stage: options.stage, name: project.name, account: Aws.ACCOUNT_ID, region: Aws.REGION, outdir: options.outdir },
    (app) => {
      app.stack(stackFn, { id: AUDITOR_STACK_ID, synthesizer });
    },
  );
  const stack = getStack(stackFn);
  // SST's construct metadata output is for the SST console; it means nothing outside an SST app.
  stack.node.tryRemoveChild("SSTStackOutputSSTMetadata");
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const template = artifact.template as Record<string, unknown>;
  const text = JSON.stringify(template);
  return {
    stackName: stack.stackName,
    stage: options.stage,
    template,
    assets: synthesizer.assets.filter((a) => text.includes(a.objectKey)),
  };
}

/** What `npm run synth` writes next to the template, for people and scripts that upload and deploy it. */
export interface StandaloneManifest {
  stage: string;
  stackName: string;
  /** Template file, relative to the manifest. */
  template: string;
  capabilities: readonly string[];
  parameters: Readonly<Record<string, string>>;
  /** Files to upload to `s3://<AssetsBucketPrefix>-<AssetsBucketAccountId>-<region>-an/<AssetsKeyPrefix><key>` in every target region. */
  assets: readonly { file: string; key: string; sourceHash: string }[];
}

export interface WriteStandaloneOptions {
  stage: string;
  /** Where the template, assets and manifest go, e.g. `dist/cloudformation`. */
  outDir: string;
  /** Scratch cloud-assembly directory (emptied first). */
  workDir: string;
  settingsFile?: SettingsFile;
}

/**
 * Synthesizes the stand-alone template for `stage` and writes `<stackName>.template.json`,
 * `<stackName>.manifest.json` and `assets/<hash>.zip` into `outDir`.
 *
 * @example
 * ```ts
 * process.env.NODE_ENV = "test";
 * const manifest = await writeStandalone({ stage: "prod", outDir: "dist/cloudformation", workDir: ".sst/standalone" });
 * ```
 */
export async function writeStandalone(options: WriteStandaloneOptions): Promise<StandaloneManifest> {
  rmSync(options.workDir, { recursive: true, force: true });
  const result = await synthesizeStandalone({
    stage: options.stage,
    outdir: options.workDir,
    ...(options.settingsFile ? { settingsFile: options.settingsFile } : {}),
  });
  mkdirSync(join(options.outDir, "assets"), { recursive: true });
  const templateFile = `${result.stackName}.template.json`;
  writeFileSync(join(options.outDir, templateFile), `${JSON.stringify(result.template, null, 2)}\n`);
  const assets = result.assets.map((asset) => {
    const source = join(options.workDir, asset.fileName);
    const file = `assets/${asset.objectKey}`;
    const bytes = asset.packaging === "zip" ? zipDirectory(source) : readFileSync(source);
    writeFileSync(join(options.outDir, file), bytes);
    return { file, key: asset.objectKey, sourceHash: asset.sourceHash };
  });
  const parameters = (result.template.Parameters ?? {}) as Record<string, { Description?: string }>;
  const manifest: StandaloneManifest = {
    stage: result.stage,
    stackName: result.stackName,
    template: templateFile,
    capabilities: ["CAPABILITY_IAM"],
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.Description ?? ""])),
    assets,
  };
  writeFileSync(
    join(options.outDir, `${result.stackName}.manifest.json`),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  pruneAssets(options.outDir);
  return manifest;
}

/** Deletes zips in `outDir/assets` that no manifest in `outDir` references (left by earlier builds). */
function pruneAssets(outDir: string): void {
  const referenced = new Set<string>();
  for (const name of readdirSync(outDir)) {
    if (!name.endsWith(".manifest.json")) continue;
    const manifest = JSON.parse(readFileSync(join(outDir, name), "utf8")) as Partial<StandaloneManifest>;
    for (const asset of manifest.assets ?? []) referenced.add(asset.file);
  }
  for (const name of readdirSync(join(outDir, "assets"))) {
    if (!referenced.has(`assets/${name}`)) rmSync(join(outDir, "assets", name), { force: true });
  }
}
