/** What the CLI touches outside itself, injectable so commands can be tested in-process. */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { createClients, createOrganizationsClient, resolveRegion, type AwsClients, type ClientOptions } from "@endpoint-auditor/core";

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Builds one region's AWS clients (default: core's `createClients`, the SDK's standard chains). */
  createClients: (options: ClientOptions) => AwsClients;
  /** Builds an AWS Organizations client (default: core's `createOrganizationsClient`). */
  createOrganizations?: (options: ClientOptions) => OrganizationsClient;
  /** The region the SDK would use without `--region` (AWS_REGION, the profile's region), if any. */
  resolveRegion: (profile: string | undefined) => Promise<string | undefined>;
}

/** Closes a client set's sockets so the process can exit promptly. */
export function destroyClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.cloudwatch.destroy();
  clients.sts.destroy();
}

/** Section names of an INI file (`[name]`), or [] when it cannot be read. */
function sections(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*\[([^\]\r\n]+)\]\s*$/gm)].map((m) => (m[1] ?? "").trim());
}

/** Where the shared config and credentials files are, as the SDK and the AWS CLI look for them. */
export function sharedFiles(env: Readonly<Record<string, string | undefined>>): { config: string; credentials: string } {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  return {
    config: env.AWS_CONFIG_FILE ?? join(home, ".aws", "config"),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, ".aws", "credentials"),
  };
}

/**
 * The profiles defined in the shared config (`[profile NAME]`, `[default]`) and credentials (`[NAME]`) files.
 *
 * @example
 * ```ts
 * knownProfiles(process.env).includes("audit");
 * ```
 */
export function knownProfiles(env: Readonly<Record<string, string | undefined>>): string[] {
  const files = sharedFiles(env);
  const fromConfig = sections(files.config)
    .map((s) => (s === "default" ? s : /^profile\s+(.+)$/.exec(s)?.[1]?.trim()))
    .filter((s): s is string => s !== undefined);
  return [...new Set([...fromConfig, ...sections(files.credentials)])];
}

/** The real process: stdout, stderr, environment and AWS. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    createClients,
    createOrganizations: createOrganizationsClient,
    resolveRegion: (profile) => resolveRegion(profile),
  };
}
