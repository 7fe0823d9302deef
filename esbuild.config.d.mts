import type { BuildOptions, Plugin } from "esbuild";
import type { FunctionProps } from "sst/constructs";

export declare const literalSchemaKeys: Plugin;
export declare const lambdaCredentials: Plugin;
export declare const LAMBDA_CREDENTIALS_NAMESPACE: "lambda-credentials";
export declare function inlineSchemaKeys(text: string): string;
export declare const packageJsonFieldsRead: Plugin;
export declare const CALLED_OPERATIONS: Readonly<Record<string, readonly string[]>>;
export declare function declaredErrors(clientDir: string, operations: readonly string[]): Promise<string[]>;
export declare const keptModeledErrorsOnly: Plugin;
export declare function dropModeledErrors(text: string, keep: readonly string[]): string;
export declare const XRAY_SEMVER_NAMESPACE: "xray-semver";
export declare const xraySemverGte: Plugin;
export declare const SEMVER_GTE_MODULE: string;
export declare const LAMBDA_BANNER: string;
export declare const REQUIRE_BANNER: string;
export declare const NODE_ESM_OPTIONS: BuildOptions;
export declare const untracedBuild: Plugin;
export declare function lambdaEsbuildOptions(options?: { tracing?: boolean }): BuildOptions & { plugins: Plugin[]; banner: { js: string }; mainFields: string[] };
export declare const LAMBDA_ESBUILD_OPTIONS: BuildOptions & { plugins: Plugin[]; banner: { js: string }; mainFields: string[] };
export declare const CLI_ESBUILD_OPTIONS: BuildOptions & { plugins: Plugin[]; banner: { js: string }; mainFields: string[] };
export declare const workspaceSourcesOnly: Plugin;
export declare const TOOL_ESBUILD_OPTIONS: BuildOptions & { plugins: Plugin[]; banner: { js: string } };

/**
 * The `nodejs` props of an SST `Function`; `esbuild` is typed with SST's own esbuild (0.18), which is
 * the one that builds it.
 */
export declare function sstNodejsProps(options?: { tracing?: boolean }): NonNullable<FunctionProps["nodejs"]>;
