/**
 * README.md restates rule metadata only in generated blocks, and they are up to date (`npm run docs`).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES, allRulePermissions } from "@endpoint-auditor/core";
import { readmeBlocks, updateReadme } from "../src/render/readme";
import { REPO_ROOT } from "./support";

describe("README.md", () => {
  it("Given the rule registry, Then every generated block of the README is what the registry says now (run npm run docs)", async () => {
    const readme = await readFile(join(REPO_ROOT, "README.md"), "utf8");
    expect(updateReadme(readme) === readme).toBe(true);
  });

  it("Given the generated blocks, Then each names every registered rule (or every read action) and nothing else", () => {
    const blocks = new Map(readmeBlocks().map((b) => [b.name, b.text]));
    for (const name of ["rules-summary", "rules-parameters"]) {
      const ids = [...(blocks.get(name) ?? "").matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
      expect(ids, name).toEqual(RULES.map((r) => r.metadata.id));
    }
    const actions = [...(blocks.get("evaluator-read-actions") ?? "").matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((m) => m[1]);
    expect(actions).toEqual(allRulePermissions());
  });

  it("Given a README without a block's markers, Then updating it fails naming the block", () => {
    expect(() => updateReadme("# nothing here\n")).toThrow("README.md has no block <!-- generated:rules-summary");
  });
});
