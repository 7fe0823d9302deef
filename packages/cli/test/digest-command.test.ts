/**
 * `endpoint-auditor digest`: flags, preview (Block Kit JSON and text) and sending to a local webhook,
 * on the built-in demo snapshot evaluated by the real rules.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { evaluateSnapshot, parseSnapshot, type ScanResult, SLACK_LIMITS, slackMessageProblems, type SlackMessage } from "@endpoint-auditor/core";
import { UsageError, parseFlags } from "../src/args";
import { DIGEST_OPTIONS, digestOptionsFromFlags, runDigestCommand, type DigestCommandOptions } from "../src/digest-command";
import { ExitCode } from "../src/exit-codes";
import { DEMO } from "./support";

const TOKEN = "Pq8rS3tU6vW9xY2zA5bC7dE1";
const PATH = `/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}`;

function sink(): { text: string; write(chunk: string): boolean } {
  return {
    text: "",
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

const demo: ScanResult = evaluateSnapshot(parseSnapshot(readFileSync(DEMO, "utf8")));
const nonCompliantIn = (region: string) => demo.evaluations.filter((e) => e.region === region && e.compliance === "NON_COMPLIANT");

let server: Server;
let base = "";
let answers: { status: number; body: string }[] = [];
let received: string[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push(body);
      const answer = answers.shift() ?? { status: 200, body: "ok" };
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  answers = [];
  received = [];
});

describe("digest flags", () => {
  const parse = (args: string[], env: Record<string, string> = {}) => digestOptionsFromFlags(parseFlags("digest", args, DIGEST_OPTIONS), env);

  it("Given no flags, Then a JSON preview", () => {
    expect(parse([])).toEqual({ mode: "preview", format: "json" });
    expect(parse(["--preview", "--format", "TEXT"])).toEqual({ mode: "preview", format: "text" });
  });

  it("Given --send with SLACK_WEBHOOK_URL or --webhook-url, Then the URL is taken (the flag wins)", () => {
    expect(parse(["--send"], { SLACK_WEBHOOK_URL: `https://hooks.slack.com${PATH}` }).webhookUrl).toBe(`https://hooks.slack.com${PATH}`);
    expect(parse(["--send", "--webhook-url", `https://hooks.slack.com/x${PATH}`], { SLACK_WEBHOOK_URL: "https://other" }).webhookUrl).toBe(
      `https://hooks.slack.com/x${PATH}`,
    );
  });

  it("Given bad combinations, Then usage errors that never echo the URL", () => {
    expect(() => parse(["--send"])).toThrow(/needs a webhook/);
    expect(() => parse(["--send", "--preview"], { SLACK_WEBHOOK_URL: "https://x/y" })).toThrow(/exclude each other/);
    expect(() => parse(["--format", "yaml"])).toThrow(UsageError);
    expect(() => parse(["--top-offenders", "0"])).toThrow(/1-50/);
    expect(() => parse(["--webhook-url", `https://hooks.slack.com${PATH}`])).toThrow(/only used with --send/);
    let error: unknown;
    try {
      parse(["--send", "--webhook-url", `http://hooks.slack.com${PATH}`]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

describe("digest preview and send on the demo account", () => {
  it("Given the demo snapshot (two regions), Then the JSON preview is one Block Kit payload per region within Slack's limits", async () => {
    const out = sink();
    const err = sink();
    const code = await runDigestCommand(demo, { mode: "preview", format: "json" }, { stdout: out, stderr: err });
    expect(code).toBe(demo.errors.length > 0 ? ExitCode.INCOMPLETE : ExitCode.OK);
    const messages = JSON.parse(out.text) as SlackMessage[];
    expect(messages).toHaveLength(2);
    for (const [i, region] of demo.regions.entries()) {
      const message = messages[i] as SlackMessage;
      expect(slackMessageProblems(message)).toEqual([]);
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      const open = nonCompliantIn(region).length;
      expect(message.text).toContain(`${demo.accountId} ${region}`);
      if (open > 0) expect(message.text).toContain(`${open} open finding`);
      expect(JSON.stringify(message)).toContain("current state only, no history");
    }
  });

  it("Given one region, Then the JSON preview is the payload object itself (pasteable into Block Kit Builder)", async () => {
    const region = demo.regions[0] as string;
    const oneRegion: ScanResult = { ...demo, regions: [region] };
    const out = sink();
    await runDigestCommand(oneRegion, { mode: "preview", format: "json", accountAlias: "demo" }, { stdout: out, stderr: sink() });
    const message = JSON.parse(out.text) as SlackMessage;
    expect(Array.isArray(message)).toBe(false);
    expect(message.blocks[0]).toMatchObject({ type: "header", text: { text: `Endpoint audit: demo (${demo.accountId}) · ${region}` } });
  });

  it("Given --format text, Then a readable report per region with totals and console links", async () => {
    const out = sink();
    await runDigestCommand(demo, { mode: "preview", format: "text", configRulePrefix: "endpoint-auditor-prod-" }, { stdout: out, stderr: sink() });
    for (const region of demo.regions) {
      expect(out.text).toContain(`Endpoint audit: ${demo.accountId} · ${region}`);
      const open = nonCompliantIn(region);
      if (open.length > 0) {
        expect(out.text).toContain(`${open.length} open finding`);
        const rule = open[0]?.ruleId as string;
        expect(out.text).toContain(`https://${region}.console.aws.amazon.com/config/home?region=${region}#/rules/details?configRuleName=endpoint-auditor-prod-${rule}`);
      }
    }
    expect(out.text).not.toContain('"blocks"');
  });

  it("Given --send, Then one message per region is posted, a second apart, and stdout stays empty", async () => {
    const delays: number[] = [];
    const out = sink();
    const err = sink();
    const options: DigestCommandOptions = { mode: "send", format: "json", webhookUrl: `${base}${PATH}` };
    const code = await runDigestCommand(demo, options, { stdout: out, stderr: err }, { sleep: async (ms) => void delays.push(ms) });
    expect(code).toBe(demo.errors.length > 0 ? ExitCode.INCOMPLETE : ExitCode.OK);
    expect(received).toHaveLength(2);
    expect(received.map((b) => (JSON.parse(b) as SlackMessage).text)).toEqual(demo.regions.map((r) => expect.stringContaining(r) as unknown as string));
    expect(delays).toEqual([1000]);
    expect(out.text).toBe("");
    expect(err.text).toContain(`digest for ${demo.accountId} ${demo.regions[0]} sent`);
    expect(err.text).not.toContain(TOKEN);
  });

  it("Given Slack answers 404 channel_not_found, Then exit code 1 with Slack's error on stderr and no URL", async () => {
    answers = [{ status: 404, body: "channel_not_found" }];
    const err = sink();
    const oneRegion: ScanResult = { ...demo, regions: [demo.regions[0] as string], errors: [] };
    const code = await runDigestCommand(
      oneRegion,
      { mode: "send", format: "json", webhookUrl: `${base}${PATH}` },
      { stdout: sink(), stderr: err },
      { sleep: async () => undefined },
    );
    expect(code).toBe(ExitCode.INCOMPLETE);
    expect(err.text).toContain("not sent: Slack refused the message: 404 channel_not_found");
    expect(err.text).not.toContain(TOKEN);
    expect(err.text).not.toContain(base);
  });

  it("Given a scan with a rule that could not be evaluated, Then the preview says so and the exit code is 1", async () => {
    const region = demo.regions[0] as string;
    const failed: ScanResult = {
      ...demo,
      regions: [region],
      errors: [{ region, ruleId: "interface-endpoint-in-use", message: "not evaluated: cloudwatch:GetMetricData failed: AccessDenied" }],
    };
    const out = sink();
    const code = await runDigestCommand(failed, { mode: "preview", format: "text" }, { stdout: out, stderr: sink() });
    expect(code).toBe(ExitCode.INCOMPLETE);
    expect(out.text).toContain("Not evaluated (not counted above)");
    expect(out.text).toContain("interface-endpoint-in-use: not evaluated: cloudwatch:GetMetricData failed: AccessDenied");
  });
});
