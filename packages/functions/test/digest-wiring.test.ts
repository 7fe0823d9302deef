/**
 * The digest Lambda's production wiring, offline: the exported `handler` builds its own clients from the
 * environment exactly as in Lambda. `AWS_ENDPOINT_URL_<SERVICE>` points the SDK at local servers: dynalite
 * for DynamoDB, and the SSM/IAM stand-in of test/support/ssm-iam-stub answering SSM `GetParameter` (JSON
 * protocol) and IAM `ListAccountAliases` (query protocol, XML) with the documented response shapes. So the
 * webhook URL is really read through Powertools Parameters with decryption, and really cached.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recordEvaluations, recordHeartbeat, type SlackMessage } from "@endpoint-auditor/core";
import { createHistoryTable, createIdempotencyTable, startDynalite, type LocalDynamo } from "@endpoint-auditor/core/testing";
import { startLocalServer, startSsmIamStub, type LocalServer, type SsmIamStub } from "../../../test/support/ssm-iam-stub";
import { lambdaContext } from "./helpers";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TOKEN = "Hj5kL9mN3pQ7rS2tV6wX8yZ1";
const WEBHOOK_PATH = `/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}`;
const PARAMETER = "/sst/endpoint-auditor/prod/Secret/SLACK_WEBHOOK_URL/value";

let dynamo: LocalDynamo;
let ssmIam: SsmIamStub;
let slack: LocalServer;
const slackBodies: string[] = [];
const ENV_KEYS = [
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_ENDPOINT_URL_SSM",
  "AWS_ENDPOINT_URL_IAM",
  "AWS_ENDPOINT_URL_DYNAMODB",
  "HISTORY_TABLE_NAME",
  "IDEMPOTENCY_TABLE_NAME",
  "SLACK_WEBHOOK_PARAMETER_NAME",
  "CONFIG_RULE_NAME_PREFIX",
  "SLACK_TIMEOUT_MS",
  "DEPLOYED_CONFIG_RULES",
] as const;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  dynamo = await startDynalite();
  slack = await startLocalServer((_req, body, res) => {
    slackBodies.push(body);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  ssmIam = await startSsmIamStub({ accountId: ACCOUNT, parameters: { [PARAMETER]: `${slack.url}${WEBHOOK_PATH}` }, accountAlias: "payments-prod" });

  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SSM: ssmIam.url,
    AWS_ENDPOINT_URL_IAM: ssmIam.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    HISTORY_TABLE_NAME: "wiring-history",
    IDEMPOTENCY_TABLE_NAME: "wiring-idempotency",
    SLACK_WEBHOOK_PARAMETER_NAME: PARAMETER,
    CONFIG_RULE_NAME_PREFIX: "endpoint-auditor-prod-",
    SLACK_TIMEOUT_MS: "2000",
    DEPLOYED_CONFIG_RULES: JSON.stringify({ "vpc-flow-logs-enabled": "endpoint-auditor-prod-vpc-flow-logs-enabled" }),
  });
  await createHistoryTable(dynamo.client, "wiring-history");
  await createIdempotencyTable(dynamo.client, "wiring-idempotency");
  await recordEvaluations(
    dynamo.doc,
    "wiring-history",
    [
      {
        accountId: ACCOUNT,
        region: REGION,
        ruleId: "vpc-flow-logs-enabled",
        resourceType: "AWS::EC2::VPC",
        resourceId: "vpc-0123456789abcdef0",
        compliance: "NON_COMPLIANT",
        annotation: "No flow log is attached to this VPC.",
      },
    ],
    new Date("2024-01-05T09:00:00Z"),
  );
  // The rule's last successful run: Monday 2024-01-08 06:00 — fresh for that week's digest, 9 days old for the next.
  await recordHeartbeat(
    dynamo.doc,
    "wiring-history",
    { accountId: ACCOUNT, region: REGION, ruleId: "vpc-flow-logs-enabled", configRuleName: "endpoint-auditor-prod-vpc-flow-logs-enabled" },
    { at: new Date("2024-01-08T06:00:00Z"), evaluated: 1 },
  );
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await ssmIam.close();
  await slack.close();
  await dynamo.close();
});

describe("digest handler production wiring", () => {
  it("Given the environment of the stack, Then the URL is read decrypted from SSM once, the alias from IAM, and one message is sent per week", async () => {
    let output = "";
    const collect = ((chunk: unknown) => {
      output += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    const out = vi.spyOn(process.stdout, "write").mockImplementation(collect);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(collect);
    try {
      const { handler } = await import("../src/digest");
      const context = lambdaContext(REGION, ACCOUNT, "endpoint-auditor-prod-digest");
      const event = (time: string) => ({
        version: "0",
        id: `evt-${time}`,
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: ACCOUNT,
        time,
        region: REGION,
        resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/endpoint-auditor-prod-digest`],
        detail: {},
      });

      const first = await handler(event("2024-01-08T09:00:00Z"), context);
      const retry = await handler(event("2024-01-08T09:00:00Z"), context);
      const nextWeek = await handler(event("2024-01-15T09:00:00Z"), context);

      expect(first).toMatchObject({ status: "sent", isoWeek: "2024-W02", openFindings: 1, newThisWeek: 1 });
      expect(retry.duplicate).toBe(true);
      expect(first.notReporting).toEqual([]);
      expect(nextWeek).toMatchObject({ status: "sent", isoWeek: "2024-W03", openFindings: 1, newThisWeek: 0, notReporting: ["vpc-flow-logs-enabled"] });
      expect(slackBodies).toHaveLength(2);
      const message = JSON.parse(slackBodies[0] as string) as SlackMessage;
      expect(message.blocks[0]).toMatchObject({ text: { text: "Endpoint audit: payments-prod (123456789012) · eu-west-1" } });
      expect(JSON.stringify(message)).toContain("configRuleName=endpoint-auditor-prod-vpc-flow-logs-enabled");

      const ssmCalls = ssmIam.calls.filter((c) => c.operation === "GetParameter");
      expect(ssmCalls).toHaveLength(1); // cached (maxAge 300 s) for the second send
      expect(ssmCalls[0]?.input).toEqual({ Name: PARAMETER, WithDecryption: true });
      expect(ssmCalls[0]?.withDecryption).toBe(true);
      expect(ssmIam.calls.filter((c) => c.operation === "ListAccountAliases").length).toBeGreaterThanOrEqual(1);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(output).toContain("Digest sent");
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(WEBHOOK_PATH);
  });
});
