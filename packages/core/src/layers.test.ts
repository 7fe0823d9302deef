/**
 * The folders of packages/core/src read as the flow, and the import graph keeps it: base modules →
 * inventory/ → rules/ → engine/ → outputs (config/, history/, digest/, slack/, …). A module may import its
 * own floor and the floors below it, never one above; production code never imports the test support
 * (`packages/core/testing`); a rule folder reads the inventory only through its model and queries.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));
const TESTING = resolve(SRC, "..", "testing");

/** The floors, lowest first. Every folder of src must be on one (a new folder fails until it is placed). */
const FLOORS: readonly { name: string; folders: readonly string[] }[] = [
  { name: "base", folders: ["."] },
  { name: "inventory", folders: ["inventory"] },
  { name: "rules", folders: ["rules"] },
  { name: "engine", folders: ["engine"] },
  { name: "outputs", folders: ["config", "history", "digest", "slack", "org"] },
];

/** Production modules: every .ts under src except tests and the rules' demo cases (test support). */
function productionFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return productionFiles(path);
    if (!name.endsWith(".ts") || name.endsWith(".test.ts") || name === "demo.ts") return [];
    return [path];
  });
}

function floorOf(file: string): number {
  const top = relative(SRC, file).split("/");
  const folder = top.length === 1 ? "." : (top[0] as string);
  const index = FLOORS.findIndex((f) => f.folders.includes(folder));
  if (index < 0) throw new Error(`${relative(SRC, file)}: folder "${folder}" is on no floor of layers.test.ts`);
  return index;
}

/** Relative specifiers a module imports (static, dynamic, type-only and re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)].map((m) => m[1] as string);
}

function resolveImport(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(dirname(file), spec);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return base;
}

const files = productionFiles(SRC);

describe("core layers", () => {
  it("Given the sources, Then there are modules on every floor", () => {
    const used = new Set(files.map(floorOf));
    expect([...used].sort()).toEqual(FLOORS.map((_, i) => i));
  });

  it.each(files.map((f) => [relative(SRC, f), f] as const))("Given %s, Then it imports nothing from a floor above its own", (_name, file) => {
    if (relative(SRC, file) === "index.ts") return; // the package entry re-exports every floor
    const own = floorOf(file);
    for (const spec of importsOf(file)) {
      const target = resolveImport(file, spec);
      if (target === undefined || !target.startsWith(SRC)) continue;
      const floor = floorOf(target);
      expect({ import: spec, floor: FLOORS[floor]?.name }, `${relative(SRC, file)} (${FLOORS[own]?.name})`).toEqual({
        import: spec,
        floor: floor <= own ? FLOORS[floor]?.name : `at most ${FLOORS[own]?.name}`,
      });
    }
  });

  it.each(files.map((f) => [relative(SRC, f), f] as const))("Given %s, Then it never imports the test support", (_name, file) => {
    for (const spec of importsOf(file)) {
      expect(spec).not.toMatch(/^@endpoint-auditor\/core\/testing/);
      const target = resolveImport(file, spec);
      if (target !== undefined) expect(target.startsWith(TESTING), `${relative(SRC, file)} imports ${spec}`).toBe(false);
    }
  });

  it("Given the rule folders, Then they read the inventory only through its model and queries (never the parser or the part records)", () => {
    const ruleFiles = files.filter((f) => /^rules\/[^/]+\//.test(relative(SRC, f)));
    expect(ruleFiles.length).toBeGreaterThan(0);
    for (const file of ruleFiles) {
      for (const spec of importsOf(file)) {
        const target = resolveImport(file, spec);
        if (target === undefined) continue;
        const rel = relative(SRC, target);
        if (!rel.startsWith("inventory/")) continue;
        expect(rel, `${relative(SRC, file)} imports ${spec}`).toMatch(/^inventory\/(model|queries)\.ts$/);
      }
    }
  });
});
