/**
 * The HTML report in a real browser: Debian's headless Chromium (installed by .ci/run) driven by
 * playwright-core. The page must load with no network request, draw its SVG charts and table, sort and
 * filter, and a screenshot must show the bars and the table (pixels checked, not only the DOM).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULES, formatUsd } from "@endpoint-auditor/core";
import { DEMO, runCli, sealedEnv, tempDir, type JsonResult } from "./support";

const CHROMIUM = "/usr/bin/chromium";
// The flags this machine needs (no sandbox as root, no background networking on a closed network).
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let browser: Browser;
let page: Page;
let dir: { path: string; cleanup: () => Promise<void> };
let json: JsonResult;
const requests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does: apt-get install -y chromium)`);
  dir = await tempDir();
  const env = sealedEnv(dir.path);
  const out = join(dir.path, "report");
  const run = await runCli(["evaluate", "--snapshot", DEMO, "--format", "html", "--format", "json", "--output-dir", out], { env });
  expect(run.code).toBe(0);
  json = JSON.parse(await readFile(join(out, "endpoint-auditor.json"), "utf8")) as JsonResult;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${join(out, "endpoint-auditor.html")}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dir?.cleanup();
});

/** Counts pixels of an RGB colour (± tolerance) in a PNG screenshot, decoded by the browser itself. */
async function countPixels(png: Buffer, rgb: readonly [number, number, number]): Promise<number> {
  // Runs in the page (a string, so this file needs no DOM typings).
  return page.evaluate(
    `(async ({ data, rgb }) => {
      const img = new Image();
      img.src = "data:image/png;base64," + data;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0);
      const pixels = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i] - rgb[0]) < 12 && Math.abs(pixels[i + 1] - rgb[1]) < 12 && Math.abs(pixels[i + 2] - rgb[2]) < 12) n++;
      }
      return n;
    })(${JSON.stringify({ data: png.toString("base64"), rgb })})`,
  );
}

const visibleRows = (): Promise<number> => page.locator("#findings tbody tr:not([hidden])").count();

describe("the HTML report in headless Chromium", () => {
  it("Given the demo report opened from a file, Then the browser made no request but the page itself", () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((u) => u.startsWith("file://"))).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it("Then the totals, both charts (one bar per rule and per region, widths in proportion to savings) and a row per evaluation render", async () => {
    const total = json.evaluations.reduce((sum, e) => sum + (e.monthlySavingsUsd ?? 0), 0);
    expect(total).toBeGreaterThan(0);
    await expect(page.locator("#total-savings").textContent()).resolves.toBe(`${formatUsd(total)}/month`);
    const ruleBars = page.locator("#savings-by-rule g.bar");
    expect(await ruleBars.count()).toBe(RULES.length);
    expect(await page.locator("#savings-by-region g.bar").count()).toBe(new Set(json.evaluations.map((e) => e.region)).size);
    const bars = await ruleBars.evaluateAll((gs) => gs.map((g) => ({ value: Number(g.getAttribute("data-value")), width: (g.querySelector("rect") as unknown as { getBBox(): { width: number } }).getBBox().width })));
    const max = Math.max(...bars.map((b) => b.value));
    for (const b of bars) expect(Math.abs(b.width - (b.value > 0 ? (b.value / max) * 360 : 1))).toBeLessThanOrEqual(1.5);
    expect(await visibleRows()).toBe(json.evaluations.length);
  });

  it("Then a screenshot shows the red bars of the charts and the table's text", async () => {
    const charts = await page.locator("section.charts").screenshot();
    const table = await page.locator("#findings").screenshot();
    await writeFile(join(dir.path, "charts.png"), charts);
    // #c62828 is the bar colour; the table shows NON_COMPLIANT in the same red and plenty of dark text.
    expect(await countPixels(charts, [0xc6, 0x28, 0x28])).toBeGreaterThan(2000);
    expect(await countPixels(table, [0x1f, 0x23, 0x28])).toBeGreaterThan(2000);
    const full = await page.screenshot({ fullPage: true });
    expect(full.length).toBeGreaterThan(20_000);
  });

  it("Given a click on the $/month header, Then rows sort by saving, descending on the second click", async () => {
    const header = page.locator("#findings thead button", { hasText: "$/month" });
    const column = await page.locator("#findings thead th").evaluateAll((ths) => ths.findIndex((th) => th.textContent?.includes("$/month")));
    const amounts = async (): Promise<number[]> =>
      page.locator("#findings tbody tr").evaluateAll((rows, i) => rows.map((r) => Number((r as unknown as { cells: { getAttribute(name: string): string | null }[] }).cells[i]?.getAttribute("data-sort"))), column);
    await header.click();
    const ascending = await amounts();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await header.click();
    const descending = await amounts();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(descending[0]).toBe(Math.max(...json.evaluations.map((e) => e.monthlySavingsUsd ?? 0)));
    await expect(page.locator("#findings thead th[aria-sort=descending]").count()).resolves.toBe(1);
  });

  it("Given a status and a text filter, Then only matching rows stay visible and the count says so", async () => {
    await page.selectOption("#filter-status", "NON_COMPLIANT");
    const nonCompliant = json.evaluations.filter((e) => e.compliance === "NON_COMPLIANT");
    expect(await visibleRows()).toBe(nonCompliant.length);
    await page.fill("#filter-text", "eu-west-1");
    const expected = nonCompliant.filter((e) => e.region === "eu-west-1" || e.annotation.includes("eu-west-1") || e.resourceId.includes("eu-west-1")).length;
    expect(await visibleRows()).toBe(expected);
    await expect(page.locator("#count").textContent()).resolves.toBe(`${expected} of ${json.evaluations.length} findings`);
    await page.fill("#filter-text", "");
    await page.selectOption("#filter-status", "");
    expect(await visibleRows()).toBe(json.evaluations.length);
  });
});

describe("chromium itself", () => {
  it("Given Debian's chromium, Then it reports its version (what .ci/run installs)", () => {
    expect(execFileSync(CHROMIUM, ["--version"], { encoding: "utf8" })).toMatch(/^Chromium \d+/);
  });
});
