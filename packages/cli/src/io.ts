/** What the CLI touches outside itself, injectable so commands can be tested in-process. */
import { createClients, resolveRegion, type AwsClients, type ClientOptions } from "@endpoint-auditor/core";

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
  /** The region the SDK would use without `--region` (AWS_REGION, the profile's region), if any. */
  resolveRegion: (profile: string | undefined) => Promise<string | undefined>;
}

/** Closes a client set's sockets so the process can exit promptly. */
export function destroyClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.cloudwatch.destroy();
  clients.sts.destroy();
}

/**
 * The SDK's own region resolution (environment, then the shared config file's profile), done by a
 * client built without a region.
 */
/** The real process: stdout, stderr, environment and AWS. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    createClients,
    resolveRegion: (profile) => resolveRegion(profile),
  };
}
