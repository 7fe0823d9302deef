import type { BuildOptions, Plugin } from "esbuild";

export declare const literalSchemaKeys: Plugin;
export declare const lambdaCredentials: Plugin;
export declare function inlineSchemaKeys(text: string): string;
export declare const LAMBDA_ESBUILD_OPTIONS: BuildOptions & { plugins: Plugin[] };
