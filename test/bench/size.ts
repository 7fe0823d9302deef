/**
 * Size: one region that yields N evaluations (default 1,000,000) pushed through each path that holds all of
 * a run's evaluations at once — one path per process, so each peak memory is that path's own:
 *
 * - `scan`: `scanAccounts` (the CLI's `scan`) with the EC2 and STS clients answering N VPCs in 1,000-item
 *   pages (aws-sdk-client-mock: the real collector, parser, engine and accumulation, no network);
 * - `evaluate`: `evaluateSnapshotSet` (the CLI's `evaluate --snapshot`) of the same raw region;
 * - `json`: the CLI's JSON renderer over those evaluations, written chunk by chunk to a sink;
 * - `config`: `runConfigRule` for a scheduled event (the evaluator Lambda's path): collect, evaluate,
 *   `PutEvaluations` 100 per call, the stale clean-up listing and the findings-history recording
 *   (`BatchGetItem` / `BatchWriteItem` answered by mocks).
 *
 * The rule is `vpc-flow-logs-enabled` (one evaluation per VPC): VPCs without flow logs are the cheapest raw
 * items that each become one real evaluation. It used to overflow the call stack past ~120,000 evaluations
 * in one region (`push(...list)`).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { ConfigServiceClient} from "@aws-sdk/client-config-service";
import { GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { DescribeFlowLogsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, type Vpc } from "@aws-sdk/client-ec2";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import {
  evaluateSnapshotSet,
  recordEvaluations,
  runConfigRule,
  scanAccounts,
  type RawRegion,
  type SnapshotSet,
} from "@endpoint-auditor/core";
import { pageAt, scheduledEventFor } from "@endpoint-auditor/core/testing";
import { mockClient } from "aws-sdk-client-mock";
import { writeJson } from "../../packages/cli/src/render/json";

const ACCOUNT_ID = "123456789012";
const REGION = "eu-west-1";
const NOW = new Date("2025-06-02T00:00:00.000Z");
const RULE_ID = "vpc-flow-logs-enabled";
const MB = 1024 * 1024;

export const SIZE_PATHS = ["scan", "evaluate", "json", "config"] as const;
export type SizePath = (typeof SIZE_PATHS)[number];

export interface SizeOptions {
  path: SizePath;
  evaluations: number;
}

export interface SizeResult {
  path: SizePath;
  /** Evaluations asked for. */
  target: number;
  /** Evaluations the path produced (json: rendered; config: written to Config and recorded in history). */
  evaluations: number;
  /** Wall time of the path alone (not the generation of the raw data), ms. */
  ms: number;
  /** Peak resident set of the process (raw data included), MB. */
  peakRssMb: number;
  /** Resident set after generating the raw data (after a GC), MB. */
  rssAfterGenerateMb: number;
  /** Path-specific numbers (JSON bytes, API calls). */
  details: Record<string, number>;
}

function maxRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** `count` VPCs of the account as `DescribeVpcs` returns them. */
function vpcs(count: number): Vpc[] {
  const out = new Array<Vpc>(count);
  for (let i = 0; i < count; i++) {
    out[i] = {
      VpcId: `vpc-${i.toString(16).padStart(17, "0")}`,
      OwnerId: ACCOUNT_ID,
      CidrBlock: "10.0.0.0/16",
      State: "available",
      IsDefault: false,
      Tags: [{ Key: "team", Value: `team-${i % 50}` }],
    };
  }
  return out;
}

/** EC2 (VPCs paged as the API pages them; no subnets, no flow logs) and STS answered by mocks. */
function mockEc2AndSts(items: readonly Vpc[]): { calls: () => number } {
  const ec2 = mockClient(EC2Client);
  ec2.on(DescribeVpcsCommand).callsFake((input: { MaxResults?: number; NextToken?: string }) => {
    const page = pageAt(items, input.MaxResults ?? 1000, input.NextToken);
    return { Vpcs: page.items, NextToken: page.nextToken };
  });
  ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
  mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT_ID, Arn: `arn:aws:iam::${ACCOUNT_ID}:user/bench`, UserId: "AIDABENCH" });
  return { calls: () => ec2.calls().length };
}

function rawRegion(items: Vpc[]): RawRegion {
  return { region: REGION, vpcs: items, subnets: [], flowLogs: [] };
}

/** What `evaluate --snapshot` reads: one account, one region. */
function snapshotSet(items: Vpc[]): SnapshotSet {
  return { capturedAt: NOW.toISOString(), accounts: [{ accountId: ACCOUNT_ID, regions: [rawRegion(items)] }], failures: [] };
}

