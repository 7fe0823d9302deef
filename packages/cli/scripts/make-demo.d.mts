/** Types of make-demo.mjs (for the CLI tests). */
import type { Snapshot } from "@endpoint-auditor/core";

export declare function makeDemo(): Snapshot;
export declare function demoText(): string;
