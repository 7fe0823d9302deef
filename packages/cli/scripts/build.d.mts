/** Types of build.mjs (for test/global-setup.ts). */
export declare function buildCli(options?: { quiet?: boolean }): Promise<string>;
