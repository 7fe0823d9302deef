/**
 * `endpoint-auditor digest` wired into the CLI: the real bin as a child process, fed by a snapshot, and
 * sending to a local stand-in for a Slack incoming webhook on 127.0.0.1.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, runCli, sealedEnv, tempDir } from "./support";

const TOKEN = "Xq8rS3tU6vW9xY2zA5bC7dE1";
let home: { path: string; cleanup: () => Promise<void> };
let server: Server;
let webhook = "";
const received: { path: string; body: string; contentType: string }[] = [];

beforeAll(async () => {
  home = await tempDir();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body, contentType: String(req.headers["content-type"]) });
      // What Slack answers to an accepted incoming-webhook message.
      res.writeHead(200, { "content-type": "text/html" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await home.cleanup();
});

interface SlackMessage {
  text: string;
  blocks: { type: string; text?: { text: string } }[];
}

describe("digest", () => {
  it("Given the demo snapshot, Then the preview is one Block Kit message per region (text + blocks) on stdout", async () => {
    const run = await runCli(["digest", "--snapshot", DEMO], { env: sealedEnv(home.path) });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const messages = JSON.parse(run.stdout) as SlackMessage[];
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.blocks[0]?.text?.text)).toEqual([
      "Endpoint audit: 123456789012 · us-east-1",
      "Endpoint audit: 123456789012 · eu-west-1",
    ]);
    for (const m of messages) expect(m.text.length).toBeGreaterThan(0);
  });

  it("Given --format text and --rules, Then a readable digest limited to those rules", async () => {
    const run = await runCli(["digest", "--snapshot", DEMO, "--format", "text", "--rules", "vpc-flow-logs-enabled"], { env: sealedEnv(home.path) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Endpoint audit: 123456789012 · us-east-1");
    expect(run.stdout).toContain("vpc-flow-logs-enabled");
    expect(run.stdout).not.toContain("interface-endpoint-in-use");
  });

  it("Given --send and SLACK_WEBHOOK_URL, Then one message per region is posted and the URL never printed", async () => {
    received.length = 0;
    const run = await runCli(["digest", "--send", "--snapshot", DEMO], { env: sealedEnv(home.path, { SLACK_WEBHOOK_URL: webhook }) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(r.path).toBe(`/services/T0A1B2C3D/B4E5F6G7H/${TOKEN}`);
      expect(r.contentType).toContain("application/json");
      const message = JSON.parse(r.body) as SlackMessage;
      expect(message.text.length).toBeGreaterThan(0);
      expect(message.blocks.length).toBeGreaterThan(0);
    }
    expect(run.stderr).toContain("digest for 123456789012 us-east-1 sent");
    expect(run.stderr).toContain("digest for 123456789012 eu-west-1 sent");
    expect(run.stderr).not.toContain(TOKEN);
  });

  it.each([
    [["digest", "--send", "--snapshot", DEMO], "needs a webhook"],
    [["digest", "--snapshot", DEMO, "--region", "us-east-1"], "--snapshot and --region/--profile exclude each other"],
    [["digest", "--region", "us-east-1", "--now", "2026-11-23"], "--now applies to --snapshot only"],
    [["digest", "--snapshot", DEMO, "--format", "table"], "unknown --format 'table'"],
    [["digest", "--snapshot", DEMO, "--rules", "nope"], "unknown rule 'nope'"],
  ])("Given %j, Then it exits 2 naming the problem", async (args, problem) => {
    const run = await runCli(args, { env: sealedEnv(home.path) });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(problem);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
