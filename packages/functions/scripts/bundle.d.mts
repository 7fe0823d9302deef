import type { BuildOptions, Metafile } from "esbuild";

export declare const FUNCTIONS_SRC: string;
export declare const REPO_ROOT: string;
export declare const DEFAULT_OUTDIR: string;

/** One handler's bundle. */
export interface HandlerBundle {
  name: string;
  /** `<outdir>/<name>/index.mjs` */
  outfile: string;
  /** esbuild's metafile, written next to the bundle as `meta.json`. */
  metafilePath: string;
  bytes: number;
  metafile: Metafile;
}

export declare function discoverHandlers(srcDir?: string): Promise<string[]>;
export declare function buildOptions(name: string, options?: { srcDir?: string; outdir?: string; tracing?: boolean }): BuildOptions;
export declare function bundleHandlers(options?: { names?: string[]; srcDir?: string; outdir?: string; tracing?: boolean }): Promise<HandlerBundle[]>;
export declare function largestPackages(metafile: Metafile, top?: number): Array<[string, number]>;