async function runPath(path: SizePath, items: Vpc[]): Promise<{ evaluations: number; details: Record<string, number> }> {
  switch (path) {
    case "scan": {
      const ec2 = mockEc2AndSts(items);
      const out = await scanAccounts({
        accounts: [{}],
        regions: [REGION],
        selections: [{ ruleId: RULE_ID }],
        now: NOW,
        clientsFor: (region) => ({
          ec2: new EC2Client({ region }),
          cloudwatch: new CloudWatchClient({ region }),
          sts: new STSClient({ region }),
          // Not called: the rule measured reads EC2 lists only.
          s3: new S3Client({ region }),
          organizations: new OrganizationsClient({ region }),
          route53: new Route53Client({ region }),
        }),
      });
      if (out.errors.length > 0) throw new Error(out.errors.map((e) => e.message).join("; "));
      return { evaluations: out.evaluations.length, details: { ec2Calls: ec2.calls() } };
    }
    case "evaluate": {
      const result = evaluateSnapshotSet(snapshotSet(items), [{ ruleId: RULE_ID }]);
      if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join("; "));
      return { evaluations: result.evaluations.length, details: {} };
    }
    case "json": {
      const result = evaluateSnapshotSet(snapshotSet(items), [{ ruleId: RULE_ID }]);
      let bytes = 0;
      let chunks = 0;
      let rendered = 0;
      writeJson(result, {
        write: (chunk: string) => {
          bytes += Buffer.byteLength(chunk);
          chunks += 1;
          // Each evaluation object has exactly one "compliance" key.
          for (let i = chunk.indexOf('"compliance"'); i !== -1; i = chunk.indexOf('"compliance"', i + 1)) rendered += 1;
        },
      });
      return { evaluations: rendered, details: { jsonMb: bytes / MB, chunks } };
    }
    case "config": {
      const ec2 = mockEc2AndSts(items);
      // Config and DynamoDB as plain senders that count (a sinon-backed mock would keep every request).
      const calls = { putEvaluations: 0, batchWriteItem: 0 };
      const config = {
        send: async (command: object) => {
          if (command instanceof PutEvaluationsCommand) {
            calls.putEvaluations += 1;
            return { FailedEvaluations: [] };
          }
          if (command instanceof GetComplianceDetailsByConfigRuleCommand) return { EvaluationResults: [] };
          throw new Error(`unexpected Config call ${command.constructor.name}`);
        },
      } as unknown as ConfigServiceClient;
      const doc = {
        send: async (command: object) => {
          if (command instanceof BatchGetCommand) {
            return { Responses: Object.fromEntries(Object.keys(command.input.RequestItems ?? {}).map((t) => [t, []])) };
          }
          if (command instanceof BatchWriteCommand) {
            calls.batchWriteItem += 1;
            return { UnprocessedItems: {} };
          }
          throw new Error(`unexpected DynamoDB call ${command.constructor.name}`);
        },
      } as unknown as DynamoDBDocumentClient;
      let recorded = 0;
      const result = await runConfigRule({
        event: scheduledEventFor({ ruleId: RULE_ID }, NOW.toISOString()),
        clients: { ec2: new EC2Client({ region: REGION }), cloudwatch: new CloudWatchClient({ region: REGION }), config },
        region: REGION,
        functionAccountId: ACCOUNT_ID,
        now: NOW,
        onWritten: async (written) => {
          const r = await recordEvaluations(doc, "history", written.evaluations, written.orderingTimestamp);
          recorded += r.written;
        },
      });
      if (recorded !== result.written) throw new Error(`history recorded ${recorded} of ${result.written} written evaluations`);
      return {
        evaluations: result.written,
        details: { ec2Calls: ec2.calls(), putEvaluationsCalls: calls.putEvaluations, batchWriteItemCalls: calls.batchWriteItem },
      };
    }
  }
}

/**
 * Generates N VPCs, then runs one path over them.
 *
 * @example
 * ```ts
 * const result = await runSize({ path: "scan", evaluations: 1_000_000 });
 * ```
 */
export async function runSize(options: SizeOptions): Promise<SizeResult> {
  if (!SIZE_PATHS.includes(options.path)) throw new Error(`unknown size path ${String(options.path)}`);
  const items = vpcs(options.evaluations);
  gc();
  const rssAfterGenerateMb = process.memoryUsage().rss / MB;
  const t0 = performance.now();
  const out = await runPath(options.path, items);
  const ms = performance.now() - t0;
  return {
    path: options.path,
    target: options.evaluations,
    evaluations: out.evaluations,
    ms,
    peakRssMb: maxRssMb(),
    rssAfterGenerateMb,
    details: out.details,
  };
}
