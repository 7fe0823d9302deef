/** What the CLI touches outside itself, injectable so commands can be tested in-process. */
import { createClients, type AwsClients, type ClientOptions } from "@endpoint-auditor/core";

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
async function sdkRegion(profile: string | undefined): Promise<string | undefined> {
  // `region` is deliberately absent so the client falls back to the SDK's region provider chain.
  const clients = createClients({ region: undefined as unknown as string, ...(profile !== undefined ? { profile } : {}) });
  try {
    const region = await clients.ec2.config.region();
    return typeof region === "string" && region.length > 0 ? region : undefined;
  } catch {
    return undefined;
  } finally {
    destroyClients(clients);
  }
}

/** The real process: stdout, stderr, environment and AWS. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    createClients,
    resolveRegion: sdkRegion,
  };
}
