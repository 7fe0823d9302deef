import { defineConfig } from "vitest/config";

// The SDK warns on every client that its 2027 releases need Node 22; it is noise in test output
// (workers and the child processes tests start inherit this).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/testing/**/*.test.ts", "packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
